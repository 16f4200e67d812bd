"""The gettext catalogs (flows/locales): every text key in every catalog with the same named
placeholders, translations for residents in every shipped language, a broken placeholder
refused at start with its file and key, and `make messages` carrying the old format in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from flows.texts import CATALOG, LANGUAGES, TRANSLATIONS, Locale, catalogs, po, raw, t

SHIPPED = ("nl", "en", "ar", "tr")


def entries(language: str, folder: Path = po.LOCALES) -> dict[str, object]:
    with po.catalog_path(language, folder).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {m.context: m for m in catalog if m.id and m.context}


def test_the_shipped_languages_are_dutch_english_arabic_and_turkish() -> None:
    assert LANGUAGES == SHIPPED
    assert set(TRANSLATIONS) == set(SHIPPED)


@pytest.mark.parametrize("language", SHIPPED)
def test_every_text_key_is_in_every_catalog_with_the_same_placeholders(language: str) -> None:
    found = entries(language)
    missing, different = [], []
    for key, dutch, _ in catalogs.messages():
        if "@u" in key and language != "nl":
            assert key not in found, "the form of address is Dutch only"
            continue
        message = found.get(key)
        if (
            message is None
            or (tuple(message.id) if isinstance(dutch, tuple) else message.id) != dutch
        ):  # type: ignore[attr-defined]
            missing.append(key)
            continue
        string = message.string  # type: ignore[attr-defined]
        forms = list(string) if isinstance(string, (list, tuple)) else [string]
        want = po.fields(dutch[-1] if isinstance(dutch, tuple) else dutch)
        for form in filter(None, forms):
            have = po.fields(form)
            if isinstance(dutch, tuple):
                have.pop("count", None)
                want.pop("count", None)
            if set(have) != set(want):
                different.append(key)
    assert missing == [], "run `make messages`: keys of flows/texts missing from the catalog"
    assert different == [], "translations with other placeholders than their Dutch text"


@pytest.mark.parametrize("language", SHIPPED)
def test_everything_residents_read_is_translated(language: str) -> None:
    catalog = TRANSLATIONS[language]
    untranslated = [
        key
        for key, dutch, _ in catalogs.messages()
        if "@u" not in key
        and not catalogs.staff_only(key)
        and catalog.get(key, dutch[0] if isinstance(dutch, tuple) else dutch) is None
    ]
    assert untranslated == []


def test_our_own_translations_say_that_no_native_speaker_checked_them_yet() -> None:
    for language in ("ar", "tr"):
        catalog = TRANSLATIONS[language]
        translated = {key for key, _ in catalog.texts}
        assert translated and translated == set(catalog.unreviewed)


def test_the_catalogs_are_up_to_date_with_flows_texts(tmp_path: Path) -> None:
    """What `make messages` would write is what is committed: run it after adding a key."""
    copy = tmp_path / "locales"
    shutil.copytree(po.LOCALES, copy)
    catalogs.extract(copy)
    for language in SHIPPED:
        written = po.catalog_path(language, copy).read_text("utf-8")
        assert written == po.catalog_path(language).read_text("utf-8"), (
            f"{language}: run `make messages` (python -m flows.texts.catalogs extract)"
        )


def test_extract_carries_a_key_in_the_old_format_into_every_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "locales"
    shutil.copytree(po.LOCALES, copy)
    monkeypatch.setitem(CATALOG, "x.new", {"nl": "Nieuw: {thing}", "en": "New: {thing}"})
    monkeypatch.setitem(CATALOG, "x.count[one]", {"nl": "1 ding", "en": "1 thing"})
    monkeypatch.setitem(
        CATALOG, "x.count[other]", {"nl": "{count} dingen", "en": "{count} things"}
    )
    catalogs.extract(copy)
    assert entries("en", copy)["x.new"].string == "New: {thing}"  # type: ignore[attr-defined]
    assert entries("nl", copy)["x.new"].string == "Nieuw: {thing}"  # type: ignore[attr-defined]
    assert entries("ar", copy)["x.new"].string == ""  # type: ignore[attr-defined]
    assert len(entries("ar", copy)["x.count"].string) == 6  # type: ignore[attr-defined]
    assert catalogs.check(copy) == 1  # a resident text without Arabic and Turkish yet
    loaded = po.load(copy)
    assert loaded["en"].get("x.count", "1 ding") == ("1 thing", "{count} things")
    # The Dutch changes: the English of the old format follows; the Arabic that was made
    # for the old Dutch is kept for a translator, fuzzy, and no longer used.
    path = po.catalog_path("ar", copy)
    path.write_text(
        path.read_text("utf-8").replace(
            'msgctxt "x.new"\nmsgid "Nieuw: {thing}"\nmsgstr ""',
            'msgctxt "x.new"\nmsgid "Nieuw: {thing}"\nmsgstr "جديد: {thing}"',
        ),
        "utf-8",
    )
    monkeypatch.setitem(CATALOG, "x.new", {"nl": "Nu nieuw: {thing}", "en": "Now new: {thing}"})
    catalogs.extract(copy)
    again = entries("ar", copy)["x.new"]
    assert again.fuzzy and again.string == "جديد: {thing}"  # type: ignore[attr-defined]
    assert '#| msgid "Nieuw: {thing}"\nmsgctxt "x.new"' in path.read_text("utf-8")
    assert entries("en", copy)["x.new"].string == "Now new: {thing}"  # type: ignore[attr-defined]
    assert po.load(copy)["ar"].get("x.new", "Nu nieuw: {thing}") is None
    # Only the English changes in the old format: the English catalog follows.
    monkeypatch.setitem(CATALOG, "x.new", {"nl": "Nu nieuw: {thing}", "en": "Brand new: {thing}"})
    catalogs.extract(copy)
    assert po.load(copy)["en"].get("x.new", "Nu nieuw: {thing}") == "Brand new: {thing}"


def broken(tmp_path: Path, old: str, new: str) -> Path:
    copy = tmp_path / "locales"
    shutil.copytree(po.LOCALES, copy)
    path = po.catalog_path("tr", copy)
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return copy


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            'msgstr "Cevabınız: {answer}"',
            'msgstr "Cevabınız: {cevap}"',
            "chosen: missing placeholder {answer}, placeholder {cevap} is not in the Dutch text",
        ),
        (
            'msgstr "Cevabınız: {answer}"',
            'msgstr "Cevabınız"',
            "chosen: missing placeholder {answer}",
        ),
        (
            'msgstr "Cevabınız: {answer}"',
            'msgstr "Cevabınız: {answer"',
            "chosen: not a valid template",
        ),
        (
            'msgstr "Soru {number} / {total}"',
            'msgstr "Soru {number} / {total} {name}"',
            "progress: placeholder {name} is not in the Dutch text",
        ),
        ('"<b>Gizlilik</b>\\n"', '"<b>Gizlilik\\n"', "privacy: HTML tags"),
    ],
)
def test_a_broken_translation_is_refused_at_start_with_its_file_and_key(
    tmp_path: Path, old: str, new: str, said: str
) -> None:
    folder = broken(tmp_path, old, new)
    with pytest.raises(po.CatalogError) as refused:
        po.load(folder)
    message = str(refused.value)
    assert f"{po.catalog_path('tr', folder)}: {said}" in message
    assert "is not used" in message


def test_a_broken_plural_form_count_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "locales"
    shutil.copytree(po.LOCALES, copy)
    path = po.catalog_path("ar", copy)
    text = path.read_text("utf-8")
    cut = text.index('msgstr[5] "{count} يوم"')
    path.write_text(text[:cut] + text[cut + len('msgstr[5] "{count} يوم"') :], "utf-8")
    with pytest.raises(
        po.CatalogError,
        match=r"ar/LC_MESSAGES/samenspraak.po: unit.days: 5 plural forms, the language has 6",
    ):
        po.load(copy)


def test_arabic_and_turkish_speak_with_their_own_plural_forms_and_escape_parameters() -> None:
    assert [t("ar", "unit.days", count=n) for n in (0, 1, 2, 5, 11, 100)] == [
        "0 يوم",
        "يوم واحد",
        "يومان",
        "5 أيام",
        "11 يومًا",
        "100 يوم",
    ]
    assert t("tr", "unit.days", count=10_000) == "10.000 gün"
    assert t("ar", "unit.days", count=10_000) == "10,000 يوم"
    assert t("tr", "chosen", answer="<b>") == "Cevabınız: &lt;b&gt;"
    assert t("ar", "chosen", answer="<b>") == "إجابتك: &lt;b&gt;"
    # The Dutch "u" form has no Turkish twin: Turkish is said as it is.
    assert t(Locale("tr", "u"), "chosen", answer="Evet") == "Cevabınız: Evet"
    assert raw("ar", "button.back") == "« السابق"


def test_a_text_only_staff_read_falls_back_to_dutch() -> None:
    dutch = t("nl", "problem.warning", message="x")
    assert t("ar", "problem.warning", message="x") == dutch
    assert catalogs.staff_only("problem.warning")


def test_every_language_has_a_command_menu() -> None:
    from flows.texts import COMMANDS, commands

    for language in SHIPPED:
        menu = commands(language)
        assert [name for name, _ in menu] == [
            name for name, _ in COMMANDS[language if language in COMMANDS else "en"]
        ]
    assert dict(commands("tr"))["language"] == "Dilinizi seçin"
