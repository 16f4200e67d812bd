"""Texts about typed answers beyond "that is not an answer": the read-back of an answer
typed loosely, the question back when several options fit, numbers with decimals and out
of range, and an option that stands alone. Dutch (B1); the other languages in flows/locales.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs.
"""

from __future__ import annotations

TEXTS_ANSWERS: dict[str, dict[str, str]] = {
    "hint.scale_decimals": {
        "nl": (
            "Tik op een cijfer, of typ een getal van {min} tot en met {max}, bijvoorbeeld "
            "{example}."
        ),
    },
    "invalid.ambiguous": {
        "nl": (
            "Ik weet niet welk antwoord je bedoelt met „{typed}”. Bedoel je een van deze?\n"
            "{choices}\n"
            "Tik op een knop, of typ het nummer."
        ),
    },
    "invalid.ambiguous@u": {
        "nl": (
            "Ik weet niet welk antwoord u bedoelt met „{typed}”. Bedoelt u een van deze?\n"
            "{choices}\n"
            "Tik op een knop, of typ het nummer."
        ),
    },
    "invalid.ambiguous_area": {
        "nl": (
            "Ik weet niet welke wijk je bedoelt met „{typed}”. Bedoel je een van deze?\n"
            "{choices}\n"
            "Tik op je wijk."
        ),
    },
    "invalid.ambiguous_area@u": {
        "nl": (
            "Ik weet niet welke wijk u bedoelt met „{typed}”. Bedoelt u een van deze?\n"
            "{choices}\n"
            "Tik op uw wijk."
        ),
    },
    "invalid.exclusive": {
        "nl": (
            "„{option}” kies je alleen, niet samen met andere antwoorden. Kies alleen "
            "„{option}”, of kies de andere antwoorden."
        ),
    },
    "invalid.exclusive@u": {
        "nl": (
            "„{option}” kiest u alleen, niet samen met andere antwoorden. Kies alleen "
            "„{option}”, of kies de andere antwoorden."
        ),
    },
    "invalid.scale_decimals": {
        "nl": (
            "Typ een getal van {min} tot en met {max}, bijvoorbeeld {example}. Of tik op een knop."
        ),
    },
    "invalid.scale_whole": {
        "nl": (
            "Hier kan alleen een heel getal, zonder komma. Typ een getal van {min} tot en met "
            "{max}, of tik op een knop."
        ),
    },
    "invalid.number_low": {
        "nl": "Dat getal is te laag. Typ een getal van {min} tot en met {max}.",
    },
    "invalid.number_high": {
        "nl": "Dat getal is te hoog. Typ een getal van {min} tot en met {max}.",
    },
    "invalid.decimals": {
        "nl": "Zoveel cijfers achter de komma kan niet. Typ bijvoorbeeld {example}.",
    },
    "noted": {"nl": "Genoteerd: {answer}"},
}
