"""The lifecycle rules of a questionnaire: its statuses, which action is allowed from which
status, why one is refused, the status a first publication gives, the step the schedule
takes, and whether residents can answer on a questionnaire's dates. Pure: the rules only;
:mod:`storage.admin` reads and writes the database around them.

::

    draft ──publish──> open ──close──> closed ──archive──> archived
      │  (opens_at in      ^              │
      │   the future:      └────open──────┘
      │   stays draft, the schedule opens it)
      └──close/archive (a scheduled one that should not open after all)

A questionnaire that was never published is a ``draft`` too; a published one with status
``draft`` is *scheduled*: it opens by itself on its ``opens_at``. Archiving is final.

Dates in a questionnaire without a time zone are in the municipality's (``zone``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from flows.schema import Questionnaire

DRAFT = "draft"
OPEN = "open"
CLOSED = "closed"
ARCHIVED = "archived"
STATUSES = (DRAFT, OPEN, CLOSED, ARCHIVED)

#: What an administrator does by hand, and the status each leads to.
ACTIONS = ("open", "close", "archive")
TARGETS = {"open": OPEN, "close": CLOSED, "archive": ARCHIVED}
#: The statuses each target may be reached from by hand.
_ALLOWED_FROM = {
    OPEN: frozenset({DRAFT, CLOSED}),
    CLOSED: frozenset({OPEN, DRAFT}),
    ARCHIVED: frozenset({CLOSED, DRAFT}),
}

#: A version number must fit the INTEGER columns of every database, and a button's data.
MAX_VERSION = 999_999
#: The start of a checksum that binds a preview's buttons to the file it showed.
MARK_CHARS = 6

# What availability() says at a moment.
NOT_YET = "not_yet"
# OPEN and CLOSED as above: "open" and "closed".


class Refused(Exception):
    """An administrator's request that cannot be carried out; ``code`` says why.

    Codes: ``published`` (this version is already published), ``changed`` (a published
    version with this number has other content), ``older`` (lower than the published
    version ``live``), ``version`` (number too large), ``gone`` (no such draft),
    ``unknown`` (no such questionnaire), ``unpublished`` (only a draft so far), ``same``
    (already in that status), ``archived`` (archived for good), ``not_allowed`` (not from
    this status), ``past`` (its closing date has passed), ``early`` (its opening date lies
    ahead: the schedule opens it then), ``replaced`` (a draft with other content than the
    file the administrator saw).
    """

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


# --- Dates ------------------------------------------------------------------------------------


def aware(moment: datetime | None, zone: tzinfo) -> datetime | None:
    """``moment`` with a time zone: ``zone`` when it had none."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def window(
    opens_at: datetime | None, closes_at: datetime | None, now: datetime, zone: tzinfo
) -> str:
    """``open``, ``not_yet`` or ``closed`` at ``now`` for these dates."""
    opens, closes = aware(opens_at, zone), aware(closes_at, zone)
    if opens is not None and now < opens:
        return NOT_YET
    if closes is not None and now >= closes:
        return CLOSED
    return OPEN


def availability(questionnaire: Questionnaire, now: datetime, zone: tzinfo) -> str:
    """``open``, ``not_yet`` or ``closed`` at ``now``, by the questionnaire's dates alone
    (whatever its status)."""
    return window(questionnaire.opens_at, questionnaire.closes_at, now, zone)


def full(questionnaire: Questionnaire, completed: int) -> bool:
    """Whether ``completed`` responses reach the questionnaire's ``max_responses`` (a
    questionnaire without one is never full): then it closes by itself."""
    limit = questionnaire.max_responses
    return limit is not None and completed >= limit


# --- Drafts and publication -------------------------------------------------------------------


def unknown(questionnaire_id: str) -> Refused:
    return Refused("unknown", f"no questionnaire {questionnaire_id!r}")


def archived(questionnaire_id: str) -> Refused:
    return Refused(
        "archived",
        f"{questionnaire_id} is archived; that is final (give the file a new id to use it again)",
        questionnaire=questionnaire_id,
    )


def gone(questionnaire_id: str, version: int) -> Refused:
    return Refused(
        "gone",
        f"there is no draft {questionnaire_id} version {version}",
        questionnaire=questionnaire_id,
        version=version,
    )


def already_published(questionnaire_id: str, version: int, *, same: bool = True) -> Refused:
    """This version is published already: with this content (``same``) or with other."""
    if same:
        return Refused(
            "published",
            f"{questionnaire_id} version {version} is already published",
            questionnaire=questionnaire_id,
            version=version,
        )
    return Refused(
        "changed",
        f"{questionnaire_id} version {version} is already published with other content; "
        "raise 'version' to publish the change",
        questionnaire=questionnaire_id,
        version=version,
    )


def check_version(version: int) -> None:
    """A version number fits: at most :data:`MAX_VERSION`. Raises :class:`Refused`."""
    if version > MAX_VERSION:
        raise Refused(
            "version",
            f"version {version} is too large; use at most {MAX_VERSION}",
            max=MAX_VERSION,
        )


def check_newer(questionnaire_id: str, version: int, published_top: int | None) -> None:
    """A version is not older than the newest published one. Raises :class:`Refused`."""
    if published_top is not None and version < published_top:
        raise Refused(
            "older",
            f"{questionnaire_id} version {version} is older than the published version "
            f"{published_top}",
            questionnaire=questionnaire_id,
            version=version,
            live=published_top,
        )


def check_mark(questionnaire_id: str, version: int, checksum: str, mark: str | None) -> None:
    """A preview's button acts only on the file the preview showed: ``mark`` is the start of
    its checksum (None: any file). Raises :class:`Refused` (``replaced``)."""
    if mark is not None and not checksum.startswith(mark):
        raise Refused(
            "replaced",
            f"{questionnaire_id} version {version} was replaced by a newer file",
            questionnaire=questionnaire_id,
            version=version,
        )


@dataclass(frozen=True, slots=True)
class Opening:
    """What a first publication records: the status and its moments."""

    status: str
    opened_at: datetime | None
    closed_at: datetime | None


def first_publication(
    questionnaire: Questionnaire, now: datetime, zone: tzinfo, *, seeding: bool = False
) -> Opening:
    """The status of a questionnaire published for the first time at ``now``: open, or
    draft (scheduled: the schedule opens it at ``opens_at``), or closed when its closing
    date has passed. ``seeding`` (from QUESTIONNAIRES_DIR at start-up, before the bot's
    clock is known) never closes: the schedule closes it on its ``closes_at``."""
    match availability(questionnaire, now, zone):
        case "not_yet":
            return Opening(DRAFT, None, None)
        case "closed" if seeding:
            return Opening(OPEN, None, None)
        case "closed":
            return Opening(CLOSED, None, aware(questionnaire.closes_at, zone))
    return Opening(OPEN, now, None)


# --- Changes of status ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """A change of status to ``after`` at the moment ``at``; ``stamps`` are the moments it
    records (``opened_at``, ``closed_at``; None clears one)."""

    after: str
    at: datetime
    stamps: Mapping[str, datetime | None]


def _refused_code(action: str, status: str, published: bool) -> str | None:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    target = TARGETS[action]
    if not published:
        return "unpublished"
    if status == target:
        return "same"
    if status == ARCHIVED:
        return "archived"
    if status not in _ALLOWED_FROM[target]:
        return "not_allowed"
    return None


def refusal(questionnaire_id: str, action: str, status: str, *, published: bool) -> Refused | None:
    """Why ``action`` cannot be done by hand from ``status`` (None: it can, as far as the
    status goes; opening also depends on the dates, see :func:`check_opening`)."""
    match _refused_code(action, status, published):
        case "unpublished":
            return Refused(
                "unpublished",
                f"{questionnaire_id} is a draft that was never published; publish it first",
            )
        case "same":
            target = TARGETS[action]
            return Refused("same", f"{questionnaire_id} is already {target}", status=target)
        case "archived":
            return archived(questionnaire_id)
        case "not_allowed":
            return Refused(
                "not_allowed",
                f"{questionnaire_id} is {status}; close it before you archive it",
                status=status,
            )
    return None


def offered(status: str, *, published: bool) -> tuple[str, ...]:
    """The actions /beheer offers: those allowed, except opening a scheduled questionnaire
    (published, status draft), which opens by itself on its ``opens_at``."""
    return tuple(
        action
        for action in ACTIONS
        if _refused_code(action, status, published) is None
        and not (action == "open" and status == DRAFT)
    )


def check_opening(
    questionnaire_id: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    now: datetime,
    zone: tzinfo,
) -> None:
    """Opening by hand: refused before ``opens_at`` (residents cannot start it then whatever
    its status says; the schedule opens it) and after ``closes_at`` (the schedule would
    close it again at once). Raises :class:`Refused`."""
    state = window(opens_at, closes_at, now, zone)
    if state == NOT_YET:
        opens = aware(opens_at, zone)
        assert opens is not None
        raise Refused(
            "early",
            f"{questionnaire_id} opens by itself on {opens:%Y-%m-%d %H:%M} (opens_at); "
            "publish a version with an earlier opens_at to open it sooner",
            opens_at=opens,
        )
    if state == CLOSED:
        closes = aware(closes_at, zone)
        assert closes is not None
        raise Refused(
            "past",
            f"{questionnaire_id} closed on {closes:%Y-%m-%d %H:%M} (closes_at); "
            "publish a version with a later closes_at to open it again",
            closes_at=closes,
        )


def by_hand(action: str, now: datetime, *, closed_at: datetime | None) -> Step:
    """The step of an allowed action (see :func:`refusal`). Opening clears ``closed_at``;
    archiving what was never closed records ``closed_at`` too, as retention counts from it.
    """
    target = TARGETS[action]
    stamps: dict[str, datetime | None]
    if target == OPEN:
        stamps = {"opened_at": now, "closed_at": None}
    elif target == CLOSED or closed_at is None:
        stamps = {"closed_at": now}
    else:
        stamps = {}
    return Step(target, now, stamps)


def scheduled(
    status: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    now: datetime,
    zone: tzinfo,
) -> Step | None:
    """The step the schedule takes at ``now``, or None. It only moves forward: a scheduled
    draft opens, an open (or scheduled) questionnaire closes; what was closed or archived
    by hand stays so. The moments recorded are the dates set, not ``now``: a moment missed
    while the bot was down is caught up as it should have been."""
    if status not in (DRAFT, OPEN):
        return None
    state = window(opens_at, closes_at, now, zone)
    opens = aware(opens_at, zone) or now
    if status == DRAFT and state == OPEN:
        return Step(OPEN, opens, {"opened_at": opens})
    if state == CLOSED:
        closes = aware(closes_at, zone) or now
        stamps = {"closed_at": closes}
        if status == DRAFT:  # its whole period passed unseen: it was open from opens_at
            stamps["opened_at"] = opens
        return Step(CLOSED, closes, stamps)
    return None
