"""The HTTP side of ``samenspraak serve``: Telegram's webhook, ``/healthz``, ``/metrics``,
the published results pages and the residents' chat pages (the web door).

An aiohttp application hosts python-telegram-bot's Application, which runs without its own
updater (see ``examples/customwebhookbot`` in python-telegram-bot). Telegram posts each
update to the webhook path; it is checked, handled by the Application's update processor and
answered 200 when handled, or after ``ANSWER_WITHIN`` seconds if it has its resident's turn
by then (a slow answer does not make Telegram retry); if not, 503, and it comes again, so
that none of the resident's later updates overtakes it.

Several workers can run behind one load balancer: nothing here is kept between requests
except the metrics, and every worker registers the same webhook.

What the internet may send instead is refused at the door: connections that are slow, idle
or too many (:mod:`bot.app.listener`), requests without exactly the right secret (403),
bodies that are not an update Telegram could have sent (400, :mod:`bot.app.intake`).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from telegram import Update
from telegram.ext import Application

from bot.app.intake import NotAnUpdate, read_update
from bot.app.listener import Serving, listen, track_requests
from bot.app.turn import TURN, Turn
from bot.app.unavailable import REDELIVER, DatabaseUnavailable
from bot.app.webdoor import WebDoor
from bot.core.config import ConfigError, Settings
from bot.core.metrics import BROADCAST_QUEUE, SESSIONS_ACTIVE, UPDATE_SECONDS, UPDATES
from bot.core.services import Services
from bot.staff import report_web
from bot.staff.reports import ReportService
from storage import stats

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
#: Telegram's updates are a few kilobytes; anything near this is not from Telegram.
MAX_BODY = 1024 * 1024
#: How long ``/healthz`` and ``/metrics`` wait for the database.
DATABASE_TIMEOUT = 2.0
#: Updates accepted but not yet handled, per MAX_CONCURRENT_UPDATES, before ``503 busy``.
PENDING_PER_SLOT = 4
ANSWER_WITHIN = 5.0
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"


@dataclass(frozen=True)
class WebhookTarget:
    """Where Telegram posts updates, and the secret it sends along."""

    url: str
    path: str
    secret: str


def webhook_target(settings: Settings) -> WebhookTarget:
    """WEBHOOK_URL and WEBHOOK_SECRET, or one :class:`ConfigError` line saying what to do."""
    if settings.webhook_url is None:
        raise ConfigError(
            "WEBHOOK_URL is not set: `samenspraak serve` needs the public https address "
            "Telegram posts updates to, e.g. https://bot.gemeente.example/telegram "
            "(or use `samenspraak run`, which needs no address)"
        )
    if settings.webhook_secret is None:
        raise ConfigError(
            "WEBHOOK_SECRET is not set: choose 1-256 letters, digits, _ and -, e.g. the "
            'output of: python3 -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    path = urlsplit(settings.webhook_url).path or "/"
    if path in (HEALTH_PATH, METRICS_PATH):
        raise ConfigError(f"WEBHOOK_URL: its path must not be {path}; use e.g. /telegram")
    return WebhookTarget(settings.webhook_url, path, settings.webhook_secret.get_secret_value())


def update_kind(update: Update) -> str:
    """The ``kind`` label of ``samenspraak_updates_total``."""
    if update.callback_query is not None:
        return "callback_query"
    if update.edited_message is not None:
        return "edited_message"
    message = update.message
    if message is None:
        return "other"
    if message.document is not None:
        return "document"
    if message.text is not None and message.text.startswith("/"):
        return "command"
    return "message"


class WebhookServer:
    """The aiohttp server of one worker. :meth:`start` listens, :meth:`stop` stops listening
    and lets requests in progress end; updates already accepted are the Application's."""

    def __init__(
        self,
        application: Application,  # type: ignore[type-arg]
        services: Services,
        target: WebhookTarget,
        web_door: WebDoor | None = None,
    ) -> None:
        self.application = application
        self.services = services
        self.target = target
        self._secret = target.secret.encode()
        self._accepting = False
        self._serving: Serving | None = None
        # Accepted and not yet handled; beyond the limit Telegram is asked to come back.
        self.pending = 0
        self.max_pending = PENDING_PER_SLOT * services.settings.max_concurrent_updates
        self.app = web.Application(client_max_size=MAX_BODY, middlewares=[track_requests])
        self.app.router.add_post(target.path, self.webhook)
        self.app.router.add_get(HEALTH_PATH, self.health)
        self.app.router.add_get(METRICS_PATH, self.metrics)
        # The public results pages an administrator published (/publiceer).
        self.reports = ReportService(services)
        report_web.add_routes(self.app, lambda: self.reports)
        # The residents' chat pages (the web door, bot.app.webdoor).
        if web_door is not None:
            web_door.add_routes(self.app)

    async def start(self, host: str, port: int) -> None:
        """Listen (:func:`bot.app.listener.listen`);
        :class:`~bot.app.listener.CannotListen` if that is not possible."""
        serving = await listen(self.app, host, port, self.services.settings)
        self._serving = serving
        self._accepting = True
        log.info(
            "listening on http://%s:%s (webhook at %s; at most %d connections, each to "
            "send its request within %g s)",
            host,
            port,
            self.target.path,
            serving.limits.max_connections,
            serving.limits.request_timeout,
        )

    async def stop(self) -> None:
        """Stop listening; requests in progress are answered first (idempotent)."""
        self._accepting = False
        serving, self._serving = self._serving, None
        if serving is not None:
            await serving.stop()
        await self.reports.close()

    # --- the webhook ---------------------------------------------------------------------------

    async def webhook(self, request: web.Request) -> web.Response:
        """One update from Telegram: checked, queued, answered at once."""
        arrived = time.perf_counter()
        given, fault = _secret_token(request)
        if not given or not hmac.compare_digest(given, self._secret):
            # Without the body: it is not trusted, and it may hold a resident's message.
            log.warning(
                "refused a webhook request from %s: %s secret token", request.remote, fault
            )
            return _plain(403, "forbidden")
        if not self._accepting or not self.application.running:
            # Stopping: Telegram (or the load balancer) tries again, perhaps another worker.
            return _plain(503, "stopping", headers={"Retry-After": "1"})
        if request.content_type != "application/json":
            return _plain(400, "expected Content-Type: application/json")
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _plain(413, "request too large")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:  # no (or a false) Content-Length
            return _plain(413, "request too large")
        except web.RequestPayloadError:  # e.g. Content-Encoding: gzip, but not gzip
            return _plain(400, "the body cannot be read")
        try:
            update = self._parse(body)
        except NotAnUpdate as exc:
            # Only with the right secret: Telegram changed, or the secret is known.
            log.warning("refused a webhook request with the secret: %s", exc)
            return _plain(400, f"not a Telegram update: {exc}")
        if self.pending >= self.max_pending:
            # Overloaded: Telegram sends it again later (or the proxy to another worker).
            log.warning(
                "%d updates waiting: update %s refused for now", self.pending, update.update_id
            )
            return _plain(503, "busy", headers={"Retry-After": "1"})
        UPDATES.labels(update_kind(update)).inc()
        self.pending += 1
        turn = Turn()
        task = self.application.create_task(
            self._process(update, arrived, turn),
            update=update,
            name=f"webhook:{update.update_id}",
        )
        # Answer when the update is handled (at most ANSWER_WITHIN s): Telegram sends a
        # chat's next update only after this answer, so one resident's updates keep their
        # order across workers; and an update whose worker dies first comes again.
        try:
            await asyncio.wait_for(asyncio.shield(task), ANSWER_WITHIN)
        except TimeoutError:
            if turn.withdraw():
                # Not even its resident's turn yet (this worker is busy). A 200 now would
                # let Telegram send the resident's next update, another worker could handle
                # it first, and a typed answer would land on another question. So it is
                # withdrawn here (it will not run later, after the next ones) and Telegram
                # sends it again, keeping the resident's next update until then.
                return _plain(503, "waiting for its turn", headers={"Retry-After": "1"})
            # It has the resident's turn and is still being handled: it is ours.
        except Exception:
            # Not handled (the error handler logged it): Telegram sends it again later.
            return _plain(503, "not handled, try again", headers={"Retry-After": "1"})
        return web.Response(status=200)

    def _parse(self, body: bytes) -> Update:
        """The update in ``body``; :class:`NotAnUpdate` when it is not one."""
        data = read_update(body)
        try:
            return Update.de_json(data, self.application.bot)
        except Exception:  # an object with an update_id, but parts PTB cannot read
            raise NotAnUpdate("a shape python-telegram-bot cannot read") from None

    async def _process(self, update: Update, arrived: float, turn: Turn) -> None:
        """What python-telegram-bot's update fetcher does with a queued update, timed;
        ``turn`` says whether it got its resident's turn or was withdrawn first."""
        TURN.set(turn)
        application = self.application
        redeliver = application.bot_data.get(REDELIVER)
        if redeliver is not None:
            redeliver.pop(update.update_id)  # noted by an earlier delivery's failure
        try:
            await application.update_processor.process_update(
                update, application.process_update(update)
            )
            if redeliver is not None and update.update_id in redeliver:
                # The error handler found the database down: 503, Telegram sends it again.
                redeliver.pop(update.update_id)
                raise DatabaseUnavailable(f"update {update.update_id}: the database is down")
        finally:
            self.pending -= 1
            UPDATE_SECONDS.observe(time.perf_counter() - arrived)

    # --- health and metrics --------------------------------------------------------------------

    async def health(self, request: web.Request) -> web.Response:
        """200 when the database answers; 503 when it does not, or when stopping."""
        if not self._accepting:
            return _plain(503, "stopping")
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT), self.services.reports() as db:
                await stats.ping(db)
        except Exception as exc:  # any failure of the database means "not healthy"
            log.warning("health check: the database does not answer (%s)", type(exc).__name__)
            return _plain(503, "database unavailable")
        return _plain(200, "ok")

    async def metrics(self, request: web.Request) -> web.Response:
        """Prometheus text format; the database gauges are refreshed first."""
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT), self.services.reports() as db:
                gauges = await stats.gauges(db)
        except Exception as exc:  # the counters are still worth serving
            log.warning("metrics: the database does not answer (%s)", type(exc).__name__)
        else:
            SESSIONS_ACTIVE.set(gauges.sessions_active)
            BROADCAST_QUEUE.set(gauges.broadcast_queue)
        return web.Response(
            body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )


def _secret_token(request: web.Request) -> tuple[bytes, str]:
    """The secret token the request carries, as bytes, and what is wrong with it if it is
    not the secret: ``no``, ``more than one`` or ``wrong``."""
    values = request.headers.getall(SECRET_HEADER, [])
    if not values or values == [""]:
        return b"", "no"
    if len(values) > 1:  # which one a proxy in between would pass on is not ours to guess
        return b"", "more than one"
    # Header bytes that are not UTF-8 arrive as surrogates: "replace" makes them "?", which
    # the configured secret (letters, digits, _ and -) never contains.
    return values[0].encode("utf-8", "replace"), "wrong"


def _plain(status: int, text: str, *, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, text=text + "\n", headers=headers)
