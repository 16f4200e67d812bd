"""The variable names of the SPSS export: the question's own ``variable`` where it gives one,
a sane name made from its id otherwise, and a column per option of a multi question.

SPSS names start with a letter, hold letters, digits, ``_`` and ``.``, have at most 64
characters, and are the same name whatever their case. The export's own columns come first
(:data:`FIXED`). Names an author gave must not clash (:func:`check_variables`); made names
step aside for every name already taken.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from flows.problems import Message
from flows.schema import (
    MAX_VARIABLE_CHARS,
    SPSS_RESERVED,
    AnyQuestion,
    MultiQuestion,
    Questionnaire,
)
from flows.yamlsafe import Path_

#: The export's columns before the questions (as in the CSV and Excel files).
FIXED = ("response", "version", "started", "completed", "status", "channel")


@dataclass(frozen=True, slots=True)
class Names:
    """Per question id its variable name; per multi question a name per option id."""

    questions: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, str]] = field(default_factory=dict)


def option_name(base: str, position: int) -> str:
    """The column of a multi question's option: ``V12_1``, shortened to fit 64 characters."""
    suffix = f"_{position}"
    return base[: MAX_VARIABLE_CHARS - len(suffix)] + suffix


def _made(question_id: str) -> str:
    """A name from a question id (``tevreden-sport``: ``tevreden_sport``)."""
    name = question_id.replace("-", "_").rstrip("_")
    if not name[:1].isalpha():
        name = "v" + name
    if name.upper() in SPSS_RESERVED:
        name = "v_" + name
    return name[:MAX_VARIABLE_CHARS]


def _free(name: str, taken: set[str]) -> str:
    """``name``, or ``name_2``, ``name_3``, ... : the first not taken (ignoring case)."""
    candidate, n = name, 1
    while candidate.upper() in taken:
        n += 1
        suffix = f"_{n}"
        candidate = name[: MAX_VARIABLE_CHARS - len(suffix)] + suffix
    return candidate


def _given(questions: Iterable[AnyQuestion]) -> set[str]:
    """The names authors gave, and their multi questions' option columns (upper case)."""
    taken: set[str] = set()
    for question in questions:
        if question.variable is None:
            continue
        taken.add(question.variable.upper())
        if isinstance(question, MultiQuestion):
            taken |= {
                option_name(question.variable, k).upper()
                for k in range(1, len(question.options) + 1)
            }
    return taken


def variable_names(questions: Sequence[AnyQuestion]) -> Names:
    """Every question's variable name, in order; with :func:`check_variables` passed the
    names given are used as they are."""
    taken = {name.upper() for name in FIXED} | _given(questions)
    names = Names()
    for question in questions:
        if question.variable is not None:
            base = question.variable
        else:
            base = _free(_made(question.id), taken)
            taken.add(base.upper())
        names.questions[question.id] = base
        if isinstance(question, MultiQuestion):
            columns: dict[str, str] = {}
            for k, option in enumerate(question.options, start=1):
                column = option_name(base, k)
                if question.variable is None:
                    column = _free(column, taken)
                    taken.add(column.upper())
                columns[option.id] = column
            names.options[question.id] = columns
    return names


def check_variables(questionnaire: Questionnaire) -> Iterator[tuple[Path_, Message]]:
    """Given names that clash: with each other (ignoring case), with an option column of a
    multi question, or with the export's own columns."""
    fixed = {name.upper() for name in FIXED}
    owner: dict[str, str] = {}
    for i, question in enumerate(questionnaire.questions):
        if question.variable is None:
            continue
        where: Path_ = ("questions", i, "variable")
        name = question.variable
        columns = [name]
        if isinstance(question, MultiQuestion):
            columns += [option_name(name, k) for k in range(1, len(question.options) + 1)]
        if name.upper() in fixed:
            yield where, Message.of("variable.export_column", name=name, columns=list(FIXED))
            continue
        for column in columns:
            other = owner.get(column.upper())
            if other is not None:
                taken = Message.of("variable.taken", column=column, other=other)
                if column != name:  # an option column of a multi question
                    taken = Message.of(
                        "variable.taken.option", column=column, other=other, name=name
                    )
                yield where, taken
                break
        for column in columns:
            owner.setdefault(column.upper(), question.id)
