"""Free text made fit for staff: invisible characters out (bidi controls that reorder what a
civil servant reads, zero-width ones that hide), while emoji and Arabic or Persian writing
stay whole; personal data out, also when invisible characters try to hide it; ordinary text
that stays."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from analysis.scrub import REMOVED, legible, scrub

# --- Personal data ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "secret",
    [
        # e-mail
        "jan.jansen@example.nl",
        "j_de-vries+gemeente@mail.example.co.uk",
        # phone numbers
        "0612345678",
        "06-12345678",
        "06 1234 5678",
        "06 12 34 56 78",
        "+31612345678",
        "+31 6 12345678",
        "+31 (0)6 1234 5678",
        "0031 6 12345678",
        "020-1234567",
        "(020) 123 4567",
        "0318-123456",
        "+32 470 12 34 56",
        # postcodes with (or without) a house number
        "1234 AB 12",
        "1234AB 12a",
        "1234 AB, 7-2",
        "4101 ab 3",
        "1234AB",
        "1234 AB",
        "1234ab",
        # IBAN
        "NL91ABNA0417164300",
        "NL91 ABNA 0417 1643 00",
        "nl91abna0417164300",
        "BE68539007547034",
        # BSN-like numbers
        "123456789",
        "123.456.789",
        "123 456 789",
        # links and handles
        "https://example.org/pad?x=1",
        "http://x.nl",
        "www.rivierstad.nl/afval",
        "rivierstad.nl",
        "mijn-site.com/profiel",
        "t.me/janjansen",
        "@jan_jansen",
    ],
)
def test_personal_data_is_removed(secret: str) -> None:
    text = f"Neem contact op via {secret} als het kan, dank je"
    scrubbed = scrub(text)
    assert secret not in scrubbed
    assert scrubbed == "Neem contact op via [verwijderd] als het kan, dank je"


def test_street_keeps_its_name_but_loses_the_house_number() -> None:
    assert scrub("Gevaarlijk bij Kerkstraat 12a en de Rijksweg 3") == (
        "Gevaarlijk bij Kerkstraat [verwijderd] en de Rijksweg [verwijderd]"
    )
    assert scrub("kruising Dorpsweg/Molenlaan") == "kruising Dorpsweg/Molenlaan"


@pytest.mark.parametrize(
    "harmless",
    [
        "Tussen 2023 en 2024 werd het slechter",
        "Het is 1000km rijden en 50 km/u is te hard",
        "Huisnummer nr12 deze week niet geleegd",
        "Op 01-02-2024 om 14:30 was het weer mis",
        "Dat kost 1.000.000 euro en 3 kinderen vallen bijna",
        "Bus 12 en lijn 300 rijden te hard",
        "Het centrum.Daarna ging het mis",
        "Score 8/10, prima!",
    ],
)
def test_ordinary_text_stays(harmless: str) -> None:
    assert scrub(harmless) == harmless


def test_scrub_collapses_whitespace() -> None:
    assert scrub("  een\n\ntwee\tdrie  ") == "een twee drie"


# --- Invisible characters ---------------------------------------------------------------------

ZWJ, ZWNJ = "\u200d", "\u200c"


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        # A right-to-left override shows "exe.gnp" as "png.exe"; a whole sentence moves.
        ("foto\u202eexe.gnp", "fotoexe.gnp"),
        ("Leg \u202ePOTS\u202c neer", "Leg POTS neer"),
        ("\u2066links\u2069 \u2067rechts\u2069 \u2068eerst\u2069", "links rechts eerst"),
        ("\u202aa\u202bb\u202cc\u202dd", "abcd"),
        ("mark\u200e\u200f\u061c", "mark"),
        # Zero-width and other invisible characters; a joiner inside a Latin word too.
        ("ver\u200bbor\u2060gen\ufeff\u00ad!", "verborgen!"),
        (f"a{ZWJ}b{ZWNJ}c", "abc"),
        ("\U000e0041\U000e0042 tags", " tags"),
        # Control characters: a terminal would obey them.
        ("kleur\x1b[31m rood\x07\x00", "kleur[31m rood"),
        ("regel\r\nregel\rregel\u2028regel\u2029regel\x85regel", "regel\n" * 5 + "regel"),
        ("tab\tblijft\nnieuwe regel ook", "tab\tblijft\nnieuwe regel ook"),
    ],
)
def test_invisible_characters_are_removed(typed: str, shown: str) -> None:
    assert legible(typed) == shown


@pytest.mark.parametrize(
    "written",
    [
        f"👨{ZWJ}👩{ZWJ}👧",  # a family
        f"🏳\ufe0f{ZWJ}🌈",  # rainbow flag
        f"👩🏽{ZWJ}💻",  # a technologist with a skin tone
        f"❤\ufe0f{ZWJ}🔥",
        f"🧑{ZWJ}⚕\ufe0f",
        "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",  # England
        "1\ufe0f\u20e3 keycap",
        f"می{ZWNJ}خواهم",  # Persian: "I want", with its ZWNJ
        f"کتاب{ZWNJ}ها",
        "مرحبا بالعالم ١٢٣",  # Arabic text and digits
        "\u0600\u0661\u0662",  # ARABIC NUMBER SIGN: a format character that shows
        f"क्{ZWJ}ष",  # Devanagari with a joiner
        "שלום עולם",
        "Gewone tekst, met leestekens: «ja» – ‘nee’?",
    ],
)
def test_emoji_and_writing_that_needs_joiners_stay_whole(written: str) -> None:
    assert legible(written) == written


def test_every_invisible_format_and_control_character_is_covered() -> None:
    """Against the Unicode database of this Python: every format character (Cf) but those
    that show, and every control character but newline and tab."""
    shows = {0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x0890, 0x0891}
    shows |= {0x08E2, 0x110BD, 0x110CD}
    left = [
        f"U+{point:04X}"
        for point in range(sys.maxunicode + 1)
        if (
            (unicodedata.category(chr(point)) == "Cf" and point not in shows)
            or (unicodedata.category(chr(point)) == "Cc" and chr(point) not in "\n\t")
        )
        and legible(f"a{chr(point)}b") not in ("ab", "a\nb")
    ]
    assert left == []


@pytest.mark.parametrize(
    "hidden",
    [
        "jan\u200b.jansen@exa\u2060mple.nl",
        "06\u200b1234\u200d5678",
        "1234\u200eAB 12",
        "NL91\u200bABNA0417164300",
    ],
)
def test_invisible_characters_hide_no_personal_data(hidden: str) -> None:
    assert scrub(f"Bel me: {hidden}") == f"Bel me: {REMOVED}"
