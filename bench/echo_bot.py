"""The baseline: a minimal python-telegram-bot echo bot with the same PTB settings as
Samenspraak (concurrent updates, the same connection pool, no rate limiter, long polling).

Run as ``python -m bench.echo_bot``; reads TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL,
MAX_CONCURRENT_UPDATES (default 256) and LOG_LEVEL. Stops cleanly on SIGTERM or SIGINT.
"""

from __future__ import annotations

import logging
import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    await context.bot.send_message(message.chat_id, message.text)


def build() -> Application:  # type: ignore[type-arg]
    api = os.environ["TELEGRAM_API_URL"].rstrip("/")
    application = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .concurrent_updates(int(os.environ.get("MAX_CONCURRENT_UPDATES", "256")))
        .connection_pool_size(64)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return application


def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"))
    logging.getLogger("httpx").setLevel(logging.WARNING)
    build().run_polling(allowed_updates=[Update.MESSAGE], timeout=10, drop_pending_updates=True)


if __name__ == "__main__":
    main()
