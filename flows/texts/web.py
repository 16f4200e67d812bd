"""The web door's own words: the chat page around the conversation (its title, the typing
field, the links to the privacy commands, continuing on another device) and what the
page says when a form or a cookie cannot be used. The conversation itself says what it
says on Telegram (the rest of :mod:`flows.texts`)."""

from __future__ import annotations

TEXTS_WEB: dict[str, dict[str, str]] = {
    "web.title": {"nl": "{title} - praat mee", "en": "{title} - have your say"},
    "web.heading": {"nl": "Praat mee: {title}", "en": "Have your say: {title}"},
    "web.intro": {
        "nl": "Je beantwoordt de vragen hier in een chat. Je hebt geen account nodig.",
        "en": "You answer the questions here in a chat. You need no account.",
    },
    "web.intro@u": {
        "nl": "U beantwoordt de vragen hier in een chat. U hebt geen account nodig.",
    },
    "web.log": {"nl": "Gesprek", "en": "Conversation"},
    "web.bot": {"nl": "Vragenbot", "en": "Question bot"},
    "web.you": {"nl": "Jij", "en": "You"},
    "web.you@u": {"nl": "U"},
    "web.type": {"nl": "Typ je antwoord", "en": "Type your answer"},
    "web.type@u": {"nl": "Typ uw antwoord"},
    "web.send": {"nl": "Stuur", "en": "Send"},
    "web.menu": {"nl": "Meer", "en": "More"},
    "web.stop": {"nl": "Stoppen", "en": "Stop"},
    "web.help": {"nl": "Hulp", "en": "Help"},
    "web.language": {"nl": "Taal / Language", "en": "Language / Taal"},
    "web.privacy": {"nl": "Privacy", "en": "Privacy"},
    "web.mydata": {"nl": "Mijn gegevens", "en": "My data"},
    "web.forget": {"nl": "Vergeet mij", "en": "Forget me"},
    "web.download": {"nl": "Download: {name}", "en": "Download: {name}"},
    # The alt text of a question's picture when the questionnaire gives none (image_alt).
    "web.picture": {"nl": "Afbeelding bij deze vraag", "en": "Picture with this question"},
    "web.elsewhere": {
        "nl": "Verder op een ander apparaat",
        "en": "Continue on another device",
    },
    "web.elsewhere.how": {
        "nl": (
            "Open deze link op je andere apparaat. Deel hem met niemand: wie de link heeft, "
            "kan jouw antwoorden zien en aanpassen."
        ),
        "en": (
            "Open this link on your other device. Share it with nobody: whoever has the link "
            "can see and change your answers."
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
        "en": (
            "This page keeps one cookie: a random number, so that you can continue later. "
            "No tracking, no other websites."
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
        "en": "This questionnaire does not exist. Check the address.",
    },
    "web.other_questionnaire": {
        "nl": (
            "Dit bewijs van je sessie hoort bij een andere vragenlijst. Het werkt hier niet. "
            "Open de link van deze vragenlijst opnieuw om te beginnen."
        ),
        "en": (
            "This session belongs to another questionnaire. It does not work here. "
            "Open this questionnaire's link again to start."
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
        "en": (
            "This form has expired or does not come from this page. Nothing was saved. "
            "Open the page again and try once more."
        ),
    },
    "web.too_fast": {
        "nl": "Rustig aan! Je stuurt veel tegelijk. Wacht een minuut en probeer het dan opnieuw.",
        "en": "Easy there! You are sending a lot at once. Wait a minute and try again.",
    },
    "web.too_fast@u": {
        "nl": "Rustig aan! U stuurt veel tegelijk. Wacht een minuut en probeer het dan opnieuw.",
    },
    "web.back": {"nl": "Terug naar de vragenlijst", "en": "Back to the questionnaire"},
    "web.embed": {
        "nl": "Zet deze vragenlijst op je eigen website",
        "en": "Put this questionnaire on your own website",
    },
    "web.embed@u": {"nl": "Zet deze vragenlijst op uw eigen website"},
    # --- closing the loop on the web: the door reaches nobody unasked --------------------
    "web.optin": {
        "nl": (
            "<b>Op de hoogte blijven?</b>\n"
            "Wil je horen wat {municipality} ermee doet? Tik dan hieronder. "
            "Je leest het hier, als je deze pagina later weer opent."
        ),
        "en": (
            "<b>Stay informed?</b>\n"
            "Would you like to hear what {municipality} does with it? Tap below. "
            "You can read it here when you open this page again later."
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
        "en": (
            "<b>News about: {title}</b>\n"
            "Status: <b>{status}</b>\n\n"
            "{message}\n\n"
            "<i>You see this message because you took part and wanted to stay informed. "
            "Read everything again: /results.</i>"
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
