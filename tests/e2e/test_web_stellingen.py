"""A deliberation ("gesprek met stellingen") on the web door, over HTTP: its page
``/praat/<deliberation>`` asks consent, shows one statement at a time with [Eens] [Oneens]
[Weet niet / sla over], takes typed votes, /stop and coming back, "Waar sta ik?" and adding
a statement: the same conversation as on Telegram (``test_stellingen.py``)."""

from __future__ import annotations

from sqlalchemy import select

from sandbox.fakeapi import FakeBotApi
from storage.models import DeliberationStatement, DeliberationVote, Resident
from tests.e2e.conftest import WebhookRunner, running_bot
from tests.e2e.test_doors import OUTCOME_OFF, OUTCOME_ON
from tests.e2e.test_stellingen import ADD, AGREE, DISAGREE, PASS, PLACE, STATEMENT, TALK, TITLE
from tests.support.doors import WebResident

STATEMENT_LINE = STATEMENT.strip()


async def test_a_deliberation_on_the_web_door(fake: FakeBotApi, sqlite_url: str) -> None:
    async with running_bot(fake, sqlite_url, webhook=True) as bot:
        assert isinstance(bot, WebhookRunner) and bot.services is not None
        anna = WebResident(bot.base_url)
        try:
            welcome = await anna.open(TALK, n=1)
            assert anna.last_status == 200
            assert welcome.last.buttons == [["Ja, ik doe mee", "Nee, liever niet"]]
            joined = await anna.press("Ja, ik doe mee", n=-1)
            assert any(text.startswith(TITLE) for text in joined.texts), joined.texts
            first = joined.last
            assert first.text.startswith(STATEMENT_LINE)
            assert first.buttons[:2] == [[AGREE, DISAGREE], [PASS]]
            shown = first.text.removeprefix(STATEMENT_LINE).strip()

            pressed = await anna.press(AGREE, n=1, edits=1)
            assert pressed.edits[0].text == f"{shown}\n\nJouw stem: Eens"
            assert pressed.edits[0].buttons == []
            second = pressed.last
            assert second.text.startswith(STATEMENT_LINE) and second.text != first.text
            # A typed vote shows on the statement it answers, as on Telegram.
            typed = await anna.say("oneens", n=1, edits=1)
            assert typed.edits[0].text.endswith("Jouw stem: Oneens")
            third = typed.last
            hint = await anna.say("misschien", n=2)
            assert hint.texts[0].startswith("Kies een knop onder de stelling.")
            assert hint.texts[1] == third.text  # the same statement, asked again

            stopped = await anna.say("/stop", n=1)
            assert stopped.last.text == (
                f"Je bent gestopt. Je stemmen zijn bewaard. Verder gaan? Stuur /start {TALK}."
            )
            back = await anna.say(f"/start {TALK}", n=2)
            assert back.texts[0].startswith(f"Welkom terug bij het gesprek {TITLE}")
            assert back.texts[1] == third.text, "the statement left unanswered comes back"

            current = back
            for label in [PASS, AGREE, DISAGREE, AGREE, AGREE]:
                current = await anna.press(label, n=1, edits=1)
            assert [PLACE, ADD] in current.last.buttons
            placed = await anna.press(PLACE, n=1)
            assert placed.last.text.startswith("Er hebben nog te weinig mensen gestemd")

            ask = await anna.press(ADD, n=1)
            assert ask.last.text.startswith("Typ je stelling")
            added = await anna.say("Meer bankjes op het plein bij de markt.", n=-1)
            assert added.texts[0].startswith("Dank je")
            # Through to the last statement: the offer to hear the outcome on a next visit.
            said, passed = added, 0
            while PASS in said.last.labels() and passed < 40:
                said = await anna.press(PASS, n=-1)
                passed += 1
            assert "Je leest het hier, als je deze pagina later weer opent." in said.last.text
            assert "/instellingen" not in said.last.text
            on = await anna.press(OUTCOME_OFF, n=0, edits=1)
            assert on.edits[0].labels() == [OUTCOME_ON]
        finally:
            await anna.close()
        async with bot.services.sessions() as db:
            voters = await db.scalars(
                select(Resident.pseudonym).join(
                    DeliberationVote, DeliberationVote.resident_id == Resident.id
                )
            )
            assert {p[:4] for p in voters} == {"web-"}
            votes = await db.scalars(select(DeliberationVote.vote))
            assert len(list(votes)) == 7 + passed  # each once
            mine = await db.scalars(
                select(DeliberationStatement.status).where(
                    DeliberationStatement.text_nl == "Meer bankjes op het plein bij de markt."
                )
            )
            assert list(mine) == ["pending"]  # waits for moderation, stored once
