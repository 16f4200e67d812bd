"""Load questionnaire YAML into validated :class:`~flows.schema.Questionnaire` models.

Every problem is reported with the file, the line and the field. The text is read safely and
within bounds (:mod:`flows.yamlsafe`), checked field by field against the schema
(:mod:`flows.schema`) and, only when every field is right, as a whole
(:mod:`flows.validator`: targets, conditions, reachability), which needs the whole model; so
the problems of a file come in two rounds, each with all of its problems at once. Whatever
the input, the result is a questionnaire or a :class:`QuestionnaireError`, after at most one
pass over the bounded text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from flows.images import check_file
from flows.optionsets import repoint, resolve
from flows.problems import Message, Path_, both, from_pydantic, quoted, shown
from flows.schema import WHEN_TAGS, Questionnaire
from flows.shapes import write_out
from flows.texts import Language
from flows.validator import check_graph, untranslated, untranslated_other
from flows.yamlsafe import Found, Lines, Refusal, build, compose, syntax_problem

MAX_FILE_BYTES = 256 * 1024
M = TypeVar("M", bound=BaseModel)
# Problems reported for one file; the rest are summed up in one line.
MAX_PROBLEMS = 100


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a questionnaire file (or, with ``warning``, one thing to know)."""

    file: str
    line: int | None
    field: str
    message: Message
    warning: bool = False

    def said(self, language: Language = "en") -> str:
        """The message in ``language``, marked when it is a warning."""
        if self.warning:
            return Message.of("warning", message=self.message).text(language)
        return self.message.text(language)

    def text(self, language: Language = "en") -> str:
        """``file:line: field: message``, in ``language``: for a terminal or a log."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        if self.field:
            return f"{where}: {self.field}: {self.said(language)}"
        return f"{where}: {self.said(language)}"

    def __str__(self) -> str:
        return self.text("en")


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
    tag_next = False  # right after a list position: the union's tag, if the item has one
    for part in loc:
        if tag_next and isinstance(node, dict) and node.get("type") == part:
            tag_next = False  # the tag pydantic adds for a discriminated union
            continue  # (a text question's tag is "text", and so is its field)
        tag_next = False
        if isinstance(node, dict) and part in WHEN_TAGS and part not in node:
            continue  # the kind of a ``when`` (one condition, all, any, not) pydantic tried
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
            tag_next = True
        elif not isinstance(node, dict) and isinstance(part, str):
            continue  # the member pydantic tried of a plain union, e.g. 'int' of str | int
        else:
            path.append(part)  # a missing field: point at it, then stop
            break
    return tuple(path)


def _problem(source: str, message: Message, line: int | None = None) -> QuestionnaireError:
    return QuestionnaireError([Problem(source, line, "", message)])


class _Collected:
    """The problems of one file, each said once, in the order found."""

    def __init__(self, source: str, data: Any, lines: Lines) -> None:
        self.source, self.data, self.lines = source, data, lines
        self.problems: list[Problem] = []
        self._seen: set[Problem] = set()
        self._merged: dict[tuple[int | None, str], int] = {}

    def add(self, path: Path_, message: Message, *, merge: bool = False) -> None:
        """The problem at ``path``; with ``merge``, messages for one place join into one
        problem (one value that fits no member of a union is one problem)."""
        problem = Problem(self.source, self.lines.line(path), _named(self.data, path), message)
        where = (problem.line, problem.field)
        if merge and where in self._merged:
            index = self._merged[where]
            first = self.problems[index]
            if message.text() not in first.message.text():
                self.problems[index] = replace(first, message=both(first.message, message))
            return
        if problem in self._seen:
            return
        if merge:
            self._merged[where] = len(self.problems)
        self._seen.add(problem)
        self.problems.append(problem)


def parse(text: str, source: str = "<questionnaire>", images: Path | None = None) -> Questionnaire:
    """Parse and validate one questionnaire; raises :class:`QuestionnaireError`. With
    ``images``, the folder the images of ``image:`` are read from: each is checked there
    (:func:`flows.images.check_file`)."""

    def check(questionnaire: Questionnaire) -> Iterator[tuple[Path_, Message]]:
        yield from check_graph(questionnaire)
        if images is not None:
            yield from _image_problems(questionnaire, images)

    return parse_model(text, source, Questionnaire, check)


def _image_problems(questionnaire: Questionnaire, images: Path) -> Iterator[tuple[Path_, Message]]:
    """Each ``image:`` file that is missing, too big or not an image in the folder ``images``."""
    for index, question in enumerate(questionnaire.questions):
        if question.image is None:
            continue
        found = check_file(images, question.image)
        if found is not None:
            code, params = found
            message = Message.of(code, value=quoted(question.image), **params)
            yield ("questions", index, "image"), message


def parse_model(
    text: str,
    source: str,
    model: type[M],
    check: Callable[[M], Iterable[tuple[Path_, Message]]] | None = None,
) -> M:
    """Parse and validate one file as ``model`` (a questionnaire, a deliberation), with the
    whole-file checks ``check``; every problem with its file, line and field."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise _problem(source, Message.of("file_too_big", size=size, max=MAX_FILE_BYTES))
    try:
        root, refused = compose(text)
    except Refusal as exc:
        raise _problem(source, exc.message, exc.line) from None
    except yaml.YAMLError as exc:
        line, message = syntax_problem(exc, text)
        raise _problem(source, message, line) from None
    if root is None:
        raise _problem(source, Message.of("empty_file"))
    lines = Lines()
    found: Found = []
    data = build(root, (), lines, found)
    if data is None and not refused:  # only "---" or "~"
        raise _problem(source, Message.of("empty_file"))
    if not isinstance(data, dict):
        problems = [Problem(source, line, "", message) for line, message in refused]
        if not problems:
            problems = [Problem(source, 1, "", Message.of("not_mapping"))]
        raise QuestionnaireError(problems)
    collected = _Collected(source, data, lines)
    collected.problems.extend(Problem(source, line, "", message) for line, message in refused)
    for _line, path, message in found:
        collected.add(path, message)
    lists = resolve(data)
    lines.refused |= lists.skipped
    for path, message in lists.problems:
        collected.add(path, message)
    shaped = write_out(lists.data)  # grids and "anders" as questions (flows.shapes)
    for path, message in shaped.problems:
        collected.add(repoint(path, lists.borrowed), message)
    try:
        questionnaire = model.model_validate(shaped.data)
    except ValidationError as exc:
        for error in exc.errors():
            path = shaped.origin(_data_path(shaped.data, error["loc"]))
            said = lines.was_refused(path) and error["type"] != "extra_forbidden"
            if said or (error["type"] == "missing" and path[-1:] == ("en",)):
                continue  # said already (a refused value; the missing Dutch of a text)
            if error["type"] in {"union_tag_invalid", "union_tag_not_found"}:
                path = (*path, "type")
            message = from_pydantic(error, path, model)
            collected.add(repoint(path, lists.borrowed), message, merge=True)
        raise QuestionnaireError(_capped(collected.problems, source)) from None
    for path, message in check(questionnaire) if check is not None else ():
        collected.add(repoint(shaped.origin(path), lists.borrowed), message)
    if collected.problems:
        raise QuestionnaireError(_capped(collected.problems, source))
    return questionnaire


def image_problem(text: str, source: str, question_id: str, message: Message) -> Problem:
    """A problem with the image of question ``question_id`` in the (valid) file ``text``,
    at its line: for what is found after parsing, such as an https URL that answers 404."""
    line: int | None = None
    try:
        root, _refused = compose(text)
        if root is None:
            raise AttributeError("empty")
        lines = Lines()
        data = build(root, (), lines, [])
        for index, item in enumerate(data.get("questions") or []):
            if isinstance(item, dict) and item.get("id") == question_id:
                line = lines.line(("questions", index, "image"))
                break
    except (Refusal, yaml.YAMLError, AttributeError):
        pass
    return Problem(source, line, f"questions.{question_id}.image", message)


def warnings(questionnaire: Questionnaire, source: str) -> list[Problem]:
    """What an administrator should know about a valid questionnaire: texts without English,
    or without a translation into another language the file uses elsewhere."""
    missing = [m for m in (untranslated(questionnaire), *untranslated_other(questionnaire)) if m]
    return [Problem(source, None, "", message, warning=True) for message in missing]


def _capped(problems: list[Problem], source: str) -> list[Problem]:
    """At most :data:`MAX_PROBLEMS`, and a line saying how many more there are."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], Problem(source, None, "", Message.of("more", count=more))]


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
    """Read and validate one questionnaire file; its images are looked for next to it."""
    return read_file(path)[0]


def read_file(path: Path) -> tuple[Questionnaire, str]:
    """As :func:`load_file`, with the file's text (what is stored and checksummed).

    A file read before, unchanged since (the same size and modification time, its folder
    too: where its images are), is not parsed again: a process that starts the bot more
    than once (the tests, the sandbox) parses each file once. Questionnaires are frozen, so
    sharing one is safe; a file with problems is read again every time."""
    try:
        stat, folder = path.stat(), path.parent.stat()
    except OSError:
        return _read_file(path)
    return _read_unchanged(path, stat.st_size, stat.st_mtime_ns, folder.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _read_unchanged(
    path: Path, size: int, modified: int, folder_modified: int
) -> tuple[Questionnaire, str]:
    return _read_file(path)


def _read_file(path: Path) -> tuple[Questionnaire, str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _problem(str(path), Message.of("unreadable", reason=exc.strerror)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _problem(str(path), Message.of("file_too_big", size=len(raw), max=MAX_FILE_BYTES))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _problem(str(path), Message.of("not_utf8")) from None
    return parse(text, str(path), images=path.parent), text


def questionnaire_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())


def load_directory(directory: Path) -> list[Questionnaire]:
    """Every questionnaire in a folder; all problems of all files in one error."""
    return [questionnaire for questionnaire, _ in load_sources(directory)]


def load_sources(directory: Path) -> list[tuple[Questionnaire, str]]:
    """As :func:`load_directory`, each with its file's text: every file read and parsed
    once."""
    if not directory.is_dir():
        raise _problem(str(directory), Message.of("folder_missing"))
    loaded: list[tuple[Questionnaire, str]] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, int], Path] = {}
    for path in questionnaire_files(directory):
        try:
            questionnaire, text = read_file(path)
        except QuestionnaireError as exc:
            problems.extend(exc.problems)
            continue
        key = (questionnaire.id, questionnaire.version)
        if key in seen:
            message = Message.of(
                "same_version",
                id=questionnaire.id,
                version=questionnaire.version,
                other=seen[key].name,
            )
            problems.append(Problem(str(path), None, "id", message))
            continue
        seen[key] = path
        loaded.append((questionnaire, text))
    if problems:
        raise QuestionnaireError(problems)
    return loaded
