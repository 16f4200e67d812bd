"""Benchmark 1: conversation throughput, closed loop, against an echo-bot baseline.

Samenspraak runs as ``samenspraak run`` in a child process (SQLite in a temporary folder, no
rate limiter); the fake Bot API and the simulated residents run here. Each resident waits
for the bot's reply before the next step. After a warm-up, the answers confirmed in a fixed
window give answers per second. Then a minimal python-telegram-bot echo bot (also a child
process, same PTB settings) is measured against the same fake: messages per second.
Afterwards every answer a resident saw confirmed must be in the database.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

from bench import profile
from bench.common import (
    PSEUDONYM_SECRET,
    ROOT,
    TOKEN,
    BotProcess,
    CpuProbe,
    bot_env,
    mib,
    samenspraak_executable,
)
from bench.residents import REPLY_TIMEOUT, Resident, Stats, crowd, summary
from bot.core.services import Pseudonyms
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi

TARGET_RATIO = 0.6


@dataclass(frozen=True)
class Settings:
    residents: int = 100
    warmup: float = 5.0
    window: float = 20.0
    echo_warmup: float = 3.0
    echo_window: float = 20.0
    rounds: int = 2  # Samenspraak then the echo bot, this many times (the machine is shared)
    profile: Path | None = None  # py-spy output for the Samenspraak process, if wanted
    questionnaire: str | None = None  # every resident takes this one (default: in turn)


async def run(settings: Settings) -> dict[str, Any]:
    rounds: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="samenspraak-bench-") as folder:
        fake = FakeBotApi(TOKEN)
        await fake.start()
        try:
            for number in range(1, settings.rounds + 1):
                workdir = Path(folder) / f"round-{number}"
                workdir.mkdir()
                profile_to = settings.profile if number == 1 else None
                conversation = await _conversation(fake, workdir, settings, profile_to)
                echo = await _echo(fake, workdir, settings)
                rounds.append(
                    {
                        "samenspraak": conversation,
                        "echo": echo,
                        "ratio": round(
                            conversation["answers_per_second"] / echo["messages_per_second"], 3
                        ),
                        "cpu_cost_ratio": round(
                            echo["bot_cpu_ms_per_message"] / conversation["bot_cpu_ms_per_answer"],
                            3,
                        ),
                    }
                )
        finally:
            await fake.stop()
    answers = mean(r["samenspraak"]["answers_per_second"] for r in rounds)
    messages = mean(r["echo"]["messages_per_second"] for r in rounds)
    cpu_answer = mean(r["samenspraak"]["bot_cpu_ms_per_answer"] for r in rounds)
    cpu_message = mean(r["echo"]["bot_cpu_ms_per_message"] for r in rounds)
    ratio = answers / messages
    return {
        "settings": {
            "residents": settings.residents,
            "rounds": settings.rounds,
            "warmup_s": settings.warmup,
            "window_s": settings.window,
            "echo_warmup_s": settings.echo_warmup,
            "echo_window_s": settings.echo_window,
        },
        # Means over the rounds (each round: Samenspraak, then the echo bot).
        "answers_per_second": round(answers, 1),
        "echo_messages_per_second": round(messages, 1),
        "ratio": round(ratio, 3),
        "ratio_per_round": [r["ratio"] for r in rounds],
        # Throughput depends on what else runs on the machine; CPU per answer a bit less.
        "bot_cpu_ms_per_answer": round(cpu_answer, 2),
        "echo_cpu_ms_per_message": round(cpu_message, 2),
        "cpu_cost_ratio": round(cpu_message / cpu_answer, 3),
        "target_ratio": TARGET_RATIO,
        "meets_target": ratio >= TARGET_RATIO,
        "durability_ok": all(r["samenspraak"]["durability"]["ok"] for r in rounds),
        "rounds": rounds,
    }


# --- Samenspraak ------------------------------------------------------------------------------


async def _conversation(
    fake: FakeBotApi, workdir: Path, settings: Settings, profile_to: Path | None
) -> dict[str, Any]:
    database = workdir / "conversation.db"
    bot = BotProcess(
        "samenspraak",
        [*samenspraak_executable(), "run"],
        bot_env(fake, f"sqlite+aiosqlite:///{database}"),
        workdir,
    )
    startup = await bot.start(fake)
    stats = Stats()
    residents = crowd(fake, settings.residents, stats, Resident, only=settings.questionnaire)
    rejected_before = len(fake.rejected)
    try:
        stop = asyncio.Event()
        tasks = [asyncio.create_task(resident.run(stop)) for resident in residents]
        window = await _measure(fake, bot, settings.warmup, settings.window, profile_to)
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), REPLY_TIMEOUT + 15)
        settled = await fake.settle(15)
        rss = bot.rss()
    finally:
        returncode = await bot.stop()
    start, end = window["start"], window["end"]
    seconds = end - start
    answers = stats.in_window(stats.confirmed_at, start, end)
    interactions = stats.in_window(stats.interactions_at, start, end)
    durability = _durability(database, residents)
    result: dict[str, Any] = {
        "startup_s": round(startup, 2),
        "answers_in_window": answers,
        "answers_per_second": round(answers / seconds, 1),
        "updates_per_second": round(interactions / seconds, 1),
        "bot_api_calls_per_second": round(window["calls"] / seconds, 1),
        "bot_api_calls_in_window": dict(window["methods"]),
        "updates_per_getupdates": window["batch"],
        "answer_latency": summary(
            [
                lat
                for lat, at in zip(stats.latencies, stats.confirmed_at, strict=True)
                if start <= at < end
            ]
        ),
        **window["cpu"],
        "bot_cpu_ms_per_answer": _per(window["bot_cpu_seconds"], answers),
        "rss_after_run_mib": mib(rss),
        "answers_confirmed_total": sum(r.confirmed for r in residents),
        "typed_answers": stats.typed,
        "button_answers": stats.pressed,
        "questionnaires_completed": stats.completed,
        "revisions_started": stats.revisions,
        "timeouts": stats.timeouts,
        "unexpected_replies": dict(stats.unexpected),
        "rejected_calls": len(fake.rejected) - rejected_before,
        "unanswered_callback_queries": len(fake.unanswered_callback_queries()),
        "settled": settled,
        "exit_code": returncode,
        "bot_log": bot.log_summary(),
        "durability": durability,
    }
    if window.get("profile"):
        result["profile"] = window["profile"]
        result["profile_summary"] = profile.summarise(Path(window["profile"]))
    failures = [r.failed for r in residents if r.failed]
    if failures:
        result["first_failure"] = failures[0]
    return result


def _durability(database: Path, residents: list[Resident]) -> dict[str, Any]:
    """Every answer a resident saw confirmed must be stored: compare resident by resident."""
    pseudonyms = Pseudonyms(PSEUDONYM_SECRET.encode())
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        total = connection.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        stored = dict(
            connection.execute(
                "SELECT r.pseudonym, COUNT(a.id) FROM answers a "
                "JOIN sessions s ON s.id = a.session_id "
                "JOIN residents r ON r.id = s.resident_id GROUP BY r.pseudonym"
            ).fetchall()
        )
    finally:
        connection.close()
    confirmed = sum(r.confirmed for r in residents)
    lost = unconfirmed = 0
    for resident in residents:
        count = stored.get(pseudonyms.of(resident.user.id), 0)
        lost += max(0, resident.confirmed - count)
        unconfirmed += max(0, count - resident.confirmed)
    return {
        "answers_confirmed": confirmed,
        "answers_in_database": total,
        "confirmed_but_missing": lost,
        "stored_but_not_confirmed": unconfirmed,
        "ok": lost == 0,
    }


# --- the echo bot -----------------------------------------------------------------------------


async def _echo(fake: FakeBotApi, workdir: Path, settings: Settings) -> dict[str, Any]:
    bot = BotProcess(
        "echo",
        [sys.executable, "-m", "bench.echo_bot"],
        bot_env(fake, "sqlite+aiosqlite://", pythonpath=ROOT),
        workdir,
    )
    startup = await bot.start(fake)
    stamps: list[float] = []
    latencies: list[float] = []
    wrong = 0

    async def talk(user: FakeUser, stop: asyncio.Event) -> None:
        nonlocal wrong
        number = 0
        while not stop.is_set():
            number += 1
            text = f"Bericht {number} van {user.first_name}"
            sent = time.monotonic()
            await user.send(text)
            reply = await user.next_message(REPLY_TIMEOUT)
            now = time.monotonic()
            if reply.text != text:
                wrong += 1
            stamps.append(now)
            latencies.append(now - sent)

    users = [fake.user(first_name=f"Echo{i}") for i in range(settings.residents)]
    try:
        stop = asyncio.Event()
        tasks = [asyncio.create_task(talk(user, stop)) for user in users]
        window = await _measure(fake, bot, settings.echo_warmup, settings.echo_window, None)
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), REPLY_TIMEOUT + 15)
        rss = bot.rss()
    finally:
        returncode = await bot.stop()
    start, end = window["start"], window["end"]
    messages = sum(1 for stamp in stamps if start <= stamp < end)
    return {
        "startup_s": round(startup, 2),
        "messages_in_window": messages,
        "messages_per_second": round(messages / (end - start), 1),
        "bot_api_calls_per_second": round(window["calls"] / (end - start), 1),
        "updates_per_getupdates": window["batch"],
        "latency": summary(
            [lat for lat, at in zip(latencies, stamps, strict=True) if start <= at < end]
        ),
        **window["cpu"],
        "bot_cpu_ms_per_message": _per(window["bot_cpu_seconds"], messages),
        "rss_after_run_mib": mib(rss),
        "wrong_echoes": wrong,
        "exit_code": returncode,
        "bot_log": bot.log_summary(),
    }


def _per(seconds: float, count: int) -> float:
    return round(1000 * seconds / count, 2) if count else float("nan")


# --- measuring --------------------------------------------------------------------------------


async def _measure(
    fake: FakeBotApi, bot: BotProcess, warmup: float, window: float, profile: Path | None
) -> dict[str, Any]:
    """Warm up, then observe a window: its bounds, the calls the bot made, CPU used."""
    await asyncio.sleep(warmup)
    probe = CpuProbe(bot)
    first_call = len(fake.calls)
    spy: Callable[[], Awaitable[str | None]] | None = None
    if profile is not None:
        spy = _start_py_spy(bot, window, profile)
    probe.begin()
    start = time.monotonic()
    await asyncio.sleep(window)
    end = time.monotonic()
    cpu = probe.end()
    calls = fake.calls[first_call:]
    polls = [c for c in calls if c.method == "getUpdates" and c.ok and c.result]
    batch = round(sum(len(c.result) for c in polls) / len(polls), 1) if polls else None
    measured: dict[str, Any] = {
        "start": start,
        "end": end,
        "cpu": cpu,
        "bot_cpu_seconds": probe.bot_seconds,
        "calls": sum(1 for c in calls if c.method != "getUpdates"),
        "methods": Counter(c.method for c in calls),
        "batch": batch,
    }
    if spy is not None:
        measured["profile"] = await spy()
    return measured


def _start_py_spy(
    bot: BotProcess, window: float, output: Path
) -> Callable[[], Awaitable[str | None]]:
    """Sample the bot with py-spy during the window (if py-spy is installed)."""
    import shutil
    import subprocess

    executable = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(executable).exists() or bot.popen is None:
        print("py-spy not found: .venv/bin/pip install py-spy", file=sys.stderr)

        async def nothing() -> str | None:
            return None

        return nothing
    output.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [
            executable,
            "record",
            "--pid",
            str(bot.popen.pid),
            "--duration",
            str(max(1, int(window))),
            "--rate",
            "100",
            "--format",
            "raw",
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    async def finish() -> str | None:
        _, err = await asyncio.to_thread(process.communicate)
        if process.returncode != 0:
            print(f"py-spy failed: {err.decode(errors='replace')}", file=sys.stderr)
            return None
        return str(output)

    return finish
