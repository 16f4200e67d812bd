"""What the validator says about a questionnaire file, for administrators: Dutch (B1; English
in flows/locales), in plain words, each saying what is allowed.

Merged into :data:`flows.texts.CATALOG` (through :mod:`flows.texts.admin`). The keys are
``problem.<code>``; :class:`flows.problems.Message` names one with its parameters. Field names
and values from the file are parameters, so they are shown as written (and escaped). A
message is one sentence or two, without markup: the command line prints it as it is.
Longer than most modules because it is a catalog: every message the validator has, twice.
"""

from __future__ import annotations

TEXTS_PROBLEMS: dict[str, dict[str, str]] = {
    # --- the file itself ----------------------------------------------------------------------
    "problem.file_too_big": {
        "nl": "het bestand is {size} bytes; een vragenlijst is hoogstens {max} bytes",
    },
    "problem.unreadable": {
        "nl": "kan het bestand niet lezen ({reason})",
    },
    "problem.not_utf8": {
        "nl": "het bestand is geen UTF-8-tekst; sla het op als UTF-8",
    },
    "problem.empty_file": {"nl": "het bestand is leeg"},
    "problem.not_mapping": {
        "nl": (
            "een vragenlijst begint met velden onder elkaar (schema_version:, id:, title:, …), "
            "niet met een lijst"
        ),
    },
    "problem.folder_missing": {
        "nl": "map niet gevonden (stel QUESTIONNAIRES_DIR in)",
    },
    "problem.same_version": {
        "nl": "{id} versie {version} staat ook in {other}",
    },
    "problem.more": {
        "nl": "en nog {count} problemen; los eerst de problemen hierboven op",
    },
    "problem.both": {"nl": "{first}; {second}"},
    "problem.found": {"nl": "problemen gevonden: {count}"},
    # --- YAML, read safely (flows.yamlsafe) ---------------------------------------------------
    "problem.alias": {
        "nl": (
            "ankers en verwijzingen (& en *) mogen niet in een vragenlijst. Wil je één "
            "antwoordlijst bij meer vragen gebruiken? Zet hem bij option_sets en schrijf bij "
            "de vraag options: met de naam van de lijst"
        ),
    },
    "problem.also": {
        "nl": "{message} (ook op regel {lines})",
    },
    "problem.tag": {
        "nl": "de YAML-tag {tag} mag niet in een vragenlijst; haal hem weg",
    },
    "problem.too_many_values": {
        "nl": "het bestand heeft meer dan {max} waarden; een vragenlijst heeft er veel minder",
    },
    "problem.too_deep": {
        "nl": "het bestand is dieper dan {max} niveaus ingesprongen",
    },
    "problem.key_twice": {
        "nl": "staat twee keer in hetzelfde blok; haal er één weg",
    },
    "problem.number_too_long": {
        "nl": "'{value}' is te lang voor een getal",
    },
    "problem.bad_scalar": {
        "nl": "'{value}' past niet bij {tag}",
    },
    # YAML that cannot be read: what PyYAML found, in plain words
    "problem.yaml.colon": {
        "nl": "hier staat een dubbele punt (:) die YAML niet verwacht",
    },
    "problem.yaml.key": {
        "nl": "hier staat een vraagteken (?) dat YAML leest als het begin van een veldnaam",
    },
    "problem.yaml.no_colon": {
        "nl": "hier mist een dubbele punt (:) na een veldnaam, of een tekst loopt verder op "
        "de volgende regel",
    },
    "problem.yaml.tab": {
        "nl": "hier staat een tab; spring in met spaties",
    },
    "problem.yaml.start": {
        "nl": "een tekst kan niet beginnen met {char} zonder aanhalingstekens",
    },
    "problem.yaml.indent": {
        "nl": "de inspringing klopt hier niet: zet velden van hetzelfde blok precies onder "
        "elkaar, met spaties",
    },
    "problem.yaml.flow": {
        "nl": "een blok tussen {{ }} of [ ] loopt hier niet goed",
    },
    "problem.yaml.quote": {
        "nl": "een aanhalingsteken (\" of ') wordt niet gesloten",
    },
    "problem.yaml.documents": {
        "nl": "het bestand heeft meer dan één deel (---); stuur één vragenlijst per bestand",
    },
    "problem.yaml.characters": {
        "nl": "het bestand bevat tekens die niet in een tekstbestand horen",
    },
    "problem.yaml.other": {
        "nl": "YAML kan het bestand hier niet lezen",
    },
    "problem.yaml.quote_hint": {
        "nl": (
            "{problem}. Staat er in een tekst een dubbele punt (:), een vraagteken (?) of een "
            "hekje (#)? Zet die tekst dan tussen aanhalingstekens, zo: {example}"
        ),
    },
    # --- fields (pydantic's checks, in our words) ---------------------------------------------
    "problem.required": {
        "nl": "ontbreekt; dit veld is verplicht",
    },
    "problem.required.nl": {
        "nl": "de Nederlandse tekst (nl) ontbreekt",
    },
    "problem.unknown": {
        "nl": "is geen veld dat ik ken. Hier kan: {known}",
    },
    "problem.unknown.guess": {
        "nl": "is geen veld dat ik ken. Bedoel je '{guess}'? Hier kan: {known}",
    },
    "problem.unknown.text": {
        "nl": (
            "is geen taal die ik ken (hier kan: {known}). Staat er een komma in de tekst "
            "tussen {{ }}? Zet de tekst dan tussen aanhalingstekens"
        ),
    },
    "problem.type.wrong": {
        "nl": "{value} is geen soort vraag. Kies uit: {types}",
    },
    "problem.type.missing": {
        "nl": "ontbreekt. Geef de soort vraag: {types}",
    },
    "problem.mapping": {
        "nl": "hier horen velden (naam: waarde), elk op een eigen regel of tussen {{ }}",
    },
    "problem.mapping.text": {
        "nl": "een tekst heeft een regel nl: (en en: voor Engels), of {{nl: …, en: …}}",
    },
    "problem.list": {
        "nl": "hier hoort een lijst: regels die beginnen met '- ', of [ … ]",
    },
    "problem.text": {"nl": "hier hoort tekst"},
    "problem.empty": {
        "nl": "is leeg; schrijf hier een tekst",
    },
    "problem.length": {
        "nl": "is {actual} tekens lang; het mag {range} tekens zijn",
    },
    "problem.whole_number": {
        "nl": "hier hoort een heel getal, zoals 3 (niet {value})",
    },
    "problem.number": {
        "nl": "hier hoort een getal (niet {value})",
    },
    "problem.bool": {
        "nl": "hier hoort true (ja) of false (nee), niet {value}",
    },
    "problem.range": {
        "nl": "moet {range} zijn, niet {value}",
    },
    "problem.count": {
        "nl": "heeft er {actual}; het moeten er {range} zijn",
    },
    "problem.range.between": {"nl": "{low} tot en met {high}"},
    "problem.range.at_least": {"nl": "{low} of meer"},
    "problem.range.at_most": {"nl": "{high} of minder"},
    "problem.range.above": {"nl": "meer dan {low}"},
    "problem.range.below": {"nl": "minder dan {high}"},
    "problem.choose": {
        "nl": "{value} kan hier niet. Kies uit: {allowed}",
    },
    "problem.exactly": {
        "nl": "moet {allowed} zijn (niet {value})",
    },
    "problem.date": {
        "nl": "hier hoort een datum, zoals 2026-11-01 of 2026-11-01 09:00 (niet {value})",
    },
    "problem.shape.list": {"nl": "een lijst"},
    "problem.shape.mapping": {"nl": "een blok met velden"},
    "problem.invalid": {
        "nl": "deze waarde kan hier niet: {value}",
    },
    "problem.own": {"nl": "{message}"},
    # --- checks of the format itself (flows.schema) -------------------------------------------
    "problem.slug": {
        "nl": (
            "gebruik alleen kleine letters, cijfers, '-' en '_', en begin met een letter of "
            "cijfer (niet {value})"
        ),
    },
    "problem.option_id_bytes": {
        "nl": (
            "is {size} bytes; een knop in Telegram heeft plaats voor een id van hoogstens "
            "{max} bytes. Maak de id korter"
        ),
    },
    "problem.text_too_long": {
        "nl": "de tekst in '{language}' heeft {size} tekens; hoogstens {max}",
    },
    "problem.text_empty": {
        "nl": "de tekst in '{language}' is leeg; laat de taal weg als er geen vertaling is",
    },
    "problem.postcode": {
        "nl": "postcode {value} is geen 4 cijfers en geen reeks zoals 1011-1018",
    },
    "problem.postcode_backwards": {
        "nl": "de postcodes {value} lopen achteruit; zet de laagste voorop",
    },
    "problem.condition.none": {
        "nl": "geef een van deze: equals, one_of, at_least, at_most",
    },
    "problem.condition.mixed": {
        "nl": "gebruik at_least/at_most, of equals/one_of; niet allebei",
    },
    "problem.condition.both": {
        "nl": "gebruik equals of one_of; niet allebei",
    },
    "problem.choices_bounds": {
        "nl": "min_choices en max_choices moeten tussen 1 en {count} liggen (het aantal opties)",
    },
    "problem.length_bounds": {
        "nl": "min_length is groter dan max_length",
    },
    "problem.number_bounds": {
        "nl": "min moet kleiner zijn dan max",
    },
    "problem.dates": {
        "nl": "closes_at moet na opens_at komen",
    },
    # --- scores and SPSS names (flows.public_value, flows.variables, flows.schema) ------------
    "problem.score.no_dimension": {
        "nl": (
            "een score telt alleen mee in de scorekaart publieke waarde: geef de vraag een "
            "dimension (dienstverlening, organisatie of bestuur), of haal de scores weg"
        ),
    },
    "problem.score.same": {
        "nl": (
            "geef minstens twee verschillende scores (bijvoorbeeld 0 en 100), zodat de "
            "antwoorden een plek daartussen hebben"
        ),
    },
    "problem.variable.name": {
        "nl": (
            "is geen geldige SPSS-naam: begin met een letter, dan letters, cijfers, "
            "'_' of '.', niet eindigend op '.' (bijvoorbeeld V12 of tevr_sport)"
        ),
    },
    "problem.variable.length": {
        "nl": "heeft {size} tekens; SPSS staat hoogstens {max} toe",
    },
    "problem.variable.reserved": {
        "nl": "{value} is een woord dat SPSS zelf gebruikt; kies een andere naam",
    },
    "problem.variable.export_column": {
        "nl": "'{name}' is al een kolom van de export zelf ({columns})",
    },
    "problem.variable.taken": {
        "nl": "'{column}' wordt al gebruikt door '{other}'",
    },
    "problem.variable.taken.option": {
        "nl": (
            "'{column}' wordt al gebruikt door '{other}' (de opties van een multi-vraag zijn "
            "de kolommen {name}_1, {name}_2, …)"
        ),
    },
    # --- the questionnaire as a whole (flows.validator) ---------------------------------------
    "problem.id_twice": {
        "nl": "'{id}' hoort bij twee vragen; geef elke vraag een eigen id",
    },
    "problem.end_reserved": {
        "nl": "'{id}' is gereserveerd voor het einde van de vragenlijst; kies een andere id",
    },
    "problem.choice_twice": {
        "nl": "'{id}' staat twee keer in deze lijst",
    },
    "problem.rule.last_when": {
        "nl": (
            "de laatste regel heeft geen 'when' nodig: die geldt als geen andere regel past. "
            "Haal 'when' weg of voeg een regel met alleen 'goto' toe"
        ),
    },
    "problem.rule.no_when": {
        "nl": (
            "alleen de laatste regel mag zonder 'when': de regels na deze worden nooit gebruikt"
        ),
    },
    "problem.goto": {
        "nl": "gaat naar '{goto}', maar die vraag bestaat niet. Kan wel: een vraag-id of '{end}'",
    },
    "problem.goto.guess": {
        "nl": "gaat naar '{goto}', maar die vraag bestaat niet. Bedoel je '{guess}'?",
    },
    "problem.when.unknown": {
        "nl": "'{ref}' is geen vraag in deze lijst",
    },
    "problem.when.unknown.guess": {
        "nl": "'{ref}' is geen vraag in deze lijst. Bedoel je '{guess}'?",
    },
    "problem.when.kind": {
        "nl": (
            "hier hoort een voorwaarde: 'question' met 'equals', 'one_of', 'at_least' of "
            "'at_most', of 'all', 'any' of 'not' met voorwaarden eronder"
        ),
    },
    "problem.when.before": {
        "nl": "'{ref}' komt niet vóór deze vraag, dus er is nog geen antwoord op",
    },
    "problem.answer.unknown": {
        "nl": "'{{answer:{ref}}}': '{ref}' is geen vraag in deze lijst",
    },
    "problem.answer.later": {
        "nl": (
            "'{{answer:{ref}}}': '{ref}' komt niet vóór deze vraag, dus er is nog geen antwoord op"
        ),
    },
    "problem.when.later": {
        "nl": "'{ref}' komt na deze vraag, dus er is nog geen antwoord op",
    },
    "problem.when.one_of_number": {
        "nl": "one_of past niet bij een getal; gebruik equals, at_least of at_most",
    },
    "problem.when.equals_number": {
        "nl": "equals moet een getal zijn: '{id}' is een vraag van de soort {type}",
    },
    "problem.when.out_of_range": {
        "nl": "{value} is geen antwoord op '{id}' (dat is {low} tot en met {high})",
    },
    "problem.when.needs_number": {
        "nl": "at_least en at_most werken alleen bij een vraag van de soort scale of number; "
        "'{id}' is dat niet",
    },
    "problem.when.not_an_answer": {
        "nl": "{values} is geen antwoord op '{id}'. Kan wel: {allowed}",
    },
    "problem.when.open_question": {
        "nl": (
            "'{id}' is een vraag van de soort {type}; vertakken kan alleen op gesloten "
            "vragen (choice, multi, scale, yesno, number, area)"
        ),
    },
    "problem.loop": {
        "nl": "maakt een rondje: {cycle}",
    },
    "problem.unreachable": {
        "nl": "'{id}' wordt nooit bereikt: geen vraag gaat erheen",
    },
    "problem.warning": {"nl": "let op: {message}"},
    "problem.untranslated": {
        "nl": (
            "de Engelse vertaling (en) ontbreekt bij: {where} ({count} in totaal). Wie de bot "
            "in het Engels gebruikt, ziet daar de Nederlandse tekst"
        ),
    },
    "problem.untranslated.other": {
        "nl": (
            "de vertaling in '{language}' ontbreekt bij: {where} ({count} in totaal). Wie de "
            "bot in die taal gebruikt, ziet daar de Nederlandse tekst"
        ),
    },
    "problem.language.no_catalog": {
        "nl": (
            "de bot spreekt geen '{language}', dus geen inwoner ziet de teksten in die taal. "
            "De bot spreekt: {languages}. Een nieuwe taal krijgt de bot in flows/locales"
        ),
    },
    "problem.untranslated.where": {
        "nl": "{fields}; vragen {questions}",
    },
    "problem.untranslated.questions": {"nl": "vragen {questions}"},
    # --- named answer lists (option_sets) -----------------------------------------------------
    "problem.sets.mapping": {
        "nl": (
            "option_sets is een blok met lijsten, elk met een naam, zo: "
            "option_sets: / tevreden: / - {{id: ja, label: …}}"
        ),
    },
    "problem.sets.name": {
        "nl": (
            "'{value}' kan geen naam van een lijst zijn: gebruik kleine letters, cijfers, '-' "
            "en '_'"
        ),
    },
    "problem.sets.unknown": {
        "nl": "er is geen lijst '{name}' bij option_sets. Wel: {known}",
    },
    "problem.sets.unknown.guess": {
        "nl": "er is geen lijst '{name}' bij option_sets. Bedoel je '{guess}'? Wel: {known}",
    },
    "problem.sets.none": {
        "nl": (
            "'{name}' verwijst naar een lijst bij option_sets, maar het bestand heeft geen "
            "option_sets. Zet de opties hier onder elkaar, of voeg option_sets toe"
        ),
    },
    "problem.sets.unused": {
        "nl": "de lijst '{name}' wordt door geen enkele vraag gebruikt (options: {name})",
    },
    "problem.exclusive.not_multi": {
        "nl": (
            "alleen een optie van een multi-vraag kan exclusive zijn; '{id}' is een "
            "{type}-vraag, waar toch maar één antwoord gekozen wordt"
        ),
    },
    "problem.exclusive.min_choices": {
        "nl": (
            "een exclusive optie wordt alleen gekozen, maar '{id}' vraagt om minstens {min} "
            "antwoorden (min_choices)"
        ),
    },
    "problem.decimals_vs_integer": {
        "nl": (
            "integer: true zegt hele getallen; laat integer weg en zeg met decimals hoeveel "
            "cijfers er na de komma mogen"
        ),
    },
    "problem.decimals_vs_fraction": {
        "nl": (
            "integer: false zegt decimalen; laat integer weg en zeg met decimals hoeveel "
            "cijfers er na de komma mogen"
        ),
    },
    # --- images on questions (flows.images, bot/core/images.py) --------------------------------
    "problem.image.long": {
        "nl": "is te lang; een pad of URL heeft hoogstens {max} tekens",
    },
    "problem.image.not_https": {
        "nl": "{value}: een URL voor een afbeelding begint met https:// (geen http of anders)",
    },
    "problem.image.bad_url": {
        "nl": "{value} is geen bruikbare URL: geef https://, een servernaam en het pad",
    },
    "problem.image.absolute": {
        "nl": (
            "{value}: geef een pad vanaf de map met vragenlijsten, zoals images/plan.png "
            "(geen pad vanaf de schijf, geen \\)"
        ),
    },
    "problem.image.dotdot": {
        "nl": "{value}: '..' mag niet; de afbeelding staat in de map met vragenlijsten",
    },
    "problem.image.suffix": {
        "nl": "{value}: een afbeelding eindigt op {allowed}",
    },
    "problem.image.outside": {
        "nl": "{value} wijst naar een plek buiten de map met vragenlijsten",
    },
    "problem.image.missing": {
        "nl": "{value} is niet gevonden in {folder}",
    },
    "problem.image.too_big": {
        "nl": "{value} is {size} KB; een afbeelding mag hoogstens {max} KB zijn",
    },
    "problem.image.unreadable": {
        "nl": "{value} kan niet gelezen worden ({reason})",
    },
    "problem.image.not_image": {
        "nl": "{value} is geen PNG-, JPEG- of WebP-afbeelding",
    },
    "problem.image.url_failed": {
        "nl": "{value} gaf geen afbeelding: {reason}",
    },
    "problem.image.url_status": {
        "nl": "het adres antwoordde met HTTP {status} in plaats van 200 (bestaat de URL?)",
    },
    "problem.image.url_big": {
        "nl": "het is meer dan {max} KB",
    },
    "problem.image.url_unreachable": {
        "nl": "het adres was niet te bereiken ({reason})",
    },
    "problem.image.url_not_image": {
        "nl": "wat het adres gaf is geen PNG-, JPEG- of WebP-afbeelding",
    },
    "problem.nothing": {"nl": "(geen)"},
}
