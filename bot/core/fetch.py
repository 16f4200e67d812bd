"""Files from Telegram, streamed and never read past a limit.

python-telegram-bot reads a file whole into memory before anyone can look at its size, and
the size Telegram states (in the message, in ``getFile``) is only what it says: against a
self-hosted Bot API server (TELEGRAM_API_URL) files go up to 2 GB. :func:`fetch` refuses a
stated size over the limit before downloading, then reads the download in chunks and hangs
up as soon as it holds more than the limit. Every file the bot takes from Telegram comes
through here.
"""

from __future__ import annotations

import ssl

import aiohttp
from telegram import Bot
from telegram.error import TelegramError

#: Bytes read at a time.
CHUNK_BYTES = 64 * 1024
#: Seconds to connect, between two chunks, and for the whole download.
TIMEOUT = aiohttp.ClientTimeout(total=60, sock_connect=10, sock_read=10)


class TooBig(Exception):
    """The file holds more than the limit; ``size``: the size Telegram stated, or None when
    that was within the limit and the download went on past it."""

    def __init__(self, size: int | None) -> None:
        super().__init__(f"larger than allowed ({size if size is not None else 'unknown'})")
        self.size = size


class FetchFailed(Exception):
    """The file could not be fetched (the message never holds the URL, which holds the
    token); ``status``: the HTTP status that was answered instead of 200, if that was it."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


async def fetch(bot: Bot, file_id: str, limit: int) -> bytes:
    """The contents of ``file_id``, at most ``limit`` bytes; raises :class:`TooBig` or
    :class:`FetchFailed`."""
    try:
        file = await bot.get_file(file_id)
    except TelegramError as exc:
        raise FetchFailed(f"getFile failed: {exc.__class__.__name__}") from exc
    if file.file_size is not None and file.file_size > limit:
        raise TooBig(file.file_size)
    if not file.file_path:
        raise FetchFailed("getFile gave no file_path")
    try:
        return await download(file.file_path, limit)
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        raise FetchFailed(f"download failed: {exc.__class__.__name__}") from None


async def download(url: str, limit: int, tls: ssl.SSLContext | None = None) -> bytes:
    """What ``url`` answers, read chunk by chunk; the connection is closed (not read to its
    end) once more than ``limit`` bytes came. Redirects are not followed. Raises
    :class:`TooBig`, :class:`FetchFailed` (not 200), aiohttp's errors or TimeoutError.
    ``tls``: whom to trust for https (None: the system's certificate authorities)."""
    data = bytearray()
    async with (
        aiohttp.ClientSession(timeout=TIMEOUT) as http,
        http.get(url, allow_redirects=False, ssl=tls if tls is not None else True) as response,
    ):
        if response.status != 200:
            raise FetchFailed(f"download answered {response.status}", response.status)
        if response.content_length is not None and response.content_length > limit:
            response.close()
            raise TooBig(response.content_length)
        async for chunk in response.content.iter_chunked(CHUNK_BYTES):
            data += chunk
            if len(data) > limit:
                response.close()
                raise TooBig(None)
    return bytes(data)
