"""``python -m flows.texts.catalogs extract``: bring the gettext catalogs up to date with the
Dutch texts in ``flows/texts`` (``make messages`` runs it). Re-runnable at any time.

It writes ``flows/locales/samenspraak.pot`` (every text key as ``msgctxt``, its Dutch text
as ``msgid``) and updates every ``flows/locales/<lang>/LC_MESSAGES/samenspraak.po``:

- a new key is added; a key that is gone is dropped; Dutch is its own translation;
- a translation made for the current Dutch text stays as it is, with its comments;
- a translation made for an earlier Dutch text is kept but marked fuzzy (not used) with
  the earlier Dutch as ``#| msgid``, for a translator to check.

Every language but Dutch, English too, lives only in its catalog: that is where it is
edited. A text of ``flows/texts`` that still carries ``"en": ...`` next to ``"nl"`` (the
old format, from a branch older than the catalogs) stops ``extract`` and ``check``:
``python -m flows.texts.catalogs move-english`` puts that English into the English catalog
(it wins over the catalog's, being newer) and cuts it out of the Python source
(:mod:`flows.texts.legacy`). It is re-runnable, and does nothing when nothing is left.

``python -m flows.texts.catalogs check`` reads every catalog as the bot does at start and
says what is missing or broken (exit status 1 then).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from flows.texts import CATALOG, legacy, po

#: Keys administrators and civil servants alone read: they may stay Dutch (every language
#: falls back to it), and the catalogs say so to translators.
STAFF_PREFIXES = (
    "admin.",
    "moderation.",
    "problem.",
    "help.admin",
    "terugkoppeling.",
    "verzending.",
    "effectmeting.",
)
_HEADER = "Samenspraak: what the bot says, by text key (msgctxt) and Dutch text (msgid)."


#: Staff texts outside those prefixes (the administrator's side of /uitnodigen, whose
#: invitation itself residents read): named one by one, so that a new text is for residents
#: (and must be translated) unless it says otherwise.
STAFF_KEYS = frozenset(
    {
        "uitnodiging.offer",
        "uitnodiging.offer_none",
        "uitnodiging.yes",
        "uitnodiging.no",
        "uitnodiging.declined",
        "uitnodiging.already",
        "uitnodiging.not_open",
        "uitnodiging.usage",
        "uitnodiging.unknown",
        "uitnodiging.first",
        "uitnodiging.first_button",
    }
)

Text = str | tuple[str, str]


class OldFormat(RuntimeError):
    """English still in ``flows/texts``: it would be lost, so nothing is written."""


def staff_only(key: str) -> bool:
    """Whether only staff read ``key``: its prefix, or its name in :data:`STAFF_KEYS`."""
    stem = key.split("[")[0].split("@")[0]
    return stem.startswith(STAFF_PREFIXES) or stem in STAFF_KEYS


def messages() -> Iterator[tuple[str, Text]]:
    """Every text as ``(msgctxt, Dutch)``, in the order of ``flows/texts``; a plural text
    once, as its two Dutch forms."""
    for key, entry in CATALOG.items():
        stem, bracket, form = key.partition("[")
        if bracket and form != "one]":
            continue
        if not bracket:
            yield key, entry[po.SOURCE_LANGUAGE]
            continue
        yield stem, (entry[po.SOURCE_LANGUAGE], CATALOG[f"{stem}[other]"][po.SOURCE_LANGUAGE])


def english_in_python() -> dict[str, Text]:
    """The English texts still in ``flows/texts`` in the old format, by catalog key."""
    found: dict[str, Text] = {}
    for key, entry in CATALOG.items():
        if legacy.LANGUAGE not in entry:
            continue
        stem, bracket, form = key.partition("[")
        if not bracket:
            found[key] = entry[legacy.LANGUAGE]
        elif form == "one]":
            other = CATALOG[f"{stem}[other]"]
            if legacy.LANGUAGE not in other:
                raise OldFormat(f"{key} has English, {stem}[other] has none: give both")
            found[stem] = (entry[legacy.LANGUAGE], other[legacy.LANGUAGE])
        elif legacy.LANGUAGE not in CATALOG[f"{stem}[one]"]:
            raise OldFormat(f"{key} has English, {stem}[one] has none: give both")
    return found


def refuse_old_format() -> None:
    """Stop when English is still in ``flows/texts``: extracting would drop it."""
    english = english_in_python()
    if english:
        keys = ", ".join(sorted(english)[:5]) + (", ..." if len(english) > 5 else "")
        raise OldFormat(
            f"{len(english)} texts in flows/texts still carry English in the old format "
            f'("en": ... next to "nl"; {keys}). English lives in '
            f"{po.catalog_path('en').relative_to(po.LOCALES.parent.parent)} now: run "
            "`python -m flows.texts.catalogs move-english` to move it there, then commit."
        )


def template() -> Catalog:
    catalog = Catalog(
        domain=po.DOMAIN, header_comment=f"# {_HEADER}", project="Samenspraak", fuzzy=False
    )
    catalog.creation_date = datetime(2026, 1, 1, tzinfo=UTC)
    for key, dutch in messages():
        catalog.add(dutch, context=key, auto_comments=_comments(key))
    return catalog


def _comments(key: str) -> list[str]:
    comments = ["Only staff read this: it may stay untranslated."] if staff_only(key) else []
    if "@u" in key:
        comments.append('The formal "u" form of a Dutch text: Dutch only.')
    return comments


def _forms(text: str | tuple[str, str], nplurals: int) -> str | tuple[str, ...]:
    """A two-form text of the old format stretched (or cut) to the language's forms."""
    if isinstance(text, str):
        return text
    one, other = text
    return (one, *[other] * (nplurals - 1)) if nplurals > 1 else (other,)


def update(
    language: str, folder: Path = po.LOCALES, newer: dict[str, Text] | None = None
) -> tuple[int, int]:
    """Update one language's catalog; returns (texts, of which translated). ``newer``:
    translations that win over the catalog's (the English moved out of ``flows/texts``)."""
    path = po.catalog_path(language, folder)
    if path.exists():
        with path.open("rb") as handle:
            old = read_po(handle, locale=language, domain=po.DOMAIN)
    else:
        old = Catalog(locale=language, domain=po.DOMAIN)
    by_key = {m.context: m for m in old if m.id and m.context}
    new = Catalog(
        locale=language,
        domain=po.DOMAIN,
        header_comment=f"# {_HEADER}\n# Language: {language}",
        project="Samenspraak",
        fuzzy=False,
    )
    new.creation_date = datetime(2026, 1, 1, tzinfo=UTC)
    new.revision_date = datetime(2026, 1, 1, tzinfo=UTC)
    translated = 0
    for key, dutch in messages():
        if "@u" in key and language != po.SOURCE_LANGUAGE:
            continue  # the form of address is Dutch only
        message = Message(dutch, context=key, auto_comments=_comments(key))
        was = by_key.get(key)
        if language == po.SOURCE_LANGUAGE:  # Dutch is its own translation
            message.string = _forms(dutch, new.num_plurals)
            message.user_comments = list(was.user_comments) if was is not None else []
        elif newer and key in newer:
            message.string = _forms(newer[key], new.num_plurals)
            message.user_comments = list(was.user_comments) if was is not None else []
        elif was is not None and _same(was.id, dutch) and _filled(was.string):
            message.string = was.string
            message.user_comments = list(was.user_comments)
            message.flags = set(was.flags)
        elif was is not None and _filled(was.string):
            message.string = was.string
            message.user_comments = list(was.user_comments)
            message.flags = set(was.flags) | {"fuzzy"}
            message.previous_id = (
                [str(part) for part in was.id]
                if isinstance(was.id, (list, tuple))
                else [str(was.id)]
            )
        elif isinstance(dutch, tuple):
            message.string = ("",) * new.num_plurals
        new[dutch] = message
        translated += _filled(message.string) and not message.fuzzy
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, new, width=100, include_previous=True)
    return len(new), translated


def _same(was: object, dutch: str | tuple[str, str]) -> bool:
    return (tuple(was) if isinstance(was, (list, tuple)) else was) == dutch


def _filled(string: object) -> bool:
    if isinstance(string, (list, tuple)):
        return bool(string) and all(string)
    return bool(string)


def extract(
    folder: Path = po.LOCALES, add: list[str] | None = None, english: dict[str, Text] | None = None
) -> None:
    """Write the template and update every catalog (see the module's docstring); refused
    while English is still in ``flows/texts`` unless it is being moved (``english``)."""
    if english is None:
        refuse_old_format()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{po.DOMAIN}.pot").open("wb") as handle:
        write_po(handle, template(), width=100)
    languages = list(dict.fromkeys([*po.languages_in(folder), "nl", "en", *(add or [])]))
    for language in languages:
        total, done = update(language, folder, english if language == legacy.LANGUAGE else None)
        print(f"{po.catalog_path(language, folder)}: {done} of {total} texts translated")


def check(folder: Path = po.LOCALES) -> int:
    """Every catalog readable and complete for the texts residents read."""
    try:
        refuse_old_format()
        loaded = po.load(folder)
    except (po.CatalogError, OldFormat) as error:
        print(error, file=sys.stderr)
        return 1
    missing = 0
    for catalog in loaded.values():
        for key, dutch in messages():
            if "@u" in key or staff_only(key):
                continue
            first = dutch[0] if isinstance(dutch, tuple) else dutch
            if catalog.get(key, first) is None:
                missing += 1
                print(f"{catalog.path}: {key}: no translation of the current Dutch text")
    return 1 if missing else 0


def move_english(folder: Path = po.LOCALES, texts: Path = legacy.FOLDER) -> int:
    """Move the English of the old format from the sources in ``texts`` into the English
    catalog under ``folder`` and cut it out of the sources; returns how many texts moved."""
    found = legacy.find_all(texts)
    english = _english_of(found)
    if texts == legacy.FOLDER and set(english) != set(english_in_python()):
        raise OldFormat(  # what the source says is not what the bot reads: do nothing
            "the English found in the source and in the texts differ: "
            f"{sorted(set(english) ^ set(english_in_python()))}; move those by hand"
        )
    if not english:
        print("No English left in flows/texts: nothing to move.")
        return 0
    extract(folder, english=english)
    changed = legacy.cut(found)
    subprocess.run(  # noqa: S603 - the ruff of this interpreter, on our own files
        [sys.executable, "-m", "ruff", "format", "--quiet", *map(str, changed)], check=True
    )
    print(f"Moved {len(english)} English texts into {po.catalog_path('en', folder)}.")
    return len(english)


def _english_of(found: list[legacy.Found]) -> dict[str, Text]:
    """The English of the items found, by catalog key (a plural text as its two forms)."""
    texts = {item.key: item.english for item in found}
    english: dict[str, Text] = {}
    for key, text in texts.items():
        stem, bracket, _ = key.partition("[")
        if not bracket:
            english[key] = text
            continue
        one, other = texts.get(f"{stem}[one]"), texts.get(f"{stem}[other]")
        if one is None or other is None:
            raise OldFormat(f"{key} has English, its other plural form has none: give both")
        english[stem] = (one, other)
    return english


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.texts.catalogs")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="update the .pot and every .po from flows/texts")
    ex.add_argument("--add", action="append", default=[], help="start a catalog for a language")
    sub.add_parser("check", help="read every catalog as the bot does, and list what is missing")
    sub.add_parser(
        "move-english",
        help='move the English still in flows/texts ("en": ...) into the English catalog',
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "extract":
            extract(add=args.add)
            return 0
        if args.command == "move-english":
            move_english()
            return 0
    except (OldFormat, ValueError) as error:  # ValueError: English that is no plain string
        print(error, file=sys.stderr)
        return 1
    return check()


if __name__ == "__main__":
    sys.exit(main())
