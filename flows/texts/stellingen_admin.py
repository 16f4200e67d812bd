"""Texts for administrators about deliberations: the upload's preview, what a new version
does to the votes, publishing. Dutch (B1; English in flows/locales); merged into
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
    },
    "admin.stellingen.preview.new": {
        "nl": "Nieuw gesprek met stellingen <code>{id}</code>, versie {version}.",
    },
    "admin.stellingen.preview.update": {
        "nl": "Nieuwe versie {version} van <code>{id}</code>. Nu gepubliceerd: versie {live}.",
    },
    "admin.stellingen.preview.adding": {
        "nl": "ja, hoogstens {most} per inwoner (een moderator keurt ze eerst)",
    },
    "admin.stellingen.preview.no_adding": {"nl": "nee"},
    "admin.stellingen.preview.untranslated[one]": {
        "nl": "\n⚠️ 1 tekst heeft geen Engels: {where}. Engelstaligen lezen daar het Nederlands.",
    },
    "admin.stellingen.preview.untranslated[other]": {
        "nl": (
            "\n⚠️ {count} teksten hebben geen Engels: {where}. Engelstaligen lezen daar het "
            "Nederlands."
        ),
    },
    # --- a new version: what happens to the votes (flows.deliberation.VersionPlan) ----------
    "admin.stellingen.plan": {
        "nl": "\n\n<b>Wat er met de stemmen gebeurt</b>",
    },
    "admin.stellingen.plan.kept[one]": {
        "nl": "• 1 stelling blijft hetzelfde. De stemmen erop blijven staan.",
    },
    "admin.stellingen.plan.kept[other]": {
        "nl": "• {count} stellingen blijven hetzelfde. De stemmen erop blijven staan.",
    },
    "admin.stellingen.plan.reworded[one]": {
        "nl": (
            "• 1 stelling heeft andere woorden. De oude stemmen tellen niet meer mee. "
            "Inwoners stemmen er opnieuw op."
        ),
    },
    "admin.stellingen.plan.reworded[other]": {
        "nl": (
            "• {count} stellingen hebben andere woorden. De oude stemmen tellen niet meer mee. "
            "Inwoners stemmen er opnieuw op."
        ),
    },
    "admin.stellingen.plan.removed[one]": {
        "nl": "• 1 stelling valt weg. De stemmen erop tellen niet meer mee.",
    },
    "admin.stellingen.plan.removed[other]": {
        "nl": "• {count} stellingen vallen weg. De stemmen erop tellen niet meer mee.",
    },
    "admin.stellingen.plan.added[one]": {
        "nl": "• 1 nieuwe stelling.",
    },
    "admin.stellingen.plan.added[other]": {
        "nl": "• {count} nieuwe stellingen.",
    },
    "admin.stellingen.plan.participants": {
        "nl": (
            "Stellingen van inwoners blijven zoals ze zijn. Wie al meedoet, gaat gewoon verder "
            "en krijgt geen stelling twee keer."
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
    },
    "admin.stellingen.test.done[one]": {
        "nl": (
            "🧪 Dat was de enige stelling van de test. Er is niets bewaard. Publiceren of "
            "annuleren doe je met de knoppen bij het voorbeeld, of via /beheer stellingen."
        ),
    },
    "admin.stellingen.test.done[other]": {
        "nl": (
            "🧪 Dat waren alle {count} stellingen van de test. Er is niets bewaard. Publiceren "
            "of annuleren doe je met de knoppen bij het voorbeeld, of via /beheer stellingen."
        ),
    },
    "admin.stellingen.drafts": {
        "nl": "<b>Concepten die wachten op publicatie</b>",
    },
    "admin.stellingen.draft": {
        "nl": "📝 <b>{title}</b> ({id}) · versie {version}",
    },
    "admin.stellingen.draft.button": {
        "nl": "Concept bekijken: {id}",
    },
    "admin.stellingen.drafts.waiting[one]": {
        "nl": (
            "📝 Er wacht 1 gesprek met stellingen op publicatie. Bekijk het met /beheer "
            "stellingen."
        ),
    },
    "admin.stellingen.drafts.waiting[other]": {
        "nl": (
            "📝 Er wachten {count} gesprekken met stellingen op publicatie. Bekijk ze met "
            "/beheer stellingen."
        ),
    },
    # --- after the preview ------------------------------------------------------------------
    "admin.stellingen.published": {
        "nl": (
            "✅ <b>{title}</b> is gepubliceerd. Inwoners doen mee via /start {id} of de link "
            "met <code>?start={id}</code>. Sluiten kan in /beheer stellingen."
        ),
    },
    "admin.stellingen.published.update": {
        "nl": (
            "✅ Versie {version} van <b>{title}</b> is gepubliceerd (was versie {previous}). "
            "Het gesprek is {status}."
        ),
    },
    "admin.refused.deliberation": {
        "nl": (
            "Er is al een gesprek met stellingen met de id <code>{id}</code>. Kies een andere "
            "id voor de vragenlijst."
        ),
    },
    "admin.refused.taken": {
        "nl": (
            "Er is al een vragenlijst met de id <code>{id}</code>. Kies een andere id voor "
            "het gesprek met stellingen."
        ),
    },
}
