"""A shipped questionnaire that changes needs a new version number.

A database that holds a published (id, version) refuses to start with other content under
that number (:func:`storage.admin.seed` raises ``ChangedVersionError``, comparing
:func:`storage.admin.checksum`). So every released version's checksum is recorded in
``tests/fixtures/shipped-checksums.json`` ({id: {version: checksum}}), and this test fails
when a file in ``questionnaires/`` still says a recorded version but reads otherwise, or says
a version that is not recorded yet (CONTRIBUTING, "A shipped questionnaire changes").

Deliberations (``questionnaires/stellingen/``) are left out on purpose: their seed stores a
new id only and never compares a stored one with the file, so a changed file cannot stop
the bot (it does not reach a database that has the id either; a version does not help).
"""

from __future__ import annotations

import json
from pathlib import Path

from flows.loader import parse, questionnaire_files
from storage.admin import checksum
from tests.conftest import QUESTIONNAIRES, ROOT
from tests.support.shipped import renumbered

RECORD = ROOT / "tests" / "fixtures" / "shipped-checksums.json"

Recorded = dict[str, dict[str, str]]


def recorded() -> Recorded:
    data: Recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    return data


def problems(record: Recorded, directory: Path, shown_as: str = "questionnaires") -> list[str]:
    """What is wrong with the files in ``directory`` against ``record``: one sentence each,
    saying what to do."""
    relative = RECORD.relative_to(ROOT)
    found = []
    for path in questionnaire_files(directory):
        source = path.read_text(encoding="utf-8")  # as the seed reads it
        questionnaire = parse(source, str(path))
        qid, version, digest = questionnaire.id, questionnaire.version, checksum(source)
        name = f"{shown_as}/{path.name}"
        known = record.get(qid, {})
        stored = known.get(str(version))
        if stored is None:
            found.append(
                f"{name}: {qid} version {version} is not recorded yet. Once it is final, add "
                f'"{version}": "{digest}" under "{qid}" in {relative} (keep the older versions '
                "there: they are what deployed databases hold)"
            )
        elif stored != digest:
            newer = max(int(v) for v in known) + 1
            found.append(
                f"{name} changed but still says version {version}: raise version (to "
                f"{newer}), because a database that holds version {version} refuses to start "
                f'with other content under that number; then add "{newer}": "<its checksum>" '
                f'under "{qid}" in {relative} (this test prints it). Only if version {version} '
                "was never released (you added it on this branch) replace its checksum instead"
            )
    return found


def test_every_shipped_questionnaire_is_recorded_under_its_version() -> None:
    found = problems(recorded(), QUESTIONNAIRES)
    assert not found, "\n".join(found)


def test_the_record_keeps_every_version_with_a_sha256() -> None:
    record = recorded()
    assert record, "nothing recorded"
    for qid, versions in record.items():
        assert versions, qid
        for version, digest in versions.items():
            assert version.isdigit() and int(version) >= 1, (qid, version)
            assert len(digest) == 64 and set(digest) <= set("0123456789abcdef"), (qid, version)


def test_a_change_without_a_new_version_is_caught(tmp_path: Path) -> None:
    source = (QUESTIONNAIRES / "schoolroutes.yaml").read_text(encoding="utf-8")
    record = recorded()
    version = parse(source).version
    assert record["schoolroutes"][str(version)] == checksum(source)
    (tmp_path / "schoolroutes.yaml").write_text(
        source.replace("5 minuten", "6 minuten"), encoding="utf-8"
    )
    [problem] = problems(record, tmp_path)
    assert problem.startswith(
        f"questionnaires/schoolroutes.yaml changed but still says version {version}: "
        f"raise version (to {version + 1})"
    )
    assert "tests/fixtures/shipped-checksums.json" in problem


def test_a_new_version_asks_to_be_recorded(tmp_path: Path) -> None:
    source = (QUESTIONNAIRES / "schoolroutes.yaml").read_text(encoding="utf-8")
    version = parse(source).version
    bumped = renumbered(source.replace("5 minuten", "6 minuten"), version + 1)
    (tmp_path / "schoolroutes.yaml").write_text(bumped, encoding="utf-8")
    [problem] = problems(recorded(), tmp_path)
    assert problem == (
        f"questionnaires/schoolroutes.yaml: schoolroutes version {version + 1} is not recorded "
        f'yet. Once it is final, add "{version + 1}": "{checksum(bumped)}" under "schoolroutes" '
        "in tests/fixtures/shipped-checksums.json (keep the older versions there: they are "
        "what deployed databases hold)"
    )
