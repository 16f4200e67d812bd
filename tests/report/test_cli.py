"""``samenspraak report`` as an operator runs it: a Word file or the static page, and one
clear line for an unknown id, an empty questionnaire, too few residents or a broken
template."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import QUESTIONNAIRES
from tests.report.conftest import Seeded
from tests.support.processes import environment


@pytest.fixture(scope="module")
def folder(seeded: Seeded, tmp_path_factory: pytest.TempPathFactory) -> Path:
    here = tmp_path_factory.mktemp("cli")
    shutil.copy(seeded.path, here / "samenspraak.db")
    return here


def report(folder: Path, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    env = environment(
        home=folder,
        DATABASE_URL=f"sqlite+aiosqlite:///{folder / 'samenspraak.db'}",
        QUESTIONNAIRES_DIR=str(QUESTIONNAIRES),
        **variables,
    )
    return subprocess.run(
        [sys.executable, "-m", "bot.app.cli", "report", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_a_word_report_and_a_static_page(folder: Path) -> None:
    out = folder / "rapport.docx"
    done = report(
        folder, "--questionnaire", "afvalinzameling", "--format", "docx", "--output", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"report written to {out}\n"
    document = Document(io.BytesIO(out.read_bytes()))
    assert document.paragraphs[0].text == "Afval ophalen in Rivierstad"
    page = folder / "resultaten.html"
    done = report(
        folder, "-q", "afvalinzameling", "--format", "html", "--lang", "en", "--output", str(page)
    )
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert html.startswith('<!doctype html>\n<html lang="en">')
    assert "Internal" not in html and "Interne notities" not in html
    # Both languages, each linking to the other by its file name (no /resultaten/... on
    # the municipality's own site).
    dutch = folder / "resultaten.nl.html"
    assert done.stderr == f"report written to {page} (and {dutch} in the other language)\n"
    assert '<a href="resultaten.nl.html" hreflang="nl" lang="nl">Nederlands</a>' in html
    other = dutch.read_text(encoding="utf-8")
    assert other.startswith('<!doctype html>\n<html lang="nl">')
    assert '<a href="resultaten.html" hreflang="en" lang="en">English</a>' in other
    assert "/resultaten/" not in html + other


def test_bad_input_gets_one_clear_line(folder: Path) -> None:
    out = folder / "x.docx"
    unknown = report(folder, "-q", "parkeren", "--output", str(out))
    assert unknown.returncode == 1
    assert unknown.stderr == (
        "samenspraak: there is no questionnaire 'parkeren'; see `samenspraak questionnaire list`\n"
    )
    assert not out.exists()

    empty = report(folder, "-q", "groen-in-de-wijk", "--output", str(out))
    assert empty.returncode == 0, empty.stderr
    assert empty.stderr == (
        f"report written to {out} (nobody has answered yet: the report says so)\n"
    )
    few = report(
        folder, "-q", "schoolroutes", "--format", "html", "--output", str(folder / "s.html")
    )
    assert few.returncode == 0, few.stderr
    assert "(fewer than 5 residents took part: every figure is left out" in few.stderr
    assert "Er deden 3 inwoners mee. Dat is minder dan 5." in (folder / "s.html").read_text()

    broken = folder / "huisstijl.dotx"
    broken.write_text("dit is geen Word-bestand")
    out.unlink()
    bad = report(
        folder, "-q", "afvalinzameling", "--output", str(out), REPORT_TEMPLATE=str(broken)
    )
    assert bad.returncode == 1
    assert bad.stderr == (
        f"samenspraak: REPORT_TEMPLATE {broken} is not a Word document or template "
        "(.docx/.dotx): File is not a zip file\n"
    )
    assert not out.exists()


def _answer_tables(path: Path) -> int:
    tables = Document(io.BytesIO(path.read_bytes())).tables
    return sum(1 for t in tables if t.rows[0].cells[0].text == "Antwoord")


def test_a_period_with_since_and_until(folder: Path) -> None:
    """The answers came from 2 November 2026 on: a report up to and including 1 November
    has none of them, one up to 30 November all; --until before --since is refused."""
    before, whole = folder / "voor.docx", folder / "heel.docx"
    done = report(
        folder, "-q", "afvalinzameling", "--until", "2026-11-01", "--output", str(before)
    )
    assert done.returncode == 0, done.stderr
    assert _answer_tables(before) == 0
    assert "Niemand beantwoordde deze vraag." in "\n".join(
        p.text for p in Document(io.BytesIO(before.read_bytes())).paragraphs
    )
    done = report(
        folder,
        "-q",
        "afvalinzameling",
        "--since",
        "2026-11-02",
        "--until",
        "2026-11-30",
        "--output",
        str(whole),
    )
    assert done.returncode == 0, done.stderr
    assert _answer_tables(whole) > 0
    wrong = report(
        folder, "-q", "afvalinzameling", "--since", "2026-11-05", "--until", "2026-11-03",
        "--output", str(folder / "nee.docx"),
    )  # fmt: skip
    assert wrong.returncode == 2
    assert wrong.stderr == "samenspraak: --since must not be after --until\n"
    assert not (folder / "nee.docx").exists()
