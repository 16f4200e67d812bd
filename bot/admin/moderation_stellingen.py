"""Residents' statements in ``/moderatie``: after the free-text answers, each statement a
resident added to a deliberation waits here until a moderator approves it (it goes live,
and its author hears so) or rejects it (it is never shown).

Its buttons are ``mod:`` buttons (:class:`bot.admin.buttons.ModerationButton`), so the
moderation handler, checked against ADMIN_USER_IDS, takes them and passes them here:

=============================  ====================================================
``mod:sok:<id>``               approve statement ``id``
``mod:san:<id>``               approve it as anonymous (it outlives its author's erasure)
``mod:sno:<id>``               ask why it is rejected; ``mod:sbk:<id>`` back from there
``mod:srj:<id>:<reason>``      reject it
=============================  ====================================================
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Bot
from telegram.error import TelegramError

from analysis import labels
from analysis.scrub import legible
from bot.admin.buttons import ModerationButton
from bot.core.keyboards import Keyboard, button
from bot.core.reply import Postman
from flows.deliberation import parse
from flows.texts import Address, Html, Language, Locale, escape, raw, t
from flows.texts.formats import day, short_title
from storage import deliberations as store
from storage.deliberations import StatementInfo
from storage.moderation import REASONS

log = logging.getLogger(__name__)
TITLE_CHARS = 120
Screen = tuple[Html, Keyboard | None]


@dataclass(frozen=True, slots=True)
class OnStatement(ModerationButton):
    """A button about one resident's statement (``statement``: its id, as digits)."""

    statement: int


@dataclass(frozen=True, slots=True)
class ApproveStatement(OnStatement, prefix="mod:sok"):
    pass


@dataclass(frozen=True, slots=True)
class ApproveAnonymous(OnStatement, prefix="mod:san"):
    pass


@dataclass(frozen=True, slots=True)
class AskWhyStatement(OnStatement, prefix="mod:sno"):
    pass


@dataclass(frozen=True, slots=True)
class BackToStatement(OnStatement, prefix="mod:sbk"):
    pass


@dataclass(frozen=True, slots=True)
class RejectStatement(OnStatement, prefix="mod:srj"):
    reason: str = ""


async def screen(
    db: AsyncSession,
    language: Language,
    zone: tzinfo,
    *,
    notice: Html | None = None,
    asking: int | None = None,
) -> Screen | None:
    """The oldest statement that waits (``asking``: this one, with the reasons to reject
    it), with how many are left and its buttons; None when none waits."""
    item = await store.statement(db, asking) if asking is not None else None
    if item is None or item.status != store.PENDING:
        item, asking = await store.next_pending(db), None
    if item is None:
        return None
    left = await store.count_pending(db)
    head = [notice, ""] if notice else []
    title = await _title(db, item, language)
    text = legible(item.text_nl)
    said = t(
        language,
        "moderation.statement",
        title=title,
        when=day(item.created_at, zone) if item.created_at else "",
        text=text,
    )
    # Written in another language than the moderator's: say which, as digests do.
    mark = labels.written_in(item.language, "en" if language == "en" else "nl")
    lines = [
        *head,
        t(language, "moderation.left", count=left),
        said + (f" {escape(mark)}" if mark else ""),
        "",
        t(language, "moderation.why" if asking else "moderation.statement.rule"),
    ]
    if asking:
        rows = [
            [
                button(
                    raw(language, f"moderation.reason.{reason}"),
                    RejectStatement(item.id, reason),
                )
            ]
            for reason in REASONS
        ]
        rows.append([button(raw(language, "moderation.back"), BackToStatement(item.id))])
    else:
        rows = [
            [
                button(raw(language, "moderation.approve"), ApproveStatement(item.id)),
                button(raw(language, "moderation.reject"), AskWhyStatement(item.id)),
            ],
            [button(raw(language, "moderation.statement.anonymous"), ApproveAnonymous(item.id))],
        ]
    return Html("\n".join(lines)), Keyboard(rows)


async def _title(db: AsyncSession, item: StatementInfo, language: Language) -> str:
    info = await store.get(db, item.deliberation_id)
    if info is None:
        return item.deliberation_id
    return short_title(parse(info.source, info.id).title.get(language), TITLE_CHARS)


@dataclass(frozen=True, slots=True)
class Decision:
    """What a press decided: the notice, the line above the next screen, and the author to
    tell (statement, chat id, language) once committed."""

    notice: str
    shown: Html | None
    tell: tuple[StatementInfo, int, str, str] | None = None


async def decide(
    db: AsyncSession, pressed: OnStatement, language: Language, *, by: int, now: datetime
) -> Decision:
    """Approve or reject (``pressed``); a statement decided meanwhile is not decided twice."""
    reject = isinstance(pressed, RejectStatement)
    reason = pressed.reason if isinstance(pressed, RejectStatement) else None
    if reject and reason not in REASONS:
        return Decision(raw(language, "stale.short"), None)
    contact = await store.author_contact(db, pressed.statement) if not reject else None
    found = await store.decide(
        db,
        pressed.statement,
        approve=not reject,
        reason=reason,
        anonymise=isinstance(pressed, ApproveAnonymous),
        by=by,
        now=now,
    )
    if found is None:
        current = await store.statement(db, pressed.statement)
        if current is None:
            return Decision(raw(language, "stale.short"), None)
        return Decision(
            raw(language, "moderation.already.short"), t(language, "moderation.already")
        )
    log.info("moderation: statement %s %s", found.id, "rejected" if reject else "approved")
    if reject:
        why = raw(language, f"moderation.reason.{reason}").lower()
        return Decision(
            raw(language, "moderation.rejected.short"),
            t(language, "moderation.rejected", reason=why),
        )
    tell = None
    if contact is not None:
        info = await store.get(db, found.deliberation_id)
        title = (
            parse(info.source, info.id).title.get(contact[1]) if info else found.deliberation_id
        )
        tell = (found, contact[0], contact[1], title)
    return Decision(
        raw(language, "moderation.approved.short"), t(language, "moderation.approved"), tell
    )


async def tell_author(bot: Bot, postman: Postman, decision: Decision, address: Address) -> None:
    """The author hears that their statement is live (after the commit; a blocked bot or
    a failure is logged, the decision stands)."""
    if decision.tell is None:
        return
    found, chat_id, language, title = decision.tell
    text = t(Locale(language, address), "stellingen.live", title=title, text=found.text_nl)
    try:
        await postman.send(bot, chat_id, text)
    except TelegramError as exc:
        log.info("could not tell an author their statement is live: %s", exc)
