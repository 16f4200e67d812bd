"""``python -m flows.texts.catalogs extract``: bring the gettext catalogs up to date with the
Dutch texts in ``flows/texts`` (``make messages`` runs it). Re-runnable at any time.

It writes ``flows/locales/samenspraak.pot`` (every text key as ``msgctxt``, its Dutch text
as ``msgid``) and updates every ``flows/locales/<lang>/LC_MESSAGES/samenspraak.po``:

- a new key is added; a key that is gone is dropped;
- a language that the old format in ``flows/texts`` still carries for a key (``"en": ...``
  next to ``"nl"``) takes its text from there, so a change made there arrives; Dutch is
  its own translation. (Once every branch has landed, the ``en`` entries can go: then the
  English catalog is where English is edited, as every other language is.)
- any other translation made for the current Dutch text stays as it is, with its comments;
- a translation made for an earlier Dutch text is kept but marked fuzzy (not used) with
  the earlier Dutch as ``#| msgid``, for a translator to check.

``python -m flows.texts.catalogs check`` reads every catalog as the bot does at start and
says what is missing or broken (exit status 1 then).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from flows.texts import CATALOG, po

#: Keys administrators and civil servants alone read: they may stay Dutch and English.
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


def staff_only(key: str) -> bool:
    """Whether only staff read ``key`` (a Dutch-only text in flows/texts is for staff too)."""
    stem = key.split("[")[0].split("@")[0]
    entry = CATALOG.get(key) or CATALOG.get(f"{stem}[other]") or {}
    return stem.startswith(STAFF_PREFIXES) or set(entry) == {po.SOURCE_LANGUAGE}


def messages() -> Iterator[tuple[str, str | tuple[str, str], dict[str, str | tuple[str, str]]]]:
    """Every text as ``(msgctxt, Dutch, {language: text in the old format})``, in the
    order of ``flows/texts``; a plural text once, as its two Dutch forms."""
    for key, entry in CATALOG.items():
        stem, bracket, form = key.partition("[")
        if bracket and form != "one]":
            continue
        if not bracket:
            yield key, entry[po.SOURCE_LANGUAGE], dict(entry)
            continue
        other = CATALOG[f"{stem}[other]"]
        dutch = (entry[po.SOURCE_LANGUAGE], other[po.SOURCE_LANGUAGE])
        old = {lang: (entry[lang], other[lang]) for lang in entry if lang in other}
        yield stem, dutch, dict(old)


def template() -> Catalog:
    catalog = Catalog(
        domain=po.DOMAIN, header_comment=f"# {_HEADER}", project="Samenspraak", fuzzy=False
    )
    catalog.creation_date = datetime(2026, 1, 1, tzinfo=UTC)
    for key, dutch, _ in messages():
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


def update(language: str, folder: Path = po.LOCALES) -> tuple[int, int]:
    """Update one language's catalog; returns (texts, of which translated)."""
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
    for key, dutch, legacy in messages():
        if "@u" in key and language != po.SOURCE_LANGUAGE:
            continue  # the form of address is Dutch only
        message = Message(dutch, context=key, auto_comments=_comments(key))
        was = by_key.get(key)
        if language in legacy:  # the old format in flows/texts: its text is the one
            message.string = _forms(legacy[language], new.num_plurals)
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


def extract(folder: Path = po.LOCALES, add: list[str] | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{po.DOMAIN}.pot").open("wb") as handle:
        write_po(handle, template(), width=100)
    languages = list(dict.fromkeys([*po.languages_in(folder), "nl", "en", *(add or [])]))
    for language in languages:
        total, done = update(language, folder)
        print(f"{po.catalog_path(language, folder)}: {done} of {total} texts translated")


def check(folder: Path = po.LOCALES) -> int:
    """Every catalog readable and complete for the texts residents read."""
    try:
        loaded = po.load(folder)
    except po.CatalogError as error:
        print(error, file=sys.stderr)
        return 1
    missing = 0
    for catalog in loaded.values():
        for key, dutch, _ in messages():
            if "@u" in key or staff_only(key):
                continue
            first = dutch[0] if isinstance(dutch, tuple) else dutch
            if catalog.get(key, first) is None:
                missing += 1
                print(f"{catalog.path}: {key}: no translation of the current Dutch text")
    return 1 if missing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.texts.catalogs")
    sub = parser.add_subparsers(dest="command", required=True)
    ex = sub.add_parser("extract", help="update the .pot and every .po from flows/texts")
    ex.add_argument("--add", action="append", default=[], help="start a catalog for a language")
    sub.add_parser("check", help="read every catalog as the bot does, and list what is missing")
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract(add=args.add)
        return 0
    return check()


if __name__ == "__main__":
    sys.exit(main())
