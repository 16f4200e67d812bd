"""Difficult municipal words with a simpler word for residents (the B1 check, :mod:`flows.b1`).

Sources: the examples of Rijksoverheid's advice on language level B1
(communicatierijk.nl, "Taalniveau B1": betreffende → over, creëren → maken, prioriteit →
voorrang, relevant → belangrijk, verstrekken → geven) and the word lists that Direct
Duidelijk and municipal writing guides give for "ambtelijke taal"; the choice of the
simpler word is ours, for a questionnaire a resident answers in a chat.

Each row: the word as a dictionary writes it, the simpler words offered (more than one
joined with "of", as the check shows them: "middels → met of door"), and which forms
count as the same word:

- ``"v"``: a verb on -eren (participeren): participeer, participeert, participeerde(n),
  geparticipeerd, participerend(e);
- ``"n"``: a noun: the word, and with -en and -s;
- ``"a"``: an adjective: the word, and with -e;
- ``""``: only the word as written;
- anything else: the forms themselves, separated by ``|`` (irregular words), added to the
  word itself; ``"v|..."`` adds forms to a verb on -eren.

A row with spaces is a phrase, matched word for word (any spacing, any case). Words are
matched whole: "indien" is never found inside "indienen".
"""

from __future__ import annotations

#: (word, simpler, forms): see the module's docstring.
DIFFICULT_WORDS: tuple[tuple[str, str, str], ...] = (
    # verbs on -eren
    ("participeren", "meedoen", "v"),
    ("inventariseren", "nagaan of op een rij zetten", "v"),
    ("faciliteren", "mogelijk maken of helpen", "v"),
    ("implementeren", "invoeren of uitvoeren", "v"),
    ("realiseren", "maken of bouwen", "v"),
    ("evalueren", "beoordelen of terugkijken", "v|geëvalueerd"),
    ("communiceren", "laten weten of praten", "v"),
    ("optimaliseren", "verbeteren", "v"),
    ("prioriteren", "voorrang geven", "v"),
    ("ressorteren", "vallen onder", "v"),
    ("informeren", "vertellen of laten weten", "v"),
    ("creëren", "maken", "creëer|creëert|creëerde|creëerden|gecreëerd"),
    ("initiëren", "beginnen of starten", "initieer|initieert|initieerde|geïnitieerd"),
    # other verbs
    ("verstrekken", "geven", "verstrek|verstrekt|verstrekte|verstrekten"),
    ("verzoeken", "vragen", "verzoek|verzoekt|verzocht"),
    ("aanvangen", "beginnen", "vangt aan|aangevangen"),
    ("beëindigen", "stoppen", "beëindig|beëindigt|beëindigde|beëindigd"),
    ("trachten", "proberen", "tracht|trachtte|trachtten|getracht"),
    ("verwezenlijken", "maken of uitvoeren", "verwezenlijkt|verwezenlijkte|verwezenlijkten"),
    ("uiteenzetten", "uitleggen", "uiteengezet"),
    ("monitoren", "volgen", "monitort|monitorde|monitorden|gemonitord"),
    ("handhaven", "zorgen dat men zich aan de regels houdt", "handhaaft|handhaafde|gehandhaafd"),
    ("kenbaar maken", "laten weten", "kenbaar te maken"),
    ("in overleg treden", "overleggen of praten", ""),
    ("doorgang vinden", "doorgaan", "doorgang vindt"),
    ("dient te", "moet", "dienen te"),
    # nouns
    ("beleidsvoornemen", "plan", "n"),
    ("participatie", "meedoen", "n"),
    ("burgerparticipatie", "inwoners laten meedoen", "n"),
    ("herinrichting", "nieuwe inrichting of verbouwing", "n"),
    ("inventarisatie", "overzicht", "n"),
    ("implementatie", "invoering", "n"),
    ("realisatie", "bouw of aanleg", "n"),
    ("optimalisatie", "verbetering", "n"),
    ("evaluatie", "terugblik of beoordeling", "n"),
    ("prioriteit", "voorrang", "n"),
    ("criterium", "eis of voorwaarde", "criteria"),
    ("frequentie", "hoe vaak", "n"),
    ("faciliteit", "voorziening of plek", "n"),
    ("handhaving", "toezicht of controle", "n"),
    ("wijziging", "verandering", "n"),
    ("aanvang", "begin", "n"),
    ("draagvlak", "steun", "n"),
    ("leefbaarheid", "hoe prettig het wonen is", "n"),
    ("belanghebbende", "wie ermee te maken heeft", "n"),
    ("stakeholder", "betrokkene", "n"),
    ("zienswijze", "mening of reactie", "n"),
    ("perceel", "stuk grond", "percelen"),
    ("openbare ruimte", "straten en pleinen", ""),
    # adjectives and adverbs
    ("relevant", "belangrijk", "a"),
    ("adequaat", "goed of passend", "adequate"),
    ("integraal", "samen of als geheel", "integrale"),
    ("gemeentelijk", "van de gemeente", "a"),
    ("woonachtig", "wonen", "a"),
    ("voornemens", "van plan", ""),
    ("vigerend", "geldend", "a"),
    ("onderhavig", "deze", "a"),
    ("voornoemd", "genoemd", "a"),
    ("bovengenoemd", "hiervoor genoemd", "a"),
    ("dusdanig", "zo of zulk", "a"),
    # little words
    ("inzake", "over", ""),
    ("middels", "met of door", ""),
    ("betreffende", "over", ""),
    ("aangaande", "over", ""),
    ("omtrent", "over", ""),
    ("alsmede", "en of ook", ""),
    ("alsook", "en ook", ""),
    ("teneinde", "om", ""),
    ("derhalve", "daarom", ""),
    ("mitsdien", "daarom", ""),
    ("indien", "als", ""),
    ("thans", "nu", ""),
    ("reeds", "al", ""),
    ("zulks", "dat", ""),
    ("conform", "volgens", ""),
    ("ingevolge", "volgens", ""),
    ("alvorens", "voordat", ""),
    ("gedurende", "tijdens", ""),
    ("hetgeen", "wat", ""),
    ("tevens", "ook", ""),
    ("tezamen", "samen", ""),
    ("doch", "maar", ""),
    ("hiertoe", "daarvoor", ""),
    ("in casu", "hier", ""),
    ("in hoeverre", "hoeveel of hoe ver", ""),
    ("ten behoeve van", "voor", ""),
    ("met betrekking tot", "over", ""),
    ("in het kader van", "bij of voor", ""),
    ("ten aanzien van", "over", ""),
    ("naar aanleiding van", "door of na", ""),
    ("door middel van", "met of door", ""),
)
