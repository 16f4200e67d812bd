"""Texts of a deliberation ("gesprek met stellingen"): Dutch (B1, "je" with its "u" twin)
and English.

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
        "en": (
            "<b>{title}</b>\n\n{intro}\n\n"
            "You get one statement at a time. Say whether you agree. You can also type "
            "<i>agree</i>, <i>disagree</i> or <i>pass</i>. Stop at any time with /stop."
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
        "en": "Welcome back to <b>{title}</b>\nLet's go on where you left off.",
    },
    "stellingen.resumed@u": {
        "nl": "Welkom terug bij het gesprek <b>{title}</b>\nWe gaan verder waar u was.",
    },
    "stellingen.statement": {
        "nl": "<b>Stelling</b>\n\n{text}",
        "en": "<b>Statement</b>\n\n{text}",
    },
    "stellingen.voted": {
        "nl": "{text}\n\n<i>Jouw stem: {vote}</i>",
        "en": "{text}\n\n<i>Your vote: {vote}</i>",
    },
    "stellingen.voted@u": {"nl": "{text}\n\n<i>Uw stem: {vote}</i>"},
    "stellingen.vote.agree": {"nl": "Eens", "en": "Agree"},
    "stellingen.vote.disagree": {"nl": "Oneens", "en": "Disagree"},
    "stellingen.vote.pass": {"nl": "Weet niet / sla over", "en": "Don't know / skip"},
    "stellingen.button.place": {"nl": "Waar sta ik?", "en": "Where do I stand?"},
    "stellingen.button.add": {"nl": "Stelling toevoegen", "en": "Add a statement"},
    "stellingen.changed": {"nl": "Je stem is aangepast.", "en": "Your vote was changed."},
    "stellingen.changed@u": {"nl": "Uw stem is aangepast."},
    "stellingen.saved": {"nl": "Bewaard.", "en": "Saved."},
    "stellingen.hint": {
        "nl": "Kies een knop onder de stelling. Of typ <i>eens</i>, <i>oneens</i> of <i>pas</i>.",
        "en": "Choose a button below the statement. Or type <i>agree</i>, <i>disagree</i> or "
        "<i>pass</i>.",
    },
    "stellingen.unsupported": {
        "nl": "Daar kan ik niets mee, sorry. Stem met de knoppen, of typ <i>eens</i>, "
        "<i>oneens</i> of <i>pas</i>.",
        "en": "Sorry, I can't use that. Vote with the buttons, or type <i>agree</i>, "
        "<i>disagree</i> or <i>pass</i>.",
    },
    "stellingen.all_done": {
        "nl": (
            "Je hebt op alle stellingen gestemd. Dank je wel! Komen er nieuwe stellingen bij, "
            "dan kun je daar later op stemmen: stuur dan /start {id}."
        ),
        "en": (
            "You have voted on every statement. Thank you! When new statements are added, "
            "you can vote on them later: send /start {id}."
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
        "en": (
            "Would you like to hear what {municipality} does with the results? Tap below. You "
            "can always change it with /instellingen."
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
        "en": "This conversation is closed. Voting is no longer possible. Thank you!",
    },
    "stellingen.closed@u": {
        "nl": "Dit gesprek is gesloten. Stemmen kan niet meer. Dank u voor uw mening!",
    },
    "stellingen.closed.short": {
        "nl": "Dit gesprek is gesloten.",
        "en": "This conversation is closed.",
    },
    "stellingen.stopped": {
        "nl": "Je bent gestopt. Je stemmen zijn bewaard. Verder gaan? Stuur /start {id}.",
        "en": "You stopped. Your votes are saved. To go on, send /start {id}.",
    },
    "stellingen.stopped@u": {
        "nl": "U bent gestopt. Uw stemmen zijn bewaard. Verder gaan? Stuur /start {id}.",
    },
    "stellingen.stale": {
        "nl": "Die knop werkt niet meer.",
        "en": "That button no longer works.",
    },
    "stellingen.place.too_few": {
        "nl": "Stem eerst op minstens {need} stellingen. Je hebt er nu {count}.",
        "en": "First vote on at least {need} statements. You have voted on {count}.",
    },
    "stellingen.place.too_few@u": {
        "nl": "Stem eerst op minstens {need} stellingen. U hebt er nu {count}.",
    },
    "stellingen.place.early": {
        "nl": (
            "Er hebben nog te weinig mensen gestemd om groepen te zien. Druk later nog eens "
            "op <i>Waar sta ik?</i>"
        ),
        "en": (
            "Too few people have voted yet to see groups. Press <i>Where do I stand?</i> "
            "again later."
        ),
    },
    "stellingen.place.group": {
        "nl": (
            "<b>Waar sta je?</b>\n\nEr zijn {groups} groepen mensen die ongeveer hetzelfde "
            "stemmen. Jij stemt het meest zoals groep {group}. Mensen in die groep zijn "
            "het vaak eens met:\n{typical}"
        ),
        "en": (
            "<b>Where do you stand?</b>\n\nThere are {groups} groups of people who vote "
            "roughly alike. You vote most like group {group}. People in that group often "
            "agree with:\n{typical}"
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
        "en": "\n\n<b>What all groups agree on</b>\n{common}",
    },
    "stellingen.place.no_common": {
        "nl": "\n\nEr is nog geen stelling waar alle groepen het over eens zijn.",
        "en": "\n\nThere is no statement yet that all groups agree on.",
    },
    "stellingen.add.ask": {
        "nl": (
            "Typ je stelling in één korte zin (hoogstens {max} tekens). Schrijf geen namen, "
            "telefoonnummers of e-mailadressen. Een moderator leest hem eerst."
        ),
        "en": (
            "Type your statement in one short sentence (at most {max} characters). Do not "
            "write names, phone numbers or e-mail addresses. A moderator reads it first."
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
        "en": "You cannot add statements in this conversation.",
    },
    "stellingen.add.not_allowed@u": {"nl": "In dit gesprek kunt u geen stellingen toevoegen."},
    "stellingen.add.limit": {
        "nl": "Je hebt al {count} stellingen toegevoegd. Meer kan niet in dit gesprek.",
        "en": "You have added {count} statements already. That is the most for this conversation.",
    },
    "stellingen.add.limit@u": {
        "nl": "U hebt al {count} stellingen toegevoegd. Meer kan niet in dit gesprek.",
    },
    "stellingen.add.too_long": {
        "nl": (
            "Je stelling heeft {size} tekens. Dat is te lang: hoogstens {max}. Maak hem "
            "korter en stuur hem opnieuw."
        ),
        "en": (
            "Your statement has {size} characters. That is too long: at most {max}. Make it "
            "shorter and send it again."
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
        "en": "I see no words in your statement. Please type it again.",
    },
    "stellingen.add.empty@u": {"nl": "Ik zie geen woorden in uw stelling. Typ hem opnieuw."},
    "stellingen.add.duplicate": {
        "nl": "Zo'n stelling is er al:\n\n{text}\n\nStem je daarop?",
        "en": "There is a statement like that already:\n\n{text}\n\nWould you vote on it?",
    },
    "stellingen.add.duplicate@u": {
        "nl": "Zo'n stelling is er al:\n\n{text}\n\nStemt u daarop?",
    },
    "stellingen.add.duplicate_waiting": {
        "nl": (
            "Zo'n stelling is al ingestuurd. Hij wacht nog op een moderator. Is hij "
            "goedgekeurd, dan kun je erop stemmen. We gaan verder met stemmen."
        ),
        "en": (
            "A statement like that has been sent in already. It is still waiting for a "
            "moderator. Once it is approved, you can vote on it. Let's go on voting."
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
        "en": (
            "Thank you! Your statement now waits for a moderator. Once it is approved, others "
            "see it and you get a message."
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
        "en": "No statement added. Let's go on voting.",
    },
    "stellingen.live": {
        "nl": "Goed nieuws: je stelling staat nu in het gesprek <b>{title}</b>:\n\n{text}",
        "en": "Good news: your statement is now part of <b>{title}</b>:\n\n{text}",
    },
    "stellingen.live@u": {
        "nl": "Goed nieuws: uw stelling staat nu in het gesprek <b>{title}</b>:\n\n{text}",
    },
    # /mijngegevens
    "mydata.stellingen.votes[one]": {
        "nl": "1 stem op een stelling",
        "en": "1 vote on a statement",
    },
    "mydata.stellingen.votes[other]": {
        "nl": "{count} stemmen op stellingen",
        "en": "{count} votes on statements",
    },
    "mydata.stellingen.statements[one]": {
        "nl": "1 eigen stelling",
        "en": "1 statement of your own",
    },
    "mydata.stellingen.statements[other]": {
        "nl": "{count} eigen stellingen",
        "en": "{count} statements of your own",
    },
    # Administrators: /beheer.
    "admin.stellingen.head": {
        "nl": "<b>Gesprekken met stellingen</b>",
        "en": "<b>Conversations with statements</b>",
    },
    "admin.stellingen.line": {
        "nl": (
            "<b>{title}</b> ({id}) · {status}\n{participants} deelnemers · {votes} stemmen · "
            "{pending} stellingen wachten op moderatie"
        ),
        "en": (
            "<b>{title}</b> ({id}) · {status}\n{participants} participants · {votes} votes · "
            "{pending} statements wait for moderation"
        ),
    },
    "admin.stellingen.none": {
        "nl": "Er zijn nog geen gesprekken met stellingen.",
        "en": "There are no conversations with statements yet.",
    },
    "admin.stellingen.open": {"nl": "open", "en": "open"},
    "admin.stellingen.closed": {"nl": "gesloten", "en": "closed"},
    "admin.stellingen.close": {"nl": "Sluiten: {id}", "en": "Close: {id}"},
    "admin.stellingen.open_again": {"nl": "Weer openen: {id}", "en": "Open again: {id}"},
    # Administrators: /export of a deliberation.
    "admin.export.polis[one]": {
        "nl": (
            "{title}: 1 deelnemer. In het open-data-formaat van Polis (comments.csv, "
            "votes.csv, participants-votes.csv, summary.csv), met deelnemersnummers in "
            "plaats van namen; alleen goedgekeurde stellingen."
        ),
        "en": (
            "{title}: 1 participant. In Polis's open-data format, with participant numbers "
            "instead of names; approved statements only."
        ),
    },
    "admin.export.polis[other]": {
        "nl": (
            "{title}: {count} deelnemers. In het open-data-formaat van Polis (comments.csv, "
            "votes.csv, participants-votes.csv, summary.csv), met deelnemersnummers in "
            "plaats van namen; alleen goedgekeurde stellingen."
        ),
        "en": (
            "{title}: {count} participants. In Polis's open-data format, with participant "
            "numbers instead of names; approved statements only."
        ),
    },
    # Moderators (/moderatie): a resident's statement.
    "moderation.statement": {
        "nl": "Gesprek: {title}\nNieuwe stelling van een inwoner · {when}\n\n«{text}»",
        "en": "Conversation: {title}\nNew statement by a resident · {when}\n\n«{text}»",
    },
    "moderation.statement.rule": {
        "nl": (
            "<i>Goedgekeurd zien alle deelnemers de stelling en stemmen erop. Kies "
            "<b>anoniem</b> als de tekst niemand herkenbaar maakt: dan blijft hij staan als "
            "de schrijver zijn gegevens laat wissen.</i>"
        ),
        "en": (
            "<i>Once approved, every participant sees the statement and votes on it. Choose "
            "<b>anonymous</b> when the text identifies nobody: it then stays when its writer "
            "has their data erased.</i>"
        ),
    },
    "moderation.statement.anonymous": {"nl": "Goedkeuren, anoniem", "en": "Approve, anonymous"},
    # Problems in a deliberation file (flows.deliberation.check).
    "problem.statement_twice": {
        "nl": "deze stelling staat er al; elke stelling maar één keer",
        "en": "this statement is there already; each statement once",
    },
}
