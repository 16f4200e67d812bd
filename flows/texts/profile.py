"""Texts of "about you, once" (/overmij): the short profile a resident gives once."""

from __future__ import annotations

TEXTS_PROFILE: dict[str, dict[str, str]] = {
    "profile.intro": {
        "nl": (
            "<b>Over jou</b>\n"
            "Vertel ons één keer hoe oud je ongeveer bent en in welke wijk je woont. Dan "
            "vragen we dat niet in elke vragenlijst opnieuw. Zo ziet de gemeente ook of ze "
            "mensen uit alle wijken en van alle leeftijden hoort. We bewaren alleen een "
            "leeftijdsgroep, nooit je geboortedatum. Je hoeft niets te geven.\n\n"
            "{current}\n\n"
            "Kies hieronder. Of typ /overmij met de 4 cijfers van je postcode, "
            "bijvoorbeeld: /overmij 4108"
        ),
    },
    "profile.intro@u": {
        "nl": (
            "<b>Over u</b>\n"
            "Vertel ons één keer hoe oud u ongeveer bent en in welke wijk u woont. Dan "
            "vragen we dat niet in elke vragenlijst opnieuw. Zo ziet de gemeente ook of ze "
            "mensen uit alle wijken en van alle leeftijden hoort. We bewaren alleen een "
            "leeftijdsgroep, nooit uw geboortedatum. U hoeft niets te geven.\n\n"
            "{current}\n\n"
            "Kies hieronder. Of typ /overmij met de 4 cijfers van uw postcode, "
            "bijvoorbeeld: /overmij 4108"
        ),
    },
    "profile.current": {
        "nl": "Wat we nu weten:\n• Leeftijd: {age}\n• Wijk: {wijk}",
    },
    "profile.unknown": {"nl": "niet gegeven"},
    "profile.declined": {
        "nl": "Je hebt gekozen om dit niet te geven. Je kunt het altijd nog doen.",
    },
    "profile.declined@u": {
        "nl": "U hebt gekozen om dit niet te geven. U kunt het altijd nog doen.",
    },
    "profile.postcode": {"nl": "postcode {postcode}"},
    "profile.age.15-24": {"nl": "15 tot 25 jaar"},
    "profile.age.25-44": {"nl": "25 tot 45 jaar"},
    "profile.age.45-64": {"nl": "45 tot 65 jaar"},
    "profile.age.65+": {"nl": "65 jaar of ouder"},
    "profile.button.decline": {"nl": "Liever niet / wissen"},
    "profile.saved": {"nl": "Bewaard."},
    "profile.erased": {
        "nl": "Gewist. We vragen het weer in de vragenlijsten zelf, en bewaren het niet.",
    },
    "profile.bad_postcode": {
        "nl": "Dat is geen postcode. Typ de 4 cijfers, bijvoorbeeld: /overmij 4108",
    },
    "profile.filled": {
        "nl": "{question} <i>{answer}</i> (uit /overmij)",
    },
    "mydata.profile": {
        "nl": "• Over jou: leeftijd {age}, wijk {wijk}. Veranderen of wissen met /overmij.",
    },
    "mydata.profile@u": {
        "nl": "• Over u: leeftijd {age}, wijk {wijk}. Veranderen of wissen met /overmij.",
    },
}
