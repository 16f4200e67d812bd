"""Load questionnaire YAML into validated :class:`~flows.schema.Questionnaire` models.

Every problem is reported with the file, the line and the field, and all problems of a
file are reported at once, so an author fixes a questionnaire in one round. The text is read
safely and within bounds (:mod:`flows.yamlsafe`), checked field by field against the schema
(:mod:`flows.schema`) and as a whole (:mod:`flows.validator`). Whatever the input, the result
is a questionnaire or a :class:`QuestionnaireError`, after at most one pass over the bounded
text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from flows.schema import (
    SCHEMA_VERSION,
    Questionnaire,
    QuestionType,
)
from flows.validator import check_graph
from flows.yamlsafe import Found, Lines, Path_, Refusal, build, compose, shown

MAX_FILE_BYTES = 256 * 1024
# Problems reported for one file; the rest are summed up in one line.
MAX_PROBLEMS = 100

_TYPES = ", ".join(t.value for t in QuestionType)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a questionnaire file."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.field:
            return f"{where}: {self.field}: {self.message}"
        return f"{where}: {self.message}"


class QuestionnaireError(Exception):
    """A questionnaire file that cannot be used; ``problems`` says every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def _field(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{shown(part)}" if out else shown(part)
    return out


def _data_path(data: Any, loc: Iterable[str | int]) -> Path_:
    """Follow pydantic's error location through the data, dropping union tags."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and node.get("type") == part:
            continue  # the tag pydantic adds for a discriminated union
        elif not isinstance(node, dict) and isinstance(part, str):
            continue  # the member pydantic tried of a plain union, e.g. 'int' of str | int
        else:
            path.append(part)  # a missing field: point at it, then stop
            break
    return tuple(path)


def _friendly(error: ErrorDetails, path: Path_) -> str:
    kind = error["type"]
    last = path[-1] if path else ""
    if kind == "missing":
        if last == "en":
            return "the English translation ('en') is missing"
        if last == "nl":
            return "the Dutch text ('nl') is missing"
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field (check the spelling)"
    if kind == "union_tag_invalid":
        return f"must be one of: {_TYPES}"
    if kind == "union_tag_not_found":
        return f"is required (one of: {_TYPES})"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return "must be a mapping of fields (a text needs 'nl:' and 'en:' lines)"
    if kind == "literal_error" and last == "schema_version":
        return f"must be {SCHEMA_VERSION}"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def parse(text: str, source: str = "<questionnaire>") -> Questionnaire:
    """Parse and validate one questionnaire; raises :class:`QuestionnaireError`."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise QuestionnaireError(
            [Problem(source, None, "", f"file is {size} bytes; at most {MAX_FILE_BYTES}")]
        )
    try:
        root = compose(text)
    except Refusal as exc:
        raise QuestionnaireError([Problem(source, exc.line, "", exc.message)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise QuestionnaireError(
            [Problem(source, line, "", f"not valid YAML: {exc.problem or exc}")]
        ) from None
    except yaml.YAMLError as exc:
        raise QuestionnaireError([Problem(source, None, "", f"not valid YAML: {exc}")]) from None
    if root is None:
        raise QuestionnaireError([Problem(source, None, "", "the file is empty")])
    lines = Lines()
    found: Found = []
    data = build(root, (), lines, found)
    if data is None:  # only "---" or "~"
        raise QuestionnaireError([Problem(source, None, "", "the file is empty")])
    if not isinstance(data, dict):
        raise QuestionnaireError(
            [Problem(source, 1, "", "a questionnaire is a mapping of fields (id, title, ...)")]
        )
    problems = [
        Problem(source, line, _named(data, path), message) for line, path, message in found
    ]
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        at: dict[tuple[int | None, str], int] = {}
        for error in exc.errors():
            path = _data_path(data, error["loc"])
            if error["type"] in {"union_tag_invalid", "union_tag_not_found"}:
                path = (*path, "type")
            problem = Problem(source, lines.line(path), _named(data, path), _friendly(error, path))
            where = (problem.line, problem.field)
            if where in at:  # one value that fits no member of a union: one problem
                first = problems[at[where]]
                if problem.message not in first.message:
                    message = f"{first.message}; {problem.message}"
                    problems[at[where]] = Problem(source, first.line, first.field, message)
                continue
            at[where] = len(problems)
            problems.append(problem)
        raise QuestionnaireError(_capped(problems, source)) from None
    problems.extend(
        Problem(source, lines.line(path), _named(data, path), message)
        for path, message in check_graph(questionnaire)
    )
    if problems:
        raise QuestionnaireError(_capped(problems, source))
    return questionnaire


def _capped(problems: list[Problem], source: str) -> list[Problem]:
    """At most :data:`MAX_PROBLEMS`, and a line saying how many more there are."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [
        *problems[:MAX_PROBLEMS],
        Problem(source, None, "", f"and {more} more problems; fix the ones above first"),
    ]


def _named(data: Any, path: Path_) -> str:
    """A field path that names questions by id: ``questions.<id>.options[0].id``."""
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        questions = data.get("questions")
        if isinstance(questions, list) and path[1] < len(questions):
            item = questions[path[1]]
            qid = item.get("id") if isinstance(item, dict) else None
            if isinstance(qid, str) and qid:
                return _field(("questions", qid, *path[2:]))
    return _field(path)


def load_file(path: Path) -> Questionnaire:
    """Read and validate one questionnaire file."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise QuestionnaireError(
            [Problem(str(path), None, "", f"cannot read: {exc.strerror}")]
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise QuestionnaireError(
            [Problem(str(path), None, "", f"file is {len(raw)} bytes; at most {MAX_FILE_BYTES}")]
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise QuestionnaireError(
            [Problem(str(path), None, "", "not UTF-8 text; save the file as UTF-8")]
        ) from None
    return parse(text, str(path))


def questionnaire_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())


def load_directory(directory: Path) -> list[Questionnaire]:
    """Every questionnaire in a folder; all problems of all files in one error."""
    if not directory.is_dir():
        raise QuestionnaireError(
            [Problem(str(directory), None, "", "folder not found (set QUESTIONNAIRES_DIR)")]
        )
    loaded: list[Questionnaire] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, int], Path] = {}
    for path in questionnaire_files(directory):
        try:
            questionnaire = load_file(path)
        except QuestionnaireError as exc:
            problems.extend(exc.problems)
            continue
        key = (questionnaire.id, questionnaire.version)
        if key in seen:
            problems.append(
                Problem(
                    str(path),
                    None,
                    "id",
                    f"{questionnaire.id} version {questionnaire.version} is also in "
                    f"{seen[key].name}",
                )
            )
            continue
        seen[key] = path
        loaded.append(questionnaire)
    if problems:
        raise QuestionnaireError(problems)
    return loaded
