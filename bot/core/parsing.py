"""Questionnaire files parsed off the event loop, in a worker process of their own.

Reading and validating a large questionnaire (:func:`flows.loader.parse`: pure-Python YAML,
the schema, the validator) takes about a second of CPU for 250 KB. On the event loop that
is a second in which no resident gets an answer: three such uploads made another resident's
/help wait 1-1.5 s. A thread does not help: it holds the GIL, and the event loop, which
gives the GIL up at every system call, gets it back only every switch interval (5 ms) while
the thread runs; measured with three such files, the loop stalled up to a second and 20 of
its turns took 0.8 s. In a separate process the loop is not touched: it stalled at most
0.2 s (the machine's other work), 20 turns took 3 ms.

So a file of more than :data:`INLINE_CHARS` is parsed by one worker process, started on
first use as a fresh interpreter (``spawn``: never a fork of a process that runs threads)
and ended with the services (:meth:`Parser.close`); should the bot's process be killed,
the worker ends within a second by itself. A worker that died (killed, out of memory) is
replaced once. A small file, as every shipped questionnaire is, is parsed in place: 20 ms,
less than handing it over costs.

An upload is also given the B1 check of its Dutch (:func:`parse_and_check`) in the same
place: for a file near the size limit it costs more than half a second of CPU.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path
from typing import TypeVar

from flows import b1
from flows.loader import parse
from flows.schema import Questionnaire

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Characters of a questionnaire parsed on the event loop (a shipped one has 5,000-8,000).
INLINE_CHARS = 16 * 1024
#: Seconds between a worker's checks that the bot's process is still there.
PARENT_CHECK_SECONDS = 1.0


class ParserGone(RuntimeError):
    """The worker process died twice on one file: it was not parsed."""


class Parser:
    """Parses questionnaires like :func:`flows.loader.parse`, large ones in a worker."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._closed = False

    async def parse(self, text: str, source: str, images: Path | None = None) -> Questionnaire:
        """The questionnaire in ``text``; raises :class:`~flows.loader.QuestionnaireError`
        with every problem (or :class:`ParserGone`). ``images``: the folder its images are
        checked in (none checked without it)."""
        return await self._run(partial(parse, images=images), text, source)

    async def check(
        self, text: str, source: str, images: Path | None = None
    ) -> tuple[Questionnaire, list[b1.Part]]:
        """As :meth:`parse`, with what the B1 check found (:func:`parse_and_check`)."""
        return await self._run(partial(parse_and_check, images=images), text, source)

    async def _run(self, work: Callable[[str, str], T], text: str, source: str) -> T:
        """``work(text, source)`` in place for a small file, else in the worker (once more
        in a new worker if it died)."""
        if len(text) <= INLINE_CHARS or self._closed:
            return work(text, source)
        try:
            return await self._in_worker(work, text, source)
        except BrokenProcessPool:
            log.warning("the questionnaire parser process died; starting another")
        try:
            return await self._in_worker(work, text, source)
        except BrokenProcessPool:
            raise ParserGone("the questionnaire parser process died twice") from None

    async def _in_worker(self, work: Callable[[str, str], T], text: str, source: str) -> T:
        pool = self._worker()
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(pool, work, text, source)
        except BrokenProcessPool:
            if self._pool is pool:  # the next file gets a new worker
                self._pool = None
            pool.shutdown(wait=False, cancel_futures=True)
            raise

    def _worker(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_end_with,
                initargs=(os.getpid(),),
            )
        return self._pool

    async def close(self) -> None:
        """End the worker (after the file it is parsing, if any); later files are parsed in
        place."""
        self._closed = True
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)


def parse_and_check(
    text: str, source: str, images: Path | None = None
) -> tuple[Questionnaire, list[b1.Part]]:
    """The questionnaire in ``text`` (its images checked in ``images``, if given) and the B1
    check of its Dutch (:func:`flows.b1.report`)."""
    questionnaire = parse(text, source, images)
    return questionnaire, b1.report(questionnaire)


def _end_with(parent: int) -> None:
    """In the worker: end as soon as the bot's process ``parent`` is gone. A pool's worker
    waits for work on a pipe it holds both ends of, so it would outlive a parent that was
    killed (SIGKILL, out of memory) and never told it to stop."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
