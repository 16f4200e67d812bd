"""Named answer lists (``option_sets``): one list, used by several questions, is exactly as if
it were written out in each; every problem with a list is said once, at the list's lines,
and a name that does not exist is a problem at the question, with the names that do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from flows.loader import parse
from flows.machine import Flow
from flows.schema import ChoiceQuestion, MultiQuestion
from flows.yamlsafe import MAX_NODES
from tests.flows.helpers import HEADER, Said, document, line_of, only_problem, problems

SETS = """\
option_sets:
  tevreden:
    - {id: "1", label: {nl: Heel ontevreden, en: Very dissatisfied}}
    - {id: "2", label: {nl: Ontevreden, en: Dissatisfied}}
    - {id: "3", label: {nl: Neutraal, en: Neutral}}
    - {id: "4", label: {nl: Tevreden, en: Satisfied}}
    - {id: "5", label: {nl: Heel tevreden, en: Very satisfied}}
  janee:
    - {id: ja, label: {nl: Ja, en: "Yes"}}
    - {id: nee, label: {nl: Nee, en: "No"}}
"""
QUESTIONS = """\
- id: groen
  type: choice
  text: {nl: "Hoe tevreden bent u over het groen?", en: "How satisfied are you with green?"}
  options: tevreden
- id: wegen
  type: choice
  text: {nl: "Hoe tevreden bent u over de wegen?", en: "How satisfied are you with roads?"}
  options: tevreden
  next:
    - when: {question: wegen, one_of: ["1", "2"]}
      goto: welke
    - goto: end
- id: welke
  type: multi
  text: {nl: "Wat moet beter?", en: "What should improve?"}
  options: janee
"""


INLINE = 'options:\n    - {id: "1", label: {nl: A, en: A}}\n    - {id: "2", label: {nl: B, en: B}}'
ALL_INLINE = QUESTIONS.replace("options: tevreden", INLINE).replace("options: janee", INLINE)


def with_sets(questions: str = QUESTIONS, sets: str = SETS) -> str:
    return document(questions, header=HEADER + sets)


def written_out(questions: str = QUESTIONS, sets: str = SETS) -> str:
    """The same questionnaire with every list written where it is used."""
    lists: dict[str, str] = {}
    name = ""
    for line in sets.splitlines()[1:]:
        if not line.startswith("    "):
            name = line.strip().rstrip(":")
            lists[name] = ""
        else:
            lists[name] += "  " + line.strip() + "\n"
    for name, items in lists.items():
        questions = questions.replace(f"  options: {name}\n", "  options:\n" + items)
    return document(questions)


def test_a_named_list_is_exactly_the_list_written_out() -> None:
    shared, inline = parse(with_sets()), parse(written_out())
    assert "options: tevreden" in with_sets() and "option_sets" not in written_out()
    assert shared == inline
    assert shared.model_dump() == inline.model_dump()
    groen, wegen, welke = (shared.question(q) for q in ("groen", "wegen", "welke"))
    assert isinstance(groen, ChoiceQuestion) and isinstance(wegen, ChoiceQuestion)
    assert isinstance(welke, MultiQuestion)
    assert [o.id for o in groen.options] == ["1", "2", "3", "4", "5"]
    assert groen.options == wegen.options
    assert [o.label.nl for o in welke.options] == ["Ja", "Nee"]
    # The conversation does not know either: the same steps from the same answers.
    assert Flow(shared).questionnaire == Flow(inline).questionnaire


def test_a_list_may_be_written_out_in_one_question_and_named_in_another() -> None:
    questions = QUESTIONS.replace(
        "  options: janee\n",
        "  options:\n    - {id: a, label: {nl: A, en: A}}\n    - {id: b, label: {nl: B, en: B}}\n",
    )
    assert parse(with_sets(questions, SETS.split("  janee:")[0])).question("welke")


#: A file whose lists have one problem: (text, the line that holds it, the field, the message).
ONE_PROBLEM: dict[str, tuple[str, str | tuple[str, int], str, str]] = {
    "a name that does not exist, close to one that does": (
        with_sets(QUESTIONS.replace("options: tevreden", "options: tevredenheid", 1)),
        "options: tevredenheid",
        "questions.groen.options",
        "'tevredenheid' is not a list under option_sets; did you mean 'tevreden'? "
        "(known: tevreden, janee)",
    ),
    "a name that does not exist": (
        with_sets(QUESTIONS.replace("options: janee", "options: schaal")),
        "options: schaal",
        "questions.welke.options",
        "'schaal' is not a list under option_sets (known: tevreden, janee)",
    ),
    "a name without option_sets": (
        document(QUESTIONS.replace("options: tevreden", INLINE)),
        "options: janee",
        "questions.welke.options",
        "'janee' names a list under option_sets, but the file has no option_sets; write the "
        "options here, or add option_sets",
    ),
    "a list nobody uses": (
        with_sets(sets=SETS + "  ongebruikt:\n    - {id: x, label: {nl: X, en: X}}\n"),
        "ongebruikt:",
        "option_sets.ongebruikt",
        "the list 'ongebruikt' is not used by any question (options: ongebruikt)",
    ),
    "option_sets that is not a mapping": (
        document(ALL_INLINE, header=HEADER + "option_sets: [een, twee]\n"),
        "option_sets:",
        "option_sets",
        "option_sets must be a mapping of named lists of options, like: option_sets: / "
        "satisfied: / - {id: yes, label: ...}",
    ),
    "a list that is not a list": (
        with_sets(
            QUESTIONS.replace("options: tevreden", INLINE),
            "option_sets:\n  tevreden: ja of nee\n  janee:" + SETS.split("  janee:")[1],
        ),
        "tevreden: ja of nee",
        "option_sets.tevreden",
        "must be a list (lines starting with '- ', or [ ... ])",
    ),
    "a name that cannot be a name": (
        with_sets(
            QUESTIONS.replace("options: janee", "options: Ja Nee"),
            SETS.replace("  janee:", "  Ja Nee:"),
        ),
        "Ja Nee:",
        "option_sets.Ja Nee",
        "'Ja Nee' cannot name a list: use lowercase letters, digits, '-' and '_'",
    ),
    # A problem inside a list used by two questions: once, at the list's own line
    "an option id used twice in a shared list": (
        with_sets(sets=SETS.replace('{id: "4"', '{id: "3"')),
        "{nl: Tevreden",
        "option_sets.tevreden[3].id",
        "'3' is used twice",
    ),
    "an option that breaks the format in a shared list": (
        with_sets(
            sets=SETS.replace(
                "{nl: Neutraal, en: Neutral}}", "{nl: Neutraal, en: Neutral}, uitleg: x}"
            )
        ),
        "Neutraal",
        "option_sets.tevreden[2].uitleg",
        "is not a known field. Known here: id, label, score, exclusive, other, last",
    ),
    "too many options in a shared list": (
        with_sets(
            sets=SETS.replace(
                "  janee:\n",
                "".join(f"    - {{id: x{n}, label: {{nl: X, en: X}}}}\n" for n in range(8))
                + "  janee:\n",
            )
        ),
        "tevreden:",
        "option_sets.tevreden",
        "has 13; allowed: 2 to 12",
    ),
    "a named list on a question without options": (
        with_sets(
            QUESTIONS + "- id: cijfer\n  type: scale\n  text: {nl: C, en: G}\n  options: janee\n"
        ).replace("    - goto: end\n", "    - goto: cijfer\n"),
        ("options: janee", 2),
        "questions.cijfer.options",
        "is not a known field. Did you mean 'optional'? Known here: id, text, optional, "
        "dimension, label, variable, next, show_if, image, image_alt, "
        "type, min, max, labels, decimals, "
        "report",
    ),
}


@pytest.mark.parametrize(("text", "at", "field", "message"), ONE_PROBLEM.values(), ids=ONE_PROBLEM)
def test_one_problem_with_a_list(
    text: str, at: str | tuple[str, int], field: str, message: str
) -> None:
    line = line_of(text, *at) if isinstance(at, tuple) else line_of(text, at)
    assert only_problem(text) == Said("x.yaml", line, field, message)


def test_an_unknown_name_in_dutch() -> None:
    text = with_sets(QUESTIONS.replace("options: tevreden", "options: tevredenheid", 1))
    assert only_problem(text, language="nl").message == (
        "er is geen lijst 'tevredenheid' bij option_sets. Bedoel je 'tevreden'? Wel: "
        "tevreden, janee"
    )


def test_a_condition_on_a_named_list_checks_its_options() -> None:
    text = with_sets(QUESTIONS.replace('one_of: ["1", "2"]', 'one_of: ["1", "zes"]'))
    assert only_problem(text) == Said(
        "x.yaml",
        line_of(text, "when:"),
        "questions.wegen.next[0].when",
        "zes is not an answer of 'wegen' (1, 2, 3, 4, 5)",
    )


def test_lists_written_out_are_bounded() -> None:
    """A list of many values, named by many questions, is not copied without end."""
    extra = ", ".join("1" * 150)
    big = "".join(
        f"    - {{id: o{n}, label: {{nl: {'x ' * 200}, en: y}}, extra: [{extra}]}}\n"
        for n in range(12)
    )
    questions = "".join(
        f"- id: q{n}\n  type: choice\n  text: {{nl: V, en: Q}}\n  options: groot\n"
        for n in range(60)
    )
    text = document(questions, header=HEADER + "option_sets:\n  groot:\n" + big)
    found = problems(text)
    budget = [p for p in found if p.field == "option_sets.groot" and "values" in p.message]
    assert budget == [
        Said(
            "x.yaml",
            line_of(text, "groot:"),
            "option_sets.groot",
            f"has more than {MAX_NODES} values; a questionnaire needs far fewer",
        )
    ]
    assert len(found) < 100


def test_the_readme_example_of_option_sets_loads() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    examples = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "option_sets" in b]
    example = next(b for b in examples if "id: groen" in b)  # the one on option_sets itself
    questionnaire = parse(HEADER + example)
    assert [q.id for q in questionnaire.questions] == ["groen", "wegen"]
    groen, wegen = questionnaire.questions
    assert isinstance(groen, ChoiceQuestion) and isinstance(wegen, ChoiceQuestion)
    assert (
        [o.id for o in groen.options] == ["1", "2", "3", "4", "5"] == [o.id for o in wegen.options]
    )
