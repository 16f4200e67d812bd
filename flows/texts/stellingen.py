"""Texts of a deliberation ("gesprek met stellingen"): Dutch (B1, "je" with its "u" twin);
the other languages in flows/locales.

Merged into :data:`flows.texts.CATALOG`; keys must not clash with other catalogs.
"""

from __future__ import annotations

TEXTS_STELLINGEN: dict[str, dict[str, str]] = {
    "stellingen.intro": {
        "nl": (
            "<b>{title}</b>\n\n{intro}\n\n"
            "Je krijgt steeds één stelling. Zeg of je het ermee eens bent. Typen mag ook: "
            "<i>eens</i>, <i>oneens</i> of <i>pas</i>. Stoppen kan altijd met /stop."
        ),
    },
    "stellingen.intro@u": {
        "nl": (
            "<b>{title}</b>\n\n{intro}\n\n"
            "U krijgt steeds één stelling. Zeg of u het ermee eens bent. Typen mag ook: "
            "<i>eens</i>, <i>oneens</i> of <i>pas</i>. Stoppen kan altijd met /stop."
        ),
    },
    "stellingen.resumed": {
        "nl": "Welkom terug bij het gesprek <b>{title}</b>\nWe gaan verder waar je was.",
    },
    "stellingen.resumed@u": {
        "nl": "Welkom terug bij het gesprek <b>{title}</b>\nWe gaan verder waar u was.",
    },
    "stellingen.statement": {
        "nl": "<b>Stelling</b>\n\n{text}",
    },
    "stellingen.voted": {
        "nl": "{text}\n\n<i>Jouw stem: {vote}</i>",
    },
    "stellingen.voted@u": {"nl": "{text}\n\n<i>Uw stem: {vote}</i>"},
    "stellingen.vote.agree": {"nl": "Eens"},
    "stellingen.vote.disagree": {"nl": "Oneens"},
    "stellingen.vote.pass": {"nl": "Weet niet / sla over"},
    "stellingen.button.place": {"nl": "Waar sta ik?"},
    "stellingen.button.add": {"nl": "Stelling toevoegen"},
    "stellingen.changed": {"nl": "Je stem is aangepast."},
    "stellingen.changed@u": {"nl": "Uw stem is aangepast."},
    "stellingen.saved": {"nl": "Bewaard."},
    "stellingen.hint": {
        "nl": "Kies een knop onder de stelling. Of typ <i>eens</i>, <i>oneens</i> of <i>pas</i>.",
    },
    "stellingen.unsupported": {
        "nl": "Daar kan ik niets mee, sorry. Stem met de knoppen, of typ <i>eens</i>, "
        "<i>oneens</i> of <i>pas</i>.",
    },
    "stellingen.all_done": {
        "nl": (
            "Je hebt op alle stellingen gestemd. Dank je wel! Komen er nieuwe stellingen bij, "
            "dan kun je daar later op stemmen: stuur dan /start {id}."
        ),
    },
    "stellingen.all_done@u": {
        "nl": (
            "U hebt op alle stellingen gestemd. Dank u wel! Komen er nieuwe stellingen bij, "
            "dan kunt u daar later op stemmen: stuur dan /start {id}."
        ),
    },
    "stellingen.optin": {
        "nl": (
            "Wil je horen wat {municipality} met de uitkomsten doet? Tik dan hieronder. Je kunt "
            "het altijd veranderen met /instellingen."
        ),
    },
    "stellingen.optin@u": {
        "nl": (
            "Wilt u horen wat {municipality} met de uitkomsten doet? Tik dan hieronder. U kunt "
            "het altijd veranderen met /instellingen."
        ),
    },
    "stellingen.closed": {
        "nl": "Dit gesprek is gesloten. Stemmen kan niet meer. Dank je voor je mening!",
    },
    "stellingen.closed@u": {
        "nl": "Dit gesprek is gesloten. Stemmen kan niet meer. Dank u voor uw mening!",
    },
    "stellingen.closed.short": {
        "nl": "Dit gesprek is gesloten.",
    },
    "stellingen.stopped": {
        "nl": "Je bent gestopt. Je stemmen zijn bewaard. Verder gaan? Stuur /start {id}.",
    },
    "stellingen.stopped@u": {
        "nl": "U bent gestopt. Uw stemmen zijn bewaard. Verder gaan? Stuur /start {id}.",
    },
    "stellingen.stale": {
        "nl": "Die knop werkt niet meer.",
    },
    "stellingen.place.too_few": {
        "nl": "Stem eerst op minstens {need} stellingen. Je hebt er nu {count}.",
    },
    "stellingen.place.too_few@u": {
        "nl": "Stem eerst op minstens {need} stellingen. U hebt er nu {count}.",
    },
    "stellingen.place.early": {
        "nl": (
            "Er hebben nog te weinig mensen gestemd om groepen te zien. Druk later nog eens "
            "op <i>Waar sta ik?</i>"
        ),
    },
    "stellingen.place.group": {
        "nl": (
            "<b>Waar sta je?</b>\n\nEr zijn {groups} groepen mensen die ongeveer hetzelfde "
            "stemmen. Jij stemt het meest zoals groep {group}. Mensen in die groep zijn "
            "het vaak eens met:\n{typical}"
        ),
    },
    "stellingen.place.group@u": {
        "nl": (
            "<b>Waar staat u?</b>\n\nEr zijn {groups} groepen mensen die ongeveer hetzelfde "
            "stemmen. U stemt het meest zoals groep {group}. Mensen in die groep zijn "
            "het vaak eens met:\n{typical}"
        ),
    },
    "stellingen.place.common": {
        "nl": "\n\n<b>Waar alle groepen het over eens zijn</b>\n{common}",
    },
    "stellingen.place.no_common": {
        "nl": "\n\nEr is nog geen stelling waar alle groepen het over eens zijn.",
    },
    "stellingen.add.ask": {
        "nl": (
            "Typ je stelling in één korte zin (hoogstens {max} tekens). Schrijf geen namen, "
            "telefoonnummers of e-mailadressen. Een moderator leest hem eerst."
        ),
    },
    "stellingen.add.ask@u": {
        "nl": (
            "Typ uw stelling in één korte zin (hoogstens {max} tekens). Schrijf geen namen, "
            "telefoonnummers of e-mailadressen. Een moderator leest hem eerst."
        ),
    },
    "stellingen.add.not_allowed": {
        "nl": "In dit gesprek kun je geen stellingen toevoegen.",
    },
    "stellingen.add.not_allowed@u": {"nl": "In dit gesprek kunt u geen stellingen toevoegen."},
    "stellingen.add.limit": {
        "nl": "Je hebt al {count} stellingen toegevoegd. Meer kan niet in dit gesprek.",
    },
    "stellingen.add.limit@u": {
        "nl": "U hebt al {count} stellingen toegevoegd. Meer kan niet in dit gesprek.",
    },
    "stellingen.add.too_long": {
        "nl": (
            "Je stelling heeft {size} tekens. Dat is te lang: hoogstens {max}. Maak hem "
            "korter en stuur hem opnieuw."
        ),
    },
    "stellingen.add.too_long@u": {
        "nl": (
            "Uw stelling heeft {size} tekens. Dat is te lang: hoogstens {max}. Maak hem "
            "korter en stuur hem opnieuw."
        ),
    },
    "stellingen.add.empty": {
        "nl": "Ik zie geen woorden in je stelling. Typ hem opnieuw.",
    },
    "stellingen.add.empty@u": {"nl": "Ik zie geen woorden in uw stelling. Typ hem opnieuw."},
    "stellingen.add.duplicate": {
        "nl": "Zo'n stelling is er al:\n\n{text}\n\nStem je daarop?",
    },
    "stellingen.add.duplicate@u": {
        "nl": "Zo'n stelling is er al:\n\n{text}\n\nStemt u daarop?",
    },
    "stellingen.add.duplicate_waiting": {
        "nl": (
            "Zo'n stelling is al ingestuurd. Hij wacht nog op een moderator. Is hij "
            "goedgekeurd, dan kun je erop stemmen. We gaan verder met stemmen."
        ),
    },
    "stellingen.add.duplicate_waiting@u": {
        "nl": (
            "Zo'n stelling is al ingestuurd. Hij wacht nog op een moderator. Is hij "
            "goedgekeurd, dan kunt u erop stemmen. We gaan verder met stemmen."
        ),
    },
    "stellingen.add.waiting": {
        "nl": (
            "Dank je! Je stelling wacht nu op een moderator. Is hij goedgekeurd, dan zien "
            "anderen hem en krijg je een bericht."
        ),
    },
    "stellingen.add.waiting@u": {
        "nl": (
            "Dank u! Uw stelling wacht nu op een moderator. Is hij goedgekeurd, dan zien "
            "anderen hem en krijgt u een bericht."
        ),
    },
    "stellingen.add.cancelled": {
        "nl": "Geen stelling toegevoegd. We gaan verder met stemmen.",
    },
    "stellingen.live": {
        "nl": "Goed nieuws: je stelling staat nu in het gesprek <b>{title}</b>:\n\n{text}",
    },
    "stellingen.live@u": {
        "nl": "Goed nieuws: uw stelling staat nu in het gesprek <b>{title}</b>:\n\n{text}",
    },
    # /mijngegevens
    "mydata.stellingen.votes[one]": {
        "nl": "1 stem op een stelling",
    },
    "mydata.stellingen.votes[other]": {
        "nl": "{count} stemmen op stellingen",
    },
    "mydata.stellingen.statements[one]": {
        "nl": "1 eigen stelling",
    },
    "mydata.stellingen.statements[other]": {
        "nl": "{count} eigen stellingen",
    },
    # Administrators: /beheer.
    "admin.stellingen.head": {
        "nl": "<b>Gesprekken met stellingen</b>",
    },
    "admin.stellingen.line": {
        "nl": (
            "<b>{title}</b> ({id}) · {status}\n{participants} deelnemers · {votes} stemmen · "
            "{pending} stellingen wachten op moderatie"
        ),
    },
    "admin.stellingen.none": {
        "nl": "Er zijn nog geen gesprekken met stellingen.",
    },
    "admin.stellingen.open": {"nl": "open"},
    "admin.stellingen.closed": {"nl": "gesloten"},
    "admin.stellingen.close": {"nl": "Sluiten: {id}"},
    "admin.stellingen.open_again": {"nl": "Weer openen: {id}"},
    # Administrators: /export of a deliberation.
    "admin.export.polis[one]": {
        "nl": (
            "{title}: 1 deelnemer. In het open-data-formaat van Polis (comments.csv, "
            "votes.csv, participants-votes.csv, summary.csv), met deelnemersnummers in "
            "plaats van namen; alleen goedgekeurde stellingen."
        ),
    },
    "admin.export.polis[other]": {
        "nl": (
            "{title}: {count} deelnemers. In het open-data-formaat van Polis (comments.csv, "
            "votes.csv, participants-votes.csv, summary.csv), met deelnemersnummers in "
            "plaats van namen; alleen goedgekeurde stellingen."
        ),
    },
    # Moderators (/moderatie): a resident's statement.
    "moderation.statement": {
        "nl": "Gesprek: {title}\nNieuwe stelling van een inwoner · {when}\n\n«{text}»",
    },
    "moderation.statement.rule": {
        "nl": (
            "<i>Goedgekeurd zien alle deelnemers de stelling en stemmen erop. Kies "
            "<b>anoniem</b> als de tekst niemand herkenbaar maakt: dan blijft hij staan als "
            "de schrijver zijn gegevens laat wissen.</i>"
        ),
    },
    "moderation.statement.anonymous": {"nl": "Goedkeuren, anoniem"},
    # Problems in a deliberation file (flows.deliberation.check).
    "problem.statement_twice": {
        "nl": "deze stelling staat er al; elke stelling maar één keer",
    },
}
