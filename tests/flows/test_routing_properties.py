"""Properties of compound routing and shuffling, over questionnaires hypothesis makes up.

Every questionnaire the validator accepts, with ``all``/``any``/``not`` in its rules and
``show_if`` on its questions, reaches ``end`` from every question whatever the answers; and
a shuffled list of options never loses or repeats an option.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows.engine import Back, Pick, Skip, apply, start
from flows.machine import Flow
from flows.schema import END, Option, Questionnaire
from flows.shuffle import closes_list, order
from flows.validator import check_graph

KINDS = ("choice", "yesno", "scale")
OPTIONS = ("a", "b", "c")


def _leaf(draw: st.DrawFn, kinds: list[str], upto: int) -> dict[str, Any]:
    ref = draw(st.integers(0, upto))
    kind = kinds[ref]
    if kind == "scale":
        bound = draw(st.integers(1, 5))
        test = draw(st.sampled_from(["at_least", "at_most", "equals"]))
        return {"question": f"q{ref}", test: bound}
    values = list(OPTIONS) if kind == "choice" else ["yes", "no"]
    if draw(st.booleans()):
        return {"question": f"q{ref}", "equals": draw(st.sampled_from(values))}
    return {"question": f"q{ref}", "one_of": draw(st.lists(st.sampled_from(values), min_size=1))}


def _when(draw: st.DrawFn, kinds: list[str], upto: int, depth: int = 0) -> dict[str, Any]:
    shape = draw(st.sampled_from(["leaf", "all", "any", "not"] if depth < 3 else ["leaf"]))
    if shape == "leaf":
        return _leaf(draw, kinds, upto)
    if shape == "not":
        return {"not": _when(draw, kinds, upto, depth + 1)}
    items = draw(st.integers(1, 3))
    return {shape: [_when(draw, kinds, upto, depth + 1) for _ in range(items)]}


@st.composite
def questionnaires(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(2, 8))
    kinds = [draw(st.sampled_from(KINDS)) for _ in range(count)]
    questions = []
    for i, kind in enumerate(kinds):
        question: dict[str, Any] = {
            "id": f"q{i}",
            "type": kind,
            "text": {"nl": f"Vraag {i}", "en": f"Question {i}"},
            "optional": draw(st.booleans()),
        }
        if kind == "choice":
            question["options"] = [
                {"id": o, "label": {"nl": o.upper(), "en": o.upper()}} for o in OPTIONS
            ]
            question["shuffle"] = draw(st.booleans())
        if i > 0 and draw(st.booleans()):
            question["show_if"] = _when(draw, kinds, i - 1)
        later = [f"q{j}" for j in range(i + 1, count)] + [END]
        rules = [
            {"when": _when(draw, kinds, i), "goto": draw(st.sampled_from(later))}
            for _ in range(draw(st.integers(0, 3)))
        ]
        # The default goes to the question below, so every question can be reached.
        question["next"] = [*rules, {"goto": later[0]}]
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


def _answer(draw: st.DrawFn, kind: str) -> Any:
    if kind == "choice":
        return draw(st.sampled_from(OPTIONS))
    if kind == "yesno":
        return draw(st.sampled_from(["yes", "no"]))
    return draw(st.integers(1, 5))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=questionnaires(), choices=st.data())
def test_every_valid_questionnaire_reaches_end_from_every_question(
    data: dict[str, Any], choices: st.DataObject
) -> None:
    questionnaire = Questionnaire.model_validate(data)
    assert list(check_graph(questionnaire)) == []
    flow = Flow(questionnaire)
    kinds = {q["id"]: q["type"] for q in data["questions"]}
    # From every question, with any answers (given or skipped) to any questions.
    for question in flow.order:
        answers = {
            qid: choices.draw(st.one_of(st.none(), st.just(_answer(choices.draw, kind))))
            for qid, kind in kinds.items()
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
        kind = kinds[state.current]
        optional = flow.questions[state.current].optional
        if optional and choices.draw(st.booleans()):
            outcome = apply(flow, state, Skip(), "nl")
        else:
            outcome = apply(flow, state, Pick(str(_answer(choices.draw, kind))), "nl")
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
