"""Build the python-telegram-bot Application (Bot API requests, rate limits, one resident's
updates in turn) with every feature of the table in :mod:`bot.app.handlers`, and run it:
long polling or the webhook server, until stopped."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiohttp import web
from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.app import handlers
from bot.app.handlers import Features
from bot.app.listener import CannotListen, Serving, listen, track_requests
from bot.app.processor import PerResidentUpdateProcessor
from bot.app.request import AiohttpRequest, RetryingRequest
from bot.app.throttle import Throttled
from bot.app.unavailable import (
    REDELIVER,
    DatabaseUnavailable,
    database_unavailable,
    redeliveries,
)
from bot.app.webdoor import PATH, WebDoor
from bot.app.webhook import MAX_BODY, WebhookServer, webhook_target
from bot.core import jobs
from bot.core.budget import Budget, SharedRateLimiter
from bot.core.services import Services
from bot.resident.door import Door
from bot.staff import report_web
from bot.staff.reports import ReportService
from flows.texts import language_of, t

log = logging.getLogger(__name__)

FEATURES = "features"  # bot_data: the features handlers.install built
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
#: Telegram's default; how many webhook requests it sends at the same time (1-100).
DEFAULT_MAX_CONNECTIONS = 40


def build_application(services: Services, *, webhook: bool = False) -> Application:  # type: ignore[type-arg]
    """The bot, pointed at TELEGRAM_API_URL, with all handlers and the error handler.

    ``webhook=True``: without python-telegram-bot's updater; updates come from the
    ``samenspraak serve`` web server (bot.app.webhook) instead of getUpdates.
    """
    settings = services.settings
    api = settings.telegram_api_url
    builder = (
        Application.builder()
        .token(settings.token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        # Per resident one update at a time (across workers on PostgreSQL), each update once.
        .concurrent_updates(PerResidentUpdateProcessor(settings.max_concurrent_updates, services))
        .request(RetryingRequest(connection_pool_size=64))
        # PTB's default pool of one connection for getUpdates is still held by the long poll
        # that stopping cancels, so the final getUpdates telling Telegram which updates were
        # fetched would time out (after a second) and those updates would come again.
        .get_updates_request(AiohttpRequest(connection_pool_size=2))
    )
    if webhook:
        builder = builder.updater(None)
    # One budget for every worker (bot.core.budget). Always on: 20 messages a minute per
    # group and waiting out a 429 matter for digests even when the overall limit is off
    # (RATE_LIMIT_PER_SECOND=0).
    unreachable = Throttled(log, "the shared Telegram budget cannot be reached (%s)")
    budget = Budget.for_engine(
        services.engine, settings.rate_limit_per_second, unreachable=unreachable.note
    )
    builder = builder.rate_limiter(SharedRateLimiter(budget, max_retries=3))  # type: ignore[arg-type]
    application = builder.build()
    application.bot_data["services"] = services
    application.bot_data[FEATURES] = handlers.install(application, services)
    application.add_error_handler(on_error)
    if webhook:  # updates the database could not take are answered 503 and come again
        application.bot_data[REDELIVER] = redeliveries()
    return application


def web_door(application: Application, services: Services) -> WebDoor:  # type: ignore[type-arg]
    """The web door on the conversation this application's handlers run (one per process,
    sharing the residents' features with Telegram)."""
    features = features_of(application)
    door = Door(
        features.residents, features.privacy, features.outcomes.residents, features.deliberations
    )
    return WebDoor(services, door, codes=features.residents.codes)


async def serve_web_door(
    door: WebDoor, host: str, port: int, reports: ReportService | None = None
) -> Serving:
    """The web door on its own server (``samenspraak run``, which has no webhook server),
    with the published results pages (``reports``) that /publiceer and the outcome messages
    link to, as ``samenspraak serve`` has them. It listens as ``serve``'s server does
    (:func:`bot.app.listener.listen`: HTTP_REQUEST_TIMEOUT, HTTP_KEEPALIVE_TIMEOUT,
    HTTP_MAX_CONNECTIONS); :class:`CannotListen` if it cannot listen there."""
    app = web.Application(client_max_size=MAX_BODY, middlewares=[track_requests])
    door.add_routes(app)
    if reports is not None:
        report_web.add_routes(app, lambda: reports)
    serving = await listen(app, host, port, door.services.settings)
    log.info(
        "residents' chat pages at http://%s:%s%s/<questionnaire> (at most %d connections, "
        "each to send its request within %g s)",
        host,
        port,
        PATH,
        serving.limits.max_connections,
        serving.limits.request_timeout,
    )
    return serving


def features_of(application: Application) -> Features:  # type: ignore[type-arg]
    """The features :func:`build_application` installed."""
    features: Features = application.bot_data[FEATURES]
    return features


async def register_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Register the command menus per audience (:mod:`bot.app.menus`), in Dutch and English:
    the residents' in every private chat, each administrator's in their own chat, the
    staff group's in that group."""
    await features_of(application).menus.set_all(application.bot)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with the update id (never the message text) and apologise to the resident."""
    update_id = update.update_id if isinstance(update, Update) else None
    redeliver = context.application.bot_data.get(REDELIVER)
    if isinstance(context.error, DatabaseUnavailable):
        return  # the webhook's own 503 for an update noted below
    if update_id is not None and redeliver is not None and database_unavailable(context.error):
        # No apology: the webhook answers 503 and Telegram sends the update again.
        if update_id not in redeliver:
            log.warning(
                "update %s: the database is unavailable (%s); Telegram will send it again",
                update_id,
                type(context.error).__name__,
            )
        redeliver.put(update_id, None)
        return
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    user = update.effective_user
    language = language_of(user.language_code if user else None)
    # A pressed button was already answered by the button handler's ``finally``.
    try:
        await context.bot.send_message(
            update.effective_chat.id, t(language, "error"), parse_mode=ParseMode.HTML
        )
    except TelegramError:
        log.warning("could not apologise for update %s", update_id)


async def run_polling(
    services: Services,
    stop: asyncio.Event,
    *,
    web_at: tuple[str, int] | None = None,
    on_web_door: Callable[[WebDoor], None] | None = None,
) -> None:
    """Run the bot with long polling until ``stop`` is set, then shut down cleanly.

    The Application lives in the caller's event loop (with the database engine), so tests
    and ``samenspraak run`` start the bot the same way. In-flight updates finish before
    the Application stops. ``web_at``: (host, port) where the web door's chat pages are
    served meanwhile. ``on_web_door``: called with the web door before polling starts, for
    a caller that serves its chat pages on a server of its own (the sandbox); the door
    answers while the bot runs.
    """
    application = build_application(services)
    site: Serving | None = None
    reports = ReportService(services)
    try:
        async with application:  # initialize() ... shutdown()
            await register_commands(application)
            door = web_door(application, services) if web_at or on_web_door else None
            if door is not None and on_web_door is not None:
                on_web_door(door)
            if door is not None and web_at is not None:
                try:
                    site = await serve_web_door(door, *web_at, reports=reports)
                except CannotListen as exc:  # the bot still runs; the chat pages do not
                    log.warning("the residents' chat pages are off: %s", exc)
            assert application.updater is not None
            await application.start()
            try:
                await application.updater.start_polling(
                    allowed_updates=ALLOWED_UPDATES, timeout=10, drop_pending_updates=False
                )
                log.info("bot @%s is running; press Ctrl-C to stop", application.bot.username)
                await stop.wait()
            except BaseException:
                await _abort(application)
                raise
            log.info("stopping: finishing updates in progress")
            await application.updater.stop()
            await application.stop()
            await jobs.release(application)  # a restarted worker takes its jobs at once
    finally:
        if site is not None:
            await site.stop()
        await reports.close()
        # When initialize() fails (a refused token, no server), PTB leaves the request
        # objects open; close their connections (a no-op after a normal shutdown).
        await application.bot.shutdown()


async def run_webhook(
    services: Services,
    stop: asyncio.Event,
    *,
    host: str | None = None,
    port: int | None = None,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
) -> None:
    """Run the bot behind its own web server (``samenspraak serve``) until ``stop`` is set.

    Listens on ``host``:``port`` (default HTTP_HOST, HTTP_PORT), then registers WEBHOOK_URL
    with Telegram, so the first deliveries find the server ready. On ``stop`` the server
    stops accepting, updates already accepted finish, and the Application stops. The
    webhook stays registered: other workers may still be serving it (``samenspraak run``
    removes it when it starts polling).
    """
    settings = services.settings
    target = webhook_target(settings)  # a missing setting fails before anything starts
    application = build_application(services, webhook=True)
    server = WebhookServer(application, services, target, web_door(application, services))
    try:
        async with application:  # initialize() ... shutdown()
            await register_commands(application)
            # Listening first: a port that is taken stops the start before anything runs.
            await server.start(host or settings.http_host, port or settings.http_port)
            try:
                await application.start()
                await application.bot.set_webhook(
                    target.url,
                    secret_token=target.secret,
                    allowed_updates=ALLOWED_UPDATES,
                    max_connections=max_connections,
                    drop_pending_updates=False,
                )
                log.info("bot @%s is serving its webhook", application.bot.username)
                await stop.wait()
            except BaseException:
                await server.stop()
                await _abort(application)
                raise
            log.info("stopping: no new updates; finishing updates in progress")
            await server.stop()
            await application.stop()
            await jobs.release(application)
    finally:
        await application.bot.shutdown()


async def _abort(application: Application) -> None:  # type: ignore[type-arg]
    """End at once (the task running the bot was cancelled, or polling failed to start).

    python-telegram-bot's polling and update tasks are not children of the caller's task:
    without this they would go on answering residents after the bot was "stopped", and
    ``shutdown()`` would fail because the Application still runs. Updates in progress are
    cancelled (their transaction rolls back) and fetched ones are dropped, as in a crash.
    """
    log.warning("stopping abruptly: updates in progress are abandoned")
    processor = application.update_processor
    if isinstance(processor, PerResidentUpdateProcessor):
        processor.abort()
    updater = application.updater
    if updater is not None and updater.running:
        await updater.stop()
    queue = application.update_queue
    while not queue.empty():
        queue.get_nowait()
        queue.task_done()
    if application.running:
        await application.stop()
