"""Texts of a reference population (inhabitants per wijk and age band) for administrators:
its upload in chat, the preview, confirmation and refusals; and the digest's lines on who
was heard (representativeness and weighted results), for civil servants."""

from __future__ import annotations

TEXTS_POPULATION: dict[str, dict[str, str]] = {
    "admin.population.too_big": {
        "nl": "Dit bestand is te groot ({size} MB). Een bevolkingsbestand is hoogstens {max} MB. "
        "Er is niets veranderd.",
        "en": "This file is too large ({size} MB). A population file is at most {max} MB. "
        "Nothing was changed.",
    },
    "admin.population.too_big.more": {
        "nl": "Dit bestand is te groot. Een bevolkingsbestand is hoogstens {max} MB. "
        "Er is niets veranderd.",
        "en": "This file is too large. A population file is at most {max} MB. "
        "Nothing was changed.",
    },
    "admin.population.problems": {
        "nl": "<b>{file}</b> kan ik niet gebruiken als bevolking. Er is niets veranderd.\n{lines}",
        "en": "I cannot use <b>{file}</b> as a population. Nothing was changed.\n{lines}",
    },
    "admin.population.no_areas": {
        "nl": "Geen vragenlijst vraagt naar de wijk (een vraag met <code>profile: wijk</code>). "
        "Er is niets om de bevolking aan te koppelen; er is niets veranderd.",
        "en": "No questionnaire asks for the wijk (a question with <code>profile: wijk</code>). "
        "There is nothing to map the population onto; nothing was changed.",
    },
    "admin.population.unmatched": {
        "nl": "regel {line}: wijk {wijk} hoort bij geen wijk van de vragenlijsten ({areas}). "
        "Geef de wijk in het bestand de naam of de CBS-code van een van die wijken.",
        "en": "line {line}: wijk {wijk} matches no wijk of the questionnaires ({areas}). "
        "Give it the name or CBS code of one of them in the file.",
    },
    "admin.population.ambiguous": {
        "nl": "regel {line}: wijk {wijk} past bij meer dan één wijk ({areas}).",
        "en": "line {line}: wijk {wijk} fits more than one wijk ({areas}).",
    },
    "admin.population.preview": {
        "nl": "<b>Bevolking uit {file}</b> ({source})\n"
        "Geldt vanaf {date}. Inwoners van 15 jaar en ouder per wijk:\n"
        "{lines}\n"
        "Totaal: {total}\n"
        "{missing}"
        "Kloppen deze cijfers? Tik op Opslaan. Een andere datum: stuur het bestand opnieuw "
        "met als onderschrift bijvoorbeeld <code>vanaf 2027-01-01</code>.",
        "en": "<b>Population from {file}</b> ({source})\n"
        "Valid from {date}. Inhabitants aged 15 and over per wijk:\n"
        "{lines}\n"
        "Total: {total}\n"
        "{missing}"
        "Are these figures right? Tap Save. Another date: send the file again with a caption "
        "such as <code>vanaf 2027-01-01</code>.",
    },
    "admin.population.preview.line": {
        "nl": "• {area}: {total} ({bands})",
        "en": "• {area}: {total} ({bands})",
    },
    "admin.population.preview.missing": {
        "nl": "Let op: geen inwoners voor {areas}; die wijken worden niet gewogen.\n",
        "en": "Note: no inhabitants for {areas}; those wijken are not weighted.\n",
    },
    "admin.population.source.cbs": {"nl": "CBS Kerncijfers", "en": "CBS Kerncijfers"},
    "admin.population.source.simple": {"nl": "eenvoudige CSV", "en": "simple CSV"},
    "admin.population.save": {"nl": "Opslaan", "en": "Save"},
    "admin.population.cancel": {"nl": "Annuleren", "en": "Cancel"},
    "admin.population.saved": {
        "nl": "Opgeslagen: de bevolking uit {file} geldt vanaf {date}. Overzichten vanaf die "
        "datum vergelijken de antwoorden ermee; eerdere overzichten houden hun cijfers.",
        "en": "Saved: the population from {file} applies from {date}. Digests from that date "
        "compare the answers with it; earlier digests keep their figures.",
    },
    "admin.population.cancelled": {
        "nl": "Niet opgeslagen. Er is niets veranderd.",
        "en": "Not saved. Nothing was changed.",
    },
    "admin.population.gone": {
        "nl": "Deze bevolking is al opgeslagen of geannuleerd.",
        "en": "This population was saved or cancelled already.",
    },
    "admin.population.download_failed": {
        "nl": "Ik kon het bestand niet ophalen bij Telegram. Probeer het nog eens.",
        "en": "I could not fetch the file from Telegram. Please try again.",
    },
    "uitnodiging.first": {
        "nl": "Weinig gehoord tot nu: {groups}. Van wie uitnodigingen wil, wonen of vallen "
        "{count} daarin. Die kun je eerst uitnodigen; de anderen later met /uitnodigen.",
    },
    "uitnodiging.first_button": {"nl": "Eerst deze {count} uitnodigen"},
}
