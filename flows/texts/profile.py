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
        "en": (
            "<b>About you</b>\n"
            "Tell us once roughly how old you are and which neighbourhood you live in. Then we "
            "do not ask again in every questionnaire. It also shows the municipality whether "
            "it hears people from every neighbourhood and of every age. We keep an age group "
            "only, never your date of birth. You do not have to give anything.\n\n"
            "{current}\n\n"
            "Choose below. Or type /overmij with the 4 digits of your postcode, "
            "for example: /overmij 4108"
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
        "en": "What we know now:\n• Age: {age}\n• Neighbourhood: {wijk}",
    },
    "profile.unknown": {"nl": "niet gegeven", "en": "not given"},
    "profile.declined": {
        "nl": "Je hebt gekozen om dit niet te geven. Je kunt het altijd nog doen.",
        "en": "You chose not to give this. You can still do so at any time.",
    },
    "profile.declined@u": {
        "nl": "U hebt gekozen om dit niet te geven. U kunt het altijd nog doen.",
    },
    "profile.postcode": {"nl": "postcode {postcode}", "en": "postcode {postcode}"},
    "profile.age.15-24": {"nl": "15 tot 25 jaar", "en": "15 to 24"},
    "profile.age.25-44": {"nl": "25 tot 45 jaar", "en": "25 to 44"},
    "profile.age.45-64": {"nl": "45 tot 65 jaar", "en": "45 to 64"},
    "profile.age.65+": {"nl": "65 jaar of ouder", "en": "65 or older"},
    "profile.button.decline": {"nl": "Liever niet / wissen", "en": "Rather not / erase"},
    "profile.saved": {"nl": "Bewaard.", "en": "Saved."},
    "profile.erased": {
        "nl": "Gewist. We vragen het weer in de vragenlijsten zelf, en bewaren het niet.",
        "en": "Erased. The questionnaires will ask again, and we will not keep it.",
    },
    "profile.bad_postcode": {
        "nl": "Dat is geen postcode. Typ de 4 cijfers, bijvoorbeeld: /overmij 4108",
        "en": "That is not a postcode. Type the 4 digits, for example: /overmij 4108",
    },
    "profile.filled": {
        "nl": "{question} <i>{answer}</i> (uit /overmij)",
        "en": "{question} <i>{answer}</i> (from /overmij)",
    },
    "mydata.profile": {
        "nl": "• Over jou: leeftijd {age}, wijk {wijk}. Veranderen of wissen met /overmij.",
        "en": "• About you: age {age}, neighbourhood {wijk}. Change or erase with /overmij.",
    },
    "mydata.profile@u": {
        "nl": "• Over u: leeftijd {age}, wijk {wijk}. Veranderen of wissen met /overmij.",
    },
}
