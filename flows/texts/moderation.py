"""Texts for moderation of free text: /moderatie: Dutch (B1); English in flows/locales.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs.
"""

from __future__ import annotations

TEXTS_MODERATION: dict[str, dict[str, str]] = {
    "moderation.left[one]": {
        "nl": "<b>Moderatie</b> · nog 1 tekst",
    },
    "moderation.left[other]": {
        "nl": "<b>Moderatie</b> · nog {count} teksten",
    },
    "moderation.item": {
        "nl": "Vragenlijst: {title}\nVraag: {question}\nIngestuurd: {when}\n\n«{text}»",
    },
    "moderation.shortened": {
        "nl": "<i>(ingekort: de tekst is langer)</i>",
    },
    "moderation.rule": {
        "nl": (
            "<i>Alleen goedgekeurde teksten komen als citaat in het overzicht voor de "
            "ambtenaren. Alle teksten tellen mee in de aantallen.</i>"
        ),
    },
    "moderation.why": {
        "nl": "<b>Waarom wijs je deze tekst af?</b>",
    },
    "moderation.approve": {"nl": "Goedkeuren"},
    "moderation.reject": {"nl": "Afwijzen"},
    "moderation.back": {"nl": "« Terug"},
    "moderation.reason.personal_data": {"nl": "Persoonsgegevens"},
    "moderation.reason.offensive": {"nl": "Beledigend"},
    "moderation.reason.off_topic": {"nl": "Niet ter zake"},
    "moderation.reason.spam": {"nl": "Spam"},
    "moderation.approved": {"nl": "✓ Goedgekeurd."},
    "moderation.rejected": {"nl": "✗ Afgewezen: {reason}."},
    "moderation.approved.short": {"nl": "Goedgekeurd"},
    "moderation.rejected.short": {"nl": "Afgewezen"},
    "moderation.already": {
        "nl": "Die tekst was al beoordeeld door een andere beheerder.",
    },
    "moderation.already.short": {
        "nl": "Deze tekst is al beoordeeld.",
    },
    "moderation.done": {
        "nl": "<b>Klaar!</b> Er wachten geen teksten meer op moderatie.",
    },
    "moderation.none": {
        "nl": "Er wachten geen teksten op moderatie.",
    },
}
