"""The real ``samenspraak run`` in a subprocess, against the fake Bot API of the test.

Used where only a separate process will do: SIGKILL and SIGTERM. The environment is clean
(``tests.support.processes.environment``), the working directory (and HOME) a temporary
folder, and the settings those of every bot under test (``tests.support.bots``).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sandbox.fakeapi import FakeBotApi
from tests.support.bots import bot_environment
from tests.support.processes import ChildProcess, environment, polling, samenspraak


class BotProcess:
    """Starts, kills and stops ``samenspraak run``; each start logs to ``folder/bot-<n>.log``."""

    def __init__(
        self, fake: FakeBotApi, database_url: str, folder: Path, **variables: str
    ) -> None:
        self.fake = fake
        self.folder = folder
        self.env = environment(
            home=folder, **{**bot_environment(database_url, fake.url), **variables}
        )
        self.runs: list[ChildProcess] = []

    async def start(self, patience: float = 60) -> None:
        """Start and wait until it polls for updates."""
        assert not self.runs or not self.runs[-1].running()
        run = ChildProcess(f"bot-{len(self.runs) + 1}", samenspraak("run"), self.env, self.folder)
        self.runs.append(run)
        run.launch()
        await run.wait_until(polling(self.fake), within=patience)

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind (the test's event loop goes on meanwhile)."""
        await asyncio.to_thread(self.runs[-1].kill)

    async def terminate(self, patience: float = 30) -> int:
        """SIGTERM, then the exit status (``TimeoutError`` if it does not end in time)."""
        return await self.runs[-1].terminate(within=patience)

    async def close(self) -> None:
        """Make sure nothing is left running (after a failed test)."""
        for run in self.runs:
            run.kill()

    def log(self, index: int = -1) -> str:
        return self.runs[index].log_text()

    def errors(self, limit: int = 8000) -> str:
        """What the runs logged from their first ERROR on (at most ``limit`` characters of
        each such run): the cause to show when a resident saw an apology."""
        found = []
        for run in self.runs:
            text = run.log_text()
            start = text.find(" ERROR ")
            if start >= 0:
                found.append(f"--- {run.name} ---\n{text[start : start + limit]}")
        return "\n".join(found) or "(no errors in the bot's logs)"
