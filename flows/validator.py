"""Whole-questionnaire checks the schema cannot make field by field: every branch leads to
a question further on (or the end), conditions (also inside ``all``/``any``/``not`` and in
``show_if``) fit the question they test and test earlier answers, ``{answer:<id>}`` in a text
names an earlier question, every question can be reached, and options marked ``exclusive``
stand on a multi question that lets them; and the one warning, texts without an English
translation.

Each problem is a data path and a :class:`~flows.problems.Message`, worded in the reader's
language when it is shown.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pydantic import BaseModel

from flows import texts as texts_module
from flows.piping import references
from flows.problems import Message, Path_, guess
from flows.public_value import check_scores
from flows.schema import (
    END,
    LANGUAGES,
    AnyQuestion,
    AnyWhen,
    AreaQuestion,
    ChoiceQuestion,
    Condition,
    MultiQuestion,
    NumberQuestion,
    Questionnaire,
    ScaleQuestion,
    Text,
    YesNoQuestion,
)
from flows.shapes import check_shapes
from flows.variables import check_variables


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


def _condition_problem(condition: Condition, target: AnyQuestion) -> Message | None:
    numeric = condition.at_least is not None or condition.at_most is not None
    if isinstance(target, ScaleQuestion | NumberQuestion):
        if condition.one_of is not None:
            return Message.of("when.one_of_number")
        if condition.equals is not None:
            try:
                number = float(str(condition.equals))
            except ValueError:
                return Message.of("when.equals_number", id=target.id, type=target.type.value)
            if not target.min <= number <= target.max:
                low, high = _plain(target.min), _plain(target.max)
                return Message.of(
                    "when.out_of_range", value=condition.equals, id=target.id, low=low, high=high
                )
        return None
    if numeric:
        return Message.of("when.needs_number", id=target.id)
    values = [condition.equals] if condition.equals is not None else list(condition.one_of or [])
    if isinstance(target, YesNoQuestion):
        allowed = {"yes", "no"}
    elif isinstance(target, ChoiceQuestion | MultiQuestion):
        allowed = {o.id for o in target.options}
    elif isinstance(target, AreaQuestion):
        allowed = {a.id for a in target.areas}
    else:
        return Message.of("when.open_question", id=target.id, type=target.type.value)
    wrong = [str(v) for v in values if str(v) not in allowed]
    if wrong:
        return Message.of(
            "when.not_an_answer", values=wrong, id=target.id, allowed=sorted(allowed)
        )
    return None


def _check_when(
    when: AnyWhen,
    where: Path_,
    index: int,
    position: dict[str, int],
    questions: Sequence[AnyQuestion],
    *,
    before: bool = False,
) -> Iterator[tuple[Path_, Message]]:
    """Every single condition in ``when`` (one, or inside ``all``/``any``/``not``): its
    question exists, comes before question ``index`` (or is it, unless ``before``), and the
    value it tests is an answer that question can have."""
    ids = [q.id for q in questions]
    for inside, condition in when.leaves():
        at: Path_ = (*where, *inside)
        ref = condition.question
        if ref not in position:
            close = guess(ref, ids[: index + 1])
            yield (
                (*at, "question"),
                (
                    Message.of("when.unknown.guess", ref=ref, guess=close)
                    if close
                    else Message.of("when.unknown", ref=ref)
                ),
            )
        elif position[ref] > index or (before and position[ref] == index):
            code = "when.before" if before else "when.later"
            yield (*at, "question"), Message.of(code, ref=ref)
        else:
            problem = _condition_problem(condition, questions[position[ref]])
            if problem:
                yield at, problem


def check_show_if(
    questionnaire: Questionnaire, position: dict[str, int]
) -> Iterator[tuple[Path_, Message]]:
    """``show_if`` tests answers to questions before the question it is on."""
    for i, question in enumerate(questionnaire.questions):
        if question.show_if is not None:
            yield from _check_when(
                question.show_if,
                ("questions", i, "show_if"),
                i,
                position,
                questionnaire.questions,
                before=True,
            )


def check_piping(
    questionnaire: Questionnaire, position: dict[str, int]
) -> Iterator[tuple[Path_, Message]]:
    """``{answer:<id>}`` in a question's text or its options' labels names a question that
    comes before it."""
    for i, question in enumerate(questionnaire.questions):
        for where, text in all_texts(question, ("questions", i)):
            for lang in text.translations:
                for ref in dict.fromkeys(references(text.get(lang))):
                    if ref not in position:
                        yield (*where, lang), Message.of("answer.unknown", ref=ref)
                    elif position[ref] >= i:
                        yield (*where, lang), Message.of("answer.later", ref=ref)


def check_exclusive(questionnaire: Questionnaire) -> Iterator[tuple[Path_, Message]]:
    """``exclusive: true`` only on a multi question's options, and only where one option
    alone is enough (``min_choices`` 1)."""
    for i, question in enumerate(questionnaire.questions):
        options = question.options if isinstance(question, ChoiceQuestion | MultiQuestion) else []
        for j, option in enumerate(options):
            if not option.exclusive:
                continue
            where: Path_ = ("questions", i, "options", j, "exclusive")
            if not isinstance(question, MultiQuestion):
                yield where, Message.of("exclusive.not_multi", id=question.id, type=question.type)
            elif question.min_choices > 1:
                yield (
                    where,
                    Message.of("exclusive.min_choices", id=question.id, min=question.min_choices),
                )


def check_graph(questionnaire: Questionnaire) -> Iterator[tuple[Path_, Message]]:
    """Duplicate ids, unknown targets, unreachable questions, loops, bad conditions; option
    scores and SPSS variable names that cannot work; and :func:`check_exclusive`."""
    yield from check_exclusive(questionnaire)
    yield from check_shapes(questionnaire)
    yield from check_scores(questionnaire)
    yield from check_variables(questionnaire)
    questions = questionnaire.questions
    position: dict[str, int] = {}
    for i, question in enumerate(questions):
        if question.id in position:
            yield ("questions", i, "id"), Message.of("id_twice", id=question.id)
        else:
            position[question.id] = i
        if question.id == END:
            yield ("questions", i, "id"), Message.of("end_reserved", id=END)
        choices = getattr(question, "options", None) or getattr(question, "areas", None) or []
        field = "options" if isinstance(question, ChoiceQuestion | MultiQuestion) else "areas"
        seen: set[str] = set()
        for j, choice in enumerate(choices):
            if choice.id in seen:
                yield ("questions", i, field, j, "id"), Message.of("choice_twice", id=choice.id)
            seen.add(choice.id)

    graph: dict[str, list[str]] = {}
    for i, question in enumerate(questions):
        rules = question.rules()
        if rules and rules[-1].when is not None:
            yield ("questions", i, "next"), Message.of("rule.last_when")
        for j, rule in enumerate(rules[:-1]):
            if rule.when is None:
                yield ("questions", i, "next", j), Message.of("rule.no_when")
        ids = [q.id for q in questions]
        for j, rule in enumerate(rules):
            if rule.goto != END and rule.goto not in position:
                where: Path_ = ("questions", i, "next")
                where += (j, "goto") if len(rules) > 1 or rule.when else ()
                close = guess(rule.goto, [*ids, END])
                yield (
                    where,
                    (
                        Message.of("goto.guess", goto=rule.goto, guess=close)
                        if close
                        else Message.of("goto", goto=rule.goto, end=END)
                    ),
                )
            if rule.when is not None:
                yield from _check_when(
                    rule.when, ("questions", i, "next", j, "when"), i, position, questions
                )
        graph[question.id] = [t for t in successors(questionnaire, i) if t in position]

    yield from check_show_if(questionnaire, position)
    yield from check_piping(questionnaire, position)

    # Loops: depth-first search with colours.
    colour: dict[str, int] = {}
    stack_path: list[str] = []

    def visit(node: str) -> Iterator[tuple[Path_, Message]]:
        colour[node] = 1
        stack_path.append(node)
        for nxt in graph.get(node, []):
            if colour.get(nxt) == 1:
                cycle = [*stack_path[stack_path.index(nxt) :], nxt]
                yield (
                    ("questions", position[node], "next"),
                    Message.of("loop", cycle=" -> ".join(cycle)),
                )
            elif colour.get(nxt) is None:
                yield from visit(nxt)
        stack_path.pop()
        colour[node] = 2

    if questions:
        yield from visit(questions[0].id)
        for i, question in enumerate(questions):
            if question.id not in colour and position.get(question.id) == i:
                yield ("questions", i, "id"), Message.of("unreachable", id=question.id)


# --- missing translations -------------------------------------------------------------------

# Question ids (or fields) named in the warning; the rest are counted.
MAX_NAMED = 12


def all_texts(node: object, path: Path_) -> Iterator[tuple[Path_, Text]]:
    """Every text in a questionnaire (or in a part of it) with where it is."""
    if isinstance(node, Text):
        yield path, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from all_texts(getattr(node, name), (*path, name))
    elif isinstance(node, list | tuple):
        for index, item in enumerate(node):
            yield from all_texts(item, (*path, index))


def untranslated(questionnaire: Questionnaire) -> Message | None:
    """One warning for the whole file: how many texts have no English, and where (the
    fields at the top, then the questions by id), or None when every text has it."""
    missing = [path for path, text in all_texts(questionnaire, ()) if "en" in text.untranslated]
    if not missing:
        return None
    return Message.of("untranslated", count=len(missing), where=_where(questionnaire, missing))


def untranslated_other(questionnaire: Questionnaire) -> list[Message]:
    """A warning per language beyond Dutch and English that some texts of the file have and
    others lack (those are shown in Dutch to a resident who speaks it), and per language the
    bot does not speak (no catalog in flows/locales): no resident ever sees those texts."""
    texts = list(all_texts(questionnaire, ()))
    used = dict.fromkeys(code for _, text in texts for code in text.languages)
    warnings = []
    for code in used:
        if code in LANGUAGES:
            continue
        if code.split("-")[0].lower() not in texts_module.LANGUAGES:  # as language_of reads
            spoken = ", ".join(texts_module.LANGUAGES)
            warnings.append(Message.of("language.no_catalog", language=code, languages=spoken))
            continue
        missing = [path for path, text in texts if code not in text.languages]
        if missing:
            where = _where(questionnaire, missing)
            warnings.append(
                Message.of("untranslated.other", language=code, count=len(missing), where=where)
            )
    return warnings


def _where(questionnaire: Questionnaire, missing: list[Path_]) -> Message | str:
    fields = list(dict.fromkeys(str(p[0]) for p in missing if p[0] != "questions"))
    questions = [questionnaire.questions[int(p[1])].id for p in missing if p[0] == "questions"]
    ids = list(dict.fromkeys(questions))
    listed = ", ".join(ids[:MAX_NAMED]) + (" …" if len(ids) > MAX_NAMED else "")
    where: Message | str = ", ".join(fields)
    if ids:
        where = (
            Message.of("untranslated.where", fields=where, questions=listed)
            if fields
            else Message.of("untranslated.questions", questions=listed)
        )
    return where
