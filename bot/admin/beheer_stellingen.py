"""/beheer stellingen: each deliberation with its status,
participants and votes, and a button to close it (or open it again); then the drafts
waiting to be published, each with a button that shows its preview again (with "Zelf
testen", "Publiceren" and "Annuleren", :mod:`bot.admin.stellingen_test`). Each change is in the
audit log; a closed deliberation takes no votes (residents hear so) and its closing moment
starts the retention period.

==========================  ================================================
``adm:st:close:<id>``       close deliberation ``id``
``adm:st:open:<id>``        open it again
==========================  ================================================
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import ClassVar, Literal

from bot.admin.buttons import AdminButton, _slug
from bot.admin.press import Press
from bot.admin.stellingen_test import ShowDeliberationDraft
from bot.core.keyboards import Keyboard, button
from bot.core.reply import Edit, Reply, Send
from bot.core.services import Services
from flows.deliberation import parse
from flows.texts import Html, Language, raw, t
from storage import audit
from storage import deliberation_drafts as drafts
from storage import deliberations as store

log = logging.getLogger(__name__)
#: ``/beheer stellingen`` lists the deliberations (``/beheer`` alone, the questionnaires).
STELLINGEN = "stellingen"


@dataclass(frozen=True, slots=True)
class DeliberationStatus(AdminButton):
    """Close or open one deliberation."""

    action: ClassVar[str] = "beheer"
    deliberation_id: str = ""

    @property
    def did(self) -> str | None:
        return _slug(self.deliberation_id)


@dataclass(frozen=True, slots=True)
class CloseDeliberation(DeliberationStatus, prefix="adm:st:close"):
    pass


@dataclass(frozen=True, slots=True)
class OpenDeliberation(DeliberationStatus, prefix="adm:st:open"):
    pass


class BeheerStellingen:
    """The deliberations' part of /beheer (registered through :mod:`bot.admin.handlers`)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def screen(self, language: Language) -> tuple[Html, Keyboard | None] | None:
        """Every deliberation with its figures and a button, then every waiting draft with
        its button; None when there is neither."""
        async with self.services.reports() as db:
            listing = await store.listing(db)
            waiting = await drafts.waiting(db)
            if not listing and not waiting:
                return None
            lines = [t(language, "admin.stellingen.head")] if listing else []
            rows = []
            now = self.services.clock()
            for info in listing:
                counts = await store.digest_counts(db, info.id, now, now)  # totals only
                title = parse(info.source, info.id).title.get(language)
                lines.append(
                    t(
                        language,
                        "admin.stellingen.line",
                        title=title,
                        id=info.id,
                        status=raw(language, f"admin.stellingen.{info.status}"),
                        participants=counts.participants,
                        votes=counts.votes,
                        pending=counts.pending,
                    )
                )
                wanted = CloseDeliberation if info.status == store.OPEN else OpenDeliberation
                label = "admin.stellingen." + (
                    "close" if info.status == store.OPEN else "open_again"
                )
                rows.append([button(t(language, label, id=info.id), wanted(info.id))])
        if waiting:
            lines.append(t(language, "admin.stellingen.drafts"))
        for draft in waiting:
            title = parse(draft.source, draft.deliberation_id).title.get(language)
            lines.append(
                t(
                    language,
                    "admin.stellingen.draft",
                    title=title,
                    id=draft.deliberation_id,
                    version=draft.version,
                )
            )
            show = ShowDeliberationDraft.of(draft.deliberation_id, draft.version)
            label = t(language, "admin.stellingen.draft.button", id=draft.deliberation_id)
            rows.append([button(label, show)])
        return Html("\n\n".join(lines)), Keyboard(rows)

    async def waiting(self, language: Language) -> list[Send]:
        """Under /beheer: how many deliberation drafts wait (nothing when none does)."""
        async with self.services.reports() as db:
            count = len(await drafts.waiting(db))
        if not count:
            return []
        return [Send(t(language, "admin.stellingen.drafts.waiting", count=count))]

    async def reply(self, language: Language) -> list[Send]:
        found = await self.screen(language)
        if found is None:
            return [Send(t(language, "admin.stellingen.none"))]
        return [Send(*found)]

    async def change(self, press: Press, pressed: DeliberationStatus) -> None:
        """Close or open; the pressed message shows the list again."""
        deliberation_id = pressed.did
        if deliberation_id is None:
            await press.stale()
            return
        status: Literal["open", "closed"] = (
            "closed" if isinstance(pressed, CloseDeliberation) else "open"
        )
        now = self.services.clock()
        async with self.services.sessions.begin() as db:
            changed = await store.set_status(db, deliberation_id, status, now=now)
            if changed:
                await audit.record(
                    db,
                    f"stellingen.{'close' if status == 'closed' else 'open'}",
                    actor=press.user.id,
                    target=deliberation_id,
                    now=now,
                )
        if not changed:
            await press.stale()
            return
        log.info("deliberation %s %s", deliberation_id, status)
        language = press.language
        found = await self.screen(language)
        notice = raw(language, f"admin.stellingen.{status}")
        if found is None:
            await press.answer(Reply(notice=notice))
            return
        await press.answer(Reply(edit=Edit(found[0], found[1], failing="send"), notice=notice))
