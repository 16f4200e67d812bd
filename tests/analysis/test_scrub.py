"""Personal data out of free text: what is removed, and ordinary text that stays."""

from __future__ import annotations

import pytest

from analysis.scrub import scrub

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
