"""The administrators' buttons (``adm:``) and the moderation buttons (``mod:``) as typed button
data (:mod:`bot.core.callbacks`).

==============================  ============================================================
``adm:l:<page>``                /beheer, one page of the list
``adm:q:<id>``                  one questionnaire with its buttons
``adm:open:<id>``               open it
``adm:close?:<id>``             ask to confirm closing; ``adm:close:<id>`` closes
``adm:archive?:<id>``           ask to confirm archiving; ``adm:archive:<id>`` archives
``adm:export:<id>``             send the CSV and Excel files
``adm:draft:<id>:<v>``          show the preview of a draft again
``adm:test:<id>:<v>:<m>``       take the questionnaire as a test
``adm:pub:<id>:<v>:<m>``        publish the draft
``adm:del:<id>:<v>:<m>``        cancel: throw the draft away
``mod:ok:<answer>``             approve a text
``mod:no:<answer>``             ask why it is rejected; ``mod:bk:<answer>`` back from there
``mod:rj:<answer>:<reason>``    reject it (a reason of ``storage.moderation.REASONS``)
==============================  ============================================================

``<id>``: a questionnaire id (at most 40 characters); ``<v>``: a version (at most 6 digits,
:data:`flows.lifecycle.MAX_VERSION`); ``<m>``: the first 6 characters of the checksum of the
file a preview showed (at most 10 + 40 + 1 + 6 + 1 + 6 = 64 bytes).

Every field is kept as text and checked by the button itself (:attr:`ListPage.number`,
:attr:`OnQuestionnaire.qid`, :attr:`OnDraft.draft`, :attr:`OnText.answer_id`): any data under
``adm:`` or ``mod:``, also made up or cut short, decodes to a button of these families, so it
reaches its handler. There the sender is checked first (a stranger is refused under the
button's own audit :attr:`~AdminButton.action`), and an administrator's made-up press is
answered as a stale button. Data of no kind below decode to :class:`OtherAdmin` or
:class:`OtherModeration`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Self

from bot.core.callbacks import MAX_INT, Button
from flows.lifecycle import MARK_CHARS, MAX_VERSION
from flows.schema import MAX_QUESTIONNAIRE_ID_CHARS, SLUG
from storage.moderation import REASONS


def _digits(text: str, most: int) -> int | None:
    """``text`` as a number of at most ``most`` digits."""
    if not (text.isascii() and text.isdigit()) or len(text) > most:
        return None
    return int(text)


def _slug(text: str) -> str | None:
    """``text`` when it can be a questionnaire id."""
    if len(text) <= MAX_QUESTIONNAIRE_ID_CHARS and SLUG.fullmatch(text) is not None:
        return text
    return None


# --- adm: ---------------------------------------------------------------------------------------


class AdminButton(Button):
    """Every ``adm:`` button."""

    __slots__ = ()
    #: What a press is written to the audit log as (also a stranger's, refused).
    action: ClassVar[str] = "button"


@dataclass(frozen=True, slots=True)
class OtherAdmin(AdminButton, prefix="adm"):
    """``adm:`` data of no kind of ours (made up, or from a button no release makes)."""

    rest: str = ""


@dataclass(frozen=True, slots=True)
class ListPage(AdminButton, prefix="adm:l"):
    action: ClassVar[str] = "beheer"
    page: str = ""

    @classmethod
    def of(cls, number: int) -> Self:
        return cls(str(number))

    @property
    def number(self) -> int:
        """The page; the first for anything but a page number (as before typed data)."""
        return _digits(self.page, 3) or 0


@dataclass(frozen=True, slots=True)
class OnQuestionnaire(AdminButton):
    """A button about one questionnaire."""

    questionnaire_id: str = ""

    @property
    def qid(self) -> str | None:
        """The questionnaire id; None when the data hold none."""
        return _slug(self.questionnaire_id)


@dataclass(frozen=True, slots=True)
class Detail(OnQuestionnaire, prefix="adm:q"):
    action: ClassVar[str] = "beheer"


@dataclass(frozen=True, slots=True)
class Export(OnQuestionnaire, prefix="adm:export"):
    action: ClassVar[str] = "export"


class ChangeStatus(OnQuestionnaire):
    """Open, close or archive: ``action`` is both the lifecycle action and the audit name."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Open(ChangeStatus, prefix="adm:open"):
    action: ClassVar[str] = "open"


@dataclass(frozen=True, slots=True)
class Close(ChangeStatus, prefix="adm:close"):
    action: ClassVar[str] = "close"


@dataclass(frozen=True, slots=True)
class Archive(ChangeStatus, prefix="adm:archive"):
    action: ClassVar[str] = "archive"


class Confirm(OnQuestionnaire):
    """Asks first whether to close or archive (``action``); the answer is :data:`CHANGES`'s."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class AskClose(Confirm, prefix="adm:close?"):
    action: ClassVar[str] = "close"


@dataclass(frozen=True, slots=True)
class AskArchive(Confirm, prefix="adm:archive?"):
    action: ClassVar[str] = "archive"


#: The button that carries out each action, and the one /beheer shows for it (closing and
#: archiving ask to confirm first; opening does not).
CHANGES: dict[str, Callable[[str], ChangeStatus]] = {
    "open": Open,
    "close": Close,
    "archive": Archive,
}
FIRST: dict[str, Callable[[str], OnQuestionnaire]] = {
    "open": Open,
    "close": AskClose,
    "archive": AskArchive,
}


@dataclass(frozen=True, slots=True)
class OnDraft(AdminButton):
    """A button about one draft version: a preview's (bound to the file it showed by
    ``mark``) or /beheer's "show the draft"."""

    questionnaire_id: str = ""
    version: str = ""
    mark: str = ""

    @classmethod
    def of(cls, questionnaire_id: str, version: int, checksum: str = "") -> Self:
        return cls(questionnaire_id, str(version), checksum[:MARK_CHARS])

    @property
    def draft(self) -> tuple[str, int] | None:
        """(questionnaire id, version); None when the data hold no draft."""
        qid, version = _slug(self.questionnaire_id), _digits(self.version, len(str(MAX_VERSION)))
        if qid is None or version is None or not self._mark_ok():
            return None
        return qid, version

    @property
    def checked_mark(self) -> str | None:
        """The start of the checksum of the file the preview showed; None: any file."""
        return self.mark or None

    def _mark_ok(self) -> bool:
        mark = self.mark
        return not mark or (len(mark) == MARK_CHARS and all(c in "0123456789abcdef" for c in mark))


@dataclass(frozen=True, slots=True)
class ShowDraft(OnDraft, prefix="adm:draft"):
    action: ClassVar[str] = "beheer"


@dataclass(frozen=True, slots=True)
class TryDraft(OnDraft, prefix="adm:test"):
    action: ClassVar[str] = "test"


@dataclass(frozen=True, slots=True)
class Publish(OnDraft, prefix="adm:pub"):
    action: ClassVar[str] = "publish"


@dataclass(frozen=True, slots=True)
class Cancel(OnDraft, prefix="adm:del"):
    action: ClassVar[str] = "cancel"


# --- mod: ---------------------------------------------------------------------------------------


class ModerationButton(Button):
    """Every ``mod:`` button."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class OtherModeration(ModerationButton, prefix="mod"):
    """``mod:`` data of no kind of ours."""

    rest: str = ""


@dataclass(frozen=True, slots=True)
class OnText(ModerationButton):
    """A button about one text waiting for moderation (``answer``: its answer id)."""

    answer: str = ""

    @classmethod
    def of(cls, answer_id: int) -> Self:
        return cls(str(answer_id))

    @property
    def answer_id(self) -> int | None:
        """The answer id; None when the data hold none (or a number no answer has)."""
        found = _digits(self.answer, len(str(MAX_INT)))
        return found if found is not None and found <= MAX_INT else None


@dataclass(frozen=True, slots=True)
class Approve(OnText, prefix="mod:ok"):
    pass


@dataclass(frozen=True, slots=True)
class AskWhy(OnText, prefix="mod:no"):
    """Reject: first the question why."""


@dataclass(frozen=True, slots=True)
class BackToText(OnText, prefix="mod:bk"):
    """From the question why back to the text."""


@dataclass(frozen=True, slots=True)
class Reject(OnText, prefix="mod:rj"):
    reason: str = ""

    @classmethod
    def because(cls, answer_id: int, reason: str) -> Self:
        return cls(str(answer_id), reason)

    @property
    def why(self) -> str | None:
        """The reason; None when the data hold none of :data:`storage.moderation.REASONS`."""
        return self.reason if self.reason in REASONS else None
