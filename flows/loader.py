"""Load questionnaire YAML into validated :class:`~flows.schema.Questionnaire` models.

Every problem is reported with the file, the line and the field, and all problems of a
file are reported at once, so an author fixes a questionnaire in one round.
YAML is parsed safely (PyYAML's safe loader, so no object is ever constructed from a tag)
and within bounds checked while the parser reads, before any node is built: no tags beyond
the standard scalar ones, no anchors or aliases (so no "billion laughs"), at most
:data:`MAX_FILE_BYTES` of text, :data:`MAX_DEPTH` levels of nesting and :data:`MAX_NODES`
values, and numbers of at most :data:`MAX_NUMBER_CHARS` characters. Whatever the input, the
result is a :class:`QuestionnaireError` with a clear problem, never a ``MemoryError`` or a
``RecursionError``, and after at most one pass over the bounded text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from flows.schema import (
    END,
    SCHEMA_VERSION,
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    Condition,
    MultiQuestion,
    NumberQuestion,
    Questionnaire,
    QuestionType,
    ScaleQuestion,
    YesNoQuestion,
)

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 20
# Values (scalars, mappings, lists): the largest questionnaire the schema allows (60
# questions of 30 areas each) has about 25,000; the shipped ones about 560.
MAX_NODES = 50_000
# Longer numbers are refused before they are converted: YAML 1.1's base-60 numbers
# ("1:30:00") cost quadratic time to convert, and a huge one overflows a float.
MAX_NUMBER_CHARS = 100
# Problems reported for one file; the rest are summed up in one line.
MAX_PROBLEMS = 100
# Longer values and keys are shortened in a problem's message and field.
SHOWN_CHARS = 60

Path_ = tuple[str | int, ...]

_YAML_TAG = "tag:yaml.org,2002:"
# Explicit tags an author may write (``!!str 0123``); anything else (``!!python/...``,
# ``!!binary``, ``!!set``, custom ``!tags``) is refused before a node is built.
_ALLOWED_TAGS = frozenset(
    {"!"} | {_YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "map", "seq")}
)
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


class _Lines:
    """Where each field of the parsed document stands in the file."""

    def __init__(self) -> None:
        self.lines: dict[Path_, int] = {}

    def line(self, path: Path_) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def _short(tag: str) -> str:
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


class _GuardedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing what a questionnaire never needs as each parser event
    arrives: anchors and aliases, custom tags, deep nesting, too many values. The composer
    asks for every event through :meth:`get_event`, so nothing is built past a problem and
    the text is read once."""

    def __init__(self, text: str, source: str) -> None:
        super().__init__(text)
        self.source = source
        self.depth = 0
        self.nodes = 0

    def _refuse(self, event: yaml.Event, message: str) -> QuestionnaireError:
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        return QuestionnaireError([Problem(self.source, line, "", message)])

    def get_event(self) -> yaml.Event:
        event: yaml.Event = super().get_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise self._refuse(event, "anchors and aliases (& and *) are not allowed")
        tag = getattr(event, "tag", None)
        if tag and tag not in _ALLOWED_TAGS:
            raise self._refuse(event, f"YAML tag {_short(tag)} is not allowed")
        if isinstance(event, yaml.ScalarEvent | yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise self._refuse(
                    event, f"has more than {MAX_NODES} values; a questionnaire needs far fewer"
                )
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self._refuse(event, f"nested deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self.depth -= 1
        return event


def _compose(text: str, source: str) -> yaml.Node | None:
    """The document's node tree, within the limits (raises QuestionnaireError or YAMLError)."""
    guarded = _GuardedLoader(text, source)
    try:
        node: yaml.Node | None = guarded.get_single_node()
        return node
    finally:
        guarded.dispose()


def _shown(value: str) -> str:
    """A value or key from the file, shortened for a problem message."""
    return value if len(value) <= SHOWN_CHARS else value[: SHOWN_CHARS - 1] + "…"


# Stateless use only: the scalar constructors below never touch the object cache, so one
# constructor serves every parse without keeping nodes alive between parses.
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS = yaml.constructor.SafeConstructor.yaml_constructors

Found = list[tuple[int, Path_, str]]  # (line, data path, message) found while building


_NUMBER_TAGS = frozenset({_YAML_TAG + "int", _YAML_TAG + "float"})


def _scalar(node: yaml.ScalarNode) -> Any:
    # Dates stay text: pydantic parses them, and a timestamp never becomes a surprise type.
    if node.tag == _YAML_TAG + "timestamp":
        return str(node.value)
    # Only true/false are booleans (as in YAML 1.2): yes/no/on/off stay text, so a label
    # "No" or a condition "equals: yes" means what it says.
    if node.tag == _YAML_TAG + "bool" and node.value.lower() not in {"true", "false"}:
        return str(node.value)
    construct = _SCALAR_CONSTRUCTORS.get(node.tag)
    if construct is None:
        raise ValueError(f"YAML tag {node.tag} is not allowed")
    return construct(_CONSTRUCTOR, node)


def _build(node: yaml.Node, path: Path_, lines: _Lines, found: Found) -> Any:
    lines.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if isinstance(key_node, yaml.ScalarNode):
                key = str(_build(key_node, (*path, "?"), lines, found))
            else:
                key = "?"
            if key in result:
                found.append((key_line, (*path, key), "appears twice"))
            result[key] = _build(value_node, (*path, key), lines, found)
            lines.lines[(*path, key)] = key_line
        lines.lines.pop((*path, "?"), None)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, found) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    line = node.start_mark.line + 1
    if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
        found.append((line, path, f"'{_shown(node.value)}' is too long for a number"))
        return str(node.value)
    try:
        return _scalar(node)
    except (ValueError, TypeError, LookupError, ArithmeticError, yaml.YAMLError):
        found.append((line, path, f"'{_shown(node.value)}' is not a valid {_short(node.tag)}"))
        return str(node.value)


def _field(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{_shown(part)}" if out else _shown(part)
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
        root = _compose(text, source)
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
    lines = _Lines()
    found: Found = []
    data = _build(root, (), lines, found)
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


# --- Whole-questionnaire checks -------------------------------------------------------------


def successors(questionnaire: Questionnaire, index: int) -> list[str]:
    """Where question ``index`` can lead: its rules' targets, or the question below."""
    question = questionnaire.questions[index]
    rules = question.rules()
    if not rules:
        below = (
            questionnaire.questions[index + 1].id
            if index + 1 < len(questionnaire.questions)
            else END
        )
        return [below]
    return [rule.goto for rule in rules]


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _condition_problem(condition: Condition, target: AnyQuestion) -> str | None:
    numeric = condition.at_least is not None or condition.at_most is not None
    if isinstance(target, ScaleQuestion | NumberQuestion):
        if condition.one_of is not None:
            return "one_of does not apply to a number; use equals, at_least or at_most"
        if condition.equals is not None:
            try:
                number = float(str(condition.equals))
            except ValueError:
                return f"equals must be a number: '{target.id}' is a {target.type} question"
            if not target.min <= number <= target.max:
                low, high = _plain(target.min), _plain(target.max)
                return f"{condition.equals} is not an answer of '{target.id}' ({low} to {high})"
        return None
    if numeric:
        return f"at_least/at_most need a scale or number question; '{target.id}' is not"
    values = [condition.equals] if condition.equals is not None else list(condition.one_of or [])
    if isinstance(target, YesNoQuestion):
        allowed = {"yes", "no"}
    elif isinstance(target, ChoiceQuestion | MultiQuestion):
        allowed = {o.id for o in target.options}
    elif isinstance(target, AreaQuestion):
        allowed = {a.id for a in target.areas}
    else:
        return f"'{target.id}' is a {target.type} question; branch on closed questions only"
    wrong = [str(v) for v in values if str(v) not in allowed]
    if wrong:
        return (
            f"{', '.join(wrong)} is not an answer of '{target.id}' ({', '.join(sorted(allowed))})"
        )
    return None


def check_graph(questionnaire: Questionnaire) -> Iterator[tuple[Path_, str]]:
    """Duplicate ids, unknown targets, unreachable questions, loops, bad conditions."""
    questions = questionnaire.questions
    position: dict[str, int] = {}
    for i, question in enumerate(questions):
        if question.id in position:
            yield ("questions", i, "id"), f"'{question.id}' is used by two questions"
        else:
            position[question.id] = i
        if question.id == END:
            yield ("questions", i, "id"), f"'{END}' is reserved for the end of the questionnaire"
        choices = getattr(question, "options", None) or getattr(question, "areas", None) or []
        field = "options" if isinstance(question, ChoiceQuestion | MultiQuestion) else "areas"
        seen: set[str] = set()
        for j, choice in enumerate(choices):
            if choice.id in seen:
                yield ("questions", i, field, j, "id"), f"'{choice.id}' is used twice"
            seen.add(choice.id)

    graph: dict[str, list[str]] = {}
    for i, question in enumerate(questions):
        rules = question.rules()
        if rules and rules[-1].when is not None:
            yield (
                ("questions", i, "next"),
                "the last rule needs no 'when': it is the default when no other rule applies",
            )
        for j, rule in enumerate(rules[:-1]):
            if rule.when is None:
                yield (
                    ("questions", i, "next", j),
                    "only the last rule may leave out 'when': the rules after this one are "
                    "never used",
                )
        for j, rule in enumerate(rules):
            if rule.goto != END and rule.goto not in position:
                where: Path_ = ("questions", i, "next")
                where += (j, "goto") if len(rules) > 1 or rule.when else ()
                yield where, f"goes to '{rule.goto}', which is not a question (or '{END}')"
            if rule.when is None:
                continue
            cond_where: Path_ = ("questions", i, "next", j, "when")
            ref = rule.when.question
            if ref not in position:
                yield (*cond_where, "question"), f"'{ref}' is not a question"
            elif position[ref] > i:
                yield (
                    (*cond_where, "question"),
                    f"'{ref}' comes after this question, so it has no answer yet",
                )
            else:
                problem = _condition_problem(rule.when, questions[position[ref]])
                if problem:
                    yield cond_where, problem
        graph[question.id] = [t for t in successors(questionnaire, i) if t in position]

    # Loops: depth-first search with colours.
    colour: dict[str, int] = {}
    stack_path: list[str] = []

    def visit(node: str) -> Iterator[tuple[Path_, str]]:
        colour[node] = 1
        stack_path.append(node)
        for nxt in graph.get(node, []):
            if colour.get(nxt) == 1:
                cycle = [*stack_path[stack_path.index(nxt) :], nxt]
                yield (
                    ("questions", position[node], "next"),
                    "makes a loop: " + " -> ".join(cycle),
                )
            elif colour.get(nxt) is None:
                yield from visit(nxt)
        stack_path.pop()
        colour[node] = 2

    if questions:
        yield from visit(questions[0].id)
        for i, question in enumerate(questions):
            if question.id not in colour and position.get(question.id) == i:
                yield ("questions", i, "id"), f"'{question.id}' can never be reached"
