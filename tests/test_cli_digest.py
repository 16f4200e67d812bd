"""``samenspraak digest``: the digest in the terminal, for one questionnaire or from a date,
and ``--send`` to the digest group through a fake Bot API started here.

The database is a temporary SQLite file, filled the way the bot leaves it: the shipped
questionnaires stored, and responses with their answers. Answers are dated relative to the
real clock (the command has no other), two days and twenty days ago. The command runs in
this process (``main()`` is what the console script calls) with a clean environment and a
temporary working directory, and once as a real subprocess.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app.cli import main
from bot.core.config import Settings
from bot.staff.charts import PNG_SIGNATURE
from sandbox.fakeapi import FakeBotApi
from sandbox.limits import MAX_CAPTION
from storage import migrate
from storage.db import create_engine, session_factory
from storage.models import Digest
from tests.conftest import QUESTIONNAIRES, ROOT
from tests.digest.helpers import Response, add, store

TOKEN = "123456:TEST-TOKEN-samenspraak"
AFVAL = "Afval ophalen in Rivierstad"
NOW = datetime.now(UTC)
RECENT = NOW - timedelta(days=2)  # within the default period (the last 7 days)
OLDER = NOW - timedelta(days=20)  # only with --since

# Counted by hand. Last 7 days: inzameling kliko 2, ondergronds 1 (3 answers).
# Since 1 January: kliko 2, ondergronds 1, allebei 2 (5 answers).
RESPONSES = [
    (
        RECENT,
        {
            "wijk": "noord",
            "inzameling": "kliko",
            "ophaaldagen": 4,
            "grofvuil": 0,
            "informatie": ["kalender"],
            "melding": "geen",
            "idee": "De container zit vaak vol op zaterdag & <b>zondag</b>",
        },
    ),
    (
        RECENT,
        {
            "wijk": "noord",
            "inzameling": "kliko",
            "ophaaldagen": 2,
            "grofvuil": 0,
            "informatie": ["website"],
            "melding": "traag",
            "idee": None,
        },
    ),
    (
        RECENT,
        {
            "wijk": "oost",
            "inzameling": "ondergronds",
            "containers": ["vol", "vies"],
            "grofvuil": 0,
            "informatie": ["kalender"],
            "melding": "geen",
            "idee": "Meer ondergrondse containers in de wijk graag",
        },
    ),
    *[
        (
            OLDER,
            {
                "wijk": "zuid",
                "inzameling": "allebei",
                "ophaaldagen": 5,
                "containers": ["vol"],
                "grofvuil": 1,
                "grofvuil_tevreden": 3,
                "informatie": ["brief"],
                "melding": "snel",
                "idee": "Prima geregeld, alleen de milieustraat is ver weg",
            },
        )
    ]
    * 2,
]

pytestmark = pytest.mark.skipif(
    datetime(2026, 1, 2, tzinfo=UTC) > OLDER, reason="the answers must lie after 2026-01-01"
)


async def fill(
    database_url: str, responses: list[tuple[datetime, dict[str, Any]]] = RESPONSES
) -> None:
    engine = create_engine(database_url)
    try:
        await migrate.upgrade(engine)
        sessions = session_factory(engine)
        for path in sorted(QUESTIONNAIRES.glob("*.yaml")):
            await store(sessions, path)
        async with sessions.begin() as db:
            for moment, answers in responses:
                await add(
                    db,
                    "afvalinzameling",
                    Response(
                        answers,
                        started=moment,
                        answered=moment,
                        moderation={"idee": "approved"},
                    ),
                )
    finally:
        await engine.dispose()


async def digests(database_url: str) -> list[tuple[str, str | None, int]]:
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as db:
            rows = await db.execute(select(Digest.kind, Digest.questionnaire_id, Digest.chat_id))
            return [(str(k), q, int(c)) for k, q, c in rows]
    finally:
        await engine.dispose()


def clean_environment(monkeypatch: pytest.MonkeyPatch, folder: Path, **variables: str) -> str:
    """Only what the test sets: no setting from the caller's environment or a ``.env``."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.chdir(folder)
    database_url = f"sqlite+aiosqlite:///{folder / 'samenspraak.db'}"
    values = {
        "DATABASE_URL": database_url,
        "QUESTIONNAIRES_DIR": str(QUESTIONNAIRES),
        "PSEUDONYM_SECRET": "test-pseudonym-secret",
        **variables,
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return database_url


@pytest.fixture
def filled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A filled database in a clean environment; its URL."""
    database_url = clean_environment(monkeypatch, tmp_path)
    asyncio.run(fill(database_url))
    yield database_url


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["digest", *args])
    out, err = capsys.readouterr()
    return status, out, err


def paragraph(text: str, heading: str) -> list[str]:
    for block in text.split("\n\n"):
        if block.startswith(heading):
            return [line.lstrip("█▌▏ ") for line in block.split("\n")]
    raise AssertionError(f"no paragraph {heading!r} in:\n{text}")


INZAMELING = "Welke containers gebruik je voor je afval?"


def test_digest_prints_every_open_questionnaire_with_news_as_plain_text(
    filled: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys)
    assert (status, err) == (0, "")
    titles = [line for line in out.splitlines() if line.startswith("Tussenstand: ")]
    # Groen and School had nothing new in the period: left out, as in the group.
    assert titles == [f"Tussenstand: {AFVAL}"]
    assert out.startswith(f"Tussenstand: {AFVAL}\nPeriode: ")
    assert paragraph(out, "Reacties") == [
        "Reacties",
        "Nieuw in deze periode: 3 · afgerond in deze periode: 3",
        "Totaal: 5 van 5 afgerond (100%)",
    ]
    assert paragraph(out, INZAMELING) == [
        f"{INZAMELING} (3 antwoorden)",
        "67% (2) Eigen containers bij huis",
        "33% (1) Ondergrondse containers",
        "0% (0) Allebei",
    ]
    # Plain text: no tags, entities unescaped, the resident's own text as written.
    assert "<b>Tussenstand" not in out and "&amp;" not in out and "&lt;" not in out
    assert "«De container zit vaak vol op zaterdag & <b>zondag</b>»" in out


def test_residents_words_reach_the_terminal_without_hidden_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A right-to-left override (U+202E) reorders the words a civil servant reads; an ESC
    sequence or a carriage return is obeyed by a terminal. The quote shows neither."""
    database_url = clean_environment(monkeypatch, tmp_path)
    typed = "Leg \u202ePOTS\u202c bij de school \u2066neer\u2069\u200f, graag!\x1b[2J\rNep"
    answers = {**RESPONSES[0][1], "idee": typed}
    asyncio.run(fill(database_url, [(RECENT, answers)]))
    status, out, err = run(capsys, "--questionnaire", "afvalinzameling")
    assert (status, err) == (0, "")
    assert "«Leg POTS bij de school neer, graag![2J Nep»" in out
    assert not {"\u202e", "\u202c", "\u2066", "\u2069", "\u200f", "\x1b", "\r"} & set(out)


def test_digest_of_one_questionnaire_since_a_date(
    filled: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "--questionnaire", "afvalinzameling", "--since", "2026-01-01")
    assert (status, err) == (0, "")
    assert [line for line in out.splitlines() if line.startswith("Tussenstand: ")] == [
        f"Tussenstand: {AFVAL}"
    ]
    assert out.splitlines()[1].startswith("Periode: 1 jan 2026 00:00 – ")
    assert (
        paragraph(out, "Reacties")[1] == "Nieuw in deze periode: 5 · afgerond in deze periode: 5"
    )
    assert paragraph(out, INZAMELING) == [
        f"{INZAMELING} (5 antwoorden)",
        "40% (2) Eigen containers bij huis",
        "20% (1) Ondergrondse containers",
        "40% (2) Allebei",
    ]
    assert "Groen in de wijk" not in out

    status, out, _ = run(capsys, "-q", "afvalinzameling")
    assert status == 0
    assert paragraph(out, INZAMELING)[0] == f"{INZAMELING} (3 antwoorden)"


def test_unknown_questionnaire_and_bad_dates(
    filled: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "--questionnaire", "onbekend")
    assert (status, out) == (1, "")
    assert err == (
        "samenspraak: no questionnaire or deliberation 'onbekend'; "
        "see `samenspraak questionnaire list`\n"
    )

    status, out, err = run(capsys, "--since", "2999-01-01")
    assert (status, out, err) == (2, "", "samenspraak: --since must lie in the past\n")

    with pytest.raises(SystemExit) as exited:
        main(["digest", "--since", "1 januari"])
    assert exited.value.code == 2
    assert "'1 januari' is not a date like 2026-11-02" in capsys.readouterr().err

    status, out, err = run(capsys, "--send")
    assert (status, out) == (2, "")
    assert err == "samenspraak: DIGEST_CHAT_ID is not set: where should the digest go?\n"


async def test_send_delivers_the_text_and_the_chart_to_the_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    async with FakeBotApi(TOKEN) as fake:
        group = fake.group(title="Team participatie")
        database_url = clean_environment(
            monkeypatch,
            tmp_path,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=fake.url,
            DIGEST_CHAT_ID=str(group.id),
        )
        await fill(database_url)
        args = ["digest", "--questionnaire", "afvalinzameling", "--send"]
        status = await asyncio.to_thread(main, args)
        out, err = capsys.readouterr()
        assert (status, out, err) == (0, f"digest sent to {group.id}\n", "")
        text, chart = group.drain()
        assert text.text.startswith(f"Tussenstand: {AFVAL}\n")
        assert f"{INZAMELING} (3 antwoorden)" in text.text
        assert "«De container zit vaak vol op zaterdag & <b>zondag</b>»" in text.text
        assert chart.kind == "photo" and chart.photo is not None
        assert chart.photo.startswith(PNG_SIGNATURE)
        assert chart.caption is not None and chart.caption.startswith(AFVAL)
        assert len(chart.caption) < MAX_CAPTION
        await fake.settle()
        fake.assert_clean()
    assert await digests(database_url) == [("on_demand", "afvalinzameling", group.id)]


def test_the_console_command_in_a_subprocess(filled: str, tmp_path: Path) -> None:
    env: dict[str, Any] = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": filled,
        "QUESTIONNAIRES_DIR": str(QUESTIONNAIRES),
        "PSEUDONYM_SECRET": "test-pseudonym-secret",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot.app.cli", "digest", "--since", "2026-01-01"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith(f"Tussenstand: {AFVAL}\nPeriode: 1 jan 2026 00:00 – ")
    assert "40% (2) Allebei" in result.stdout
