"""Questionnaire texts in any language (Dutch required, a missing translation shown in Dutch
with a warning), the language a resident's Telegram picks, and dates and numbers in it."""

from __future__ import annotations

from datetime import UTC, datetime

from flows.loader import parse, warnings
from flows.schema import ChoiceQuestion
from flows.texts import LANGUAGES, direction, formats, language_name, language_of
from tests.flows.helpers import document, line_of, only_problem
from tests.flows.test_loader import CHOICE

ARABIC = document(
    CHOICE.replace(
        "{nl: Welke kleur, en: Which colour}",
        "{nl: Welke kleur, en: Which colour, ar: أي لون, tr: Hangi renk}",
    )
    .replace("{nl: Rood, en: Red}", "{nl: Rood, en: Red, ar: أحمر}")
    .replace("{nl: Groen, en: Green}", "{nl: Groen, en: Green, ar: أخضر, pt-BR: Verde}"),
)


def test_a_text_may_carry_any_language_and_falls_back_to_dutch() -> None:
    questionnaire = parse(ARABIC, "x.yaml")
    question = questionnaire.question("q1")
    assert isinstance(question, ChoiceQuestion)
    assert question.text.get("ar") == "أي لون"
    assert question.text.get("tr") == "Hangi renk"
    assert question.text.get("ar-EG") == "أي لون"  # a region finds its language
    assert question.text.get("uk") == "Welke kleur"  # none at all: Dutch
    assert [o.label.get("tr") for o in question.options] == ["Rood", "Groen"]
    assert question.options[1].label.get("pt-BR") == "Verde"
    assert questionnaire.title.get("ar") == "Proef"


def test_a_language_some_texts_lack_is_a_warning_per_language_not_an_error() -> None:
    questionnaire = parse(ARABIC, "x.yaml")
    said = [w.text("en") for w in warnings(questionnaire, "x.yaml")]
    assert said == [
        "x.yaml: warning: the 'ar' translation is missing in: theme, title, intro (3 in all). "
        "Residents who use that language see the Dutch text there",
        "x.yaml: warning: the 'tr' translation is missing in: theme, title, intro; questions q1 "
        "(5 in all). Residents who use that language see the Dutch text there",
        "x.yaml: warning: the bot does not speak 'pt-BR', so no resident sees the texts in "
        f"that language. The bot speaks: {', '.join(LANGUAGES)}. The bot gets a new language "
        "in flows/locales",
    ]
    dutch = warnings(questionnaire, "x.yaml")[0].text("nl")
    assert dutch.startswith("x.yaml: let op: de vertaling in 'ar' ontbreekt bij: theme, title")


def test_a_language_the_bot_does_not_speak_is_a_warning_that_nobody_will_see_it() -> None:
    polish = document(
        CHOICE.replace(
            "{nl: Welke kleur, en: Which colour}",
            "{nl: Welke kleur, en: Which colour, pl: Jaki kolor}",
        )
    )
    said = [w.text("nl") for w in warnings(parse(polish, "x.yaml"), "x.yaml")]
    assert said == [
        "x.yaml: let op: de bot spreekt geen 'pl', dus geen inwoner ziet de teksten in die "
        f"taal. De bot spreekt: {', '.join(LANGUAGES)}. Een nieuwe taal krijgt de bot in "
        "flows/locales"
    ]
    assert language_of("pl") == "nl"  # what a Polish Telegram gets: the Dutch text
    # A region of a language the bot speaks is that language: no warning.
    arabic = polish.replace("pl: Jaki kolor", "ar-EG: أي لون")
    assert not any(
        "spreekt geen" in w.text("nl") for w in warnings(parse(arabic, "x.yaml"), "x.yaml")
    )


def test_a_file_in_dutch_and_english_only_has_no_language_warning() -> None:
    assert warnings(parse(document(CHOICE), "x.yaml"), "x.yaml") == []


def test_an_unknown_language_or_an_empty_translation_is_refused_with_its_line() -> None:
    text = document(CHOICE.replace("{nl: Rood, en: Red}", "{nl: Rood, en: Red, xq: Rot}"))
    found = only_problem(text)
    assert (found.line, found.field) == (
        line_of(text, "xq: Rot"),
        "questions.q1.options[0].label.xq",
    )
    assert "is not a known language" in found.message
    empty = document(CHOICE.replace("{nl: Rood, en: Red}", "{nl: Rood, en: Red, ar: ''}"))
    assert "the 'ar' text is empty" in only_problem(empty).message


def test_telegrams_language_picks_a_language_that_has_a_catalog() -> None:
    assert [language_of(code) for code in ("ar", "ar-SA", "tr", "en-GB", "nl-BE", "de", None)] == [
        "ar",
        "ar",
        "tr",
        "en",
        "nl",
        "nl",
        "nl",
    ]
    assert [language_name(code) for code in ("nl", "en", "ar", "tr")] == [
        "Nederlands",
        "English",
        "العربية",
        "Türkçe",
    ]
    assert (direction("ar"), direction("tr")) == ("rtl", "ltr")


def test_dates_and_numbers_follow_the_language() -> None:
    moment = datetime(2027, 1, 12, 9, tzinfo=UTC)
    assert [formats.date(moment, code, UTC) for code in ("nl", "en", "ar", "tr")] == [
        "12 januari 2027",
        "12 January 2027",
        "12 يناير 2027",
        "12 Ocak 2027",
    ]
    assert [formats.number(1234.5, 1, language=code) for code in ("nl", "en", "tr")] == [
        "1.234,5",
        "1,234.5",
        "1.234,5",
    ]
    assert formats.number(10_000) == "10.000"  # Dutch unless told


def test_an_answer_is_read_back_in_the_language() -> None:
    from datetime import date

    from flows import dates
    from flows.wording import format_number

    day = date(2027, 3, 12)
    assert [dates.spoken_date(day, code) for code in ("nl", "en", "tr", "ar")] == [
        "vrijdag 12 maart 2027",
        "Friday 12 March 2027",
        "Cuma 12 Mart 2027",
        "الجمعة 12 مارس 2027",
    ]
    assert dates.short_date(day, "tr") == "12 Mart 2027"
    assert [format_number(2.5, code) for code in ("nl", "en", "ar", "tr")] == [
        "2,5",
        "2.5",
        "2.5",
        "2,5",
    ]


def test_listed_answers_are_separated_as_the_language_writes_a_list() -> None:
    from flows.wording import answer_label

    multi = ARABIC.replace("type: choice", "type: multi", 1)
    question = parse(multi, "x.yaml").question("q1")
    assert answer_label(question, ["rood", "groen"], "ar") == "أحمر، أخضر"  # the Arabic comma
    assert answer_label(question, ["rood", "groen"], "ar-EG") == "أحمر، أخضر"
    assert answer_label(question, ["rood", "groen"], "nl") == "Rood, Groen"
    assert answer_label(question, ["rood", "groen"], "tr") == "Rood, Groen"
