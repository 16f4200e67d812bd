"""Texts about sending broadcasts: the cost and duration an administrator sees before
confirming (Dutch only, as every administrator's text).

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs.
"""

from __future__ import annotations

TEXTS_SENDING: dict[str, dict[str, str]] = {
    "verzending.estimate[one]": {
        "nl": (
            "\n\n<b>Duur en kosten</b> (1 bericht)\n"
            "Gewoon: ongeveer {free}, gratis.\n"
            "Betaald: ongeveer {paid}, {stars} Telegram Stars ({price} per bericht).\n"
            "Deze bot verstuurt <b>{mode}</b> (instelling <code>PAID_BROADCASTS</code>)."
        ),
    },
    "verzending.estimate[other]": {
        "nl": (
            "\n\n<b>Duur en kosten</b> ({count} berichten)\n"
            "Gewoon: ongeveer {free}, gratis.\n"
            "Betaald: ongeveer {paid}, {stars} Telegram Stars ({price} per bericht).\n"
            "Deze bot verstuurt <b>{mode}</b> (instelling <code>PAID_BROADCASTS</code>)."
        ),
    },
    "verzending.mode_free": {"nl": "gewoon"},
    "verzending.mode_paid": {"nl": "betaald"},
    "verzending.seconds[one]": {"nl": "1 seconde"},
    "verzending.seconds[other]": {"nl": "{count} seconden"},
    "verzending.minutes[one]": {"nl": "1 minuut"},
    "verzending.minutes[other]": {"nl": "{count} minuten"},
    "verzending.hours": {"nl": "{hours} uur en {minutes} minuten"},
}
