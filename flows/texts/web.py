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
    "web.busy": {
        "nl": (
            "Er komen nu te veel bezoeken tegelijk van jouw netwerk. Wacht even en probeer "
            "het zo weer."
        ),
    },
    "web.busy@u": {
        "nl": (
            "Er komen nu te veel bezoeken tegelijk van uw netwerk. Wacht even en probeer "
            "het zo weer."
        ),
    },
    # A typed answer posted for a question that is no longer the current one (a form sent
    # again, or from another tab): nothing is stored, the current question follows.
    "web.stale": {
        "nl": (
            "Dit antwoord hoort bij een eerdere vraag. Ik heb het niet bewaard. "
            "Hier is de vraag waar je nu bent."
        ),
    },
    "web.stale@u": {
        "nl": (
            "Dit antwoord hoort bij een eerdere vraag. Ik heb het niet bewaard. "
            "Hier is de vraag waar u nu bent."
        ),
    },
    # The same in a deliberation: the vote or statement typed in a stale tab is not stored,
    # the statement shown now follows.
    "web.stale_statement": {
        "nl": (
            "Dit antwoord hoort bij een eerdere stelling. Ik heb het niet bewaard. "
            "Hier is de stelling waar je nu bent."
        ),
    },
    "web.stale_statement@u": {
        "nl": (
            "Dit antwoord hoort bij een eerdere stelling. Ik heb het niet bewaard. "
            "Hier is de stelling waar u nu bent."
        ),
    },
    "web.back": {"nl": "Terug naar de vragenlijst"},
    "web.embed": {
        "nl": "Zet deze vragenlijst op je eigen website",
    },
    "web.embed@u": {"nl": "Zet deze vragenlijst op uw eigen website"},
    # The link "Verder op een ander apparaat" (/praat/<id>/verder/<link>): it works a day,
    # and the browser that opens it is asked before it switches to that conversation.
    "web.elsewhere.expires": {"nl": "De link werkt één dag."},
    "web.continue.ask": {
        "nl": "Doorgaan met het gesprek van het andere apparaat?",
    },
    "web.continue.warn": {
        "nl": (
            "Heb je deze link niet zelf gemaakt? Kies dan Nee. "
            "Wie de link heeft gemaakt, kan zien wat je antwoordt."
        ),
    },
    "web.continue.warn@u": {
        "nl": (
            "Hebt u deze link niet zelf gemaakt? Kies dan Nee. "
            "Wie de link heeft gemaakt, kan zien wat u antwoordt."
        ),
    },
    "web.continue.own": {
        "nl": (
            "Op dit apparaat heb je al een eigen gesprek. "
            "Ga je verder, dan zie je dat gesprek hier niet meer."
        ),
    },
    "web.continue.own@u": {
        "nl": (
            "Op dit apparaat hebt u al een eigen gesprek. "
            "Gaat u verder, dan ziet u dat gesprek hier niet meer."
        ),
    },
    "web.continue.yes": {"nl": "Ja, ga verder"},
    "web.continue.no": {"nl": "Nee, niet doen"},
    "web.continue.invalid": {
        "nl": (
            "Deze link werkt niet (meer). Een link werkt één dag. "
            "Open de vragenlijst op je andere apparaat en maak daar een nieuwe link."
        ),
    },
    "web.continue.invalid@u": {
        "nl": (
            "Deze link werkt niet (meer). Een link werkt één dag. "
            "Open de vragenlijst op uw andere apparaat en maak daar een nieuwe link."
        ),
    },
    # --- the conversation's own words where the web door differs from Telegram: it keeps
    # no chat number, only one cookie and a code, and has no /instellingen ---------------
    "web.welcome": {
        "nl": (
            "Hallo! Ik ben de vragenbot van {municipality}. Met korte vragenlijsten hoort "
            "{municipality} wat jij vindt van plannen en regels in je buurt. Jouw mening telt: "
            "jij merkt als inwoner het beste of beleid werkt.\n\n"
            "<b>Wat we bewaren</b>\n"
            "We bewaren je antwoorden onder een code. We weten je naam niet. Deze pagina "
            "bewaart één cookie met een willekeurig nummer, zodat je later verder kunt. De "
            "teksten die je zelf typt, wissen we {retention} nadat een vragenlijst is "
            "gesloten. Meer lees je met /privacy.\n\n"
            "Doe je mee?"
        ),
    },
    "web.welcome@u": {
        "nl": (
            "Hallo! Ik ben de vragenbot van {municipality}. Met korte vragenlijsten hoort "
            "{municipality} wat u vindt van plannen en regels in uw buurt. Uw mening telt: u "
            "merkt als inwoner het beste of beleid werkt.\n\n"
            "<b>Wat we bewaren</b>\n"
            "We bewaren uw antwoorden onder een code. We weten uw naam niet. Deze pagina "
            "bewaart één cookie met een willekeurig nummer, zodat u later verder kunt. De "
            "teksten die u zelf typt, wissen we {retention} nadat een vragenlijst is "
            "gesloten. Meer leest u met /privacy.\n\n"
            "Doet u mee?"
        ),
    },
    "web.about_privacy": {
        "nl": (
            "<b>Privacy</b>\n"
            "<b>Wat we bewaren:</b> je antwoorden, de taal die je kiest en wanneer je "
            "antwoordde. We weten geen naam, e-mailadres of telefoonnummer. Je antwoorden "
            "staan onder een code. Die code maken we van het willekeurige nummer in de ene "
            "cookie van deze pagina. Je internetadres bewaren we niet: we houden het alleen "
            "even in het geheugen, om misbruik te remmen.\n"
            "<b>Waarom:</b> zodat {municipality} weet wat inwoners vinden van het beleid.\n"
            "<b>Hoe lang:</b> open antwoorden worden {retention} na het sluiten van een "
            "vragenlijst gewist. Cijfers blijven bewaard, zonder link naar jou. De cookie "
            "verloopt na 90 dagen.\n"
            "<b>Wie het ziet:</b> ambtenaren zien alleen totalen en citaten zonder namen.\n"
            "<b>Jouw rechten:</b> met /mijngegevens krijg je alles wat we over je bewaren. "
            "Met /vergeetmij wissen we je gegevens en trek je je toestemming in. Met /stop "
            "stop je met een vragenlijst. Vragen? Mail {contact}."
        ),
    },
    "web.about_privacy@u": {
        "nl": (
            "<b>Privacy</b>\n"
            "<b>Wat we bewaren:</b> uw antwoorden, de taal die u kiest en wanneer u "
            "antwoordde. We weten geen naam, e-mailadres of telefoonnummer. Uw antwoorden "
            "staan onder een code. Die code maken we van het willekeurige nummer in de ene "
            "cookie van deze pagina. Uw internetadres bewaren we niet: we houden het alleen "
            "even in het geheugen, om misbruik te remmen.\n"
            "<b>Waarom:</b> zodat {municipality} weet wat inwoners vinden van het beleid.\n"
            "<b>Hoe lang:</b> open antwoorden worden {retention} na het sluiten van een "
            "vragenlijst gewist. Cijfers blijven bewaard, zonder link naar u. De cookie "
            "verloopt na 90 dagen.\n"
            "<b>Wie het ziet:</b> ambtenaren zien alleen totalen en citaten zonder namen.\n"
            "<b>Uw rechten:</b> met /mijngegevens krijgt u alles wat we over u bewaren. Met "
            "/vergeetmij wissen we uw gegevens en trekt u uw toestemming in. Met /stop stopt u "
            "met een vragenlijst. Vragen? Mail {contact}."
        ),
    },
    "web.help_text": {
        "nl": (
            "<b>Zo werkt het</b>\n"
            "Ik stel je korte vragen over onderwerpen in je buurt. Tik op een knop of typ je "
            "antwoord.\n"
            "Soms is er een gesprek met stellingen. Dan zeg je of je het eens bent met korte "
            "stellingen. Je kunt ook zelf een stelling toevoegen. Zo'n gesprek open je met de "
            "link van de gemeente.\n\n"
            "/vragenlijsten – kies een vragenlijst\n"
            "/stop – stop met de vragenlijst of het gesprek (je antwoorden blijven bewaard)\n"
            "/resultaten – wat er met de antwoorden is gedaan\n"
            "/taal – kies je taal\n"
            "/privacy – wat we bewaren en waarom\n"
            "/mijngegevens – alles wat we over je bewaren\n"
            "/vergeetmij – wis je gegevens\n"
            "/help – deze uitleg"
        ),
    },
    "web.help_text@u": {
        "nl": (
            "<b>Zo werkt het</b>\n"
            "Ik stel u korte vragen over onderwerpen in uw buurt. Tik op een knop of typ uw "
            "antwoord.\n"
            "Soms is er een gesprek met stellingen. Dan zegt u of u het eens bent met korte "
            "stellingen. U kunt ook zelf een stelling toevoegen. Zo'n gesprek opent u met de "
            "link van de gemeente.\n\n"
            "/vragenlijsten – kies een vragenlijst\n"
            "/stop – stop met de vragenlijst of het gesprek (uw antwoorden blijven bewaard)\n"
            "/resultaten – wat er met de antwoorden is gedaan\n"
            "/taal – kies uw taal\n"
            "/privacy – wat we bewaren en waarom\n"
            "/mijngegevens – alles wat we over u bewaren\n"
            "/vergeetmij – wis uw gegevens\n"
            "/help – deze uitleg"
        ),
    },
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
