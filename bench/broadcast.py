"""Benchmark: a broadcast to 10,000 residents, killed halfway and restarted.

``python -m bench.broadcast [--recipients N] [--no-kill]``. Samenspraak runs as ``samenspraak
run`` in a child process (SQLite in a temporary folder, or ``BENCH_DATABASE_URL``), with the
default broadcast pace (``BROADCAST_RATE`` 25 a second, one a second per chat) and the
default rate limiter for everything else (30 a second). The fake Bot API enforces Telegram's
30 messages a second with 429s, and 2% of the residents have blocked the bot.

The administrator invites the residents who follow a theme (``/uitnodigen``, then
"Uitnodigen"), exactly as in Telegram. When half the messages have arrived the bot process is
killed with SIGKILL (no clean stop) and started again; it resumes the broadcast. Meanwhile
one resident answers a questionnaire over and over, taking a second (``--think``) to read
each question; the time from each answer to the next question is their reply latency (not
measured while the bot is down).

Afterwards every chat is checked: duplicates (a resident with two copies), skipped residents
(reachable, subscribed, no copy), what the administrator's report says, and the rate
achieved while sending (the restart left out) against the configured rate and the fake's
limit. A message that was being sent at the very moment of the kill is in doubt: it is not
sent again (at most once) and counted apart; the fake tells whether it had arrived.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from statistics import median, quantiles
from typing import Any

from sqlalchemy import insert, select, text

from bench.common import (
    PSEUDONYM_SECRET,
    TOKEN,
    BotProcess,
    bot_env,
    machine,
    samenspraak_executable,
)
from bot.core.services import Pseudonyms
from flows.outcomes import theme_slug
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage.db import create_engine
from storage.models import Contact, Resident, Subscription

ADMIN_ID = 900_001
RESIDENT_ID = 900_002
FIRST_RECIPIENT = 2_000_000
THEME = theme_slug("Afval en containers")
QUESTIONNAIRE = "afvalinzameling"
INVITATION = "Nieuwe vragenlijst:"
CONFIGURED_RATE = 25.0  # BROADCAST_RATE's default
# The shortest way through "Veilig naar school", typed (see tests/e2e/test_conversation.py).
ANSWERS = ["4116", "nee", "5", "2", "nee", "8"]


@dataclass(frozen=True)
class Settings:
    recipients: int = 10_000
    blocked_share: float = 0.02
    flood_limit: float = 30.0  # messages a second the fake allows before answering 429
    kill_at: float | None = 0.5  # share delivered when the bot is killed; None: never
    think: float = 1.0  # seconds the live resident takes to read a question and answer
    database_url: str | None = None  # default: a temporary SQLite file


async def run(settings: Settings) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="samenspraak-broadcast-") as folder:
        workdir = Path(folder)
        url = settings.database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        fake = FakeBotApi(TOKEN)
        await fake.start()
        try:
            return await _run(fake, workdir, url, settings)
        finally:
            await fake.stop()


async def _run(fake: FakeBotApi, workdir: Path, url: str, settings: Settings) -> dict[str, Any]:
    env = bot_env(
        fake,
        url,
        ADMIN_USER_IDS=str(ADMIN_ID),
        RATE_LIMIT_PER_SECOND="30",
        WORKER_NAME="bench-broadcast",  # the restarted worker knows its earlier claims
    )
    argv = [*samenspraak_executable(), "run"]
    admin = fake.user(ADMIN_ID, first_name="Beheerder")
    resident = fake.user(RESIDENT_ID)
    bot = BotProcess("broadcast-1", argv, env, workdir)
    await bot.start(fake)  # migrates and loads the questionnaires

    print(f"seeding {settings.recipients} residents ...", file=sys.stderr, flush=True)
    users = await _seed(fake, url, settings.recipients)
    rng = random.Random(20270301)
    blocked = set(
        rng.sample([u.id for u in users], round(settings.recipients * settings.blocked_share))
    )
    for user_id in blocked:
        fake.block(user_id)
    recipients = {u.id for u in users}

    await _consent(resident)
    fake.set_flood_limit(per_second=settings.flood_limit)
    offer = await admin.ask(f"/uitnodigen {QUESTIONNAIRE}", timeout=60)
    calls_before = len(fake.calls)
    await admin.press("Uitnodigen", message=offer)
    started = time.monotonic()
    started_wall = time.time()

    live = Live(resident, settings.think)
    answering = asyncio.create_task(live.run())
    kill: dict[str, Any] = {}
    try:
        if settings.kill_at is not None:
            target = settings.kill_at * (settings.recipients - len(blocked))
            delivered = Delivered(fake, calls_before, recipients)
            await _until(lambda: delivered() >= target, 3600)
            live.pause()
            bot.popen.kill()  # type: ignore[union-attr]  # SIGKILL: no clean stop
            await asyncio.to_thread(bot.popen.wait)  # type: ignore[union-attr]
            killed_wall = time.time()
            kill["delivered_at_kill"] = delivered()
            print(f"killed at {kill['delivered_at_kill']} delivered; restarting", file=sys.stderr)
            bot = BotProcess("broadcast-2", argv, env, workdir)
            kill["restart_s"] = round(await bot.start(fake), 2)
            kill["downtime_s"] = round(time.time() - killed_wall, 2)
            live.resume()
        await admin.wait_for(lambda: "Klaar" in offer.text, timeout=3600)
        total_s = time.monotonic() - started
    finally:
        live.stop()
        await answering
        fake.set_flood_limit(per_second=None)
        await bot.stop()

    report = offer.text
    calls = fake.calls[calls_before:]
    result = _figures(fake, calls, users, blocked, started_wall, total_s, kill)
    result.update(
        settings=asdict(settings),
        configured_rate=CONFIGURED_RATE,
        admin_report=report,
        progress_edits=sum(
            1
            for c in calls
            if c.method == "editMessageText" and c.params.get("chat_id") == ADMIN_ID
        ),
        resident=live.summary(),
        in_doubt=await _in_doubt(url, fake),
        bot_log=bot.log_summary(),
    )
    return result


class Delivered:
    """Invitations delivered so far, counted from the fake's calls as they come in."""

    def __init__(self, fake: FakeBotApi, since: int, recipients: set[int]) -> None:
        self.fake, self.seen, self.recipients, self.count = fake, since, recipients, 0

    def __call__(self) -> int:
        calls = self.fake.calls
        for call in calls[self.seen :]:
            if call.method == "sendMessage" and call.ok:
                self.count += call.params.get("chat_id") in self.recipients
        self.seen = len(calls)
        return self.count


async def _until(condition: Any, within: float) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the broadcast did not get that far")
        await asyncio.sleep(0.5)


def _figures(
    fake: FakeBotApi,
    calls: list[Any],
    users: list[FakeUser],
    blocked: set[int],
    started_wall: float,
    total_s: float,
    kill: dict[str, Any],
) -> dict[str, Any]:
    recipients = {u.id for u in users}
    sends = [
        c for c in calls if c.method == "sendMessage" and c.params.get("chat_id") in recipients
    ]
    delivered = sorted(c.time for c in sends if c.ok)
    copies = Counter(
        user.id for user in users for m in user.messages if m.text.startswith(INVITATION)
    )
    reachable = recipients - blocked
    duplicates = sum(1 for n in copies.values() if n > 1)
    skipped = sum(1 for user_id in reachable if copies[user_id] == 0)
    # Sending time: from the first to the last delivery, without the restart.
    gap = 0.0
    if kill and delivered:
        gaps = [b - a for a, b in itertools.pairwise(delivered)]
        gap = max(gaps) if gaps else 0.0
    sending_s = (delivered[-1] - delivered[0] - gap) if len(delivered) > 1 else 0.0
    rate = len(delivered) / sending_s if sending_s else 0.0
    flooded = sum(1 for c in calls if c.error_code == 429)
    return {
        "recipients": len(recipients),
        "blocked": len(blocked),
        "delivered": len(delivered),
        "duplicates": duplicates,
        "skipped": skipped,
        "forbidden_answers": sum(1 for c in sends if c.error_code == 403),
        "flood_429_answers": flooded,
        "total_s": round(total_s, 1),
        "first_delivery_after_s": round(delivered[0] - started_wall, 2) if delivered else None,
        "sending_s": round(sending_s, 1),
        "restart_gap_s": round(gap, 1),
        "messages_per_second": round(rate, 2),
        "share_of_configured_rate": round(rate / CONFIGURED_RATE, 3),
        "share_of_telegram_limit": round(rate / 30.0, 3),
        **kill,
    }


async def _seed(fake: FakeBotApi, url: str, count: int) -> list[FakeUser]:
    """Residents who consented and follow the theme, put straight into the database."""
    pseudonyms = Pseudonyms(PSEUDONYM_SECRET.encode())
    users = [fake.user(FIRST_RECIPIENT + i) for i in range(count)]
    engine = create_engine(url)
    now = datetime.now(UTC)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(Resident),
                [
                    {
                        "pseudonym": pseudonyms.of(u.id),
                        "language": "nl",
                        "consent": "given",
                        "consent_at": now,
                        "created_at": now,
                    }
                    for u in users
                ],
            )
            ids = {
                pseudonym: resident_id
                for resident_id, pseudonym in await connection.execute(
                    select(Resident.id, Resident.pseudonym)
                )
            }
            chats = [(ids[pseudonyms.of(u.id)], u.id) for u in users]
            await connection.execute(
                insert(Contact), [{"resident_id": r, "chat_id": c} for r, c in chats]
            )
            await connection.execute(
                insert(Subscription),
                [
                    {"resident_id": r, "kind": "invitations", "topic": THEME, "created_at": now}
                    for r, _ in chats
                ],
            )
    finally:
        await engine.dispose()
    return users


async def _in_doubt(url: str, fake: FakeBotApi) -> dict[str, int]:
    """Rows given up after the kill, and how many of those had in fact arrived."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    text(
                        "SELECT contacts.chat_id FROM outbox JOIN contacts "
                        "ON contacts.resident_id = outbox.resident_id "
                        "WHERE outbox.status = 'failed' AND outbox.error = 'interrupted'"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    arrived = sum(
        1
        for (chat_id,) in rows
        if any(m.text.startswith(INVITATION) for m in fake.chat(int(chat_id)).bot_messages)
    )
    return {"given_up": len(rows), "had_arrived": arrived}


async def _consent(resident: FakeUser) -> None:
    welcome = await resident.ask("/start", timeout=30)
    await resident.press(welcome.buttons[0][0], message=welcome)
    await resident.next_messages(2, timeout=30)  # "Fijn dat je meedoet!" and the list


class Live:
    """One resident answering "Veilig naar school" again and again during the broadcast."""

    def __init__(self, user: FakeUser, think: float) -> None:
        self.user = user
        self.think = think
        self.latencies: list[float] = []
        self.rounds = 0
        self._running = True
        self._go = asyncio.Event()
        self._go.set()

    def pause(self) -> None:
        self._go.clear()

    def resume(self) -> None:
        self._go.set()

    def stop(self) -> None:
        self._running = False
        self._go.set()

    async def run(self) -> None:
        user = self.user
        while self._running:
            await self._go.wait()
            try:
                await self._round(user)
            except TimeoutError:
                continue  # the bot was killed under our hands: start the round again

    async def _round(self, user: FakeUser) -> None:
        user.drain()
        first = await user.ask("/start schoolroutes", timeout=30)
        if first.buttons and first.buttons[0][0] == "Ja, aanpassen":
            await user.press("Ja, aanpassen", message=first)
            await user.next_messages(2, timeout=30)  # the intro, the first question
        else:  # the intro (or "Welkom terug") came first, the question follows
            await user.next_message(timeout=30)
        user.drain()
        for typed in ANSWERS:
            await asyncio.sleep(self.think)
            if not self._running or not self._go.is_set():
                return
            began = time.monotonic()
            reply: BotMessage = await user.ask(typed, timeout=30)
            if self._go.is_set():
                self.latencies.append(time.monotonic() - began)
            if reply.text.startswith("Klaar"):
                break
        self.rounds += 1
        user.drain()

    def summary(self) -> dict[str, Any]:
        values = sorted(self.latencies)
        if len(values) < 2:
            return {"answers": len(values)}
        cuts = quantiles(values, n=100, method="inclusive")
        return {
            "answers": len(values),
            "rounds": self.rounds,
            "reply_latency_p50_ms": round(1000 * median(values), 1),
            "reply_latency_p95_ms": round(1000 * cuts[94], 1),
            "reply_latency_max_ms": round(1000 * values[-1], 1),
        }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Run with the command line's settings; the figures as a dict (also printed)."""
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast", description=__doc__)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--no-kill", action="store_true", help="do not kill the bot halfway")
    parser.add_argument("--think", type=float, default=1.0, help="the live resident's pause, s")
    args = parser.parse_args(argv)
    settings = Settings(
        recipients=args.recipients,
        kill_at=None if args.no_kill else 0.5,
        think=args.think,
        database_url=os.environ.get("BENCH_DATABASE_URL") or None,
    )
    result = asyncio.run(run(settings))
    result["machine"] = machine()
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return result


if __name__ == "__main__":
    figures = main()
    sys.exit(0 if figures["duplicates"] == 0 and figures["skipped"] == 0 else 1)
