"""The B1 check (flows.b1): a plain question passes, an ambtelijk one gets warnings with the
simpler words, inflections are found, and words are never found inside other words."""

from __future__ import annotations

import pytest
import yaml

from flows import b1
from flows.b1_words import DIFFICULT_WORDS
from flows.loader import parse
from flows.texts import plain_text
from tests.conftest import ROOT

AMBTELIJK = (
    "Middels deze vragenlijst wensen wij te inventariseren in hoeverre u voornemens bent te "
    "participeren in het beleidsvoornemen inzake de herinrichting van de openbare ruimte."
)
PLAIN = "Wat vind je van de speeltuin in je straat?"


def questionnaire(text: str, option: str = "Ja") -> str:
    """A small questionnaire, Dutch only, with ``text`` as its one question."""
    return yaml.safe_dump(
        {
            "schema_version": 1,
            "id": "plein",
            "version": 1,
            "theme": {"nl": "Buurt"},
            "title": {"nl": "Het plein"},
            "intro": {"nl": "Wat vind je van het plein? Vertel het ons."},
            "questions": [
                {
                    "id": "vraag",
                    "type": "choice",
                    "text": {"nl": text},
                    "options": [
                        {"id": "a", "label": {"nl": option}},
                        {"id": "b", "label": {"nl": "Nee"}},
                    ],
                }
            ],
        },
        allow_unicode=True,
    )


def part(text: str, option: str = "Ja") -> b1.Part:
    parts = b1.report(parse(questionnaire(text, option), "plein.yaml"))
    assert [p.name for p in parts] == ["intro", "vraag"]
    assert not parts[0].warns
    return parts[1]


def test_a_plain_question_passes_without_warnings() -> None:
    found = part(PLAIN)
    assert not found.warns
    assert found.score is not None and found.score >= b1.EASY_SCORE
    assert plain_text(b1.findings(found, "nl")) == f"score {round(found.score)}; goed te lezen"


def test_an_ambtelijk_question_gets_warnings_with_simpler_words() -> None:
    found = part(AMBTELIJK)
    assert found.warns and found.hard_to_read
    assert found.score is not None and found.score < 30
    assert found.long_sentences == (24,)
    simpler = {hard.found: hard.simpler for hard in found.difficult}
    assert simpler["participeren"] == "meedoen"
    assert simpler["inzake"] == "over"
    assert simpler["Middels"] == "met of door"
    assert simpler["beleidsvoornemen"] == "plan"
    assert simpler["in hoeverre"] == "hoeveel of hoe ver"
    assert simpler["voornemens"] == "van plan"
    said = plain_text(b1.findings(found, "nl"))
    assert "moeilijk te lezen" in said
    assert "lange zin (24 woorden; liefst hoogstens 20)" in said
    assert "participeren → meedoen" in said and "inzake → over" in said
    english = plain_text(b1.findings(found, "en"))
    assert "hard to read" in english and "participeren → meedoen" in english


def test_option_labels_are_checked_too() -> None:
    found = part(PLAIN, option="Ik participeer reeds")
    assert [(h.found, h.simpler) for h in found.difficult] == [
        ("participeer", "meedoen"),
        ("reeds", "al"),
    ]


@pytest.mark.parametrize(
    ("text", "found", "simpler"),
    [
        ("Hij participeert graag.", "participeert", "meedoen"),
        ("Wij hebben geparticipeerd.", "geparticipeerd", "meedoen"),
        ("Participerende inwoners.", "Participerende", "meedoen"),
        ("De gemeente verstrekt een pas.", "verstrekt", "geven"),
        ("Wij verzochten niets, wij verzoeken het nu.", "verzoeken", "vragen"),
        ("De relevante vragen.", "relevante", "belangrijk"),
        ("Twee beleidsvoornemens.", "beleidsvoornemens", "plan"),
        ("De OPENBARE\n  ruimte.", "OPENBARE ruimte", "straten en pleinen"),
        ("U dient te antwoorden.", "dient te", "moet"),
        ("Indien u wilt.", "Indien", "als"),
        ("Wij hebben het gecreëerd.", "gecreëerd", "maken"),
    ],
)
def test_inflections_and_phrases_are_found(text: str, found: str, simpler: str) -> None:
    assert b1.Hard(found, simpler) in b1.difficult(text)


@pytest.mark.parametrize(
    "text",
    [
        "Wil je een klacht indienen?",  # "indien" inside "indienen"
        "Waar woon je? In de binnenstad.",
        "Hoe vaak gaat de bus? Ga je naar het plein?",
        "Wat is je participatiegraad?",  # a compound the list does not name
        "Dien je bezwaar in bij de balie.",  # "dien" without "te"
        "De middelste stoep is kapot.",  # "middel..." is not "middels"
        "Heb je {answer:vraag} gekozen?",  # a piped answer is not read as written
    ],
)
def test_no_false_hits_inside_other_words(text: str) -> None:
    assert b1.difficult(text) == []


def test_sentences_words_and_syllables() -> None:
    assert b1.sentences("Eén. Twee drie! Vier?\nVijf") == ["Eén.", "Twee drie!", "Vier?", "Vijf"]
    assert b1.words("Een e-mail van {answer:q1} naar <b>jou</b>.") == [
        "Een",
        "e-mail",
        "van",
        "naar",
        "jou",
    ]
    assert b1.syllables("beleidsvoornemen") == 5
    assert b1.syllables("vragenlijst") == 3
    assert b1.flesch_douma("Te kort.") is None


def test_the_score_is_flesch_douma_as_textstat_computes_it() -> None:
    """Same constants and the same figure as textstat's Dutch Flesch Reading Ease (the
    reference implementation, a test dependency), on texts where both count words alike."""
    from textstat.backend.metrics import flesch_reading_ease  # slow import: only here
    from textstat.backend.utils.constants import LANG_CONFIGS

    douma = LANG_CONFIGS["nl"]
    assert (douma["fre_base"], douma["fre_sentence_length"], douma["fre_syll_per_word"]) == (
        206.835,
        0.93,
        77,
    )
    for text in (
        PLAIN,
        AMBTELIJK,
        "Wij willen weten wat je vindt van het nieuwe plein. Kom je er vaak? Vertel het ons.",
    ):
        ours = b1.flesch_douma(text)
        assert ours is not None
        assert ours == pytest.approx(flesch_reading_ease(text, "nl"), abs=0.01)


def test_the_word_list_is_long_enough_and_every_row_is_well_formed() -> None:
    assert len(DIFFICULT_WORDS) >= 60
    words = [word for word, _, _ in DIFFICULT_WORDS]
    assert len(words) == len(set(words))
    for word, simpler, kind in DIFFICULT_WORDS:
        assert simpler and word == word.lower() and word != simpler
        if kind.split("|")[0] == "v":
            assert word.endswith("eren")
        # Every row finds itself.
        assert b1.difficult(f"Dit is {word} hier.")[0].found == word


def test_the_readme_shows_what_the_check_says() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    [line] = [x for x in readme.splitlines() if x.startswith("  mening: score")]
    assert line == "  mening: " + plain_text(b1.findings(part(AMBTELIJK), "nl"))


def test_a_short_question_with_one_long_word_is_not_called_hard_to_read() -> None:
    found = part("Heeft u het afgelopen jaar vrijwilligerswerk gedaan?")
    assert found.score is not None and found.score < b1.EASY_SCORE
    assert not found.judged and not found.warns
    said = plain_text(b1.findings(found, "nl"))
    assert said == f"score {round(found.score)} (korte tekst: de score zegt weinig); goed te lezen"


def test_a_grids_shared_question_is_reported_with_its_first_statement_only() -> None:
    source = yaml.safe_load(questionnaire(PLAIN))
    source["questions"].append(
        {
            "id": "stellingen",
            "type": "grid",
            "text": {"nl": "In hoeverre bent u het eens?"},
            "options": [
                {"id": "ja", "label": {"nl": "Eens"}},
                {"id": "nee", "label": {"nl": "Oneens"}},
            ],
            "items": [
                {"id": "een", "text": {"nl": "Mijn buurt is schoon."}},
                {"id": "twee", "text": {"nl": "Mijn buurt is veilig."}},
            ],
        }
    )
    parts = b1.report(parse(yaml.safe_dump(source, allow_unicode=True), "grid.yaml"))
    found = {p.name: [(h.found, h.simpler) for h in p.difficult] for p in parts}
    assert found["een"] == [("In hoeverre", "hoeveel of hoe ver")]
    assert found["twee"] == []
