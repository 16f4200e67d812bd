"""Shared pieces of the benchmarks: the bot as a separate process, CPU and memory probes.

The fake Bot API (``sandbox.fakeapi``) always runs in the benchmark's own process and event
loop; the bot under test runs in a child process and talks to it over 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from sandbox.fakeapi import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
QUESTIONNAIRES = ROOT / "questionnaires"
RESULTS = Path(__file__).resolve().parent / "results"

TOKEN = "123456:BENCH-TOKEN-samenspraak"  # a fake token for the fake server
PSEUDONYM_SECRET = "bench-pseudonym-secret"  # only for throw-away databases


#: The source tree the Samenspraak process runs from (``--bot-root``): by default this one;
#: another checkout (e.g. with a patch applied) to compare against it.
_bot_root: Path = ROOT


def set_bot_root(path: Path) -> None:
    global _bot_root
    if not (path / "bot" / "cli.py").exists():
        raise SystemExit(f"{path} is not a Samenspraak source tree (no bot/cli.py)")
    _bot_root = path.resolve()


def bot_root() -> Path:
    return _bot_root


def samenspraak_executable() -> list[str]:
    """``.venv/bin/samenspraak`` (it imports ``bot`` from PYTHONPATH first, see bot_env)."""
    script = VENV_BIN / "samenspraak"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "bot.app.cli"]


def bot_env(
    fake: FakeBotApi, database_url: str, *, pythonpath: Path | None = None, **extra: str
) -> dict[str, str]:
    """The environment ``samenspraak run`` reads, pointed at the fake and a throw-away DB.

    ``pythonpath``: where the child imports the project from (default: :func:`bot_root`).
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT"}
    }
    env.update(
        {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_URL": fake.url,
            "DATABASE_URL": database_url,
            "QUESTIONNAIRES_DIR": str(QUESTIONNAIRES),
            "PSEUDONYM_SECRET": PSEUDONYM_SECRET,
            "RATE_LIMIT_PER_SECOND": "0",
            "LOG_LEVEL": "WARNING",
            "MUNICIPALITY_NAME": "Rivierstad",
            # The simulated residents answer as fast as the machine allows (two or three
            # updates a second each), faster than any person; the flood guard still runs
            # for every update, but its limit is set out of their reach.
            "FLOOD_MAX_UPDATES": "1000000",
            "PYTHONPATH": str(pythonpath or _bot_root),
        }
    )
    env.update(extra)
    return env


def _polls_started(fake: FakeBotApi, since: int) -> int:
    # python-telegram-bot deletes any webhook right before it starts long polling.
    return sum(1 for call in fake.calls[since:] if call.method == "deleteWebhook")


class BotProcess:
    """A bot in a child process (``samenspraak run`` or the echo bot), stopped with SIGTERM."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str],
        workdir: Path,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = dict(env)
        self.workdir = workdir
        self.log_path = workdir / f"{name}.log"
        self.popen: subprocess.Popen[bytes] | None = None
        self.process: psutil.Process | None = None
        self.returncode: int | None = None

    async def start(self, fake: FakeBotApi, within: float = 60.0) -> float:
        """Start and wait until it polls the fake; returns the start-up time in seconds."""
        begin = time.monotonic()
        calls_before = len(fake.calls)
        log = self.log_path.open("wb")
        try:
            self.popen = subprocess.Popen(  # noqa: ASYNC220 - returns at once
                self.argv,
                env=self.env,
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            log.close()
        self.process = psutil.Process(self.popen.pid)
        while _polls_started(fake, calls_before) == 0:
            if self.popen.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.popen.returncode} before polling:\n"
                    + self.log_tail()
                )
            if time.monotonic() - begin > within:
                await self.stop()
                raise TimeoutError(f"{self.name} did not start polling within {within:g} s")
            await asyncio.sleep(0.02)
        return time.monotonic() - begin

    async def stop(self, grace: float = 30.0) -> int:
        """SIGTERM (a clean shutdown: in-flight updates finish), SIGKILL after ``grace`` s."""
        if self.popen is None:
            return 0
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.popen.wait, grace)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                await asyncio.to_thread(self.popen.wait)
        self.returncode = self.popen.returncode
        return self.returncode

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the process."""
        assert self.process is not None
        times = self.process.cpu_times()
        return float(times.user + times.system)

    def main_thread_cpu_seconds(self) -> float:
        """CPU time of the process's first thread (the one running the event loop)."""
        assert self.process is not None
        for thread in self.process.threads():
            if thread.id == self.process.pid:
                return float(thread.user_time + thread.system_time)
        return 0.0

    def rss(self) -> int:
        assert self.process is not None
        return int(self.process.memory_info().rss)

    def peak_rss(self) -> int | None:
        """The high-water mark of the resident set (Linux ``VmHWM``), if known."""
        if self.popen is None:
            return None
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        return None

    def log_lines(self) -> list[str]:
        """The child's log (it logs at WARNING and above: every line is worth a look)."""
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace").splitlines()
        return []

    def log_summary(self) -> dict[str, Any]:
        """How many log lines, how many errors, and the first error with its traceback's
        last lines (the exception)."""
        lines = self.log_lines()
        errors = [i for i, line in enumerate(lines) if " ERROR " in line]
        first: list[str] = []
        if errors:
            start = errors[0]
            end = start + 1
            while end < len(lines) and (
                lines[end][:1] in (" ", "T") or not lines[end][:4].isdigit()
            ):
                end += 1
            block = lines[start:end]
            first = [block[0], *block[-8:]] if len(block) > 9 else block
        elif lines:
            first = lines[:5]
        return {"lines": len(lines), "errors": len(errors), "first": first}

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            text = self.log_path.read_text(errors="replace")
            return "\n".join(text.splitlines()[-lines:])
        return ""


@dataclass
class CpuProbe:
    """CPU used over a window by the bot process, the bench process and everything else
    on the machine (other processes compete for the same cores and skew throughput)."""

    bot: BotProcess
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
