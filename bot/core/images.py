"""The images on questions (``image:``, :mod:`flows.images`) as Telegram photos.

Sending (:class:`Pictures`): the first time this process shows an image it uploads the
file (or hands Telegram the https URL, which Telegram fetches itself) and keeps the
``file_id`` the answer holds; every later resident gets the photo by that ``file_id``, with
nothing uploaded again.

The ``file_id`` is kept in memory, per process, on purpose: with several workers each
uploads an image once after it starts (a handful of uploads of a file under 2 MB in a
questionnaire's life), which costs less than a table, a migration and a cache that can go
stale in a database shared by all workers. A ``file_id`` belongs to the bot that got it, and
Telegram may stop knowing it: when sending by ``file_id`` is refused, the file is uploaded
again and the new ``file_id`` kept.

A photo that cannot be sent at all (the file gone, Telegram refusing it, an URL it cannot
fetch) never stops the question: it is asked without the picture, and the failure is logged
once per image per process (then only at debug level, so a broken image does not flood the
log with one line per resident).

Checking (:func:`check_urls`): an https URL is fetched, capped at
:data:`flows.images.MAX_IMAGE_BYTES` and without following redirects, when an
administrator uploads the questionnaire in chat or runs ``questionnaire validate``, so a URL
that answers 404 or is not an image is found then, with the file and line.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from pathlib import Path, PurePosixPath

import aiohttp
from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.core.fetch import FetchFailed, TooBig, download
from flows.images import MAX_IMAGE_BYTES, Media, read, sniff
from flows.loader import Problem, image_problem
from flows.problems import Message, quoted
from flows.schema import Questionnaire

log = logging.getLogger(__name__)

#: Whom to trust when checking https image URLs; None: the system's certificate
#: authorities. Only the tests set it, to trust their own local https server.
TLS: ssl.SSLContext | None = None


class Pictures:
    """Sends the images of questions, each uploaded once per process; ``folder``: where
    the relative paths are read from (QUESTIONNAIRES_DIR)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.file_ids: dict[str, str] = {}
        self._told: set[str] = set()

    async def send(self, bot: Bot, chat_id: int, media: Media) -> bool:
        """Send ``media`` as a photo; False (logged) when it could not be sent. Raises only
        :class:`~telegram.error.Forbidden` (the resident blocked the bot: the question
        cannot go either, and the caller knows what to do about that)."""
        source = media.source
        known = self.file_ids.get(source)
        if known is not None:
            try:
                await bot.send_photo(chat_id, photo=known)
                return True
            except Forbidden:
                raise
            except BadRequest as exc:  # Telegram forgot the file: upload it again
                log.info("photo %s by file_id refused (%s); uploading again", source, exc)
                self.file_ids.pop(source, None)
            except TelegramError as exc:
                self._failed(source, exc)
                return False
        try:
            if media.is_url:
                photo: str | InputFile = source
            else:
                data = await asyncio.to_thread(read, self.folder, source)
                photo = InputFile(data, filename=PurePosixPath(source).name)
            sent = await bot.send_photo(chat_id, photo=photo)
        except Forbidden:
            raise
        except (TelegramError, OSError, ValueError) as exc:
            self._failed(source, exc)
            return False
        if sent.photo:
            self.file_ids[source] = sent.photo[-1].file_id
        return True

    def _failed(self, source: str, exc: Exception) -> None:
        if source in self._told:
            log.debug("could not send the image %s: %s", source, exc)
            return
        self._told.add(source)
        log.warning(
            "could not send the image %s (%s); questions are asked without it",
            source,
            exc.__class__.__name__ if isinstance(exc, OSError) else exc,
        )


async def check_url(url: str) -> Message | None:
    """What is wrong with the https image ``url``: it does not answer 200, holds more than
    :data:`MAX_IMAGE_BYTES` or is not a PNG, JPEG or WebP image; None when it is fine."""
    try:
        data = await download(url, MAX_IMAGE_BYTES, TLS)
    except TooBig:
        reason = Message.of("image.url_big", max=MAX_IMAGE_BYTES // 1024)
    except FetchFailed as exc:
        reason = Message.of("image.url_status", status=exc.status or "?")
    except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
        reason = Message.of("image.url_unreachable", reason=exc.__class__.__name__)
    else:
        if sniff(data[:16]) is not None:
            return None
        reason = Message.of("image.url_not_image")
    return Message.of("image.url_failed", value=quoted(url), reason=reason)


async def check_urls(questionnaire: Questionnaire, text: str, source: str) -> list[Problem]:
    """A problem, at its line, for every https image of ``questionnaire`` (read from
    ``text``) that cannot be used; all fetched at once."""
    wanted = [(q.id, q.image) for q in questionnaire.questions if q.image is not None]
    urls = [(qid, image) for qid, image in wanted if image.startswith("https://")]
    found = await asyncio.gather(*(check_url(image) for _qid, image in urls))
    return [
        image_problem(text, source, qid, message)
        for (qid, _image), message in zip(urls, found, strict=True)
        if message is not None
    ]
