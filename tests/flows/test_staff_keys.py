"""The optional keys for the staff's side: a ``score`` per option (the public-value
scorecard), a short ``label`` and an SPSS ``variable`` per question. Every problem with its
line and field; files without these keys validate as before."""

from __future__ import annotations

import pytest

from flows.loader import QuestionnaireError, parse
from flows.variables import variable_names

HEAD = """\
schema_version: 1
id: sleutels
version: 1
theme: {nl: Sleutels, en: Keys}
title: {nl: Sleutels, en: Keys}
intro: {nl: Hallo., en: Hello.}
questions:
"""
CHOICE = """\
  - id: {id}
    type: {type}
    text: {{nl: "Vraag {id}?", en: "Question?"}}
{extra}    options:
      - {{id: a, label: {{nl: A, en: A}}{score_a}}}
      - {{id: b, label: {{nl: B, en: B}}{score_b}}}
"""


def question(
    qid: str = "q",
    kind: str = "choice",
    extra: str = "",
    score_a: str = "",
    score_b: str = "",
) -> str:
    return CHOICE.format(id=qid, type=kind, extra=extra, score_a=score_a, score_b=score_b)


def problems(source: str) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        parse(HEAD + source, "f.yaml")
    return [str(p) for p in caught.value.problems]


def test_scores_and_names_that_work() -> None:
    scored = question(
        "q1",
        extra="    dimension: bestuur\n    variable: V12\n",
        score_a=", score: 1",
        score_b=", score: 5",
    )
    found = parse(
        HEAD
        + scored
        + question("q2", "multi", "    label: Kort\n    variable: V13\n")
        + question("q3-ander")
    )
    names = variable_names(found.questions)
    assert names.questions == {"q1": "V12", "q2": "V13", "q3-ander": "q3_ander"}
    assert names.options["q2"] == {"a": "V13_1", "b": "V13_2"}
    assert found.question("q2").label == "Kort"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            question(score_a=", score: 1", score_b=", score: 5"),
            "f.yaml:12: questions.q.options[0].score: a score only counts in the public-value "
            "scorecard: give the question a dimension (dienstverlening, organisatie or "
            "bestuur), or leave the scores out",
        ),
        (
            question(extra="    dimension: bestuur\n", score_a=", score: 3", score_b=", score: 3"),
            "f.yaml:12: questions.q.options: give at least two different scores (for example "
            "0 and 100), so that the answers have a place between them",
        ),
        (
            question(extra="    variable: 1e_vraag\n"),
            "f.yaml:11: questions.q.variable: is not a valid SPSS variable name: start with a "
            "letter, then letters, digits, '_' or '.', not ending in '.' (for example V12 or "
            "tevr_sport)",
        ),
        (
            question(extra="    variable: WITH\n"),
            "f.yaml:11: questions.q.variable: 'WITH' is a word SPSS keeps for itself; choose "
            "another name",
        ),
        (
            question(extra="    variable: status\n"),
            "f.yaml:11: questions.q.variable: 'status' is a column of the export itself "
            "(response, version, started, completed, status, channel)",
        ),
        (
            question("q1", extra="    variable: V1\n")
            + question("q2", extra="    variable: v1\n"),
            "f.yaml:18: questions.q2.variable: 'v1' is already used by 'q1'",
        ),
        (
            question("q1", extra="    variable: V1_2\n")
            + question("q2", "multi", "    variable: V1\n"),
            "f.yaml:18: questions.q2.variable: 'V1_2' is already used by 'q1' (a multi "
            "question's options are the columns V1_1, V1_2, ...)",
        ),
        (
            question(extra="    label: ''\n"),
            "f.yaml:11: questions.q.label: must not be empty",
        ),
    ],
)
def test_each_problem_with_its_line_and_field(source: str, expected: str) -> None:
    assert problems(source) == [expected]
