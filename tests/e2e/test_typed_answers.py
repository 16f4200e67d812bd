"""Typed answers as residents type them, through the fake Bot API: a part of a label
("geen mening" for "weet niet / geen mening"), a label without its comma, a decimal comma
where a question takes decimals, the read-back of a loose match in the next question's
message, one message for a wrong answer, and an option that stands alone on a multi
question.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import BotRunner, join, running_bot
from tests.e2e.test_conversation import AFVAL, answers, start_questionnaire, tap

PEILING = """\
schema_version: 1
id: peiling
version: 1
theme: {nl: Wonen, en: Living}
title: {nl: Burgerpeiling, en: Residents' survey}
intro: {nl: Een paar vragen over uw buurt., en: A few questions about your area.}
questions:
  - id: contact
    type: choice
    text: {nl: "Had u dit jaar contact met de gemeente?", en: "Did you contact us?"}
    options:
      - {id: ja, label: {nl: "Ja", en: "Yes"}}
      - {id: ja-lang, label: {nl: "Ja, maar het duurde lang", en: "Yes, but it took long"}}
      - {id: ja-snel, label: {nl: "Ja, en het ging snel", en: "Yes, and it was quick"}}
      - {id: nee, label: {nl: "Nee", en: "No"}}
  - id: wachttijd
    type: choice
    text: {nl: "Hoe snel kreeg u antwoord?", en: "How soon did you get an answer?"}
    options:
      - {id: week, label: {nl: "Binnen een week", en: "Within a week"}}
      - {id: maand, label: {nl: "Binnen een maand", en: "Within a month"}}
      - {id: langer, label: {nl: "Langer dan een maand", en: "Longer than a month"}}
  - id: veilig
    type: choice
    text: {nl: "Voelt u zich veilig in uw buurt?", en: "Do you feel safe?"}
    options:
      - {id: ja, label: {nl: "Ja", en: "Yes"}}
      - {id: nee, label: {nl: "Nee", en: "No"}}
      - {id: weet-niet, label: {nl: "weet niet / geen mening", en: "don't know / no opinion"}}
  - id: schoon
    type: choice
    text: {nl: "Is uw buurt schoon?", en: "Is your area clean?"}
    options:
      - {id: ja, label: {nl: "Ja", en: "Yes"}}
      - {id: nee, label: {nl: "Nee", en: "No"}}
      - {id: weet-niet, label: {nl: "weet niet / geen mening", en: "don't know / no opinion"}}
"""

GRADES = """\
schema_version: 1
id: cijfers
version: 1
theme: {nl: Wonen, en: Living}
title: {nl: Rapportcijfers, en: Grades}
intro: {nl: Geef een cijfer., en: Give a grade.}
questions:
  - id: gemeente
    type: scale
    min: 1
    max: 10
    decimals: 1
    text: {nl: "Welk rapportcijfer geeft u de gemeente?", en: "Which grade?"}
  - id: buurt
    type: scale
    min: 1
    max: 10
    text: {nl: "Welk cijfer geeft u uw buurt?", en: "Which grade for your area?"}
  - id: actief
    type: multi
    text: {nl: "Waar bent u actief?", en: "Where are you active?"}
    options:
      - {id: sport, label: {nl: Sportvereniging, en: Sports club}}
      - {id: muziek, label: {nl: Muziekvereniging, en: Music society}}
      - {id: buurt, label: {nl: Buurtvereniging, en: Neighbourhood association}}
      - {id: niet, label: {nl: Ik ben niet actief, en: I am not active}, exclusive: true}
"""


@contextlib.asynccontextmanager
async def bot_with(
    fake: FakeBotApi, database_url: str, folder: Path, **files: str
) -> AsyncIterator[BotRunner]:
    """The bot with the shipped questionnaires and ``files`` (name: YAML) in ``folder``."""
    shutil.copytree(QUESTIONNAIRES, folder)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    async with running_bot(fake, database_url, questionnaires_dir=folder) as runner:
        yield runner


@pytest.fixture
async def bot(fake: FakeBotApi, database_url: str, tmp_path: Path) -> AsyncIterator[BotRunner]:
    """The bot with the shipped questionnaires and the Burgerpeiling-like one above."""
    async with bot_with(fake, database_url, tmp_path / "q", peiling=PEILING) as runner:
        yield runner


@pytest.fixture
async def graded(fake: FakeBotApi, database_url: str, tmp_path: Path) -> AsyncIterator[BotRunner]:
    """The bot with the shipped questionnaires and the grades above."""
    async with bot_with(fake, database_url, tmp_path / "q", cijfers=GRADES) as runner:
        yield runner


async def open_questionnaire(resident: FakeUser, questionnaire: str) -> BotMessage:
    """Join through a link to ``questionnaire``; its first question."""
    await join(resident, then=questionnaire)
    _, first = await resident.next_messages(2)
    return first


async def told_once(fake: FakeBotApi, resident: FakeUser) -> str:
    """A wrong answer's one message (nothing else follows it)."""
    told = await resident.next_message()
    await fake.settle()
    assert resident.unread() == [], "one message per wrong answer"
    assert told.buttons == []
    return told.text


# --- Item 3: forgiving matching ---------------------------------------------------------------


async def test_a_part_of_a_label_and_a_label_without_its_comma(
    fake: FakeBotApi, bot: BotRunner
) -> None:
    resident = fake.user()
    contact = await open_questionnaire(resident, "peiling")
    wachttijd = await resident.ask("ja maar het duurde lang")
    # Read back in the next question's message, not in a message of its own.
    assert wachttijd.text.startswith(
        "Genoteerd: Ja, maar het duurde lang\n\nVraag 2 van 4\n\nHoe snel kreeg u antwoord?"
    )
    assert contact.text.endswith("✅ Je antwoord: Ja, maar het duurde lang")
    veilig = await resident.ask("1")
    assert veilig.text.startswith("Vraag 3 van 4")  # its number: nothing to read back

    schoon = await resident.ask("geen mening")  # not a skip: an answer of this question
    assert schoon.text.startswith("Genoteerd: weet niet / geen mening\n\nVraag 4 van 4")
    await resident.send("Weet niet")
    end, _ = await resident.next_messages(2)
    assert "• Is uw buurt schoon?\n  weet niet / geen mening" in end.text
    assert await answers(bot, resident, "peiling") == {
        "contact": "ja-lang",
        "wachttijd": "week",
        "veilig": "weet-niet",
        "schoon": "weet-niet",
    }


async def test_a_beginning_that_fits_several_answers_asks_which(
    fake: FakeBotApi, bot: BotRunner
) -> None:
    resident = fake.user()
    await open_questionnaire(resident, "peiling")
    wachttijd = await resident.ask("Ja, en het ging snel")
    assert wachttijd.text.startswith("Vraag 2 van 4")  # the exact label: no read-back
    await resident.send("binnen een")
    assert await told_once(fake, resident) == (
        "Ik weet niet welk antwoord je bedoelt met „binnen een”. Bedoel je een van deze?\n"
        "1. Binnen een week\n2. Binnen een maand\n"
        "Tik op een knop, of typ het nummer."
    )
    veilig = await tap(resident, "Binnen een maand", wachttijd)  # its buttons still work
    assert veilig.text.startswith("Vraag 3 van 4")
    assert await answers(bot, resident, "peiling") == {"contact": "ja-snel", "wachttijd": "maand"}


async def test_decimal_commas_where_a_scale_takes_them(
    fake: FakeBotApi, graded: BotRunner
) -> None:
    resident = fake.user()
    gemeente = await open_questionnaire(resident, "cijfers")
    assert gemeente.text.endswith(
        "Tik op een cijfer, of typ een getal van 1 tot en met 10, bijvoorbeeld 9,5."
    )
    buurt = await resident.ask("7,5")  # the number itself: nothing to read back
    assert gemeente.text.endswith("✅ Je antwoord: 7,5 / 10")
    assert buurt.text.startswith("Vraag 2 van 3")
    # A whole-number scale says so, in one message; its buttons still work.
    await resident.send("7,5")
    assert await told_once(fake, resident) == (
        "Hier kan alleen een heel getal, zonder komma. Typ een getal van 1 tot en met 10, "
        "of tik op een knop."
    )
    await tap(resident, "8", buurt)
    assert await answers(graded, resident, "cijfers") == {"gemeente": 7.5, "buurt": 8}


# --- Item 4: one message per wrong answer -----------------------------------------------------


async def test_a_wrong_number_costs_one_message(fake: FakeBotApi, bot: BotRunner) -> None:
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, AFVAL)
    choice = await tap(resident, "Noord", first)
    scale = await tap(resident, "Allebei", choice)
    await resident.send("6")
    assert await told_once(fake, resident) == (
        "Typ een heel getal van 1 tot en met 5, of tik op een knop."
    )
    multi = await tap(resident, "4", scale)  # the question's buttons still work
    assert scale.text.endswith("✅ Je antwoord: 4 / 5")
    assert multi.text.startswith("Vraag 4 van 8")
    grofvuil = await resident.ask("3")
    assert grofvuil.text.startswith("Vraag 5 van 8")
    await resident.send("60")
    assert await told_once(fake, resident) == (
        "Dat getal is te hoog. Typ een getal van 0 tot en met 50."
    )
    await resident.send("geen idee")
    assert await told_once(fake, resident) == "Typ een getal van 0 tot en met 50."
    nxt = await resident.ask("2")
    assert grofvuil.text.endswith("✅ Je antwoord: 2 keer")
    assert nxt.text.startswith("Vraag 6 van 9")


# --- Item 8: an option that stands alone ------------------------------------------------------


async def test_an_exclusive_option_stands_alone(fake: FakeBotApi, graded: BotRunner) -> None:
    resident = fake.user()
    await open_questionnaire(resident, "cijfers")
    await resident.ask("7")
    actief = await resident.ask("6")
    assert actief.text.startswith("Vraag 3 van 3")

    async def press(label: str, ticked: list[str]) -> None:
        edits = actief.edits
        await resident.press(label, message=actief)
        await resident.wait_for(lambda: actief.edits > edits)
        shown = [row[0] for row in actief.buttons[:4] if row[0].startswith("✅")]
        assert shown == [f"✅ {name}" for name in ticked], label

    await press("Sportvereniging", ["1. Sportvereniging"])
    await press("Buurtvereniging", ["1. Sportvereniging", "3. Buurtvereniging"])
    await press("Ik ben niet actief", ["4. Ik ben niet actief"])  # the others cleared
    await press("Muziekvereniging", ["2. Muziekvereniging"])  # and it is cleared in turn
    await press("Ik ben niet actief", ["4. Ik ben niet actief"])

    # Typed together with another answer: a friendly no, in one message.
    await resident.send("1, 4")
    assert await told_once(fake, resident) == (
        "„Ik ben niet actief” kies je alleen, niet samen met andere antwoorden. Kies alleen "
        "„Ik ben niet actief”, of kies de andere antwoorden."
    )
    await resident.press("Klaar ✓", message=actief)
    end, _ = await resident.next_messages(2)
    assert "• Waar bent u actief?\n  Ik ben niet actief" in end.text
    assert (await answers(graded, resident, "cijfers"))["actief"] == ["niet"]
