"""A grade typed with a decimal comma (a scale with ``decimals: 1``, stored as 7.5) counts
in the digest like the whole ones, on SQLite and PostgreSQL: in its place on the scale, in
the mean and median, and in the public-value scorecard."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.digest import compute
from storage import digest as storage_digest
from tests.digest.helpers import SINCE, UNTIL, Response, Sessions, add, store

GRADES = """\
schema_version: 1
id: cijfers
version: 1
theme: {nl: Bestuur, en: Governance}
title: {nl: Rapportcijfers, en: Grades}
intro: {nl: Geef een cijfer., en: Give a grade.}
questions:
  - id: gemeente
    type: scale
    min: 1
    max: 10
    decimals: 1
    dimension: bestuur
    text: {nl: "Welk rapportcijfer geeft u de gemeente?", en: "Which grade?"}
"""


async def test_decimal_grades_count_in_their_place(sessions: Sessions, tmp_path: Path) -> None:
    path = tmp_path / "cijfers.yaml"
    path.write_text(GRADES, encoding="utf-8")
    questionnaire = await store(sessions, path)
    async with sessions.begin() as db:
        for grade in (7.5, 7.5, 7, 8):
            await add(db, "cijfers", Response({"gemeente": grade}))
    async with sessions() as db:
        tallies = await storage_digest.gather(db, questionnaire, SINCE, UNTIL)
    digest = compute(tallies, questionnaire)
    gemeente = digest.distribution("gemeente")
    assert gemeente is not None
    assert [(k, c) for k, c in gemeente.counts if c] == [("7", 1), ("7.5", 2), ("8", 1)]
    assert (gemeente.respondents, gemeente.mean, gemeente.median) == (4, 7.5, 7.5)
    # (6.5 + 6.5 + 6 + 7) / 9 / 4 of the way from 1 to 10
    ((dimension, score, answered),) = [(s.dimension, s.score, s.answers) for s in digest.scorecard]
    assert (dimension, score, answered) == ("bestuur", pytest.approx(2600 / 36), 4)
