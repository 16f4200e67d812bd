"""The web door's own words: the chat page around the conversation (its title, the typing
field, the links to the privacy commands, continuing on another device) and what the
page says when a form or a cookie cannot be used. The conversation itself says what it
says on Telegram (the rest of :mod:`flows.texts`)."""

from __future__ import annotations

TEXTS_WEB: dict[str, dict[str, str]] = {
    "web.title": {"nl": "{title} - praat mee"},
    "web.heading": {"nl": "Praat mee: {title}"},
    "web.intro": {
        "nl": "Je beantwoordt de vragen hier in een chat. Je hebt geen account nodig.",
    },
    "web.intro@u": {
        "nl": "U beantwoordt de vragen hier in een chat. U hebt geen account nodig.",
    },
    "web.log": {"nl": "Gesprek"},
    "web.bot": {"nl": "Vragenbot"},
    "web.you": {"nl": "Jij"},
    "web.you@u": {"nl": "U"},
    "web.type": {"nl": "Typ je antwoord"},
    "web.type@u": {"nl": "Typ uw antwoord"},
    "web.send": {"nl": "Stuur"},
    "web.menu": {"nl": "Meer"},
    "web.stop": {"nl": "Stoppen"},
    "web.help": {"nl": "Hulp"},
    "web.language": {"nl": "Taal / Language"},
    "web.privacy": {"nl": "Privacy"},
    "web.mydata": {"nl": "Mijn gegevens"},
    "web.forget": {"nl": "Vergeet mij"},
    "web.download": {"nl": "Download: {name}"},
    # The alt text of a question's picture when the questionnaire gives none (image_alt).
    "web.picture": {"nl": "Afbeelding bij deze vraag"},
    "web.elsewhere": {
        "nl": "Verder op een ander apparaat",
    },
    "web.elsewhere.how": {
        "nl": (
            "Open deze link op je andere apparaat. Deel hem met niemand: wie de link heeft, "
            "kan jouw antwoorden zien en aanpassen."
        ),
    },
    "web.elsewhere.how@u": {
        "nl": (
            "Open deze link op uw andere apparaat. Deel hem met niemand: wie de link heeft, "
            "kan uw antwoorden zien en aanpassen."
        ),
    },
    "web.cookie": {
        "nl": (
            "Deze pagina bewaart één cookie: een willekeurig nummer, zodat je later verder "
            "kunt. Geen tracking, geen andere websites."
        ),
    },
    "web.cookie@u": {
        "nl": (
            "Deze pagina bewaart één cookie: een willekeurig nummer, zodat u later verder "
            "kunt. Geen tracking, geen andere websites."
        ),
    },
    "web.unknown": {
        "nl": "Deze vragenlijst bestaat niet. Kijk of het adres klopt.",
    },
    "web.other_questionnaire": {
        "nl": (
            "Dit bewijs van je sessie hoort bij een andere vragenlijst. Het werkt hier niet. "
            "Open de link van deze vragenlijst opnieuw om te beginnen."
        ),
    },
    "web.other_questionnaire@u": {
        "nl": (
            "Dit bewijs van uw sessie hoort bij een andere vragenlijst. Het werkt hier niet. "
            "Open de link van deze vragenlijst opnieuw om te beginnen."
        ),
    },
    "web.forged": {
        "nl": (
            "Dit formulier is verlopen of komt niet van deze pagina. Er is niets opgeslagen. "
            "Open de pagina opnieuw en probeer het nog een keer."
        ),
    },
    "web.too_fast": {
        "nl": "Rustig aan! Je stuurt veel tegelijk. Wacht een minuut en probeer het dan opnieuw.",
    },
    "web.too_fast@u": {
        "nl": "Rustig aan! U stuurt veel tegelijk. Wacht een minuut en probeer het dan opnieuw.",
    },
    "web.back": {"nl": "Terug naar de vragenlijst"},
    "web.embed": {
        "nl": "Zet deze vragenlijst op je eigen website",
    },
    "web.embed@u": {"nl": "Zet deze vragenlijst op uw eigen website"},
    # --- closing the loop on the web: the door reaches nobody unasked --------------------
    "web.optin": {
        "nl": (
            "<b>Op de hoogte blijven?</b>\n"
            "Wil je horen wat {municipality} ermee doet? Tik dan hieronder. "
            "Je leest het hier, als je deze pagina later weer opent."
        ),
    },
    "web.optin@u": {
        "nl": (
            "<b>Op de hoogte blijven?</b>\n"
            "Wilt u horen wat {municipality} ermee doet? Tik dan hieronder. "
            "U leest het hier, als u deze pagina later weer opent."
        ),
    },
    "web.outcome": {
        "nl": (
            "<b>Nieuws over: {title}</b>\n"
            "Status: <b>{status}</b>\n\n"
            "{message}\n\n"
            "<i>Je ziet dit bericht omdat je meedeed en op de hoogte wilde blijven. "
            "Alles teruglezen: /resultaten.</i>"
        ),
    },
    "web.outcome@u": {
        "nl": (
            "<b>Nieuws over: {title}</b>\n"
            "Status: <b>{status}</b>\n\n"
            "{message}\n\n"
            "<i>U ziet dit bericht omdat u meedeed en op de hoogte wilde blijven. "
            "Alles teruglezen: /resultaten.</i>"
        ),
    },
}
