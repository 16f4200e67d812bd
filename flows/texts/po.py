"""The gettext catalogs the bot speaks from: ``flows/locales/<lang>/LC_MESSAGES/samenspraak.po``,
read (with Babel) and checked once at start, then kept in memory.

Each message has the text key as its context (``msgctxt``) and the Dutch text as its
``msgid``; a plural text has ``msgid_plural`` and one ``msgstr[i]`` per plural form of the
language. A translation is taken only for the Dutch text it was made for (gettext's own
rule): when the Dutch in ``flows/texts`` changes, the old translation is no longer used
until ``make messages`` carries the change into the catalogs and a translator looks at it.

A translation whose named placeholders (``{title}``) or HTML tags differ from the Dutch
text, or that is not a valid template, is refused when the catalog is read, with the file
and the key: it never reaches a resident.
"""

from __future__ import annotations

import gettext
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from string import Formatter

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from flows.catalog_errors import CatalogError as CatalogError  # raised here, caught by CLIs

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "samenspraak"
SOURCE_LANGUAGE = "nl"
#: A translator comment on a translation nobody who speaks the language has checked yet.
UNREVIEWED = "unreviewed: not yet checked by a native speaker"

#: A plural message's translation: one template per plural form of the language.
Forms = tuple[str, ...]


@dataclass(frozen=True)
class Translations:
    """One language's catalog in memory: ``(key, Dutch msgid) -> template``."""

    language: str
    path: Path
    plural: Callable[[int], int]
    texts: dict[tuple[str, str], str | Forms] = field(default_factory=dict)
    #: Keys whose translation carries the :data:`UNREVIEWED` comment.
    unreviewed: frozenset[str] = frozenset()

    def get(self, key: str, dutch: str) -> str | Forms | None:
        return self.texts.get((key, dutch))


def catalog_path(language: str, folder: Path = LOCALES) -> Path:
    return folder / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages_in(folder: Path = LOCALES) -> list[str]:
    """The languages that have a catalog, Dutch first, then English, then the others."""
    found = sorted(p.parent.parent.name for p in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    order = {SOURCE_LANGUAGE: 0, "en": 1}
    return sorted(found, key=lambda code: (order.get(code, 2), code))


def fields(template: str) -> Counter[str]:
    """The named placeholders of a ``str.format`` template (ValueError when it is none)."""
    return Counter(name for _, name, _, _ in Formatter().parse(template) if name is not None)


_TAG = re.compile(r"</?([a-zA-Z-]+)[^>]*>")


def tags(template: str) -> Counter[str]:
    """The HTML tags of a template, opening and closing (``b``, ``/b``)."""
    return Counter(
        ("/" if match.group(0).startswith("</") else "") + match.group(1).lower()
        for match in _TAG.finditer(template)
    )


def problems_of(dutch: str | Forms, translated: str | Forms, nplurals: int) -> list[str]:
    """What is wrong with ``translated`` as a translation of ``dutch`` (empty: nothing)."""
    if isinstance(dutch, tuple) != isinstance(translated, tuple):
        return ["a plural text needs msgid_plural and msgstr[n], an ordinary one neither"]
    if isinstance(dutch, tuple) and isinstance(translated, tuple):
        filled = [form for form in translated if form]
        if len(translated) != nplurals or len(filled) != nplurals:
            return [f"{len(filled)} plural forms, the language has {nplurals}"]
        # A form may leave the number out ("one question"); every other name must stay.
        want = fields(dutch[-1])
        want.pop("count", None)
        wanted_tags = tags(dutch[-1])
        pairs = [(form, want, wanted_tags) for form in translated]
    else:
        assert isinstance(dutch, str) and isinstance(translated, str)
        pairs = [(translated, fields(dutch), tags(dutch))]
    found: list[str] = []
    for text, want, wanted_tags in pairs:
        try:
            have = fields(text)
        except ValueError as error:
            found.append(f"not a valid template ({error}): use {{{{ and }}}} for braces")
            continue
        if isinstance(dutch, tuple):
            have.pop("count", None)
        if set(have) != set(want):
            missing = sorted(set(want) - set(have))
            added = sorted(set(have) - set(want))
            said = [f"missing placeholder {{{name}}}" for name in missing]
            said += [f"placeholder {{{name}}} is not in the Dutch text" for name in added]
            found.append(", ".join(said))
        if tags(text) != wanted_tags:
            found.append(f"HTML tags {sorted(tags(text).elements())} differ from the Dutch text")
    return found


def _string(message: Message) -> str | Forms | None:
    """The translation, or None when there is none to use (empty or fuzzy)."""
    if message.fuzzy:
        return None
    if isinstance(message.string, (list, tuple)):
        forms = tuple(str(s) for s in message.string)
        return forms if any(forms) else None
    return str(message.string) if message.string else None


def _dutch(message: Message) -> str | Forms:
    if isinstance(message.id, (list, tuple)):
        return tuple(str(part) for part in message.id)
    return str(message.id)


def read(path: Path, language: str) -> tuple[Catalog, Translations]:
    """One catalog, checked: :class:`CatalogError` lists every broken translation."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    plural = gettext.c2py(catalog.plural_expr)
    texts: dict[tuple[str, str], str | Forms] = {}
    unreviewed = set()
    broken = []
    for message in catalog:
        if not message.id or message.context is None:
            continue
        translated = _string(message)
        if translated is None:
            continue
        dutch = _dutch(message)
        for problem in problems_of(dutch, translated, catalog.num_plurals):
            broken.append(f"{path}: {message.context}: {problem}")
        if any(UNREVIEWED in comment for comment in message.user_comments):
            unreviewed.add(message.context)
        texts[(message.context, dutch[0] if isinstance(dutch, tuple) else dutch)] = translated
    if broken:
        raise CatalogError(
            "a translation does not fit its Dutch text, so it is not used:\n  "
            + "\n  ".join(broken),
            broken,
        )
    return catalog, Translations(language, path, plural, texts, frozenset(unreviewed))


def load(
    folder: Path = LOCALES, languages: Iterable[str] | None = None
) -> dict[str, Translations]:
    """Every catalog under ``folder``, checked (see :func:`read`)."""
    codes = list(languages) if languages is not None else languages_in(folder)
    errors: list[CatalogError] = []
    loaded = {}
    for code in codes:
        try:
            loaded[code] = read(catalog_path(code, folder), code)[1]
        except CatalogError as error:
            errors.append(error)
    if errors:
        raise CatalogError(
            "\n".join(map(str, errors)), [problem for e in errors for problem in e.problems]
        )
    return loaded
