"""``samenspraak`` (or another program) in a child process, for tests and benchmarks.

A :class:`ChildProcess` starts in a clean environment (:func:`environment`), writes its
output to a log file of its own, is waited for until it is ready (it polls the fake Bot API,
registered its webhook, answers ``/healthz``: see :func:`polling`, :func:`registered`,
:func:`healthy`), and ends with SIGTERM (a clean stop) or SIGKILL (no clean-up of any kind).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import psutil

from sandbox.fakeapi import FakeBotApi

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRES = ROOT / "questionnaires"

#: Something that becomes true once a process is ready.
Probe = Callable[[], Awaitable[bool]]


def samenspraak(*args: str) -> list[str]:
    """The ``samenspraak`` command of this virtual environment with ``args``. It imports the
    project from PYTHONPATH first, so the child runs the source tree that names."""
    script = Path(sys.executable).parent / "samenspraak"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "bot.app.cli"]
    return [*command, *args]


def environment(
    *, home: Path | None = None, pythonpath: Path = ROOT, **variables: str
) -> dict[str, str]:
    """A clean environment: this process's PATH (and TMPDIR), a UTF-8 locale, the project
    importable from ``pythonpath``, HOME ``home`` (default: this process's) and
    ``variables``. Nothing else comes from the caller; run the child in a folder of its own,
    so that it finds no ``.env`` either."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home) if home is not None else os.environ.get("HOME", "/"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(pythonpath),
    }
    if "TMPDIR" in os.environ:
        env["TMPDIR"] = os.environ["TMPDIR"]
    env.update(variables)
    return env


# --- readiness -----------------------------------------------------------------------------------


def _called(fake: FakeBotApi, method: str) -> Probe:
    before = sum(1 for call in fake.calls if call.method == method)

    async def probe() -> bool:
        return sum(1 for call in fake.calls if call.method == method) > before

    return probe


def polling(fake: FakeBotApi) -> Probe:
    """True once the bot started long polling after this call (python-telegram-bot deletes
    any webhook right before it polls)."""
    return _called(fake, "deleteWebhook")


def registered(fake: FakeBotApi) -> Probe:
    """True once a worker registered its webhook after this call."""
    return _called(fake, "setWebhook")


def healthy(base_url: str) -> Probe:
    """True while ``base_url``/healthz answers 200 (it listens, its database answers)."""

    async def probe() -> bool:
        timeout = aiohttp.ClientTimeout(total=2)
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with (
                aiohttp.ClientSession(timeout=timeout) as http,
                http.get(f"{base_url}/healthz") as response,
            ):
                return response.status == 200
        return False

    return probe


def listening(base_url: str) -> Probe:
    """True once something accepts connections at ``base_url`` (``http://host:port``)."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)

    async def probe() -> bool:
        try:
            _, writer = await asyncio.open_connection(host, int(port))
        except OSError:
            return False
        writer.close()
        await writer.wait_closed()
        return True

    return probe


# --- the process ---------------------------------------------------------------------------------


class ChildProcess:
    """One child process; its output (stdout and stderr) goes to ``workdir/<name>.log``."""

    def __init__(
        self, name: str, argv: Sequence[str], env: Mapping[str, str], workdir: Path
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.env = dict(env)
        self.workdir = workdir
        self.log_path = workdir / f"{name}.log"
        self.popen: subprocess.Popen[bytes] | None = None
        self.launched_at = 0.0

    def launch(self) -> None:
        """Start it, without waiting for anything."""
        assert not self.running(), f"{self.name} is running already"
        with self.log_path.open("wb") as log:
            self.popen = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.launched_at = time.monotonic()

    async def wait_until(self, *probes: Probe, within: float = 60.0) -> float:
        """Until every probe is true; returns the seconds since :meth:`launch`. Fails if the
        process ends first, or (after stopping it) if that takes longer than ``within``."""
        while True:
            if not self.running():
                code = self.popen.returncode if self.popen else None
                raise RuntimeError(
                    f"{self.name} exited ({code}) while starting:\n{self.log_tail()}"
                )
            if all([await probe() for probe in probes]):
                return time.monotonic() - self.launched_at
            if time.monotonic() - self.launched_at > within:
                await self.stop()
                raise TimeoutError(
                    f"{self.name} not ready within {within:g} s:\n{self.log_tail()}"
                )
            await asyncio.sleep(0.02)

    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self.popen is None else self.popen.poll()

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine dies."""
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait()

    async def terminate(self, within: float = 30.0) -> int:
        """SIGTERM (updates in progress finish), then the exit status; ``TimeoutError`` if
        it has not ended within ``within`` seconds (it is left running)."""
        assert self.popen is not None, f"{self.name} was never launched"
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.popen.wait, within)
            except subprocess.TimeoutExpired:
                raise TimeoutError(f"{self.name} still runs {within:g} s after SIGTERM") from None
        return self.popen.returncode

    async def stop(self, grace: float = 30.0) -> int:
        """SIGTERM, and SIGKILL after ``grace`` seconds; the exit status (0 if never
        launched)."""
        if self.popen is None:
            return 0
        with contextlib.suppress(TimeoutError):
            return await self.terminate(grace)
        self.kill()
        return self.popen.returncode

    # --- what it used ----------------------------------------------------------------------------

    def _process(self) -> psutil.Process:
        assert self.popen is not None, f"{self.name} was never launched"
        return psutil.Process(self.popen.pid)

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far."""
        times = self._process().cpu_times()
        return float(times.user + times.system)

    def main_thread_cpu_seconds(self) -> float:
        """CPU time of the first thread (the one running the event loop)."""
        process = self._process()
        for thread in process.threads():
            if thread.id == process.pid:
                return float(thread.user_time + thread.system_time)
        return 0.0

    def rss(self) -> int:
        return int(self._process().memory_info().rss)

    def peak_rss(self) -> int | None:
        """The high-water mark of the resident set (Linux ``VmHWM``), if known."""
        if self.popen is None:
            return None
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
        return None

    # --- its log ---------------------------------------------------------------------------------

    def log_text(self) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")
        return ""

    def log_lines(self) -> list[str]:
        return self.log_text().splitlines()

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_lines()[-lines:])

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


class ServeWorker(ChildProcess):
    """One ``samenspraak serve`` on 127.0.0.1:``port`` (reserve it with
    :func:`tests.support.ports.reserve_port`), named ``name`` (WORKER_NAME)."""

    def __init__(self, name: str, port: int, env: Mapping[str, str], workdir: Path) -> None:
        values = {**env, "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port), "WORKER_NAME": name}
        super().__init__(name, samenspraak("serve"), values, workdir)
        self.port = port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
