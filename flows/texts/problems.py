# Over 500 lines on purpose: it is a catalog (one text per problem, Dutch and English), not logic.
"""What the validator says about a questionnaire file, for administrators: Dutch (B1) and
English, in plain words, each saying what is allowed.

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
        "en": "file is {size} bytes; at most {max}",
    },
    "problem.unreadable": {
        "nl": "kan het bestand niet lezen ({reason})",
        "en": "cannot read: {reason}",
    },
    "problem.not_utf8": {
        "nl": "het bestand is geen UTF-8-tekst; sla het op als UTF-8",
        "en": "not UTF-8 text; save the file as UTF-8",
    },
    "problem.empty_file": {"nl": "het bestand is leeg", "en": "the file is empty"},
    "problem.not_mapping": {
        "nl": (
            "een vragenlijst begint met velden onder elkaar (schema_version:, id:, title:, …), "
            "niet met een lijst"
        ),
        "en": "a questionnaire is a mapping of fields (id, title, ...)",
    },
    "problem.folder_missing": {
        "nl": "map niet gevonden (stel QUESTIONNAIRES_DIR in)",
        "en": "folder not found (set QUESTIONNAIRES_DIR)",
    },
    "problem.same_version": {
        "nl": "{id} versie {version} staat ook in {other}",
        "en": "{id} version {version} is also in {other}",
    },
    "problem.more": {
        "nl": "en nog {count} problemen; los eerst de problemen hierboven op",
        "en": "and {count} more problems; fix the ones above first",
    },
    "problem.both": {"nl": "{first}; {second}", "en": "{first}; {second}"},
    "problem.found": {"nl": "problemen gevonden: {count}", "en": "{count} problem(s) found"},
    # --- YAML, read safely (flows.yamlsafe) ---------------------------------------------------
    "problem.alias": {
        "nl": (
            "ankers en verwijzingen (& en *) mogen niet in een vragenlijst. Wil je één "
            "antwoordlijst bij meer vragen gebruiken? Zet hem bij option_sets en schrijf bij "
            "de vraag options: met de naam van de lijst"
        ),
        "en": (
            "anchors and aliases (& and *) are not allowed. To share one answer list between "
            "questions, put it under option_sets and write options: with its name"
        ),
    },
    "problem.also": {
        "nl": "{message} (ook op regel {lines})",
        "en": "{message} (also on line {lines})",
    },
    "problem.tag": {
        "nl": "de YAML-tag {tag} mag niet in een vragenlijst; haal hem weg",
        "en": "YAML tag {tag} is not allowed",
    },
    "problem.too_many_values": {
        "nl": "het bestand heeft meer dan {max} waarden; een vragenlijst heeft er veel minder",
        "en": "has more than {max} values; a questionnaire needs far fewer",
    },
    "problem.too_deep": {
        "nl": "het bestand is dieper dan {max} niveaus ingesprongen",
        "en": "nested deeper than {max} levels",
    },
    "problem.key_twice": {
        "nl": "staat twee keer in hetzelfde blok; haal er één weg",
        "en": "appears twice",
    },
    "problem.number_too_long": {
        "nl": "'{value}' is te lang voor een getal",
        "en": "'{value}' is too long for a number",
    },
    "problem.bad_scalar": {
        "nl": "'{value}' past niet bij {tag}",
        "en": "'{value}' is not a valid {tag}",
    },
    # YAML that cannot be read: what PyYAML found, in plain words
    "problem.yaml.colon": {
        "nl": "hier staat een dubbele punt (:) die YAML niet verwacht",
        "en": "not valid YAML: a colon (:) where YAML does not expect one",
    },
    "problem.yaml.key": {
        "nl": "hier staat een vraagteken (?) dat YAML leest als het begin van een veldnaam",
        "en": "not valid YAML: a question mark (?) that YAML reads as the start of a key",
    },
    "problem.yaml.no_colon": {
        "nl": "hier mist een dubbele punt (:) na een veldnaam, of een tekst loopt verder op "
        "de volgende regel",
        "en": "not valid YAML: a key without its colon (:), or a text that runs on to the "
        "next line",
    },
    "problem.yaml.tab": {
        "nl": "hier staat een tab; spring in met spaties",
        "en": "not valid YAML: a tab; indent with spaces",
    },
    "problem.yaml.start": {
        "nl": "een tekst kan niet beginnen met {char} zonder aanhalingstekens",
        "en": "not valid YAML: a text cannot start with {char} without quotes",
    },
    "problem.yaml.indent": {
        "nl": "de inspringing klopt hier niet: zet velden van hetzelfde blok precies onder "
        "elkaar, met spaties",
        "en": "not valid YAML: the indentation is off here; fields of one block start in the "
        "same column, indented with spaces",
    },
    "problem.yaml.flow": {
        "nl": "een blok tussen {{ }} of [ ] loopt hier niet goed",
        "en": "not valid YAML: a {{ }} or [ ] block is not closed properly here",
    },
    "problem.yaml.quote": {
        "nl": "een aanhalingsteken (\" of ') wordt niet gesloten",
        "en": "not valid YAML: a quote (\" or ') is not closed",
    },
    "problem.yaml.documents": {
        "nl": "het bestand heeft meer dan één deel (---); stuur één vragenlijst per bestand",
        "en": "not valid YAML: but found another document (---); one questionnaire per file",
    },
    "problem.yaml.characters": {
        "nl": "het bestand bevat tekens die niet in een tekstbestand horen",
        "en": "not valid YAML: the file contains characters a text file cannot have",
    },
    "problem.yaml.other": {
        "nl": "YAML kan het bestand hier niet lezen",
        "en": "not valid YAML here",
    },
    "problem.yaml.quote_hint": {
        "nl": (
            "{problem}. Staat er in een tekst een dubbele punt (:), een vraagteken (?) of een "
            "hekje (#)? Zet die tekst dan tussen aanhalingstekens, zo: {example}"
        ),
        "en": (
            "{problem}. Does a text contain a colon (:), a question mark (?) or a hash (#)? "
            "Then put that text in quotes, like this: {example}"
        ),
    },
    # --- fields (pydantic's checks, in our words) ---------------------------------------------
    "problem.required": {
        "nl": "ontbreekt; dit veld is verplicht",
        "en": "is required",
    },
    "problem.required.nl": {
        "nl": "de Nederlandse tekst (nl) ontbreekt",
        "en": "the Dutch text ('nl') is missing",
    },
    "problem.unknown": {
        "nl": "is geen veld dat ik ken. Hier kan: {known}",
        "en": "is not a known field. Known here: {known}",
    },
    "problem.unknown.guess": {
        "nl": "is geen veld dat ik ken. Bedoel je '{guess}'? Hier kan: {known}",
        "en": "is not a known field. Did you mean '{guess}'? Known here: {known}",
    },
    "problem.unknown.text": {
        "nl": (
            "is geen taal die ik ken (hier kan: {known}). Staat er een komma in de tekst "
            "tussen {{ }}? Zet de tekst dan tussen aanhalingstekens"
        ),
        "en": (
            "is not a known language (known here: {known}). Is there a comma in the text "
            "between {{ }}? Then put the text in quotes"
        ),
    },
    "problem.type.wrong": {
        "nl": "{value} is geen soort vraag. Kies uit: {types}",
        "en": "must be one of: {types} (not {value})",
    },
    "problem.type.missing": {
        "nl": "ontbreekt. Geef de soort vraag: {types}",
        "en": "is required (one of: {types})",
    },
    "problem.mapping": {
        "nl": "hier horen velden (naam: waarde), elk op een eigen regel of tussen {{ }}",
        "en": "must be a mapping of fields (name: value)",
    },
    "problem.mapping.text": {
        "nl": "een tekst heeft een regel nl: (en en: voor Engels), of {{nl: …, en: …}}",
        "en": "must be a mapping of fields (a text needs 'nl:' and 'en:' lines)",
    },
    "problem.list": {
        "nl": "hier hoort een lijst: regels die beginnen met '- ', of [ … ]",
        "en": "must be a list (lines starting with '- ', or [ ... ])",
    },
    "problem.text": {"nl": "hier hoort tekst", "en": "must be text"},
    "problem.empty": {
        "nl": "is leeg; schrijf hier een tekst",
        "en": "must not be empty",
    },
    "problem.length": {
        "nl": "is {actual} tekens lang; het mag {range} tekens zijn",
        "en": "has {actual} characters; allowed: {range}",
    },
    "problem.whole_number": {
        "nl": "hier hoort een heel getal, zoals 3 (niet {value})",
        "en": "must be a whole number, like 3 (not {value})",
    },
    "problem.number": {
        "nl": "hier hoort een getal (niet {value})",
        "en": "must be a number (not {value})",
    },
    "problem.bool": {
        "nl": "hier hoort true (ja) of false (nee), niet {value}",
        "en": "must be true or false (not {value})",
    },
    "problem.range": {
        "nl": "moet {range} zijn, niet {value}",
        "en": "must be {range}, not {value}",
    },
    "problem.count": {
        "nl": "heeft er {actual}; het moeten er {range} zijn",
        "en": "has {actual}; allowed: {range}",
    },
    "problem.range.between": {"nl": "{low} tot en met {high}", "en": "{low} to {high}"},
    "problem.range.at_least": {"nl": "{low} of meer", "en": "at least {low}"},
    "problem.range.at_most": {"nl": "{high} of minder", "en": "at most {high}"},
    "problem.range.above": {"nl": "meer dan {low}", "en": "more than {low}"},
    "problem.range.below": {"nl": "minder dan {high}", "en": "less than {high}"},
    "problem.choose": {
        "nl": "{value} kan hier niet. Kies uit: {allowed}",
        "en": "must be one of: {allowed} (not {value})",
    },
    "problem.exactly": {
        "nl": "moet {allowed} zijn (niet {value})",
        "en": "must be {allowed} (not {value})",
    },
    "problem.date": {
        "nl": "hier hoort een datum, zoals 2026-11-01 of 2026-11-01 09:00 (niet {value})",
        "en": "must be a date, like 2026-11-01 or 2026-11-01 09:00 (not {value})",
    },
    "problem.shape.list": {"nl": "een lijst", "en": "a list"},
    "problem.shape.mapping": {"nl": "een blok met velden", "en": "a mapping"},
    "problem.invalid": {
        "nl": "deze waarde kan hier niet: {value}",
        "en": "this value is not allowed here: {value}",
    },
    "problem.own": {"nl": "{message}", "en": "{message}"},
    # --- checks of the format itself (flows.schema) -------------------------------------------
    "problem.slug": {
        "nl": (
            "gebruik alleen kleine letters, cijfers, '-' en '_', en begin met een letter of "
            "cijfer (niet {value})"
        ),
        "en": (
            "use lowercase letters, digits, '-' and '_' only, starting with a letter or digit "
            "(not {value})"
        ),
    },
    "problem.option_id_bytes": {
        "nl": (
            "is {size} bytes; een knop in Telegram heeft plaats voor een id van hoogstens "
            "{max} bytes. Maak de id korter"
        ),
        "en": (
            "is {size} bytes; Telegram's button data allows at most {max} bytes for an option id"
        ),
    },
    "problem.text_too_long": {
        "nl": "de tekst in '{language}' heeft {size} tekens; hoogstens {max}",
        "en": "the '{language}' text has {size} characters; at most {max}",
    },
    "problem.text_empty": {
        "nl": "de tekst in '{language}' is leeg; laat de taal weg als er geen vertaling is",
        "en": "the '{language}' text is empty; leave the language out when there is none",
    },
    "problem.postcode": {
        "nl": "postcode {value} is geen 4 cijfers en geen reeks zoals 1011-1018",
        "en": "postcode {value} is not 4 digits or a range like 1011-1018",
    },
    "problem.postcode_backwards": {
        "nl": "de postcodes {value} lopen achteruit; zet de laagste voorop",
        "en": "postcode range {value} runs backwards",
    },
    "problem.condition.none": {
        "nl": "geef een van deze: equals, one_of, at_least, at_most",
        "en": "give one of: equals, one_of, at_least, at_most",
    },
    "problem.condition.mixed": {
        "nl": "gebruik at_least/at_most, of equals/one_of; niet allebei",
        "en": "combine at_least/at_most, or use equals/one_of, not both",
    },
    "problem.condition.both": {
        "nl": "gebruik equals of one_of; niet allebei",
        "en": "use equals or one_of, not both",
    },
    "problem.choices_bounds": {
        "nl": "min_choices en max_choices moeten tussen 1 en {count} liggen (het aantal opties)",
        "en": "min_choices/max_choices must lie between 1 and {count} options",
    },
    "problem.length_bounds": {
        "nl": "min_length is groter dan max_length",
        "en": "min_length is larger than max_length",
    },
    "problem.number_bounds": {
        "nl": "min moet kleiner zijn dan max",
        "en": "min must be smaller than max",
    },
    "problem.dates": {
        "nl": "closes_at moet na opens_at komen",
        "en": "closes_at must come after opens_at",
    },
    # --- scores and SPSS names (flows.public_value, flows.variables, flows.schema) ------------
    "problem.score.no_dimension": {
        "nl": (
            "een score telt alleen mee in de scorekaart publieke waarde: geef de vraag een "
            "dimension (dienstverlening, organisatie of bestuur), of haal de scores weg"
        ),
        "en": (
            "a score only counts in the public-value scorecard: give the question a "
            "dimension (dienstverlening, organisatie or bestuur), or leave the scores out"
        ),
    },
    "problem.score.same": {
        "nl": (
            "geef minstens twee verschillende scores (bijvoorbeeld 0 en 100), zodat de "
            "antwoorden een plek daartussen hebben"
        ),
        "en": (
            "give at least two different scores (for example 0 and 100), so that the "
            "answers have a place between them"
        ),
    },
    "problem.variable.name": {
        "nl": (
            "is geen geldige SPSS-naam: begin met een letter, dan letters, cijfers, "
            "'_' of '.', niet eindigend op '.' (bijvoorbeeld V12 of tevr_sport)"
        ),
        "en": (
            "is not a valid SPSS variable name: start with a letter, then letters, digits, "
            "'_' or '.', not ending in '.' (for example V12 or tevr_sport)"
        ),
    },
    "problem.variable.length": {
        "nl": "heeft {size} tekens; SPSS staat hoogstens {max} toe",
        "en": "has {size} characters; SPSS allows at most {max}",
    },
    "problem.variable.reserved": {
        "nl": "{value} is een woord dat SPSS zelf gebruikt; kies een andere naam",
        "en": "{value} is a word SPSS keeps for itself; choose another name",
    },
    "problem.variable.export_column": {
        "nl": "'{name}' is al een kolom van de export zelf ({columns})",
        "en": "'{name}' is a column of the export itself ({columns})",
    },
    "problem.variable.taken": {
        "nl": "'{column}' wordt al gebruikt door '{other}'",
        "en": "'{column}' is already used by '{other}'",
    },
    "problem.variable.taken.option": {
        "nl": (
            "'{column}' wordt al gebruikt door '{other}' (de opties van een multi-vraag zijn "
            "de kolommen {name}_1, {name}_2, …)"
        ),
        "en": (
            "'{column}' is already used by '{other}' (a multi question's options are the "
            "columns {name}_1, {name}_2, ...)"
        ),
    },
    # --- the questionnaire as a whole (flows.validator) ---------------------------------------
    "problem.id_twice": {
        "nl": "'{id}' hoort bij twee vragen; geef elke vraag een eigen id",
        "en": "'{id}' is used by two questions",
    },
    "problem.end_reserved": {
        "nl": "'{id}' is gereserveerd voor het einde van de vragenlijst; kies een andere id",
        "en": "'{id}' is reserved for the end of the questionnaire",
    },
    "problem.choice_twice": {
        "nl": "'{id}' staat twee keer in deze lijst",
        "en": "'{id}' is used twice",
    },
    "problem.rule.last_when": {
        "nl": (
            "de laatste regel heeft geen 'when' nodig: die geldt als geen andere regel past. "
            "Haal 'when' weg of voeg een regel met alleen 'goto' toe"
        ),
        "en": "the last rule needs no 'when': it is the default when no other rule applies",
    },
    "problem.rule.no_when": {
        "nl": (
            "alleen de laatste regel mag zonder 'when': de regels na deze worden nooit gebruikt"
        ),
        "en": "only the last rule may leave out 'when': the rules after this one are never used",
    },
    "problem.goto": {
        "nl": "gaat naar '{goto}', maar die vraag bestaat niet. Kan wel: een vraag-id of '{end}'",
        "en": "goes to '{goto}', which is not a question (or '{end}')",
    },
    "problem.goto.guess": {
        "nl": "gaat naar '{goto}', maar die vraag bestaat niet. Bedoel je '{guess}'?",
        "en": "goes to '{goto}', which is not a question; did you mean '{guess}'?",
    },
    "problem.when.unknown": {
        "nl": "'{ref}' is geen vraag in deze lijst",
        "en": "'{ref}' is not a question",
    },
    "problem.when.unknown.guess": {
        "nl": "'{ref}' is geen vraag in deze lijst. Bedoel je '{guess}'?",
        "en": "'{ref}' is not a question; did you mean '{guess}'?",
    },
    "problem.when.kind": {
        "nl": (
            "hier hoort een voorwaarde: 'question' met 'equals', 'one_of', 'at_least' of "
            "'at_most', of 'all', 'any' of 'not' met voorwaarden eronder"
        ),
        "en": (
            "expects a condition: 'question' with 'equals', 'one_of', 'at_least' or "
            "'at_most', or 'all', 'any' or 'not' over conditions"
        ),
    },
    "problem.when.before": {
        "nl": "'{ref}' komt niet vóór deze vraag, dus er is nog geen antwoord op",
        "en": "'{ref}' does not come before this question, so it has no answer yet",
    },
    "problem.answer.unknown": {
        "nl": "'{{answer:{ref}}}': '{ref}' is geen vraag in deze lijst",
        "en": "'{{answer:{ref}}}': '{ref}' is not a question",
    },
    "problem.answer.later": {
        "nl": (
            "'{{answer:{ref}}}': '{ref}' komt niet vóór deze vraag, dus er is nog geen antwoord op"
        ),
        "en": "'{{answer:{ref}}}': '{ref}' does not come before this question, so no answer yet",
    },
    "problem.when.later": {
        "nl": "'{ref}' komt na deze vraag, dus er is nog geen antwoord op",
        "en": "'{ref}' comes after this question, so it has no answer yet",
    },
    "problem.when.one_of_number": {
        "nl": "one_of past niet bij een getal; gebruik equals, at_least of at_most",
        "en": "one_of does not apply to a number; use equals, at_least or at_most",
    },
    "problem.when.equals_number": {
        "nl": "equals moet een getal zijn: '{id}' is een vraag van de soort {type}",
        "en": "equals must be a number: '{id}' is a {type} question",
    },
    "problem.when.out_of_range": {
        "nl": "{value} is geen antwoord op '{id}' (dat is {low} tot en met {high})",
        "en": "{value} is not an answer of '{id}' ({low} to {high})",
    },
    "problem.when.needs_number": {
        "nl": "at_least en at_most werken alleen bij een vraag van de soort scale of number; "
        "'{id}' is dat niet",
        "en": "at_least/at_most need a scale or number question; '{id}' is not",
    },
    "problem.when.not_an_answer": {
        "nl": "{values} is geen antwoord op '{id}'. Kan wel: {allowed}",
        "en": "{values} is not an answer of '{id}' ({allowed})",
    },
    "problem.when.open_question": {
        "nl": (
            "'{id}' is een vraag van de soort {type}; vertakken kan alleen op gesloten "
            "vragen (choice, multi, scale, yesno, number, area)"
        ),
        "en": "'{id}' is a {type} question; branch on closed questions only",
    },
    "problem.loop": {
        "nl": "maakt een rondje: {cycle}",
        "en": "makes a loop: {cycle}",
    },
    "problem.unreachable": {
        "nl": "'{id}' wordt nooit bereikt: geen vraag gaat erheen",
        "en": "'{id}' can never be reached",
    },
    "problem.warning": {"nl": "let op: {message}", "en": "warning: {message}"},
    "problem.untranslated": {
        "nl": (
            "de Engelse vertaling (en) ontbreekt bij: {where} ({count} in totaal). Wie de bot "
            "in het Engels gebruikt, ziet daar de Nederlandse tekst"
        ),
        "en": (
            "the English translation ('en') is missing in: {where} ({count} in all). "
            "Residents who use English see the Dutch text there"
        ),
    },
    "problem.untranslated.other": {
        "nl": (
            "de vertaling in '{language}' ontbreekt bij: {where} ({count} in totaal). Wie de "
            "bot in die taal gebruikt, ziet daar de Nederlandse tekst"
        ),
        "en": (
            "the '{language}' translation is missing in: {where} ({count} in all). "
            "Residents who use that language see the Dutch text there"
        ),
    },
    "problem.untranslated.where": {
        "nl": "{fields}; vragen {questions}",
        "en": "{fields}; questions {questions}",
    },
    "problem.untranslated.questions": {"nl": "vragen {questions}", "en": "questions {questions}"},
    # --- named answer lists (option_sets) -----------------------------------------------------
    "problem.sets.mapping": {
        "nl": (
            "option_sets is een blok met lijsten, elk met een naam, zo: "
            "option_sets: / tevreden: / - {{id: ja, label: …}}"
        ),
        "en": (
            "option_sets must be a mapping of named lists of options, like: "
            "option_sets: / satisfied: / - {{id: yes, label: ...}}"
        ),
    },
    "problem.sets.name": {
        "nl": (
            "'{value}' kan geen naam van een lijst zijn: gebruik kleine letters, cijfers, '-' "
            "en '_'"
        ),
        "en": "'{value}' cannot name a list: use lowercase letters, digits, '-' and '_'",
    },
    "problem.sets.unknown": {
        "nl": "er is geen lijst '{name}' bij option_sets. Wel: {known}",
        "en": "'{name}' is not a list under option_sets (known: {known})",
    },
    "problem.sets.unknown.guess": {
        "nl": "er is geen lijst '{name}' bij option_sets. Bedoel je '{guess}'? Wel: {known}",
        "en": "'{name}' is not a list under option_sets; did you mean '{guess}'? (known: {known})",
    },
    "problem.sets.none": {
        "nl": (
            "'{name}' verwijst naar een lijst bij option_sets, maar het bestand heeft geen "
            "option_sets. Zet de opties hier onder elkaar, of voeg option_sets toe"
        ),
        "en": (
            "'{name}' names a list under option_sets, but the file has no option_sets; write "
            "the options here, or add option_sets"
        ),
    },
    "problem.sets.unused": {
        "nl": "de lijst '{name}' wordt door geen enkele vraag gebruikt (options: {name})",
        "en": "the list '{name}' is not used by any question (options: {name})",
    },
    "problem.exclusive.not_multi": {
        "nl": (
            "alleen een optie van een multi-vraag kan exclusive zijn; '{id}' is een "
            "{type}-vraag, waar toch maar één antwoord gekozen wordt"
        ),
        "en": (
            "only the options of a multi question can be exclusive; '{id}' is a {type} "
            "question, where one answer is chosen anyway"
        ),
    },
    "problem.exclusive.min_choices": {
        "nl": (
            "een exclusive optie wordt alleen gekozen, maar '{id}' vraagt om minstens {min} "
            "antwoorden (min_choices)"
        ),
        "en": (
            "an exclusive option is chosen on its own, but '{id}' asks for at least {min} "
            "answers (min_choices)"
        ),
    },
    "problem.decimals_vs_integer": {
        "nl": (
            "integer: true zegt hele getallen; laat integer weg en zeg met decimals hoeveel "
            "cijfers er na de komma mogen"
        ),
        "en": (
            "integer: true says whole numbers; leave out integer and let decimals say how many "
            "digits may follow the comma"
        ),
    },
    "problem.decimals_vs_fraction": {
        "nl": (
            "integer: false zegt decimalen; laat integer weg en zeg met decimals hoeveel "
            "cijfers er na de komma mogen"
        ),
        "en": (
            "integer: false says decimals; leave out integer and let decimals say how many "
            "digits may follow the comma"
        ),
    },
    # --- images on questions (flows.images, bot/core/images.py) --------------------------------
    "problem.image.long": {
        "nl": "is te lang; een pad of URL heeft hoogstens {max} tekens",
        "en": "is too long; a path or URL has at most {max} characters",
    },
    "problem.image.not_https": {
        "nl": "{value}: een URL voor een afbeelding begint met https:// (geen http of anders)",
        "en": "{value}: an image URL starts with https:// (not http or anything else)",
    },
    "problem.image.bad_url": {
        "nl": "{value} is geen bruikbare URL: geef https://, een servernaam en het pad",
        "en": "{value} is not a usable URL: give https://, a host name and the path",
    },
    "problem.image.absolute": {
        "nl": (
            "{value}: geef een pad vanaf de map met vragenlijsten, zoals images/plan.png "
            "(geen pad vanaf de schijf, geen \\)"
        ),
        "en": (
            "{value}: give a path from the folder of questionnaires, such as images/plan.png "
            "(not a path from the disk, no \\)"
        ),
    },
    "problem.image.dotdot": {
        "nl": "{value}: '..' mag niet; de afbeelding staat in de map met vragenlijsten",
        "en": "{value}: '..' is not allowed; the image lives in the folder of questionnaires",
    },
    "problem.image.suffix": {
        "nl": "{value}: een afbeelding eindigt op {allowed}",
        "en": "{value}: an image ends in {allowed}",
    },
    "problem.image.outside": {
        "nl": "{value} wijst naar een plek buiten de map met vragenlijsten",
        "en": "{value} points outside the folder of questionnaires",
    },
    "problem.image.missing": {
        "nl": "{value} is niet gevonden in {folder}",
        "en": "{value} was not found in {folder}",
    },
    "problem.image.too_big": {
        "nl": "{value} is {size} KB; een afbeelding mag hoogstens {max} KB zijn",
        "en": "{value} is {size} KB; an image may be at most {max} KB",
    },
    "problem.image.unreadable": {
        "nl": "{value} kan niet gelezen worden ({reason})",
        "en": "{value} cannot be read ({reason})",
    },
    "problem.image.not_image": {
        "nl": "{value} is geen PNG-, JPEG- of WebP-afbeelding",
        "en": "{value} is not a PNG, JPEG or WebP image",
    },
    "problem.image.url_failed": {
        "nl": "{value} gaf geen afbeelding: {reason}",
        "en": "{value} gave no image: {reason}",
    },
    "problem.image.url_status": {
        "nl": "het adres antwoordde met HTTP {status} in plaats van 200 (bestaat de URL?)",
        "en": "the address answered HTTP {status} instead of 200 (does the URL exist?)",
    },
    "problem.image.url_big": {
        "nl": "het is meer dan {max} KB",
        "en": "it is more than {max} KB",
    },
    "problem.image.url_unreachable": {
        "nl": "het adres was niet te bereiken ({reason})",
        "en": "the address could not be reached ({reason})",
    },
    "problem.image.url_not_image": {
        "nl": "wat het adres gaf is geen PNG-, JPEG- of WebP-afbeelding",
        "en": "what the address gave is not a PNG, JPEG or WebP image",
    },
    "problem.nothing": {"nl": "(geen)", "en": "(none)"},
}
