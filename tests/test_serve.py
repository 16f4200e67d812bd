"""``samenspraak serve`` as an operator starts it: the real command in a subprocess.

Configuration problems stop it with one line and exit status 2; a port that is taken with
one line and status 1; SIGTERM lets an update in progress finish, then it exits with 0.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp
import pytest

from sandbox.fakeapi import FakeBotApi
from tests.e2e.conftest import TOKEN, WEBHOOK_SECRET
from tests.support.bots import bot_environment
from tests.support.ports import reserve_port
from tests.support.processes import ChildProcess, registered
from tests.test_cli import (
    Result,
    assert_clean_log,
    assert_one_line_error,
    command,
    environment,
    samenspraak,
)

WEBHOOK = {"WEBHOOK_URL": "https://bot.gemeente.example/telegram", "WEBHOOK_SECRET": "s3cr3t"}
CONFIG_CASES: dict[str, tuple[dict[str, str], list[str]]] = {
    # name: (variables, what the one line says)
    "no url": (
        {"WEBHOOK_SECRET": "s3cr3t"},
        ["WEBHOOK_URL is not set", "samenspraak run"],
    ),
    "no secret": (
        {"WEBHOOK_URL": WEBHOOK["WEBHOOK_URL"]},
        ["WEBHOOK_SECRET is not set", "token_urlsafe"],
    ),
    "bad secret": (
        {**WEBHOOK, "WEBHOOK_SECRET": "geheim wachtwoord!"},
        ["WEBHOOK_SECRET: must be 1-256 characters"],
    ),
    "bad url": ({**WEBHOOK, "WEBHOOK_URL": "bot.gemeente.example"}, ["WEBHOOK_URL: must be"]),
    "health path": (
        {**WEBHOOK, "WEBHOOK_URL": "https://bot.gemeente.example/healthz"},
        ["WEBHOOK_URL: its path must not be /healthz"],
    ),
    "no token": ({**WEBHOOK, "TELEGRAM_BOT_TOKEN": ""}, ["TELEGRAM_BOT_TOKEN is not set"]),
    "http url": (
        {**WEBHOOK, "WEBHOOK_URL": "http://bot.gemeente.example:5000/telegram"},
        ["WEBHOOK_URL: Telegram posts only to https:// on port 443, 80, 88 or 8443"],
    ),
}


@pytest.fixture(scope="module")
def config_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    """Each case once, side by side (every start of Python costs most of a second)."""
    base = tmp_path_factory.mktemp("serve")

    def run(name: str) -> Result:
        folder = base / name.replace(" ", "-")
        folder.mkdir()
        variables = {"TELEGRAM_BOT_TOKEN": TOKEN, **CONFIG_CASES[name][0]}
        return samenspraak(folder, "serve", **variables)

    with ThreadPoolExecutor(3) as pool:
        return dict(zip(CONFIG_CASES, pool.map(run, CONFIG_CASES), strict=True))


@pytest.mark.parametrize("case", list(CONFIG_CASES))
def test_a_configuration_problem_stops_serve_with_one_line(
    config_runs: dict[str, Result], case: str
) -> None:
    line = assert_one_line_error(config_runs[case], 2, *CONFIG_CASES[case][1])
    assert "s3cr3t" not in line  # the secret is never shown


def test_serve_options_are_checked(tmp_path: Path) -> None:
    result = samenspraak(tmp_path, "serve", "--port", "99999", **WEBHOOK)
    assert result.returncode == 2
    assert "'99999' is not a port number" in result.stderr
    help_text = samenspraak(tmp_path, "serve", "--help").stdout
    for option in ("--host", "--port", "--max-connections"):
        assert option in help_text


def _serve_environment(
    folder: Path, fake: FakeBotApi, database_url: str, port: int
) -> dict[str, str]:
    return environment(
        folder,
        **bot_environment(
            database_url,
            fake.url,
            webhook_url=f"http://127.0.0.1:{port}/telegram",
            webhook_secret=WEBHOOK_SECRET,
            http_host="127.0.0.1",
            http_port=port,
        ),
    )


async def test_a_port_in_use_stops_serve_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with FakeBotApi(TOKEN) as fake:
            database = f"sqlite+aiosqlite:///{tmp_path / 'samenspraak.db'}"
            process = await asyncio.create_subprocess_exec(
                *command("serve"),
                cwd=tmp_path,
                env=_serve_environment(tmp_path, fake, database, port),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    assert out == b""
    text = err.decode()
    assert "Traceback" not in text and "abruptly" not in text
    last = text.splitlines()[-1]  # after the start-up's log lines
    assert last == f"samenspraak: cannot listen on 127.0.0.1:{port}: address already in use"
    assert not any(call.method == "setWebhook" for call in fake.calls)  # never registered


async def test_sigterm_finishes_the_update_in_progress_then_exits_0(
    tmp_path: Path, database_url: str
) -> None:
    port = reserve_port()  # held while serve may listen on it
    async with FakeBotApi(TOKEN) as fake:
        env = _serve_environment(tmp_path, fake, database_url, port.port)
        serve = ChildProcess("serve", command("serve"), env, tmp_path)
        serve.launch()
        try:
            await serve.wait_until(registered(fake), within=60)
            deadline = time.monotonic() + 60
            async with aiohttp.ClientSession() as session:
                async with session.get(f"{port.url}/healthz") as response:
                    assert response.status == 200

                # The welcome is refused once with "retry after 1 s": when SIGTERM comes the
                # update is still in progress, waiting to send it again.
                fake.fail_next("sendMessage", status=429, retry_after=1)
                resident = fake.user(first_name="Naam")
                await resident.send("/start")
                while not any(c.method == "sendMessage" and not c.ok for c in fake.calls):
                    assert time.monotonic() < deadline, "the bot never tried to answer"
                    await asyncio.sleep(0.01)
                status = await serve.terminate(within=30)
                assert status == 0, serve.log_text()
                assert "Doe je mee?" in resident.messages[-1].text  # sent after SIGTERM

                with pytest.raises(aiohttp.ClientConnectionError):  # no longer listening
                    await session.get(f"{port.url}/healthz")
        finally:
            serve.kill()
            port.release()
        await fake.settle()
        fake.assert_clean()
    log = serve.log_text()
    assert_clean_log(log, resident.id, "serving its webhook", "finishing updates in progress")
