"""The pictures of questions (``image:``, :mod:`flows.images`) on the web door's chat page,
served by this server at ``/praat/<questionnaire>/beeld/<key>``.

The page never loads anything from another site (its Content-Security-Policy allows images
from itself only), so a picture given as an https URL is fetched by the server, once per
process and capped at :data:`flows.images.MAX_IMAGE_BYTES` (as ``questionnaire validate``
fetched it), and kept in memory with the local files read before. The resident's browser
talks to this server alone: the other site never learns who looked.

Only the pictures of a questionnaire's own questions (of any version the bot holds: a
resident still answering an older version sees its pictures) can be asked for, by the key
:func:`bot.app.webdoor_page.picture_key` made of their source; any other name is not found.
What comes back must say PNG, JPEG or WebP in its first bytes.

Anyone can ask for a picture, so asking costs at most one fetch per picture at a time:
requests that arrive while it is being read or fetched wait for that one (they share it),
and a picture that could not be had is not tried again for :data:`FAILED_SECONDS`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import aiohttp

from bot.app.webdoor_page import picture_key
from bot.core import images
from bot.core.fetch import FetchFailed, TooBig, download
from bot.core.recent import Recent
from bot.core.services import Services
from flows.images import MAX_IMAGE_BYTES, read, sniff

log = logging.getLogger(__name__)

#: Pictures a process keeps in memory (each at most MAX_IMAGE_BYTES).
KEPT_PICTURES = 32
#: How long a picture that could not be had (a 404, no image, a file gone) is not tried
#: again: until then the question shows without it, and nobody can make this server fetch
#: it over and over.
FAILED_SECONDS = 300.0
#: Pictures whose failure a process remembers.
KEPT_FAILURES = 1024
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}

Picture = tuple[bytes, str]


class WebPictures:
    """Finds, reads (or fetches) and keeps the pictures the chat pages show."""

    def __init__(self, services: Services, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.services = services
        self.clock = clock
        self._kept: Recent[str, Picture] = Recent(KEPT_PICTURES)
        self._failed_until: Recent[str, float] = Recent(KEPT_FAILURES)
        self._loading: dict[str, asyncio.Task[Picture | None]] = {}  # one at a time each
        self._told: set[str] = set()

    def source(self, questionnaire: str, key: str) -> str | None:
        """The ``image:`` of one of the questionnaire's questions whose key is ``key``."""
        for found in self.services.catalog.parsed().values():
            if found.id != questionnaire:
                continue
            for question in found.questions:
                if question.image is not None and picture_key(question.image) == key:
                    return question.image
        return None

    async def picture(self, questionnaire: str, key: str) -> Picture | None:
        """The picture's bytes and content type; None when there is no such picture or it
        cannot be had (then the question shows without it; logged once per picture)."""
        source = self.source(questionnaire, key)
        if source is None:
            return None
        kept = self._kept.get(source)
        if kept is not None:
            return kept
        until = self._failed_until.get(source)
        if until is not None and self.clock() < until:
            return None
        loading = self._loading.get(source)
        if loading is None:  # the first to ask: the others wait for the same
            loading = asyncio.create_task(self._load(source))
            self._loading[source] = loading
            loading.add_done_callback(lambda _done: self._loading.pop(source, None))
        # (shielded: a browser that goes away does not stop the others' picture)
        return await asyncio.shield(loading)

    async def _load(self, source: str) -> Picture | None:
        try:
            if source.startswith("https://"):
                data = await download(source, MAX_IMAGE_BYTES, images.TLS)
            else:
                folder = self.services.settings.questionnaires_dir
                data = await asyncio.to_thread(read, folder, source)
        except (FetchFailed, TooBig, aiohttp.ClientError, TimeoutError, OSError, ValueError) as e:
            self._failed(source, e)
            return None
        kind = sniff(data[:16])
        if kind is None:
            self._failed(source, ValueError("not a PNG, JPEG or WebP image"))
            return None
        found = (data, CONTENT_TYPES[kind])
        self._kept.put(source, found)
        self._failed_until.pop(source)
        return found

    def _failed(self, source: str, exc: Exception) -> None:
        self._failed_until.put(source, self.clock() + FAILED_SECONDS)
        level = logging.DEBUG if source in self._told else logging.WARNING
        self._told.add(source)
        log.log(level, "the chat page cannot show the image %s (%s)", source, type(exc).__name__)
