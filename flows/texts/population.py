"""Texts of a reference population (inhabitants per wijk and age band) for administrators:
its upload in chat, the preview, confirmation and refusals; and the digest's lines on who
was heard (representativeness and weighted results), for civil servants."""

from __future__ import annotations

TEXTS_POPULATION: dict[str, dict[str, str]] = {
    "admin.population.too_big": {
        "nl": "Dit bestand is te groot ({size} MB). Een bevolkingsbestand is hoogstens {max} MB. "
        "Er is niets veranderd.",
    },
    "admin.population.too_big.more": {
        "nl": "Dit bestand is te groot. Een bevolkingsbestand is hoogstens {max} MB. "
        "Er is niets veranderd.",
    },
    "admin.population.problems": {
        "nl": "<b>{file}</b> kan ik niet gebruiken als bevolking. Er is niets veranderd.\n{lines}",
    },
    "admin.population.no_areas": {
        "nl": "Geen vragenlijst vraagt naar de wijk (een vraag met <code>profile: wijk</code>). "
        "Er is niets om de bevolking aan te koppelen; er is niets veranderd.",
    },
    "admin.population.unmatched": {
        "nl": "regel {line}: wijk {wijk} hoort bij geen wijk van de vragenlijsten ({areas}). "
        "Geef de wijk in het bestand de naam of de CBS-code van een van die wijken.",
    },
    "admin.population.ambiguous": {
        "nl": "regel {line}: wijk {wijk} past bij meer dan één wijk ({areas}).",
    },
    "admin.population.preview": {
        "nl": "<b>Bevolking uit {file}</b> ({source})\n"
        "Geldt vanaf {date}. Inwoners van 15 jaar en ouder per wijk:\n"
        "{lines}\n"
        "Totaal: {total}\n"
        "{missing}"
        "Kloppen deze cijfers? Tik op Opslaan. Een andere datum: stuur het bestand opnieuw "
        "met als onderschrift bijvoorbeeld <code>vanaf 2027-01-01</code>.",
    },
    "admin.population.preview.line": {
        "nl": "• {area}: {total} ({bands})",
    },
    "admin.population.preview.missing": {
        "nl": "Let op: geen inwoners voor {areas}; die wijken worden niet gewogen.\n",
    },
    "admin.population.source.cbs": {"nl": "CBS Kerncijfers"},
    "admin.population.source.simple": {"nl": "eenvoudige CSV"},
    "admin.population.save": {"nl": "Opslaan"},
    "admin.population.cancel": {"nl": "Annuleren"},
    "admin.population.saved": {
        "nl": "Opgeslagen: de bevolking uit {file} geldt vanaf {date}. Overzichten vanaf die "
        "datum vergelijken de antwoorden ermee; eerdere overzichten houden hun cijfers.",
    },
    "admin.population.cancelled": {
        "nl": "Niet opgeslagen. Er is niets veranderd.",
    },
    "admin.population.gone": {
        "nl": "Deze bevolking is al opgeslagen of geannuleerd.",
    },
    "admin.population.download_failed": {
        "nl": "Ik kon het bestand niet ophalen bij Telegram. Probeer het nog eens.",
    },
    "uitnodiging.first": {
        "nl": "Weinig gehoord tot nu: {groups}. Van wie uitnodigingen wil, wonen of vallen "
        "{count} daarin. Die kun je eerst uitnodigen; de anderen later met /uitnodigen.",
    },
    "uitnodiging.first_button": {"nl": "Eerst deze {count} uitnodigen"},
}
