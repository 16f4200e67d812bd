"""``samenspraak serve``: the bot behind its own web server, for Telegram's webhook.

Any number of these processes can share one PostgreSQL database behind a load balancer;
``samenspraak run`` (long polling, one process) stays the simple default.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from bot.app import heap
from bot.core.config import Settings, load_settings

log = logging.getLogger("samenspraak")


def add_arguments(parser: argparse.ArgumentParser) -> None:
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
        help="webhook requests Telegram may send at the same time, 1-100 (default 40)",
    )


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return int(text)


def _connections(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number from 1 to 100")
    return int(text)


async def _serve(settings: Settings, args: argparse.Namespace) -> None:
    from bot.app.application import DEFAULT_MAX_CONNECTIONS, run_webhook
    from bot.core.services import build_services

    services = await build_services(settings)
    log.info("%d questionnaire(s) loaded", len(services.catalog))
    heap.settle()  # start-up is done: what it loaded stays
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await run_webhook(
            services,
            stop,
            host=args.host,
            port=args.port,
            max_connections=args.max_connections or DEFAULT_MAX_CONNECTIONS,
        )
    finally:
        await services.close()


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.app.cli import _fail, setup_logging
    from bot.app.webhook import CannotListen, webhook_target

    settings = load_settings()
    settings.token  # noqa: B018 - fail early, with the BotFather hint, when it is missing
    webhook_target(settings)  # WEBHOOK_URL and WEBHOOK_SECRET, before anything starts
    from telegram.error import BadRequest, InvalidToken, NetworkError

    from flows.loader import QuestionnaireError
    from storage.repo import ChangedVersionError

    setup_logging(settings.log_level)
    try:
        asyncio.run(_serve(settings, args))
    except QuestionnaireError as exc:
        return _fail("a questionnaire is not valid; the bot does not start.\n" + str(exc))
    except ChangedVersionError as exc:
        return _fail(str(exc))
    except InvalidToken:  # its message contains the token: not shown
        return _fail(
            f"{settings.telegram_api_url} does not accept TELEGRAM_BOT_TOKEN; copy the token "
            "again from @BotFather (or send /revoke there for a new one)"
        )
    except BadRequest as exc:  # setWebhook refused the address or the secret
        return _fail(f"Telegram does not accept WEBHOOK_URL: {exc.message}")
    except NetworkError as exc:
        reason = str(exc).replace(settings.token, "<token>")
        return _fail(f"cannot reach the Bot API at {settings.telegram_api_url}: {reason}", 1)
    except CannotListen as exc:
        return _fail(str(exc), 1)
    return 0
