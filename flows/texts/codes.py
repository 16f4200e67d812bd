"""Texts of invitation codes ("uitnodigingscodes"): what a resident hears when a code from a
letter works or does not, and what an administrator sees asking for codes (/codes)."""

from __future__ import annotations

TEXTS_CODES: dict[str, dict[str, str]] = {
    # Residents: a code typed or in a link (t.me/<bot>?start=<code>).
    "codes.ok": {
        "nl": "Je code klopt. Fijn dat je meedoet! Je antwoorden tellen mee in het onderzoek.",
        "en": "Your code works. Thank you for taking part! Your answers count in the survey.",
    },
    "codes.ok@u": {
        "nl": "Uw code klopt. Fijn dat u meedoet! Uw antwoorden tellen mee in het onderzoek.",
    },
    "codes.used": {
        "nl": (
            "Deze code is al gebruikt. Elke code werkt maar één keer. Heb je de vragenlijst "
            "al ingevuld? Dan hoef je niets meer te doen. Bedankt!"
        ),
        "en": (
            "This code has been used already. Each code works only once. Did you fill in "
            "the questionnaire already? Then there is nothing more to do. Thank you!"
        ),
    },
    "codes.used@u": {
        "nl": (
            "Deze code is al gebruikt. Elke code werkt maar één keer. Heeft u de vragenlijst "
            "al ingevuld? Dan hoeft u niets meer te doen. Bedankt!"
        ),
    },
    "codes.expired": {
        "nl": (
            "Deze code is verlopen. Hij werkt niet meer. Je kunt de vragenlijst daarom niet "
            "meer met deze code invullen."
        ),
        "en": (
            "This code has expired. It no longer works, so you can no longer fill in the "
            "questionnaire with it."
        ),
    },
    "codes.expired@u": {
        "nl": (
            "Deze code is verlopen. Hij werkt niet meer. U kunt de vragenlijst daarom niet "
            "meer met deze code invullen."
        ),
    },
    "codes.closed": {
        "nl": (
            "De vragenlijst van deze code is gesloten. Je kunt hem niet meer invullen. "
            "Bedankt dat je wilde meedoen!"
        ),
        "en": (
            "The questionnaire of this code is closed. You can no longer fill it in. "
            "Thank you for wanting to take part!"
        ),
    },
    "codes.closed@u": {
        "nl": (
            "De vragenlijst van deze code is gesloten. U kunt hem niet meer invullen. "
            "Bedankt dat u wilde meedoen!"
        ),
    },
    "codes.wrong": {
        "nl": (
            "Deze code ken ik niet. Kijk nog eens goed naar de code in je brief. Een code "
            "heeft 10 tekens, zoals ABCD-EFGH-23. Er zit nooit een O, I, L, 0 of 1 in."
        ),
        "en": (
            "I do not know this code. Please look again at the code in your letter. A code "
            "has 10 characters, like ABCD-EFGH-23. It never has an O, I, L, 0 or 1."
        ),
    },
    "codes.wrong@u": {
        "nl": (
            "Deze code ken ik niet. Kijk nog eens goed naar de code in uw brief. Een code "
            "heeft 10 tekens, zoals ABCD-EFGH-23. Er zit nooit een O, I, L, 0 of 1 in."
        ),
    },
    "codes.slow[one]": {
        "nl": (
            "Je hebt te vaak een code getypt die niet klopt. Wacht {count} minuut en probeer "
            "het dan opnieuw."
        ),
        "en": (
            "You typed a code that does not work too often. Wait {count} minute and then "
            "try again."
        ),
    },
    "codes.slow[other]": {
        "nl": (
            "Je hebt te vaak een code getypt die niet klopt. Wacht {count} minuten en probeer "
            "het dan opnieuw."
        ),
        "en": (
            "You typed a code that does not work too often. Wait {count} minutes and then "
            "try again."
        ),
    },
    "codes.slow@u[one]": {
        "nl": (
            "U heeft te vaak een code getypt die niet klopt. Wacht {count} minuut en probeer "
            "het dan opnieuw."
        ),
    },
    "codes.slow@u[other]": {
        "nl": (
            "U heeft te vaak een code getypt die niet klopt. Wacht {count} minuten en probeer "
            "het dan opnieuw."
        ),
    },
    "codes.only": {
        "nl": (
            "Deze vragenlijst is alleen voor mensen die een brief met een code hebben "
            "gekregen. Heb je een brief? Typ dan de code uit de brief."
        ),
        "en": (
            "This questionnaire is only for people who got a letter with a code. Did you get "
            "a letter? Then type the code from the letter."
        ),
    },
    "codes.only@u": {
        "nl": (
            "Deze vragenlijst is alleen voor mensen die een brief met een code hebben "
            "gekregen. Heeft u een brief? Typ dan de code uit de brief."
        ),
    },
    # Administrators: /codes <questionnaire-id> <number>.
    "admin.codes.usage": {
        "nl": (
            "Zo maak je uitnodigingscodes voor een steekproef van adressen:\n"
            "<code>/codes &lt;vragenlijst&gt; &lt;aantal&gt;</code>, bijvoorbeeld "
            "<code>/codes {example} 1000</code> (1 tot en met {most}).\n"
            "Je krijgt een CSV voor de brieven, een PDF met QR-codes om te printen en de "
            "QR-codes als losse plaatjes (zip)."
        ),
        "en": (
            "To make invitation codes for a random sample of addresses:\n"
            "<code>/codes &lt;questionnaire&gt; &lt;number&gt;</code>, for example "
            "<code>/codes {example} 1000</code> (1 to {most}).\n"
            "You get a CSV for the letters, a PDF of QR codes to print and the QR codes as "
            "separate images (zip)."
        ),
    },
    "admin.codes.unknown": {
        "nl": "Er is geen vragenlijst <code>{id}</code>. Kijk met /beheer welke er zijn.",
        "en": "There is no questionnaire <code>{id}</code>. See /beheer for the list.",
    },
    "admin.codes.not_open": {
        "nl": (
            "<code>{id}</code> is gesloten of gearchiveerd. Codes werken alleen zolang een "
            "vragenlijst open is (of nog open gaat)."
        ),
        "en": (
            "<code>{id}</code> is closed or archived. Codes only work while a questionnaire "
            "is open (or still to open)."
        ),
    },
    "admin.codes.made[one]": {
        "nl": (
            "{title}: {count} uitnodigingscode. Elke code werkt één keer, tot de vragenlijst "
            "sluit{until}. De bot bewaart de codes zelf niet: bewaar deze bestanden veilig en "
            "wis ze na het versturen van de brieven."
        ),
        "en": (
            "{title}: {count} invitation code. Each code works once, until the questionnaire "
            "closes{until}. The bot does not keep the codes themselves: keep these files safe "
            "and delete them once the letters are sent."
        ),
    },
    "admin.codes.made[other]": {
        "nl": (
            "{title}: {count} uitnodigingscodes. Elke code werkt één keer, tot de vragenlijst "
            "sluit{until}. De bot bewaart de codes zelf niet: bewaar deze bestanden veilig en "
            "wis ze na het versturen van de brieven."
        ),
        "en": (
            "{title}: {count} invitation codes. Each code works once, until the questionnaire "
            "closes{until}. The bot does not keep the codes themselves: keep these files safe "
            "and delete them once the letters are sent."
        ),
    },
    "admin.codes.busy": {
        "nl": (
            "Ik maak {number} codes met hun QR-codes. Dat kan tot een minuut per 1.000 codes "
            "duren."
        ),
        "en": (
            "Making {number} codes with their QR codes. This takes about half a minute per 1,000."
        ),
    },
    "admin.codes.no_invitations": {
        "nl": (
            "{title} is alleen voor de steekproef: wie een brief met een code kreeg. "
            "Uitnodigen via de bot kan daarom niet. Maak codes met /codes {id} en een aantal."
        ),
        "en": (
            "{title} is for the random sample only: those who got a letter with a code. "
            "So inviting through the bot is not possible. Make codes with /codes {id} and a "
            "number."
        ),
    },
    "admin.codes.until": {"nl": " (uiterlijk {date})", "en": " (at the latest {date})"},
    "admin.codes.no_url": {
        "nl": (
            "Let op: de bot heeft geen openbaar adres (PUBLIC_URL), dus de CSV heeft geen "
            "persoonlijke webadressen. De QR-codes openen de Telegram-link."
        ),
        "en": (
            "Note: the bot has no public address (PUBLIC_URL), so the CSV has no personal "
            "web addresses. The QR codes open the Telegram link."
        ),
    },
}
