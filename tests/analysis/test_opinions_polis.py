"""``samenspraak stellingen analyse DIR [--json]`` on two real Polis conversations
(tests/fixtures/polis, CC BY 4.0, see its README): the groups agree with Polis's own, and
bad folders get a clear one-line answer naming the file and line."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
import subprocess
import sys
from operator import attrgetter
from pathlib import Path
from typing import Any

import pytest
from sklearn.metrics import adjusted_rand_score

from analysis.opinions import read_polis, write_polis
from bot.app.cli import main
from tests.support.processes import environment

POLIS = Path(__file__).parents[1] / "fixtures" / "polis"
CONVERSATIONS = ["15-per-hour-seattle", "scoop-hivemind.biodiversity"]


def polis_groups(folder: Path) -> dict[str, int]:
    """Polis's own group-id per participant (those it clustered), read here with csv, not
    with the code under test."""
    with (folder / "participants-votes.csv").open(newline="") as handle:
        return {
            row["participant"]: int(row["group-id"])
            for row in csv.DictReader(handle)
            if row["group-id"]
        }


def analyse_json(folder: Path) -> dict[str, Any]:
    """What ``samenspraak stellingen analyse FOLDER --json`` prints: one JSON object."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["stellingen", "analyse", str(folder), "--json"]) == 0
    out = printed.getvalue()
    assert out.count("\n") == 1  # one object on one line
    result = json.loads(out)
    assert isinstance(result, dict)
    return result


@pytest.fixture(scope="module")
def analysed() -> dict[str, dict[str, Any]]:
    """Each conversation analysed once for the module (the analysis is the slow part)."""
    return {name: analyse_json(POLIS / name) for name in CONVERSATIONS}


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_groups_agree_with_polis_own(name: str, analysed: dict[str, dict[str, Any]]) -> None:
    folder = POLIS / name
    result = analysed[name]
    theirs = polis_groups(folder)
    ours: dict[str, int] = result["groups"]
    assert result["participants"] == len(ours)
    both = sorted(set(ours) & set(theirs))
    # (Almost) the same participants are clustered: Polis has a few more in one conversation.
    assert len(both) >= 0.98 * len(theirs)
    assert len(set(ours.values())) == len(set(theirs.values()))
    index = adjusted_rand_score([theirs[p] for p in both], [ours[p] for p in both])
    assert index >= 0.85, index
    assert result["polis"]["adjusted_rand_index"] == pytest.approx(index, abs=1e-4)
    # Representative statements, consensus and divisive are comment ids of live comments.
    live = set(result["statements"])
    assert set(result["representative"]) == {str(g) for g in range(len(set(ours.values())))}
    for chosen in result["representative"].values():
        assert chosen and set(chosen) <= live
    assert set(result["consensus"]) <= live and set(result["divisive"]) <= live
    assert not live & set(result["moderated_out"])


def test_biodiversity_common_ground_and_division(analysed: dict[str, dict[str, Any]]) -> None:
    """Spot checks against the comments' own counts: the top common ground is agreed by
    nearly everyone; the most divisive statement is agreed by one group, rejected by the
    other."""
    result = analysed["scoop-hivemind.biodiversity"]
    with (POLIS / "scoop-hivemind.biodiversity" / "comments.csv").open(newline="") as handle:
        comments = {int(row["comment-id"]): row for row in csv.DictReader(handle)}
    top = comments[result["consensus"][0]]
    assert int(top["agrees"]) > 10 * max(int(top["disagrees"]), 1)
    scores = result["consensus_scores"]
    ordered = [scores[str(c)] for c in result["consensus"]]
    assert ordered == sorted(ordered, reverse=True)
    divided = comments[result["divisive"][0]]
    assert int(divided["agrees"]) > 0 and int(divided["disagrees"]) > 0


def test_dutch_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stellingen", "analyse", str(POLIS / "15-per-hour-seattle")]) == 0
    out = capsys.readouterr().out
    assert "Gesprek: $15/hour" in out
    assert "Meningsgroepen: 2 (groep A" in out
    assert "Waar alle groepen het mee eens zijn:" in out
    assert "Kenmerkend voor groep B:" in out
    assert "Deelnemers: 337 hebben gestemd" in out  # 2 only on moderated-out comments


def test_the_same_folder_gives_the_same_answer(analysed: dict[str, dict[str, Any]]) -> None:
    assert analyse_json(POLIS / "15-per-hour-seattle") == analysed["15-per-hour-seattle"]


def test_the_console_command_in_another_process_gives_the_same_answer(
    tmp_path: Path, analysed: dict[str, dict[str, Any]]
) -> None:
    """The real command line, in a child with another hash seed: the same JSON."""
    folder = POLIS / "15-per-hour-seattle"
    done = subprocess.run(
        [sys.executable, "-m", "bot.app.cli", "stellingen", "analyse", str(folder), "--json"],
        cwd=tmp_path,
        env=environment(PYTHONHASHSEED="4242"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == analysed["15-per-hour-seattle"]


def broken(tmp_path: Path, file: str, change: str) -> Path:
    """A copy of the Seattle conversation with one file changed: ``change`` is "delete",
    or "line N: TEXT" to replace line N (1 = the header)."""
    folder = tmp_path / "export"
    shutil.copytree(POLIS / "15-per-hour-seattle", folder)
    path = folder / file
    if change == "delete":
        path.unlink()
    else:
        number, _, text = change.partition(": ")
        lines = path.read_text().splitlines()
        lines[int(number.removeprefix("line ")) - 1] = text
        path.write_text("\n".join(lines) + "\n")
    return folder


@pytest.mark.parametrize(
    ("file", "change", "expected"),
    [
        ("votes.csv", "delete", "votes.csv ontbreekt"),
        ("comments.csv", "delete", "comments.csv ontbreekt"),
        (
            "votes.csv",
            "line 1: timestamp,datetime,comment,voter,vote",
            "kolom(men) ontbreken: comment-id, voter-id",
        ),
        (
            "votes.csv",
            "line 5: 1403058957160,x,0,3,yes",
            "votes.csv, regel 5: vote moet een geheel getal zijn, niet 'yes'",
        ),
        (
            "votes.csv",
            "line 7: 1403058957160,x,0,3,2",
            "votes.csv, regel 7: vote moet +1 of 0 of -1 zijn, niet 2",
        ),
        (
            "votes.csv",
            "line 3: 1403058957160,x,0,-3,1",
            "regel 3: voter-id mag niet negatief zijn (-3)",
        ),
        (
            "votes.csv",
            "line 4: 1403058957160,x,999,3,1",
            "regel 4: comment-id 999 staat niet in comments.csv",
        ),
        ("votes.csv", "line 6: 1,2,3", "regel 6: 3 velden, de kopregel heeft er 5"),
        (
            "comments.csv",
            "line 2: 1,x,abc,6172,1,0,0,text",
            "comments.csv, regel 2: comment-id moet een geheel getal zijn",
        ),
        (
            "comments.csv",
            "line 2: 1,x,53,6172,1,0,5,text",
            "regel 2: moderated moet +1 of 0 of -1 zijn, niet 5",
        ),
        ("participants-votes.csv", "line 3: 1,B,0,13", "participants-votes.csv, regel 3"),
        ("votes.csv", "line 2: 1,x,0,99999999999999999999,1", "regel 2: voter-id is te groot"),
    ],
)
def test_bad_folders_get_a_clear_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], file: str, change: str, expected: str
) -> None:
    folder = broken(tmp_path, file, change)
    assert main(["stellingen", "analyse", str(folder), "--json"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("samenspraak: stellingen analyse: ")
    assert expected in captured.err
    assert captured.err.count("\n") == 1


def test_missing_folder_and_garbage_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["stellingen", "analyse", str(tmp_path / "nergens")]) == 1
    assert f"map bestaat niet: {tmp_path / 'nergens'}" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert main(["stellingen", "analyse", str(tmp_path / "file")]) == 1
    assert "geen map" in capsys.readouterr().err
    folder = tmp_path / "garbage"
    folder.mkdir()
    (folder / "comments.csv").write_bytes(b"\xff\xfe\x00garbage\x00\xff")
    (folder / "votes.csv").write_text("timestamp,datetime,comment-id,voter-id,vote\n")
    assert main(["stellingen", "analyse", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "comments.csv" in err and err.count("\n") == 1


def test_a_real_export_written_again_reads_back_the_same(tmp_path: Path) -> None:
    """Polis's own files through our reader and writer: nothing lost, Polis's counts kept
    where they were computed from the same votes."""
    original = read_polis(POLIS / "15-per-hour-seattle")
    write_polis(tmp_path, original)
    again = read_polis(tmp_path)
    assert again.comments == tuple(sorted(original.comments, key=lambda c: c.comment_id))
    key = attrgetter("comment_id", "voter_id", "timestamp")
    assert sorted(again.votes, key=key) == sorted(original.votes, key=key)
    assert again.groups == original.groups
    assert again.summary["topic"] == "$15/hour"
    assert again.summary["groups"] == "2"
    assert again.summary["voters"] == original.summary["voters"] == "339"
    with (
        (tmp_path / "participants-votes.csv").open(newline="") as ours,
        (POLIS / "15-per-hour-seattle" / "participants-votes.csv").open(newline="") as theirs,
    ):
        written, polis = list(csv.reader(ours)), list(csv.reader(theirs))
    # The same header and the same row for each participant (Polis's rows are in the order
    # its matrix met them; ours by participant number).
    assert written[0] == polis[0]
    assert sorted(written[1:]) == sorted(polis[1:])


def test_comments_and_votes_are_enough(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = broken(tmp_path, "participants-votes.csv", "delete")
    (folder / "summary.csv").unlink()
    assert main(["stellingen", "analyse", str(folder), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["polis"] is None
    assert result["participants"] == 138
    assert main(["stellingen", "analyse", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "Gesprek:" not in out and "Vergeleken met de groepen van Polis" not in out
