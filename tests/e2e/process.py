"""The real ``samenspraak run`` in a subprocess, against the fake Bot API of the test.

Used where only a separate process will do: SIGKILL and SIGTERM. The environment is clean
(nothing from the caller but PATH), the working directory a temporary folder, and the
questionnaires the shipped ones.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sandbox.fakeapi import FakeBotApi
from tests.conftest import QUESTIONNAIRES, ROOT
from tests.e2e.conftest import TOKEN

SECRET = "test-pseudonym-secret"  # as BotRunner: tests.e2e.test_resilience.pseudonym works


class BotProcess:
    """Starts, kills and stops ``samenspraak run``; its log goes to ``folder/bot-<n>.log``."""

    def __init__(
        self, fake: FakeBotApi, database_url: str, folder: Path, **variables: str
    ) -> None:
        self.fake = fake
        self.folder = folder
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(folder),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": database_url,
            "QUESTIONNAIRES_DIR": str(QUESTIONNAIRES),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": fake.url,
            "PSEUDONYM_SECRET": SECRET,
            "RATE_LIMIT_PER_SECOND": "0",
            "MUNICIPALITY_NAME": "Rivierstad",
            **variables,
        }
        self.process: asyncio.subprocess.Process | None = None
        self.logs: list[Path] = []

    async def start(self, patience: float = 60) -> None:
        """Start and wait until it polls for updates."""
        assert self.process is None or self.process.returncode is not None
        log = self.folder / f"bot-{len(self.logs) + 1}.log"
        self.logs.append(log)
        polls = self._polls()
        with log.open("w") as stderr:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.app.cli",
                "run",
                cwd=self.folder,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        deadline = time.monotonic() + patience
        while self._polls() == polls:
            if self.process.returncode is not None:
                raise AssertionError(f"the bot stopped at start-up:\n{log.read_text()}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the bot did not start polling:\n{log.read_text()}")
            await asyncio.sleep(0.02)

    def _polls(self) -> int:
        # python-telegram-bot deletes any webhook right before it starts long polling.
        return sum(1 for call in self.fake.calls if call.method == "deleteWebhook")

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def terminate(self, patience: float = 30) -> int:
        """SIGTERM, then the exit status (``TimeoutError`` if it does not end in time)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), patience)

    async def close(self) -> None:
        """Make sure nothing is left running (after a failed test)."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()

    def log(self, index: int = -1) -> str:
        return self.logs[index].read_text()
