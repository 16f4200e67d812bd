"""The web chat's live updates: ``GET /events``, server-sent events to every open page.

Each page gets its own bounded queue; a page that stops reading is dropped (it reconnects
and loads the chats again), so one stalled tab never holds the sandbox up.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from aiohttp import web

from sandbox.models import JsonDict, dumps

__all__ = ["EventStream"]

#: Events a page may fall behind by before it is dropped.
_QUEUE = 2000
#: Seconds between keep-alive comments on a quiet stream.
_KEEPALIVE = 15.0


class EventStream:
    """The open ``/events`` streams, and what is sent on them."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[str | None]] = set()

    def broadcast(self, payload: JsonDict) -> None:
        """Push an event to every open stream."""
        line = f"data: {dumps(payload)}\n\n"
        for queue in list(self._queues):
            try:
                queue.put_nowait(line)
            except asyncio.QueueFull:  # a stalled page: drop it, it reconnects and resyncs
                self._queues.discard(queue)
                with contextlib.suppress(asyncio.QueueFull):
                    queue.put_nowait(None)

    async def close(self) -> None:
        """End every stream (the pages reconnect when the server is back)."""
        for queue in list(self._queues):
            try:
                queue.put_nowait(None)
            except asyncio.QueueFull:
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
                queue.put_nowait(None)
        self._queues.clear()

    async def serve(
        self, request: web.Request, hello: Callable[[], JsonDict]
    ) -> web.StreamResponse:
        """One page's stream: ``hello()`` first (the state it starts from), then every
        broadcast until the page goes away."""
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-cache, no-store",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        queue: asyncio.Queue[str | None] = asyncio.Queue(_QUEUE)
        self._queues.add(queue)
        try:
            await response.write(f"retry: 1000\ndata: {dumps(hello())}\n\n".encode())
            while True:
                try:
                    line = await asyncio.wait_for(queue.get(), _KEEPALIVE)
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                if line is None:
                    break
                await response.write(line.encode())
        except (ConnectionError, RuntimeError):
            pass  # the page went away
        finally:
            self._queues.discard(queue)
        return response
