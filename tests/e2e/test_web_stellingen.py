"""A deliberation ("gesprek met stellingen") on the web door, over HTTP: its page
``/praat/<deliberation>`` asks consent, shows one statement at a time with [Eens] [Oneens]
[Weet niet / sla over], takes typed votes, /stop and coming back, "Waar sta ik?" and adding
a statement: the same conversation as on Telegram (``test_stellingen.py``). A typed vote
names the step it was given at, as a typed answer does (``test_web_steps.py``): from a tab
that fell behind it stores nothing and the statement shown now comes again; sent twice, it
is taken once."""

from __future__ import annotations

import html

from sqlalchemy import select

from sandbox.fakeapi import FakeBotApi
from storage.models import DeliberationStatement, DeliberationVote, Resident
from tests.e2e.conftest import WebhookRunner, running_bot
from tests.e2e.test_doors import OUTCOME_OFF, OUTCOME_ON
from tests.e2e.test_stellingen import ADD, AGREE, DISAGREE, PASS, PLACE, STATEMENT, TALK, TITLE
from tests.support.doors import Message, WebResident

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


# --- the step a typed vote answers (test_web_steps.py for a questionnaire's) ------------------

STALE = "Dit antwoord hoort bij een eerdere stelling. Ik heb het niet bewaard."


async def stored(bot: WebhookRunner) -> list[tuple[int, int]]:
    """Every vote in the database: (statement, vote)."""
    assert bot.services is not None
    async with bot.services.sessions() as db:
        rows = await db.execute(
            select(DeliberationVote.statement_id, DeliberationVote.vote).order_by(
                DeliberationVote.statement_id
            )
        )
        return [(int(statement), int(vote)) for statement, vote in rows]


async def statements_added(bot: WebhookRunner) -> int:
    assert bot.services is not None
    async with bot.services.sessions() as db:
        rows = await db.scalars(
            select(DeliberationStatement.id).where(DeliberationStatement.origin == "resident")
        )
        return len(list(rows))


async def joined(resident: WebResident) -> Message:
    """The resident on the deliberation's page, consent given: the first statement."""
    await resident.open(TALK, n=1)
    said = await resident.press("Ja, ik doe mee", n=-1)
    assert said.last.text.startswith(STATEMENT_LINE)
    return said.last


async def other_tab(resident: WebResident) -> str:
    """The step a second tab of the same browser shows now."""
    async with resident.http.get(resident.page_url) as response:
        page = await response.text()
    return html.unescape(page.split('name="step" value="', 1)[1].split('"', 1)[0])


async def test_a_typed_vote_from_a_tab_that_fell_behind_is_not_stored_for_the_next_statement(
    served: WebhookRunner, web: WebResident
) -> None:
    first = await joined(web)
    behind = await other_tab(web)  # shows the first statement too
    voted = await web.say("eens", n=-1)  # the first tab votes on it
    second = voted.last
    assert second.text.startswith(STATEMENT_LINE) and second.text != first.text
    votes = await stored(served)
    assert len(votes) == 1
    # The other tab's vote was meant for the first statement: before, it became the
    # second statement's vote. Now nothing is stored, it says so, and the statement shown
    # now comes again with its buttons.
    current = web.step
    web.step = behind
    late = await web.say("oneens", n=2)
    assert late.texts[0].startswith(STALE)
    assert late.last.text == second.text
    assert late.last.buttons[:2] == [[AGREE, DISAGREE], [PASS]]
    assert await stored(served) == votes
    assert web.step == current  # the step the answer gives is the current one
    # The page's own form goes on, on the statement shown (again).
    typed = await web.say("oneens", n=1, edits=1)
    assert typed.edits[0].text.endswith("Jouw stem: Oneens")
    assert typed.last.text != second.text
    after = await stored(served)
    assert set(votes) < set(after) and [v for _s, v in set(after) - set(votes)] == [-1]


async def test_a_typed_vote_from_a_tab_that_fell_behind_adds_no_statement(
    served: WebhookRunner, web: WebResident
) -> None:
    """While the other tab asks for their own statement, a vote typed in the tab that still
    shows a statement is no statement (and no vote): the request comes again."""
    await joined(web)
    behind = await other_tab(web)
    asked = await web.press(ADD, n=1)
    assert asked.last.text.startswith("Typ je stelling")
    web.step = behind
    late = await web.say("eens", n=2)
    assert late.texts[0].startswith(STALE)
    assert late.last.text.startswith("Typ je stelling")
    assert await stored(served) == [] and await statements_added(served) == 0
    added = await web.say("Meer bankjes op het plein bij de markt.", n=-1)
    assert added.texts[0].startswith("Dank je")
    assert await statements_added(served) == 1


async def test_a_typed_vote_sent_twice_is_taken_once(
    served: WebhookRunner, web: WebResident
) -> None:
    """A double click (the same form again right after it was taken) votes once: not also
    on the next statement."""
    await joined(web)
    form = {"csrf": web.csrf, "text": "eens", "step": web.step}
    first = await web.post(form)
    assert first.status == 200 and (await first.json())["lines"]
    again = await web.post(form)
    assert again.status == 200 and (await again.json())["lines"] == []
    votes = await stored(served)
    assert [vote for _statement, vote in votes] == [1]


async def test_a_typed_vote_sent_twice_without_javascript_is_taken_once(
    served: WebhookRunner,
) -> None:
    resident = WebResident(served.base_url, javascript=False)
    try:
        await joined(resident)
        form = {"csrf": resident.csrf, "text": "oneens", "step": resident.step}
        first = await resident.post(form)
        second = await resident.post(form)
        assert first.status == second.status == 303
        said = await resident.open(TALK, n=-1)
        assert said.last.text.startswith(STATEMENT_LINE)
        assert said.last.buttons[:2] == [[AGREE, DISAGREE], [PASS]]
        assert not any(STALE in text for text in said.texts)
    finally:
        await resident.close()
    assert [vote for _statement, vote in await stored(served)] == [-1]
