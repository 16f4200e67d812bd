"""Texts for administrators: uploads, previews, /beheer, exports, access, the command menus:
Dutch (B1); English and the other languages in flows/locales.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs. The
validator's messages about a questionnaire file (:mod:`flows.texts.problems`) come with them.
"""

from __future__ import annotations

from flows.texts.problems import TEXTS_PROBLEMS

#: Added to the residents' commands in the administrators' own command menu, each described
#: by its text ``admin.menu.<command>``.
ADMIN_COMMANDS = (
    "beheer",
    "moderatie",
    "terugkoppeling",
    "uitnodigen",
    "export",
    "codes",
    "rapport",
    "publiceer",
)
#: The civil servants' group's command menu, each described by ``admin.menu.group.<command>``.
GROUP_COMMANDS = ("digest", "rapport", "help")

TEXTS_ADMIN: dict[str, dict[str, str]] = {
    # --- the command menus of administrators and of the civil servants' group --------------
    "admin.menu.beheer": {
        "nl": "Vragenlijsten en gesprekken beheren",
    },
    "admin.menu.moderatie": {
        "nl": "Open antwoorden en stellingen nakijken",
    },
    "admin.menu.terugkoppeling": {
        "nl": "Inwoners vertellen wat er met hun mening gebeurt",
    },
    "admin.menu.uitnodigen": {
        "nl": "Inwoners uitnodigen voor een vragenlijst",
    },
    "admin.menu.export": {
        "nl": "Antwoorden downloaden als CSV, Excel en SPSS",
    },
    "admin.menu.codes": {
        "nl": "Uitnodigingscodes maken voor een steekproef",
    },
    "admin.menu.rapport": {
        "nl": "Rapport voor de raad als Word-bestand",
    },
    "admin.menu.publiceer": {
        "nl": "Resultatenpagina openbaar maken",
    },
    "admin.menu.group.digest": {"nl": "Overzicht van wat nieuw is"},
    "admin.menu.group.rapport": {
        "nl": "Rapport voor de raad als Word-bestand",
    },
    "admin.menu.group.help": {"nl": "Uitleg over deze groep"},
    # --- uploads --------------------------------------------------------------------------
    "admin.upload.not_yaml": {
        "nl": (
            "Dit bestand kan ik niet gebruiken. Stuur een vragenlijst als YAML-bestand: "
            "de naam eindigt op .yaml of .yml."
        ),
    },
    "admin.upload.too_big": {
        "nl": "Dit bestand is te groot ({size} KB). Een vragenlijst is hoogstens {max} KB.",
    },
    "admin.upload.too_big.more": {
        "nl": "Dit bestand is te groot. Een vragenlijst is hoogstens {max} KB.",
    },
    "admin.upload.not_utf8": {
        "nl": "Dit bestand is geen UTF-8-tekst. Sla het op als UTF-8 en stuur het opnieuw.",
    },
    "admin.upload.download_failed": {
        "nl": "Het ophalen van het bestand lukte niet. Stuur het nog een keer.",
    },
    "admin.upload.check_failed": {
        "nl": "Het controleren van het bestand lukte niet. Stuur het nog een keer.",
    },
    "admin.upload.invalid": {
        "nl": (
            "<b>{file}</b> klopt nog niet. Er is niets opgeslagen. Los deze punten op en "
            "stuur het bestand opnieuw:\n\n{problems}"
        ),
    },
    "admin.upload.invalid.more": {
        "nl": "<b>{file}</b>, vervolg:\n\n{problems}",
    },
    "admin.full": {
        "nl": (
            "„{title}” ({id}) is vanzelf gesloten: er zijn {count} ingevulde reacties, het "
            "maximum dat in de vragenlijst staat (max_responses). Wie nog bezig is, mag "
            "afmaken. Weer openen kan met /beheer."
        ),
    },
    "admin.upload.problem": {
        "nl": "• regel {line}, <code>{field}</code>: {message}",
    },
    "admin.upload.problem.field": {
        "nl": "• <code>{field}</code>: {message}",
    },
    "admin.upload.problem.line": {
        "nl": "• regel {line}: {message}",
    },
    "admin.upload.problem.plain": {"nl": "• {message}"},
    "admin.more": {"nl": "… en nog {count}."},
    # --- where administrators act (bot.core.access) -------------------------------------
    "admin.private.button": {
        "nl": "Deze knop werkt alleen in je privégesprek met mij.",
    },
    "admin.private.command": {
        "nl": "Dit doe je in een privégesprek met mij. Stuur me daar het commando.",
    },
    # --- refusals (flows.lifecycle.Refused codes) ---------------------------------------
    "admin.refused.published": {
        "nl": (
            "Versie {version} van <code>{id}</code> is al gepubliceerd. Wil je iets "
            "veranderen? Verhoog dan <code>version</code> in het bestand."
        ),
    },
    "admin.refused.changed": {
        "nl": (
            "Versie {version} van <code>{id}</code> is al gepubliceerd, met een andere "
            "inhoud. Verhoog <code>version</code> in het bestand en stuur het opnieuw."
        ),
    },
    "admin.refused.older": {
        "nl": (
            "Versie {version} is ouder dan de gepubliceerde versie {live}. Gebruik een "
            "hoger versienummer."
        ),
    },
    "admin.refused.version": {
        "nl": "Dit versienummer is te groot. Gebruik hoogstens {max}.",
    },
    "admin.refused.replaced": {
        "nl": (
            "Er is intussen een nieuwer bestand met dit versienummer gestuurd. Gebruik de "
            "knoppen onder het nieuwste voorbeeld."
        ),
    },
    "admin.refused.gone": {
        "nl": "Dit concept bestaat niet meer.",
    },
    "admin.refused.unknown": {
        "nl": "Die vragenlijst ken ik niet.",
    },
    "admin.refused.unpublished": {
        "nl": "Deze vragenlijst is nog een concept. Publiceer hem eerst.",
    },
    "admin.refused.same": {
        "nl": "Dat is al gebeurd. Kijk nog eens in /beheer.",
    },
    "admin.refused.archived": {
        "nl": (
            "Deze vragenlijst is gearchiveerd. Dat is definitief. Wil je hem opnieuw "
            "gebruiken? Geef het bestand dan een nieuwe <code>id</code>."
        ),
    },
    "admin.refused.not_allowed": {
        "nl": "Dat kan nu niet. Sluit de vragenlijst eerst.",
    },
    "admin.refused.early": {
        "nl": (
            "Deze vragenlijst gaat vanzelf open op {date}. Wil je eerder beginnen? Stuur "
            "dan een nieuwe versie met een eerdere opens_at."
        ),
    },
    "admin.refused.past": {
        "nl": (
            "De sluitdatum is voorbij ({date}). Wil je hem weer openen? Stuur dan een "
            "nieuwe versie met een latere closes_at."
        ),
    },
    # --- preview --------------------------------------------------------------------------
    "admin.preview": {
        "nl": (
            "<b>Voorbeeld: {title}</b>\n{what}\n\n"
            "<b>Thema:</b> {theme}\n"
            "<b>Vragen:</b> {count} ({types})\n"
            "<b>Vertakkingen:</b> {branches}\n"
            "<b>Opent:</b> {opens}\n"
            "<b>Sluit:</b> {closes}{warning}\n\n"
            "Test de vragenlijst eerst zelf. Publiceer hem als alles klopt."
        ),
    },
    "admin.preview.new": {
        "nl": "Nieuwe vragenlijst <code>{id}</code>, versie {version}.",
    },
    "admin.preview.update": {
        "nl": (
            "Nieuwe versie {version} van <code>{id}</code>. Nu gepubliceerd: versie {live}. "
            "Wie al bezig is, maakt de oude versie af."
        ),
    },
    "admin.preview.replaced": {
        "nl": "Dit vervangt het vorige concept.",
    },
    "admin.preview.branches.none": {"nl": "geen"},
    "admin.preview.branch": {
        "nl": "• na <code>{question}</code>: {rules}",
    },
    "admin.preview.branch.many[one]": {
        "nl": "• na <code>{question}</code>: 1 regel, naar {targets}",
    },
    "admin.preview.branch.many[other]": {
        "nl": "• na <code>{question}</code>: {count} regels, naar {targets}",
    },
    "admin.preview.branch.count[one]": {
        "nl": "• na <code>{question}</code>: 1 regel",
    },
    "admin.preview.branch.count[other]": {
        "nl": "• na <code>{question}</code>: {count} regels",
    },
    "admin.preview.branch.rule": {
        "nl": "naar {goto} als {condition}",
    },
    "admin.preview.branch.otherwise": {"nl": "anders naar {goto}"},
    "admin.preview.branch.end": {"nl": "het einde"},
    "admin.preview.opens.now": {"nl": "meteen bij publiceren"},
    "admin.preview.closes.never": {"nl": "geen einddatum"},
    "admin.preview.warning.closed": {
        "nl": "\n⚠️ De sluitdatum is al voorbij. Na publiceren staat hij meteen dicht.",
    },
    "admin.preview.warning.not_yet": {
        "nl": "\nNa publiceren gaat hij vanzelf open op de startdatum.",
    },
    # --- the B1 check (flows.b1): in the preview and in `questionnaire validate` ----------
    "admin.preview.b1[one]": {
        "nl": "\n\n<b>Taal (B1):</b> 1 deel kan eenvoudiger.",
    },
    "admin.preview.b1[other]": {
        "nl": "\n\n<b>Taal (B1):</b> {count} delen kunnen eenvoudiger.",
    },
    "admin.preview.b1.part": {
        "nl": "⚠️ <code>{name}</code>: {findings}",
    },
    "admin.b1.head": {
        "nl": "Taalcheck B1 (Flesch-Douma: {easy} of hoger leest makkelijk):",
    },
    "admin.b1.part": {"nl": "  {name}: {findings}"},
    "admin.b1.ok": {"nl": "goed te lezen"},
    "admin.b1.score": {"nl": "score {score}"},
    "admin.b1.score.short": {
        "nl": "score {score} (korte tekst: de score zegt weinig)",
    },
    "admin.b1.hard_to_read": {
        "nl": "score {score}, moeilijk te lezen",
    },
    "admin.b1.long_sentences": {
        "nl": "lange zin ({words} woorden; liefst hoogstens {max})",
    },
    "admin.b1.long_words": {"nl": "lange woorden: {words}"},
    "admin.b1.difficult": {
        "nl": "moeilijke woorden: {words}",
    },
    "admin.button.test": {"nl": "Zelf testen"},
    "admin.button.publish": {"nl": "Publiceren"},
    "admin.button.cancel": {"nl": "Annuleren"},
    "admin.type.choice": {"nl": "keuze"},
    "admin.type.multi": {"nl": "meerdere keuzes"},
    "admin.type.scale": {"nl": "schaal"},
    "admin.type.yesno": {"nl": "ja/nee"},
    "admin.type.text": {"nl": "open tekst"},
    "admin.type.number": {"nl": "getal"},
    "admin.type.area": {"nl": "wijk"},
    # --- after the preview ----------------------------------------------------------------
    "admin.published.open": {
        "nl": (
            "✅ <b>{title}</b> (versie {version}) is gepubliceerd. Inwoners kunnen hem nu "
            "invullen."
        ),
    },
    "admin.published.scheduled": {
        "nl": (
            "✅ <b>{title}</b> (versie {version}) is gepubliceerd. Hij gaat open op {date}. "
            "Inwoners uitnodigen kan vanaf dan, met /uitnodigen {id}."
        ),
    },
    "admin.published.closed": {
        "nl": (
            "✅ <b>{title}</b> (versie {version}) is gepubliceerd. De sluitdatum is voorbij, "
            "dus hij staat dicht."
        ),
    },
    "admin.published.update": {
        "nl": (
            "✅ Versie {version} van <b>{title}</b> is gepubliceerd. Wie nu begint, krijgt "
            "versie {version}. Wie al bezig was, maakt versie {previous} af."
        ),
    },
    "admin.published.update.closed": {
        "nl": (
            "✅ Versie {version} van <b>{title}</b> is gepubliceerd. De vragenlijst is nog "
            "gesloten. Open hem in /beheer als inwoners weer mogen meedoen."
        ),
    },
    "admin.published.update.scheduled": {
        "nl": (
            "✅ Versie {version} van <b>{title}</b> is gepubliceerd. De vragenlijst gaat open "
            "op {date}."
        ),
    },
    "admin.cancelled": {
        "nl": "Geannuleerd. Het concept van <code>{id}</code> (versie {version}) is weg.",
    },
    "admin.test.start": {
        "nl": (
            "🧪 <b>Testmodus</b>: je vult <b>{title}</b> (versie {version}) zelf in. Je "
            "antwoorden tellen nergens mee. Publiceren doe je daarna met de knop bij het "
            "voorbeeld, of via /beheer."
        ),
    },
    "admin.test.short": {"nl": "Testmodus"},
    # --- /beheer --------------------------------------------------------------------------
    "admin.list": {
        "nl": "<b>Vragenlijsten</b>{pages}\n\n{items}\n\nKies een vragenlijst.",
    },
    "admin.list.pages": {"nl": " (blad {page} van {count})"},
    "admin.list.item": {
        "nl": (
            "<b>{title}</b> · {status}\n"
            "<code>{id}</code> · versie {version} · {done} klaar, {busy} bezig"
        ),
    },
    "admin.list.empty": {
        "nl": (
            "Er zijn nog geen vragenlijsten. Stuur een vragenlijst als YAML-bestand in dit "
            "gesprek om te beginnen."
        ),
    },
    "admin.status.draft": {"nl": "concept"},
    "admin.status.scheduled": {"nl": "gepland"},
    "admin.status.open": {"nl": "open"},
    "admin.status.closed": {"nl": "gesloten"},
    "admin.status.archived": {"nl": "gearchiveerd"},
    "admin.detail": {
        "nl": (
            "<b>{title}</b>\n<code>{id}</code> · versie {version}\n\n"
            "<b>Status:</b> {status}\n"
            "<b>Opent:</b> {opens} · <b>sluit:</b> {closes}\n"
            "<b>Geopend:</b> {opened} · <b>gesloten:</b> {closed}\n"
            "<b>Reacties:</b> {done} klaar, {busy} bezig{draft}"
        ),
    },
    "admin.detail.draft": {
        "nl": "\n\nEr is een concept: versie {version}, nog niet gepubliceerd.",
    },
    "admin.detail.none": {"nl": "–"},
    "admin.button.open": {"nl": "Openen"},
    "admin.button.close": {"nl": "Sluiten"},
    "admin.button.archive": {"nl": "Archiveren"},
    "admin.button.draft": {"nl": "Concept bekijken"},
    "admin.button.export": {"nl": "Exporteren"},
    "admin.button.back": {"nl": "« Terug"},
    "admin.button.previous": {"nl": "« Vorige"},
    "admin.button.next": {"nl": "Volgende »"},
    "admin.button.yes.close": {"nl": "Ja, sluiten"},
    "admin.button.yes.archive": {"nl": "Ja, archiveren"},
    "admin.button.no": {"nl": "Nee"},
    "admin.confirm.close": {
        "nl": (
            "Weet je zeker dat je <b>{title}</b> wilt sluiten? Daarna kan niemand meer "
            "beginnen. Wie nu bezig is, mag afmaken."
        ),
    },
    "admin.confirm.archive": {
        "nl": (
            "Weet je zeker dat je <b>{title}</b> wilt archiveren? Dat is definitief. Wie "
            "nog bezig is, kan niet meer verder."
        ),
    },
    "admin.done.open": {"nl": "Geopend."},
    "admin.done.close": {"nl": "Gesloten."},
    "admin.done.archive": {"nl": "Gearchiveerd."},
    # --- /export --------------------------------------------------------------------------
    "admin.export.usage": {
        "nl": (
            "Welke vragenlijst? Typ /export en de id, bijvoorbeeld: /export {example}\n\n{ids}"
        ),
    },
    "admin.export.none": {
        "nl": "Er is nog geen gepubliceerde vragenlijst om te exporteren.",
    },
    "admin.export.unknown": {
        "nl": "Die vragenlijst ken ik niet: <code>{id}</code>.\n\n{ids}",
    },
    "admin.export.caption[one]": {
        "nl": (
            "{title}: 1 reactie. Zonder namen of Telegram-nummers, datums per dag. "
            "Testantwoorden tellen niet mee."
        ),
    },
    "admin.export.caption[other]": {
        "nl": (
            "{title}: {count} reacties. Zonder namen of Telegram-nummers, datums per dag. "
            "Testantwoorden tellen niet mee."
        ),
    },
}

if TEXTS_ADMIN.keys() & TEXTS_PROBLEMS.keys():
    raise RuntimeError(f"text keys defined twice: {sorted(TEXTS_ADMIN.keys() & TEXTS_PROBLEMS)}")
TEXTS_ADMIN.update(TEXTS_PROBLEMS)
