"""The compiled machine: exactly the YAML's graph, shared by every session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flows.engine import Pick, Typed, apply, prompt, start
from flows.loader import load_file
from flows.machine import Flow
from flows.schema import END
from tests.flows.helpers import MINI, flow_of

BRANCHES = """
- id: cijfer
  type: scale
  text: {nl: Cijfer, en: Score}
  next:
    - when: {question: cijfer, at_least: 4}
      goto: hoog
    - when: {question: cijfer, at_least: 2}
      goto: midden
    - goto: laag
- id: laag
  type: text
  text: {nl: Waarom laag, en: Why low}
  next: slot
- id: midden
  type: text
  text: {nl: Waarom midden, en: Why middle}
  next: slot
- id: hoog
  type: yesno
  text: {nl: Aanbevelen, en: Recommend}
  next:
    - when: {question: hoog, equals: "no"}
      goto: end
    - goto: slot
- id: slot
  type: text
  optional: true
  text: {nl: Nog iets, en: Anything else}
"""


@pytest.fixture(scope="module")
def mini() -> Flow:
    return Flow(load_file(MINI))


@pytest.fixture(scope="module")
def branches() -> Flow:
    return flow_of(BRANCHES)


def test_states_are_the_questions_plus_end(mini: Flow, branches: Flow) -> None:
    assert list(mini.machine.states) == ["tevreden", "waarom", "bakken", "wijk", END]
    assert list(branches.machine.states) == ["cijfer", "laag", "midden", "hoog", "slot", END]
    assert mini.first == "tevreden"
    assert mini.order == ["tevreden", "waarom", "bakken", "wijk"]
    assert mini.key == "mini@1"


def test_no_auto_transitions(mini: Flow) -> None:
    assert set(mini.machine.events) == {"next", "back"}
    assert not [name for name in mini.machine.events if name.startswith("to_")]
    assert mini.machine.auto_transitions is False
    assert mini.machine.get_triggers("tevreden") == ["next"]
    assert sorted(mini.machine.get_triggers("bakken")) == ["back", "next"]
    assert mini.machine.get_triggers(END) == []


def test_next_edges_follow_the_yaml_in_rule_order(branches: Flow) -> None:
    edges = branches.machine.events["next"].transitions
    assert {source: [t.dest for t in edges[source]] for source in edges} == {
        "cijfer": ["hoog", "midden", "laag"],
        "laag": ["slot"],
        "midden": ["slot"],
        "hoog": [END, "slot"],
        "slot": [END],
    }
    assert [len(t.conditions) for t in edges["cijfer"]] == [1, 1, 0]


def test_back_edges_mirror_every_next_edge(branches: Flow) -> None:
    edges = branches.machine.events["back"].transitions
    assert {state: sorted(str(t.dest) for t in edges[state]) for state in edges} == {
        "hoog": ["cijfer"],
        "midden": ["cijfer"],
        "laag": ["cijfer"],
        "slot": ["hoog", "laag", "midden"],
    }


@pytest.mark.parametrize(
    ("score", "target"),
    [(5, "hoog"), (4, "hoog"), (3, "midden"), (2, "midden"), (1, "laag"), (None, "laag")],
)
def test_branching_takes_the_first_rule_that_holds(
    branches: Flow, score: int | None, target: str
) -> None:
    assert branches.next_of("cijfer", {"cijfer": score}) == target


def test_branching_without_an_answer_takes_the_default(branches: Flow) -> None:
    assert branches.next_of("cijfer", {}) == "laag"
    assert branches.next_of("hoog", {}) == "slot"
    assert branches.next_of("hoog", {"hoog": "no"}) == END
    assert branches.next_of("hoog", {"hoog": "yes"}) == "slot"


def test_without_next_the_question_below_follows(mini: Flow) -> None:
    assert mini.next_of("waarom", {}) == "bakken"
    assert mini.next_of("bakken", {"bakken": ["gft"]}) == "wijk"
    assert mini.next_of("wijk", {"wijk": "noord"}) == END


def test_fixed_next_steps_agree_with_the_machine(branches: Flow) -> None:
    """Where a question without conditions leads is asked of the machine once; questions
    with conditions ask it every time, so the answers keep deciding."""
    assert set(branches._fixed) == {"laag", "midden", "slot"}
    for question in branches.order:
        for answers in ({}, {"cijfer": 1}, {"cijfer": 3}, {"cijfer": 5, "hoog": "no"}):
            assert branches.next_of(question, answers) == branches._next(question, answers)


def test_shipped_questionnaires_step_as_their_machines() -> None:
    """Every question of every shipped questionnaire, along the answers a resident gives."""
    folder = Path(__file__).resolve().parents[2] / "questionnaires"
    for path in sorted(folder.glob("*.yaml")):
        flow = Flow(load_file(path))
        answers: dict[str, Any] = {}
        for question in flow.order:
            # The machine's step, past questions whose show_if does not hold.
            stepped = flow._next(question, answers)
            while stepped != END and (when := flow.questions[stepped].show_if) is not None:
                if when.holds(answers):
                    break
                stepped = flow._next(stepped, answers)
            assert flow.next_of(question, answers) == stepped, path
            options = getattr(flow.questions[question], "options", None)
            if options:
                answers[question] = options[0].id


def test_next_of_the_end_stays_at_the_end(mini: Flow) -> None:
    assert mini.next_of(END, {}) == END


def test_back_only_along_existing_edges(mini: Flow) -> None:
    assert mini.back_of("waarom", "tevreden") == "tevreden"
    assert mini.back_of("bakken", "tevreden") == "tevreden"
    assert mini.back_of("bakken", "waarom") == "waarom"
    assert mini.back_of("wijk", "bakken") == "bakken"
    # No edge tevreden -> wijk or wijk -> waarom: the cursor does not move.
    assert mini.back_of("wijk", "tevreden") == "wijk"
    assert mini.back_of("waarom", "wijk") == "waarom"
    assert mini.back_of("tevreden", "bakken") == "tevreden"
    assert mini.back_of("tevreden", "tevreden") == "tevreden"


def test_remaining_counts_along_the_branch(mini: Flow, branches: Flow) -> None:
    assert mini.remaining("tevreden", {}) == 3
    assert mini.remaining("tevreden", {"tevreden": 1}) == 4
    assert mini.remaining("tevreden", {"tevreden": 2}) == 4
    assert mini.remaining("tevreden", {"tevreden": 3}) == 3
    assert mini.remaining("waarom", {"tevreden": 1}) == 3
    assert mini.remaining("wijk", {}) == 1
    assert mini.remaining(END, {}) == 0
    assert branches.remaining("cijfer", {"cijfer": 5}) == 3
    assert branches.remaining("cijfer", {"cijfer": 5, "hoog": "no"}) == 2
    assert branches.remaining("cijfer", {"cijfer": 3}) == 3
    assert branches.remaining("hoog", {"hoog": "no"}) == 1


def test_a_flow_is_shared_by_many_sessions(mini: Flow) -> None:
    sessions = [start(mini) for _ in range(10_000)]
    moved = [apply(mini, s, Pick(str(i % 5 + 1)), "nl").state for i, s in enumerate(sessions)]

    assert mini.machine.models == []
    assert [s.current for s in moved[:5]] == ["waarom", "waarom", "bakken", "bakken", "bakken"]
    assert sum(s.current == "waarom" for s in moved) == 4_000
    assert all(s.current == "tevreden" for s in sessions)  # the originals are untouched
    assert prompt(mini, moved[0]).total == 4
    assert prompt(mini, moved[4]).total == 3
    assert mini.machine.models == []


def test_sessions_interleave_without_affecting_each_other(mini: Flow) -> None:
    low, high = start(mini), start(mini)
    low = apply(mini, low, Pick("1"), "nl").state
    high = apply(mini, high, Pick("5"), "nl").state
    low = apply(mini, low, Typed("Te vaak vol"), "nl").state
    assert (low.current, low.path) == ("bakken", ("tevreden", "waarom"))
    assert (high.current, high.path) == ("bakken", ("tevreden",))
    assert low.answers == {"tevreden": 1, "waarom": "Te vaak vol"}
    assert high.answers == {"tevreden": 5}
    assert mini.machine.models == []


def test_next_of_does_not_change_the_answers(mini: Flow) -> None:
    answers: dict[str, Any] = {"tevreden": 1}
    assert mini.next_of("tevreden", answers) == "waarom"
    assert answers == {"tevreden": 1}


def test_two_versions_get_two_machines() -> None:
    one = Flow(load_file(MINI))
    two = Flow(load_file(MINI))
    assert one.machine is not two.machine
    assert one.next_of("tevreden", {"tevreden": 1}) == two.next_of("tevreden", {"tevreden": 1})
