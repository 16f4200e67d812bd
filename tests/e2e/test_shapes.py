"""The question shapes of issue 16 through the fake Bot API, where the golden transcripts
(``transcripts/wijkpeiling.*``) do not reach: a sticker sent to a grid's statement or in
the middle of a ranking gets a friendly answer and the same question again, and nothing
given before is lost (the places already tapped stay)."""

from __future__ import annotations

from sandbox.fakeapi import FakeBotApi
from tests.e2e.conftest import BotRunner, join
from tests.e2e.test_bad_input import UNSUPPORTED
from tests.e2e.test_conversation import (
    WIJK,
    answers,
    latest,
    progress,
    question_text,
    start_questionnaire,
    tap,
)
from tests.e2e.test_form_of_address import JE
from tests.e2e.test_transcripts import HERE

THUIS = "„Ik voel me thuis in mijn buurt.”"
PRIORITEIT = (
    "Waar moet de gemeente de komende jaren het eerst aan werken in uw buurt? Zet de "
    "onderwerpen in volgorde: eerst het belangrijkste."
)


async def test_a_sticker_on_a_grid_and_in_a_ranking_loses_nothing(
    fake: FakeBotApi, bot: BotRunner
) -> None:
    resident = fake.user()
    await join(resident)
    first = await start_questionnaire(resident, WIJK)
    grid = await tap(resident, "8", first)
    assert "Uitspraak 1 van 4" in grid.text and THUIS in grid.text
    await resident.send_sticker("🏡")
    sorry, again = await resident.next_messages(2)
    assert sorry.text == UNSUPPORTED
    assert again.text == grid.text and again.buttons == grid.buttons
    assert await answers(bot, resident, "wijkpeiling") == {"buurt": 8}
    statement = await tap(resident, "2. Eens", again)
    assert "Uitspraak 2 van 4" in statement.text
    for typed in ["1", "1", "1"]:
        await resident.ask(typed)
    ranking = await resident.ask("2")  # met de fiets
    assert question_text(ranking) == PRIORITEIT
    await resident.press("4. Betaalbare woningen", message=ranking)
    await resident.wait_for(lambda: ranking.buttons[3] == ["✅ 4. Betaalbare woningen (plek 1)"])
    await resident.send_sticker("🏡")
    sorry, shown = await resident.next_messages(2)
    assert sorry.text == UNSUPPORTED
    assert shown.buttons[3] == ["✅ 4. Betaalbare woningen (plek 1)"]
    assert (await latest(bot, resident, "wijkpeiling")).state.draft == ("wonen",)
    await resident.press("1. Meer groen", message=shown)
    await resident.wait_for(lambda: shown.buttons[0] == ["✅ 1. Meer groen (plek 2)"])
    done = await resident.ask("hallo")  # no order: said once, the places stay
    assert done.text.startswith("Dat snap ik niet. Typ de nummers in uw volgorde")
    await resident.press("2. Veiligheid op straat", message=shown)
    await resident.press("5. Plekken om te spelen", message=shown)
    following = await resident.next_message()
    assert progress(following) == (8, 11)
    stored = await answers(bot, resident, "wijkpeiling")
    assert stored["prioriteit"] == ["wonen", "groen", "veiligheid", "spelen", "verkeer"]
    assert (stored["buurt"], stored["thuis"], stored["vervoer"]) == (8, "eens", "fiets")


def test_the_wijkpeiling_says_u_after_consent() -> None:
    """The golden transcript (compared exactly with a real run by test_transcripts.py) says
    "u" in every text of the questionnaire's conversation, generated "anders" questions,
    ranking and date texts included; before it, the bot's own consent says "je"."""
    text = (HERE / "wijkpeiling.alles.txt").read_text(encoding="utf-8")
    conversation = text.split("< Wijkpeiling Rivierstad", 1)[1]
    bot_lines = [line for line in conversation.splitlines() if line.startswith(("<", "~", " "))]
    assert not [line for line in bot_lines if JE.search(line)]
    assert any("U koos „Anders, namelijk …”. Wat bedoelt u?" in line for line in bot_lines)
