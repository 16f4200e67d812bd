# Over 500 lines on purpose: it is the source catalog (every resident text in Dutch and its "u"
# form), not logic. The Dutch text of a key is the ``msgid`` of its message in the catalogs, with
# the key as ``msgctxt``; every other language, English too, lives only in
# ``flows/locales/<lang>/LC_MESSAGES/samenspraak.po`` (see :mod:`flows.texts.po`; ``make
# messages`` adds a new text to every catalog, :mod:`flows.texts.catalogs`).
"""Everything the bot says to residents: the Dutch source texts (B1) and :func:`t`, which
speaks them in the resident's language from the gettext catalogs (``flows/locales``).

Templates are Telegram HTML. :func:`t` escapes every parameter, so text that comes from
residents or from questionnaire files is always shown as written, never as markup.

Two kinds of variants, chosen by :func:`t`, are the shape gettext gives them:

- **plural forms** (``ngettext``): a text with a number before a noun is two keys,
  ``<key>[one]`` and ``<key>[other]`` here (one message with ``msgid_plural`` in the
  catalogs, with as many forms as the language has: Arabic six); ``t(language, "<key>",
  count=n)`` picks the form for ``n`` and fills ``{count}`` with it, written the way the
  language writes numbers.
- **form of address** (``pgettext`` with the context ``u``): a resident-facing Dutch text
  that says "je" has a ``<key>@u`` twin that says "u" (Dutch only: English has one form).
  ``t`` takes the twin for a :class:`Locale` whose ``address`` is ``"u"`` (or for
  ``address="u"``); a text without a twin has no form of address and is said as it is.
  Plural keys take the context first: ``<key>@u[one]``.

The marks are not dots, so no ordinary key ("problem.yaml.other") is ever taken for one.

"""

from __future__ import annotations

import html
import re
from typing import Literal, cast, get_args

from babel import Locale as BabelLocale

from flows.texts import formats, po
from flows.texts.admin import ADMIN_COMMANDS, GROUP_COMMANDS, TEXTS_ADMIN
from flows.texts.answers import TEXTS_ANSWERS
from flows.texts.codes import TEXTS_CODES
from flows.texts.languages import TEXTS_LANGUAGES
from flows.texts.moderation import TEXTS_MODERATION
from flows.texts.outcomes import TEXTS_OUTCOMES
from flows.texts.population import TEXTS_POPULATION
from flows.texts.privacy import TEXTS_PRIVACY
from flows.texts.profile import TEXTS_PROFILE
from flows.texts.sending import TEXTS_SENDING
from flows.texts.shapes import TEXTS_SHAPES
from flows.texts.stellingen import TEXTS_STELLINGEN
from flows.texts.stellingen_admin import TEXTS_STELLINGEN_ADMIN
from flows.texts.web import TEXTS_WEB

Language = str
DEFAULT_LANGUAGE = "nl"
#: How the bot addresses a resident in Dutch: informal "je" (the default) or formal "u".
Address = Literal["je", "u"]
ADDRESSES: tuple[Address, ...] = get_args(Address)
DEFAULT_ADDRESS: Address = "je"
#: The plural forms of the Dutch source texts (gettext: ``nplurals=2; plural=(n != 1)``).
PLURAL_FORMS = ("one", "other")
#: Every language's catalog, read and checked at start (a broken one stops the start with
#: its file and key: :class:`flows.texts.po.CatalogError`).
TRANSLATIONS: dict[str, po.Translations] = po.load()
#: The languages residents can choose (/taal): those with a catalog, Dutch first.
LANGUAGES: tuple[str, ...] = tuple(TRANSLATIONS) or (DEFAULT_LANGUAGE,)
#: Languages written from right to left.
RIGHT_TO_LEFT = frozenset({"ar", "fa", "he", "ur"})

CATALOG: dict[str, dict[str, str]] = {
    "welcome": {
        "nl": (
            "Hallo! Ik ben de vragenbot van {municipality}. Met korte vragenlijsten hoort "
            "{municipality} wat jij vindt van plannen en regels in je buurt. Jouw mening telt: "
            "jij merkt als inwoner het beste of beleid werkt.\n\n"
            "<b>Wat we bewaren</b>\n"
            "We bewaren je antwoorden zonder je naam of telefoonnummer. Je chatnummer en de "
            "teksten die je zelf typt, wissen we {retention} nadat een vragenlijst is "
            "gesloten. Meer lees je met /privacy.\n\n"
            "Doe je mee?"
        ),
    },
    "welcome@u": {
        "nl": (
            "Hallo! Ik ben de vragenbot van {municipality}. Met korte vragenlijsten hoort "
            "{municipality} wat u vindt van plannen en regels in uw buurt. Uw mening telt: u "
            "merkt als inwoner het beste of beleid werkt.\n\n"
            "<b>Wat we bewaren</b>\n"
            "We bewaren uw antwoorden zonder uw naam of telefoonnummer. Uw chatnummer en de "
            "teksten die u zelf typt, wissen we {retention} nadat een vragenlijst is gesloten. "
            "Meer leest u met /privacy.\n\n"
            "Doet u mee?"
        ),
    },
    "consent.yes": {"nl": "Ja, ik doe mee"},
    "consent.no": {"nl": "Nee, liever niet"},
    "consent.given": {
        "nl": "Fijn dat je meedoet! Je kunt altijd stoppen met /stop.",
    },
    "consent.given@u": {"nl": "Fijn dat u meedoet! U kunt altijd stoppen met /stop."},
    "consent.already": {
        "nl": "Je doet al mee.",
    },
    "consent.already@u": {"nl": "U doet al mee."},
    "consent.refused": {
        "nl": (
            "Helemaal goed. We bewaren niets over jou. Wil je later toch meedoen? "
            "Stuur dan /start. Met /privacy lees je hoe we met gegevens omgaan."
        ),
    },
    "consent.refused@u": {
        "nl": (
            "Helemaal goed. We bewaren niets over u. Wilt u later toch meedoen? Stuur dan "
            "/start. Met /privacy leest u hoe we met gegevens omgaan."
        ),
    },
    "consent.needed": {
        "nl": "Eerst even dit: doe je mee? Kies hieronder.",
    },
    "consent.needed@u": {"nl": "Eerst even dit: doet u mee? Kies hieronder."},
    "pick": {
        "nl": "Over welk onderwerp wil je iets zeggen? Kies een vragenlijst.",
    },
    "pick@u": {"nl": "Over welk onderwerp wilt u iets zeggen? Kies een vragenlijst."},
    "pick.none": {
        "nl": "Er staan nu geen vragenlijsten open. Kijk later nog eens, of stuur /help.",
    },
    "pick.done_mark": {"nl": "✓ "},
    "intro[one]": {
        "nl": "<b>{title}</b>\n\n{intro}\n\nDeze vragenlijst heeft 1 vraag.",
    },
    "intro[other]": {
        "nl": "<b>{title}</b>\n\n{intro}\n\nDeze vragenlijst heeft ongeveer {count} vragen.",
    },
    "progress": {"nl": "Vraag {number} van {total}"},
    "previous_answer": {"nl": "Je gaf eerder: {answer}"},
    "previous_answer@u": {"nl": "U gaf eerder: {answer}"},
    "hint.choice": {
        "nl": "Tik op een knop, of typ het nummer van je keuze.",
    },
    "hint.choice@u": {"nl": "Tik op een knop, of typ het nummer van uw keuze."},
    "hint.multi": {
        "nl": (
            "Kies één of meer antwoorden en tik dan op Klaar. Je kunt ook de nummers typen, "
            "bijvoorbeeld: 1, 3"
        ),
    },
    "hint.multi@u": {
        "nl": (
            "Kies één of meer antwoorden en tik dan op Klaar. U kunt ook de nummers typen, "
            "bijvoorbeeld: 1, 3"
        ),
    },
    "hint.scale": {
        "nl": "Tik op een cijfer, of typ een getal van {min} tot en met {max}.",
    },
    "hint.yesno": {"nl": "Tik op Ja of Nee."},
    "hint.text": {
        "nl": "Typ je antwoord in een bericht (maximaal {max}).",
    },
    "hint.text@u": {"nl": "Typ uw antwoord in een bericht (maximaal {max})."},
    "hint.number": {
        "nl": "Typ een getal van {min} tot en met {max}.",
    },
    "hint.area": {
        "nl": "Kies je wijk, of typ de 4 cijfers van je postcode.",
    },
    "hint.area@u": {"nl": "Kies uw wijk, of typ de 4 cijfers van uw postcode."},
    "invalid.choice": {
        "nl": (
            "Dat antwoord ken ik niet. Tik op een knop of typ een nummer van 1 tot en met {max}."
        ),
    },
    "invalid.multi": {
        "nl": "Dat snap ik niet. Tik op de antwoorden, of typ nummers, bijvoorbeeld: 1, 3",
    },
    "invalid.multi_min": {
        "nl": "Kies er minstens {min}.",
    },
    "invalid.multi_max": {
        "nl": "Kies er hoogstens {max}.",
    },
    "invalid.scale": {
        "nl": "Typ een heel getal van {min} tot en met {max}, of tik op een knop.",
    },
    "invalid.yesno": {
        "nl": "Antwoord met ja of nee, of tik op een knop.",
    },
    "invalid.text_short": {
        "nl": "Je antwoord is wat kort. Schrijf minstens {min}.",
    },
    "invalid.text_short@u": {"nl": "Uw antwoord is wat kort. Schrijf minstens {min}."},
    "invalid.text_long": {
        "nl": (
            "Je tekst is te lang: {length}. Het mag maximaal {max} zijn. "
            "Maak het wat korter en stuur het opnieuw."
        ),
    },
    "invalid.text_long@u": {
        "nl": (
            "Uw tekst is te lang: {length}. Het mag maximaal {max} zijn. Maak het wat korter "
            "en stuur het opnieuw."
        ),
    },
    "invalid.number": {
        "nl": "Typ een getal van {min} tot en met {max}.",
    },
    "invalid.integer": {
        "nl": (
            "Hier kan alleen een heel getal, zonder komma. Typ een getal van {min} tot en met "
            "{max}."
        ),
    },
    "invalid.area": {
        "nl": "Die wijk of postcode ken ik niet. Kies je wijk met een knop.",
    },
    "invalid.area@u": {"nl": "Die wijk of postcode ken ik niet. Kies uw wijk met een knop."},
    "invalid.not_optional": {
        "nl": "Deze vraag kun je niet overslaan.",
    },
    "invalid.not_optional@u": {"nl": "Deze vraag kunt u niet overslaan."},
    "invalid.no_back": {
        "nl": "Dit is de eerste vraag. Terug kan niet.",
    },
    "unsupported": {
        "nl": "Daar kan ik niets mee, sorry. Ik begrijp alleen tekst en knoppen.",
    },
    "edited": {
        "nl": "Een aangepast bericht kan ik niet gebruiken. Wil je een antwoord veranderen? "
        "Tik dan op « Vorige.",
    },
    "edited@u": {
        "nl": (
            "Een aangepast bericht kan ik niet gebruiken. Wilt u een antwoord veranderen? Tik "
            "dan op « Vorige."
        ),
    },
    "unknown_command": {
        "nl": "Dat commando ken ik niet. Stuur /help voor uitleg.",
    },
    "too_long": {
        "nl": "Dat bericht is te lang voor deze vraag.",
    },
    "stale": {
        "nl": "Die knop hoort bij een oudere vraag. Hier is je vraag van nu.",
    },
    "stale@u": {"nl": "Die knop hoort bij een oudere vraag. Hier is uw vraag van nu."},
    "stale.short": {
        "nl": "Die knop werkt niet meer.",
    },
    "already_saved": {
        "nl": "Je antwoord is al opgeslagen.",
    },
    "already_saved@u": {"nl": "Uw antwoord is al opgeslagen."},
    "chosen": {"nl": "Je antwoord: {answer}"},
    "chosen@u": {"nl": "Uw antwoord: {answer}"},
    "went_back": {
        "nl": "« Je ging terug naar de vorige vraag.",
    },
    "went_back@u": {"nl": "« U ging terug naar de vorige vraag."},
    "skipped": {"nl": "(overgeslagen)"},
    # An earlier answer named in a later text ({answer:...}) that was not given.
    "piped.none": {"nl": "(geen antwoord)"},
    "button.skip": {"nl": "Sla over"},
    "button.back": {"nl": "« Vorige"},
    "button.done": {"nl": "Klaar ✓"},
    "button.yes": {"nl": "Ja"},
    "button.no": {"nl": "Nee"},
    # The closing message starts so; every answer and then the outro follow, over as many
    # messages as they need (bot/resident/summary.py).
    "finished": {
        "nl": "<b>Klaar! Dank je wel voor je mening.</b>\n\nDit heb je geantwoord:",
    },
    "finished@u": {"nl": "<b>Klaar! Dank u wel voor uw mening.</b>\n\nDit hebt u geantwoord:"},
    "finished.default_outro": {
        "nl": (
            "Wat gebeurt er nu? Ambtenaren lezen alle antwoorden samen, zonder namen. "
            "Ze gebruiken ze om het beleid beter te maken. Je hoort later wat er mee is gedaan."
        ),
    },
    "finished.default_outro@u": {
        "nl": (
            "Wat gebeurt er nu? Ambtenaren lezen alle antwoorden samen, zonder namen. Ze "
            "gebruiken ze om het beleid beter te maken. U hoort later wat er mee is gedaan."
        ),
    },
    "finished.more": {
        "nl": "Wil je nog een vragenlijst invullen? Stuur /vragenlijsten.",
    },
    "finished.more@u": {"nl": "Wilt u nog een vragenlijst invullen? Stuur /vragenlijsten."},
    "stopped": {
        "nl": (
            "Gestopt. Je antwoorden tot nu toe zijn bewaard. Kies deze vragenlijst later "
            "opnieuw om verder te gaan."
        ),
    },
    "stopped@u": {
        "nl": (
            "Gestopt. Uw antwoorden tot nu toe zijn bewaard. Kies deze vragenlijst later "
            "opnieuw om verder te gaan."
        ),
    },
    "stop.nothing": {
        "nl": (
            "Je bent nu niet met een vragenlijst bezig. Stuur /vragenlijsten om er een te kiezen."
        ),
    },
    "stop.nothing@u": {
        "nl": (
            "U bent nu niet met een vragenlijst bezig. Stuur /vragenlijsten om er een te kiezen."
        ),
    },
    "resume": {
        "nl": "Welkom terug! We gaan verder waar je was gebleven.",
    },
    "resume@u": {"nl": "Welkom terug! We gaan verder waar u was gebleven."},
    "expired": {
        "nl": (
            "Je was een tijd weg, dus je vorige vragenlijst is afgesloten. Je antwoorden "
            "tot dan zijn bewaard. Kies een vragenlijst om opnieuw te beginnen."
        ),
    },
    "expired@u": {
        "nl": (
            "U was een tijd weg, dus uw vorige vragenlijst is afgesloten. Uw antwoorden tot "
            "dan zijn bewaard. Kies een vragenlijst om opnieuw te beginnen."
        ),
    },
    "revise": {
        "nl": (
            "Je hebt deze vragenlijst al ingevuld. Wil je je antwoorden aanpassen? "
            "Je nieuwe antwoorden komen dan in de plaats van de oude."
        ),
    },
    "revise@u": {
        "nl": (
            "U hebt deze vragenlijst al ingevuld. Wilt u uw antwoorden aanpassen? Uw nieuwe "
            "antwoorden komen dan in de plaats van de oude."
        ),
    },
    "revise.yes": {"nl": "Ja, aanpassen"},
    "revise.no": {"nl": "Nee, laat maar"},
    "revise.kept": {
        "nl": "Prima, je antwoorden blijven zoals ze waren.",
    },
    "revise.kept@u": {"nl": "Prima, uw antwoorden blijven zoals ze waren."},
    "closed": {
        "nl": "Deze vragenlijst is gesloten. Je kunt hem niet meer invullen.",
    },
    "closed@u": {"nl": "Deze vragenlijst is gesloten. U kunt hem niet meer invullen."},
    # A questionnaire that closed itself after its max_responses completed responses.
    "closed.full": {
        "nl": (
            "Er hebben al genoeg mensen meegedaan aan deze vragenlijst. Daarom is hij nu "
            "gesloten. Bedankt dat je wilde helpen!"
        ),
    },
    "closed.full@u": {
        "nl": (
            "Er hebben al genoeg mensen meegedaan aan deze vragenlijst. Daarom is hij nu "
            "gesloten. Bedankt dat u wilde helpen!"
        ),
    },
    "unknown_questionnaire": {
        "nl": "Die vragenlijst kan ik niet vinden. Hier zijn de vragenlijsten die open staan.",
    },
    "help": {
        "nl": (
            "<b>Zo werkt het</b>\n"
            "Ik stel je korte vragen over onderwerpen in je buurt. Tik op een knop of typ je "
            "antwoord.\n"
            "Soms is er een gesprek met stellingen. Dan zeg je of je het eens bent met korte "
            "stellingen. Je kunt ook zelf een stelling toevoegen. Zo'n gesprek open je met de "
            "link van de gemeente.\n\n"
            "/vragenlijsten – kies een vragenlijst\n"
            "/stop – stop met de vragenlijst of het gesprek (je antwoorden blijven bewaard)\n"
            "/resultaten – wat er met de antwoorden is gedaan\n"
            "/instellingen – kies welke berichten je krijgt\n"
            "/taal – kies je taal\n"
            "/privacy – wat we bewaren en waarom\n"
            "/mijngegevens – alles wat we over je bewaren\n"
            "/vergeetmij – wis je gegevens\n"
            "/help – deze uitleg"
        ),
    },
    "help@u": {
        "nl": (
            "<b>Zo werkt het</b>\n"
            "Ik stel u korte vragen over onderwerpen in uw buurt. Tik op een knop of typ uw "
            "antwoord.\n"
            "Soms is er een gesprek met stellingen. Dan zegt u of u het eens bent met korte "
            "stellingen. U kunt ook zelf een stelling toevoegen. Zo'n gesprek opent u met de "
            "link van de gemeente.\n\n"
            "/vragenlijsten – kies een vragenlijst\n"
            "/stop – stop met de vragenlijst of het gesprek (uw antwoorden blijven bewaard)\n"
            "/resultaten – wat er met de antwoorden is gedaan\n"
            "/instellingen – kies welke berichten u krijgt\n"
            "/taal – kies uw taal\n"
            "/privacy – wat we bewaren en waarom\n"
            "/mijngegevens – alles wat we over u bewaren\n"
            "/vergeetmij – wis uw gegevens\n"
            "/help – deze uitleg"
        ),
    },
    "help.admin": {
        "nl": (
            "<b>Voor beheerders</b>\n"
            "Een vragenlijst of een gesprek met stellingen toevoegen of bijwerken: stuur het "
            "YAML-bestand in dit gesprek.\n\n"
            "/beheer – vragenlijsten openen, sluiten en archiveren\n"
            "/beheer stellingen – gesprekken met stellingen openen en sluiten\n"
            "/moderatie – open antwoorden en nieuwe stellingen nakijken\n"
            "/terugkoppeling – inwoners vertellen wat er met hun mening gebeurt\n"
            "/uitnodigen – inwoners uitnodigen voor een vragenlijst\n"
            "/export – antwoorden downloaden als CSV, Excel en SPSS (een gesprek met "
            "stellingen: in het formaat van Polis)\n"
            "/codes – uitnodigingscodes maken voor een steekproef van adressen\n"
            "/rapport – rapport voor de raad als Word-bestand\n"
            "/publiceer – resultatenpagina openbaar maken (of offline halen)"
        ),
    },
    "help.question": {
        "nl": (
            "<i>Je bent bezig met {title}. Vraag {number} van {total} staat hierboven en wacht "
            "op je antwoord.</i>"
        ),
    },
    "help.question@u": {
        "nl": (
            "<i>U bent bezig met {title}. Vraag {number} van {total} staat hierboven en wacht "
            "op uw antwoord.</i>"
        ),
    },
    "language.pick": {
        "nl": "Welke taal wil je? / Which language do you prefer?",
    },
    "language.pick@u": {"nl": "Welke taal wilt u? / Which language do you prefer?"},
    "language.set": {
        "nl": "Ik praat nu Nederlands met je.",
    },
    "language.set@u": {"nl": "Ik praat nu Nederlands met u."},
    "privacy": {
        "nl": (
            "<b>Privacy</b>\n"
            "<b>Wat we bewaren:</b> je antwoorden, de taal die je kiest en wanneer je "
            "antwoordde. We bewaren geen naam, gebruikersnaam of telefoonnummer. Je antwoorden "
            "staan onder een code, niet onder je Telegram-nummer. Om je een bericht te kunnen "
            "sturen bewaren we je chatnummer apart.\n"
            "<b>Waarom:</b> zodat {municipality} weet wat inwoners vinden van het beleid.\n"
            "<b>Hoe lang:</b> open antwoorden en je chatnummer worden {retention} na het "
            "sluiten van een vragenlijst gewist. Cijfers blijven bewaard, zonder link naar jou. "
            "Vroeg je om berichten (/instellingen)? Dan bewaren we je chatnummer tot je dat "
            "uitzet.\n"
            "<b>Wie het ziet:</b> ambtenaren zien alleen totalen en citaten zonder namen.\n"
            "<b>Jouw rechten:</b> met /mijngegevens krijg je alles wat we over je bewaren. "
            "Met /vergeetmij wissen we je gegevens en trek je je toestemming in. Met /stop "
            "stop je met een vragenlijst. Vragen? Mail {contact}."
        ),
    },
    "privacy@u": {
        "nl": (
            "<b>Privacy</b>\n"
            "<b>Wat we bewaren:</b> uw antwoorden, de taal die u kiest en wanneer u "
            "antwoordde. We bewaren geen naam, gebruikersnaam of telefoonnummer. Uw antwoorden "
            "staan onder een code, niet onder uw Telegram-nummer. Om u een bericht te kunnen "
            "sturen bewaren we uw chatnummer apart.\n"
            "<b>Waarom:</b> zodat {municipality} weet wat inwoners vinden van het beleid.\n"
            "<b>Hoe lang:</b> open antwoorden en uw chatnummer worden {retention} na het "
            "sluiten van een vragenlijst gewist. Cijfers blijven bewaard, zonder link naar u. "
            "Vroeg u om berichten (/instellingen)? Dan bewaren we uw chatnummer tot u dat "
            "uitzet.\n"
            "<b>Wie het ziet:</b> ambtenaren zien alleen totalen en citaten zonder namen.\n"
            "<b>Uw rechten:</b> met /mijngegevens krijgt u alles wat we over u bewaren. Met "
            "/vergeetmij wissen we uw gegevens en trekt u uw toestemming in. Met /stop stopt u "
            "met een vragenlijst. Vragen? Mail {contact}."
        ),
    },
    "error": {
        "nl": "Sorry, er ging iets mis aan onze kant. Probeer het zo nog eens.",
    },
    "group.only_private": {
        "nl": "Vragenlijsten invullen doe je in een privégesprek met mij.",
    },
    "group.only_private@u": {"nl": "Vragenlijsten invullen doet u in een privégesprek met mij."},
    # --- numbers with their noun, for texts that have more to say than the number ---------
    "unit.days[one]": {"nl": "{count} dag"},
    "unit.days[other]": {"nl": "{count} dagen"},
    "unit.characters[one]": {"nl": "{count} teken"},
    "unit.characters[other]": {"nl": "{count} tekens"},
    "flood": {
        "nl": (
            "Rustig aan! Je stuurt veel berichten tegelijk. Wacht even en probeer het dan opnieuw."
        ),
    },
    "flood@u": {
        "nl": (
            "Rustig aan! U stuurt veel berichten tegelijk. Wacht even en probeer het dan opnieuw."
        ),
    },
}


def _merge(*parts: dict[str, dict[str, str]]) -> None:
    """Add the texts of one feature (privacy, administration...) to the catalog."""
    for part in parts:
        clash = CATALOG.keys() & part.keys()
        if clash:
            raise RuntimeError(f"text keys defined twice: {sorted(clash)}")
        CATALOG.update(part)


_merge(TEXTS_PRIVACY, TEXTS_ADMIN, TEXTS_OUTCOMES, TEXTS_MODERATION, TEXTS_ANSWERS)
_merge(TEXTS_SENDING)
_merge(TEXTS_PROFILE, TEXTS_POPULATION)
_merge(TEXTS_SHAPES)  # grids, anders namelijk, ranking, dates (issue 16)
_merge(TEXTS_STELLINGEN, TEXTS_STELLINGEN_ADMIN)
_merge(TEXTS_LANGUAGES)  # language names, the command menu in every language (issue 17)
_merge(TEXTS_CODES)  # invitation codes for a random sample (issue 23)
_merge(TEXTS_WEB)  # the web door's chat page (issue 23)

# Commands, shown in Telegram's menu (setMyCommands) per language: the residents' in every
# private chat, the civil servants' group's in that group, administrators' in their own chat
# (their commands: flows/texts/admin.py). Each is described by a text in the catalogs
# (``menu.<Dutch command>``, ``admin.menu.<command>``, ``admin.menu.group.<command>``). The
# Dutch descriptions address nobody ("je" or "u"): the menu is the same for every resident.
#: The residents' commands: the Dutch name, and the name every other language's menu shows.
COMMAND_NAMES: tuple[tuple[str, str], ...] = (
    ("start", "start"),
    ("vragenlijsten", "questionnaires"),
    ("stop", "stop"),
    ("resultaten", "resultaten"),
    ("instellingen", "instellingen"),
    ("overmij", "aboutme"),
    ("taal", "language"),
    ("privacy", "privacy"),
    ("mijngegevens", "mijngegevens"),
    ("vergeetmij", "vergeetmij"),
    ("help", "help"),
)
#: The languages the civil servants' group gets a menu in.
GROUP_MENU_LANGUAGES = ("nl", "en")


def commands(language: Language) -> list[tuple[str, str]]:
    """The residents' command menu in ``language``: the Dutch commands in Dutch, the English
    ones (``/questionnaires``, ``/language``) in every other language, described in the
    language's catalog (``menu.<Dutch command>``)."""
    dutch = str(language) == DEFAULT_LANGUAGE
    return [
        (name if dutch else other, raw(language, f"menu.{name}")) for name, other in COMMAND_NAMES
    ]


def admin_commands(language: Language) -> list[tuple[str, str]]:
    """What the administrators' menu adds to the residents' in ``language`` (staff texts:
    Dutch where the language's catalog has none)."""
    return [(name, raw(language, f"admin.menu.{name}")) for name in ADMIN_COMMANDS]


def group_commands(language: Language) -> list[tuple[str, str]]:
    """The civil servants' group's command menu in ``language``."""
    return [(name, raw(language, f"admin.menu.group.{name}")) for name in GROUP_COMMANDS]


def language_name(code: str) -> str:
    """A language's name in that language, for /taal: ``Nederlands``, ``العربية``, ``Türkçe``."""
    name = BabelLocale.parse(code.replace("-", "_")).get_display_name(code.replace("-", "_"))
    return (name or code)[:1].upper() + (name or code)[1:]


class Html(str):
    """Text that is already safe Telegram HTML; :func:`t` passes it through unescaped."""

    __slots__ = ()


class Locale(str):
    """A language as the bot speaks it to one resident: the language code (the string
    itself, so it goes wherever a language goes) and the Dutch form of address, ``je`` or
    ``u`` (FORM_OF_ADDRESS, or a questionnaire's ``address`` inside its conversation).

    Everything that writes a text for a resident passes the language on to :func:`t`
    untouched, so the form chosen where the conversation starts holds in every text of it.
    """

    address: Address

    def __new__(cls, language: str, address: Address = DEFAULT_ADDRESS) -> Locale:
        locale = super().__new__(cls, language)
        locale.address = address
        return locale

    def __repr__(self) -> str:
        return f"Locale({str(self)!r}, {self.address!r})"


def escape(value: object) -> str:
    """Escape any value for Telegram HTML (``<``, ``>`` and ``&``)."""
    return value if isinstance(value, Html) else html.escape(str(value), quote=False)


_TAG = re.compile(r"<[^>]+>")


def plain_text(text: str) -> str:
    """Telegram HTML as plain text (tags dropped, entities decoded): for a terminal, or a
    callback answer, which takes no markup."""
    return html.unescape(_TAG.sub("", text))


def language_of(code: str | None) -> Language:
    """The language for a Telegram ``language_code`` (``ar``, ``tr-TR``, ``en-GB``): the
    language itself when there is a catalog for it, else Dutch."""
    primary = (code or "").lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def address_of(language: Language) -> Address:
    """The form of address ``language`` carries (a :class:`Locale`), else ``je``."""
    return cast(Address, getattr(language, "address", DEFAULT_ADDRESS))


def plural_form(language: Language, count: int) -> str:
    """``one`` or ``other``: the plural form of ``count`` in the Dutch source texts."""
    return "one" if count == 1 else "other"


def direction(language: Language) -> Literal["ltr", "rtl"]:
    """``rtl`` for a language written from right to left (Arabic), else ``ltr``."""
    return "rtl" if str(language) in RIGHT_TO_LEFT else "ltr"


def t(language: Language, key: str, /, **params: object) -> Html:
    """The text ``key`` in ``language`` with every parameter HTML-escaped.

    Two parameters also choose the text: ``count`` (an int) the plural form of a plural text
    (``<key>[one]``/``<key>[other]``), and is shown as a number the way the language writes
    it; ``address`` (``je`` or ``u``) the form of address, instead of the one ``language``
    carries (see :class:`Locale`).
    """
    address = params.pop("address", None)
    if address is not None and address not in ADDRESSES:
        raise ValueError(f"address must be one of {ADDRESSES}, not {address!r}")
    count = params.get("count")
    number = count if isinstance(count, int) and not isinstance(count, bool) else None
    template = _template(language, key, number, address)
    values = {k: escape(v) for k, v in params.items()}
    if number is not None:
        values["count"] = formats.number(number, language=str(language))
    return Html(template.format(**values))


def raw(language: Language, key: str, /, *, address: Address | None = None) -> str:
    """A catalog text without formatting, for button labels."""
    return _template(language, key, None, address)


def source(key: str) -> str | tuple[str, str] | None:
    """The Dutch text of ``key`` (``<key>@u`` for a twin): a plural text's two forms, or
    None when there is no such key."""
    if f"{key}[other]" in CATALOG:
        return (CATALOG[f"{key}[one]"]["nl"], CATALOG[f"{key}[other]"]["nl"])
    entry = CATALOG.get(key)
    return entry["nl"] if entry is not None else None


def _template(language: Language, key: str, count: int | None, address: Address | None) -> str:
    """The template for ``key``: the plural form of ``count`` and the form of address, in
    ``language`` from its catalog, else in Dutch (what has no translation yet, or what
    administrators alone read)."""
    spoken = address or address_of(language)
    names = [f"{key}@{spoken}", key] if spoken != DEFAULT_ADDRESS else [key]
    found = [(name, dutch) for name in names if (dutch := source(name)) is not None]
    if not found:
        raise KeyError(key)
    if isinstance(found[0][1], tuple) and count is None:
        raise TypeError(f"the text {key!r} has plural forms: give count=<int>")
    for code in dict.fromkeys((str(language), DEFAULT_LANGUAGE)):
        catalog = TRANSLATIONS.get(code)
        if catalog is None:
            continue
        for name, dutch in found:
            translated = catalog.get(name, dutch[0] if isinstance(dutch, tuple) else dutch)
            if isinstance(translated, tuple) and count is not None:
                return translated[min(catalog.plural(count), len(translated) - 1)]
            if isinstance(translated, str):
                return translated
    dutch = found[0][1]
    if isinstance(dutch, tuple):
        return dutch[0] if plural_form(DEFAULT_LANGUAGE, count or 0) == "one" else dutch[1]
    return dutch


_VARIANT = re.compile(r"(?P<text>[^@\[\]]+)(?:@(?P<address>[^@\[\]]+))?(?:\[(?P<form>[^\]]+)\])?")


def check_catalog(catalog: dict[str, dict[str, str]]) -> None:
    """Refuse a catalog whose variants do not add up: a plural text without both forms (or
    also a plain key), a form or an address that does not exist, or a "u" twin without its
    "je" text or in another language than Dutch."""
    problems = []
    for key in catalog:
        match = _VARIANT.fullmatch(key)
        if match is None:
            problems.append(f"{key} is not <key>, <key>@u, <key>[form] or <key>@u[form]")
            continue
        text, address, form = match.group("text", "address", "form")
        stem = f"{text}@{address}" if address else text
        if form is not None:
            if form not in PLURAL_FORMS:
                problems.append(f"{key}: the plural forms are {PLURAL_FORMS}")
            problems += [f"no {stem}[{f}]" for f in PLURAL_FORMS if f"{stem}[{f}]" not in catalog]
            if stem in catalog:
                problems.append(f"{stem} is both a text and plural forms")
        if address is not None:
            if address not in ADDRESSES or address == DEFAULT_ADDRESS:
                problems.append(f"{key}: only the 'u' form has a twin")
            plain = text + (f"[{form}]" if form else "")
            if plain not in catalog:
                problems.append(f"{key} has no {plain}")
            if set(catalog[key]) != {DEFAULT_LANGUAGE}:
                problems.append(f"{key}: a form of address is Dutch only")
    if problems:
        raise RuntimeError("text catalog: " + "; ".join(sorted(set(problems))))


check_catalog(CATALOG)

#: The residents' command menu in every language (see :func:`commands`).
COMMANDS: dict[str, list[tuple[str, str]]] = {code: commands(code) for code in LANGUAGES}
