"""The text catalog's two kinds of variants: plural forms chosen by ``count`` (gettext's
ngettext) and the "u" twin of a Dutch text that says "je" (pgettext with the context "u")."""

from __future__ import annotations

import re
from string import Formatter

import pytest

from flows.texts import CATALOG, Locale, catalogs, check_catalog, raw, t

JE = re.compile(r"\b(je|jij|jou|jouw|jouwe|jezelf)\b", re.IGNORECASE)


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def resident_facing(key: str) -> bool:
    """Residents read every text but those only staff read (flows.texts.catalogs.staff_only:
    admin., moderation., a questionnaire file's problem., ... and a few named ones)."""
    return not catalogs.staff_only(key)


def test_count_chooses_the_plural_form_and_is_written_as_the_language_writes_numbers() -> None:
    assert t("nl", "unit.days", count=1) == "1 dag"
    assert t("nl", "unit.days", count=0) == "0 dagen"
    assert t("nl", "unit.days", count=10_000) == "10.000 dagen"
    assert t("en", "unit.days", count=1) == "1 day"
    assert t("en", "unit.days", count=10_000) == "10,000 days"
    assert t("nl", "verzending.interrupted", count=1).endswith(
        "1 daarvan werd onderbroken door een herstart: misschien toch aangekomen, niet nog eens "
        "verstuurd."
    )


def test_a_plural_text_without_a_count_is_a_mistake_said_plainly() -> None:
    with pytest.raises(TypeError, match="plural forms: give count=<int>"):
        t("nl", "unit.days")
    with pytest.raises(TypeError, match="plural forms"):
        t("nl", "unit.days", count="3")  # a number written as text is no count


def test_a_locale_carries_the_form_of_address() -> None:
    u, je = Locale("nl", "u"), Locale("nl")
    assert t(u, "chosen", answer="Ja") == "Uw antwoord: Ja"
    assert t(je, "chosen", answer="Ja") == "Je antwoord: Ja"
    assert t("nl", "chosen", answer="Ja") == "Je antwoord: Ja"  # a plain language: "je"
    assert t(Locale("en", "u"), "chosen", answer="Yes") == "Your answer: Yes"
    assert t(u, "progress", number=1, total=2) == "Vraag 1 van 2"  # no form of address
    assert t(je, "chosen", answer="Ja", address="u") == "Uw antwoord: Ja"  # given: it wins
    assert raw(u, "consent.given").startswith("Fijn dat u meedoet!")
    # It is the language wherever a language goes.
    assert u == "nl" and {"nl": 1}[u] == 1 and f"{u}" == "nl"
    with pytest.raises(ValueError, match="address must be one of"):
        t("nl", "chosen", answer="Ja", address="jij")


def test_every_dutch_text_residents_read_that_says_je_has_a_twin_that_says_u() -> None:
    missing, wrong, different = [], [], []
    for key, entry in CATALOG.items():
        if "@u" in key:
            twin = entry["nl"]
            if JE.search(twin):
                wrong.append(key)
            if fields(twin) != fields(CATALOG[key.replace("@u", "")]["nl"]):
                different.append(key)
            continue
        if not resident_facing(key) or not JE.search(entry["nl"]):
            continue
        text, bracket, form = key.partition("[")
        if f"{text}@u{bracket}{form}" not in CATALOG:
            missing.append(key)
    assert missing == [], "Dutch texts for residents saying 'je' without a 'u' twin"
    assert wrong == [], "'u' twins that still say 'je'"
    assert different == [], "'u' twins with other placeholders than their 'je' text"


def test_plural_forms_take_the_same_parameters() -> None:
    for key, entry in CATALOG.items():
        if key.endswith("[one]"):
            other = CATALOG[key.removesuffix("[one]") + "[other]"]
            for language, template in entry.items():
                assert fields(template) - {"count"} == fields(other[language]) - {"count"}, key


def test_an_ordinary_key_may_end_in_a_word_that_names_a_form() -> None:
    check_catalog({"problem.yaml.other": {"nl": "iets anders"}, "x.u": {"nl": "u"}})


@pytest.mark.parametrize(
    ("catalog", "problem"),
    [
        ({"x[one]": {"nl": "1 ding"}}, "no x[other]"),
        ({"x": {"nl": "dingen"}, "x[one]": {"nl": "1"}, "x[other]": {"nl": "n"}}, "x is both"),
        ({"x[few]": {"nl": "n"}, "x[one]": {"nl": "1"}, "x[other]": {"nl": "n"}}, "forms are"),
        ({"y@u": {"nl": "u"}}, "y@u has no y"),
        ({"y": {"nl": "je", "en": "you"}, "y@u": {"nl": "u", "en": "you"}}, "Dutch only"),
        ({"y": {"nl": "je"}, "y@jij": {"nl": "jij"}}, "only the 'u' form"),
        (
            {"z[one]": {"nl": "1"}, "z[other]": {"nl": "n"}, "z@u[one]": {"nl": "u"}},
            "no z@u[other]",
        ),
        ({"a]b": {"nl": "?"}}, "is not <key>"),
    ],
)
def test_a_catalog_whose_variants_do_not_add_up_is_refused(
    catalog: dict[str, dict[str, str]], problem: str
) -> None:
    with pytest.raises(RuntimeError, match=re.escape(problem)):
        check_catalog(catalog)
