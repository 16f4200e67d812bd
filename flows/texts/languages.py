"""Texts about the languages themselves: their names in /mijngegevens and the residents'
command menu (``menu.<Dutch command>``; the commands are :data:`flows.texts.COMMAND_NAMES`).
Dutch (B1); every other language in its catalog.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs.
"""

from __future__ import annotations

TEXTS_LANGUAGES: dict[str, dict[str, str]] = {
    "mydata.language.ar": {"nl": "Arabisch"},
    "mydata.language.tr": {"nl": "Turks"},
    # The residents' command menu (the Dutch command names, which every language can type).
    "menu.start": {
        "nl": "Beginnen of een vragenlijst kiezen",
    },
    "menu.vragenlijsten": {"nl": "Een vragenlijst kiezen"},
    "menu.stop": {
        "nl": "Stoppen met de vragenlijst of het gesprek",
    },
    "menu.resultaten": {
        "nl": "Wat er met de antwoorden is gedaan",
    },
    "menu.instellingen": {
        "nl": "Berichten aan- of uitzetten",
    },
    "menu.overmij": {
        "nl": "Leeftijd en wijk, één keer geven",
    },
    "menu.taal": {"nl": "Taal kiezen"},
    "menu.privacy": {"nl": "Wat we bewaren en waarom"},
    "menu.mijngegevens": {
        "nl": "Alles zien wat we bewaren",
    },
    "menu.vergeetmij": {"nl": "Gegevens laten wissen"},
    "menu.help": {"nl": "Uitleg"},
}
