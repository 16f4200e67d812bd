"""Texts of the question shapes of issue 16 (grids, "anders, namelijk", ranking, dates):
how to answer them, what was wrong with an answer, and what the validator says about them.
Dutch (B1, with "u" twins); the other languages in flows/locales.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs.
"""

from __future__ import annotations

TEXTS_SHAPES: dict[str, dict[str, str]] = {
    # --- grid ---------------------------------------------------------------------------------
    "grid.position": {
        "nl": "Uitspraak {position} van {count}",
    },
    "hint.grid": {
        "nl": "Tik op een knop, of typ het nummer van je antwoord.",
    },
    "hint.grid@u": {"nl": "Tik op een knop, of typ het nummer van uw antwoord."},
    # --- "anders, namelijk" -------------------------------------------------------------------
    "shapes.other.question": {
        "nl": "Je koos „{option}”. Wat bedoel je? Schrijf het in een paar woorden.",
    },
    "shapes.other.question@u": {
        "nl": "U koos „{option}”. Wat bedoelt u? Schrijf het in een paar woorden.",
    },
    # --- ranking ------------------------------------------------------------------------------
    "hint.ranking": {
        "nl": (
            "Tik de antwoorden aan in volgorde: eerst wat je het belangrijkst vindt. Verkeerd "
            "getikt? Tik op Wis de laatste. Je kunt ook de nummers typen, bijvoorbeeld: 3 1 2"
        ),
    },
    "hint.ranking@u": {
        "nl": (
            "Tik de antwoorden aan in volgorde: eerst wat u het belangrijkst vindt. Verkeerd "
            "getikt? Tik op Wis de laatste. U kunt ook de nummers typen, bijvoorbeeld: 3 1 2"
        ),
    },
    "invalid.ranking": {
        "nl": (
            "Dat snap ik niet. Typ de nummers in je volgorde, bijvoorbeeld: 3 1 2. "
            "Gebruik elk nummer van 1 tot en met {max} één keer."
        ),
    },
    "invalid.ranking@u": {
        "nl": (
            "Dat snap ik niet. Typ de nummers in uw volgorde, bijvoorbeeld: 3 1 2. "
            "Gebruik elk nummer van 1 tot en met {max} één keer."
        ),
    },
    "invalid.ranking_twice": {
        "nl": (
            "Je noemde {number} twee keer. Elk antwoord krijgt één plek. Typ de nummers "
            "opnieuw, elk nummer één keer."
        ),
    },
    "invalid.ranking_twice@u": {
        "nl": (
            "U noemde {number} twee keer. Elk antwoord krijgt één plek. Typ de nummers "
            "opnieuw, elk nummer één keer."
        ),
    },
    "invalid.ranking_placed": {
        "nl": (
            "„{option}” heeft al plek {place}. Tik op een ander antwoord, of op Wis de laatste."
        ),
    },
    "invalid.ranking_empty": {
        "nl": "Er is nog niets om terug te zetten.",
    },
    "button.undo": {"nl": "↩ Wis de laatste"},
    "ranking.place": {"nl": "plek {place}"},
    # --- date ---------------------------------------------------------------------------------
    "hint.date": {
        "nl": "Typ een datum, bijvoorbeeld: 12 maart 2027, of 12-3-2027.",
    },
    "invalid.date": {
        "nl": (
            "Die datum begrijp ik niet. Typ de dag, de maand en het jaar, bijvoorbeeld: "
            "12 maart 2027, of 12-3-2027."
        ),
    },
    "invalid.date_range": {
        "nl": "{date} kan niet. Kies een datum van {earliest} tot en met {latest}.",
    },
    "invalid.date_weekday": {
        "nl": (
            "{date} is een {weekday}, geen {typed}. Welke datum bedoel je? Typ hem nog een keer."
        ),
    },
    "invalid.date_weekday@u": {
        "nl": (
            "{date} is een {weekday}, geen {typed}. Welke datum bedoelt u? Typ hem nog een keer."
        ),
    },
    # --- what staff read ----------------------------------------------------------------------
    "admin.type.grid": {"nl": "uitspraak (raster)"},
    "admin.type.ranking": {"nl": "volgorde"},
    "admin.type.date": {"nl": "datum"},
    # --- the validator ------------------------------------------------------------------------
    "problem.grid.items": {
        "nl": (
            "een grid heeft items: een lijst van 2 tot en met {max} uitspraken, elk met een id "
            "en een text"
        ),
    },
    "problem.other.type": {
        "nl": "other (anders, namelijk) kan alleen bij een choice- of multi-vraag",
    },
    "problem.other.bool": {
        "nl": "other is true, of laat het weg",
    },
    "problem.other.many": {
        "nl": "één optie per vraag kan other (anders, namelijk) zijn",
    },
    "problem.report.nps": {
        "nl": "report: nps hoort bij een schaal van 0 tot en met 10 (min: 0, max: 10)",
    },
    "problem.report.grade": {
        "nl": "report: grade (rapportcijfer) hoort bij een schaal tot en met 10 (max: 10)",
    },
    "problem.last.ranking": {
        "nl": (
            "last (blijft onderaan) kan niet bij een ranking: de inwoner zet alle opties zelf "
            "in volgorde"
        ),
    },
    "problem.date_bounds": {
        "nl": "earliest moet op of voor latest liggen",
    },
}
