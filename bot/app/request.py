"""python-telegram-bot's HTTP layer on aiohttp (already a dependency) instead of httpx.

Every Bot API call goes through ``BaseRequest.do_request``. With PTB's default
``HTTPXRequest`` that costs about as much CPU as the rest of handling an update (httpx,
httpcore and anyio, and a failed ``import sniffio`` inside httpcore on every call when
sniffio is not installed); aiohttp's C-accelerated client does the same for much less.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.core.metrics import TELEGRAM_ERRORS

_JSON = {"Content-Type": "application/json"}


def _seconds(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


class AiohttpRequest(BaseRequest):
    """A :class:`telegram.request.BaseRequest` with an ``aiohttp.ClientSession``.

    Timeouts as in ``HTTPXRequest``: ``connect_timeout`` to connect, ``read_timeout``
    between bytes read, ``pool_timeout`` to wait for a free connection (aiohttp has no
    separate write timeout: ``write_timeout`` is not used).
    """

    def __init__(
        self,
        connection_pool_size: int = 1,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._limit = connection_pool_size
        self._read = read_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._limit),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        connect = _seconds(connect_timeout, self._connect)
        pool = _seconds(pool_timeout, self._pool)
        timeout = aiohttp.ClientTimeout(
            total=None,
            # aiohttp's "connect" covers waiting for a pooled connection and connecting.
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=_seconds(read_timeout, self._read),
        )
        data: aiohttp.FormData | bytes | None = None
        headers: dict[str, str] | None = None
        if request_data is not None and request_data.contains_files:
            form = aiohttp.FormData(request_data.json_parameters)
            for name, (filename, content, *rest) in request_data.multipart_data.items():
                form.add_field(
                    name, content, filename=filename, content_type=rest[0] if rest else None
                )
            data = form
        elif request_data is not None:
            # A JSON body (the Bot API takes one): a single json.dumps of the parameters,
            # where a form would first encode each nested value and then percent-encode all.
            data = json.dumps(request_data.parameters, ensure_ascii=False).encode()
            headers = _JSON
        try:
            async with self._session.request(
                method, url, data=data, headers=headers, timeout=timeout
            ) as response:
                status, payload = response.status, await response.read()
        except TimeoutError as err:
            TELEGRAM_ERRORS.labels(code="network").inc()
            raise TimedOut from err
        except aiohttp.ClientError as err:
            TELEGRAM_ERRORS.labels(code="network").inc()
            # The message may hold the URL, and the URL holds the token: the class name only.
            raise NetworkError(f"aiohttp.{err.__class__.__name__}") from err
        if status >= 400:
            TELEGRAM_ERRORS.labels(code=str(status)).inc()
        return status, payload


log = logging.getLogger(__name__)

#: Pauses before calling the Bot API again after a server error (5xx), a timeout or a
#: dropped connection: a short one, then a longer one (backoff).
RETRY_DELAYS = (0.2, 1.0)
#: Seconds to wait for the Bot API's answer (between bytes read) before trying again.
READ_TIMEOUT = 5.0


def _method(url: str) -> str:
    """The Bot API method of a request URL (the URL also holds the token: never log it)."""
    return url.rsplit("/", 1)[-1]


class RetryingRequest(AiohttpRequest):
    """Calls the Bot API again, a few times, when the call failed on the way.

    Telegram answers 500/502 now and then, and a connection can time out or drop. A handler
    talks to Telegram only after its unit of work is committed, so without a retry the
    resident's answer is stored but the next question never arrives: they get an apology
    and type their answer again, which then counts for the next question.

    Retried: answers 5xx, timeouts (``TimedOut``) and network errors (``NetworkError``:
    refused or dropped connections). Not retried: 4xx, which another try would not change
    (a 429 ``RetryAfter`` is waited out by the rate limiter). A call that timed out may
    have reached Telegram after all, so a retry can, rarely, show a message twice; losing
    the next question would be worse.
    """

    def __init__(self, *args: Any, delays: tuple[float, ...] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("read_timeout", READ_TIMEOUT)
        super().__init__(*args, **kwargs)
        self.delays = delays  # None: RETRY_DELAYS

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        kwargs = {
            "read_timeout": read_timeout,
            "write_timeout": write_timeout,
            "connect_timeout": connect_timeout,
            "pool_timeout": pool_timeout,
        }
        for delay in RETRY_DELAYS if self.delays is None else self.delays:
            try:
                code, payload = await super().do_request(url, method, request_data, **kwargs)
            except (TimedOut, NetworkError) as err:  # TimedOut is a NetworkError
                reason = "timed out" if isinstance(err, TimedOut) else f"failed ({err})"
            else:
                if code < 500:
                    return code, payload
                reason = f"answered {code}"
            log.warning("Bot API %s %s; trying again in %g s", _method(url), reason, delay)
            await asyncio.sleep(delay)
        return await super().do_request(url, method, request_data, **kwargs)
