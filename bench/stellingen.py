"""Deliberation benchmarks: ``python -m bench.stellingen [votes|digest|all]``.

**votes**: vote taps closed loop, the method of :mod:`bench.conversation`: ``samenspraak
run`` in a child process (SQLite in a temporary folder), simulated residents here, each
pressing a vote button and waiting for the next statement before the next tap; the votes
confirmed in a fixed window after a warm-up give votes per second, against the echo bot
measured on the same fake (:func:`bench.conversation._echo`) with as many residents. The
deliberation has 50 statements (the most a file may have) and there are 150 residents, so
that nobody runs out within the window; a resident who does stops, is counted
(``residents_ran_out``) and the target is then not met. Afterwards every confirmed vote
must be in the database.

**digest**: a deliberation of 10,000 participants x 500 statements (about a million votes:
each participant voted on a random fifth), written straight into SQLite; then the digest's
part of it (:func:`bot.staff.stellingen.part`: one read, the opinion analysis, the text and
the map) timed, and the peak memory of that step.

Results go to ``bench/results/stellingen.json`` (and, run as ``python -m bench stellingen``
or ``make bench``, to ``bench/results/latest.json`` too); BENCHMARKS.md quotes them.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import (
    PSEUDONYM_SECRET,
    TOKEN,
    BotProcess,
    CpuProbe,
    bot_env,
    samenspraak_executable,
)
from bench.conversation import Settings as ConversationSettings
from bench.conversation import _echo
from bench.residents import REPLY_TIMEOUT
from bot.core.services import Pseudonyms
from flows.texts import raw
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from tests.conftest import QUESTIONNAIRES

RESULTS = Path(__file__).resolve().parent / "results" / "stellingen.json"
TALK = "bench-stellingen"
AGREE = raw("nl", "stellingen.vote.agree")  # the first vote button's label
TARGET_RATIO = 0.8
DIGEST_TARGET_S = 8.0


def deliberation_yaml(statements: int, talk: str = TALK) -> str:
    lines = [
        "schema_version: 1",
        "kind: stellingen",
        f"id: {talk}",
        "version: 1",
        "theme: {nl: Proef, en: Trial}",
        "title: {nl: Proefgesprek, en: Trial conversation}",
        "intro: {nl: Een gesprek om te meten, en: A conversation to measure}",
        "statements:",
    ]
    for number in range(statements):
        lines.append(
            f"  - {{id: s{number}, text: {{nl: Stelling nummer {number} over de stad, "
            f"en: Statement number {number} about the town}}}}"
        )
    return "\n".join(lines) + "\n"


def _folder(root: Path, statements: int) -> Path:
    """The shipped questionnaires and a deliberation of ``statements`` statements."""
    folder = root / "questionnaires"
    shutil.copytree(QUESTIONNAIRES, folder, ignore=shutil.ignore_patterns("stellingen"))
    (folder / "stellingen").mkdir()
    (folder / "stellingen" / f"{TALK}.yaml").write_text(
        deliberation_yaml(statements), encoding="utf-8"
    )
    return folder


# --- votes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoteSettings:
    # Enough residents that none runs out of the 50 statements (the most a file may have)
    # in warm-up and window together (up to about 300 votes a second): with 60, every one
    # did at 130 votes a second (7 Dec 2026), and the figures were too low.
    residents: int = 150
    warmup: float = 5.0
    window: float = 20.0
    statements: int = 50


@dataclass
class Voter:
    user: FakeUser
    confirmed: int = 0
    failed: str | None = None
    ran_out: bool = False  # voted on every statement: the figures are then too low


def _votable(message: BotMessage) -> bool:
    """A statement to vote on (not the "all done" message with its other buttons)."""
    return bool(message.buttons) and message.buttons[0][0] == AGREE


async def _vote(voter: Voter, stamps: list[float], stop: asyncio.Event) -> None:
    user = voter.user
    try:
        welcome = await user.ask(f"/start {TALK}", REPLY_TIMEOUT)
        await user.press(welcome.buttons[0][0], message=welcome)
        statement: BotMessage | None = None
        while statement is None or not statement.buttons:
            statement = await user.next_message(REPLY_TIMEOUT)
        while not stop.is_set():
            if not _votable(statement):
                voter.ran_out = True
                break
            label = statement.buttons[0][voter.confirmed % 2]
            await user.press(label, message=statement)
            statement = await user.next_message(REPLY_TIMEOUT)  # the next statement
            voter.confirmed += 1
            stamps.append(time.monotonic())
    except Exception as exc:  # a benchmark reports, it does not stop at the first failure
        voter.failed = repr(exc)


async def votes(settings: VoteSettings) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="samenspraak-bench-") as temporary:
        root = Path(temporary)
        folder = _folder(root, settings.statements)
        fake = FakeBotApi(TOKEN)
        await fake.start()
        try:
            database = root / "votes.db"
            env = bot_env(fake, f"sqlite+aiosqlite:///{database}", QUESTIONNAIRES_DIR=str(folder))
            bot = BotProcess("samenspraak", [*samenspraak_executable(), "run"], env, root)
            await bot.start(fake, within=240.0)  # a shared machine starts slowly
            stamps: list[float] = []
            voters = [
                Voter(fake.user(first_name=f"Stemmer{i}")) for i in range(settings.residents)
            ]
            stop = asyncio.Event()
            try:
                tasks = [asyncio.create_task(_vote(v, stamps, stop)) for v in voters]
                await asyncio.sleep(settings.warmup)
                probe = CpuProbe(bot)
                probe.begin()
                start = time.monotonic()
                await asyncio.sleep(settings.window)
                end = time.monotonic()
                cpu = probe.end()
                stop.set()
                await asyncio.wait_for(asyncio.gather(*tasks), REPLY_TIMEOUT + 15)
                await fake.settle(15)
            finally:
                await bot.stop()
            in_window = sum(1 for s in stamps if start <= s < end)
            stored = _stored(database)
            pseudonyms = Pseudonyms(PSEUDONYM_SECRET.encode())
            lost = sum(
                max(0, v.confirmed - stored.get(pseudonyms.of(v.user.id), 0)) for v in voters
            )
            samenspraak = {
                "votes_in_window": in_window,
                "votes_per_second": round(in_window / (end - start), 1),
                "bot_cpu_ms_per_vote": round(1000 * probe.bot_seconds / in_window, 2)
                if in_window
                else None,
                "cpu": cpu,
                "votes_confirmed": sum(v.confirmed for v in voters),
                "confirmed_but_missing": lost,
                "rejected_calls": len(fake.rejected),
                "unanswered_callback_queries": len(fake.unanswered_callback_queries()),
                "failures": [v.failed for v in voters if v.failed][:3],
                "residents_ran_out": sum(v.ran_out for v in voters),
            }
            echo_settings = ConversationSettings(residents=settings.residents)
            echo = await _echo(fake, root, echo_settings)
        finally:
            await fake.stop()
    ratio = samenspraak["votes_per_second"] / echo["messages_per_second"]
    return {
        "settings": settings.__dict__,
        "samenspraak": samenspraak,
        "echo_messages_per_second": echo["messages_per_second"],
        "echo_cpu_ms_per_message": echo["bot_cpu_ms_per_message"],
        "ratio": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        # Valid only when every resident still had statements to vote on to the end.
        "meets_target": ratio >= TARGET_RATIO and samenspraak["residents_ran_out"] == 0,
        "durability_ok": lost == 0,
    }


def _stored(database: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return dict(
            connection.execute(
                "SELECT r.pseudonym, COUNT(*) FROM deliberation_votes v "
                "JOIN residents r ON r.id = v.resident_id GROUP BY r.pseudonym"
            ).fetchall()
        )
    finally:
        connection.close()


# --- digest -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestSettings:
    participants: int = 10_000
    statements: int = 500
    share: float = 0.2  # of the statements each participant voted on
    groups: int = 3


def _fill(database: Path, settings: DigestSettings, now: datetime) -> int:
    """Participants in ``groups`` opinion groups, each voting on a random ``share``."""
    rng = random.Random(13)
    connection = sqlite3.connect(database)
    try:
        stamp = now.isoformat(sep=" ")
        # 50 seeds from the file; the rest as residents' statements a moderator approved.
        seeds = connection.execute(
            "SELECT COUNT(*) FROM deliberation_statements WHERE deliberation_id = ?", (TALK,)
        ).fetchone()[0]
        connection.executemany(
            "INSERT INTO deliberation_statements (deliberation_id, number, origin, text_nl, "
            "status, anonymised, created_at) VALUES (?, ?, 'resident', ?, 'live', 1, ?)",
            (
                (TALK, n, f"Stelling {n} van een inwoner over de stad", stamp)
                for n in range(seeds, settings.statements)
            ),
        )
        ids = [
            row[0]
            for row in connection.execute(
                "SELECT id FROM deliberation_statements WHERE deliberation_id = ? ORDER BY number",
                (TALK,),
            )
        ]
        connection.executemany(
            "INSERT INTO residents (id, pseudonym, language, consent, consent_at, created_at) "
            "VALUES (?, ?, 'nl', 'given', ?, ?)",
            ((i + 1, f"p{i}", stamp, stamp) for i in range(settings.participants)),
        )
        connection.executemany(
            "INSERT INTO deliberation_participants (deliberation_id, resident_id, number, "
            "active, mode, joined_at, updated_at) VALUES (?, ?, ?, 0, 'vote', ?, ?)",
            ((TALK, i + 1, i, stamp, stamp) for i in range(settings.participants)),
        )
        leaning = [[rng.choice((-1, 1)) for _ in ids] for _ in range(settings.groups)]
        per = max(1, int(len(ids) * settings.share))
        rows = []
        for i in range(settings.participants):
            side = leaning[i % settings.groups]
            for index in rng.sample(range(len(ids)), per):
                roll = rng.random()
                vote = side[index] if roll < 0.75 else (0 if roll < 0.85 else -side[index])
                rows.append((ids[index], i + 1, TALK, vote, stamp))
        connection.executemany(
            "INSERT INTO deliberation_votes (statement_id, resident_id, deliberation_id, vote, "
            "voted_at) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
        connection.commit()
        return len(rows)
    finally:
        connection.close()


async def digest(settings: DigestSettings) -> dict[str, Any]:
    from bot.core.config import Settings
    from bot.core.services import build_services
    from bot.staff.stellingen import part
    from storage import deliberations as store

    with tempfile.TemporaryDirectory(prefix="samenspraak-bench-") as temporary:
        root = Path(temporary)
        folder = _folder(root, 50)
        database = root / "digest.db"
        config = Settings(  # type: ignore[call-arg]
            telegram_bot_token=TOKEN,
            database_url=f"sqlite+aiosqlite:///{database}",
            questionnaires_dir=folder,
            pseudonym_secret=PSEUDONYM_SECRET,
        )
        services = await build_services(config)
        try:
            now = datetime.now(UTC)
            began = time.monotonic()
            votes_written = await asyncio.to_thread(_fill, database, settings, now)
            fill_s = time.monotonic() - began
            timings = []
            cpu = []
            peaks = []
            for run in range(2):
                # The first run without tracemalloc (it slows allocation down), the second
                # with it, for the peak of Python's memory.
                if run:
                    tracemalloc.start()
                began, cpu_began = time.monotonic(), time.process_time()
                async with services.reports() as db:
                    info = await store.get(db, TALK)
                    assert info is not None
                    figures, text, chart = await part(
                        db,
                        info,
                        now - timedelta(days=7),
                        now + timedelta(minutes=1),
                        config.zone,
                        min_group=5,
                    )
                timings.append(time.monotonic() - began)
                cpu.append(time.process_time() - cpu_began)
                if run:
                    peaks.append(tracemalloc.get_traced_memory()[1])
                    tracemalloc.stop()
        finally:
            await services.close()
    seconds = timings[0]
    return {
        "settings": settings.__dict__,
        "votes": votes_written,
        "fill_s": round(fill_s, 1),
        "digest_s": [round(t, 2) for t in timings],
        "digest_s_untraced": round(seconds, 2),
        # CPU seconds of this process (every thread): what the step costs whatever the load.
        "digest_cpu_s": [round(c, 2) for c in cpu],
        "python_peak_mib": round(max(peaks) / 2**20, 1),
        "groups_shown": len(figures.groups),
        "clustered": figures.clustered,
        "text_chars": len(text),
        "map_bytes": len(chart or b""),
        "target_s": DIGEST_TARGET_S,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "meets_target": seconds < DIGEST_TARGET_S,
    }


def run() -> dict[str, Any]:
    """Both parts, for ``python -m bench stellingen`` (also written to :data:`RESULTS`)."""
    found = {
        "votes": asyncio.run(votes(VoteSettings())),
        "digest": asyncio.run(digest(DigestSettings())),
    }
    found["meets_target"] = all(found[n]["meets_target"] for n in ("votes", "digest"))
    RESULTS.write_text(json.dumps(found, indent=2) + "\n")
    return found


def main(argv: list[str] | None = None) -> int:
    which = (argv if argv is not None else sys.argv[1:]) or ["all"]
    chosen = ["votes", "digest"] if which[0] == "all" else which
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for name in chosen:
        print(f"== stellingen {name} ...", file=sys.stderr, flush=True)
        if name == "votes":
            results["votes"] = asyncio.run(votes(VoteSettings()))
        elif name == "digest":
            results["digest"] = asyncio.run(digest(DigestSettings()))
        results[name]["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
        RESULTS.write_text(json.dumps(results, indent=2) + "\n")
        print(json.dumps(results[name], indent=2))
    return 0 if all(results[n].get("meets_target") for n in chosen) else 1


if __name__ == "__main__":
    raise SystemExit(main())
