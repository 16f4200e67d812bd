"""An administrator writes a questionnaire as a municipality does (a Burgerpeiling: one
5-point scale shared by many questions, ``u``, questions that end in "?") and uploads it in
the admin chat, through the fake Bot API. Whatever is wrong comes back in their language,
in plain words, all at once, saying what is allowed; a shared answer list (``option_sets``)
is previewed, published and answered as if it were written out in every question."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from sandbox.fakeapi import FakeBotApi
from tests.e2e.conftest import BotRunner, running_bot
from tests.e2e.test_admin import ADMIN, admin, running, state, upload, versions

SCALE = """\
option_sets:
  tevreden:
    - {id: "1", label: {nl: Zeer ontevreden, en: Very dissatisfied}}
    - {id: "2", label: {nl: Ontevreden, en: Dissatisfied}}
    - {id: "3", label: {nl: Niet tevreden en niet ontevreden, en: Neither}}
    - {id: "4", label: {nl: Tevreden, en: Satisfied}}
    - {id: "5", label: {nl: Zeer tevreden, en: Very satisfied}}
"""


def peiling(questions: str, version: int = 1) -> str:
    return (
        "schema_version: 1\n"
        "id: peiling-proef\n"
        f"version: {version}\n"
        "theme: {nl: Wonen en leven, en: Living}\n"
        "title: {nl: Burgerpeiling Rivierstad, en: Citizens' survey Rivierstad}\n"
        'intro: {nl: "Wat vindt u van uw buurt?", en: "What do you think of your area?"}\n'
        + SCALE
        + "questions:\n"
        + questions
    )


GOOD = """\
  - id: woonplezier
    type: choice
    text: {nl: "Hoe prettig woont u in uw buurt?", en: "How pleasant is your area?"}
    options: tevreden
  - id: groen
    type: choice
    text: {nl: "Hoe tevreden bent u over het groen in uw buurt?"}
    options: tevreden
    dimension: dienstverlening
"""

BROKEN = """\
  - id: woonplezier
    type: choice
    text: {nl: "Hoe prettig woont u in uw buurt?", en: "How pleasant is your area?"}
    options: tevredenheid
  - id: groen
    type: choice
    text: {nl: "Hoe tevreden bent u over het groen?", en: "How satisfied with green?"}
    options: tevreden
    dimensie: dienstverlening
  - id: cijfer
    type: scale
    min: 1
    max: 11
    text: {nl: "Welk cijfer geeft u uw buurt?", en: "What mark for your area?"}
  - id: veilig
    type: janee
    text: {nl: "Voelt u zich veilig?", en: "Do you feel safe?"}
"""


@pytest.fixture
async def admin_bot(fake: FakeBotApi, database_url: str) -> AsyncIterator[BotRunner]:
    async with running(fake, database_url) as runner:
        yield runner


# The library's words, and English, that must not reach a Dutch administrator.
NOT_DUTCH = re.compile(
    r"Input should|Field required|Extra inputs|validation error|is not a known|must be|"
    r"is required|not valid YAML|expected|found character|mapping values"
)


async def every_reply(fake: FakeBotApi, name: str, source: str, **user: Any) -> list[str]:
    """Upload ``source`` as administrator; the text of every message the bot answers with."""
    boss = fake.user(user.get("user_id", ADMIN))
    first = await upload(boss, name, source)
    await fake.settle()
    return [first.text, *(m.text for m in boss.drain())]


async def test_a_broken_questionnaire_gets_every_problem_in_dutch_and_plain_words(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    source = peiling(BROKEN)
    line = {text: n for n, text in enumerate(source.splitlines(), 1)}
    before = await versions(admin_bot)
    [reply] = await every_reply(fake, "peiling.yaml", source)
    assert reply.splitlines() == [
        "peiling.yaml klopt nog niet. Er is niets opgeslagen. Los deze punten op en stuur het "
        "bestand opnieuw:",
        "",
        f"• regel {line['    options: tevredenheid']}, questions.woonplezier.options: er is geen "
        "lijst 'tevredenheid' bij option_sets. Bedoel je 'tevreden'? Wel: tevreden",
        f"• regel {line['    dimensie: dienstverlening']}, questions.groen.dimensie: is geen veld "
        "dat ik ken. Bedoel je 'dimension'? Hier kan: id, text, optional, dimension, label, "
        "variable, next, show_if, image, image_alt, type, options, shuffle, profile",
        f"• regel {line['    max: 11']}, questions.cijfer.max: moet 2 tot en met 10 zijn, niet 11",
        f"• regel {line['    type: janee']}, questions.veilig.type: 'janee' is geen soort vraag. "
        "Kies uit: choice, multi, scale, yesno, text, number, area, grid, ranking, date",
    ]
    assert not NOT_DUTCH.search(reply)
    assert await versions(admin_bot) == before
    assert await state(admin_bot, "peiling-proef") is None


async def test_a_question_mark_in_a_text_gets_a_hint_to_use_quotes(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    source = peiling(GOOD.replace('{nl: "Hoe prettig woont u in uw buurt?"', "{nl: Hoe prettig?"))
    number = source.splitlines().index(
        '    text: {nl: Hoe prettig?, en: "How pleasant is your area?"}'
    )
    [reply] = await every_reply(fake, "peiling.yaml", source)
    assert reply.splitlines()[2:] == [
        f"• regel {number + 1}: een blok tussen {{ }} of [ ] loopt hier niet goed. Staat er in "
        "een tekst een dubbele punt (:), een vraagteken (?) of een hekje (#)? Zet die tekst "
        'dan tussen aanhalingstekens, zo: nl: "Hoe prettig?"'
    ]


async def test_anchors_are_all_named_with_what_to_use_instead(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    scale = SCALE.replace("  tevreden:\n", "  tevreden: &schaal\n")
    questions = GOOD.replace("options: tevreden", "options: *schaal")
    source = peiling(questions).replace(SCALE, scale)
    lines = source.splitlines()
    anchor = next(n for n, text in enumerate(lines, 1) if "&schaal" in text)
    aliases = [n for n, text in enumerate(lines, 1) if "*schaal" in text]
    [reply] = await every_reply(fake, "peiling.yaml", source)
    assert reply.splitlines()[2] == (
        f"• regel {anchor}: ankers en verwijzingen (& en *) mogen niet in een vragenlijst. Wil "
        "je één antwoordlijst bij meer vragen gebruiken? Zet hem bij option_sets en schrijf "
        f"bij de vraag options: met de naam van de lijst (ook op regel {aliases[0]}, "
        f"{aliases[1]})"
    )
    assert not NOT_DUTCH.search(reply)


async def test_an_english_speaking_administrator_reads_english(
    fake: FakeBotApi, database_url: str
) -> None:
    english = 4_242_002
    fake.user(english, first_name="Admin", language_code="en")
    async with running_bot(fake, database_url, admin_user_ids=[english]):
        [reply] = await every_reply(fake, "survey.yaml", peiling(BROKEN), user_id=english)
    assert reply.splitlines()[0] == (
        "survey.yaml is not right yet. Nothing was stored. Fix these points and send the file "
        "again:"
    )
    assert reply.splitlines()[4].endswith("questions.cijfer.max: must be 2 to 10, not 11")


async def test_a_shared_answer_list_is_previewed_published_and_answered(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    boss = admin(fake)
    preview = await upload(boss, "peiling.yaml", peiling(GOOD))
    lines = preview.text.splitlines()
    assert lines[:2] == [
        "Voorbeeld: Burgerpeiling Rivierstad",
        "Nieuwe vragenlijst peiling-proef, versie 1.",
    ]
    assert "Vragen: 2 (2× keuze)" in lines
    # The text without English: one warning, in Dutch, in the preview.
    assert (
        "⚠️ De Engelse vertaling (en) ontbreekt bij: vragen groen (1 in totaal). Wie de bot in "
        "het Engels gebruikt, ziet daar de Nederlandse tekst"
    ) in lines
    await boss.press("Publiceren", message=preview)
    published = await boss.next_message()
    assert published.text.startswith("✅ Burgerpeiling Rivierstad (versie 1) is gepubliceerd.")

    resident = fake.user()
    welcome = await resident.ask("/start peiling-proef")
    await resident.press("Ja, ik doe mee", message=welcome)
    await resident.wait_for(
        lambda: any(m.buttons for m in resident.unread()), what="the first question"
    )
    await fake.settle()
    first = resident.drain()[-1]
    scale = [
        "1. Zeer ontevreden",
        "2. Ontevreden",
        "3. Niet tevreden en niet ontevreden",
        "4. Tevreden",
        "5. Zeer tevreden",
    ]
    assert "Hoe prettig woont u in uw buurt?" in first.text
    assert [label for row in first.buttons for label in row][:5] == scale
    await resident.press("4. Tevreden", message=first)
    second = await resident.next_message()
    assert "Hoe tevreden bent u over het groen in uw buurt?" in second.text
    assert [label for row in second.buttons for label in row][:5] == scale
