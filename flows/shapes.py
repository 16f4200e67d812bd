"""Question shapes written out before the schema sees them: grids and "anders, namelijk".

- A ``grid`` (several statements on one shared scale) becomes one
  :class:`~flows.schema.GridQuestion` per statement, in place: the questionnaire is asked,
  stored and exported as if every statement were a choice question of its own (a tidy
  column each), and digests draw the grid's statements as one stacked chart. A ``goto`` to
  the grid goes to its first statement; the grid's ``next`` is its last statement's.
- An option marked ``other: true`` on a ``choice`` or ``multi`` question ("Anders,
  namelijk ...") adds a short free-text question right after it, asked only when that
  option was chosen (a rule in front of the question's own), with the id
  ``<question>-<option>``. It is a text question like any other: moderated and scrubbed.

Like :mod:`flows.optionsets` this works on the file's data and keeps where each written-out
field came from (:attr:`Written.origin`), so that every problem is said at the line the
administrator wrote.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flows.problems import Message, Path_
from flows.schema import (
    END,
    MAX_GRID_ITEMS,
    Questionnaire,
    QuestionType,
    RankingQuestion,
    ScaleQuestion,
)
from flows.texts import Address, raw

#: Characters a resident may type after "Anders, namelijk".
OTHER_MAX_CHARS = 200
OTHER_TYPES = frozenset({QuestionType.CHOICE.value, QuestionType.MULTI.value})


@dataclass(frozen=True)
class Origin:
    """Where the file has a written-out question: ``whole`` for the question as a whole and
    any field not in ``fields``; ``shift``: its ``next`` got a rule in front."""

    whole: Path_
    fields: Mapping[str, Path_] | None = None  # None: the question is as the file has it
    shift: bool = False

    def of(self, rest: Path_) -> Path_:
        if not rest:
            return self.whole
        name, tail = str(rest[0]), rest[1:]
        if self.shift and name == "next":
            if tail and isinstance(tail[0], int):
                return (*self.whole, "next", tail[0] - 1, *tail[1:]) if tail[0] else self.whole
            return (*self.whole, "next", *tail)
        if self.fields is None:
            return (*self.whole, *rest)
        if name in self.fields:
            return (*self.fields[name], *tail)
        return self.whole


@dataclass
class Written:
    """The data with grids and "anders" written out, and what was wrong with them."""

    data: dict[str, Any]
    problems: list[tuple[Path_, Message]] = field(default_factory=list)
    #: Per question of the data written out, where the file has it.
    origins: list[Origin] = field(default_factory=list)

    def origin(self, path: Path_) -> Path_:
        """A place in the written-out data, as the place in the file."""
        if len(path) < 2 or path[0] != "questions" or not isinstance(path[1], int):
            return path
        if path[1] >= len(self.origins):
            return path
        return self.origins[path[1]].of(path[2:])


def write_out(data: Mapping[str, Any]) -> Written:
    """``data`` with every grid and every "anders" option written out as questions."""
    written = Written(dict(data))
    questions = data.get("questions")
    if not isinstance(questions, list):
        return written
    out: list[Any] = []
    origins: list[Origin] = []
    firsts: dict[str, str] = {}
    for index, question in enumerate(questions):
        here: Path_ = ("questions", index)
        items = None
        if isinstance(question, Mapping) and question.get("type") == QuestionType.GRID.value:
            items = _grid(question, here, written, firsts)
        if items is None:
            out.append(question)
            origins.append(Origin(here))
            continue
        out.extend(item for item, _ in items)
        origins.extend(origin for _, origin in items)
    out, origins = _others(out, origins, data.get("address"), written)
    written.origins = origins
    written.data["questions"] = [_regoto(q, firsts) for q in out]
    return written


def _grid(
    grid: Mapping[str, Any], here: Path_, written: Written, firsts: dict[str, str]
) -> list[tuple[dict[str, Any], Origin]] | None:
    """The statements of one grid as questions, or None when its ``items`` are no list of
    statements (said as a problem; the grid is then checked as it is)."""
    items = grid.get("items")
    if (
        not isinstance(items, list)
        or not 2 <= len(items) <= MAX_GRID_ITEMS
        or not all(isinstance(i, Mapping) for i in items)
    ):
        written.problems.append(((*here, "items"), Message.of("grid.items", max=MAX_GRID_ITEMS)))
        return None
    shared = {k: v for k, v in grid.items() if k not in {"items", "id", "text", "label", "next"}}
    shared_at: dict[str, Path_] = {k: (*here, k) for k in shared}
    out = []
    for position, item in enumerate(items, 1):
        at: Path_ = (*here, "items", position - 1)
        question = {
            **shared,
            **item,
            "type": QuestionType.GRID.value,
            "grid": grid.get("id"),
            "stem": grid.get("text"),
            "position": position,
            "count": len(items),
        }
        fields = {**shared_at, **{str(k): (*at, str(k)) for k in item}}
        fields.update(grid=(*here, "id"), stem=(*here, "text"), type=(*here, "type"))
        if "label" in grid:
            question["grid_label"] = grid["label"]
            fields["grid_label"] = (*here, "label")
        if position == len(items) and "next" in grid:
            question["next"] = grid["next"]
            fields["next"] = (*here, "next")
        out.append((question, Origin(at, fields)))
    first = items[0].get("id")
    if isinstance(grid.get("id"), str) and isinstance(first, str):
        firsts[grid["id"]] = first
    return out


def _others(
    questions: list[Any], origins: list[Origin], address: object, written: Written
) -> tuple[list[Any], list[Origin]]:
    """Each "anders" option's text question, inserted right after its question."""
    out: list[Any] = []
    out_origins: list[Origin] = []
    for index, question in enumerate(questions):
        origin = origins[index]
        options = question.get("options") if isinstance(question, Mapping) else None
        marked = (
            [(n, o) for n, o in enumerate(options) if isinstance(o, Mapping) and "other" in o]
            if isinstance(options, list)
            else []
        )
        if not marked or not isinstance(options, list):
            out.append(question)
            out_origins.append(origin)
            continue
        # ``other: true`` stays on a choice or multi option (it closes a shuffled list,
        # flows.shuffle); anything else marked is a problem said below, and taken off.
        kept = question.get("type") in OTHER_TYPES
        cleaned = [
            {k: v for k, v in o.items() if k != "other" or (kept and v is True)}
            if isinstance(o, Mapping)
            else o
            for o in options
        ]
        question = {**question, "options": cleaned}
        follow = _follow_up(questions, index, question, marked, address, origin, written)
        if follow is None:
            out.append(question)
            out_origins.append(origin)
            continue
        question, extra, number = follow
        out.extend([question, extra])
        shifted = Origin(origin.whole, origin.fields, shift=True)
        own = origin.of(("next",)) if "next" in questions[index] else origin.whole
        out_origins.extend([shifted, Origin(origin.of(("options", number)), {"next": own})])
    return out, out_origins


def _follow_up(
    questions: list[Any],
    index: int,
    question: dict[str, Any],
    marked: list[tuple[int, Mapping[str, Any]]],
    address: object,
    origin: Origin,
    written: Written,
) -> tuple[dict[str, Any], dict[str, Any], int] | None:
    """The question with its "anders" rule in front, the text question it leads to, and
    where the option stands among the question's options."""
    wanted = [(n, o) for n, o in marked if o.get("other") is True]
    problem = None
    if question.get("type") not in OTHER_TYPES:
        problem = (origin.of(("options", marked[0][0], "other")), Message.of("other.type"))
    elif len(marked) != len(wanted):
        bad = next(n for n, o in marked if o.get("other") is not True)
        problem = (origin.of(("options", bad, "other")), Message.of("other.bool"))
    elif len(wanted) > 1:
        problem = (origin.of(("options", wanted[1][0], "other")), Message.of("other.many"))
    if problem is not None:
        written.problems.append(problem)
        return None
    if not wanted:
        return None
    number, option = wanted[0]
    qid, oid = question.get("id"), option.get("id")
    if not isinstance(qid, str) or not isinstance(oid, str):
        return None  # the schema says what is wrong with them
    follow_id = f"{qid}-{oid}"
    own = question.get("next")
    rules = [{"goto": own}] if isinstance(own, str) else list(own or [])
    rules = rules or [{"goto": _below(questions, index)}]
    test: dict[str, object] = (
        {"equals": oid} if question.get("type") == QuestionType.CHOICE.value else {"one_of": [oid]}
    )
    condition = {"question": qid, **test}
    question = {**question, "next": [{"when": condition, "goto": follow_id}, *rules]}
    label = _label(option)
    spoken: Address = "u" if address == "u" else "je"
    text = {
        lang: raw(lang, "shapes.other.question", address=spoken).format(option=label[lang])
        for lang in ("nl", "en")
    }
    follow: dict[str, Any] = {
        "id": follow_id,
        "type": QuestionType.TEXT.value,
        "text": text,
        "max_length": OTHER_MAX_CHARS,
        "next": rules,
    }
    short = question.get("label")
    name = short if isinstance(short, str) else None
    if name is None and isinstance(question.get("text"), Mapping):
        name = str(question["text"].get("nl", ""))
    follow["label"] = f"{(name or follow_id)[:60]}: {label['nl']}"[:80]
    variable = question.get("variable")
    if isinstance(variable, str):
        follow["variable"] = f"{variable}_o"[:64]
    return question, follow, number


def _below(questions: list[Any], index: int) -> str:
    if index + 1 >= len(questions):
        return END
    nxt = questions[index + 1]
    found = nxt.get("id") if isinstance(nxt, Mapping) else None
    return found if isinstance(found, str) else END


def _label(option: Mapping[str, Any]) -> dict[str, str]:
    """The option's label in every language it has (Dutch for a missing English)."""
    label = option.get("label")
    if isinstance(label, Mapping):
        nl = str(label.get("nl", option.get("id")))
        return {"nl": nl, "en": str(label.get("en", nl))}
    return {"nl": str(option.get("id")), "en": str(option.get("id"))}


def _regoto(question: object, firsts: Mapping[str, str]) -> object:
    """``goto: <grid>`` as ``goto: <its first statement>``."""
    if not isinstance(question, Mapping) or not firsts:
        return question
    rules = question.get("next")
    if isinstance(rules, str):
        return {**question, "next": firsts.get(rules, rules)}
    if isinstance(rules, list):
        rules = [
            {**r, "goto": firsts.get(r["goto"], r["goto"])}
            if isinstance(r, Mapping) and isinstance(r.get("goto"), str)
            else r
            for r in rules
        ]
        return {**question, "next": rules}
    return question


def check_shapes(questionnaire: Questionnaire) -> Iterator[tuple[Path_, Message]]:
    """What the schema cannot see one field at a time: a scale reported as NPS runs 0-10
    and a rapportcijfer up to 10; a ranking names each option once and keeps none last."""
    for i, question in enumerate(questionnaire.questions):
        if isinstance(question, ScaleQuestion):
            nps = question.report == "nps" and (question.min, question.max) != (0, 10)
            grade = question.report == "grade" and question.max != 10
            if nps or grade:
                yield ("questions", i, "report"), Message.of(f"report.{question.report}")
        if isinstance(question, RankingQuestion):
            seen: set[str] = set()
            for j, option in enumerate(question.options):
                if option.id in seen:
                    where: Path_ = ("questions", i, "options", j, "id")
                    yield where, Message.of("choice_twice", id=option.id)
                seen.add(option.id)
                if option.last:  # a ranking is never shuffled: its order is the answer
                    yield ("questions", i, "options", j, "last"), Message.of("last.ranking")
