"""The text catalog's two kinds of variants: plural forms chosen by ``count`` (gettext's
ngettext) and the "u" twin of a Dutch text that says "je" (pgettext with the context "u")."""

from __future__ import annotations

import re
from string import Formatter

import pytest

from flows.texts import CATALOG, check_catalog, t


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


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
