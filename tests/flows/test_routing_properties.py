"""Properties of compound routing and shuffling, over questionnaires hypothesis makes up.

Questionnaires of every shape (choice and multi with "anders, namelijk", grid, ranking,
date, yes/no, scale, text), with ``all``/``any``/``not`` in their rules, ``show_if`` on
their questions, ``{answer:...}`` in their texts and jumps anywhere: forward, backward, to
themselves, to ids that do not exist. The loader accepts exactly those whose jumps all
land, that loop nowhere and whose every question can be reached (worked out here on the
file as written); every one it accepts reaches ``end`` from every question whatever the
answers, also through the engine with « Vorige now and then. And a shuffled list of
options never loses or repeats an option, and keeps those that close it last.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.engine import Back, Confirm, Pick, Skip, Toggle, Typed, apply, start
from flows.loader import QuestionnaireError, parse
from flows.machine import Flow
from flows.schema import (
    END,
    ChoiceQuestion,
    DateQuestion,
    MultiQuestion,
    Option,
    RankingQuestion,
    ScaleQuestion,
    TextQuestion,
    YesNoQuestion,
)
from flows.shuffle import closes_list, order

KINDS = ("choice", "multi", "yesno", "scale", "grid", "ranking", "date", "text")
OPTIONS = ("a", "b", "anders")
TESTED = ("choice", "multi", "yesno", "scale", "grid")  # what a condition can test
NOWHERE = "nergens"  # an id no question has
ROUTING_PROBLEMS = {"goto", "goto.guess", "loop", "unreachable"}


def _options(other: bool) -> list[dict[str, Any]]:
    options: list[dict[str, Any]] = [
        {"id": o, "label": {"nl": o.upper(), "en": o.upper()}} for o in OPTIONS
    ]
    if other:
        options[-1]["other"] = True
    return options


def _tested_ids(kinds: list[str], upto: int) -> list[tuple[str, str]]:
    """(id a condition names, its kind) for the questions up to ``upto`` that can be tested;
    a grid is tested on its first statement."""
    found = []
    for i, kind in enumerate(kinds[: upto + 1]):
        if kind in TESTED:
            found.append((f"q{i}-1" if kind == "grid" else f"q{i}", kind))
    return found


def _leaf(draw: st.DrawFn, tested: list[tuple[str, str]]) -> dict[str, Any]:
    ref, kind = draw(st.sampled_from(tested))
    if kind == "scale":
        bound = draw(st.integers(1, 5))
        test = draw(st.sampled_from(["at_least", "at_most", "equals"]))
        return {"question": ref, test: bound}
    values = ["yes", "no"] if kind == "yesno" else list(OPTIONS)
    if draw(st.booleans()):
        return {"question": ref, "equals": draw(st.sampled_from(values))}
    return {"question": ref, "one_of": draw(st.lists(st.sampled_from(values), min_size=1))}


def _when(draw: st.DrawFn, tested: list[tuple[str, str]], depth: int = 0) -> dict[str, Any]:
    shape = draw(st.sampled_from(["leaf", "all", "any", "not"] if depth < 2 else ["leaf"]))
    if shape == "leaf":
        return _leaf(draw, tested)
    if shape == "not":
        return {"not": _when(draw, tested, depth + 1)}
    items = draw(st.integers(1, 3))
    return {shape: [_when(draw, tested, depth + 1) for _ in range(items)]}


@st.composite
def questionnaires(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(2, 7))
    kinds = [draw(st.sampled_from(KINDS)) for _ in range(count)]
    ids = [f"q{i}" for i in range(count)]
    # The order a resident mostly goes through them, which need not be the file's: jumps go
    # mostly forward in it, so many files are valid and many of them jump backward in the
    # file.
    route = [0, *draw(st.permutations(range(1, count)))]
    rank = {question: place for place, question in enumerate(route)}
    questions = []
    for i, kind in enumerate(kinds):
        text = f"Vraag {i}"
        if i > 0 and kind != "grid" and draw(st.booleans()):  # piping an earlier answer
            earlier = draw(st.integers(0, i - 1))
            text += (
                f" ({{answer:{ids[earlier]}-1}})"
                if kinds[earlier] == "grid"
                else (f" ({{answer:{ids[earlier]}}})")
            )
        question: dict[str, Any] = {
            "id": ids[i],
            "type": kind,
            "text": {"nl": text, "en": text},
            "optional": draw(st.booleans()),
        }
        if kind in ("choice", "multi"):
            question["options"] = _options(other=draw(st.booleans()))
            question["shuffle"] = draw(st.booleans())
        elif kind == "grid":
            question["options"] = _options(other=False)
            question["items"] = [
                {"id": f"{ids[i]}-{n}", "text": {"nl": f"Uitspraak {n}", "en": f"Item {n}"}}
                for n in (1, 2)
            ]
        elif kind == "ranking":
            question["options"] = _options(other=False)
        tested_before = _tested_ids(kinds, i - 1)
        if tested_before and kind != "grid" and draw(st.booleans()):
            question["show_if"] = _when(draw, tested_before)
        # Jumps anywhere: to any question (before, after, itself), to the end, to nowhere;
        # mostly forward along the route.
        later = [*(ids[q] for q in route[rank[i] + 1 :]), END]
        below = later[0]  # the next on the route
        targets = st.sampled_from([*[below] * 8, *later * 3, *ids, END, NOWHERE])
        tested = _tested_ids(kinds, i)
        if draw(st.integers(0, 5)):  # else no rules: the question below in the file
            rules: list[dict[str, Any]] = [
                {"when": _when(draw, tested), "goto": draw(targets)}
                for _ in range(draw(st.integers(0, 2) if tested else st.just(0)))
            ]
            default = draw(targets)
            question["next"] = [*rules, {"goto": default}]
        questions.append(question)
    return {
        "schema_version": 1,
        "id": "eigenschap",
        "version": 1,
        "theme": {"nl": "T", "en": "T"},
        "title": {"nl": "T", "en": "T"},
        "intro": {"nl": "I", "en": "I"},
        "questions": questions,
    }


def _routes_well(data: dict[str, Any]) -> bool:
    """Whether every jump lands on a question or the end, no path loops and every question
    can be reached from the first: worked out on the file as written (a grid and an
    "anders" text question are one step each here, as they lead on where their question
    does)."""
    questions = data["questions"]
    ids = [q["id"] for q in questions]
    graph: dict[str, list[str]] = {}
    for i, question in enumerate(questions):
        below = ids[i + 1] if i + 1 < len(ids) else END
        targets = [rule["goto"] for rule in question.get("next", [])] or [below]
        if any(t != END and t not in ids for t in targets):
            return False
        graph[question["id"]] = [t for t in targets if t != END]
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def loops(node: str) -> bool:
        state[node] = 1
        for nxt in graph[node]:
            if state.get(nxt) == 1 or (nxt not in state and loops(nxt)):
                return True
        state[node] = 2
        return False

    return not loops(ids[0]) and len(state) == len(ids)


def _answer(draw: st.DrawFn, question: Any) -> Any:
    """An answer ``question`` can have, as stored."""
    if isinstance(question, MultiQuestion):
        ids = [o.id for o in question.options]
        return draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    if isinstance(question, RankingQuestion):
        return draw(st.permutations([o.id for o in question.options]))
    if isinstance(question, ChoiceQuestion):  # a grid's statement too
        return draw(st.sampled_from([o.id for o in question.options]))
    if isinstance(question, YesNoQuestion):
        return draw(st.sampled_from(["yes", "no"]))
    if isinstance(question, ScaleQuestion):
        return draw(st.integers(question.min, question.max))
    if isinstance(question, DateQuestion):
        return "2027-03-12"
    return "Met de step"


def _inputs(draw: st.DrawFn, question: Any, ticked: tuple[Any, ...]) -> list[Any]:
    """What a resident taps or types to give an answer to ``question`` (a multi question
    shows the options ``ticked`` before, after « Vorige)."""
    if isinstance(question, MultiQuestion):
        wanted = _answer(draw, question)
        taps = [o.id for o in question.options if (o.id in wanted) != (o.id in ticked)]
        return [*(Toggle(o) for o in taps), Confirm()]
    if isinstance(question, RankingQuestion):
        places = {o.id: n for n, o in enumerate(question.options, 1)}
        return [Typed(" ".join(str(places[o]) for o in _answer(draw, question)))]
    if isinstance(question, ChoiceQuestion | YesNoQuestion | ScaleQuestion):
        return [Pick(str(_answer(draw, question)))]
    if isinstance(question, DateQuestion):
        return [Typed("12-3-2027")]
    assert isinstance(question, TextQuestion)
    return [Typed("Met de step")]


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=questionnaires(), choices=st.data())
def test_every_valid_questionnaire_reaches_end_from_every_question(
    data: dict[str, Any], choices: st.DataObject
) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    try:
        questionnaire = parse(text, "eigenschap.yaml")
    except QuestionnaireError as error:
        codes = {p.message.code for p in error.problems}
        assert codes <= ROUTING_PROBLEMS, error  # nothing else is wrong with these files
        assert not _routes_well(data), "refused, yet every jump lands and none loops"
        return
    assert _routes_well(data), "accepted, yet a jump goes nowhere, loops or leaves one out"
    flow = Flow(questionnaire)
    # From every question, with any answers (given or skipped) to any questions.
    for question in flow.order:
        answers = {
            qid: choices.draw(st.one_of(st.none(), st.just(_answer(choices.draw, asked))))
            for qid, asked in flow.questions.items()
            if choices.draw(st.booleans())
        }
        current, steps = question, 0
        while current != END:
            current = flow.next_of(current, answers)
            steps += 1
            assert steps <= len(flow.order), f"no end from {question}"
    # And a resident answering through the engine, with « Vorige now and then, finishes.
    state, turns, backs = start(flow), 0, 0
    while not state.finished:
        asked = flow.questions[state.current]
        if asked.optional and choices.draw(st.booleans()):
            outcome = apply(flow, state, Skip(), "nl")
        else:
            for given_input in _inputs(choices.draw, asked, state.draft):
                outcome = apply(flow, state, given_input, "nl")
                assert outcome.problem is None, (asked.id, given_input, outcome.problem)
                state = outcome.state
        assert outcome.problem is None
        state = outcome.state
        turns += 1
        if state.path and not state.finished and backs < 3 and choices.draw(st.booleans()):
            backs += 1
            went = apply(flow, state, Back(), "nl")
            assert went.problem is None, "« Vorige goes to the question before"
            state = went.state
        assert turns <= len(flow.order) + backs


labels = st.sampled_from(
    [
        *("Fiets", "Auto", "Bus", "Trein", "Dat houd ik voor me", "Iets wat hier niet staat"),
        *("Weet niet", "Geen mening", "Anders, namelijk", "Overig", "Op een andere manier"),
        *("Een andere reden, namelijk …", "Geen idee", "Zeg ik liever niet"),
    ]
)
FLAGS = ("last", "other", "exclusive")


@st.composite
def option_lists(draw: st.DrawFn) -> list[Option]:
    count = draw(st.integers(2, 12))
    return [
        Option.model_validate(
            {
                "id": f"o{i}",
                "label": {"nl": draw(labels), "en": f"Option {i}"},
                **{flag: draw(st.booleans()) for flag in FLAGS},
            }
        )
        for i in range(count)
    ]


@settings(max_examples=200, deadline=None)
@given(options=option_lists(), seed=st.integers(0, 2**62), question=st.sampled_from(["a", "b"]))
def test_shuffling_never_loses_or_repeats_an_option(
    options: list[Option], seed: int, question: str
) -> None:
    shuffled = order(options, seed, question)
    assert sorted(o.id for o in shuffled) == sorted(o.id for o in options)
    assert len({o.id for o in shuffled}) == len(options)
    # Options that close a list come last, in the file's order; the same seed, the same order.
    closing = [o for o in options if closes_list(o)]
    assert shuffled[len(shuffled) - len(closing) :] == closing
    # Every option marked last, other or exclusive is among them, whatever its label.
    flagged = [o for o in options if o.last or o.other or o.exclusive]
    assert all(o in closing for o in flagged)
    assert order(options, seed, question) == shuffled
