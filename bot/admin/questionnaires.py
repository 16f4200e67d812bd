"""Administrators in their private chat: upload, preview, test and publish questionnaires,
run their lifecycle in /beheer, and /export the responses.

Every handler is wrapped in :func:`bot.core.access.admin_only` (checked on the server for every
command and every button, whatever the button claims) and every action is written to the
audit log with who and when. Non-administrators sending a document never reach this module:
the upload handler only matches ADMIN_USER_IDS, so residents get the usual "unsupported"
answer from the resident conversation.

A resident in the middle of a questionnaire when it closes may finish it (until their
session times out, SESSION_TIMEOUT): closing stops new starts and resuming a paused one,
it does not cut anyone off mid-sentence. Archiving ends whatever is still in progress.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass

from telegram import Bot, BotCommand, BotCommandScopeChat, CallbackQuery, Message, Update, User
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.admin import views
from bot.admin.export import csv_text, export_table, xlsx_bytes
from bot.core import access, jobs
from bot.core.services import Services
from bot.outcomes import handlers as outcomes
from bot.resident import views as render
from flows import engine
from flows import lifecycle as rules
from flows.lifecycle import MAX_VERSION, Refused
from flows.loader import MAX_FILE_BYTES, QuestionnaireError, parse
from flows.machine import Flow
from flows.schema import MAX_QUESTIONNAIRE_ID_CHARS, SLUG
from flows.texts import COMMANDS, Html, Language, language_of, plain_text, raw, t
from flows.texts.admin import ADMIN_COMMANDS
from storage import admin as store
from storage import audit, repo

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
admin_only = access.admin_only
Handler = access.Handler


PRIVATE = filters.ChatType.PRIVATE
NEW = filters.UpdateType.MESSAGE
YAML_SUFFIXES = (".yaml", ".yml")
YAML_TYPES = frozenset(
    {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/vnd.yaml"}
)
SHOWN = "admin.shown"  # bot_data: what each admin message shows (no "message is not modified")
# bot_data: administrators whose menu could not be set yet -> when to try again (monotonic)
MENU_PENDING = "admin.menu_pending"
MENU_RETRY = 300.0  # seconds between attempts for one administrator
# Before every other handler group (flood protection is -1): sets a pending administrator's
# menu at their first update of any kind, and never stops the update.
MENU_GROUP = -10
NOTICE_CHARS = 200  # answerCallbackQuery's limit


def register(application: Application, services: Services) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers and jobs to the application."""
    settings = services.settings
    add = application.add_handler
    add(CommandHandler("beheer", beheer, filters=PRIVATE & NEW))
    add(CommandHandler("export", export_command, filters=PRIVATE & NEW))
    if settings.admin_user_ids:
        # Only administrators' documents: anybody else's go on to the resident conversation.
        only_admins = filters.User(user_id=settings.admin_user_ids)
        add(MessageHandler(PRIVATE & NEW & filters.Document.ALL & only_admins, upload))
        add(TypeHandler(Update, _menu_on_first_contact), group=MENU_GROUP)
    add(CallbackQueryHandler(button, pattern=rf"^{views.PREFIX}:"))
    application.bot_data[SHOWN] = Shown(2_000)
    application.bot_data[MENU_PENDING] = {}
    # Opening and closing on opens_at/closes_at: once across workers (bot.core.jobs).
    jobs.repeating(application, "lifecycle", lifecycle, interval=settings.jobs_interval)
    # The catalog lives in each worker's memory, so every worker refreshes its own: not a
    # bot.core.jobs job (those run on one worker at a time).
    queue = application.job_queue
    if queue is not None:
        queue.run_repeating(
            _refresh_catalog,
            interval=settings.jobs_interval,
            first=settings.jobs_interval,
            name="catalog",
        )


async def register_commands(application: Application) -> None:  # type: ignore[type-arg]
    """The administrators' command menu, in their private chats only: the residents'
    commands plus /beheer, /moderatie, /terugkoppeling and /export."""
    services: Services = application.bot_data["services"]
    pending: dict[int, float] = application.bot_data.setdefault(MENU_PENDING, {})
    for admin_id in services.settings.admin_user_ids:
        if not await _set_menu(application.bot, admin_id):
            pending[admin_id] = 0.0  # at their first message, whatever it is


async def _set_menu(bot: Bot, admin_id: int) -> bool:
    scope = BotCommandScopeChat(admin_id)  # a private chat's id is the user's id
    try:
        for language, code in (("nl", None), ("en", "en")):
            commands = [
                BotCommand(name, text)
                for name, text in COMMANDS[language] + ADMIN_COMMANDS[language]
            ]
            await bot.set_my_commands(commands, scope=scope, language_code=code)
    except TelegramError as exc:  # "chat not found": the administrator never wrote to the bot
        log.warning("administrator menu not set yet (%s); set at their first message", exc)
        return False
    return True


async def _ensure_menu(context: Context, user: User) -> None:
    """Set an administrator's menu if that failed before (at most every MENU_RETRY s)."""
    pending: dict[int, float] = context.bot_data.setdefault(MENU_PENDING, {})
    retry = pending.get(user.id)
    if retry is None or time.monotonic() < retry:
        return
    if await _set_menu(context.bot, user.id):
        pending.pop(user.id, None)
    else:
        pending[user.id] = time.monotonic() + MENU_RETRY


async def _menu_on_first_contact(update: Update, context: Context) -> None:
    """Any update from an administrator whose menu is not set yet (they had never written
    to the bot when it started): set it now, also when they begin with /start."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or chat.type != chat.PRIVATE:
        return
    if user.id in context.bot_data.get(MENU_PENDING, {}):
        await _ensure_menu(context, user)


class Shown:
    """What the bot last showed in an administrator's message, so that a double tap does not
    edit it to the same content (Telegram refuses "message is not modified")."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[int, int], str] = OrderedDict()

    def same(self, key: tuple[int, int], fingerprint: str) -> bool:
        return self._items.get(key) == fingerprint

    def put(self, key: tuple[int, int], fingerprint: str) -> None:
        self._items[key] = fingerprint
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


def _fingerprint(text: str, keyboard: views.Keyboard | None) -> str:
    return text + "\x00" + (json.dumps(keyboard.to_dict(), sort_keys=True) if keyboard else "")


def _services(context: Context) -> Services:
    services: Services = context.bot_data["services"]
    return services


def _language(user: User | None) -> Language:
    return language_of(user.language_code if user else None)


def _notice(text: str) -> str:
    plain = plain_text(text)
    return plain if len(plain) <= NOTICE_CHARS else plain[: NOTICE_CHARS - 1] + "…"


async def _send(
    context: Context, chat_id: int, text: str, keyboard: views.Keyboard | None = None
) -> Message:
    sent = await context.bot.send_message(
        chat_id, text, parse_mode=ParseMode.HTML, reply_markup=keyboard
    )
    shown: Shown = context.bot_data[SHOWN]
    shown.put((chat_id, sent.message_id), _fingerprint(text, keyboard))
    return sent


async def _show(
    context: Context, query: CallbackQuery, text: str, keyboard: views.Keyboard | None
) -> None:
    """Change the message the button was on (a new message if it is too old to edit)."""
    message = query.message
    if not isinstance(message, Message):
        await _send(context, query.from_user.id, text, keyboard)
        return
    shown: Shown = context.bot_data[SHOWN]
    key = (message.chat.id, message.message_id)
    fingerprint = _fingerprint(text, keyboard)
    if shown.same(key, fingerprint):
        return
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in str(exc).lower():
            # Deleted by the administrator, or no longer editable: show it anew.
            log.info("could not edit an administrator's message (%s); sending it anew", exc)
            await _send(context, message.chat.id, text, keyboard)
            return
    shown.put(key, fingerprint)


async def _drop_buttons(context: Context, query: CallbackQuery) -> None:
    message = query.message
    if isinstance(message, Message) and message.reply_markup is not None:
        shown: Shown = context.bot_data[SHOWN]
        key = (message.chat.id, message.message_id)
        fingerprint = _fingerprint(message.text_html or "", None)
        if shown.same(key, fingerprint):
            return
        shown.put(key, fingerprint)
        try:
            await message.edit_reply_markup(reply_markup=None)
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise


# --- uploads ----------------------------------------------------------------------------------


def _looks_like_yaml(name: str | None, mime: str | None) -> bool:
    if name:
        return name.lower().endswith(YAML_SUFFIXES)
    return (mime or "").lower() in YAML_TYPES


@admin_only("upload")
async def upload(update: Update, context: Context) -> None:
    """A questionnaire YAML sent as a document: validated, kept as a draft, previewed."""
    services = _services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.document is None:
        return
    await _ensure_menu(context, user)
    language = _language(user)
    document = message.document
    name = document.file_name or "questionnaire.yaml"
    chat_id = message.chat_id

    async def refuse(key: str, reason: str, **params: object) -> None:
        await _audit(services, "upload", user, None, {"file": name, "result": reason})
        await _send(context, chat_id, t(language, key, **params))

    if not _looks_like_yaml(document.file_name, document.mime_type):
        await refuse("admin.upload.not_yaml", "not_yaml")
        return
    limit_kb = MAX_FILE_BYTES // 1024
    if document.file_size is not None and document.file_size > MAX_FILE_BYTES:
        size_kb = -(-document.file_size // 1024)
        await refuse("admin.upload.too_big", "too_big", size=size_kb, max=limit_kb)
        return
    try:
        file = await document.get_file()
        data = bytes(await file.download_as_bytearray())
    except TelegramError as exc:
        log.warning("could not download an uploaded questionnaire: %s", exc)
        await _send(context, chat_id, t(language, "admin.upload.download_failed"))
        return
    if len(data) > MAX_FILE_BYTES:
        await refuse("admin.upload.too_big", "too_big", size=-(-len(data) // 1024), max=limit_kb)
        return
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError:
        await refuse("admin.upload.not_utf8", "not_utf8")
        return
    try:
        questionnaire = parse(source, name)
    except QuestionnaireError as exc:
        await _audit(
            services,
            "upload",
            user,
            None,
            {"file": name, "result": "invalid", "problems": len(exc.problems)},
        )
        for text in views.problems_messages(name, exc.problems, language):
            await _send(context, chat_id, text)
        return
    now = services.clock()
    refusal: Refused | None = None
    async with services.sessions.begin() as db:
        try:
            draft = await store.store_draft(
                db, questionnaire, source, uploaded_by=user.id, now=now
            )
        except Refused as exc:
            refusal = exc
        await audit.record(
            db,
            "upload",
            actor=user.id,
            target=questionnaire.id,
            detail={
                "file": name,
                "version": questionnaire.version,
                "result": refusal.code if refusal else "draft",
            },
            now=now,
        )
    if refusal is not None:
        await _send(
            context, chat_id, views.refused_text(refusal, language, services.settings.zone)
        )
        return
    await services.refresh_catalog()
    log.info("administrator uploaded a draft of %s", questionnaire.key)
    text = views.preview_text(
        questionnaire,
        live_version=draft.live_version,
        replaced=draft.replaced,
        now=now,
        zone=services.settings.zone,
        language=language,
    )
    keyboard = views.preview_keyboard(
        questionnaire.id, questionnaire.version, draft.checksum, language
    )
    await _send(context, chat_id, text, keyboard)


async def _audit(
    services: Services,
    action: str,
    user: User,
    target: str | None,
    detail: dict[str, object] | None = None,
) -> None:
    async with services.sessions.begin() as db:
        await audit.record(
            db, action, actor=user.id, target=target, detail=detail, now=services.clock()
        )


# --- /beheer ----------------------------------------------------------------------------------


async def _overview(services: Services) -> tuple[list[store.QuestionnaireState], dict[str, Flow]]:
    async with services.sessions() as db:
        states = await store.overview(db)
    catalog = services.catalog
    flows: dict[str, Flow] = {}
    for state in states:
        flow = catalog.current(state.id) or catalog.get(state.id, state.current_version)
        if flow is not None:
            flows[state.id] = flow
    return states, flows


@admin_only("beheer")
async def beheer(update: Update, context: Context) -> None:
    """/beheer: every questionnaire with its status and responses, as buttons."""
    services = _services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    await _ensure_menu(context, user)
    states, flows = await _overview(services)
    text, keyboard = views.list_view(states, flows, 0, _language(user))
    await _send(context, message.chat_id, text, keyboard)


def _slug(text: str) -> bool:
    return len(text) <= MAX_QUESTIONNAIRE_ID_CHARS and SLUG.fullmatch(text) is not None


def _questionnaire_id(query: CallbackQuery) -> str | None:
    parts = (query.data or "").split(":")
    qid = parts[2] if len(parts) == 3 else ""
    return qid if _slug(qid) else None


def _draft_key(query: CallbackQuery) -> tuple[str, int] | None:
    """``<id>:<version>`` of a draft button; a preview's buttons add ``:<mark>``, see
    :func:`_mark`."""
    parts = (query.data or "").split(":")
    if len(parts) not in (4, 5) or not _slug(parts[2]):
        return None
    version = parts[3]
    if not version.isascii() or not version.isdigit() or len(version) > len(str(MAX_VERSION)):
        return None
    if len(parts) == 5 and not views.MARK.fullmatch(parts[4]):
        return None
    return parts[2], int(version)


def _mark(query: CallbackQuery) -> str | None:
    """The start of the checksum of the file a preview showed: its buttons act on that
    file only, not on one sent later with the same version number."""
    parts = (query.data or "").split(":")
    return parts[4] if len(parts) == 5 else None


@dataclass(frozen=True, slots=True)
class _DraftPress:
    """A press on a button of a draft's preview: who pressed, which draft."""

    query: CallbackQuery
    services: Services
    user: User
    language: Language
    qid: str
    version: int

    @property
    def chat_id(self) -> int:
        message = self.query.message
        return message.chat.id if message else self.user.id

    async def refused(self, refusal: Refused) -> None:
        """Say on the button why it cannot be done."""
        zone = self.services.settings.zone
        await self.query.answer(_notice(views.refused_text(refusal, self.language, zone)))


async def _draft_press(update: Update, context: Context) -> _DraftPress | None:
    """The draft a preview button is about; None (and the button answered) when its data
    is not a draft's."""
    query = update.callback_query
    assert query is not None
    key = _draft_key(query)
    if key is None:
        await _stale(query)
        return None
    user = query.from_user
    return _DraftPress(query, _services(context), user, _language(user), *key)


async def _stale(query: CallbackQuery) -> None:
    await query.answer(raw(_language(query.from_user), "stale.short"))


async def list_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    parts = (query.data or "").split(":")
    page = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() and len(parts[2]) < 4 else 0
    states, flows = await _overview(_services(context))
    text, keyboard = views.list_view(states, flows, page, _language(query.from_user))
    await query.answer()
    await _show(context, query, text, keyboard)


async def _detail(
    context: Context, query: CallbackQuery, questionnaire_id: str, notice: str | None = None
) -> None:
    services = _services(context)
    language = _language(query.from_user)
    states, flows = await _overview(services)
    state = next((s for s in states if s.id == questionnaire_id), None)
    if state is None:
        await query.answer(_notice(t(language, "admin.refused.unknown")))
        text, keyboard = views.list_view(states, flows, 0, language)
        await _show(context, query, text, keyboard)
        return
    await query.answer(notice)
    text, detail_keyboard = views.detail_view(
        state,
        flows.get(state.id),
        page=views.page_of(states, state.id),
        zone=services.settings.zone,
        language=language,
    )
    await _show(context, query, text, detail_keyboard)


async def detail_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    qid = _questionnaire_id(query)
    if qid is None:
        await _stale(query)
        return
    await _detail(context, query, qid)


def _confirm(action: str) -> Handler:
    async def ask(update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        qid = _questionnaire_id(query)
        services = _services(context)
        if qid is None:
            await _stale(query)
            return
        language = _language(query.from_user)
        async with services.sessions() as db:
            state = await store.state_of(db, qid)
        if state is None or action not in views.actions(state):
            # A stale or forged button: say why not, and show how things stand now.
            await _detail(context, query, qid, _cannot(state, action, language))
            return
        flow = services.catalog.current(qid)
        title = flow.questionnaire.title.get(language) if flow else qid
        text, keyboard = views.confirm_view(action, qid, title, language)
        await query.answer()
        await _show(context, query, text, keyboard)

    return ask


def _cannot(state: store.QuestionnaireState | None, action: str, language: Language) -> str:
    """Why ``action`` is not offered for this questionnaire now."""
    target = {"open": rules.OPEN, "close": rules.CLOSED, "archive": rules.ARCHIVED}[action]
    if state is None:
        key = "admin.refused.unknown"
    elif not state.published:
        key = "admin.refused.unpublished"
    elif state.status == rules.ARCHIVED:
        key = "admin.refused.archived"
    elif state.status == target:
        key = "admin.refused.same"
    else:
        key = "admin.refused.not_allowed"
    return _notice(t(language, key))


def _transition(action: str) -> Handler:
    async def change(update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        qid = _questionnaire_id(query)
        if qid is None:
            await _stale(query)
            return
        services = _services(context)
        language = _language(query.from_user)
        try:
            await _carry_out(services, action, qid, actor=query.from_user.id, via="telegram")
        except Refused as exc:
            notice = views.refused_text(exc, language, services.settings.zone)
            await _detail(context, query, qid, _notice(notice))
            return
        await _detail(context, query, qid, raw(language, f"admin.done.{action}"))

    return change


async def _carry_out(
    services: Services,
    action: str,
    questionnaire_id: str,
    *,
    actor: int | None,
    via: str,
    detail: dict[str, object] | None = None,
) -> store.Change:
    """Open, close or archive, with its audit entry; then this worker's catalog follows."""
    now = services.clock()
    async with services.sessions.begin() as db:
        change = await store.transition(
            db, questionnaire_id, action, now=now, zone=services.settings.zone
        )
        await audit.record(
            db,
            action,
            actor=actor,
            via=via,
            target=questionnaire_id,
            detail={"from": change.before, "to": change.after, **(detail or {})},
            now=now,
        )
    await services.refresh_catalog()
    log.info("questionnaire %s: %s -> %s (%s)", questionnaire_id, change.before, change.after, via)
    return change


# --- preview buttons: test, publish, cancel ----------------------------------------------------


async def draft_button(update: Update, context: Context) -> None:
    """Show the preview of a waiting draft again (from /beheer), with its buttons."""
    query = update.callback_query
    assert query is not None
    key = _draft_key(query)
    services = _services(context)
    language = _language(query.from_user)
    flow = services.catalog.get(*key) if key else None
    if key is None or flow is None:
        await query.answer(_notice(t(language, "admin.refused.gone")))
        return
    async with services.sessions() as db:
        version = await store.get_version(db, *key)
        state = await store.state_of(db, key[0])
    if version is None or version.published:  # published or thrown away meanwhile
        await query.answer(_notice(t(language, "admin.refused.gone")))
        return
    await query.answer()
    text = views.preview_text(
        flow.questionnaire,
        live_version=state.current_version if state and state.published else None,
        replaced=False,
        now=services.clock(),
        zone=services.settings.zone,
        language=language,
    )
    keyboard = views.preview_keyboard(*key, version.checksum, language)
    await _send(context, query.from_user.id, text, keyboard)


async def test_button(update: Update, context: Context) -> None:
    """ "Zelf testen": the administrator takes the draft; the session is a test run, which
    no digest, count or export includes. The resident conversation carries it on."""
    query = update.callback_query
    assert query is not None
    services = _services(context)
    user = query.from_user
    key = _draft_key(query)
    mark = _mark(query)
    catalog = services.catalog

    def current() -> bool:
        checksum = catalog.checksum(*key) if key else None
        return checksum is not None and (mark is None or checksum.startswith(mark))

    if key is not None and not current():
        await services.refresh_catalog()  # made by another worker a moment ago?
    flow = catalog.get(*key) if key else None
    if key is None or flow is None:
        await query.answer(_notice(t(_language(user), "admin.refused.gone")))
        return
    if not current():
        await query.answer(_notice(t(_language(user), "admin.refused.replaced")))
        return
    now = services.clock()
    chat_id = query.message.chat.id if query.message else user.id
    async with services.sessions.begin() as db:
        pseudonym = services.pseudonyms.of(user.id)
        resident = await repo.find_resident(db, pseudonym)
        if resident is None or not resident.consented:
            # Pressing "Zelf testen" is the administrator's own choice to take part.
            resident = await repo.register_resident(
                db,
                pseudonym,
                language=resident.language if resident else _language(user),
                consent="given",
                chat_id=chat_id,
                now=now,
            )
        session = await repo.start_session(
            db, resident.id, key[0], key[1], engine.start(flow), is_test=True, now=now
        )
        await audit.record(
            db, "test", actor=user.id, target=key[0], detail={"version": key[1]}, now=now
        )
    language = resident.language
    await query.answer(raw(language, "admin.test.short"))
    questionnaire = flow.questionnaire
    title = questionnaire.title.get(language)
    await _send(context, chat_id, t(language, "admin.test.start", title=title, version=key[1]))
    await context.bot.send_message(
        chat_id, render.intro_text(flow, language), parse_mode=ParseMode.HTML
    )
    prompt = engine.prompt(flow, session.state)
    token = services.pseudonyms.button_token(session.id, session.state.current)
    await context.bot.send_message(
        chat_id,
        render.question_text(prompt, language),
        parse_mode=ParseMode.HTML,
        reply_markup=render.question_keyboard(prompt, token, language),
    )


async def publish_button(update: Update, context: Context) -> None:
    """ "Publiceren": new sessions start on this version; running ones keep theirs."""
    press = await _draft_press(update, context)
    if press is None:
        return
    query, services, user, language = press.query, press.services, press.user, press.language
    qid, version = press.qid, press.version
    now = services.clock()
    try:
        async with services.sessions.begin() as db:
            published = await store.publish(
                db, qid, version, now=now, zone=services.settings.zone, mark=_mark(query)
            )
            await audit.record(
                db,
                "publish",
                actor=user.id,
                target=qid,
                detail={"version": version, "status": published.status},
                now=now,
            )
    except Refused as exc:
        await press.refused(exc)
        return
    await services.refresh_catalog()
    log.info("administrator published %s@%s (%s)", qid, version, published.status)
    await query.answer()
    await _drop_buttons(context, query)
    flow = services.catalog.get(qid, version)
    questionnaire = flow.questionnaire if flow else None
    title = questionnaire.title.get(language) if questionnaire else qid
    text: Html
    zone = services.settings.zone
    if published.previous_version is not None:
        if published.status == rules.CLOSED:
            text = t(language, "admin.published.update.closed", title=title, version=version)
        elif published.status == rules.DRAFT and questionnaire and questionnaire.opens_at:
            opens = views.when(questionnaire.opens_at, zone, language)
            text = t(
                language,
                "admin.published.update.scheduled",
                title=title,
                version=version,
                date=opens,
            )
        else:
            text = t(
                language,
                "admin.published.update",
                title=title,
                version=version,
                previous=published.previous_version,
            )
    elif published.status == rules.DRAFT and questionnaire is not None:
        opens = views.when(questionnaire.opens_at, services.settings.zone, language)
        text = t(
            language,
            "admin.published.scheduled",
            title=title,
            version=version,
            date=opens,
            id=qid,
        )
    elif published.status == rules.CLOSED:
        text = t(language, "admin.published.closed", title=title, version=version)
    else:
        text = t(language, "admin.published.open", title=title, version=version)
    chat_id = press.chat_id
    await _send(context, chat_id, text)
    if published.status == rules.OPEN:
        # Inviting to a questionnaire nobody can start yet (or any more) only disappoints;
        # a scheduled one can be announced with /uitnodigen once it is open.
        await outcomes.offer_invitation(context.bot, services, chat_id, user.id, qid)


async def cancel_button(update: Update, context: Context) -> None:
    """ "Annuleren": the draft and its test runs are thrown away."""
    press = await _draft_press(update, context)
    if press is None:
        return
    query, services, user, language = press.query, press.services, press.user, press.language
    qid, version = press.qid, press.version
    now = services.clock()
    try:
        async with services.sessions.begin() as db:
            discarded = await store.discard_draft(db, qid, version, mark=_mark(query))
            if discarded:
                await audit.record(
                    db, "cancel", actor=user.id, target=qid, detail={"version": version}, now=now
                )
    except Refused as exc:  # a newer file with this version number: not this preview's
        await press.refused(exc)
        return
    if not discarded:
        await query.answer(_notice(t(language, "admin.refused.gone")))
        return
    await services.refresh_catalog()
    await query.answer()
    await _drop_buttons(context, query)
    await _send(context, press.chat_id, t(language, "admin.cancelled", id=qid, version=version))


# --- exports ----------------------------------------------------------------------------------


async def send_export(context: Context, chat_id: int, user: User, questionnaire_id: str) -> bool:
    """The CSV and Excel files of one questionnaire; False (and a message) when unknown."""
    services = _services(context)
    language = _language(user)
    try:
        table, flow = await export_table(services, questionnaire_id)
    except LookupError:
        currents = list(services.catalog.currents())
        await _send(
            context,
            chat_id,
            t(
                language,
                "admin.export.unknown",
                id=questionnaire_id,
                ids=views.ids_text(currents, language),
            ),
        )
        return False
    title = flow.questionnaire.title.get(language)
    # Both files are built off the event loop: thousands of rows take a moment.
    sheet = await asyncio.to_thread(csv_text, table)
    spreadsheet = await asyncio.to_thread(xlsx_bytes, table, flow.questionnaire.title.nl)
    day = services.clock().astimezone(services.settings.zone).date().isoformat()
    name = f"{questionnaire_id}-{day}"
    caption = t(language, "admin.export.caption", title=title, count=len(table.rows))
    await context.bot.send_document(
        chat_id,
        document=sheet.encode("utf-8"),
        filename=f"{name}.csv",
        caption=caption,
        parse_mode=ParseMode.HTML,
    )
    await context.bot.send_document(chat_id, document=spreadsheet, filename=f"{name}.xlsx")
    await _audit(
        services,
        "export",
        user,
        questionnaire_id,
        {"rows": len(table.rows), "formats": ["csv", "xlsx"]},
    )
    return True


@admin_only("export")
async def export_command(update: Update, context: Context) -> None:
    """/export <id>: the responses as CSV and Excel, pseudonymous."""
    services = _services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    await _ensure_menu(context, user)
    language = _language(user)
    wanted = context.args[0].strip().lower() if context.args else ""
    if not wanted:
        currents = list(services.catalog.currents())
        if not currents:
            await _send(context, message.chat_id, t(language, "admin.export.none"))
            return
        text = t(
            language,
            "admin.export.usage",
            example=currents[0].questionnaire.id,
            ids=views.ids_text(currents, language),
        )
        await _send(context, message.chat_id, text)
        return
    await send_export(context, message.chat_id, user, wanted[:80])


async def export_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    qid = _questionnaire_id(query)
    if qid is None:
        await _stale(query)
        return
    await query.answer()
    chat_id = query.message.chat.id if query.message else query.from_user.id
    await send_export(context, chat_id, query.from_user, qid)


# --- buttons ----------------------------------------------------------------------------------


async def _unknown_button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    await _stale(query)


BUTTONS: dict[str, Handler] = {
    "l": admin_only("beheer")(list_button),
    "q": admin_only("beheer")(detail_button),
    "open": admin_only("open")(_transition("open")),
    "close?": admin_only("close")(_confirm("close")),
    "close": admin_only("close")(_transition("close")),
    "archive?": admin_only("archive")(_confirm("archive")),
    "archive": admin_only("archive")(_transition("archive")),
    "export": admin_only("export")(export_button),
    "draft": admin_only("beheer")(draft_button),
    "test": admin_only("test")(test_button),
    "pub": admin_only("publish")(publish_button),
    "del": admin_only("cancel")(cancel_button),
}
UNKNOWN_BUTTON = admin_only("button")(_unknown_button)


async def button(update: Update, context: Context) -> None:
    """Every ``adm:`` button; each kind is checked against ADMIN_USER_IDS (and a refused
    attempt audited under its own action name) before anything happens."""
    query = update.callback_query
    if query is None:
        return
    parts = (query.data or "").split(":")
    handler = BUTTONS.get(parts[1] if len(parts) > 1 else "", UNKNOWN_BUTTON)
    try:
        await handler(update, context)
    except Exception:
        # Never leave the button spinning; the error handler apologises and logs.
        with contextlib.suppress(TelegramError):
            await query.answer()
        raise


# --- jobs -------------------------------------------------------------------------------------


async def lifecycle(services: Services, bot: Bot) -> None:
    """Open questionnaires whose opens_at has come and close those whose closes_at has:
    a condition over the stored data, so a moment missed while the bot was down is caught
    up at the first run after a restart."""
    await services.refresh_catalog()  # another worker may have published meanwhile
    now = services.clock()
    async with services.sessions.begin() as db:
        changes = await store.apply_schedule(db, now=now, zone=services.settings.zone)
        for change in changes:
            await audit.record(
                db,
                "open" if change.after == rules.OPEN else "close",
                actor=None,
                via="system",
                target=change.questionnaire_id,
                detail={"from": change.before, "to": change.after, "at": change.at.isoformat()},
                now=now,
            )
    if changes:
        await services.refresh_catalog()
        for change in changes:
            log.info(
                "questionnaire %s: %s -> %s on schedule",
                change.questionnaire_id,
                change.before,
                change.after,
            )


async def _refresh_catalog(context: Context) -> None:
    try:
        await _services(context).refresh_catalog()
    except Exception:
        log.exception("refreshing the questionnaire catalog failed; trying again later")
