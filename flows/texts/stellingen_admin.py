"""Texts for administrators about deliberations: the upload's preview, what a new version
does to the votes, publishing. Dutch (B1) and English; merged into
:data:`flows.texts.CATALOG`.
"""

from __future__ import annotations

TEXTS_STELLINGEN_ADMIN: dict[str, dict[str, str]] = {
    "admin.stellingen.preview": {
        "nl": (
            "<b>Voorbeeld: {title}</b>\n{what}\n\n"
            "<b>Thema:</b> {theme}\n"
            "<b>Stellingen:</b> {count}\n"
            "<b>Eigen stellingen van inwoners:</b> {adding}\n"
            "<b>Opent:</b> {opens}\n"
            "<b>Sluit:</b> {closes}{warning}{plan}\n\n"
            "Lees de stellingen nog een keer na. Publiceer het gesprek als alles klopt."
        ),
        "en": (
            "<b>Preview: {title}</b>\n{what}\n\n"
            "<b>Theme:</b> {theme}\n"
            "<b>Statements:</b> {count}\n"
            "<b>Residents' own statements:</b> {adding}\n"
            "<b>Opens:</b> {opens}\n"
            "<b>Closes:</b> {closes}{warning}{plan}\n\n"
            "Read the statements once more. Publish the deliberation when everything is right."
        ),
    },
    "admin.stellingen.preview.new": {
        "nl": "Nieuw gesprek met stellingen <code>{id}</code>, versie {version}.",
        "en": "New deliberation <code>{id}</code>, version {version}.",
    },
    "admin.stellingen.preview.update": {
        "nl": "Nieuwe versie {version} van <code>{id}</code>. Nu gepubliceerd: versie {live}.",
        "en": "New version {version} of <code>{id}</code>. Published now: version {live}.",
    },
    "admin.stellingen.preview.adding": {
        "nl": "ja, hoogstens {most} per inwoner (een moderator keurt ze eerst)",
        "en": "yes, at most {most} per resident (a moderator approves them first)",
    },
    "admin.stellingen.preview.no_adding": {"nl": "nee", "en": "no"},
    "admin.stellingen.preview.untranslated[one]": {
        "nl": "\n⚠️ 1 tekst heeft geen Engels: {where}. Engelstaligen lezen daar het Nederlands.",
        "en": "\n⚠️ 1 text has no English: {where}. English readers see the Dutch there.",
    },
    "admin.stellingen.preview.untranslated[other]": {
        "nl": (
            "\n⚠️ {count} teksten hebben geen Engels: {where}. Engelstaligen lezen daar het "
            "Nederlands."
        ),
        "en": "\n⚠️ {count} texts have no English: {where}. English readers see the Dutch there.",
    },
    # --- a new version: what happens to the votes (flows.deliberation.VersionPlan) ----------
    "admin.stellingen.plan": {
        "nl": "\n\n<b>Wat er met de stemmen gebeurt</b>",
        "en": "\n\n<b>What happens to the votes</b>",
    },
    "admin.stellingen.plan.kept[one]": {
        "nl": "• 1 stelling blijft hetzelfde. De stemmen erop blijven staan.",
        "en": "• 1 statement stays the same. Its votes stay.",
    },
    "admin.stellingen.plan.kept[other]": {
        "nl": "• {count} stellingen blijven hetzelfde. De stemmen erop blijven staan.",
        "en": "• {count} statements stay the same. Their votes stay.",
    },
    "admin.stellingen.plan.reworded[one]": {
        "nl": (
            "• 1 stelling heeft andere woorden. De oude stemmen tellen niet meer mee. "
            "Inwoners stemmen er opnieuw op."
        ),
        "en": (
            "• 1 statement has new words. Its old votes no longer count. Residents vote on "
            "it again."
        ),
    },
    "admin.stellingen.plan.reworded[other]": {
        "nl": (
            "• {count} stellingen hebben andere woorden. De oude stemmen tellen niet meer mee. "
            "Inwoners stemmen er opnieuw op."
        ),
        "en": (
            "• {count} statements have new words. Their old votes no longer count. Residents "
            "vote on them again."
        ),
    },
    "admin.stellingen.plan.removed[one]": {
        "nl": "• 1 stelling valt weg. De stemmen erop tellen niet meer mee.",
        "en": "• 1 statement is removed. Its votes no longer count.",
    },
    "admin.stellingen.plan.removed[other]": {
        "nl": "• {count} stellingen vallen weg. De stemmen erop tellen niet meer mee.",
        "en": "• {count} statements are removed. Their votes no longer count.",
    },
    "admin.stellingen.plan.added[one]": {
        "nl": "• 1 nieuwe stelling.",
        "en": "• 1 new statement.",
    },
    "admin.stellingen.plan.added[other]": {
        "nl": "• {count} nieuwe stellingen.",
        "en": "• {count} new statements.",
    },
    "admin.stellingen.plan.participants": {
        "nl": (
            "Stellingen van inwoners blijven zoals ze zijn. Wie al meedoet, gaat gewoon verder "
            "en krijgt geen stelling twee keer."
        ),
        "en": (
            "Residents' own statements stay as they are. Whoever takes part already simply "
            "carries on and never gets a statement twice."
        ),
    },
    # --- "Zelf testen" and /beheer stellingen ------------------------------------------------
    "admin.stellingen.test.start": {
        "nl": (
            "🧪 <b>Testmodus</b>: je stemt zelf op de stellingen van <b>{title}</b> (versie "
            "{version}). Je stemmen worden niet bewaard en tellen nergens mee. Je krijgt de "
            "stellingen in de volgorde van het bestand. Gebruik de knoppen: typen werkt niet "
            "in de test. Publiceren doe je daarna met de knop bij het voorbeeld, of via "
            "/beheer stellingen."
        ),
        "en": (
            "🧪 <b>Test mode</b>: you vote on the statements of <b>{title}</b> (version "
            "{version}) yourself. Your votes are not stored and not counted anywhere. The "
            "statements come in the order of the file. Use the buttons: typing does not work "
            "in the test. Publish afterwards with the button under the preview, or through "
            "/beheer stellingen."
        ),
    },
    "admin.stellingen.test.done[one]": {
        "nl": (
            "🧪 Dat was de enige stelling van de test. Er is niets bewaard. Publiceren of "
            "annuleren doe je met de knoppen bij het voorbeeld, of via /beheer stellingen."
        ),
        "en": (
            "🧪 That was the only statement of the test. Nothing was stored. Publish or "
            "cancel with the buttons under the preview, or through /beheer stellingen."
        ),
    },
    "admin.stellingen.test.done[other]": {
        "nl": (
            "🧪 Dat waren alle {count} stellingen van de test. Er is niets bewaard. Publiceren "
            "of annuleren doe je met de knoppen bij het voorbeeld, of via /beheer stellingen."
        ),
        "en": (
            "🧪 Those were all {count} statements of the test. Nothing was stored. Publish or "
            "cancel with the buttons under the preview, or through /beheer stellingen."
        ),
    },
    "admin.stellingen.drafts": {
        "nl": "<b>Concepten die wachten op publicatie</b>",
        "en": "<b>Drafts waiting to be published</b>",
    },
    "admin.stellingen.draft": {
        "nl": "📝 <b>{title}</b> ({id}) · versie {version}",
        "en": "📝 <b>{title}</b> ({id}) · version {version}",
    },
    "admin.stellingen.draft.button": {
        "nl": "Concept bekijken: {id}",
        "en": "View draft: {id}",
    },
    "admin.stellingen.drafts.waiting[one]": {
        "nl": (
            "📝 Er wacht 1 gesprek met stellingen op publicatie. Bekijk het met /beheer "
            "stellingen."
        ),
        "en": "📝 1 conversation with statements waits to be published. See /beheer stellingen.",
    },
    "admin.stellingen.drafts.waiting[other]": {
        "nl": (
            "📝 Er wachten {count} gesprekken met stellingen op publicatie. Bekijk ze met "
            "/beheer stellingen."
        ),
        "en": (
            "📝 {count} conversations with statements wait to be published. See /beheer "
            "stellingen."
        ),
    },
    # --- after the preview ------------------------------------------------------------------
    "admin.stellingen.published": {
        "nl": (
            "✅ <b>{title}</b> is gepubliceerd. Inwoners doen mee via /start {id} of de link "
            "met <code>?start={id}</code>. Sluiten kan in /beheer stellingen."
        ),
        "en": (
            "✅ <b>{title}</b> is published. Residents take part with /start {id} or the link "
            "with <code>?start={id}</code>. Close it in /beheer stellingen."
        ),
    },
    "admin.stellingen.published.update": {
        "nl": (
            "✅ Versie {version} van <b>{title}</b> is gepubliceerd (was versie {previous}). "
            "Het gesprek is {status}."
        ),
        "en": (
            "✅ Version {version} of <b>{title}</b> is published (was version {previous}). "
            "The deliberation is {status}."
        ),
    },
    "admin.refused.deliberation": {
        "nl": (
            "Er is al een gesprek met stellingen met de id <code>{id}</code>. Kies een andere "
            "id voor de vragenlijst."
        ),
        "en": (
            "There already is a deliberation with the id <code>{id}</code>. Choose another id "
            "for the questionnaire."
        ),
    },
    "admin.refused.taken": {
        "nl": (
            "Er is al een vragenlijst met de id <code>{id}</code>. Kies een andere id voor "
            "het gesprek met stellingen."
        ),
        "en": (
            "There already is a questionnaire with the id <code>{id}</code>. Choose another "
            "id for the deliberation."
        ),
    },
}
