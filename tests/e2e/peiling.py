"""A small Burgerpeiling-like questionnaire for the staff's side of the bot (digests and
exports), and residents who answer it through the fake Bot API.

Two satisfaction questions share a long text and differ only at its end; one question has a
short ``label``; choice questions carry a ``score`` per option (``weet niet`` none) and are
tagged dienstverlening and bestuur; a multi question is tagged organisatie without scores;
some questions give their own SPSS ``variable``.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from sandbox.clients import FakeUser
from tests.conftest import QUESTIONNAIRES

TITLE = "Burgerpeiling Rivierstad"
SHARED = (
    "Hoe tevreden bent u over deze voorziening in uw buurt? Denk aan hoe vaak u er komt, hoe "
    "het er uitziet, of het er veilig is en of het goed bereikbaar is voor iedereen. Het gaat "
    "hier om:"
)
SPORT = f"{SHARED} de sportvoorzieningen."
BIEB = f"{SHARED} de bibliotheek."
VERTROUWEN = (
    "Ik heb vertrouwen in het gemeentebestuur. Dat geldt voor de burgemeester, de wethouders "
    "en de gemeenteraad samen."
)
VERTROUWEN_LABEL = "Vertrouwen in het bestuur"
KANAAL = "Hoe heeft u het afgelopen jaar contact gehad met de gemeente?"

YAML = f"""\
schema_version: 1
id: peiling
version: 1
theme: {{nl: Burgerpeiling, en: Citizen survey}}
title: {{nl: {TITLE}, en: Citizen survey}}
intro: {{nl: "Wat vindt u van uw gemeente?", en: "What do you think of your municipality?"}}
questions:
  - id: sport
    type: choice
    variable: tevr_sport
    dimension: dienstverlening
    text: {{nl: "{SPORT}", en: "How satisfied are you with sports facilities?"}}
    options:
      - {{id: tevreden, label: {{nl: Tevreden, en: Satisfied}}, score: 100}}
      - {{id: neutraal, label: {{nl: Neutraal, en: Neutral}}, score: 50}}
      - {{id: ontevreden, label: {{nl: Ontevreden, en: Dissatisfied}}, score: 0}}
      - {{id: weet_niet, label: {{nl: Weet niet, en: Don't know}}}}
  - id: bieb
    type: choice
    dimension: dienstverlening
    text: {{nl: "{BIEB}", en: "How satisfied are you with the library?"}}
    options:
      - {{id: tevreden, label: {{nl: Tevreden, en: Satisfied}}, score: 100}}
      - {{id: neutraal, label: {{nl: Neutraal, en: Neutral}}, score: 50}}
      - {{id: ontevreden, label: {{nl: Ontevreden, en: Dissatisfied}}, score: 0}}
      - {{id: weet_niet, label: {{nl: Weet niet, en: Don't know}}}}
  - id: vertrouwen
    type: choice
    variable: V30
    label: {VERTROUWEN_LABEL}
    dimension: bestuur
    text: {{nl: "{VERTROUWEN}", en: "I trust the council."}}
    options:
      - {{id: eens, label: {{nl: Eens, en: Agree}}, score: 5}}
      - {{id: neutraal, label: {{nl: Neutraal, en: Neutral}}, score: 3}}
      - {{id: oneens, label: {{nl: Oneens, en: Disagree}}, score: 1}}
      - {{id: weet_niet, label: {{nl: Weet niet, en: Don't know}}}}
  - id: kanaal
    type: multi
    variable: V40
    dimension: organisatie
    text: {{nl: "{KANAAL}", en: "How were you in touch with the municipality?"}}
    options:
      - {{id: balie, label: {{nl: Aan de balie, en: At the desk}}}}
      - {{id: telefoon, label: {{nl: Telefoon, en: Phone}}}}
      - {{id: website, label: {{nl: Website, en: Website}}}}
  - id: leeftijd
    type: number
    optional: true
    text: {{nl: "Wat is uw leeftijd?", en: "How old are you?"}}
    min: 16
    max: 110
  - id: toelichting
    type: text
    optional: true
    text: {{nl: "Wilt u nog iets zeggen?", en: "Anything else?"}}
"""

# What three residents type (option numbers, as a resident may). Counted by hand:
# sport: tevreden 2, ontevreden 1 -> 100, 0, 100. bieb: neutraal, weet niet, tevreden -> 50,
# (none), 100. Dienstverlening: (100 + 0 + 100 + 50 + 100) / 5 = 70, 5 answers.
# vertrouwen: eens, oneens, weet niet -> 100, 0, (none). Bestuur: 50, 2 answers.
# kanaal has no scores: organisatie cannot be measured.
PLANS: list[list[str]] = [
    ["1", "2", "1", "1", "45", "Prima zo"],
    ["3", "4", "3", "2", "70", "Sla over"],
    ["1", "1", "4", "1, 3", "Sla over", "Sla over"],
]


def folder(tmp_path: Path) -> Path:
    """The shipped questionnaires and this one, in a folder of their own."""
    target = tmp_path / "questionnaires"
    target.mkdir()
    for source in QUESTIONNAIRES.glob("*.yaml"):
        (target / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (target / "peiling.yaml").write_text(YAML, encoding="utf-8")
    shutil.copytree(QUESTIONNAIRES / "images", target / "images")  # image: of the wijkpeiling
    return target


async def answer(user: FakeUser, typed: Sequence[str]) -> None:
    """Consent, open the peiling by its deep link and type every answer ("Sla over" is
    pressed); the last one ends it."""
    welcome = await user.ask("/start peiling")
    await user.press("Ja, ik doe mee", message=welcome)
    *_, question = await user.next_messages(3)  # thanks, intro, the first question
    for i, text in enumerate(typed):
        if text == "Sla over":
            await user.press("Sla over", message=question)
        else:
            await user.send(text)
        if i == len(typed) - 1:
            end, *_ = await user.next_messages(2)
            assert end.text.startswith("Klaar!"), end.text
        else:
            question = await user.next_message()
            assert question.text.startswith("Vraag "), (text, question.text)
