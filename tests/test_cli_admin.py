"""``samenspraak questionnaire import|open|close|archive``, ``export --format xlsx`` and
``samenspraak audit``, run in this process (``main()`` is what the console script calls)
on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from bot.app.cli import main
from flows.loader import load_file, warnings
from storage.db import create_engine, session_factory
from tests.conftest import QUESTIONNAIRES
from tests.storage.helpers import complete, register
from tests.support.shipped import shipped_version

MINI = Path(__file__).resolve().parent / "flows" / "data" / "mini.yaml"
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def samenspraak(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    """``samenspraak ARGS...`` -> (exit status, standard output, standard error)."""
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("QUESTIONNAIRES_DIR", str(QUESTIONNAIRES))
    monkeypatch.setenv("PSEUDONYM_SECRET", "cli-test")
    monkeypatch.setenv("LOGNAME", "ambtenaar")  # who the audit log names for the terminal

    def run(*args: str) -> tuple[int, str, str]:
        status = main(list(args))
        out, err = capsys.readouterr()
        return status, out, err

    status, _, err = run("questionnaire", "list")  # migrates and seeds the shipped ones
    assert status == 0, err
    return run


def fiets(folder: Path, version: int = 1, **replace: str) -> Path:
    source = MINI.read_text(encoding="utf-8").replace("id: mini\n", "id: fietsen\n", 1)
    source = source.replace("\nversion: 1\n", f"\nversion: {version}\n", 1)
    for old, new in replace.items():
        source = source.replace(old, new)
    path = folder / f"fietsen-{version}.yaml"
    path.write_text(source, encoding="utf-8")
    return path


def listed(run: Run) -> dict[str, list[str]]:
    status, out, _ = run("questionnaire", "list")
    assert status == 0
    return {row.split()[0]: row.split()[1:4] for row in out.splitlines()[1:]}


def one_line_error(result: tuple[int, str, str], status: int, text: str) -> None:
    code, out, err = result
    assert (code, out) == (status, "")
    assert err.count("\n") == 1 and err.startswith("samenspraak: "), err
    assert text in err, err


def test_import_as_draft_then_publish(samenspraak: Run, tmp_path: Path) -> None:
    broken = fiets(tmp_path, 1, **{"type: scale": "type: schaal", "  en: Mini": ""})
    status, out, err = samenspraak("questionnaire", "import", str(broken))
    assert status == 1
    assert out.splitlines() == [
        f"{broken}:9: questions.tevreden.type: must be one of: "
        "choice, multi, scale, yesno, text, number, area, grid, ranking, date (not 'schaal')"
    ]
    assert err == "1 problem(s) found\n"

    path = fiets(tmp_path)
    status, out, err = samenspraak("questionnaire", "import", str(path))
    assert (status, err) == (0, "")
    assert out == (
        "fietsen@1: stored as a draft; publish it with --publish, or preview, test and "
        "publish it in Telegram (/beheer)\n"
    )
    assert listed(samenspraak)["fietsen"] == ["1", "draft", "closed"]  # not offered

    status, out, err = samenspraak("questionnaire", "import", str(path), "--publish")
    assert (status, out, err) == (0, "fietsen@1: published, open\n", "")
    assert listed(samenspraak)["fietsen"] == ["1", "open", "open"]

    one_line_error(
        samenspraak("questionnaire", "import", str(path), "--publish"),
        1,
        "fietsen version 1 is already published",
    )
    second = fiets(tmp_path, 2, **{"Korte lijst.": "Nieuwe lijst."})
    status, out, _ = samenspraak("questionnaire", "import", str(second), "--publish")
    assert (status, out) == (
        0,
        "fietsen@2: published, open; sessions started on version 1 finish on it\n",
    )
    assert listed(samenspraak)["fietsen"] == ["2", "open", "open"]
    status, out, err = samenspraak("questionnaire", "import", str(tmp_path / "nergens.yaml"))
    assert status == 1 and "cannot read" in out


def test_import_says_the_warnings_validate_gives(samenspraak: Run, tmp_path: Path) -> None:
    """A questionnaire without its English title is stored (a warning is no error), and the
    import says what validate says of it."""
    path = fiets(tmp_path, 1, **{"title: {nl: Mini, en: Mini}": "title: {nl: Mini}"})
    expected = [str(warning) for warning in warnings(load_file(path), str(path))]
    assert any("title" in line for line in expected), expected
    status, out, err = samenspraak("questionnaire", "import", str(path))
    assert (status, err) == (0, "")
    stored, *said = out.splitlines()
    assert stored.startswith("fietsen@1: stored as a draft")
    assert said == expected


def test_open_close_archive(samenspraak: Run) -> None:
    version = str(shipped_version("schoolroutes"))
    assert samenspraak("questionnaire", "close", "schoolroutes") == (
        0,
        "schoolroutes: open -> closed\n",
        "",
    )
    assert listed(samenspraak)["schoolroutes"] == [version, "closed", "closed"]
    assert samenspraak("questionnaire", "open", "schoolroutes")[1] == (
        "schoolroutes: closed -> open\n"
    )
    assert listed(samenspraak)["schoolroutes"] == [version, "open", "open"]
    one_line_error(
        samenspraak("questionnaire", "archive", "schoolroutes"),
        1,
        "schoolroutes is open; close it before you archive it",
    )
    samenspraak("questionnaire", "close", "schoolroutes")
    assert samenspraak("questionnaire", "archive", "schoolroutes")[1] == (
        "schoolroutes: closed -> archived\n"
    )
    one_line_error(
        samenspraak("questionnaire", "open", "schoolroutes"), 1, "schoolroutes is archived"
    )
    one_line_error(
        samenspraak("questionnaire", "close", "parkeren"),
        1,
        "no questionnaire 'parkeren'; see `samenspraak questionnaire list`",
    )
    assert samenspraak("questionnaire", "close", "afvalinzameling")[0] == 0
    one_line_error(
        samenspraak("questionnaire", "close", "afvalinzameling"),
        1,
        "afvalinzameling is already closed",
    )


def test_export_xlsx(samenspraak: Run, tmp_path: Path) -> None:
    target = tmp_path / "uit" / "groen.xlsx"
    target.parent.mkdir()
    status, out, err = samenspraak(
        "export", "-q", "groen-in-de-wijk", "--format", "xlsx", "-o", str(target)
    )
    assert (status, out, err) == (0, "", f"0 response(s) written to {target}\n")
    book = openpyxl.load_workbook(io.BytesIO(target.read_bytes()))
    rows = list(book["Antwoorden"].iter_rows(values_only=True))
    assert rows[0][:5] == ("response", "version", "started", "completed", "status")
    assert rows[1][:5] == (
        "Reactie (pseudoniem)",
        "Versie",
        "Begonnen (dag)",
        "Afgerond (dag)",
        "Status",
    )
    assert len(rows) == 2
    one_line_error(
        samenspraak("export", "-q", "groen-in-de-wijk", "--format", "xlsx"),
        2,
        "--format xlsx writes a file: add --output FILE.xlsx",
    )
    one_line_error(
        samenspraak("export", "-q", "parkeren", "-f", "xlsx", "-o", str(tmp_path / "x.xlsx")),
        1,
        "no questionnaire 'parkeren'",
    )
    assert not (tmp_path / "x.xlsx").exists()
    status, out, _ = samenspraak("export", "-q", "groen-in-de-wijk")
    assert status == 0 and out.splitlines()[0].startswith("response,version,started")


def test_audit_shows_who_did_what(samenspraak: Run, tmp_path: Path) -> None:
    samenspraak("questionnaire", "import", str(fiets(tmp_path)), "--publish")
    samenspraak("questionnaire", "close", "fietsen")
    samenspraak("export", "-q", "fietsen", "-o", str(tmp_path / "f.csv"))
    status, out, err = samenspraak("audit")
    assert (status, err) == (0, "")
    rows = [line.split(maxsplit=7) for line in out.splitlines()]
    assert [row[2:7] for row in rows] == [
        ["cli", "user", "ambtenaar", "upload", "fietsen"],
        ["cli", "user", "ambtenaar", "publish", "fietsen"],
        ["cli", "user", "ambtenaar", "close", "fietsen"],
        ["cli", "user", "ambtenaar", "export", "fietsen"],
    ]
    assert rows[1][7] == "version=1 status=open"
    assert rows[2][7] == "from=open to=closed"
    status, out, _ = samenspraak("audit", "--action", "close")
    assert status == 0 and len(out.splitlines()) == 1 and " close " in out
    assert samenspraak("audit", "--since", "2999-01-01") == (0, "", "")
    with pytest.raises(SystemExit) as bad:
        samenspraak("audit", "--since", "gisteren")
    assert bad.value.code == 2


async def _responses(database_url: str) -> None:
    """A completed response to fietsen, a test run and a revised (replaced) one."""
    engine = create_engine(database_url)
    try:
        sessions = session_factory(engine)
        ann = await register(sessions, "ann")
        await complete(sessions, ann.id, questionnaire_id="fietsen")
        await complete(sessions, ann.id, questionnaire_id="fietsen")  # a revision
        tester = await register(sessions, "beheerder")
        await complete(sessions, tester.id, questionnaire_id="fietsen", is_test=True)
    finally:
        await engine.dispose()


def test_list_counts_what_counts_and_shows_drafts(
    samenspraak: Run, tmp_path: Path, database_url: str
) -> None:
    """The same figures as /beheer: no test runs, no replaced revisions; drafts and
    scheduled questionnaires are listed too."""
    samenspraak("questionnaire", "import", str(fiets(tmp_path)), "--publish")
    asyncio.run(_responses(database_url))
    later = fiets(tmp_path, 1, **{"id: fietsen": "id: later", "questions:\n": LATER})
    later = later.rename(tmp_path / "later.yaml")
    samenspraak("questionnaire", "import", str(later), "--publish")
    samenspraak("questionnaire", "import", str(fiets(tmp_path, 2)))  # a draft waits
    status, out, err = samenspraak("questionnaire", "list")
    assert (status, err) == (0, "")
    rows = {row.split()[0]: row.split(maxsplit=5)[1:] for row in out.splitlines()[1:]}
    assert rows["fietsen"] == ["1", "open", "open", "1", "Mini  (draft version 2 waiting)"]
    assert rows["later"] == ["1", "scheduled", "closed", "0", "Mini"]


LATER = 'opens_at: "2999-01-01T09:00:00"\nquestions:\n'


def test_import_reads_files_as_editors_save_them(samenspraak: Run, tmp_path: Path) -> None:
    """UTF-8 with a byte order mark and Windows line endings; another encoding is refused
    on one line of its own."""
    path = fiets(tmp_path)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert samenspraak("questionnaire", "import", str(path), "--publish") == (
        0,
        "fietsen@1: published, open\n",
        "",
    )
    latin = fiets(tmp_path, 2, **{"Korte lijst.": "Caf\xe9."})
    latin.write_bytes(latin.read_text(encoding="utf-8").encode("latin-1"))
    status, out, err = samenspraak("questionnaire", "import", str(latin))
    assert (status, out, err) == (
        1,
        f"{latin}: not UTF-8 text; save the file as UTF-8\n",
        "1 problem(s) found\n",
    )


def test_an_archived_questionnaire_takes_no_new_version(samenspraak: Run, tmp_path: Path) -> None:
    samenspraak("questionnaire", "import", str(fiets(tmp_path)), "--publish")
    samenspraak("questionnaire", "close", "fietsen")
    samenspraak("questionnaire", "archive", "fietsen")
    one_line_error(
        samenspraak("questionnaire", "import", str(fiets(tmp_path, 2))),
        1,
        "fietsen is archived; that is final (give the file a new id to use it again)",
    )


# --- a deliberation file (kind: stellingen) -------------------------------------------------

AUTOLUW = QUESTIONNAIRES / "stellingen" / "autoluw-centrum.yaml"


def gesprek(folder: Path, version: int = 1, **replace: str) -> Path:
    """The shipped deliberation under the id ``parkeren-test`` (the shipped one is seeded),
    each of ``replace`` replaced once."""
    source = AUTOLUW.read_text(encoding="utf-8")
    source = source.replace("id: autoluw-centrum\n", "id: parkeren-test\n", 1)
    source = source.replace("\nversion: 1\n", f"\nversion: {version}\n", 1)
    for old, new in replace.items():
        assert old in source
        source = source.replace(old, new, 1)
    path = folder / f"parkeren-{version}.yaml"
    path.write_text(source, encoding="utf-8")
    return path


async def _deliberation(database_url: str, deliberation_id: str) -> tuple[int | None, int | None]:
    """(the version of the waiting draft, the published version) of a deliberation."""
    from storage import deliberation_drafts, deliberations

    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as db:
            draft = await deliberation_drafts.draft(db, deliberation_id)
            live = await deliberations.get(db, deliberation_id)
    finally:
        await engine.dispose()
    return (draft.version if draft else None, live.version if live else None)


def test_import_a_deliberation_as_the_chat_upload_does(
    samenspraak: Run, tmp_path: Path, database_url: str
) -> None:
    """`questionnaire import` takes a deliberation as `validate` does: stored as its draft
    (/beheer stellingen shows it), or published; a new version says what happens to the
    votes; the version rules and the audit log are the chat upload's."""
    path = gesprek(tmp_path)
    status, out, err = samenspraak("questionnaire", "import", str(path))
    assert (status, err) == (0, "")
    assert out == (
        "parkeren-test@1: deliberation stored as a draft; publish it with --publish, or "
        "preview, test and publish it in Telegram (/beheer stellingen)\n"
    )
    assert asyncio.run(_deliberation(database_url, "parkeren-test")) == (1, None)

    status, out, err = samenspraak("questionnaire", "import", str(path), "--publish")
    assert (status, out, err) == (0, "parkeren-test@1: deliberation published, open\n", "")
    assert asyncio.run(_deliberation(database_url, "parkeren-test")) == (None, 1)

    one_line_error(
        samenspraak("questionnaire", "import", str(path), "--publish"),
        1,
        "parkeren-test version 1 is already published",
    )
    reworded = gesprek(tmp_path, 2, **{"Er mogen minder auto's": "Er mogen veel minder auto's"})
    status, out, err = samenspraak("questionnaire", "import", str(reworded), "--publish")
    assert (status, err) == (0, "")
    assert out.startswith("parkeren-test@2: deliberation published, open; replaces version 1: ")
    assert "1 reworded (start afresh), 0 removed, 0 added" in out
    assert asyncio.run(_deliberation(database_url, "parkeren-test")) == (None, 2)
    one_line_error(
        samenspraak("questionnaire", "import", str(path)),
        1,
        "parkeren-test version 1 is older than the published version 2",
    )
    # The shipped one is seeded from QUESTIONNAIRES_DIR: the same file is published already.
    one_line_error(
        samenspraak("questionnaire", "import", str(AUTOLUW)),
        1,
        "autoluw-centrum version 1 is already published",
    )
    # An id a questionnaire has is refused, as in the chat.
    taken = gesprek(tmp_path, 3, **{"id: parkeren-test\n": "id: schoolroutes\n"})
    one_line_error(
        samenspraak("questionnaire", "import", str(taken)),
        1,
        "schoolroutes is the id of a questionnaire; give the deliberation another id",
    )
    # And the other way round: a questionnaire with a deliberation's id.
    one_line_error(
        samenspraak(
            "questionnaire", "import", str(fiets(tmp_path, **{"id: fietsen": "id: parkeren-test"}))
        ),
        1,
        "parkeren-test is the id of a deliberation; give the questionnaire another id",
    )
    status, out, err = samenspraak("audit", "--action", "upload")
    assert status == 0
    uploads = [line for line in out.splitlines() if "parkeren-test" in line]
    assert len(uploads) == 3 and all("kind=stellingen" in line for line in uploads)


def test_import_a_broken_deliberation_lists_every_problem(
    samenspraak: Run, tmp_path: Path, database_url: str
) -> None:
    """Every problem with file, line and field, from the deliberation validator (not
    "kind: is not a known field"), as for a questionnaire; nothing is stored."""
    path = gesprek(
        tmp_path,
        **{
            "statements_per_resident: 3": "statements_per_resident: drie",
            "    dimension: bestuur": "    dimensie: bestuur",
        },
    )
    numbered = path.read_text(encoding="utf-8").splitlines()
    per_resident = numbered.index("statements_per_resident: drie") + 1
    dimension = numbered.index("    dimensie: bestuur") + 1
    status, out, err = samenspraak("questionnaire", "import", str(path), "--publish")
    assert status == 1
    assert err == "2 problem(s) found\n"
    problems = out.splitlines()
    assert len(problems) == 2, out
    assert problems[0].startswith(f"{path}:{per_resident}: statements_per_resident: ")
    assert problems[1].startswith(f"{path}:{dimension}: statements[0].dimensie: ")
    assert "kind" not in out
    assert asyncio.run(_deliberation(database_url, "parkeren-test")) == (None, None)
