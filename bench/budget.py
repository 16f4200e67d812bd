"""``python -m bench budget``: 1, 2 and 3 ``samenspraak serve`` workers on one PostgreSQL
database (``BENCH_DATABASE_URL``, a database of their own per run) behind a round-robin
front, at Telegram's real cap (``RATE_LIMIT_PER_SECOND=30``, ``BROADCAST_RATE=30``), while a
broadcast goes out and residents ask for ``/help`` now and then.

The fake Bot API limits like Telegram (30 sending calls a second, a token bucket) and counts
every sending call. Per worker count: sent per second over the broadcast (all sending calls,
replies included, from the broadcast's first message to its last), the most in any rolling
second, 429s, and the time from a resident's message to the bot's reply (p50, p99).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from statistics import median, quantiles
from typing import Any

from bench.common import TOKEN, bot_env
from bench.webhook import _database
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from tests.e2e.fronts import SpreadingFront
from tests.support.ports import reserve_port
from tests.support.processes import ServeWorker, healthy
from tests.support.sending import most_in_a_second, seed_broadcast, sending

CAP = 30
SECRET = "bench-budget-secret"


@dataclass(frozen=True)
class Settings:
    workers: tuple[int, ...] = (1, 2, 3)
    recipients: int = 1200  # 40 s at the cap
    residents: int = 20  # asking /help every PAUSE seconds meanwhile
    pause: float = 2.0


async def one(admin_url: str, workers: int, settings: Settings) -> dict[str, Any]:
    fake = FakeBotApi(TOKEN)
    await fake.start()
    stack = contextlib.ExitStack()
    ports = [stack.enter_context(reserve_port()) for _ in range(workers)]
    front = SpreadingFront([p.url for p in ports])
    await front.start()
    children: list[ServeWorker] = []
    try:
        async with _database(admin_url) as url:
            env = bot_env(
                fake,
                url,
                WEBHOOK_URL=front.webhook_url,
                WEBHOOK_SECRET=SECRET,
                RATE_LIMIT_PER_SECOND=str(CAP),
                BROADCAST_RATE=str(CAP),
                JOBS_INTERVAL="1",
            )
            workdir = Path(tempfile.mkdtemp(prefix="bench-budget-"))
            for n, port in enumerate(ports, 1):
                children.append(ServeWorker(f"worker-{n}", port.port, env, workdir))
            stack.close()  # the workers take the ports now
            children[0].launch()
            await children[0].wait_until(healthy(children[0].url), within=180)
            for child in children[1:]:
                child.launch()
            for child in children[1:]:
                await child.wait_until(healthy(child.url), within=180)
            fake.set_flood_limit(per_second=CAP)
            recipients = [
                fake.user(first_name=f"Ontvanger {i}") for i in range(settings.recipients)
            ]
            talkers = [fake.user(first_name=f"Inwoner {i}") for i in range(settings.residents)]
            began = time.time()
            await seed_broadcast(url, recipients, prefix="bench")
            done = asyncio.Event()
            latencies: list[float] = []

            async def talk(user: FakeUser, offset: float) -> None:
                await asyncio.sleep(offset)
                while not done.is_set():
                    asked = time.monotonic()
                    with contextlib.suppress(TimeoutError):
                        await user.ask("/help", timeout=30)
                        latencies.append(time.monotonic() - asked)
                    await asyncio.sleep(settings.pause)

            lags: list[float] = []
            watching = asyncio.ensure_future(_watch_lag(done, lags))
            pause = settings.pause / settings.residents
            chatting = [asyncio.ensure_future(talk(u, i * pause)) for i, u in enumerate(talkers)]
            chats = {u.id for u in recipients}
            deadline = time.monotonic() + settings.recipients / CAP * 3 + 60
            while (
                sum(
                    1
                    for c in fake.calls
                    if c.ok and c.params.get("chat_id") in chats and sending(c)
                )
                < settings.recipients
            ):
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.5)
            done.set()
            await asyncio.gather(*chatting, watching)
            for child in children:
                await child.stop()
    finally:
        for child in children:
            child.kill()
        stack.close()
        await front.stop()
        await fake.stop()
    calls = [c for c in fake.calls if sending(c) and c.time >= began]
    news = sorted(c.time for c in calls if c.ok and c.params.get("chat_id") in chats)
    first, last = news[0], news[-1]
    window = [c.time for c in calls if first <= c.time <= last and c.ok]
    copies: dict[object, int] = {}
    for c in calls:
        if c.ok and c.params.get("chat_id") in chats:
            copies[c.params["chat_id"]] = copies.get(c.params["chat_id"], 0) + 1
    cuts = quantiles(latencies, n=100) if len(latencies) >= 2 else [0.0] * 99
    return {
        "workers": workers,
        "broadcast_messages": len(news),
        "duplicates": sum(n - 1 for n in copies.values() if n > 1),
        # Not sent when the run's deadline (three times the time at the cap, plus a minute)
        # came: a slow machine, not a message given up (the outbox still has them).
        "not_sent_by_deadline": settings.recipients - len(copies),
        "sent_per_second": round(len(window) / (last - first), 2),
        "share_of_cap": round(len(window) / (last - first) / CAP, 3),
        "most_in_a_rolling_second": most_in_a_second(window),
        "responses_429": sum(1 for c in calls if c.error_code == 429),
        "replies": len(latencies),
        "reply_p50_s": round(median(latencies), 3) if latencies else None,
        "reply_p99_s": round(cuts[98], 3),
        # How late this process's event loop (the fake's) woke up: a call that arrives
        # while it is busy is stamped late, and the calls after it then look crowded.
        "fake_loop_lag_max_s": round(max(lags, default=0.0), 3),
        "fake_loop_lags_over_40ms": sum(1 for lag in lags if lag > 0.04),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


async def _watch_lag(done: asyncio.Event, lags: list[float], every: float = 0.01) -> None:
    """Note how late each wake-up of this event loop is, until ``done``."""
    while not done.is_set():
        asked = time.monotonic()
        await asyncio.sleep(every)
        lags.append(time.monotonic() - asked - every)


async def run(settings: Settings) -> dict[str, Any]:
    admin_url = os.environ.get("BENCH_DATABASE_URL")
    if not admin_url:
        return {"skipped": "needs BENCH_DATABASE_URL (PostgreSQL)"}
    rounds = [await one(admin_url, n, settings) for n in settings.workers]
    return {"settings": asdict(settings), "cap": CAP, "rounds": rounds}


if __name__ == "__main__":
    import json

    print(json.dumps(asyncio.run(run(Settings())), indent=2))
