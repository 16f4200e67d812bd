"""Many residents at once, fast taps, and one resident's updates strictly in order."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bot.resident.conversation import ResidentHandlers
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage import export, repo
from storage.db import create_engine, session_factory
from tests.e2e.conftest import BotRunner, running_bot
from tests.e2e.test_resilience import (
    AFVAL,
    Step,
    answer,
    open_afval,
    progress,
    pseudonym,
    stored,
)

#: What the database does under it is this test's subject: it runs on both.
pytestmark = pytest.mark.both_databases

# --- one varied afvalinzameling response per resident -----------------------------------------

AREAS = [  # (id, label, a postcode in it)
    ("centrum", "Centrum", "4101"),
    ("noord", "Noord", "4105"),
    ("oost", "Oost", "4109 AB"),
    ("zuid", "Zuid", "4112"),
    ("west", "West", "4119"),
    ("de-hoven", "De Hoven", "4120"),
    ("buitengebied", "Dorpen en buitengebied", "4125"),
]
BINS = [("kliko", "Eigen containers"), ("ondergronds", "Ondergrondse"), ("allebei", "Allebei")]
PROBLEMS = [
    ("vol", "vaak vol"),
    ("kapot", "Klep of pas"),
    ("bijplaatsing", "Afval naast"),
    ("vies", "Vies of stinkt"),
    ("ver", "Te ver"),
    ("niets", "Er gaat niets mis"),
]
CHANNELS = [
    ("afvalapp", "Via de afvalapp"),
    ("kalender", "Afvalkalender"),
    ("website", "Website"),
    ("brief", "Brief"),
    ("krant", "Huis-aan-huisblad"),
    ("buren", "Via buren"),
    ("niet", "Ik hoor het vaak niet"),
]
REPORTS = [
    ("geen", "Nee, niets gemeld"),
    ("snel", "snel opgelost"),
    ("traag", "duurde lang"),
    ("niet_opgelost", "niet opgelost"),
    ("geen_reactie", "geen reactie"),
]


def plan(i: int) -> tuple[list[Step], dict[str, Any]]:
    """Resident ``i``'s steps and the answers they must leave, over every branch."""
    steps: list[Step] = []
    answers: dict[str, Any] = {}
    typed = i % 2 == 1  # odd residents type where they can, even ones tap

    area, label, postcode = AREAS[i % len(AREAS)]
    steps.append(("type", postcode) if typed else ("press", label))
    answers["wijk"] = area

    k = (i // 2) % len(BINS)
    steps.append(("type", str(k + 1)) if typed else ("press", BINS[k][1]))
    answers["inzameling"] = BINS[k][0]

    if BINS[k][0] != "ondergronds":
        score = 1 + i % 5
        steps.append(("type", str(score)) if typed else ("press", str(score)))
        answers["ophaaldagen"] = score
    if BINS[k][0] != "kliko":
        picked = sorted({i % 6, (i + 3) % 6})
        if i % 4 != 2:  # typing is quicker than tapping each option (and Klaar)
            steps.append(("type", ", ".join(str(p + 1) for p in picked)))
        else:
            steps.append(("multi", tuple(PROBLEMS[p][1] for p in picked)))
        answers["containers"] = [PROBLEMS[p][0] for p in picked]

    times = i % 4
    steps.append(("type", str(times)))
    answers["grofvuil"] = times
    if times:
        steps.append(("press", str(1 + (i + 1) % 5)))
        answers["grofvuil_tevreden"] = 1 + (i + 1) % 5

    channels = sorted({(i // 3) % 7} | ({0} if i % 3 == 0 else set()))
    if i % 4 == 0:
        steps.append(("multi", tuple(CHANNELS[c][1] for c in channels)))
    else:
        steps.append(("type", " ".join(str(c + 1) for c in channels)))
    answers["informatie"] = [CHANNELS[c][0] for c in channels]
    if 0 in channels:
        steps.append(("type", str(i % 11)))
        answers["app_cijfer"] = i % 11

    r = i % len(REPORTS)
    steps.append(("type", str(r + 1)) if typed else ("press", REPORTS[r][1]))
    answers["melding"] = REPORTS[r][0]

    if i % 5 == 0:
        steps.append(("press", "Sla over"))
        answers["idee"] = None
    else:
        steps.append(("type", f"Idee van inwoner {i}: vaker legen"))
        answers["idee"] = f"Idee van inwoner {i}: vaker legen"
    return steps, answers


# Generous: the test is about correctness, and a busy CI machine runs all 50 in one process.
SLOW = 30


async def complete(user: FakeUser, steps: list[Step]) -> BotMessage:
    """The whole questionnaire, opened through its deep link (as from a poster's QR code);
    every question must be the next one (n of m, n + 1 of m' ...)."""
    welcome = await user.ask(f"/start {AFVAL}", SLOW)
    await user.press("Ja, ik doe mee", message=welcome)
    thanks, intro, question = await user.next_messages(3, SLOW)
    assert thanks.text.startswith("Fijn dat je meedoet")
    assert intro.text.startswith("Afval ophalen in Rivierstad")
    for number, step in enumerate(steps, 1):
        assert progress(question)[0] == number, question.text
        question = await answer(user, question, step, SLOW)
    return question


def test_the_plans_cover_every_branch() -> None:
    plans = [plan(i)[1] for i in range(50)]
    assert {p["inzameling"] for p in plans} == {"kliko", "ondergronds", "allebei"}
    assert {p["wijk"] for p in plans} == {a[0] for a in AREAS}
    assert any("grofvuil_tevreden" in p for p in plans)
    assert any("grofvuil_tevreden" not in p for p in plans)
    assert any("app_cijfer" in p for p in plans)
    assert any("app_cijfer" not in p for p in plans)
    assert any(p["idee"] is None for p in plans)


async def test_fifty_residents_at_the_same_time(
    fake: FakeBotApi, bot: BotRunner, database_url: str
) -> None:
    residents = [fake.user(first_name=f"Inwoner {i}") for i in range(50)]
    plans = [plan(i) for i in range(50)]
    finals = await asyncio.wait_for(
        asyncio.gather(
            *(complete(r, steps) for r, (steps, _) in zip(residents, plans, strict=True))
        ),
        90,
    )
    for final, (_, answers) in zip(finals, plans, strict=True):
        assert final.text.startswith("Klaar! Dank je wel voor je mening.")
        if answers["idee"]:
            assert answers["idee"] in final.text

    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as db:
            assert await repo.count_sessions(db, AFVAL) == {repo.COMPLETED: 50}
            rows = await export.export_rows(db, AFVAL)
            by_pseudonym = {row.pseudonym: row for row in rows}
            assert len(rows) == len(by_pseudonym) == 50
            for resident, (_, answers) in zip(residents, plans, strict=True):
                row = by_pseudonym[pseudonym(resident)]
                assert (row.status, row.answers) == (repo.COMPLETED, answers)
    finally:
        await engine.dispose()


async def test_five_fast_taps_on_one_button_count_once(
    fake: FakeBotApi, bot: BotRunner, database_url: str
) -> None:
    resident = fake.user()
    question = await open_afval(resident)
    queries = await asyncio.gather(*(resident.press("Noord", message=question) for _ in range(5)))
    answered = await asyncio.gather(*(resident.wait_callback_answered(q) for q in queries))
    notices = sorted((a.text or "") for a in answered)
    assert notices == ["", *["Je antwoord is al opgeslagen."] * 4]

    nxt = await resident.next_message()
    assert progress(nxt) == (2, 7)
    await fake.settle()
    assert resident.unread() == []  # one next question, not five
    assert "✅ Je antwoord: Noord" in question.text  # the tapped question, answered once

    session = await stored(database_url, resident)
    assert session is not None
    assert session.state.answers == {"wijk": "noord"}
    assert (session.state.current, session.state.path) == ("inzameling", ("wijk",))

    # The resident goes on normally.
    nxt = await answer(resident, nxt, ("press", "Allebei"))
    assert progress(nxt) == (3, 8)


# --- ordering ---------------------------------------------------------------------------------


Event = tuple[int, str, str, float]  # (user id, "in"/"out", text, time)


def record_text_handler(
    monkeypatch: pytest.MonkeyPatch, hold: Callable[[int], Awaitable[None]]
) -> list[Event]:
    """Wrap the typed-text handler: note when each update starts and ends; ``hold(user)``
    runs inside, before the real handler."""
    events: list[Event] = []
    original = ResidentHandlers.text

    async def text(self: ResidentHandlers, update: Any, context: Any) -> None:
        user, said = update.effective_user.id, update.effective_message.text
        events.append((user, "in", said, time.monotonic()))
        try:
            await hold(user)
            await original(self, update, context)
        finally:
            events.append((user, "out", said, time.monotonic()))

    monkeypatch.setattr(ResidentHandlers, "text", text)
    return events


async def until(condition: Callable[[], bool]) -> None:
    """Wait (at most 5 s) until ``condition()``: a plain list the handlers append to."""
    async with asyncio.timeout(5):
        while not condition():  # noqa: ASYNC110 - nothing to wait on but the list
            await asyncio.sleep(0.005)


def most_at_once(events: list[Event], user: int | None = None) -> int:
    running = most = 0
    for who, kind, _, _ in events:
        if user is not None and who != user:
            continue
        running += 1 if kind == "in" else -1
        most = max(most, running)
    return most


async def test_one_residents_updates_run_one_by_one_in_order_others_in_parallel(
    fake: FakeBotApi, bot: BotRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def hold(user: int) -> None:
        await asyncio.sleep(0.05)

    events = record_text_handler(monkeypatch, hold)
    await bot.restart()  # the handlers are bound when the application is built
    ann, bob, cas = fake.user(), fake.user(), fake.user()
    said = {r.id: [f"bericht {n} van {r.id}" for n in range(4)] for r in (ann, bob, cas)}
    for n in range(4):  # interleaved, without waiting for any reply
        for resident in (ann, bob, cas):
            await resident.send(said[resident.id][n])
    for resident in (ann, bob, cas):
        replies = await resident.next_messages(4)
        assert all(m.text.startswith("Eerst even dit: doe je mee?") for m in replies)
    await until(lambda: len(events) == 24)  # every handler has ended

    for resident in (ann, bob, cas):
        mine = [e for e in events if e[0] == resident.id]
        assert most_at_once(mine) == 1  # never two of one resident at the same time
        assert [e[2] for e in mine] == [s for s in said[resident.id] for _ in ("in", "out")]
    assert most_at_once(events) == 3  # the three residents did run side by side


async def test_a_resident_sending_many_updates_delays_only_themselves(
    fake: FakeBotApi, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Updates waiting for their resident's turn must not take the slots of others."""
    flooder, other = fake.user(), fake.user()

    async def hold(user: int) -> None:
        await asyncio.sleep(0.2 if user == flooder.id else 0)

    events = record_text_handler(monkeypatch, hold)
    # A bot that handles at most two updates at the same time.
    async with running_bot(fake, database_url, max_concurrent_updates=2):
        for n in range(6):
            await flooder.send(f"spam {n}")
        await fake.settle(timeout=2, quiet=0.02)  # the flood is fetched first
        await other.send("hallo")
        reply = await other.next_message(timeout=5)
        assert reply.text.startswith("Eerst even dit")
        await flooder.next_messages(6, timeout=5)
        await until(lambda: len(events) == 14)

        flooding = [e[3] for e in events if e[0] == flooder.id and e[1] == "in"]
        other_in = next(e[3] for e in events if e[0] == other.id and e[1] == "in")
        # Served right away, not after the flood: with the flooder's waiting updates holding
        # both slots, "hallo" would only start after the flooder's fourth update ended.
        assert other_in < flooding[2]
        assert most_at_once(events) <= 2  # the limit still holds
        assert most_at_once(events, flooder.id) == 1
