"""The deployment files say what the code does: the Dockerfile, docker-compose.yml, the
systemd unit and docs/deploying.md name only commands, settings and paths that exist.

Docker itself is not needed: the files are read and checked, and the image's health
check command is run against a real ``samenspraak serve`` server.
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from bot.app.cli import parser
from bot.app.webhook import HEALTH_PATH
from bot.core.config import Settings, load_settings
from sandbox.fakeapi import FakeBotApi
from tests.conftest import ROOT
from tests.e2e.conftest import TOKEN, WebhookRunner, running_bot

SETTINGS = {name.upper() for name in Settings.model_fields}


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def env_names(arguments: str) -> set[str]:
    return set(re.findall(r"([A-Z][A-Z0-9_]*)=", arguments))


def subcommands() -> set[str]:
    action = next(a for a in parser()._actions if a.dest == "command")
    return set(action.choices)  # type: ignore[arg-type]


# --- Dockerfile -------------------------------------------------------------------------------

DOCKERFILE = instructions(ROOT / "Dockerfile")


def _one(keyword: str) -> str:
    values = [rest for kw, rest in DOCKERFILE if kw == keyword]
    assert len(values) == 1, f"{keyword}: {values}"
    return values[0]


def test_dockerfile_builds_on_slim_python_and_runs_serve_as_a_user() -> None:
    assert re.fullmatch(r"python:3\.1[1-9]-slim", _one("FROM"))
    assert json.loads(_one("CMD")) == ["samenspraak", "serve"]
    assert "serve" in subcommands() and "run" in subcommands()
    user = _one("USER")
    assert user not in ("root", "0")
    runs = " ".join(rest for kw, rest in DOCKERFILE if kw == "RUN")
    assert "pip install ." in runs
    assert "useradd" in runs and user in runs
    # The user is switched to after everything is installed, before the command.
    order = [kw for kw, _ in DOCKERFILE]
    assert order.index("USER") > max(i for i, kw in enumerate(order) if kw == "RUN")


def test_dockerfile_copies_what_exists_and_sets_real_settings() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    for keyword, rest in DOCKERFILE:
        if keyword == "COPY":
            *sources, _target = rest.split()
            for source in sources:
                assert (ROOT / source).exists(), source
                assert source not in ignored, f"{source} is in .dockerignore"
    env = " ".join(rest for kw, rest in DOCKERFILE if kw == "ENV")
    ours = {name for name in env_names(env) if not name.startswith(("PYTHON", "PIP", "MPL"))}
    assert ours and ours <= SETTINGS, ours - SETTINGS
    port = re.search(r"HTTP_PORT=(\d+)", env)
    assert port and _one("EXPOSE") == port.group(1)


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".env", ".venv", "data", ".git"} <= ignored
    assert not {"README.md", "pyproject.toml", "bot", "questionnaires"} & ignored


def _healthcheck_command() -> list[str]:
    arguments = _one("HEALTHCHECK")
    command = json.loads(arguments[arguments.index("CMD ") + 4 :])
    assert command[0] == "python" and HEALTH_PATH in command[-1]
    return [sys.executable, *command[1:]]


async def test_the_image_health_check_asks_healthz(tmp_path: Path, database_url: str) -> None:
    """The HEALTHCHECK command itself, against a running server: 0 when healthy, else 1."""
    command = _healthcheck_command()

    async def check(port: int) -> int:
        process = await asyncio.create_subprocess_exec(
            *command,
            env={"HTTP_PORT": str(port), "PATH": "/usr/bin:/bin"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return await asyncio.wait_for(process.wait(), 30)

    async with FakeBotApi(TOKEN) as fake:
        async with running_bot(fake, database_url, webhook=True) as runner:
            assert isinstance(runner, WebhookRunner)
            assert await check(runner.port) == 0
        assert await check(runner.port) == 1  # nothing listens any more


# --- docker-compose.yml -----------------------------------------------------------------------

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _substituted(value: str) -> str:
    """``${NAME:?message}`` as Compose fills it in, with a stand-in value."""
    return re.sub(r"\$\{[A-Z_]+(:?[-?][^}]*)?\}", "x1", value)


def test_compose_runs_postgres_and_two_serve_workers() -> None:
    services = COMPOSE["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert "healthcheck" in services["db"]
    workers = {
        name: s for name, s in services.items() if s.get("command") == ["samenspraak", "serve"]
    }
    assert len(workers) == 2
    names, ports, secrets = set(), set(), set()
    for worker in workers.values():
        env = worker["environment"]
        assert set(env) <= SETTINGS, set(env) - SETTINGS
        settings = load_settings(
            _env_file=None, **{k.lower(): _substituted(str(v)) for k, v in env.items()}
        )
        assert settings.database_url.startswith("postgresql+asyncpg://")
        assert settings.http_host == "0.0.0.0"
        assert worker["env_file"] == ".env"
        assert worker["stop_grace_period"] == "30s"
        assert "db" in worker["depends_on"] or any(d in workers for d in worker["depends_on"])
        names.add(env["WORKER_NAME"])
        ports.update(worker["ports"])
        secrets.add(env["PSEUDONYM_SECRET"])
    assert len(names) == 2 and len(ports) == 2
    assert len(secrets) == 1  # one pseudonym key for every worker


# --- systemd ----------------------------------------------------------------------------------

UNIT = ROOT / "deploy" / "samenspraak.service"


def _unit() -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def test_systemd_unit_runs_polling_as_a_user_with_hardening() -> None:
    unit = _unit()
    command = shlex.split(unit["ExecStart"][0])
    assert command[-2:] == ["samenspraak", "run"] or command[-1] == "run"
    assert Path(command[0]).name == "samenspraak"
    assert unit["User"][0] not in ("root", "0")
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "KillSignal": "SIGTERM",
        "RestartPreventExitStatus": "2",
    }.items():
        assert unit[key] == [value], key
    assert unit["ReadWritePaths"] == unit["WorkingDirectory"]
    names = {v.partition("=")[0] for v in unit["Environment"]}
    assert {n for n in names if n != "MPLCONFIGDIR"} <= SETTINGS


def test_systemd_unit_passes_systemd_analyze(tmp_path: Path) -> None:
    """``systemd-analyze verify`` (where systemd is installed), with this venv's command."""
    analyze = shutil.which("systemd-analyze")
    executable = Path(sys.executable).with_name("samenspraak")
    assert executable.exists()
    unit = tmp_path / "samenspraak.service"
    text = UNIT.read_text(encoding="utf-8")
    unit.write_text(re.sub(r"ExecStart=\S+", f"ExecStart={executable}", text))
    assert f"ExecStart={executable} run" in unit.read_text()
    if analyze is not None:
        result = subprocess.run(
            [analyze, "verify", str(unit)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""


# --- docs/deploying.md ------------------------------------------------------------------------

DOCS = (ROOT / "docs" / "deploying.md").read_text(encoding="utf-8")
NOT_SETTINGS = {"POSTGRES_PASSWORD", "PGURL", "POST"}


def test_deploying_names_only_real_settings_commands_and_files() -> None:
    variables = set(re.findall(r"`([A-Z][A-Z0-9_]{3,})`", DOCS))
    assert {"WEBHOOK_URL", "WEBHOOK_SECRET", "DATABASE_URL", "PSEUDONYM_SECRET"} <= variables
    assert variables - NOT_SETTINGS <= SETTINGS, variables - NOT_SETTINGS - SETTINGS
    commands = set(re.findall(r"(?<![\w/.-])samenspraak ([a-z]{2,})\b", DOCS))
    assert {"run", "serve", "db"} <= commands
    for command in commands - {"samenspraak"}:  # `docker run ... samenspraak samenspraak run`
        assert command in subcommands(), command
    for link in re.findall(r"\]\(([^)#:]+)\)", DOCS):
        assert (ROOT / link).exists(), link
    assert "--max-connections" in DOCS and HEALTH_PATH in DOCS
