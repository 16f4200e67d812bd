"""A deliberation draft tried by its administrator ("Zelf testen") and shown again from
/beheer stellingen.

"Zelf testen" shows the administrator what a resident sees: the intro, then each statement
with the resident's own texts and vote buttons, in the order of the file. Nothing is
stored: a deliberation draft has no statements in the database yet (the first version
is a draft before the deliberation exists), so the test's buttons carry where the
administrator is, and a vote only edits its message ("Jouw stem: Eens") before the next
statement comes. Nothing of it reaches a digest, a count or an export. The buttons act
only on the file the preview showed (the start of its checksum): after a new upload or
publishing, an old test's button says the draft is gone or replaced.

==============================  ============================================================
``adm:sd:<id>:<v>``             show the preview of a waiting draft again (/beheer)
``adm:sv:<id>:<m>:<n>:a|d|p``   in a test: the vote on statement ``n`` (0 first); the next
==============================  ============================================================

``<id>``: a deliberation id (at most 40 characters), ``<m>``: the first 6 characters of the
file's checksum, ``<n>``: at most 2 digits (at most 50 statements): at most
7 + 40 + 1 + 6 + 1 + 2 + 1 + 1 = 59 bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from telegram import InlineKeyboardButton

from bot.admin.buttons import AdminButton, OnDraft, _digits, _slug
from bot.admin.press import Press
from bot.admin.upload_stellingen import TryDeliberation, keyboard, preview_text
from bot.admin.views import refused_text
from bot.core.keyboards import Keyboard, button, notice
from bot.core.reply import Edit, Reply, Send
from bot.core.services import Services
from bot.core.voice import speaking
from bot.resident.stellingen_views import VOTES, statement_text, voted_text
from flows.deliberation import Deliberation
from flows.lifecycle import MARK_CHARS, Refused
from flows.texts import Language, raw, t
from storage import audit
from storage import deliberation_drafts as drafts

VOTE_CODES: tuple[Literal["a", "d", "p"], ...] = ("a", "d", "p")


@dataclass(frozen=True, slots=True)
class ShowDeliberationDraft(OnDraft, prefix="adm:sd"):
    action: ClassVar[str] = "beheer"


@dataclass(frozen=True, slots=True)
class TrialVote(AdminButton, prefix="adm:sv"):
    """A vote in an administrator's test of a draft: nothing is stored."""

    action: ClassVar[str] = "test"
    deliberation_id: str = ""
    mark: str = ""
    position: str = ""
    vote: str = ""

    @property
    def step(self) -> tuple[str, str, int, Literal["a", "d", "p"]] | None:
        """(deliberation id, mark, statement position, vote); None when the data hold none."""
        did, position = _slug(self.deliberation_id), _digits(self.position, 2)
        mark_ok = len(self.mark) == MARK_CHARS and all(c in "0123456789abcdef" for c in self.mark)
        if did is None or position is None or not mark_ok:
            return None
        for code in VOTE_CODES:
            if self.vote == code:
                return did, self.mark, position, code
        return None


def vote_keyboard(did: str, mark: str, position: int, language: Language) -> Keyboard:
    """The resident's vote buttons (same labels, same rows), for the test."""

    def vote(code: str, key: str) -> InlineKeyboardButton:
        return button(raw(language, key), TrialVote(did, mark, str(position), code))

    return Keyboard(
        [
            [vote("a", "stellingen.vote.agree"), vote("d", "stellingen.vote.disagree")],
            [vote("p", "stellingen.vote.pass")],
        ]
    )


class DeliberationTests:
    """The buttons of a deliberation draft besides publishing and cancelling (registered
    through :mod:`bot.admin.handlers`)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def _draft(
        self, press: Press, did: str, version: int | None, mark: str | None
    ) -> tuple[Deliberation, drafts.StoredDraft] | None:
        """The waiting draft (of ``version``, or whichever waits when None); None when it
        is gone or replaced, and the administrator was told so."""
        async with self.services.sessions() as db:
            if version is None:
                waiting = await drafts.draft(db, did)
                version = waiting.version if waiting is not None else 0
            try:
                return await drafts.shown_again(db, did, version, mark=mark)
            except Refused as refusal:
                zone = self.services.settings.zone
                await press.answer(
                    Reply(notice=notice(refused_text(refusal, press.language, zone)))
                )
                return None

    async def show(self, press: Press, pressed: ShowDeliberationDraft) -> None:
        """The preview of a waiting draft again, as a new message with its buttons."""
        draft = pressed.draft
        if draft is None:
            await press.stale()
            return
        found = await self._draft(press, *draft, None)
        if found is None:
            return
        deliberation, stored = found
        language, settings = press.language, self.services.settings
        text = preview_text(
            deliberation, stored, now=self.services.clock(), language=language, zone=settings.zone
        )
        buttons = keyboard(deliberation.id, deliberation.version, stored.checksum, language)
        await press.answer(Reply([Send(text, buttons)]))

    async def try_out(self, press: Press, pressed: TryDeliberation) -> None:
        """ "Zelf testen": the intro and the first statement, as a resident sees them."""
        draft, mark = pressed.draft, pressed.checked_mark
        if draft is None or mark is None:
            await press.stale()
            return
        found = await self._draft(press, *draft, mark)
        if found is None:
            return
        deliberation, _ = found
        did, version = draft
        now = self.services.clock()
        async with self.services.sessions.begin() as db:
            await audit.record(
                db,
                "test",
                actor=press.user.id,
                target=did,
                detail={"version": version, "kind": "stellingen"},
                now=now,
            )
        language = speaking(self.services.settings, press.language)  # the residents' "je"/"u"
        title = deliberation.title.get(language)
        first = deliberation.statements[0].text.get(language)
        reply = Reply(
            [
                Send(t(language, "admin.stellingen.test.start", title=title, version=version)),
                Send(
                    t(
                        language,
                        "stellingen.intro",
                        title=title,
                        intro=deliberation.intro.get(language),
                    )
                ),
                Send(statement_text(first, language), vote_keyboard(did, mark, 0, language)),
            ],
            notice=raw(language, "admin.test.short"),
        )
        await press.answer(reply)

    async def vote(self, press: Press, pressed: TrialVote) -> None:
        """A vote in the test: its message says it, and the next statement comes (or the
        end of the test). Nothing is stored."""
        step = pressed.step
        if step is None:
            await press.stale()
            return
        did, mark, position, code = step
        found = await self._draft(press, did, None, mark)
        if found is None:
            return
        deliberation, _ = found
        statements = deliberation.statements
        if position >= len(statements):
            await press.stale()
            return
        language = speaking(self.services.settings, press.language)
        text = statements[position].text.get(language)
        edit = Edit(voted_text(text, VOTES[code], language), None, failing="ignore")
        following = position + 1
        if following < len(statements):
            upcoming = statements[following].text.get(language)
            send = Send(
                statement_text(upcoming, language),
                vote_keyboard(did, mark, following, language),
            )
        else:
            send = Send(t(language, "admin.stellingen.test.done", count=len(statements)))
        await press.answer(Reply([send], edit=edit, notice=raw(language, "admin.test.short")))
