"""Texts about the languages themselves: their names in /mijngegevens and the residents'
command menu (``menu.<Dutch command>``; the commands are :data:`flows.texts.COMMAND_NAMES`).
Dutch (B1); every other language in its catalog.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs.
"""

from __future__ import annotations

TEXTS_LANGUAGES: dict[str, dict[str, str]] = {
    "mydata.language.ar": {"nl": "Arabisch", "en": "Arabic"},
    "mydata.language.tr": {"nl": "Turks", "en": "Turkish"},
    # The residents' command menu (the Dutch command names, which every language can type).
    "menu.start": {
        "nl": "Beginnen of een vragenlijst kiezen",
        "en": "Start or choose a questionnaire",
    },
    "menu.vragenlijsten": {"nl": "Een vragenlijst kiezen", "en": "Choose a questionnaire"},
    "menu.stop": {
        "nl": "Stoppen met de vragenlijst of het gesprek",
        "en": "Stop the questionnaire or deliberation",
    },
    "menu.resultaten": {
        "nl": "Wat er met de antwoorden is gedaan",
        "en": "What was done with the answers",
    },
    "menu.instellingen": {
        "nl": "Berichten aan- of uitzetten",
        "en": "Messages you want to receive",
    },
    "menu.overmij": {
        "nl": "Leeftijd en wijk, één keer geven",
        "en": "Your age group and neighbourhood, given once",
    },
    "menu.taal": {"nl": "Taal kiezen", "en": "Choose your language"},
    "menu.privacy": {"nl": "Wat we bewaren en waarom", "en": "What we store and why"},
    "menu.mijngegevens": {
        "nl": "Alles zien wat we bewaren",
        "en": "See all data we keep about you",
    },
    "menu.vergeetmij": {"nl": "Gegevens laten wissen", "en": "Erase your data"},
    "menu.help": {"nl": "Uitleg", "en": "How it works"},
}
