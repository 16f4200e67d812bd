"""Reading what a resident typed: the text as stored, compared loosely (case, accents,
punctuation, spacing), numbers with a Dutch decimal comma, an option by its number, id,
label, a part of its label or a unique beginning of it, and the words that mean back,
skip, done, yes and no.

Residents type in their own language: the words are Dutch, English, Turkish and Arabic
(each catalog's button labels among them: tests/flows/test_typed_languages.py checks that
for every language), and Arabic-Indic digits (``٣``, ``٣٫٥``, ``١، ٣``) read as numbers.
Arabic is compared without its short-vowel marks and tatweel, and with ``أ``, ``إ`` and
``آ`` read as ``ا``, as many residents type it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flows.schema import AnyQuestion, AreaQuestion, ChoiceQuestion, MultiQuestion

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Arabic-Indic and Persian digits, the Arabic decimal separator, comma and semicolon.
_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "\u066b": ",",
        "\u060c": ",",
        "\u061b": ";",
    }
)
# Arabic as typed with or without vowel marks and hamza on alef (compared, never stored);
# the dot a Turkish capital İ leaves after casefold.
_ARABIC_MARKS = re.compile(r"[\u064b-\u065f\u0670\u0640\u0307]")
_ALEF = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627"})


def _words(*words: str) -> frozenset[str]:
    return frozenset(norm(word) for word in words)


def clean(text: str) -> str:
    """Text as stored: control characters (and NUL, which PostgreSQL refuses) removed."""
    return unicodedata.normalize("NFC", _CONTROL.sub("", text)).strip()


def digits(text: str) -> str:
    """``text`` with Arabic-Indic and Persian digits as 0-9 and the Arabic decimal separator,
    comma and semicolon as ``,`` and ``;``."""
    return text.translate(_DIGITS)


def norm(text: str) -> str:
    """Text compared as the resident meant it exactly: case, spacing and a closing . or !
    ignored; Arabic-Indic digits as 0-9, Arabic without its vowel marks."""
    folded = _ARABIC_MARKS.sub("", digits(clean(text).casefold())).translate(_ALEF)
    return " ".join(folded.rstrip(".!").split())


YES = _words(
    *("ja", "j", "yes", "y", "jazeker", "zeker", "jawel", "ok", "oké", "oke"),
    *("evet", "evt", "tamam", "olur", "elbette"),  # Turkish
    *("نعم", "أجل", "ايوه", "ايوا", "طبعا"),  # Arabic
)
NO = _words(
    *("nee", "n", "no", "nope", "neen"),
    *("hayır", "hayir", "yok", "olmaz"),
    *("لا", "كلا"),
)
BACK = _words(
    *("vorige", "terug", "back", "previous", "« vorige", "« back"),
    *("geri", "« geri", "önceki", "onceki", "geri dön", "geri don"),
    *("السابق", "« السابق", "رجوع", "ارجع", "عودة"),
)
OPINIONS = _words(
    *("weet ik niet", "weet niet", "weet het niet", "geen mening"),
    *("bilmiyorum", "fikrim yok"),
    *("لا أعرف", "لا ادري", "لا أدري", "ليس لدي رأي"),
)
SKIP = OPINIONS | _words(
    *("sla over", "overslaan", "skip"),
    "atla",
    *("تخط", "تخطى", "تخطي", "تجاوز"),
)
DONE = _words(
    *("klaar", "done", "klaar ✓", "done ✓"),
    *("tamam", "tamam ✓", "bitti", "bitir"),
    *("تم", "تم ✓", "انتهيت", "خلاص"),
)
#: The fewest characters (after :func:`loose`) that may name an option by its beginning.
MIN_PREFIX = 2

#: An option as typing may name it: its id and its labels (in every language).
Item = tuple[str, Sequence[str]]


def loose(text: str) -> str:
    """Text compared forgivingly: case, accents, punctuation and spacing ignored
    ("Weet niet / geen mening" reads as "weet niet geen mening")."""
    decomposed = unicodedata.normalize("NFKD", digits(clean(text).casefold()))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", bare).split())


def whole(text: str) -> int | None:
    text = text.strip()
    return int(text) if re.fullmatch(r"-?\d{1,9}", text) else None


# --- Options by what was typed ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Match:
    """What a typed text names among a question's options.

    ``ident``: the one option it names (None: none, or several); ``loose``: it was named
    otherwise than by its number or exact label, so the bot reads back what it recorded;
    ``candidates``: the options that fit equally well, to ask which one is meant.
    """

    ident: str | None = None
    loose: bool = False
    candidates: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        """Whether the text named one option or several (an answer, or a question back)."""
        return self.ident is not None or bool(self.candidates)


def _parts(label: str) -> list[str]:
    """The loose parts of a label split on "/": "weet niet", "geen mening"."""
    return [part for part in (loose(piece) for piece in label.split("/")) if part]


def _whole_label(key: str) -> Callable[[str, Sequence[str]], bool]:
    return lambda ident, labels: key == loose(ident) or any(key == loose(x) for x in labels)


def _a_part(key: str) -> Callable[[str, Sequence[str]], bool]:
    return lambda _, labels: any(key in _parts(x) for x in labels)


def _a_beginning(key: str) -> Callable[[str, Sequence[str]], bool]:
    def fits(_: str, labels: Sequence[str]) -> bool:
        return any(
            text.startswith(key) for label in labels for text in (loose(label), *_parts(label))
        )

    return fits


def match(text: str, items: Sequence[Item], *, prefix: bool = True) -> Match:
    """The option ``text`` names: its number, exact label (either language), then loosely:
    its id or whole label, one part of a label split on "/", and (``prefix``) a beginning of
    a label or part that fits one option only. At the first of these rules that any option
    fits, several fitting options are a question back (``candidates``)."""
    wanted = norm(text)
    number = whole(wanted)
    if number is not None:
        return Match(items[number - 1][0]) if 1 <= number <= len(items) else Match()
    for ident, labels in items:
        if any(wanted == norm(label) for label in labels):
            return Match(ident)
    key = loose(text)
    if not key:
        return Match()
    rules = [_whole_label(key), _a_part(key)]
    if prefix and len(key) >= MIN_PREFIX:
        rules.append(_a_beginning(key))
    for fits in rules:
        found = list(dict.fromkeys(ident for ident, labels in items if fits(ident, labels)))
        if len(found) == 1:
            return Match(found[0], loose=True)
        if found:
            return Match(candidates=tuple(found))
    return Match()


def by_label(text: str, items: Sequence[Item]) -> str | None:
    """An option id typed as its number, id or label in either language (a unique match)."""
    return match(text, items).ident


def items_of(question: AnyQuestion) -> list[Item]:
    """The options (or areas) of a closed question, as typing may name them."""
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        return [(o.id, tuple(o.label.translations.values())) for o in question.options]
    if isinstance(question, AreaQuestion):
        return [(a.id, tuple(a.label.translations.values())) for a in question.areas]
    return []


def is_label(question: AnyQuestion, word: str) -> bool:
    """Whether ``word`` names one or more of the question's options or areas by number, id,
    whole label or part of a label (not by a beginning: "terug" stays the word for back)."""
    return match(word, items_of(question), prefix=False).found


def only_numbers(word: str) -> bool:
    return bool(re.fullmatch(r"[\d,;\s]+", word))


# --- Numbers ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Number:
    """A typed number: its value (None: not a number) and how many digits it has after the
    decimal comma (trailing zeros not counted: "7,50" has 1)."""

    value: float | None
    digits: int = 0


_THOUSANDS = re.compile(r"-?\d{1,3}([.,])\d{3}(\1\d{3})*")
_NUMBER = re.compile(r"(-?\d{1,12})(?:[.,](\d{1,12}))?")


def number(word: str, places: int) -> Number:
    """A number typed with a decimal comma or point ("7,5", "7.5"). Where at most 2 digits
    may follow the comma, "1.000" and "1,000" are read as a thousand."""
    word = word.strip()
    if places < 3 and _THOUSANDS.fullmatch(word):
        word = re.sub(r"[.,]", "", word)
    found = _NUMBER.fullmatch(word)
    if not found:
        return Number(None)
    fraction = (found.group(2) or "").rstrip("0")
    return Number(float(f"{found.group(1)}.{fraction or '0'}"), len(fraction))
