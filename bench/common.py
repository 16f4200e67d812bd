"""Shared pieces of the benchmarks: the bot as a separate process, CPU and memory probes.

The fake Bot API (``sandbox.fakeapi``) always runs in the benchmark's own process and event
loop; the bot under test runs in a child process and talks to it over 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import platform
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from sandbox.fakeapi import FakeBotApi
from tests.support.bots import bot_environment
from tests.support.processes import QUESTIONNAIRES, ROOT, ChildProcess, environment, polling

__all__ = ["QUESTIONNAIRES", "ROOT", "samenspraak_executable"]

RESULTS = Path(__file__).resolve().parent / "results"

TOKEN = "123456:BENCH-TOKEN-samenspraak"  # a fake token for the fake server
PSEUDONYM_SECRET = "bench-pseudonym-secret"  # only for throw-away databases


#: The source tree the Samenspraak process runs from (``--bot-root``): by default this one;
#: another checkout (e.g. with a patch applied) to compare against it.
_bot_root: Path = ROOT


def set_bot_root(path: Path) -> None:
    global _bot_root
    if not any((path / "bot" / cli).exists() for cli in ("app/cli.py", "cli.py")):
        raise SystemExit(f"{path} is not a Samenspraak source tree (no bot/app/cli.py)")
    _bot_root = path.resolve()


def bot_root() -> Path:
    return _bot_root


def samenspraak_executable() -> list[str]:
    """``samenspraak`` of the tree :func:`bot_root` names, as a command: its command-line
    module run by this Python (``bot/app/cli.py`` now, ``bot/cli.py`` before the layout
    of issue #19), so that an older checkout runs its own code and not this one's."""
    module = "bot.app.cli" if (_bot_root / "bot" / "app" / "cli.py").exists() else "bot.cli"
    profile = os.environ.get("BENCH_BOT_CPROFILE")
    if profile:  # cProfile of the whole bot process, written when it stops (SIGTERM)
        return [sys.executable, "-m", "cProfile", "-o", profile, "-m", module]
    return [sys.executable, "-m", module]


def bot_env(
    fake: FakeBotApi, database_url: str, *, pythonpath: Path | None = None, **extra: str
) -> dict[str, str]:
    """The environment ``samenspraak run`` reads, pointed at the fake and a throw-away DB
    (the tests' settings, ``tests.support.bots``, with the benchmark's token and secret),
    then ``extra`` variables.

    ``pythonpath``: where the child imports the project from (default: :func:`bot_root`).
    """
    settings = bot_environment(
        database_url,
        fake.url,
        token=fake.token,
        secret=PSEUDONYM_SECRET,
        log_level="WARNING",
        # The simulated residents answer as fast as the machine allows (two or three
        # updates a second each), faster than any person; the flood guard still runs
        # for every update, but its limit is set out of their reach.
        flood_max_updates=1_000_000,
    )
    return environment(pythonpath=pythonpath or _bot_root, **{**settings, **extra})


class BotProcess(ChildProcess):
    """A bot in a child process (``samenspraak run`` or the echo bot), stopped with SIGTERM."""

    async def start(self, fake: FakeBotApi, within: float = 60.0) -> float:
        """Start and wait until it polls the fake; returns the start-up time in seconds."""
        self.launch()
        return await self.wait_until(polling(fake), within=within)


@dataclass
class CpuProbe:
    """CPU used over a window by the bot process, the bench process and everything else
    on the machine (other processes compete for the same cores and skew throughput)."""

    bot: ChildProcess
    start_wall: float = 0.0
    start_bot: float = 0.0
    start_self: float = 0.0
    start_system: float = 0.0
    bot_seconds: float = 0.0

    start_main_thread: float = 0.0

    def begin(self) -> None:
        self.start_wall = time.monotonic()
        self.start_main_thread = self.bot.main_thread_cpu_seconds()
        self.start_bot = self.bot.cpu_seconds()
        self.start_self = _self_cpu()
        self.start_system = _system_busy()

    def end(self) -> dict[str, float]:
        wall = time.monotonic() - self.start_wall
        self.bot_seconds = self.bot.cpu_seconds() - self.start_bot
        own = _self_cpu() - self.start_self
        other = max(0.0, _system_busy() - self.start_system - self.bot_seconds - own)
        main_thread = self.bot.main_thread_cpu_seconds() - self.start_main_thread
        return {
            "bot_process_cpu_percent": round(100 * self.bot_seconds / wall, 1),
            # The event loop's thread: 100 % means the bot is CPU-bound.
            "bot_event_loop_thread_cpu_percent": round(100 * main_thread / wall, 1),
            "bench_process_cpu_percent": round(100 * own / wall, 1),
            "other_processes_cpu_percent": round(100 * other / wall, 1),
        }


def _system_busy() -> float:
    """CPU seconds all cores spent busy since boot."""
    times = psutil.cpu_times()
    idle = times.idle + getattr(times, "iowait", 0.0)
    return float(
        sum(times) - idle - getattr(times, "guest", 0.0) - getattr(times, "guest_nice", 0.0)
    )


def _self_cpu() -> float:
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    import sqlalchemy
    import telegram

    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "python_telegram_bot": telegram.__version__,
        "sqlalchemy": sqlalchemy.__version__,
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(Exception):
        info["memory_total_mib"] = round(psutil.virtual_memory().total / 2**20)
    with contextlib.suppress(AttributeError, OSError):
        info["sched_affinity"] = len(os.sched_getaffinity(0))
    return info


def mib(value: float | None) -> float | None:
    return None if value is None else round(value / 2**20, 1)
