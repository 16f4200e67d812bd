"""Texts for moderation of free text: /moderatie: Dutch (B1) and English.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs.
"""

from __future__ import annotations

TEXTS_MODERATION: dict[str, dict[str, str]] = {
    "moderation.left[one]": {
        "nl": "<b>Moderatie</b> · nog 1 tekst",
        "en": "<b>Moderation</b> · 1 text left",
    },
    "moderation.left[other]": {
        "nl": "<b>Moderatie</b> · nog {count} teksten",
        "en": "<b>Moderation</b> · {count} texts left",
    },
    "moderation.item": {
        "nl": "Vragenlijst: {title}\nVraag: {question}\nIngestuurd: {when}\n\n«{text}»",
        "en": "Questionnaire: {title}\nQuestion: {question}\nSent: {when}\n\n«{text}»",
    },
    "moderation.shortened": {
        "nl": "<i>(ingekort: de tekst is langer)</i>",
        "en": "<i>(shortened: the text is longer)</i>",
    },
    "moderation.rule": {
        "nl": (
            "<i>Alleen goedgekeurde teksten komen als citaat in het overzicht voor de "
            "ambtenaren. Alle teksten tellen mee in de aantallen.</i>"
        ),
        "en": (
            "<i>Only approved texts are quoted in the civil servants' digest. Every text "
            "counts in the numbers.</i>"
        ),
    },
    "moderation.why": {
        "nl": "<b>Waarom wijs je deze tekst af?</b>",
        "en": "<b>Why do you reject this text?</b>",
    },
    "moderation.approve": {"nl": "Goedkeuren", "en": "Approve"},
    "moderation.reject": {"nl": "Afwijzen", "en": "Reject"},
    "moderation.back": {"nl": "« Terug", "en": "« Back"},
    "moderation.reason.personal_data": {"nl": "Persoonsgegevens", "en": "Personal data"},
    "moderation.reason.offensive": {"nl": "Beledigend", "en": "Offensive"},
    "moderation.reason.off_topic": {"nl": "Niet ter zake", "en": "Off-topic"},
    "moderation.reason.spam": {"nl": "Spam", "en": "Spam"},
    "moderation.approved": {"nl": "✓ Goedgekeurd.", "en": "✓ Approved."},
    "moderation.rejected": {"nl": "✗ Afgewezen: {reason}.", "en": "✗ Rejected: {reason}."},
    "moderation.approved.short": {"nl": "Goedgekeurd", "en": "Approved"},
    "moderation.rejected.short": {"nl": "Afgewezen", "en": "Rejected"},
    "moderation.already": {
        "nl": "Die tekst was al beoordeeld door een andere beheerder.",
        "en": "That text had already been judged by another administrator.",
    },
    "moderation.already.short": {
        "nl": "Deze tekst is al beoordeeld.",
        "en": "This text has already been judged.",
    },
    "moderation.done": {
        "nl": "<b>Klaar!</b> Er wachten geen teksten meer op moderatie.",
        "en": "<b>Done!</b> No texts are waiting for moderation.",
    },
    "moderation.none": {
        "nl": "Er wachten geen teksten op moderatie.",
        "en": "No texts are waiting for moderation.",
    },
}
