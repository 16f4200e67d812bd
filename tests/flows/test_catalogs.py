"""The gettext catalogs (flows/locales): every text key in every catalog with the same named
placeholders, translations for residents in every shipped language, a broken placeholder
refused at start with its file and key, English edited in its catalog only, and English in
the old format (``"en"`` in flows/texts) refused until `move-english` has moved it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from flows.texts import CATALOG, LANGUAGES, TRANSLATIONS, Locale, catalogs, legacy, po, raw, t

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
    for key, dutch in catalogs.messages():
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
        for key, dutch in catalogs.messages()
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


def test_no_english_is_left_in_flows_texts() -> None:
    """English lives in its catalog: a text in the old format (from a branch older than the
    move) must be moved with `python -m flows.texts.catalogs move-english`."""
    assert catalogs.english_in_python() == {}
    assert legacy.find_all() == []


def test_english_in_the_old_format_stops_extract_and_check_with_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "locales"
    shutil.copytree(po.LOCALES, copy)
    before = po.catalog_path("en", copy).read_text("utf-8")
    monkeypatch.setitem(CATALOG, "x.new", {"nl": "Nieuw: {thing}", "en": "New: {thing}"})
    with pytest.raises(
        catalogs.OldFormat, match=r"run `python -m flows\.texts\.catalogs move-english`"
    ):
        catalogs.extract(copy)
    assert po.catalog_path("en", copy).read_text("utf-8") == before  # nothing dropped
    assert catalogs.check(copy) == 1
    assert catalogs.main(["extract"]) == 1
    said = capsys.readouterr().err
    assert "1 texts in flows/texts still carry English in the old format" in said
    assert "x.new" in said and "move-english" in said


def test_extract_adds_a_new_text_to_every_catalog_and_english_is_translated_like_any_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "locales"
    shutil.copytree(po.LOCALES, copy)
    monkeypatch.setitem(CATALOG, "x.new", {"nl": "Nieuw: {thing}"})
    monkeypatch.setitem(CATALOG, "x.count[one]", {"nl": "1 ding"})
    monkeypatch.setitem(CATALOG, "x.count[other]", {"nl": "{count} dingen"})
    catalogs.extract(copy)
    assert entries("nl", copy)["x.new"].string == "Nieuw: {thing}"  # type: ignore[attr-defined]
    for language in ("en", "ar"):
        assert entries(language, copy)["x.new"].string == ""  # type: ignore[attr-defined]
    assert len(entries("ar", copy)["x.count"].string) == 6  # type: ignore[attr-defined]
    assert catalogs.check(copy) == 1  # a resident text without its translations yet
    # A translator's English stays through the next extract; when the Dutch changes it is
    # kept for a translator, fuzzy, and no longer used.
    path = po.catalog_path("en", copy)
    path.write_text(
        path.read_text("utf-8").replace(
            'msgctxt "x.new"\nmsgid "Nieuw: {thing}"\nmsgstr ""',
            'msgctxt "x.new"\nmsgid "Nieuw: {thing}"\nmsgstr "New: {thing}"',
        ),
        "utf-8",
    )
    dutch = po.catalog_path("nl", copy)
    dutch.write_text(
        dutch.read_text("utf-8").replace(
            'msgctxt "x.new"\n', '# A translator\'s note.\nmsgctxt "x.new"\n', 1
        ),
        "utf-8",
    )
    catalogs.extract(copy)
    assert po.load(copy)["en"].get("x.new", "Nieuw: {thing}") == "New: {thing}"
    assert entries("nl", copy)["x.new"].user_comments == ["A translator's note."]  # type: ignore[attr-defined]
    monkeypatch.setitem(CATALOG, "x.new", {"nl": "Nu nieuw: {thing}"})
    catalogs.extract(copy)
    again = entries("en", copy)["x.new"]
    assert again.fuzzy and again.string == "New: {thing}"  # type: ignore[attr-defined]
    assert '#| msgid "Nieuw: {thing}"\nmsgctxt "x.new"' in path.read_text("utf-8")
    assert po.load(copy)["en"].get("x.new", "Nu nieuw: {thing}") is None


def sources(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of flows/texts and of flows/locales to move English in."""
    texts, locales = tmp_path / "texts", tmp_path / "locales"
    shutil.copytree(legacy.FOLDER, texts, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(po.LOCALES, locales)
    return texts, locales


def old_format(path: Path, dutch: str, english: str) -> None:
    """Give the text ``{"nl": dutch}`` of ``path`` an English item, as a late branch would."""
    text = path.read_text("utf-8")
    assert text.count(f'{{"nl": "{dutch}"}}') == 1
    path.write_text(
        text.replace(f'{{"nl": "{dutch}"}}', f'{{"nl": "{dutch}", "en": "{english}"}}'), "utf-8"
    )


def test_move_english_puts_the_old_format_in_the_catalog_and_cuts_it_from_the_source(
    tmp_path: Path,
) -> None:
    texts, locales = sources(tmp_path)
    module = texts / "__init__.py"
    original = module.read_text("utf-8")
    old_format(module, "Ja, ik doe mee", "Count me in")  # newer than the catalog's: it wins
    old_format(module, "{count} dag", "{count} day (one)")
    old_format(module, "{count} dagen", "{count} days (many)")
    assert catalogs.move_english(locales, texts) == 2
    assert module.read_text("utf-8") == original  # just the items, nothing else
    english = po.load(locales)["en"]
    assert english.get("consent.yes", "Ja, ik doe mee") == "Count me in"
    assert english.get("unit.days", "{count} dag") == ("{count} day (one)", "{count} days (many)")
    assert english.get("consent.no", "Nee, liever niet") == "No, thanks"  # the rest as it was
    before = {path: path.read_bytes() for path in [*texts.glob("*.py"), *locales.rglob("*.po")]}
    assert catalogs.move_english(locales, texts) == 0  # nothing left: nothing changes
    assert before == {path: path.read_bytes() for path in before}


def test_move_english_says_what_it_cannot_move_on_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(folder: Path = legacy.FOLDER) -> list[legacy.Found]:
        raise ValueError("texts.py:3: x: the English is not a plain string")

    monkeypatch.setattr(legacy, "find_all", refuse)
    assert catalogs.main(["move-english"]) == 1
    assert capsys.readouterr().err == "texts.py:3: x: the English is not a plain string\n"


def test_move_english_wants_both_plural_forms(tmp_path: Path) -> None:
    texts, locales = sources(tmp_path)
    old_format(texts / "__init__.py", "{count} dag", "{count} day")
    with pytest.raises(catalogs.OldFormat, match=r"unit.days\[one\] has English"):
        catalogs.move_english(locales, texts)
    assert "{count} day" in (texts / "__init__.py").read_text("utf-8")  # nothing cut


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


def test_every_language_has_a_command_menu_from_its_catalog() -> None:
    from flows.texts import COMMAND_NAMES, COMMANDS, admin_commands, commands, group_commands

    assert [name for name, _ in COMMANDS["nl"]] == [dutch for dutch, _ in COMMAND_NAMES]
    for language in SHIPPED[1:]:
        assert [name for name, _ in commands(language)] == [name for _, name in COMMAND_NAMES]
        assert commands(language) == COMMANDS[language]
    assert dict(commands("nl"))["taal"] == "Taal kiezen"
    assert dict(commands("en"))["language"] == "Choose your language"
    assert dict(commands("tr"))["language"] == "Dilinizi seçin"
    assert dict(admin_commands("en"))["publiceer"] == "Publish the results page"
    assert dict(admin_commands("ar"))["publiceer"] == "Resultatenpagina openbaar maken"  # staff
    assert dict(group_commands("en"))["digest"] == "Digest of what is new"


def test_staff_only_texts_are_named_by_prefix_or_one_by_one() -> None:
    assert catalogs.staff_only("admin.menu.beheer")
    assert catalogs.staff_only("uitnodiging.offer[one]")
    assert catalogs.staff_only("uitnodiging.first_button")
    assert not catalogs.staff_only("uitnodiging.message")  # the invitation residents read
    assert not catalogs.staff_only("welcome@u")
    assert not catalogs.staff_only("consent.yes")
