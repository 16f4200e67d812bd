"""Log lines for what anyone on the internet can make happen thousands of times a second
(connections that time out, malformed requests, a process out of file descriptors): one
line per interval, saying how often it happened, instead of one line each.
"""

from __future__ import annotations

import logging
import time

from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.web import RequestPayloadError

#: Seconds between two lines about the same kind of event.
INTERVAL = 60.0


class Throttled:
    """One kind of event, logged at most once per ``interval`` seconds: the first at once,
    later ones counted and reported with the next line."""

    def __init__(
        self,
        logger: logging.Logger,
        message: str,
        *,
        level: int = logging.WARNING,
        interval: float = INTERVAL,
    ) -> None:
        self.logger = logger
        self.message = message
        self.level = level
        self.interval = interval
        self.count = 0  # events since the last line
        self.total = 0
        self._last: float | None = None

    def note(self, *args: object) -> None:
        """It happened (again); ``args`` fill in the message's ``%s``."""
        self.count += 1
        self.total += 1
        now = time.monotonic()
        if self._last is None:
            self.logger.log(
                self.level, self.message + " (more are counted: one line a minute)", *args
            )
        elif now - self._last >= self.interval:
            elapsed = round(now - self._last)
            self.logger.log(
                self.level, self.message + f" ({self.count} times in {elapsed} s)", *args
            )
        else:
            return
        self._last = now
        self.count = 0


class ClientFaults(logging.Filter):
    """aiohttp logs a request that is not valid HTTP, or a body that cannot be read, at ERROR
    with a traceback, each time. Those are the client's faults (anyone can send them): one
    WARNING line a minute with a count instead. Everything else passes unchanged."""

    def __init__(self, logger: logging.Logger) -> None:
        super().__init__()
        self.malformed = Throttled(logger, "refused requests that are not valid HTTP: %s")

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError | RequestPayloadError):
            self.malformed.note(type(error).__name__)
            return False
        # The client went away, or was sent away (too slow): nothing to tell.
        return not isinstance(error, ConnectionResetError | BrokenPipeError)
