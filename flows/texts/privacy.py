"""Texts for residents' rights (/privacy, /mijngegevens, /vergeetmij, retention): Dutch
(B1); the other languages in flows/locales.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs.
"""

from __future__ import annotations

TEXTS_PRIVACY: dict[str, dict[str, str]] = {
    # --- /mijngegevens ----------------------------------------------------------------------
    "mydata.none": {
        "nl": (
            "We bewaren niets over jou. Je doet nog niet mee, of je gegevens zijn gewist. "
            "Met /privacy lees je hoe we met gegevens omgaan."
        ),
    },
    "mydata.none@u": {
        "nl": (
            "We bewaren niets over u. U doet nog niet mee, of uw gegevens zijn gewist. Met "
            "/privacy leest u hoe we met gegevens omgaan."
        ),
    },
    "mydata.filename": {"nl": "mijngegevens.json"},
    "mydata.caption": {
        "nl": "Alles wat we over jou bewaren.",
    },
    "mydata.caption@u": {"nl": "Alles wat we over u bewaren."},
    "mydata.about": {
        "nl": (
            "Alle gegevens die de vragenbot van {municipality} over jou bewaart, op {date}. "
            "Je antwoorden staan onder een code, niet onder je naam of Telegram-nummer. "
            "Vragen? Mail {contact}."
        ),
    },
    "mydata.about@u": {
        "nl": (
            "Alle gegevens die de vragenbot van {municipality} over u bewaart, op {date}. Uw "
            "antwoorden staan onder een code, niet onder uw naam of Telegram-nummer. Vragen? "
            "Mail {contact}."
        ),
    },
    "mydata.summary": {
        "nl": (
            "<b>Dit bewaren we over jou</b>\n"
            "In het bestand hierboven staat alles. Kort gezegd:\n\n"
            "{lines}\n\n"
            "Wil je dat we dit wissen? Stuur /vergeetmij."
        ),
    },
    "mydata.summary@u": {
        "nl": (
            "<b>Dit bewaren we over u</b>\n"
            "In het bestand hierboven staat alles. Kort gezegd:\n\n"
            "{lines}\n\n"
            "Wilt u dat we dit wissen? Stuur /vergeetmij."
        ),
    },
    "mydata.code": {
        "nl": "• Je code: {code}. Dat is niet je naam en niet je Telegram-nummer.",
    },
    "mydata.code@u": {"nl": "• Uw code: {code}. Dat is niet uw naam en niet uw Telegram-nummer."},
    "mydata.language": {
        "nl": "• Taal: {language}. Je doet mee sinds {date}.",
    },
    "mydata.language@u": {"nl": "• Taal: {language}. U doet mee sinds {date}."},
    "mydata.consent.refused": {
        "nl": "• Taal: {language}. Je zei op {date} dat je niet wilt meedoen.",
    },
    "mydata.consent.refused@u": {
        "nl": ("• Taal: {language}. U zei op {date} dat u niet wilt meedoen."),
    },
    "mydata.contact.yes": {
        "nl": "• Je chatnummer, zodat we je een bericht kunnen sturen.",
    },
    "mydata.contact.yes@u": {"nl": "• Uw chatnummer, zodat we u een bericht kunnen sturen."},
    "mydata.contact.no": {
        "nl": "• Geen chatnummer: we kunnen je geen bericht sturen.",
    },
    "mydata.contact.no@u": {"nl": "• Geen chatnummer: we kunnen u geen bericht sturen."},
    "mydata.responses": {
        "nl": "• Vragenlijsten: {count}, waarvan {completed} helemaal ingevuld.",
    },
    "mydata.answers": {
        "nl": "• Antwoorden: {count}, waarvan {texts} in je eigen woorden.",
    },
    "mydata.answers@u": {"nl": "• Antwoorden: {count}, waarvan {texts} in uw eigen woorden."},
    "mydata.subscriptions": {
        "nl": (
            "• Onderwerpen waarover je berichten wilt krijgen: {count}. "
            "Aanpassen kan met /instellingen."
        ),
    },
    "mydata.subscriptions@u": {
        "nl": (
            "• Onderwerpen waarover u berichten wilt krijgen: {count}. Aanpassen kan met "
            "/instellingen."
        ),
    },
    "mydata.subscriptions.none": {
        "nl": "• Je krijgt geen berichten over uitkomsten of nieuwe vragenlijsten.",
    },
    "mydata.subscriptions.none@u": {
        "nl": ("• U krijgt geen berichten over uitkomsten of nieuwe vragenlijsten."),
    },
    "mydata.effects": {
        "nl": "• Antwoorden op de vraag of je iets merkt van een verandering: {count}.",
    },
    "mydata.effects@u": {
        "nl": ("• Antwoorden op de vraag of u iets merkt van een verandering: {count}."),
    },
    "mydata.language.nl": {"nl": "Nederlands"},
    "mydata.language.en": {"nl": "Engels"},
    # --- /vergeetmij ------------------------------------------------------------------------
    "forget.none": {
        "nl": "We bewaren niets over jou. Er is dus niets om te wissen.",
    },
    "forget.none@u": {"nl": "We bewaren niets over u. Er is dus niets om te wissen."},
    "forget.ask": {
        "nl": (
            "<b>Alles van jou wissen?</b>\n"
            "Dan wissen we:\n"
            "• je chatnummer\n"
            "• welke berichten je van ons wilt krijgen\n"
            "• de teksten die je zelf hebt getypt\n\n"
            "Je andere antwoorden blijven bestaan, maar zonder link naar jou. Zo kloppen de "
            "cijfers die {municipality} al heeft. Ben je bezig met een vragenlijst? Dan stopt "
            "die. Je trekt ook je toestemming in. Terugdraaien kan niet.\n\n"
            "Wil je eerst zien wat we bewaren? Stuur /mijngegevens."
        ),
    },
    "forget.ask@u": {
        "nl": (
            "<b>Alles van u wissen?</b>\n"
            "Dan wissen we:\n"
            "• uw chatnummer\n"
            "• welke berichten u van ons wilt krijgen\n"
            "• de teksten die u zelf hebt getypt\n\n"
            "Uw andere antwoorden blijven bestaan, maar zonder link naar u. Zo kloppen de "
            "cijfers die {municipality} al heeft. Bent u bezig met een vragenlijst? Dan stopt "
            "die. U trekt ook uw toestemming in. Terugdraaien kan niet.\n\n"
            "Wilt u eerst zien wat we bewaren? Stuur /mijngegevens."
        ),
    },
    "forget.yes": {"nl": "Ja, wis alles"},
    "forget.no": {"nl": "Nee, toch niet"},
    "forget.done": {
        "nl": (
            "Klaar. We hebben je gegevens gewist en je toestemming is ingetrokken. "
            "We weten nu niet meer wie je bent. Wil je later weer meedoen? Stuur dan /start."
        ),
    },
    "forget.done@u": {
        "nl": (
            "Klaar. We hebben uw gegevens gewist en uw toestemming is ingetrokken. We weten nu "
            "niet meer wie u bent. Wilt u later weer meedoen? Stuur dan /start."
        ),
    },
    "forget.cancelled": {
        "nl": "Goed, we wissen niets. Alles blijft zoals het was.",
    },
    "forget.already": {
        "nl": "Je gegevens zijn al gewist.",
    },
    "forget.already@u": {"nl": "Uw gegevens zijn al gewist."},
}
