"""/beheer: every questionnaire with its status and responses; one questionnaire with the
actions its status allows; opening, closing (asks first) and archiving (asks first), each
in the audit log. The message the buttons are on shows the outcome.

A resident in the middle of a questionnaire when it closes may finish it (until their
session times out, SESSION_TIMEOUT): closing stops new starts and resuming a paused one,
it does not cut anyone off mid-sentence. Archiving ends whatever is still in progress.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin import buttons, views
from bot.admin.press import Press
from bot.core.keyboards import notice
from bot.core.reply import Edit, Reply, Send
from bot.core.services import Services
from flows import lifecycle
from flows.lifecycle import Refused
from flows.machine import Flow
from flows.texts import Language, raw, t
from storage import admin as store
from storage import audit

log = logging.getLogger(__name__)


def _shown(screen: views.Screen) -> Edit:
    """The pressed message shows ``screen``; sent anew when it cannot be edited any more."""
    text, keyboard = screen
    return Edit(text, keyboard, failing="send")


class Beheer:
    """/beheer and its buttons (registered through :mod:`bot.admin.handlers`)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def _overview(
        self, db: AsyncSession
    ) -> tuple[list[store.QuestionnaireState], dict[str, Flow]]:
        states = await store.overview(db)
        catalog = self.services.catalog
        flows: dict[str, Flow] = {}
        for state in states:
            flow = catalog.current(state.id) or catalog.get(state.id, state.current_version)
            if flow is not None:
                flows[state.id] = flow
        return states, flows

    async def command(self, language: Language) -> Reply:
        """/beheer: the first page of the list."""
        async with self.services.sessions() as db:
            states, flows = await self._overview(db)
            return Reply([Send(*views.list_view(states, flows, 0, language))])

    async def page(self, press: Press, pressed: buttons.ListPage) -> None:
        async with self.services.sessions() as db:
            states, flows = await self._overview(db)
            screen = views.list_view(states, flows, pressed.number, press.language)
        await press.answer(Reply(edit=_shown(screen)))

    async def detail(self, press: Press, pressed: buttons.Detail) -> None:
        qid = pressed.qid
        if qid is None:
            await press.stale()
            return
        async with self.services.sessions() as db:
            reply = await self._detail(db, qid, press.language)
        await press.answer(reply)

    async def _detail(
        self, db: AsyncSession, questionnaire_id: str, language: Language, said: str | None = None
    ) -> Reply:
        """One questionnaire with ``said`` on the button; the list when it is gone."""
        states, flows = await self._overview(db)
        state = next((s for s in states if s.id == questionnaire_id), None)
        if state is None:
            screen = views.list_view(states, flows, 0, language)
            return Reply(edit=_shown(screen), notice=notice(t(language, "admin.refused.unknown")))
        screen = views.detail_view(
            state,
            flows.get(state.id),
            page=views.page_of(states, state.id),
            zone=self.services.settings.zone,
            language=language,
        )
        return Reply(edit=_shown(screen), notice=said)

    async def confirm(self, press: Press, pressed: buttons.Confirm) -> None:
        """Closing and archiving ask first; a stale or forged button is told why not and
        shown how things stand now."""
        qid = pressed.qid
        if qid is None:
            await press.stale()
            return
        action, language = pressed.action, press.language
        async with self.services.sessions() as db:
            state = await store.state_of(db, qid)
            refused = (
                lifecycle.unknown(qid)
                if state is None
                else lifecycle.refusal(qid, action, state.status, published=state.published)
            )
            if refused is not None:
                reply = await self._detail(db, qid, language, self._why(refused, language))
            else:
                flow = self.services.catalog.current(qid)
                title = flow.questionnaire.title.get(language) if flow else qid
                reply = Reply(edit=_shown(views.confirm_view(action, qid, title, language)))
        await press.answer(reply)

    async def change(self, press: Press, pressed: buttons.ChangeStatus) -> None:
        """Open, close or archive, with its audit entry; this worker's catalog follows."""
        qid = pressed.qid
        if qid is None:
            await press.stale()
            return
        action, language = pressed.action, press.language
        services = self.services
        now = services.clock()
        change: store.Change | None = None
        async with services.sessions.begin() as db:
            try:
                change = await store.transition(
                    db,
                    qid,
                    action,
                    now=now,
                    zone=services.settings.zone,
                    known=services.catalog.parsed(),  # not parsed again on the event loop
                )
            except Refused as refused:
                said = self._why(refused, language)
            else:
                await audit.record(
                    db,
                    action,
                    actor=press.user.id,
                    via="telegram",
                    target=qid,
                    detail={"from": change.before, "to": change.after},
                    now=now,
                )
                said = raw(language, f"admin.done.{action}")
            reply = await self._detail(db, qid, language, said)
        if change is not None:
            await services.refresh_catalog()
            log.info("questionnaire %s: %s -> %s (telegram)", qid, change.before, change.after)
        await press.answer(reply)

    def _why(self, refused: Refused, language: Language) -> str:
        return notice(views.refused_text(refused, language, self.services.settings.zone))
