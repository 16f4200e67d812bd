"""``samenspraak run`` (long polling, one process) and ``samenspraak serve`` (the webhook
server; any number of them can share one PostgreSQL database behind a load balancer).

Both start the same way (migrate, load the questionnaires, settle the heap, stop cleanly on
Ctrl-C or SIGTERM) and fail the same way: one line saying what to do.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from bot.app import heap, plugins
from bot.app.console import fail, setup_logging
from bot.core.config import Settings, load_settings
from bot.core.services import Services

log = logging.getLogger("samenspraak")

#: What runs the bot once its services are built, until ``stop`` is set.
Runner = Callable[[Services, asyncio.Event], Awaitable[None]]


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``samenspraak run``."""
    parser.add_argument(
        "--or-sandbox",
        action="store_true",
        help="without TELEGRAM_BOT_TOKEN, start the sandbox instead (what `make run` does)",
    )


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``samenspraak serve``."""
    parser.add_argument("--host", metavar="ADDRESS", help="listen on this address (HTTP_HOST)")
    parser.add_argument(
        "--port", type=_port, metavar="PORT", help="listen on this port (HTTP_PORT)"
    )
    parser.add_argument(
        "--max-connections",
        type=_connections,
        default=None,
        metavar="N",
        help="webhook requests Telegram may send at the same time, 1-100 (default 40); "
        "the connections the server holds at most are HTTP_MAX_CONNECTIONS",
    )


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return int(text)


def _connections(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 1 to 100")
    return int(text)


def cmd_run(args: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.telegram_bot_token is None and args.or_sandbox:
        return _sandbox_instead()
    from bot.app.application import run_polling

    async def run(services: Services, stop: asyncio.Event) -> None:
        # The residents' chat pages (the web door) on HTTP_HOST:HTTP_PORT meanwhile.
        await run_polling(services, stop, web_at=(settings.http_host, settings.http_port))

    return _start(settings, run)


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.app.listener import CannotListen
    from bot.app.webhook import webhook_target

    settings = load_settings()
    settings.token  # noqa: B018 - fail early, with the BotFather hint, when it is missing
    webhook_target(settings)  # WEBHOOK_URL and WEBHOOK_SECRET, before anything starts
    from telegram.error import BadRequest

    from bot.app.application import DEFAULT_MAX_CONNECTIONS, run_webhook

    async def serve(services: Services, stop: asyncio.Event) -> None:
        await run_webhook(
            services,
            stop,
            host=args.host,
            port=args.port,
            max_connections=args.max_connections or DEFAULT_MAX_CONNECTIONS,
        )

    try:
        return _start(settings, serve)
    except BadRequest as exc:  # setWebhook refused the address or the secret
        return fail(f"Telegram does not accept WEBHOOK_URL: {exc.message}")
    except CannotListen as exc:
        return fail(str(exc), 1)


def _sandbox_instead() -> int:
    """``make run`` without a token: the sandbox, where this installation has it."""
    sandbox = plugins.find("sandbox")
    if sandbox is None:
        return fail(
            "no TELEGRAM_BOT_TOKEN configured, and the sandbox is not part of this "
            "installation (it comes with a source checkout); put TELEGRAM_BOT_TOKEN=... "
            "from @BotFather in .env"
        )
    print(
        "No TELEGRAM_BOT_TOKEN configured: starting the SANDBOX (a local imitation of "
        "Telegram). To run for real, put TELEGRAM_BOT_TOKEN=... from @BotFather in .env "
        "and run `make run` again.",
        flush=True,
    )
    parser = argparse.ArgumentParser(prog=f"samenspraak {sandbox.name}")
    sandbox.add_arguments(parser)
    return sandbox.run(parser.parse_args([]))


def _start(settings: Settings, runner: Runner) -> int:
    """Run the bot with ``runner`` until a signal; the exit status, with one line on failure."""
    settings.token  # noqa: B018 - fail early, with the BotFather hint, when it is missing
    from telegram.error import InvalidToken, NetworkError

    from flows.loader import QuestionnaireError
    from storage.admin import ChangedVersionError

    setup_logging(settings.log_level, settings.log_libraries)
    try:
        asyncio.run(_until_stopped(settings, runner))
    except QuestionnaireError as exc:
        return fail("a questionnaire is not valid; the bot does not start.\n" + str(exc))
    except ChangedVersionError as exc:
        return fail(str(exc))
    except InvalidToken:  # its message contains the token: not shown
        return fail(
            f"{settings.telegram_api_url} does not accept TELEGRAM_BOT_TOKEN; copy the token "
            "again from @BotFather (or send /revoke there for a new one)"
        )
    except NetworkError as exc:
        reason = str(exc).replace(settings.token, "<token>")
        return fail(f"cannot reach the Bot API at {settings.telegram_api_url}: {reason}", 1)
    return 0


async def _until_stopped(settings: Settings, runner: Runner) -> None:
    from bot.core.services import build_services

    services = await build_services(settings)
    log.info("%d questionnaire(s) loaded", len(services.catalog))
    heap.settle()  # start-up is done: what it loaded stays
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await runner(services, stop)
    finally:
        await services.close()
