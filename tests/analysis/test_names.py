"""What digests call each question: its label, or its full text shortened only at a word and
never so that two questions read the same."""

from __future__ import annotations

from analysis.names import question_names, shorten
from flows.loader import parse

HEAD = (
    "Hoe tevreden bent u over deze voorziening in uw buurt? Denk aan hoe vaak u er komt, hoe "
    "het er uitziet, of het er veilig is en of het goed bereikbaar is voor iedereen. Het gaat "
    "om:"
)


def questionnaire(*questions: str) -> str:
    lines = [
        "schema_version: 1",
        "id: namen",
        "version: 1",
        "theme: {nl: Namen, en: Names}",
        "title: {nl: Namen, en: Names}",
        "intro: {nl: Hallo., en: Hello.}",
        "questions:",
    ]
    for i, text in enumerate(questions):
        lines += [f"  - id: q{i}", "    type: yesno", f'    text: {{nl: "{text}", en: "Q?"}}']
    return "\n".join(lines) + "\n"


def test_full_text_not_the_first_sentence() -> None:
    found = parse(questionnaire("Hoe tevreden bent u? — sportvoorzieningen", "Kort?"))
    assert question_names(found.questions) == {
        "q0": "Hoe tevreden bent u? — sportvoorzieningen",
        "q1": "Kort?",
    }


def test_long_texts_that_differ_at_the_end_keep_their_end() -> None:
    found = parse(questionnaire(f"{HEAD} sportvoorzieningen.", f"{HEAD} de bibliotheek."))
    names = question_names(found.questions, 100)
    assert names["q0"].endswith(" … sportvoorzieningen.")
    assert names["q1"].endswith(" … de bibliotheek.")
    for name in names.values():
        assert len(name) <= 100
        assert name.startswith("Hoe tevreden bent u over deze voorziening")
        head = name.split(" … ")[0]
        assert HEAD.startswith(head), "cut after a whole word"


def test_a_label_is_used_as_written() -> None:
    source = questionnaire(f"{HEAD} sportvoorzieningen.").replace(
        "    type: yesno", "    type: yesno\n    label: Tevredenheid sport", 1
    )
    assert question_names(parse(source).questions) == {"q0": "Tevredenheid sport"}


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("een twee drie vier", 12) == "een twee…"
    assert shorten("kort", 12) == "kort"
