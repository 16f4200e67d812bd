"""A deliberation file ("gesprek met stellingen") sent by an administrator: checked with
the deliberation validator, kept as a draft and answered with every problem or with a
preview (statements, warnings, and for a new version what happens to the votes), with the
buttons "Zelf testen" (:mod:`bot.admin.stellingen_test`), "Publiceren" and "Annuleren".
:class:`bot.admin.uploads.Uploads` sends a file here when it says ``kind: stellingen``; the
version rules are in :mod:`storage.deliberation_drafts`.

==============================  ============================================================
``adm:sy:<id>:<v>:<m>``         try the draft: vote on its statements, nothing stored
``adm:sp:<id>:<v>:<m>``         publish the draft (``<m>``: the start of its checksum)
``adm:sx:<id>:<v>:<m>``         throw it away
==============================  ============================================================
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import ClassVar

from telegram import User

from bot.admin import preview
from bot.admin.buttons import OnDraft
from bot.admin.press import Press
from bot.admin.views import refused_text, when
from bot.core.keyboards import Keyboard, button, notice
from bot.core.reply import Edit, Reply, Send
from bot.core.services import Services
from flows import b1
from flows.deliberation import Deliberation, VersionPlan, parse, untranslated
from flows.lifecycle import Refused
from flows.loader import QuestionnaireError
from flows.texts import Html, Language, raw, t
from storage import audit, deliberations
from storage import deliberation_drafts as drafts

log = logging.getLogger(__name__)

#: Statement ids named in the "no English" warning before "…".
MAX_NAMED = 8


@dataclass(frozen=True, slots=True)
class TryDeliberation(OnDraft, prefix="adm:sy"):
    action: ClassVar[str] = "test"


@dataclass(frozen=True, slots=True)
class PublishDeliberation(OnDraft, prefix="adm:sp"):
    action: ClassVar[str] = "publish"


@dataclass(frozen=True, slots=True)
class CancelDeliberation(OnDraft, prefix="adm:sx"):
    action: ClassVar[str] = "cancel"


def b1_parts(deliberation: Deliberation) -> list[b1.Part]:
    """The B1 check of the opening (title, theme, intro) and of every statement."""
    return b1.report_deliberation(deliberation)


def _plan_text(plan: VersionPlan, language: Language) -> Html:
    lines = [t(language, "admin.stellingen.plan")]
    for part in ("kept", "reworded", "removed", "added"):
        count = len(getattr(plan, part))
        if count:
            lines.append(t(language, f"admin.stellingen.plan.{part}", count=count))
    lines.append(t(language, "admin.stellingen.plan.participants"))
    return Html("\n".join(lines))


def preview_text(
    deliberation: Deliberation,
    stored: drafts.StoredDraft,
    *,
    now: datetime,
    language: Language,
    zone: tzinfo,
) -> Html:
    """What the file holds, what publishing it does, and what to look at first."""
    d = deliberation
    if stored.live_version is None:
        what = t(language, "admin.stellingen.preview.new", id=d.id, version=d.version)
    else:
        what = t(
            language,
            "admin.stellingen.preview.update",
            id=d.id,
            version=d.version,
            live=stored.live_version,
        )
    if stored.replaced:
        what = Html(f"{what} {t(language, 'admin.preview.replaced')}")
    if d.may_add:
        adding = t(language, "admin.stellingen.preview.adding", most=d.statements_per_resident)
    else:
        adding = t(language, "admin.stellingen.preview.no_adding")
    warnings: list[str] = []
    if d.closes_at is not None and now >= _aware(d.closes_at, zone):
        warnings.append(t(language, "admin.preview.warning.closed"))
    elif d.opens_at is not None and now < _aware(d.opens_at, zone):
        warnings.append(t(language, "admin.preview.warning.not_yet"))
    missing = untranslated(d)
    if missing:
        named = ", ".join(missing[:MAX_NAMED]) + (" …" if len(missing) > MAX_NAMED else "")
        warnings.append(
            t(language, "admin.stellingen.preview.untranslated", count=len(missing), where=named)
        )
    warnings.append(preview._b1(b1_parts(d), language))
    plan = _plan_text(stored.plan, language) if stored.plan is not None else Html("")
    return t(
        language,
        "admin.stellingen.preview",
        title=d.title.get(language),
        what=what,
        theme=d.theme.get(language),
        count=len(d.statements),
        adding=adding,
        opens=(
            when(d.opens_at, zone, language)
            if d.opens_at
            else raw(language, "admin.preview.opens.now")
        ),
        closes=(
            when(d.closes_at, zone, language)
            if d.closes_at
            else raw(language, "admin.preview.closes.never")
        ),
        warning=Html("".join(warnings)),
        plan=plan,
    )


def _aware(moment: datetime, zone: tzinfo) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def keyboard(deliberation_id: str, version: int, checksum: str, language: Language) -> Keyboard:
    """Zelf testen, Publiceren, Annuleren, bound to the file previewed (as a
    questionnaire's, :func:`bot.admin.preview.preview_keyboard`)."""
    key = (deliberation_id, version, checksum)
    return Keyboard(
        [
            [
                button(raw(language, "admin.button.test"), TryDeliberation.of(*key)),
                button(raw(language, "admin.button.publish"), PublishDeliberation.of(*key)),
            ],
            [button(raw(language, "admin.button.cancel"), CancelDeliberation.of(*key))],
        ]
    )


class DeliberationUploads:
    """An uploaded deliberation file, and the buttons of its preview (registered through
    :mod:`bot.admin.handlers`)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    async def receive(self, source: str, name: str, user: User, language: Language) -> Reply:
        """Check ``source``, keep it as the draft and preview it; or say why not (audited
        as an upload, like a questionnaire's)."""
        services = self.services
        now, zone = services.clock(), services.settings.zone
        try:
            deliberation = await asyncio.to_thread(parse, source, name)
        except QuestionnaireError as exc:
            detail = {"file": name, "result": "invalid", "problems": len(exc.problems)}
            texts = preview.problems_messages(name, exc.problems, language)
            reply = Reply([Send(text) for text in texts])
            target = None
        else:
            target = deliberation.id
            async with services.sessions.begin() as db:
                try:
                    stored = await drafts.store_draft(
                        db, deliberation, source, uploaded_by=user.id, now=now
                    )
                except Refused as refusal:
                    detail = {"file": name, "version": deliberation.version}
                    detail["result"] = refusal.code
                    reply = Reply([Send(refused_text(refusal, language, zone))])
                else:
                    detail = {"file": name, "version": deliberation.version, "result": "draft"}
                    text = preview_text(
                        deliberation, stored, now=now, language=language, zone=zone
                    )
                    buttons = keyboard(
                        deliberation.id, deliberation.version, stored.checksum, language
                    )
                    reply = Reply([Send(text, buttons)])
                detail["kind"] = "stellingen"
                await audit.record(
                    db, "upload", actor=user.id, target=target, detail=detail, now=now
                )
            return reply
        detail["kind"] = "stellingen"
        async with services.sessions.begin() as db:
            await audit.record(db, "upload", actor=user.id, target=target, detail=detail, now=now)
        return reply

    async def publish(self, press: Press, pressed: PublishDeliberation) -> None:
        """ "Publiceren": a new deliberation opens; a new version replaces the published one
        (:class:`flows.deliberation.VersionPlan`)."""
        draft, mark = pressed.draft, pressed.checked_mark
        if draft is None:
            await press.stale()
            return
        did, version = draft
        language, now = press.language, self.services.clock()
        published: drafts.PublishedDeliberation | None = None
        async with self.services.sessions.begin() as db:
            try:
                done = await drafts.publish(db, did, version, mark=mark, now=now)
            except Refused as refusal:
                zone = self.services.settings.zone
                reply = Reply(notice=notice(refused_text(refusal, language, zone)))
            else:
                published = done
                await audit.record(
                    db,
                    "publish",
                    actor=press.user.id,
                    target=did,
                    detail=done.audit_detail(),
                    now=now,
                )
                info = await deliberations.get(db, did)
                title = parse(info.source, did).title.get(language) if info else did
                if done.previous_version is None:
                    text = t(language, "admin.stellingen.published", title=title, id=did)
                else:
                    text = t(
                        language,
                        "admin.stellingen.published.update",
                        title=title,
                        version=version,
                        previous=done.previous_version,
                        status=raw(language, f"admin.stellingen.{done.status}"),
                    )
                reply = Reply([Send(text)], edit=Edit(None, None, failing="ignore"))
        if published is not None:
            log.info("administrator published deliberation %s@%s", did, version)
        await press.answer(reply)

    async def cancel(self, press: Press, pressed: CancelDeliberation) -> None:
        """ "Annuleren": the draft is thrown away; the published version stays as it was."""
        draft, mark = pressed.draft, pressed.checked_mark
        if draft is None:
            await press.stale()
            return
        did, version = draft
        language, now = press.language, self.services.clock()
        async with self.services.sessions.begin() as db:
            try:
                await drafts.discard(db, did, version, mark=mark)
            except Refused as refusal:
                zone = self.services.settings.zone
                reply = Reply(notice=notice(refused_text(refusal, language, zone)))
            else:
                await audit.record(
                    db,
                    "cancel",
                    actor=press.user.id,
                    target=did,
                    detail={"version": version, "kind": "stellingen"},
                    now=now,
                )
                text = t(language, "admin.cancelled", id=did, version=version)
                reply = Reply([Send(text)], edit=Edit(None, None, failing="ignore"))
        await press.answer(reply)
