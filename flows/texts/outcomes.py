"""Texts for opt-ins, /instellingen, invitations, /terugkoppeling, /resultaten and effect
checks: Dutch (B1); the other languages in flows/locales.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs. What
residents read is translated; what administrators read may stay Dutch (flows.texts.catalogs
``staff_only``: the /uitnodigen side is named in ``STAFF_KEYS``).
"""

from __future__ import annotations

TEXTS_OUTCOMES: dict[str, dict[str, str]] = {
    # --- residents: opting in at the end of a questionnaire --------------------------------
    "optin.offer": {
        "nl": (
            "<b>Op de hoogte blijven?</b>\n"
            "Tik aan wat je wilt. Je kunt het altijd veranderen met /instellingen."
        ),
    },
    "optin.offer@u": {
        "nl": (
            "<b>Op de hoogte blijven?</b>\n"
            "Tik aan wat u wilt. U kunt het altijd veranderen met /instellingen."
        ),
    },
    "optin.outcomes": {
        "nl": "Horen wat {municipality} ermee doet",
    },
    "optin.theme": {
        "nl": "Uitnodigingen over {theme}",
    },
    "optin.on": {
        "nl": "Aangezet. Je krijgt hierover een bericht.",
    },
    "optin.on@u": {"nl": "Aangezet. U krijgt hierover een bericht."},
    "optin.off": {
        "nl": "Uitgezet. Je krijgt hierover geen bericht meer.",
    },
    "optin.off@u": {"nl": "Uitgezet. U krijgt hierover geen bericht meer."},
    # --- residents: /instellingen ----------------------------------------------------------
    "instellingen.text": {
        "nl": (
            "<b>Je berichten</b>\n"
            "Tik op een regel om hem aan of uit te zetten. ✅ betekent: staat aan.\n\n"
            "<b>Uitkomsten</b>: wat {municipality} doet met een vragenlijst die je invulde.\n"
            "<b>Uitnodigingen</b>: een bericht als er een nieuwe vragenlijst is over een thema."
        ),
    },
    "instellingen.text@u": {
        "nl": (
            "<b>Uw berichten</b>\n"
            "Tik op een regel om hem aan of uit te zetten. ✅ betekent: staat aan.\n\n"
            "<b>Uitkomsten</b>: wat {municipality} doet met een vragenlijst die u invulde.\n"
            "<b>Uitnodigingen</b>: een bericht als er een nieuwe vragenlijst is over een thema."
        ),
    },
    "instellingen.outcomes": {"nl": "Uitkomsten: {title}"},
    "instellingen.theme": {"nl": "Uitnodigingen: {theme}"},
    "instellingen.empty": {
        "nl": "Er is nog niets om in te stellen. Vul eerst een vragenlijst in: /vragenlijsten.",
    },
    "instellingen.consent": {
        "nl": "Eerst even dit: doe je mee? Stuur /start.",
    },
    "instellingen.consent@u": {"nl": "Eerst even dit: doet u mee? Stuur /start."},
    # --- residents: /resultaten ------------------------------------------------------------
    "resultaten.title": {
        "nl": "<b>Wat er met je mening is gedaan</b>",
    },
    "resultaten.title@u": {"nl": "<b>Wat er met uw mening is gedaan</b>"},
    "resultaten.questionnaire": {
        "nl": "<b>{title}</b>\nStatus nu: {status}",
    },
    "resultaten.item": {
        "nl": "<i>{date} · {status}</i>\n{message}",
    },
    "resultaten.no_news": {
        "nl": "Nog geen nieuws.",
    },
    "resultaten.nothing": {
        "nl": (
            "Je hebt nog geen vragenlijst ingevuld. Kies er een met /vragenlijsten. "
            "Daarna lees je hier wat {municipality} met de antwoorden doet."
        ),
    },
    "resultaten.nothing@u": {
        "nl": (
            "U hebt nog geen vragenlijst ingevuld. Kies er een met /vragenlijsten. Daarna "
            "leest u hier wat {municipality} met de antwoorden doet."
        ),
    },
    "resultaten.more": {
        "nl": "<i>Oudere berichten passen hier niet meer.</i>",
    },
    "resultaten.hint": {
        "nl": "Een bericht krijgen als er nieuws is? Zet het aan met /instellingen.",
    },
    # --- outcome statuses ------------------------------------------------------------------
    "status.ontvangen": {"nl": "ontvangen"},
    "status.in_behandeling": {"nl": "in behandeling"},
    "status.besluit": {"nl": "besluit genomen"},
    "status.uitgevoerd": {"nl": "uitgevoerd"},
    # --- broadcasts residents receive ------------------------------------------------------
    "uitkomst.link": {
        "nl": "Alle uitkomsten op een rij: {url}",
    },
    "uitkomst.message": {
        "nl": (
            "<b>Nieuws over: {title}</b>\n"
            "Status: <b>{status}</b>\n\n"
            "{message}\n\n"
            "<i>Je krijgt dit bericht omdat je meedeed en op de hoogte wilde blijven. "
            "Alles teruglezen: /resultaten. Uitzetten: /instellingen.</i>"
        ),
    },
    "uitkomst.message@u": {
        "nl": (
            "<b>Nieuws over: {title}</b>\n"
            "Status: <b>{status}</b>\n\n"
            "{message}\n\n"
            "<i>U krijgt dit bericht omdat u meedeed en op de hoogte wilde blijven. Alles "
            "teruglezen: /resultaten. Uitzetten: /instellingen.</i>"
        ),
    },
    "uitnodiging.message": {
        "nl": (
            "<b>Nieuwe vragenlijst: {title}</b>\n\n"
            "{intro}\n\n"
            "<i>Je krijgt dit bericht omdat je uitnodigingen wilt over {theme}. "
            "Uitzetten: /instellingen.</i>"
        ),
    },
    "uitnodiging.message@u": {
        "nl": (
            "<b>Nieuwe vragenlijst: {title}</b>\n\n"
            "{intro}\n\n"
            "<i>U krijgt dit bericht omdat u uitnodigingen wilt over {theme}. Uitzetten: "
            "/instellingen.</i>"
        ),
    },
    "uitnodiging.button": {"nl": "Doe mee"},
    "effect.message": {
        "nl": (
            "<b>{title}</b>\n"
            "Een tijd geleden vertelde {municipality} je dit:\n<i>{excerpt}</i>\n\n"
            "<b>Merk je iets van deze verandering?</b>"
        ),
    },
    "effect.message@u": {
        "nl": (
            "<b>{title}</b>\n"
            "Een tijd geleden vertelde {municipality} u dit:\n"
            "<i>{excerpt}</i>\n\n"
            "<b>Merkt u iets van deze verandering?</b>"
        ),
    },
    "effect.ja": {"nl": "Ja"},
    "effect.een_beetje": {"nl": "Een beetje"},
    "effect.nee": {"nl": "Nee"},
    "effect.weet_niet": {"nl": "Weet ik niet"},
    "effect.thanks": {
        "nl": "Dank je! Je antwoord is opgeslagen. Je kunt het nog veranderen.",
    },
    "effect.thanks@u": {"nl": "Dank u! Uw antwoord is opgeslagen. U kunt het nog veranderen."},
    "effect.same": {
        "nl": "Dat antwoord had je al gegeven.",
    },
    "effect.same@u": {"nl": "Dat antwoord had u al gegeven."},
    # --- administrators: invitations (Dutch) -----------------------------------------------
    "uitnodiging.offer[one]": {
        "nl": (
            "<b>Uitnodigen?</b>\n"
            "1 inwoner wil uitnodigingen over <i>{theme}</i>. Die krijgt een bericht met een "
            "knop om <b>{title}</b> in te vullen."
        ),
    },
    "uitnodiging.offer[other]": {
        "nl": (
            "<b>Uitnodigen?</b>\n"
            "{count} inwoners willen uitnodigingen over <i>{theme}</i>. Zij krijgen een "
            "bericht met een knop om <b>{title}</b> in te vullen."
        ),
    },
    "uitnodiging.offer_none": {
        "nl": (
            "Nog niemand wil uitnodigingen over <i>{theme}</i> (of iedereen die dat wil, deed "
            "al mee). Er gaat dus geen uitnodiging uit."
        ),
    },
    "uitnodiging.yes": {"nl": "Uitnodigen ({count})"},
    "uitnodiging.no": {"nl": "Niet nu"},
    "uitnodiging.declined": {
        "nl": "Geen uitnodiging verstuurd. Later alsnog? Stuur /uitnodigen {id}",
    },
    "uitnodiging.already": {
        "nl": "Voor deze versie van {title} is al een uitnodiging verstuurd.",
    },
    "uitnodiging.not_open": {
        "nl": (
            "{title} staat nu niet open, dus uitnodigen kan nog niet. Stuur /uitnodigen {id} "
            "zodra de vragenlijst open is."
        ),
    },
    "uitnodiging.usage": {
        "nl": "Stuur /uitnodigen gevolgd door de id van een vragenlijst, bijvoorbeeld: {example}",
    },
    "uitnodiging.unknown": {
        "nl": "De vragenlijst {id} ken ik niet. Bestaande vragenlijsten: {ids}",
    },
    # --- administrators: /terugkoppeling (Dutch) -------------------------------------------
    "terugkoppeling.usage": {
        "nl": (
            "<b>Terugkoppeling</b>\n"
            "Vertel de deelnemers wat {municipality} met hun mening deed. Stuur "
            "/terugkoppeling gevolgd door de id van een vragenlijst.\n\n{list}"
        ),
    },
    "terugkoppeling.line": {"nl": "• {id}: {title} ({status})"},
    "terugkoppeling.unknown": {
        "nl": "De vragenlijst {id} ken ik niet. Stuur /terugkoppeling voor de lijst.",
    },
    "terugkoppeling.status": {
        "nl": (
            "<b>Terugkoppeling: {title}</b>\n"
            "Status nu: {status}\n\n"
            "Stap 1 van 3: kies de nieuwe status."
        ),
    },
    "terugkoppeling.chosen": {
        "nl": "<b>Terugkoppeling: {title}</b>\nNieuwe status: {status}",
    },
    "terugkoppeling.write_nl": {
        "nl": (
            "Stap 2 van 3: schrijf het bericht voor de inwoners, in het Nederlands. Kort en in "
            "gewone taal: wat is er met hun mening gedaan? (hoogstens {max} tekens)"
        ),
    },
    "terugkoppeling.write_en": {
        "nl": (
            "Stap 3 van 3: wil je er ook een Engelse vertaling bij doen? Inwoners die Engels "
            "kozen krijgen die. Stuur de Engelse tekst, of tik op Overslaan."
        ),
    },
    "terugkoppeling.skip": {"nl": "Overslaan"},
    "terugkoppeling.too_long": {
        "nl": "Dat zijn {length}; het mag hoogstens {max} zijn. Maak het korter.",
    },
    "terugkoppeling.too_short": {
        "nl": "Dat is wel erg kort. Schrijf een zin of twee.",
    },
    "terugkoppeling.preview": {"nl": "<b>Voorbeeld</b>: zo krijgt een inwoner het bericht."},
    "terugkoppeling.preview_en": {"nl": "<b>Voorbeeld in het Engels</b>:"},
    "terugkoppeling.confirm[one]": {
        "nl": (
            "Dit bericht gaat naar <b>1</b> inwoner die meedeed en op de hoogte wil blijven "
            "({english} in het Engels). De status wordt: {status}. Versturen?"
        ),
    },
    "terugkoppeling.confirm[other]": {
        "nl": (
            "Dit bericht gaat naar <b>{count}</b> inwoners die meededen en op de hoogte willen "
            "blijven ({english} van hen in het Engels). De status wordt: {status}. Versturen?"
        ),
    },
    "terugkoppeling.confirm_none": {
        "nl": (
            "Nog niemand die meedeed wil op de hoogte blijven. Het bericht wordt bewaard en "
            "inwoners lezen het met /resultaten. De status wordt: {status}. Opslaan?"
        ),
    },
    "terugkoppeling.waiting[one]": {
        "nl": "Op de website leest <b>1</b> inwoner het bij het volgende bezoek.",
    },
    "terugkoppeling.waiting[other]": {
        "nl": "Op de website lezen <b>{count}</b> inwoners het bij hun volgende bezoek.",
    },
    "terugkoppeling.confirm_web": {
        "nl": "Het bericht wordt bewaard. De status wordt: {status}. Opslaan?",
    },
    "terugkoppeling.send": {"nl": "Versturen"},
    "terugkoppeling.save": {"nl": "Opslaan"},
    "terugkoppeling.cancel": {"nl": "Annuleren"},
    "terugkoppeling.cancelled": {"nl": "Geannuleerd. Er is niets opgeslagen of verstuurd."},
    "terugkoppeling.expired": {
        "nl": "Dit gesprek is verlopen. Begin opnieuw met /terugkoppeling.",
    },
    "terugkoppeling.saved": {
        "nl": "<b>Terugkoppeling: {title}</b>\nOpgeslagen. De status is nu: {status}.",
    },
    # --- administrators: effect checks (Dutch) ---------------------------------------------
    "effectmeting.offer": {
        "nl": (
            "De status is nu <b>uitgevoerd</b>. Wil je de deelnemers over een paar weken vragen "
            "of ze iets merken van de verandering? Ze krijgen dan één vraag: "
            "‘Merk je iets van deze verandering?’"
        ),
    },
    "effectmeting.weeks": {"nl": "Over {weeks} weken"},
    "effectmeting.no": {"nl": "Niet"},
    "effectmeting.planned": {
        "nl": (
            "Ingepland: op {date} vragen we de deelnemers ‘Merk je iets van deze "
            "verandering?’ De antwoorden komen in de overzichten."
        ),
    },
    "effectmeting.declined": {"nl": "Geen effectmeting ingepland."},
    "effectmeting.already": {"nl": "Er is al een effectmeting ingepland."},
    # --- administrators: progress of a broadcast (Dutch) -----------------------------------
    "verzending.invitation": {"nl": "Uitnodiging: {title}"},
    "verzending.outcome": {"nl": "Terugkoppeling: {title}"},
    "verzending.effect_check": {"nl": "Effectmeting: {title}"},
    "verzending.progress": {"nl": "<b>{what}</b>\n{sent} van {total} verstuurd"},
    "verzending.done[one]": {
        "nl": (
            "<b>{what}</b>\nKlaar: 1 inwoner.\n"
            "Verstuurd: {sent}\nOnbereikbaar (bot geblokkeerd): {unreachable}\nMislukt: {failed}"
        ),
    },
    "verzending.done[other]": {
        "nl": (
            "<b>{what}</b>\nKlaar: {count} inwoners.\n"
            "Verstuurd: {sent}\nOnbereikbaar (bot geblokkeerd): {unreachable}\nMislukt: {failed}"
        ),
    },
    "verzending.interrupted[one]": {
        "nl": (
            "\n1 daarvan werd onderbroken door een herstart: misschien toch aangekomen, "
            "niet nog eens verstuurd."
        ),
    },
    "verzending.interrupted[other]": {
        "nl": (
            "\n{count} daarvan werden onderbroken door een herstart: misschien toch aangekomen, "
            "niet nog eens verstuurd."
        ),
    },
    "verzending.nobody": {"nl": "<b>{what}</b>\nEr is niemand om het naar te sturen."},
}
