"""Small builders for questionnaire YAML in tests: line numbers stay easy to find."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from flows.loader import Problem, QuestionnaireError, parse
from flows.machine import Flow
from flows.schema import Questionnaire

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.yaml"

HEADER = """\
schema_version: 1
id: proef
version: 1
theme: {nl: Afval, en: Waste}
title: {nl: Proef, en: Trial}
intro: {nl: Een korte lijst., en: A short list.}
"""


# The classic: nine levels of nine aliases, 10^9 "lol"s once expanded (gigabytes).
BILLION_LAUGHS = "".join(
    [
        'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n',
        *(
            f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]\n"
            for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
        ),
    ]
)


def document(questions: str, header: str = HEADER) -> str:
    """A questionnaire file: ``header`` then ``questions:`` with the (dedented) block."""
    body = textwrap.indent(textwrap.dedent(questions).strip("\n"), "  ")
    return f"{header}questions:\n{body}\n"


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line of ``text`` that contains ``needle``."""
    hits = [number for number, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) >= nth, f"{needle!r} occurs {len(hits)} times"
    return hits[nth - 1]


@dataclass(frozen=True)
class Said:
    """A problem as a reader sees it (the message in words): what tests compare."""

    file: str
    line: int | None
    field: str
    message: str


def said(problem: Problem, language: str = "en") -> Said:
    return Said(problem.file, problem.line, problem.field, problem.said(language))


def raised(text: str, source: str = "x.yaml") -> list[Problem]:
    """The problems ``parse`` reports; fails the test when the text is accepted."""
    with pytest.raises(QuestionnaireError) as caught:
        parse(text, source)
    return caught.value.problems


def problems(text: str, source: str = "x.yaml", language: str = "en") -> list[Said]:
    """The problems ``parse`` reports, in ``language``."""
    return [said(problem, language) for problem in raised(text, source)]


def only_problem(text: str, source: str = "x.yaml", language: str = "en") -> Said:
    found = problems(text, source, language)
    assert len(found) == 1, found
    return found[0]


def load(questions: str) -> Questionnaire:
    return parse(document(questions), "x.yaml")


def flow_of(questions: str) -> Flow:
    return Flow(load(questions))
