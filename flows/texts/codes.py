"""Texts of invitation codes ("uitnodigingscodes"): what a resident hears when a code from a
letter works or does not, and what an administrator sees asking for codes (/codes)."""

from __future__ import annotations

TEXTS_CODES: dict[str, dict[str, str]] = {
    # Residents: a code typed or in a link (t.me/<bot>?start=<code>).
    "codes.ok": {
        "nl": "Je code klopt. Fijn dat je meedoet! Je antwoorden tellen mee in het onderzoek.",
    },
    "codes.ok@u": {
        "nl": "Uw code klopt. Fijn dat u meedoet! Uw antwoorden tellen mee in het onderzoek.",
    },
    "codes.used": {
        "nl": (
            "Deze code is al gebruikt. Elke code werkt maar één keer. Heb je de vragenlijst "
            "al ingevuld? Dan hoef je niets meer te doen. Bedankt!"
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
    },
    "codes.slow[other]": {
        "nl": (
            "Je hebt te vaak een code getypt die niet klopt. Wacht {count} minuten en probeer "
            "het dan opnieuw."
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
    },
    "admin.codes.unknown": {
        "nl": "Er is geen vragenlijst <code>{id}</code>. Kijk met /beheer welke er zijn.",
    },
    "admin.codes.not_open": {
        "nl": (
            "<code>{id}</code> is gesloten of gearchiveerd. Codes werken alleen zolang een "
            "vragenlijst open is (of nog open gaat)."
        ),
    },
    "admin.codes.made[one]": {
        "nl": (
            "{title}: {count} uitnodigingscode. Elke code werkt één keer, tot de vragenlijst "
            "sluit{until}. De bot bewaart de codes zelf niet: bewaar deze bestanden veilig en "
            "wis ze na het versturen van de brieven."
        ),
    },
    "admin.codes.made[other]": {
        "nl": (
            "{title}: {count} uitnodigingscodes. Elke code werkt één keer, tot de vragenlijst "
            "sluit{until}. De bot bewaart de codes zelf niet: bewaar deze bestanden veilig en "
            "wis ze na het versturen van de brieven."
        ),
    },
    "admin.codes.busy": {
        "nl": (
            "Ik maak {number} codes met hun QR-codes. Dat kan tot een minuut per 1.000 codes "
            "duren."
        ),
    },
    "admin.codes.no_invitations": {
        "nl": (
            "{title} is alleen voor de steekproef: wie een brief met een code kreeg. "
            "Uitnodigen via de bot kan daarom niet. Maak codes met /codes {id} en een aantal."
        ),
    },
    "admin.codes.until": {"nl": " (uiterlijk {date})"},
    "admin.codes.no_url": {
        "nl": (
            "Let op: de bot heeft geen openbaar adres (PUBLIC_URL), dus de CSV heeft geen "
            "persoonlijke webadressen. De QR-codes openen de Telegram-link."
        ),
    },
}
