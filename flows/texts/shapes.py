"""Texts of the question shapes of issue 16 (grids, "anders, namelijk", ranking, dates):
how to answer them, what was wrong with an answer, and what the validator says about them.
Dutch (B1, with "u" twins) and English.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs.
"""

from __future__ import annotations

TEXTS_SHAPES: dict[str, dict[str, str]] = {
    # --- grid ---------------------------------------------------------------------------------
    "grid.position": {
        "nl": "Uitspraak {position} van {count}",
        "en": "Statement {position} of {count}",
    },
    "hint.grid": {
        "nl": "Tik op een knop, of typ het nummer van je antwoord.",
        "en": "Tap a button, or type the number of your answer.",
    },
    "hint.grid@u": {"nl": "Tik op een knop, of typ het nummer van uw antwoord."},
    # --- "anders, namelijk" -------------------------------------------------------------------
    "shapes.other.question": {
        "nl": "Je koos „{option}”. Wat bedoel je? Schrijf het in een paar woorden.",
        "en": "You chose “{option}”. What do you mean? Write it in a few words.",
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
        "en": (
            "Tap the answers in order: first what matters most to you. Tapped the wrong one? "
            "Tap Undo the last. You can also type the numbers, for example: 3 1 2"
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
        "en": (
            "I don't understand. Type the numbers in your order, for example: 3 1 2. "
            "Use each number from 1 to {max} once."
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
        "en": (
            "You gave {number} twice. Each answer gets one place. Type the numbers again, "
            "each number once."
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
        "en": "“{option}” already has place {place}. Tap another answer, or Undo the last.",
    },
    "invalid.ranking_empty": {
        "nl": "Er is nog niets om terug te zetten.",
        "en": "There is nothing to undo yet.",
    },
    "button.undo": {"nl": "↩ Wis de laatste", "en": "↩ Undo the last"},
    "ranking.place": {"nl": "plek {place}", "en": "place {place}"},
    # --- date ---------------------------------------------------------------------------------
    "hint.date": {
        "nl": "Typ een datum, bijvoorbeeld: 12 maart 2027, of 12-3-2027.",
        "en": "Type a date, for example: 12 March 2027, or 12-3-2027.",
    },
    "invalid.date": {
        "nl": (
            "Die datum begrijp ik niet. Typ de dag, de maand en het jaar, bijvoorbeeld: "
            "12 maart 2027, of 12-3-2027."
        ),
        "en": (
            "I don't understand that date. Type the day, month and year, for example: "
            "12 March 2027, or 12-3-2027."
        ),
    },
    "invalid.date_range": {
        "nl": "{date} kan niet. Kies een datum van {earliest} tot en met {latest}.",
        "en": "{date} is not possible. Choose a date from {earliest} to {latest}.",
    },
    "invalid.date_weekday": {
        "nl": (
            "{date} is een {weekday}, geen {typed}. Welke datum bedoel je? Typ hem nog een keer."
        ),
        "en": "{date} is a {weekday}, not a {typed}. Which date do you mean? Type it again.",
    },
    "invalid.date_weekday@u": {
        "nl": (
            "{date} is een {weekday}, geen {typed}. Welke datum bedoelt u? Typ hem nog een keer."
        ),
    },
    # --- what staff read ----------------------------------------------------------------------
    "admin.type.grid": {"nl": "uitspraak (raster)", "en": "statement (grid)"},
    "admin.type.ranking": {"nl": "volgorde", "en": "ranking"},
    "admin.type.date": {"nl": "datum", "en": "date"},
    # --- the validator ------------------------------------------------------------------------
    "problem.grid.items": {
        "nl": (
            "een grid heeft items: een lijst van 2 tot en met {max} uitspraken, elk met een id "
            "en een text"
        ),
        "en": "a grid has items: a list of 2 to {max} statements, each with an id and a text",
    },
    "problem.other.type": {
        "nl": "other (anders, namelijk) kan alleen bij een choice- of multi-vraag",
        "en": "other (anders, namelijk) belongs on a choice or multi question only",
    },
    "problem.other.bool": {
        "nl": "other is true, of laat het weg",
        "en": "other is true, or leave it out",
    },
    "problem.other.many": {
        "nl": "één optie per vraag kan other (anders, namelijk) zijn",
        "en": "one option per question can be other (anders, namelijk)",
    },
    "problem.report.nps": {
        "nl": "report: nps hoort bij een schaal van 0 tot en met 10 (min: 0, max: 10)",
        "en": "report: nps belongs on a scale from 0 to 10 (min: 0, max: 10)",
    },
    "problem.report.grade": {
        "nl": "report: grade (rapportcijfer) hoort bij een schaal tot en met 10 (max: 10)",
        "en": "report: grade (a mark) belongs on a scale up to 10 (max: 10)",
    },
    "problem.last.ranking": {
        "nl": (
            "last (blijft onderaan) kan niet bij een ranking: de inwoner zet alle opties zelf "
            "in volgorde"
        ),
        "en": (
            "last (stays at the end) does not fit a ranking: the resident puts every option "
            "in order"
        ),
    },
    "problem.date_bounds": {
        "nl": "earliest moet op of voor latest liggen",
        "en": "earliest must be on or before latest",
    },
}
