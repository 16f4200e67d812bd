"""The buttons of a draft: its preview shown again (from /beheer), "Zelf testen" (a test run
that counts nowhere), "Publiceren" and "Annuleren". A preview's buttons act only on the file
it showed (the start of its checksum), never on one sent later with the same version.
"""

from __future__ import annotations

import logging

from bot.admin import buttons, preview
from bot.admin.press import Press
from bot.admin.views import refused_text, when
from bot.core.keyboards import notice
from bot.core.reply import Edit, Reply, Send
from bot.core.services import Services
from bot.core.voice import speaking
from bot.outcomes import invitations
from bot.resident import views as render
from flows import engine, lifecycle
from flows.lifecycle import Refused
from flows.machine import Flow
from flows.texts import Html, Language, raw, t
from storage import admin as store
from storage import audit, repo
from storage.admin import Published

log = logging.getLogger(__name__)

#: The preview keeps its text and loses its buttons (cosmetic: never in the way of what
#: follows).
DROP_BUTTONS = Edit(None, None, failing="ignore")


class Drafts:
    """What the buttons of a draft do (registered through :mod:`bot.admin.handlers`)."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.catalog = services.catalog

    async def _flow(self, draft: tuple[str, int], mark: str | None) -> Flow | None:
        """The draft's compiled flow, of the file the button was made for; the catalog is
        refreshed first when it does not know that file (made by another worker a moment
        ago)."""
        if not self._known(draft, mark):
            await self.services.refresh_catalog()
        return self.catalog.get(*draft)

    def _known(self, draft: tuple[str, int], mark: str | None) -> bool:
        checksum = self.catalog.checksum(*draft)
        return checksum is not None and (mark is None or checksum.startswith(mark))

    async def show(self, press: Press, pressed: buttons.ShowDraft) -> None:
        """The preview of a waiting draft again, as a new message with its buttons."""
        draft = pressed.draft
        flow = self.catalog.get(*draft) if draft else None
        language = press.language
        if draft is None or flow is None:
            await press.notice(t(language, "admin.refused.gone"))
            return
        async with self.services.sessions() as db:
            version = await store.get_version(db, *draft)
            state = await store.state_of(db, draft[0])
            if version is None or version.published:  # published or thrown away meanwhile
                reply = Reply(notice=notice(t(language, "admin.refused.gone")))
            else:
                text = preview.preview_text(
                    flow.questionnaire,
                    live_version=state.current_version if state and state.published else None,
                    replaced=False,
                    now=self.services.clock(),
                    zone=self.services.settings.zone,
                    language=language,
                )
                keyboard = preview.preview_keyboard(*draft, version.checksum, language)
                reply = Reply([Send(text, keyboard)])
        await press.answer(reply)

    async def try_out(self, press: Press, pressed: buttons.TryDraft) -> None:
        """ "Zelf testen": the administrator takes the draft; the session is a test run,
        which no digest, count or export includes. The resident conversation carries it on."""
        draft, mark = pressed.draft, pressed.checked_mark
        flow = await self._flow(draft, mark) if draft else None
        if draft is None or flow is None:
            await press.notice(t(press.language, "admin.refused.gone"))
            return
        if not self._known(draft, mark):
            await press.notice(t(press.language, "admin.refused.replaced"))
            return
        services, user = self.services, press.user
        now = services.clock()
        async with services.sessions.begin() as db:
            pseudonym = services.pseudonyms.of(user.id)
            resident = await repo.find_resident(db, pseudonym)
            if resident is None or not resident.consented:
                # Pressing "Zelf testen" is the administrator's own choice to take part.
                resident = await repo.register_resident(
                    db,
                    pseudonym,
                    language=resident.language if resident else press.language,
                    consent="given",
                    chat_id=press.chat_id,
                    now=now,
                )
            session = await repo.start_session(
                db, resident.id, *draft, engine.start(flow), is_test=True, now=now
            )
            await audit.record(
                db, "test", actor=user.id, target=draft[0], detail={"version": draft[1]}, now=now
            )
            language = speaking(services.settings, resident.language, flow)  # its "je" or "u"
            title = flow.questionnaire.title.get(language)
            prompt = engine.prompt(flow, session.state)
            token = services.pseudonyms.button_token(session.id, session.state.current)
            reply = Reply(
                [
                    Send(t(language, "admin.test.start", title=title, version=draft[1])),
                    Send(render.intro_text(flow, language)),
                    Send(
                        render.question_text(prompt, language),
                        render.question_keyboard(prompt, token, language),
                    ),
                ],
                notice=raw(language, "admin.test.short"),
            )
        await press.answer(reply)

    async def publish(self, press: Press, pressed: buttons.Publish) -> None:
        """ "Publiceren": new sessions start on this version; running ones keep theirs.
        An open questionnaire is then offered to the residents who follow its theme."""
        draft, mark = pressed.draft, pressed.checked_mark
        if draft is None:
            await press.stale()
            return
        qid, version = draft
        services, language = self.services, press.language
        flow = await self._flow(draft, mark)
        now = services.clock()
        published: Published | None = None
        async with services.sessions.begin() as db:
            try:
                published = await store.publish(
                    db,
                    qid,
                    version,
                    now=now,
                    zone=services.settings.zone,
                    mark=mark,
                    known=self.catalog.parsed(),  # not parsed again on the event loop
                )
            except Refused as refusal:
                reply = self._refused(refusal, language)
            else:
                await audit.record(
                    db,
                    "publish",
                    actor=press.user.id,
                    target=qid,
                    detail={"version": version, "status": published.status},
                    now=now,
                )
                text = self._published_text(published, flow, language)
                reply = Reply([Send(text)], edit=DROP_BUTTONS)
        if published is not None:
            await services.refresh_catalog()
            log.info("administrator published %s@%s (%s)", qid, version, published.status)
        await press.answer(reply)
        if published is not None and published.status == lifecycle.OPEN:
            # Inviting to a questionnaire nobody can start yet (or any more) only disappoints;
            # a scheduled one can be announced with /uitnodigen once it is open.
            await invitations.offer_invitation(press.bot, services, press.chat_id, qid)

    def _published_text(self, published: Published, flow: Flow | None, language: Language) -> Html:
        """What publishing did: opened, scheduled or (still) closed; a new version says which
        one residents started on before."""
        questionnaire = flow.questionnaire if flow else None
        qid, status = published.questionnaire_id, published.status
        params: dict[str, object] = {
            "title": questionnaire.title.get(language) if questionnaire else qid,
            "version": published.version,
        }
        opens_at = questionnaire.opens_at if questionnaire else None
        scheduled = status == lifecycle.DRAFT and questionnaire is not None
        if scheduled:
            params["date"] = when(opens_at, self.services.settings.zone, language)
        if published.previous_version is not None:
            if status == lifecycle.CLOSED:
                key = "admin.published.update.closed"
            elif scheduled and opens_at:
                key = "admin.published.update.scheduled"
            else:
                key = "admin.published.update"
                params["previous"] = published.previous_version
        elif scheduled:
            key = "admin.published.scheduled"
            params["id"] = qid
        elif status == lifecycle.CLOSED:
            key = "admin.published.closed"
        else:
            key = "admin.published.open"
        return t(language, key, **params)

    async def cancel(self, press: Press, pressed: buttons.Cancel) -> None:
        """ "Annuleren": the draft and its test runs are thrown away."""
        draft, mark = pressed.draft, pressed.checked_mark
        if draft is None:
            await press.stale()
            return
        qid, version = draft
        language = press.language
        discarded = False
        async with self.services.sessions.begin() as db:
            try:
                discarded = await store.discard_draft(db, qid, version, mark=mark)
            except Refused as refusal:  # a newer file with this version number
                reply = self._refused(refusal, language)
            else:
                if discarded:
                    await audit.record(
                        db,
                        "cancel",
                        actor=press.user.id,
                        target=qid,
                        detail={"version": version},
                        now=self.services.clock(),
                    )
                    text = t(language, "admin.cancelled", id=qid, version=version)
                    reply = Reply([Send(text)], edit=DROP_BUTTONS)
                else:  # published or thrown away meanwhile
                    reply = Reply(notice=notice(t(language, "admin.refused.gone")))
        if discarded:
            await self.services.refresh_catalog()
        await press.answer(reply)

    def _refused(self, refusal: Refused, language: Language) -> Reply:
        """Said on the button: why it cannot be done."""
        return Reply(notice=notice(refused_text(refusal, language, self.services.settings.zone)))
