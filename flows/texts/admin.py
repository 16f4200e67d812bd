# Over 500 lines on purpose: it is a catalog, every text in Dutch and English.
"""Texts for administrators: uploads, previews, /beheer, exports, access: Dutch (B1) and English.

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
        "en": "Manage questionnaires and deliberations",
    },
    "admin.menu.moderatie": {
        "nl": "Open antwoorden en stellingen nakijken",
        "en": "Review written answers and statements",
    },
    "admin.menu.terugkoppeling": {
        "nl": "Inwoners vertellen wat er met hun mening gebeurt",
        "en": "Tell residents what happened with their opinion",
    },
    "admin.menu.uitnodigen": {
        "nl": "Inwoners uitnodigen voor een vragenlijst",
        "en": "Invite residents to a questionnaire",
    },
    "admin.menu.export": {
        "nl": "Antwoorden downloaden als CSV, Excel en SPSS",
        "en": "Download answers as CSV, Excel and SPSS",
    },
    "admin.menu.codes": {
        "nl": "Uitnodigingscodes maken voor een steekproef",
        "en": "Make invitation codes for a random sample",
    },
    "admin.menu.rapport": {
        "nl": "Rapport voor de raad als Word-bestand",
        "en": "Report for the council as a Word file",
    },
    "admin.menu.publiceer": {
        "nl": "Resultatenpagina openbaar maken",
        "en": "Publish the results page",
    },
    "admin.menu.group.digest": {"nl": "Overzicht van wat nieuw is", "en": "Digest of what is new"},
    "admin.menu.group.rapport": {
        "nl": "Rapport voor de raad als Word-bestand",
        "en": "Report for the council as a Word file",
    },
    "admin.menu.group.help": {"nl": "Uitleg over deze groep", "en": "About this group"},
    # --- uploads --------------------------------------------------------------------------
    "admin.upload.not_yaml": {
        "nl": (
            "Dit bestand kan ik niet gebruiken. Stuur een vragenlijst als YAML-bestand: "
            "de naam eindigt op .yaml of .yml."
        ),
        "en": (
            "I cannot use this file. Send a questionnaire as a YAML file: its name ends "
            "in .yaml or .yml."
        ),
    },
    "admin.upload.too_big": {
        "nl": "Dit bestand is te groot ({size} KB). Een vragenlijst is hoogstens {max} KB.",
        "en": "This file is too large ({size} KB). A questionnaire is at most {max} KB.",
    },
    "admin.upload.too_big.more": {
        "nl": "Dit bestand is te groot. Een vragenlijst is hoogstens {max} KB.",
        "en": "This file is too large. A questionnaire is at most {max} KB.",
    },
    "admin.upload.not_utf8": {
        "nl": "Dit bestand is geen UTF-8-tekst. Sla het op als UTF-8 en stuur het opnieuw.",
        "en": "This file is not UTF-8 text. Save it as UTF-8 and send it again.",
    },
    "admin.upload.download_failed": {
        "nl": "Het ophalen van het bestand lukte niet. Stuur het nog een keer.",
        "en": "I could not fetch the file. Please send it again.",
    },
    "admin.upload.check_failed": {
        "nl": "Het controleren van het bestand lukte niet. Stuur het nog een keer.",
        "en": "I could not check the file. Please send it again.",
    },
    "admin.upload.invalid": {
        "nl": (
            "<b>{file}</b> klopt nog niet. Er is niets opgeslagen. Los deze punten op en "
            "stuur het bestand opnieuw:\n\n{problems}"
        ),
        "en": (
            "<b>{file}</b> is not right yet. Nothing was stored. Fix these points and send "
            "the file again:\n\n{problems}"
        ),
    },
    "admin.upload.invalid.more": {
        "nl": "<b>{file}</b>, vervolg:\n\n{problems}",
        "en": "<b>{file}</b>, continued:\n\n{problems}",
    },
    "admin.full": {
        "nl": (
            "„{title}” ({id}) is vanzelf gesloten: er zijn {count} ingevulde reacties, het "
            "maximum dat in de vragenlijst staat (max_responses). Wie nog bezig is, mag "
            "afmaken. Weer openen kan met /beheer."
        ),
        "en": (
            "“{title}” ({id}) closed itself: it has {count} completed responses, the maximum "
            "its file sets (max_responses). Residents still answering may finish. Reopen it "
            "with /beheer."
        ),
    },
    "admin.upload.problem": {
        "nl": "• regel {line}, <code>{field}</code>: {message}",
        "en": "• line {line}, <code>{field}</code>: {message}",
    },
    "admin.upload.problem.field": {
        "nl": "• <code>{field}</code>: {message}",
        "en": "• <code>{field}</code>: {message}",
    },
    "admin.upload.problem.line": {
        "nl": "• regel {line}: {message}",
        "en": "• line {line}: {message}",
    },
    "admin.upload.problem.plain": {"nl": "• {message}", "en": "• {message}"},
    "admin.more": {"nl": "… en nog {count}.", "en": "… and {count} more."},
    # --- where administrators act (bot.core.access) -------------------------------------
    "admin.private.button": {
        "nl": "Deze knop werkt alleen in je privégesprek met mij.",
        "en": "This button only works in your private chat with me.",
    },
    "admin.private.command": {
        "nl": "Dit doe je in een privégesprek met mij. Stuur me daar het commando.",
        "en": "You do this in a private chat with me. Send me the command there.",
    },
    # --- refusals (flows.lifecycle.Refused codes) ---------------------------------------
    "admin.refused.published": {
        "nl": (
            "Versie {version} van <code>{id}</code> is al gepubliceerd. Wil je iets "
            "veranderen? Verhoog dan <code>version</code> in het bestand."
        ),
        "en": (
            "Version {version} of <code>{id}</code> is already published. To change it, "
            "raise <code>version</code> in the file."
        ),
    },
    "admin.refused.changed": {
        "nl": (
            "Versie {version} van <code>{id}</code> is al gepubliceerd, met een andere "
            "inhoud. Verhoog <code>version</code> in het bestand en stuur het opnieuw."
        ),
        "en": (
            "Version {version} of <code>{id}</code> is already published, with other "
            "content. Raise <code>version</code> in the file and send it again."
        ),
    },
    "admin.refused.older": {
        "nl": (
            "Versie {version} is ouder dan de gepubliceerde versie {live}. Gebruik een "
            "hoger versienummer."
        ),
        "en": (
            "Version {version} is older than the published version {live}. Use a higher "
            "version number."
        ),
    },
    "admin.refused.version": {
        "nl": "Dit versienummer is te groot. Gebruik hoogstens {max}.",
        "en": "This version number is too large. Use at most {max}.",
    },
    "admin.refused.replaced": {
        "nl": (
            "Er is intussen een nieuwer bestand met dit versienummer gestuurd. Gebruik de "
            "knoppen onder het nieuwste voorbeeld."
        ),
        "en": (
            "A newer file with this version number was sent meanwhile. Use the buttons "
            "under the newest preview."
        ),
    },
    "admin.refused.gone": {
        "nl": "Dit concept bestaat niet meer.",
        "en": "This draft no longer exists.",
    },
    "admin.refused.unknown": {
        "nl": "Die vragenlijst ken ik niet.",
        "en": "I don't know that questionnaire.",
    },
    "admin.refused.unpublished": {
        "nl": "Deze vragenlijst is nog een concept. Publiceer hem eerst.",
        "en": "This questionnaire is still a draft. Publish it first.",
    },
    "admin.refused.same": {
        "nl": "Dat is al gebeurd. Kijk nog eens in /beheer.",
        "en": "That has already happened. Look again in /beheer.",
    },
    "admin.refused.archived": {
        "nl": (
            "Deze vragenlijst is gearchiveerd. Dat is definitief. Wil je hem opnieuw "
            "gebruiken? Geef het bestand dan een nieuwe <code>id</code>."
        ),
        "en": (
            "This questionnaire is archived. That is final. To use it again, give the file "
            "a new <code>id</code>."
        ),
    },
    "admin.refused.not_allowed": {
        "nl": "Dat kan nu niet. Sluit de vragenlijst eerst.",
        "en": "That is not possible now. Close the questionnaire first.",
    },
    "admin.refused.early": {
        "nl": (
            "Deze vragenlijst gaat vanzelf open op {date}. Wil je eerder beginnen? Stuur "
            "dan een nieuwe versie met een eerdere opens_at."
        ),
        "en": (
            "This questionnaire opens by itself on {date}. To start sooner, send a new "
            "version with an earlier opens_at."
        ),
    },
    "admin.refused.past": {
        "nl": (
            "De sluitdatum is voorbij ({date}). Wil je hem weer openen? Stuur dan een "
            "nieuwe versie met een latere closes_at."
        ),
        "en": (
            "The closing date has passed ({date}). To open it again, send a new version "
            "with a later closes_at."
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
        "en": (
            "<b>Preview: {title}</b>\n{what}\n\n"
            "<b>Theme:</b> {theme}\n"
            "<b>Questions:</b> {count} ({types})\n"
            "<b>Branches:</b> {branches}\n"
            "<b>Opens:</b> {opens}\n"
            "<b>Closes:</b> {closes}{warning}\n\n"
            "Test the questionnaire yourself first. Publish it when everything is right."
        ),
    },
    "admin.preview.new": {
        "nl": "Nieuwe vragenlijst <code>{id}</code>, versie {version}.",
        "en": "New questionnaire <code>{id}</code>, version {version}.",
    },
    "admin.preview.update": {
        "nl": (
            "Nieuwe versie {version} van <code>{id}</code>. Nu gepubliceerd: versie {live}. "
            "Wie al bezig is, maakt de oude versie af."
        ),
        "en": (
            "New version {version} of <code>{id}</code>. Published now: version {live}. "
            "Whoever has started finishes the old version."
        ),
    },
    "admin.preview.replaced": {
        "nl": "Dit vervangt het vorige concept.",
        "en": "This replaces the previous draft.",
    },
    "admin.preview.branches.none": {"nl": "geen", "en": "none"},
    "admin.preview.branch": {
        "nl": "• na <code>{question}</code>: {rules}",
        "en": "• after <code>{question}</code>: {rules}",
    },
    "admin.preview.branch.many[one]": {
        "nl": "• na <code>{question}</code>: 1 regel, naar {targets}",
        "en": "• after <code>{question}</code>: 1 rule, to {targets}",
    },
    "admin.preview.branch.many[other]": {
        "nl": "• na <code>{question}</code>: {count} regels, naar {targets}",
        "en": "• after <code>{question}</code>: {count} rules, to {targets}",
    },
    "admin.preview.branch.count[one]": {
        "nl": "• na <code>{question}</code>: 1 regel",
        "en": "• after <code>{question}</code>: 1 rule",
    },
    "admin.preview.branch.count[other]": {
        "nl": "• na <code>{question}</code>: {count} regels",
        "en": "• after <code>{question}</code>: {count} rules",
    },
    "admin.preview.branch.rule": {
        "nl": "naar {goto} als {condition}",
        "en": "to {goto} if {condition}",
    },
    "admin.preview.branch.otherwise": {"nl": "anders naar {goto}", "en": "else to {goto}"},
    "admin.preview.branch.end": {"nl": "het einde", "en": "the end"},
    "admin.preview.opens.now": {"nl": "meteen bij publiceren", "en": "right when published"},
    "admin.preview.closes.never": {"nl": "geen einddatum", "en": "no end date"},
    "admin.preview.warning.closed": {
        "nl": "\n⚠️ De sluitdatum is al voorbij. Na publiceren staat hij meteen dicht.",
        "en": "\n⚠️ The closing date has passed. Once published, it is closed at once.",
    },
    "admin.preview.warning.not_yet": {
        "nl": "\nNa publiceren gaat hij vanzelf open op de startdatum.",
        "en": "\nOnce published, it opens by itself on the start date.",
    },
    # --- the B1 check (flows.b1): in the preview and in `questionnaire validate` ----------
    "admin.preview.b1[one]": {
        "nl": "\n\n<b>Taal (B1):</b> 1 deel kan eenvoudiger.",
        "en": "\n\n<b>Language (B1):</b> 1 part could be simpler.",
    },
    "admin.preview.b1[other]": {
        "nl": "\n\n<b>Taal (B1):</b> {count} delen kunnen eenvoudiger.",
        "en": "\n\n<b>Language (B1):</b> {count} parts could be simpler.",
    },
    "admin.preview.b1.part": {
        "nl": "⚠️ <code>{name}</code>: {findings}",
        "en": "⚠️ <code>{name}</code>: {findings}",
    },
    "admin.b1.head": {
        "nl": "Taalcheck B1 (Flesch-Douma: {easy} of hoger leest makkelijk):",
        "en": "B1 language check (Flesch-Douma: {easy} or more reads easily):",
    },
    "admin.b1.part": {"nl": "  {name}: {findings}", "en": "  {name}: {findings}"},
    "admin.b1.ok": {"nl": "goed te lezen", "en": "reads easily"},
    "admin.b1.score": {"nl": "score {score}", "en": "score {score}"},
    "admin.b1.score.short": {
        "nl": "score {score} (korte tekst: de score zegt weinig)",
        "en": "score {score} (a short text: the score says little)",
    },
    "admin.b1.hard_to_read": {
        "nl": "score {score}, moeilijk te lezen",
        "en": "score {score}, hard to read",
    },
    "admin.b1.long_sentences": {
        "nl": "lange zin ({words} woorden; liefst hoogstens {max})",
        "en": "long sentence ({words} words; best at most {max})",
    },
    "admin.b1.long_words": {"nl": "lange woorden: {words}", "en": "long words: {words}"},
    "admin.b1.difficult": {
        "nl": "moeilijke woorden: {words}",
        "en": "difficult words (simpler Dutch): {words}",
    },
    "admin.button.test": {"nl": "Zelf testen", "en": "Test it myself"},
    "admin.button.publish": {"nl": "Publiceren", "en": "Publish"},
    "admin.button.cancel": {"nl": "Annuleren", "en": "Cancel"},
    "admin.type.choice": {"nl": "keuze", "en": "choice"},
    "admin.type.multi": {"nl": "meerdere keuzes", "en": "multiple choice"},
    "admin.type.scale": {"nl": "schaal", "en": "scale"},
    "admin.type.yesno": {"nl": "ja/nee", "en": "yes/no"},
    "admin.type.text": {"nl": "open tekst", "en": "free text"},
    "admin.type.number": {"nl": "getal", "en": "number"},
    "admin.type.area": {"nl": "wijk", "en": "neighbourhood"},
    # --- after the preview ----------------------------------------------------------------
    "admin.published.open": {
        "nl": (
            "✅ <b>{title}</b> (versie {version}) is gepubliceerd. Inwoners kunnen hem nu "
            "invullen."
        ),
        "en": "✅ <b>{title}</b> (version {version}) is published. Residents can answer it now.",
    },
    "admin.published.scheduled": {
        "nl": (
            "✅ <b>{title}</b> (versie {version}) is gepubliceerd. Hij gaat open op {date}. "
            "Inwoners uitnodigen kan vanaf dan, met /uitnodigen {id}."
        ),
        "en": (
            "✅ <b>{title}</b> (version {version}) is published. It opens on {date}. "
            "From then on you can invite residents with /uitnodigen {id}."
        ),
    },
    "admin.published.closed": {
        "nl": (
            "✅ <b>{title}</b> (versie {version}) is gepubliceerd. De sluitdatum is voorbij, "
            "dus hij staat dicht."
        ),
        "en": (
            "✅ <b>{title}</b> (version {version}) is published. Its closing date has passed, "
            "so it is closed."
        ),
    },
    "admin.published.update": {
        "nl": (
            "✅ Versie {version} van <b>{title}</b> is gepubliceerd. Wie nu begint, krijgt "
            "versie {version}. Wie al bezig was, maakt versie {previous} af."
        ),
        "en": (
            "✅ Version {version} of <b>{title}</b> is published. New starts get version "
            "{version}. Whoever had started finishes version {previous}."
        ),
    },
    "admin.published.update.closed": {
        "nl": (
            "✅ Versie {version} van <b>{title}</b> is gepubliceerd. De vragenlijst is nog "
            "gesloten. Open hem in /beheer als inwoners weer mogen meedoen."
        ),
        "en": (
            "✅ Version {version} of <b>{title}</b> is published. The questionnaire is still "
            "closed. Open it in /beheer when residents may take part again."
        ),
    },
    "admin.published.update.scheduled": {
        "nl": (
            "✅ Versie {version} van <b>{title}</b> is gepubliceerd. De vragenlijst gaat open "
            "op {date}."
        ),
        "en": (
            "✅ Version {version} of <b>{title}</b> is published. The questionnaire opens on "
            "{date}."
        ),
    },
    "admin.cancelled": {
        "nl": "Geannuleerd. Het concept van <code>{id}</code> (versie {version}) is weg.",
        "en": "Cancelled. The draft of <code>{id}</code> (version {version}) is gone.",
    },
    "admin.test.start": {
        "nl": (
            "🧪 <b>Testmodus</b>: je vult <b>{title}</b> (versie {version}) zelf in. Je "
            "antwoorden tellen nergens mee. Publiceren doe je daarna met de knop bij het "
            "voorbeeld, of via /beheer."
        ),
        "en": (
            "🧪 <b>Test mode</b>: you answer <b>{title}</b> (version {version}) yourself. "
            "Your answers are not counted anywhere. Publish afterwards with the button under "
            "the preview, or through /beheer."
        ),
    },
    "admin.test.short": {"nl": "Testmodus", "en": "Test mode"},
    # --- /beheer --------------------------------------------------------------------------
    "admin.list": {
        "nl": "<b>Vragenlijsten</b>{pages}\n\n{items}\n\nKies een vragenlijst.",
        "en": "<b>Questionnaires</b>{pages}\n\n{items}\n\nChoose a questionnaire.",
    },
    "admin.list.pages": {"nl": " (blad {page} van {count})", "en": " (page {page} of {count})"},
    "admin.list.item": {
        "nl": (
            "<b>{title}</b> · {status}\n"
            "<code>{id}</code> · versie {version} · {done} klaar, {busy} bezig"
        ),
        "en": (
            "<b>{title}</b> · {status}\n"
            "<code>{id}</code> · version {version} · {done} done, {busy} in progress"
        ),
    },
    "admin.list.empty": {
        "nl": (
            "Er zijn nog geen vragenlijsten. Stuur een vragenlijst als YAML-bestand in dit "
            "gesprek om te beginnen."
        ),
        "en": (
            "There are no questionnaires yet. Send a questionnaire as a YAML file in this "
            "chat to begin."
        ),
    },
    "admin.status.draft": {"nl": "concept", "en": "draft"},
    "admin.status.scheduled": {"nl": "gepland", "en": "scheduled"},
    "admin.status.open": {"nl": "open", "en": "open"},
    "admin.status.closed": {"nl": "gesloten", "en": "closed"},
    "admin.status.archived": {"nl": "gearchiveerd", "en": "archived"},
    "admin.detail": {
        "nl": (
            "<b>{title}</b>\n<code>{id}</code> · versie {version}\n\n"
            "<b>Status:</b> {status}\n"
            "<b>Opent:</b> {opens} · <b>sluit:</b> {closes}\n"
            "<b>Geopend:</b> {opened} · <b>gesloten:</b> {closed}\n"
            "<b>Reacties:</b> {done} klaar, {busy} bezig{draft}"
        ),
        "en": (
            "<b>{title}</b>\n<code>{id}</code> · version {version}\n\n"
            "<b>Status:</b> {status}\n"
            "<b>Opens:</b> {opens} · <b>closes:</b> {closes}\n"
            "<b>Opened:</b> {opened} · <b>closed:</b> {closed}\n"
            "<b>Responses:</b> {done} done, {busy} in progress{draft}"
        ),
    },
    "admin.detail.draft": {
        "nl": "\n\nEr is een concept: versie {version}, nog niet gepubliceerd.",
        "en": "\n\nThere is a draft: version {version}, not published yet.",
    },
    "admin.detail.none": {"nl": "–", "en": "–"},
    "admin.button.open": {"nl": "Openen", "en": "Open"},
    "admin.button.close": {"nl": "Sluiten", "en": "Close"},
    "admin.button.archive": {"nl": "Archiveren", "en": "Archive"},
    "admin.button.draft": {"nl": "Concept bekijken", "en": "View draft"},
    "admin.button.export": {"nl": "Exporteren", "en": "Export"},
    "admin.button.back": {"nl": "« Terug", "en": "« Back"},
    "admin.button.previous": {"nl": "« Vorige", "en": "« Previous"},
    "admin.button.next": {"nl": "Volgende »", "en": "Next »"},
    "admin.button.yes.close": {"nl": "Ja, sluiten", "en": "Yes, close"},
    "admin.button.yes.archive": {"nl": "Ja, archiveren", "en": "Yes, archive"},
    "admin.button.no": {"nl": "Nee", "en": "No"},
    "admin.confirm.close": {
        "nl": (
            "Weet je zeker dat je <b>{title}</b> wilt sluiten? Daarna kan niemand meer "
            "beginnen. Wie nu bezig is, mag afmaken."
        ),
        "en": (
            "Are you sure you want to close <b>{title}</b>? Nobody can start it afterwards. "
            "Whoever is answering now may finish."
        ),
    },
    "admin.confirm.archive": {
        "nl": (
            "Weet je zeker dat je <b>{title}</b> wilt archiveren? Dat is definitief. Wie "
            "nog bezig is, kan niet meer verder."
        ),
        "en": (
            "Are you sure you want to archive <b>{title}</b>? That is final. Whoever is "
            "still answering cannot go on."
        ),
    },
    "admin.done.open": {"nl": "Geopend.", "en": "Opened."},
    "admin.done.close": {"nl": "Gesloten.", "en": "Closed."},
    "admin.done.archive": {"nl": "Gearchiveerd.", "en": "Archived."},
    # --- /export --------------------------------------------------------------------------
    "admin.export.usage": {
        "nl": (
            "Welke vragenlijst? Typ /export en de id, bijvoorbeeld: /export {example}\n\n{ids}"
        ),
        "en": (
            "Which questionnaire? Type /export and the id, for example: /export {example}\n\n{ids}"
        ),
    },
    "admin.export.none": {
        "nl": "Er is nog geen gepubliceerde vragenlijst om te exporteren.",
        "en": "There is no published questionnaire to export yet.",
    },
    "admin.export.unknown": {
        "nl": "Die vragenlijst ken ik niet: <code>{id}</code>.\n\n{ids}",
        "en": "I don't know that questionnaire: <code>{id}</code>.\n\n{ids}",
    },
    "admin.export.caption[one]": {
        "nl": (
            "{title}: 1 reactie. Zonder namen of Telegram-nummers, datums per dag. "
            "Testantwoorden tellen niet mee."
        ),
        "en": (
            "{title}: 1 response. No names or Telegram numbers, dates per day. "
            "Test answers are left out."
        ),
    },
    "admin.export.caption[other]": {
        "nl": (
            "{title}: {count} reacties. Zonder namen of Telegram-nummers, datums per dag. "
            "Testantwoorden tellen niet mee."
        ),
        "en": (
            "{title}: {count} responses. No names or Telegram numbers, dates per day. "
            "Test answers are left out."
        ),
    },
}

if TEXTS_ADMIN.keys() & TEXTS_PROBLEMS.keys():
    raise RuntimeError(f"text keys defined twice: {sorted(TEXTS_ADMIN.keys() & TEXTS_PROBLEMS)}")
TEXTS_ADMIN.update(TEXTS_PROBLEMS)
