"""The real ``samenspraak`` command in a subprocess, with a clean environment: the working
directory is a temporary folder (no ``.env``), the database lives in it, and the
questionnaires are the shipped ones."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pyreadstat
import pytest

from bot.app import manage
from bot.app.cli import READER_GONE, main
from bot.core.services import Pseudonyms
from flows import b1, deliberation
from flows.loader import load_file
from flows.texts import COMMANDS
from flows.variables import FIXED as FIXED_COLUMNS
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from storage import migrate
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import TOKEN, WEBHOOK_SECRET, BotRunner
from tests.e2e.test_resilience import ORDER, PLAN, SECRET, Step, answer, open_afval, walk
from tests.support.processes import ROOT, ChildProcess, polling
from tests.support.processes import environment as clean_environment
from tests.support.shipped import shipped_version

SHIPPED = ["afvalinzameling", "burgerpeiling", "groen-in-de-wijk", "schoolroutes", "wijkpeiling"]
STELLINGEN = QUESTIONNAIRES / "stellingen" / "autoluw-centrum.yaml"
POLIS = ROOT / "tests" / "fixtures" / "polis"
# How many questions each shipped file has (the Burgerpeiling is the long one).
QUESTIONS = {"burgerpeiling": 32, "groen-in-de-wijk": 11, "wijkpeiling": 13}
CONSOLE_SCRIPT = Path(sys.executable).with_name("samenspraak")
Result = subprocess.CompletedProcess[str]


def environment(folder: Path, **variables: str) -> dict[str, str]:
    """A clean environment (``tests.support.processes.environment``) with HOME, and a
    database, in ``folder``, and the shipped questionnaires."""
    return clean_environment(
        home=folder,
        **{
            "DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'samenspraak.db'}",
            "QUESTIONNAIRES_DIR": str(QUESTIONNAIRES),
            **variables,
        },
    )


def command(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot.app.cli", *args]


def samenspraak(folder: Path, *args: str, **variables: str) -> Result:
    return subprocess.run(
        command(*args),
        cwd=folder,
        env=environment(folder, **variables),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def assert_clean_log(log: str, resident_id: int, *said: str) -> None:
    """A run's log: no traceback, each of ``said``, neither the bot token (nor its secret
    part) nor the webhook secret, and not the Telegram id of the resident who talked to it:
    logs name residents by pseudonym only."""
    assert "Traceback" not in log
    for text in said:
        assert text in log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log and WEBHOOK_SECRET not in log
    assert str(resident_id) not in log


def lines(text: str) -> list[str]:
    return text.splitlines()


def assert_one_line_error(result: Result, status: int, *expected: str) -> str:
    assert result.returncode == status, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(lines(result.stderr)) == 1, result.stderr
    line = result.stderr.strip()
    assert line.startswith("samenspraak: ")
    for part in expected:
        assert part in line
    return line


# Each start of Python with the bot's libraries costs a good part of a second, so the
# commands run once, side by side, in the module fixture ``runs``; the tests look at results.

MALFORMED = [
    # (variable, value, what the one line must say)
    ("DIGEST_CHAT_ID", "de-groep", "DIGEST_CHAT_ID: Input should be a valid integer"),
    ("SESSION_TIMEOUT", "soon", "SESSION_TIMEOUT: use a duration such as 3d, 72h, 90m"),
    ("TIMEZONE", "Europe", "TIMEZONE: is not a known time zone, e.g. Europe/Amsterdam"),
]
UNREACHABLE = "postgresql+asyncpg://samenspraak:geheim@127.0.0.1:9/samenspraak"  # port 9: shut


def broken_questionnaire(folder: Path) -> tuple[Path, int, int]:
    """schoolroutes with an unknown question type and a misspelt field (and a missing
    translation, which is a warning: said of a file that is otherwise valid)."""
    source = (QUESTIONNAIRES / "schoolroutes.yaml").read_text(encoding="utf-8")
    source = source.replace("    type: yesno", "    type: jaofnee", 1)
    source = source.replace("  en: Safe routes to school\n", "", 1)
    source = source.replace("    max_length:", "    max_lenght:", 1)
    path = folder / "kapot.yaml"
    path.write_text(source, encoding="utf-8")
    numbered = source.splitlines()
    typo = next(n for n, line in enumerate(numbered, 1) if "max_lenght" in line)
    return path, numbered.index("    type: jaofnee") + 1, typo


def untranslated_questionnaire(folder: Path) -> Path:
    """schoolroutes without its English title: valid, with a warning."""
    source = (QUESTIONNAIRES / "schoolroutes.yaml").read_text(encoding="utf-8")
    path = folder / "half.yaml"
    path.write_text(source.replace("  en: Safe routes to school\n", "", 1), encoding="utf-8")
    return path


AMBTELIJK = (
    "Middels deze vragenlijst wensen wij te inventariseren in hoeverre u voornemens bent te "
    "participeren in het beleidsvoornemen inzake de herinrichting van de openbare ruimte."
)


def ambtelijk_questionnaire(folder: Path) -> Path:
    """schoolroutes with its first question rewritten in ambtelijk Dutch: valid, and the B1
    check has something to say."""
    source = (QUESTIONNAIRES / "schoolroutes.yaml").read_text(encoding="utf-8")
    first = load_file(QUESTIONNAIRES / "schoolroutes.yaml").questions[0].text.nl
    assert first in source
    path = folder / "ambtelijk.yaml"
    path.write_text(source.replace(first, AMBTELIJK, 1), encoding="utf-8")
    return path


def b1_report(stdout: str, path: Path) -> list[str]:
    """The B1 lines printed after the ok line of ``path``."""
    said = lines(stdout)
    start = said.index(next(line for line in said if line.startswith(f"ok  {path}:")))
    end = next((n for n in range(start + 1, len(said)) if said[n].startswith("ok  ")), len(said))
    return [line for line in said[start + 1 : end] if line.startswith(("B1", "Taalcheck", "  "))]


Case = list[tuple[list[str], dict[str, str]]]  # commands run one after the other, in one folder


def simple_cases(base: Path) -> dict[str, Case]:
    cases: dict[str, Case] = {
        "validate": [(["questionnaire", "validate", str(QUESTIONNAIRES)], {})],
        "validate broken": [(["questionnaire", "validate", str(base / "kapot.yaml")], {})],
        "validate broken nl": [
            (["questionnaire", "validate", "--lang", "nl", str(base / "kapot.yaml")], {})
        ],
        "validate untranslated": [
            (["questionnaire", "validate", "--lang", "nl", str(base / "half.yaml")], {})
        ],
        "validate ambtelijk": [
            (["questionnaire", "validate", "--lang", "nl", str(base / "ambtelijk.yaml")], {})
        ],
        "validate stellingen": [(["questionnaire", "validate", str(STELLINGEN)], {})],
        "list": [(["questionnaire", "list"], {})],
        "db": [(["db", "upgrade"], {}), (["db", "current"], {})],
    }
    for variable, value, _ in MALFORMED:
        variables = {"TELEGRAM_BOT_TOKEN": TOKEN, variable: value}
        cases[f"malformed {variable}"] = [(["run"], variables)]
    return cases


def run_case(folder: Path, case: Case) -> list[Result]:
    folder.mkdir(exist_ok=True)
    return [samenspraak(folder, *args, **variables) for args, variables in case]


@dataclass
class Runs:
    simple: dict[str, list[Result]]  # by case name
    today: str  # the local date when the residents answered
    # To standard output, to a file, of an unknown questionnaire, as SPSS to a file and
    # (refused) to standard output.
    exports: list[Result]


# The module's fixture runs every subprocess below once (about forty, three at a time); on a
# busy 2-core machine that alone can take two minutes, more than the suite's 120 s per test.
pytestmark = pytest.mark.timeout(360)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Every subprocess of the tests below, three at a time, while residents answer through
    the bot in this process (for the exports)."""
    base = tmp_path_factory.mktemp("cli")
    broken_questionnaire(base)
    untranslated_questionnaire(base)
    ambtelijk_questionnaire(base)
    export = base / "export"
    (export / "uitvoer").mkdir(parents=True)
    exports: list[Case] = [
        [(["export", "--questionnaire", "afvalinzameling"], {})],
        [(["export", "-q", "afvalinzameling", "--output", str(export / "uitvoer/afval.csv")], {})],
        [(["export", "-q", "parkeren", "-o", str(export / "niets.csv")], {})],
        [(["export", "-q", "afvalinzameling", "-f", "sav", "-o", str(export / "afval.sav")], {})],
        [(["export", "-q", "afvalinzameling", "--format", "sav"], {})],
    ]
    with ThreadPoolExecutor(3) as pool:
        simple = {
            name: pool.submit(run_case, base / name.replace(" ", "-"), case)
            for name, case in simple_cases(base).items()
        }
        today = local_today()
        asyncio.run(fill(f"sqlite+aiosqlite:///{export / 'samenspraak.db'}"))
        exported = [pool.submit(run_case, export, case) for case in exports]
        return Runs(
            {name: job.result() for name, job in simple.items()},
            today,
            [job.result()[0] for job in exported],
        )


@pytest.fixture
def ran(runs: Runs) -> dict[str, list[Result]]:
    return runs.simple


# --- run: configuration problems --------------------------------------------------------------


def test_run_without_a_token_says_how_to_get_one(tmp_path: Path) -> None:
    """Through the installed console script, as an administrator runs it."""
    script = [str(CONSOLE_SCRIPT), "run"] if CONSOLE_SCRIPT.exists() else command("run")
    result = subprocess.run(
        script,
        cwd=tmp_path,
        env=environment(tmp_path, TELEGRAM_BOT_TOKEN=""),  # empty is the same as not set
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    line = assert_one_line_error(result, 2, "TELEGRAM_BOT_TOKEN", "@BotFather", "/newbot")
    assert line.startswith("samenspraak: TELEGRAM_BOT_TOKEN is not set.")
    assert list(tmp_path.iterdir()) == []  # stopped before making a database or data/


@pytest.mark.parametrize(("variable", "value", "expected"), MALFORMED)
def test_malformed_settings_stop_with_one_line_naming_the_variable(
    ran: dict[str, list[Result]], variable: str, value: str, expected: str
) -> None:
    [result] = ran[f"malformed {variable}"]
    line = assert_one_line_error(result, 2, f"samenspraak: {expected}")
    assert line.endswith(f"(got {value!r})")


def test_a_token_telegram_refuses(tmp_path: Path) -> None:
    async def attempt() -> Result:
        async with FakeBotApi("654321:ANOTHER-BOT-TOKEN") as fake:  # answers 401 to ours
            return await asyncio.to_thread(
                samenspraak, tmp_path, "run", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=fake.url
            )

    result = asyncio.run(attempt())
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    last = lines(result.stderr)[-1]  # after the start-up log lines
    assert last.startswith("samenspraak: http://127.0.0.1:")
    assert last.endswith(
        "does not accept TELEGRAM_BOT_TOKEN; copy the token again from "
        "@BotFather (or send /revoke there for a new one)"
    )
    assert TOKEN not in result.stderr and TOKEN.split(":")[1] not in result.stderr


def test_an_unreachable_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In this process (``main()`` is what the console script calls): a closed port."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", UNREACHABLE)
    assert main(["db", "current"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("samenspraak: cannot use the database: ")
    assert len(lines(err)) == 1 and "geheim" not in err  # the password in DATABASE_URL


@pytest.mark.parametrize(
    "args",
    [
        # More than stdout's buffer: the write fails inside the command ("cannot use the
        # database: [Errno 32] Broken pipe", before).
        ("stellingen", "analyse", str(POLIS / "scoop-hivemind.biodiversity"), "--json"),
        # Less: the write fails when the output is flushed ("Exception ignored...", before).
        ("questionnaire", "validate", str(QUESTIONNAIRES)),
    ],
    ids=["much", "little"],
)
def test_a_reader_that_stops_reading_ends_the_command_quietly(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    """``samenspraak ... | head -1``: when ``head`` has what it wants, the command stops
    without a word, with the status a shell gives a command ended by SIGPIPE."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written
    try:
        result = subprocess.run(
            command(*args),
            cwd=tmp_path,
            env=environment(tmp_path),
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write)
    assert result.stderr == ""
    assert result.returncode == READER_GONE == 141


def test_another_broken_connection_is_still_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken pipe that is not stdout's (the database's connection) is not hushed."""

    def broken(args: object) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(manage, "cmd_list", broken)
    assert main(["questionnaire", "list"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "samenspraak: cannot use the database: [Errno 32] Broken pipe\n"


# --- questionnaire ----------------------------------------------------------------------------


def test_validate_the_shipped_questionnaires(ran: dict[str, list[Result]]) -> None:
    [result] = ran["validate"]
    assert result.returncode == 0, result.stdout + result.stderr
    talk = deliberation.load_file(STELLINGEN)
    assert [line for line in lines(result.stdout) if line.startswith("ok  ")] == [
        f"ok  {QUESTIONNAIRES / name}.yaml: {name} version {shipped_version(name)}, "
        f"{QUESTIONS.get(name, 10)} questions"
        for name in SHIPPED
    ] + [f"ok  {STELLINGEN}: {talk.id} version {talk.version}, {len(talk.statements)} statements"]
    assert result.stderr == ""


def test_validate_checks_a_deliberation_as_the_upload_does_with_its_b1_report(
    ran: dict[str, list[Result]],
) -> None:
    """``kind: stellingen`` is a deliberation, not a questionnaire with errors."""
    [result] = ran["validate stellingen"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    talk = deliberation.load_file(STELLINGEN)
    head, *parts = b1_report(result.stdout, STELLINGEN)
    assert head == "B1 language check (Flesch-Douma: 60 or more reads easily):"
    names = [line.split(":")[0].strip() for line in parts]
    assert names == ["intro", *(statement.id for statement in talk.statements)]


def test_validate_prints_the_b1_report_of_every_shipped_questionnaire(
    ran: dict[str, list[Result]],
) -> None:
    """After each file's ok line: the B1 check's heading and one line per part (the
    opening, each question, the closing text), each with its Flesch-Douma score. Every
    shipped file, whichever they are."""
    [result] = ran["validate"]
    shipped = sorted(QUESTIONNAIRES.glob("*.yaml"))
    assert shipped
    for path in shipped:
        questionnaire = load_file(path)
        names = ["intro", *(q.id for q in questionnaire.questions)]
        names += ["outro"] if questionnaire.outro else []
        head, *parts = b1_report(result.stdout, path)
        assert head == "B1 language check (Flesch-Douma: 60 or more reads easily):"
        assert [line.split(":")[0].strip() for line in parts] == names
        for line, part in zip(parts, b1.report(questionnaire), strict=True):
            if part.score is None:  # a text of a few words has no score
                assert "score" not in line
            else:
                assert f": score {round(part.score)}" in line, line
            assert ("reads easily" in line) is not part.warns, line


def test_validate_offers_simpler_words_for_an_ambtelijk_question(
    ran: dict[str, list[Result]],
) -> None:
    [result] = ran["validate ambtelijk"]
    assert result.returncode == 0, result.stdout + result.stderr  # warnings, not errors
    path = Path(result.args[-1])
    head, *parts = b1_report(result.stdout, path)
    assert head == "Taalcheck B1 (Flesch-Douma: 60 of hoger leest makkelijk):"
    first = load_file(path).questions[0].id
    [line] = [p for p in parts if p.startswith(f"  {first}: ")]
    assert "moeilijk te lezen" in line
    assert "lange zin (24 woorden; liefst hoogstens 20)" in line
    for pair in ("participeren → meedoen", "inzake → over", "Middels → met of door"):
        assert pair in line
    assert result.stderr == ""


def test_validate_a_broken_file_lists_every_problem(
    ran: dict[str, list[Result]], tmp_path: Path
) -> None:
    [result] = ran["validate broken"]
    path, type_line, typo_line = broken_questionnaire(tmp_path)  # the same text
    broken = Path(result.args[-1])
    assert broken.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    assert result.returncode == 1
    assert lines(result.stdout) == [
        f"{broken}:{type_line}: questions.kinderen.type: must be one of: "
        "choice, multi, scale, yesno, text, number, area, grid, ranking, date (not 'jaofnee')",
        f"{broken}:{typo_line}: questions.plek.max_lenght: is not a known field. "
        "Did you mean 'max_length'? Known here: id, text, optional, dimension, label, "
        "variable, next, show_if, image, image_alt, type, min_length, max_length",
    ]
    assert result.stderr == "2 problem(s) found\n"


def test_validate_in_dutch_says_what_is_allowed(ran: dict[str, list[Result]]) -> None:
    [result] = ran["validate broken nl"]
    broken = Path(result.args[-1])
    assert result.returncode == 1
    assert [
        line.removeprefix(f"{broken}:").split(": ", 2)[2] for line in lines(result.stdout)
    ] == [
        "'jaofnee' is geen soort vraag. Kies uit: choice, multi, scale, yesno, text, number, "
        "area, grid, ranking, date",
        "is geen veld dat ik ken. Bedoel je 'max_length'? Hier kan: id, text, optional, "
        "dimension, label, variable, next, show_if, image, image_alt, "
        "type, min_length, max_length",
    ]
    assert result.stderr == "problemen gevonden: 2\n"


def test_validate_warns_of_missing_translations_in_one_line(ran: dict[str, list[Result]]) -> None:
    [result] = ran["validate untranslated"]
    path = Path(result.args[-1])
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines(result.stdout)[:2] == [
        f"ok  {path}: schoolroutes version {shipped_version('schoolroutes')}, 10 questions",
        f"{path}: let op: de Engelse vertaling (en) ontbreekt bij: title (1 in totaal). Wie de "
        "bot in het Engels gebruikt, ziet daar de Nederlandse tekst",
    ]
    assert lines(result.stdout)[2:] == b1_report(result.stdout, path)  # then only the B1 check
    assert result.stderr == ""


def test_list_shows_the_shipped_questionnaires(ran: dict[str, list[Result]]) -> None:
    [result] = ran["list"]
    assert result.returncode == 0, result.stderr
    header, *rows = lines(result.stdout)
    assert header.split() == ["id", "version", "status", "now", "responses", "title"]
    assert [row.split()[:5] for row in rows] == [
        [n, str(shipped_version(n)), "open", "open", "0"] for n in SHIPPED
    ]
    assert [row.split(maxsplit=5)[5] for row in rows] == [
        "Afval ophalen in Rivierstad",
        "Burgerpeiling Rivierstad",
        "Groen in de wijk",
        "Veilig naar school",
        "Wijkpeiling Rivierstad",
    ]


# --- db ---------------------------------------------------------------------------------------


def test_db_upgrade_and_current(ran: dict[str, list[Result]]) -> None:
    head = migrate.head()
    upgraded, after = ran["db"]
    assert [r.returncode for r in (upgraded, after)] == [0, 0], upgraded.stderr
    assert upgraded.stdout == f"database at revision {head}; newest is {head}\n"
    assert after.stdout == f"database at revision {head}; newest is {head}\n"


# --- export -----------------------------------------------------------------------------------

IDS = [731904562, 731904563, 731904564, 731904565]  # distinctive: easy to find if leaked
SHORT: list[Step] = [  # the shortest branch, the open question skipped
    ("type", "4117"),
    ("press", "Eigen containers"),
    ("press", "1"),
    ("type", "0"),
    ("multi", ("Website", "Brief")),
    ("press", "Nee, niets gemeld"),
    ("press", "Sla over"),
]
FORMULA = '=HYPERLINK("http://example.invalid","klik")'


def local_today() -> str:
    return datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat()


async def fill(database_url: str) -> list[FakeUser]:
    """Four residents answer through the real bot: complete, complete (short branch, skip),
    halfway, and complete with a formula typed as their idea."""
    async with FakeBotApi(TOKEN) as fake:
        runner = BotRunner(fake, database_url)
        await runner.start()
        try:
            residents = [fake.user(user_id, first_name=f"Naam{user_id}") for user_id in IDS]
            await walk(residents[0], await open_afval(residents[0]), PLAN)
            short = residents[1]
            question = await open_afval(short)
            for step in SHORT:
                question = await answer(short, question, step)
            assert question.text.startswith("Klaar!")
            await walk(residents[2], await open_afval(residents[2]), PLAN[:2])
            formula = [*PLAN[:-1], ("type", FORMULA)]
            await walk(residents[3], await open_afval(residents[3]), formula)
        finally:
            await runner.stop()
        await fake.settle()
        fake.assert_clean()
    return residents


class Exported:
    def __init__(self, runs: Runs) -> None:
        self.stdout, self.to_file, self.unknown, self.sav, self.sav_stdout = runs.exports
        self.today = runs.today
        self.file = Path(self.to_file.args[-1])
        self.not_written = Path(self.unknown.args[-1])


@pytest.fixture
def exported(runs: Runs) -> Exported:
    return Exported(runs)


def expected_rows(today: str) -> list[list[str]]:
    def response(user_id: int) -> str:
        return Pseudonyms(SECRET).of(user_id)[:16]

    full = [
        "Noord",
        "Allebei",
        "4",
        "Hij is vaak vol; Vies of stinkt",
        "2",
        "5",
        "Via de afvalapp",
        "8",
        "Ja, en snel opgelost",
    ]
    version = str(shipped_version("afvalinzameling"))
    return [
        [
            response(IDS[0]),
            version,
            today,
            today,
            "complete",
            "telegram",
            *full,
            "Vaker legen in de zomer",
        ],
        [
            response(IDS[1]),
            version,
            today,
            today,
            "complete",
            "telegram",
            "West",
            "Eigen containers bij huis",
            "1",
            "",
            "0",
            "",
            "Website van de gemeente; Brief van de gemeente",
            "",
            "Nee, niets gemeld",
            "(overgeslagen)",
        ],
        [
            response(IDS[2]),
            version,
            today,
            "",
            "incomplete",
            "telegram",
            "Noord",
            "Allebei",
            *[""] * 8,
        ],
        [response(IDS[3]), version, today, today, "complete", "telegram", *full, "'" + FORMULA],
    ]


def test_export_csv(exported: Exported) -> None:
    result = exported.stdout
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == [
        "response", "version", "started", "completed", "status", "channel", *ORDER
    ]  # fmt: skip
    assert table[1][:6] == [
        "Reactie (pseudoniem)",
        "Versie",
        "Begonnen (dag)",
        "Afgerond (dag)",
        "Status",
        "Kanaal (telegram of web)",
    ]
    if local_today() != exported.today:
        pytest.skip("midnight passed while the test ran")
    assert table[2:] == expected_rows(exported.today)
    for row in table[2:]:
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row[2])  # the day only, no time
    for user_id in IDS:  # no Telegram id (= private chat id) and no name anywhere
        assert str(user_id) not in result.stdout
        assert f"Naam{user_id}" not in result.stdout


def test_export_to_a_file(exported: Exported) -> None:
    result = exported.to_file
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"4 response(s) written to {exported.file}\n"
    assert exported.file.read_text(encoding="utf-8") == exported.stdout.stdout


def test_export_as_spss_to_a_file(exported: Exported) -> None:
    result = exported.sav
    path = Path(result.args[-1])
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"4 response(s) written to {path}\n"
    data, meta = pyreadstat.read_sav(str(path), output_format="dict", user_missing=True)
    multi = {"containers": 6, "informatie": 7}  # a 0/1 column per option
    columns = [
        name
        for qid in ORDER
        for name in ([f"{qid}_{k}" for k in range(1, multi[qid] + 1)] if qid in multi else [qid])
    ]
    assert meta.column_names == [*FIXED_COLUMNS, *columns]
    assert meta.number_rows == 4
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["inzameling"] == "Welke containers gebruik je voor je afval?"
    assert meta.variable_value_labels["inzameling"][3] == "Allebei"
    # Complete, complete on the short branch, halfway (system-missing after it), complete.
    assert data["inzameling"] == [3, 1, 3, 3]
    assert data["containers_1"] == [1, None, None, 1]  # not on the short branch: missing
    assert data["status"] == [1, 1, 0, 1]
    for user_id in IDS:
        assert str(user_id).encode() not in path.read_bytes()


def test_export_as_spss_needs_a_file(exported: Exported) -> None:
    assert_one_line_error(exported.sav_stdout, 2, "samenspraak: --format sav writes a file")


def test_export_an_unknown_questionnaire(exported: Exported) -> None:
    assert_one_line_error(
        exported.unknown,
        1,
        "samenspraak: no questionnaire 'parkeren' in the database "
        "(known: afvalinzameling, burgerpeiling, groen-in-de-wijk, schoolroutes, wijkpeiling)",
    )
    assert not exported.not_written.exists()  # no empty file left behind


# --- run against a fake Bot API ---------------------------------------------------------------


async def test_run_talks_to_the_bot_api_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    async with FakeBotApi(TOKEN) as fake:
        env = environment(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=fake.url)
        run = ChildProcess("run", command("run"), env, tmp_path)
        run.launch()
        try:
            await run.wait_until(polling(fake), within=30)

            for language in ("", "en"):
                registered = fake.commands({"type": "all_private_chats"}, language)
                assert registered is not None, language
                menu = COMMANDS[language or "nl"]
                assert [(c["command"], c["description"]) for c in registered] == menu

            resident = fake.user(IDS[0], first_name="Naam")
            welcome = await resident.ask("/start")
            assert "Doe je mee?" in welcome.text
            assert welcome.buttons == [["Ja, ik doe mee", "Nee, liever niet"]]

            stopping = time.monotonic()
            status = await run.terminate(within=10)
            assert status == 0, run.log_text()
            assert time.monotonic() - stopping < 5
        finally:
            run.kill()
        await fake.settle()
        fake.assert_clean()
    assert_clean_log(run.log_text(), IDS[0], "is running", "stopping")


def test_a_broken_catalog_stops_every_command_with_one_line(tmp_path: Path) -> None:
    """A .po file whose translation does not fit its Dutch text: every subcommand (they all
    read the texts) says the file, the key and the problem on one line, exit status 2."""
    flows = tmp_path / "code" / "flows"
    shutil.copytree(ROOT / "flows", flows, ignore=shutil.ignore_patterns("__pycache__"))
    catalog = flows / "locales" / "tr" / "LC_MESSAGES" / "samenspraak.po"
    text = catalog.read_text("utf-8")
    assert 'msgstr "Cevabınız: {answer}"' in text
    catalog.write_text(text.replace('msgstr "Cevabınız: {answer}"', 'msgstr "Cevabınız"'), "utf-8")
    home = tmp_path / "home"
    home.mkdir()
    for args in (("questionnaire", "validate", str(QUESTIONNAIRES)), ("run",)):
        result = subprocess.run(
            command(*args),
            cwd=home,
            env=environment(home, PYTHONPATH=f"{tmp_path / 'code'}{os.pathsep}{ROOT}"),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert_one_line_error(
            result, 2, f"{catalog}: chosen: missing placeholder {{answer}}", "fix the .po file"
        )
