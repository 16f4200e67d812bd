"""``samenspraak serve`` worker processes for tests: started, health-checked, stopped
cleanly (SIGTERM) or killed (SIGKILL). Each logs to a file of its own."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import aiohttp

from tests.conftest import ROOT


def samenspraak() -> list[str]:
    """The ``samenspraak`` command of this virtual environment (it imports the project from
    PYTHONPATH first, so a worker runs this source tree)."""
    script = Path(sys.executable).parent / "samenspraak"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot.app.cli"]


def base_environment(**settings: str) -> dict[str, str]:
    """A clean environment: the settings given, nothing from the caller's ``.env``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
    }
    env["PYTHONPATH"] = str(ROOT)
    env.update(settings)
    return env


class WorkerProcess:
    """One ``samenspraak serve`` on 127.0.0.1:``port``."""

    def __init__(self, name: str, port: int, env: Mapping[str, str], workdir: Path) -> None:
        self.name = name
        self.port = port
        self.env = {**env, "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port), "WORKER_NAME": name}
        self.workdir = workdir
        self.log_path = workdir / f"{name}.log"
        self.popen: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.popen = subprocess.Popen(
                [*samenspraak(), "serve"],
                env=self.env,
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def ready(self, within: float = 60.0) -> None:
        """Wait until ``/healthz`` answers 200 (the server listens, the database answers)."""
        deadline = time.monotonic() + within
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
            while True:
                if self.popen is None or self.popen.poll() is not None:
                    raise RuntimeError(f"{self.name} exited while starting:\n{self.log_tail()}")
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with http.get(f"{self.url}/healthz") as response:
                        if response.status == 200:
                            return
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"{self.name} not ready in {within:g} s:\n{self.log_tail()}"
                    )
                await asyncio.sleep(0.1)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine dies."""
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait()

    async def stop(self, grace: float = 30.0) -> int:
        """SIGTERM (in-flight updates finish), SIGKILL after ``grace`` seconds."""
        if self.popen is None:
            return 0
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.popen.wait, grace)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                await asyncio.to_thread(self.popen.wait)
        return self.popen.returncode

    def log_lines(self) -> list[str]:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace").splitlines()
        return []

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_lines()[-lines:])
