"""Whole-questionnaire checks the schema cannot make field by field: every branch leads to
a question further on (or the end), conditions fit the question they test, every question
can be reached, and options marked ``exclusive`` stand on a multi question that lets them.
"""

from __future__ import annotations

from collections.abc import Iterator

from flows.schema import (
    END,
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    Condition,
    MultiQuestion,
    NumberQuestion,
    Questionnaire,
    ScaleQuestion,
    YesNoQuestion,
)
from flows.yamlsafe import Path_


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


def check_exclusive(questionnaire: Questionnaire) -> Iterator[tuple[Path_, str]]:
    """``exclusive: true`` only on a multi question's options, and only where one option
    alone is enough (``min_choices`` 1)."""
    for i, question in enumerate(questionnaire.questions):
        options = question.options if isinstance(question, ChoiceQuestion | MultiQuestion) else []
        for j, option in enumerate(options):
            if not option.exclusive:
                continue
            where: Path_ = ("questions", i, "options", j, "exclusive")
            if not isinstance(question, MultiQuestion):
                yield (
                    where,
                    (
                        f"only the options of a multi question can be exclusive; '{question.id}' "
                        f"is a {question.type} question, where one answer is chosen anyway"
                    ),
                )
            elif question.min_choices > 1:
                yield (
                    where,
                    (
                        f"an exclusive option is chosen on its own, but '{question.id}' asks for "
                        f"at least {question.min_choices} answers (min_choices)"
                    ),
                )


def check_graph(questionnaire: Questionnaire) -> Iterator[tuple[Path_, str]]:
    """Duplicate ids, unknown targets, unreachable questions, loops, bad conditions (and
    :func:`check_exclusive`)."""
    yield from check_exclusive(questionnaire)
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
