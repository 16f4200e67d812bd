"""Compound conditions (``all``/``any``/``not``), ``show_if``, piping earlier answers into a
later text, and shuffled options: in the engine, and what the validator says about them."""

from __future__ import annotations

from flows.engine import (
    Back,
    Confirm,
    Pick,
    SessionState,
    Toggle,
    Typed,
    apply,
    prompt,
    start,
    summary,
)
from flows.loader import parse
from flows.schema import END, Questionnaire
from flows.shuffle import arranged, order
from tests.flows.helpers import Said, document, flow_of, line_of, only_problem, problems

ROUTED = """
- id: vervoer
  type: choice
  text: {nl: "Hoe ga je naar school?", en: "How do you get to school?"}
  options:
    - {id: fiets, label: {nl: Fiets, en: Bike}}
    - {id: lopen, label: {nl: Lopen, en: Walk}}
    - {id: auto, label: {nl: Auto, en: Car}}
- id: veilig
  type: scale
  text: {nl: "Hoe veilig voelt de route?", en: "How safe does the route feel?"}
- id: onveilig
  type: text
  optional: true
  text: {nl: "Wat maakt de route met de {answer:vervoer} onveilig?",
         en: "What makes the route by {answer:vervoer} unsafe?"}
  show_if: {question: veilig, at_most: 2}
- id: wijk
  type: choice
  text: {nl: "In welke wijk woon je?", en: "Where do you live?"}
  options:
    - {id: noord, label: {nl: Noord, en: North}}
    - {id: zuid, label: {nl: Zuid, en: South}}
  next:
    - when:
        all:
          - {question: vervoer, one_of: [fiets, lopen]}
          - any:
              - {question: veilig, at_most: 2}
              - {question: wijk, equals: zuid}
      goto: oversteek
    - when:
        not: {question: vervoer, equals: auto}
      goto: slot
    - goto: end
- id: oversteek
  type: yesno
  text: {nl: "Steek je over in {answer:wijk}?", en: "Do you cross in {answer:wijk}?"}
- id: slot
  type: text
  optional: true
  text: {nl: "Nog iets?", en: "Anything else?"}
"""


def walk(answers: list[object]) -> list[str]:
    """The questions asked for these answers, in order (strings are typed)."""
    flow = flow_of(ROUTED)
    state = start(flow)
    asked = []
    for answer in answers:
        asked.append(state.current)
        given = Typed(answer) if isinstance(answer, str) else Pick(str(answer))
        outcome = apply(flow, state, given, "nl")
        assert outcome.problem is None, outcome.problem
        state = outcome.state
    assert state.current == END
    return asked


def test_all_any_not_route_on_several_earlier_answers() -> None:
    # Bike, unsafe: the question that follows up, then all(...) holds.
    assert walk(["fiets", 1, "Drukke weg", "noord", "ja", "sla over"]) == [
        "vervoer",
        "veilig",
        "onveilig",
        "wijk",
        "oversteek",
        "slot",
    ]
    # Bike, safe, north: all(...) fails on any(...); not(auto) holds.
    assert walk(["fiets", 4, "noord", "sla over"]) == ["vervoer", "veilig", "wijk", "slot"]
    # Bike, safe, south: any(...) holds through the second condition.
    assert walk(["lopen", 5, "zuid", "nee", "sla over"]) == [
        "vervoer",
        "veilig",
        "wijk",
        "oversteek",
        "slot",
    ]
    # Car: neither rule; the default ends it.
    assert walk(["auto", 5, "zuid"]) == ["vervoer", "veilig", "wijk"]


def test_show_if_skips_a_question_and_back_returns_over_it() -> None:
    flow = flow_of(ROUTED)
    state = start(flow)
    state = apply(flow, state, Typed("auto"), "nl").state
    state = apply(flow, state, Pick("4"), "nl").state
    assert state.current == "wijk"  # onveilig passed by
    assert prompt(flow, state).number == 3
    back = apply(flow, state, Back(), "nl")
    assert back.problem is None and back.state.current == "veilig"
    # Now unsafe: the hidden question is asked, and back from wijk goes to it.
    state = apply(flow, back.state, Pick("2"), "nl").state
    assert state.current == "onveilig"
    assert prompt(flow, state).text("nl") == "Wat maakt de route met de Auto onveilig?"
    assert prompt(flow, state).text("en") == "What makes the route by Car unsafe?"


def test_a_hidden_answer_left_behind_no_longer_steers_or_counts() -> None:
    flow = flow_of(ROUTED)
    state = start(flow)
    for given in (Typed("fiets"), Pick("1"), Typed("gaten in de weg")):
        state = apply(flow, state, given, "nl").state
    assert state.current == "wijk"
    state = apply(flow, state, Back(), "nl").state
    state = apply(flow, state, Back(), "nl").state
    assert state.current == "veilig"
    state = apply(flow, state, Pick("5"), "nl").state
    assert state.current == "wijk"
    state = apply(flow, state, Typed("noord"), "nl").state  # safe now: any() fails
    assert state.current == "slot"
    done = apply(flow, state, Typed("sla over"), "nl")
    assert done.finished
    assert "onveilig" in done.discard and "onveilig" not in done.state.answers


def test_piped_answer_is_plain_text_in_the_residents_language() -> None:
    flow = flow_of(ROUTED)
    state = SessionState(
        current="oversteek",
        path=("vervoer", "veilig", "wijk"),
        answers={"vervoer": "fiets", "veilig": 1, "wijk": "zuid"},
    )
    assert prompt(flow, state).text("nl") == "Steek je over in Zuid?"
    assert prompt(flow, state).text("en") == "Do you cross in South?"
    # An answer off the branch is not piped.
    off = SessionState(current="oversteek", path=("vervoer",), answers={"wijk": "zuid"})
    assert prompt(flow, off).text("nl") == "Steek je over in (geen antwoord)?"


def test_typed_markup_is_piped_as_typed_and_once() -> None:
    flow = flow_of(ROUTED)
    state = SessionState(
        current="wijk",
        path=("vervoer", "veilig", "onveilig"),
        answers={"vervoer": "fiets", "veilig": 1, "onveilig": "<b>x</b> {answer:vervoer}"},
    )
    done = summary(flow, SessionState(current=END, path=state.path, answers=state.answers), "nl")
    assert done[2][0] == "Wat maakt de route met de Fiets onveilig?"
    assert done[2][1] == "<b>x</b> {answer:vervoer}"


# --- Validator --------------------------------------------------------------------------------


def test_a_condition_inside_all_on_an_unknown_question_names_its_line_and_field() -> None:
    text = document(
        ROUTED.replace("{question: wijk, equals: zuid}", "{question: wjik, equals: zuid}")
    )
    assert only_problem(text) == Said(
        "x.yaml",
        line_of(text, "question: wjik"),
        "questions.wijk.next[0].when.all[1].any[1].question",
        "'wjik' is not a question; did you mean 'wijk'?",
    )


def test_a_condition_on_a_later_question_inside_not() -> None:
    text = document(
        ROUTED.replace(
            "not: {question: vervoer, equals: auto}", "not: {question: slot, equals: auto}"
        )
    )
    found = problems(text)
    assert (
        Said(
            "x.yaml",
            line_of(text, "not: {question: slot"),
            "questions.wijk.next[1].when.not.question",
            "'slot' comes after this question, so it has no answer yet",
        )
        in found
    )


def test_an_impossible_option_inside_any() -> None:
    text = document(
        ROUTED.replace("{question: wijk, equals: zuid}", "{question: wijk, equals: west}")
    )
    assert only_problem(text) == Said(
        "x.yaml",
        line_of(text, "equals: west"),
        "questions.wijk.next[0].when.all[1].any[1]",
        "west is not an answer of 'wijk' (noord, zuid)",
    )


def test_show_if_on_its_own_question_or_a_later_one() -> None:
    text = document(
        ROUTED.replace(
            "show_if: {question: veilig, at_most: 2}", "show_if: {question: onveilig, equals: x}"
        )
    )
    assert only_problem(text) == Said(
        "x.yaml",
        line_of(text, "show_if:"),
        "questions.onveilig.show_if.question",
        "'onveilig' does not come before this question, so it has no answer yet",
    )


def test_an_empty_all_and_a_condition_that_is_not_one() -> None:
    text = document(
        ROUTED.replace("show_if: {question: veilig, at_most: 2}", "show_if: {all: []}")
    )
    found = only_problem(text)
    assert (found.line, found.field) == (
        line_of(text, "show_if:"),
        "questions.onveilig.show_if.all",
    )
    text = document(ROUTED.replace("show_if: {question: veilig, at_most: 2}", "show_if: 3"))
    found = only_problem(text)
    assert found.field == "questions.onveilig.show_if"
    assert "'all', 'any' or 'not'" in found.message


def test_piping_a_later_or_unknown_answer() -> None:
    text = document(ROUTED.replace('{answer:wijk}?", en', '{answer:slot}?", en'))
    assert only_problem(text) == Said(
        "x.yaml",
        line_of(text, "{answer:slot}"),
        "questions.oversteek.text.nl",
        "'{answer:slot}': 'slot' does not come before this question, so no answer yet",
    )
    text = document(ROUTED.replace("by {answer:vervoer}", "by {answer:vervoor}"))
    assert only_problem(text) == Said(
        "x.yaml",
        line_of(text, "{answer:vervoor}"),
        "questions.onveilig.text.en",
        "'{answer:vervoor}': 'vervoor' is not a question",
    )


def test_the_single_condition_form_still_works() -> None:
    flow = flow_of(
        """
        - id: a
          type: yesno
          text: {nl: A, en: A}
          next:
            - when: {question: a, equals: "yes"}
              goto: b
            - goto: end
        - id: b
          type: yesno
          text: {nl: B, en: B}
        """
    )
    assert flow.next_of("a", {"a": "yes"}) == "b"
    assert flow.next_of("a", {"a": "no"}) == END


# --- Shuffling --------------------------------------------------------------------------------

SHUFFLED = """
- id: hinder
  type: multi
  shuffle: true
  text: {nl: "Wat stoort je?", en: "What bothers you?"}
  options:
    - {id: geen, label: {nl: Niets, en: Nothing}, exclusive: true}
    - {id: auto, label: {nl: Auto's, en: Cars}}
    - {id: fiets, label: {nl: Fietsers, en: Cyclists}}
    - {id: bus, label: {nl: Bussen, en: Buses}}
    - {id: licht, label: {nl: Licht, en: Light}}
    - {id: weet, label: {nl: Weet niet, en: "Don't know"}}
    - {id: anders, label: {nl: Anders, en: Other}}
    - {id: stoep, label: {nl: Stoep, en: Pavement}}
"""


def test_shuffled_order_differs_per_session_and_keeps_closing_options_last() -> None:
    flow = flow_of(SHUFFLED)
    question = flow.questions["hinder"]
    orders = {tuple(o.id for o in arranged(question, seed).options) for seed in range(30)}
    assert len(orders) > 5
    for found in orders:
        assert found[-3:] == ("geen", "weet", "anders")
    assert arranged(question, None) is question


MARKED = """
- id: reden
  type: choice
  shuffle: true
  text: {nl: "Waarom?", en: "Why?"}
  options:
    - {id: zeg-niet, label: {nl: Dat houd ik voor me, en: I keep that to myself}, last: true}
    - {id: tijd, label: {nl: Geen tijd, en: No time}}
    - {id: zelf, label: {nl: Met iets wat hier niet staat, en: Something not here}, other: true}
    - {id: geld, label: {nl: Te duur, en: Too expensive}}
    - {id: ver, label: {nl: Te ver, en: Too far}}
    - {id: weer, label: {nl: Het weer, en: The weather}}
    - {id: manier, label: {nl: Op een andere manier, en: In another way}}
    - {id: idee, label: {nl: Geen idee, en: No idea}}
"""


def test_options_marked_last_or_other_stay_last_whatever_their_wording() -> None:
    flow = flow_of(MARKED)
    question = flow.questions["reden"]
    assert [o.id for o in question.options if o.other] == ["zelf"]  # kept by the loader
    orders = {tuple(o.id for o in arranged(question, seed).options) for seed in range(30)}
    assert len(orders) > 5
    for found in orders:
        # Marked ones by their flag, and (no flag) "Op een andere manier" and "Geen idee" by
        # their wording; in the file's order.
        assert found[-4:] == ("zeg-niet", "zelf", "manier", "idee")


def test_typed_numbers_follow_the_order_shown_and_the_answer_is_stored_in_file_order() -> None:
    flow = flow_of(SHUFFLED)
    state = SessionState(current="hinder", seed=7)
    shown = [o.id for o in prompt(flow, state).question.options]
    outcome = apply(flow, state, Typed("1, 2"), "nl")
    assert outcome.accepted is not None
    file_order = [o.id for o in flow.questions["hinder"].options]
    assert outcome.accepted[1] == [i for i in file_order if i in shown[:2]]
    # Buttons toggle by id, whatever the order.
    toggled = apply(flow, state, Toggle(shown[3]), "nl").state
    assert apply(flow, toggled, Confirm(), "nl").accepted == ("hinder", [shown[3]])
    assert order(flow.questions["hinder"].options, 7, "hinder") == list(
        prompt(flow, state).question.options
    )


# --- Closing after N ----------------------------------------------------------------------


def test_full_after_max_responses() -> None:
    from flows.lifecycle import full
    from tests.flows.helpers import HEADER

    limited = parse_document(HEADER + "max_responses: 2\n")
    assert not full(limited, 1) and full(limited, 2) and full(limited, 3)
    assert not full(parse_document(HEADER), 10**6)
    text = document("- {id: a, type: yesno, text: {nl: A, en: A}}", HEADER + "max_responses: 0\n")
    found = only_problem(text)
    assert (found.line, found.field) == (line_of(text, "max_responses"), "max_responses")


def parse_document(header: str) -> Questionnaire:
    return parse(document("- {id: a, type: yesno, text: {nl: A, en: A}}", header), "x.yaml")
