"""A questionnaire sent as a document by an administrator: checked (type, size, encoding,
the validator), kept as a draft, and answered with every problem or with the preview. A
deliberation file (``kind: stellingen``) goes the same way through
:mod:`bot.admin.upload_stellingen`.

A file that is not YAML, too large or invalid is refused and nothing is stored; every
attempt is in the audit log. Non-administrators never get here: the upload handler only
matches ADMIN_USER_IDS, so a resident's document gets the conversation's "unsupported".
"""

from __future__ import annotations

import logging

from telegram import Document, User

from bot.admin import preview
from bot.admin.upload_stellingen import DeliberationUploads
from bot.admin.views import refused_text
from bot.core.fetch import FetchFailed, TooBig, fetch
from bot.core.images import check_urls
from bot.core.parsing import ParserGone
from bot.core.reply import Reply, Send
from bot.core.services import Services
from flows.deliberation import is_deliberation
from flows.lifecycle import Refused
from flows.loader import MAX_FILE_BYTES, QuestionnaireError
from flows.texts import Html, Language, language_of, t
from storage import admin as store
from storage import audit, deliberations

log = logging.getLogger(__name__)

YAML_SUFFIXES = (".yaml", ".yml")
YAML_TYPES = frozenset(
    {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/vnd.yaml"}
)


def looks_like_yaml(name: str | None, mime: str | None) -> bool:
    """By the file's name, or, without one, by its type."""
    if name:
        return name.lower().endswith(YAML_SUFFIXES)
    return (mime or "").lower() in YAML_TYPES


def _kb(size: int) -> int:
    return -(-size // 1024)


class Uploads:
    """Turns an uploaded document into the reply for the administrator."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.deliberations = DeliberationUploads(services)

    async def receive(self, document: Document, user: User) -> Reply:
        """Check, store as a draft and preview ``document``; or say why not."""
        language = language_of(user.language_code)
        name = document.file_name or "questionnaire.yaml"
        if not looks_like_yaml(document.file_name, document.mime_type):
            return await self._refuse(user, name, "not_yaml", t(language, "admin.upload.not_yaml"))
        if document.file_size is not None and document.file_size > MAX_FILE_BYTES:
            return await self._too_big(user, name, document.file_size, language)
        try:
            # Streamed and cut off past the limit, whatever size Telegram stated.
            data = await fetch(document.get_bot(), document.file_id, MAX_FILE_BYTES)
        except TooBig as big:
            return await self._too_big(user, name, big.size, language)
        except FetchFailed as exc:
            log.warning("could not download an uploaded questionnaire: %s", exc)
            return Reply([Send(t(language, "admin.upload.download_failed"))])
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            return await self._refuse(user, name, "not_utf8", t(language, "admin.upload.not_utf8"))
        if is_deliberation(source):
            # ``kind: stellingen``: a deliberation, with its own validator and preview.
            return await self.deliberations.receive(source, name, user, language)
        # Images named by a path are looked for in QUESTIONNAIRES_DIR, where they are read
        # from when residents see them; https images are fetched once now (bot.core.images).
        folder = self.services.settings.questionnaires_dir
        try:
            # Off the loop for a large file, with the B1 check of its Dutch.
            questionnaire, b1_parts = await self.services.parser.check(source, name, folder)
            found = await check_urls(questionnaire, source, name)
            if found:
                raise QuestionnaireError(found)
        except ParserGone:
            text = t(language, "admin.upload.check_failed")
            return await self._refuse(user, name, "check_failed", text)
        except QuestionnaireError as exc:
            detail = {"file": name, "result": "invalid", "problems": len(exc.problems)}
            texts = preview.problems_messages(name, exc.problems, language)
            return await self._audited(user, detail, Reply([Send(text) for text in texts]))
        services = self.services
        now, zone = services.clock(), services.settings.zone
        async with services.sessions.begin() as db:
            try:
                if await deliberations.get(db, questionnaire.id) is not None:
                    # /start <id> would be ambiguous: the id is a deliberation's.
                    raise Refused("deliberation", "id taken", questionnaire=questionnaire.id)
                draft = await store.store_draft(
                    db, questionnaire, source, uploaded_by=user.id, now=now
                )
            except Refused as refusal:
                result = refusal.code
                reply = Reply([Send(refused_text(refusal, language, zone))])
            else:
                result = "draft"
                text = preview.preview_text(
                    questionnaire,
                    live_version=draft.live_version,
                    replaced=draft.replaced,
                    now=now,
                    zone=zone,
                    language=language,
                    b1_parts=b1_parts,
                )
                keyboard = preview.preview_keyboard(
                    questionnaire.id, questionnaire.version, draft.checksum, language
                )
                reply = Reply([Send(text, keyboard)])
            detail = {"file": name, "version": questionnaire.version, "result": result}
            await audit.record(
                db, "upload", actor=user.id, target=questionnaire.id, detail=detail, now=now
            )
        if result == "draft":
            await services.refresh_catalog(known={draft.checksum: questionnaire})
            log.info("administrator uploaded a draft of %s", questionnaire.key)
        return reply

    async def _too_big(self, user: User, name: str, size: int | None, language: Language) -> Reply:
        """Refused as too big; ``size`` None: larger than the limit, by how much unknown."""
        limit = MAX_FILE_BYTES // 1024
        if size is None:
            text = t(language, "admin.upload.too_big.more", max=limit)
        else:
            text = t(language, "admin.upload.too_big", size=_kb(size), max=limit)
        return await self._refuse(user, name, "too_big", text)

    async def _refuse(self, user: User, name: str, reason: str, text: Html) -> Reply:
        detail: dict[str, object] = {"file": name, "result": reason}
        return await self._audited(user, detail, Reply([Send(text)]))

    async def _audited(self, user: User, detail: dict[str, object], reply: Reply) -> Reply:
        """``reply``, once the refused upload is in the audit log."""
        async with self.services.sessions.begin() as db:
            await audit.record(
                db,
                "upload",
                actor=user.id,
                target=None,
                detail=detail,
                now=self.services.clock(),
            )
        return reply
