"""Digests for civil servants end to end: residents answer through the fake Bot API, the
digest group asks for digests (/digest) or gets them on schedule, and every figure is checked
against what the residents typed, counted by hand here, not by the code under test.

The scheduled job runs on an injected clock: a test moves the clock, never sleeps until a
real slot. A wrapper around :meth:`DigestService.tick` counts the job's runs, so "nothing
more on the next ticks" is checked after ticks that really happened.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.staff.charts import PNG_SIGNATURE, png_size
from bot.staff.digests import DigestService
from sandbox.clients import FakeGroupMember, FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.formatting import utf16_len
from sandbox.limits import MAX_CAPTION, MAX_TEXT
from sandbox.models import BotMessage
from storage.models import Answer, Digest
from tests.conftest import QUESTIONNAIRES
from tests.e2e import peiling
from tests.e2e.conftest import BotRunner, running_bot
from tests.support.clocks import Fixed

ZONE = ZoneInfo("Europe/Amsterdam")
AFVAL = "Afval ophalen in Rivierstad"
GROEN = "Groen in de wijk"
SCHOOL = "Veilig naar school"
IDS = "afvalinzameling, burgerpeiling, groen-in-de-wijk, schoolroutes, wijkpeiling"
REFUSED = "Overzichten stuur ik alleen naar de groep van de gemeente."
REMOVED = "[verwijderd]"


# --- helpers ----------------------------------------------------------------------------------


@dataclass
class Ticks:
    """The digest job's runs (see the ``ticks`` fixture); they never overlap."""

    started: int = 0
    finished: int = 0

    async def wait(self, count: int, within: float = 5) -> None:
        """Until ``count`` runs that start from now on have finished."""
        target = self.started + count
        deadline = time.monotonic() + within
        while self.finished < target:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the digest job ran {self.finished} times, not {target}")
            await asyncio.sleep(0.01)


@pytest.fixture
def ticks(monkeypatch: pytest.MonkeyPatch) -> Ticks:
    counter = Ticks()
    original = DigestService.tick

    async def counted(self: DigestService, bot: Any) -> None:
        counter.started += 1
        try:
            await original(self, bot)
        finally:
            counter.finished += 1

    monkeypatch.setattr(DigestService, "tick", counted)
    return counter


def job(group: int, schedule: str = "mon 09:00", **settings: Any) -> dict[str, Any]:
    """Settings for digests in ``group`` on ``schedule``, the job checking every 0.2 s."""
    return {
        "digest_chat_id": group,
        "digest_check_interval": 0.2,
        "digest_schedule": schedule,
        **settings,
    }


async def open_afval(user: FakeUser) -> BotMessage:
    """Consent and pick Afval; the first question."""
    welcome = await user.ask("/start")
    await user.press("Ja, ik doe mee", message=welcome)
    _thanks, pick = await user.next_messages(2)
    await user.press(AFVAL, message=pick)
    intro, question = await user.next_messages(2)
    assert intro.text.startswith(AFVAL)
    return question


SKIP = "<Sla over>"  # in a plan: press the Sla over button instead of typing


async def respond(user: FakeUser, typed: Sequence[str], *, finish: bool = True) -> None:
    """Consent, open Afval, type every answer in ``typed`` (or press Sla over); with
    ``finish`` the last one ends the questionnaire (the summary and "another one?")."""
    question = await open_afval(user)
    for i, text in enumerate(typed):
        if text == SKIP:
            await user.press("Sla over", message=question)
        else:
            await user.send(text)
        if finish and i == len(typed) - 1:
            end, _more = await user.next_messages(2)
            assert end.text.startswith("Klaar!"), end.text
        else:
            question = await user.next_message()
            assert question.text.startswith("Vraag "), (text, question.text)


async def everyone(
    fake: FakeBotApi, plans: Sequence[Sequence[str]], *, finish: bool = True
) -> None:
    """A resident per plan, all answering at the same time."""
    await asyncio.gather(*(respond(fake.user(), plan, finish=finish) for plan in plans))


async def command(member: FakeGroupMember, text: str) -> BotMessage:
    """Send ``text`` into the member's group; the bot's next message there."""
    await member.send(text)
    return await member.group.next_message()


Record = tuple[str, str | None, datetime, datetime]


async def records(runner: BotRunner) -> list[Record]:
    """(kind, questionnaire, period start, period end) of every digest sent, in order."""
    assert runner.services is not None
    async with runner.services.sessions() as db:
        rows = await db.execute(
            select(
                Digest.kind, Digest.questionnaire_id, Digest.period_start, Digest.period_end
            ).order_by(Digest.id)
        )
        return [(str(k), q, start, end) for k, q, start, end in rows]


async def sent(runner: BotRunner, count: int, within: float = 30) -> list[Record]:
    """Wait until ``count`` digests have been sent (recorded: every message of a digest is in
    the chat by then); the records. ``within``: generous, for a busy machine (it returns
    as soon as they are there)."""
    deadline = time.monotonic() + within
    while len(found := await records(runner)) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(found)} digest(s) sent, not {count}: {found}")
        await asyncio.sleep(0.02)
    return found


async def approve_texts(runner: BotRunner) -> int:
    """Approve every text answer, as an administrator would in /moderatie (tested in
    tests/e2e/test_moderation.py); how many."""
    assert runner.services is not None
    async with runner.services.sessions.begin() as db:
        result = await db.execute(
            update(Answer)
            .where(Answer.question_id == "idee", Answer.value.is_not(None))
            .values(moderation="approved")
        )
        return int(result.rowcount)  # type: ignore[attr-defined]


async def quiet(fake: FakeBotApi) -> None:
    """Until the bot has fetched every update and made no call for a while."""
    assert await fake.settle(timeout=5, quiet=0.1)


def block(text: str, heading: str) -> list[str]:
    """The lines of the paragraph of a digest text that starts with ``heading``."""
    for paragraph in text.split("\n\n"):
        if paragraph.startswith(heading):
            return paragraph.split("\n")
    raise AssertionError(f"no paragraph {heading!r} in:\n{text}")


def shares(lines: list[str]) -> list[str]:
    """Bar lines without their bars: ``50% (3) Eigen containers bij huis``."""
    return [re.sub(r"^[█▌▏]*\s*", "", line) for line in lines]


def assert_chart(message: BotMessage, title: str) -> None:
    assert message.kind == "photo" and message.photo is not None
    assert message.photo.startswith(PNG_SIGNATURE)
    assert png_size(message.photo)[0] == 1080
    assert message.caption is not None and message.caption.startswith(title)
    assert utf16_len(message.caption) < MAX_CAPTION


def closing(tmp_path: Path, **closes_at: str) -> Path:
    """A copy of the shipped questionnaires, with ``closes_at`` set per file (by id)."""
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    for source in QUESTIONNAIRES.glob("*.yaml"):
        content = source.read_text(encoding="utf-8")
        closes = closes_at.get(source.stem.replace("-", "_"))
        if closes:
            line = f'closes_at: "{closes}"'
            content = content.replace("\nquestions:\n", f"\n{line}\nquestions:\n", 1)
        (folder / source.name).write_text(content, encoding="utf-8")
    shutil.copytree(QUESTIONNAIRES / "images", folder / "images")  # image: of the wijkpeiling
    return folder


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZONE)


# --- /digest on demand ------------------------------------------------------------------------

# Six residents through short branches, typed. Counted by hand:
# inzameling: kliko 3 (50%), ondergronds 2 (33%), allebei 1 (17%) - 6 answers.
# ophaaldagen (kliko and allebei only): 4, 5, 2, 4 -> 2: 1, 4: 2, 5: 1; mean 3.75, median 4.
# containers (ondergronds and allebei only): vol 3 (100%), vies 1 (33%) - 3 answers.
# grofvuil: 0, 0, 0, 0, 0, 3 -> mean 0.5, median 0.
# melding: geen 3 (50%), snel 1, traag 1, niet_opgelost 0, geen_reactie 1 (17% each).
# idee: 5 texts, one skipped; "container" in 3 of them.
IDEAS = [
    "De container zit vaak vol op zaterdag",
    "Vaker legen in de zomer graag, het stinkt",
    "Meer ondergrondse containers in de wijk",
    "De container is vaak vol in het weekend",
    "Afval naast de container wordt laat opgeruimd",
]
SIX = [
    ["4104", "1", "4", "0", "2", "1", IDEAS[0]],
    ["4105", "1", "5", "0", "2", "2", SKIP],
    ["4106", "1", "2", "0", "3", "3", IDEAS[1]],
    ["4104", "2", "1, 4", "0", "2", "1", IDEAS[2]],
    ["4107", "2", "1", "0", "2", "1", IDEAS[3]],
    ["4104", "3", "4", "1", "3", "2", "2", "5", IDEAS[4]],
]


async def test_digest_on_demand_has_the_right_figures_and_a_chart(
    fake: FakeBotApi, database_url: str
) -> None:
    group = fake.group(title="Team participatie")
    settings = {"digest_chat_id": group.id, "digest_schedule": "off"}
    async with running_bot(fake, database_url, **settings) as runner:
        await everyone(fake, SIX)
        member = group.member()
        await member.send("/digest")
        await sent(runner, 1)
        messages = group.drain()
        # Groen and School had nothing new: left out, not an empty digest each.
        assert [m.kind for m in messages] == ["text", "photo"]
        afval, chart = messages

        text = afval.text
        assert text.startswith(f"Tussenstand: {AFVAL}\nPeriode: ")
        assert block(text, "Reacties") == [
            "Reacties",
            "Nieuw in deze periode: 6 · afgerond in deze periode: 6",
            "Totaal: 6 van 6 afgerond (100%)",
        ]
        inzameling = block(text, "Welke containers gebruik je")
        assert inzameling[0] == "Welke containers gebruik je voor je afval? (6 antwoorden)"
        assert shares(inzameling[1:]) == [
            "50% (3) Eigen containers bij huis",
            "33% (2) Ondergrondse containers",
            "17% (1) Allebei",
        ]
        assert inzameling[1].startswith("█████ 50%"), "a bar of 10 blocks is 100%"
        ophaaldagen = block(text, "Hoe tevreden ben je over de ophaaldagen")
        assert ophaaldagen[0].endswith("(4 antwoorden)")
        assert shares(ophaaldagen[1:]) == [
            "0% (0) 1 Heel ontevreden",
            "25% (1) 2",
            "0% (0) 3",
            "50% (2) 4",
            "25% (1) 5 Heel tevreden",
            "Gemiddeld 3,8 · mediaan 4",
        ]
        containers = block(text, "Wat gaat er weleens mis")
        assert containers[0].endswith("(3 antwoorden) – meer keuzes mogelijk")
        assert shares(containers[1:]) == [
            "100% (3) Hij is vaak vol",
            "0% (0) Klep of pas werkt niet",
            "0% (0) Afval naast de container",
            "33% (1) Vies of stinkt",
            "0% (0) Te ver van mijn huis",
            "0% (0) Er gaat niets mis",
        ]
        grofvuil = block(text, "Hoe vaak heb je het afgelopen jaar grofvuil")
        assert grofvuil[1:] == ["Gemiddeld 0,5 · mediaan 0"]
        melding = block(text, "Heb je het afgelopen jaar een klacht")
        assert melding[0].endswith("(6 antwoorden)")
        assert shares(melding[1:]) == [
            "50% (3) Nee, niets gemeld",
            "17% (1) Ja, en snel opgelost",
            "17% (1) Ja, maar het duurde lang",
            "0% (0) Ja, maar niet opgelost",
            "17% (1) Ja, maar geen reactie",
        ]
        idee = block(text, "Wat kan de gemeente beter doen")
        assert idee[0].endswith("(5 antwoorden)"), "the skipped one is not an answer"
        # Nobody moderated yet: no quotes and no frequent words (a word from an unjudged text
        # could be a name), but every text counts and the wait is told.
        assert idee[1:] == ["5 teksten wachten op moderatie."]
        assert "afhakers" not in text, "everyone finished"

        assert_chart(chart, AFVAL)
        assert chart.caption is not None
        assert chart.caption.endswith("\n6 nieuw · 6 van 6 afgerond")

        # One questionnaire: its text and its chart, nothing else. Now with quotes of the
        # approved texts.
        assert await approve_texts(runner) == 5
        await member.send("/digest afvalinzameling")
        await sent(runner, 2)
        one, one_chart = group.drain()
        assert_chart(one_chart, AFVAL)
        idee = block(one.text, "Wat kan de gemeente beter doen")
        # Approved now: their words are counted too.
        assert idee[0].endswith("(5 antwoorden)") and idee[1] == "Veel genoemd: container (3)"
        quotes = idee[2:]
        assert len(quotes) == 3 and {q.strip("«»") for q in quotes} <= set(IDEAS)
        # Against the previous digest: the same figures, so no change.
        lines = one.text.split("\n")
        assert lines[0] == f"Tussenstand: {AFVAL}"
        assert lines[2].startswith("▲/▼ = verschil met het vorige overzicht (")
        # The same period: "new" is said once, with one meaning (no "0 erbij" beside a
        # "Nieuw in deze periode: 6").
        assert block(one.text, "Reacties")[1:] == [
            "Nieuw in deze periode: 6 · afgerond in deze periode: 6",
            "Totaal: 6 van 6 afgerond (100%)",
        ]
        assert "erbij" not in one.text
        assert "Gemiddeld 3,8 (=) · mediaan 4" in lines
        assert shares(block(one.text, "Welke containers gebruik je")[1:]) == shares(inzameling[1:])
        assert [(k, q) for k, q, *_ in await records(runner)] == [
            ("on_demand", None),
            ("on_demand", "afvalinzameling"),
        ]


async def test_digest_commands_in_the_group_and_elsewhere(
    fake: FakeBotApi, database_url: str
) -> None:
    group = fake.group(title="Team participatie")
    other = fake.group(title="Buurtapp Noord")
    settings = {"digest_chat_id": group.id, "digest_schedule": "mon 09:00"}
    async with running_bot(fake, database_url, **settings) as runner:
        await sent(runner, 1)  # the first start sends the digest of the last slot
        group.drain()
        member = group.member()
        unknown = await command(member, "/digest onbekend")
        choose = (
            f"Die vragenlijst of dat gesprek ken ik niet. Kies uit: {IDS}\n"
            "Gesprekken met stellingen: autoluw-centrum"
        )
        assert unknown.text == choose
        odd = await command(member, "/digest <b>&amp;")
        assert odd.text == choose
        # A deliberation by its id: its part of the digest alone.
        talk = await command(member, "/digest autoluw-centrum")
        assert talk.text.startswith("Gesprek met stellingen: Een autoluw centrum?\n"), talk.text
        assert "0 deelnemers" in talk.text

        help_ = await command(member, "/help")
        assert help_.text.startswith("Samenspraak in deze groep\n")
        assert "Hier komen de overzichten van wat inwoners zeggen: ma om 09:00," in help_.text
        assert "/digest – overzicht van alles wat nieuw is" in help_.text
        assert f"/digest <id> – overzicht van één vragenlijst ({IDS}) of één gesprek" in (
            help_.text
        )
        assert "/help – deze uitleg" in help_.text

        # One member's updates are handled in order: the next message is the answer to
        # /help, so the residents' commands before it got none.
        for text in ("/start", "/vragenlijsten", "/privacy", "/stop", "Hallo allemaal"):
            await member.send(text)
        again = await command(member, "/help")
        assert again.text == help_.text, "residents' commands do nothing in the group"

        stranger = other.member()
        for text in ("/digest", "/help", "/digest afvalinzameling"):
            await stranger.send(text)
        refusals = await other.next_messages(2)
        assert [m.text for m in refusals] == [REFUSED, REFUSED], "/help: only in the group"
        await quiet(fake)
        assert other.unread() == []

        school = await command(member, "/digest@samenspraak_test_bot schoolroutes")
        assert school.text.startswith(f"Tussenstand: {SCHOOL}\n")
        await sent(runner, 2)
        assert group.unread() == [], "no answers: no chart"


# --- the scheduled job ------------------------------------------------------------------------

SLOT = local(2026, 11, 2, 9, 0)  # a Monday
WEEK = timedelta(days=7)
SHIPPED_TITLES = (AFVAL, GROEN, SCHOOL)
TITLES = [f"Overzicht: {t}" for t in SHIPPED_TITLES]


def headings(messages: Sequence[BotMessage]) -> list[tuple[str, str]]:
    """(title, period) of each message."""
    return [(m.text.split("\n")[0], m.text.split("\n")[1]) for m in messages]


async def test_scheduled_digest_goes_out_once_per_slot_and_only_when_something_happened(
    fake: FakeBotApi, database_url: str, ticks: Ticks
) -> None:
    group = fake.group(title="Team participatie")
    clock = Fixed(SLOT + timedelta(minutes=1))
    async with running_bot(fake, database_url, clock=clock, **job(group.id)) as runner:
        # The slot that passed before the start: nothing was answered, so nothing is posted
        # (the catch-up digest is recorded, and the next period starts at its end).
        await sent(runner, 1)
        await ticks.wait(2)
        assert group.unread() == [], "a quiet period posts nothing"

        await everyone(fake, [SIX[0]])  # one resident answers Afval
        clock.now += WEEK
        await sent(runner, 2)
        messages = group.drain()
        period = "Periode: 2 nov 2026 09:00 – 9 nov 2026 09:00"
        assert headings(messages[:1]) == [(TITLES[0], period)]
        assert [m.kind for m in messages] == ["text", "photo"], "only the questionnaire answered"
        await ticks.wait(2)
        assert group.unread() == [], "the slot's digest goes out once"

        clock.now += WEEK  # a week without answers
        await sent(runner, 3)
        await ticks.wait(2)
        assert group.unread() == []
        assert await records(runner) == [
            ("scheduled", None, SLOT - WEEK, SLOT),
            ("scheduled", None, SLOT, SLOT + WEEK),
            ("scheduled", None, SLOT + WEEK, SLOT + 2 * WEEK),
        ]


async def test_a_digest_refused_halfway_is_not_sent_again_and_says_what_is_missing(
    fake: FakeBotApi, database_url: str, ticks: Ticks
) -> None:
    group = fake.group(title="Team participatie")
    clock = Fixed(SLOT - timedelta(hours=1))
    # Not clean: the refused photo is what this test is about.
    async with running_bot(
        fake, database_url, clock=clock, clean=False, **job(group.id)
    ) as runner:
        await sent(runner, 1)  # the slot before: nothing answered yet
        group.drain()
        await everyone(fake, [["4104", "1", "4"]], finish=False)  # a chart for Afval

        # Telegram refuses the chart (a 4xx is not tried again) after the texts arrived.
        fake.fail_next("sendPhoto", status=400, description="Bad Request: PHOTO_INVALID")
        clock.now = SLOT + timedelta(minutes=1)
        await sent(runner, 2)
        messages = group.drain()
        assert [m.kind for m in messages].count("photo") == 0
        assert headings(messages[:1]) == [
            (TITLES[0], "Periode: 26 okt 2026 09:00 – 2 nov 2026 09:00")
        ]
        assert messages[-1].text == (
            "Een deel van dit overzicht kon niet worden verstuurd. Vraag het opnieuw op met "
            "/digest (of /digest <vragenlijst>)."
        )
        await ticks.wait(3)
        assert group.unread() == [], "what arrived is not sent again"
        refused = [c for c in fake.calls if c.error_code is not None]
        assert [(c.method, c.error_code) for c in refused] == [("sendPhoto", 400)]


async def test_one_catch_up_digest_after_missed_slots(
    fake: FakeBotApi, database_url: str, ticks: Ticks
) -> None:
    group = fake.group(title="Team participatie")
    clock = Fixed(SLOT + timedelta(minutes=1))
    async with running_bot(fake, database_url, clock=clock, **job(group.id)) as runner:
        await sent(runner, 1)
        await everyone(fake, [SIX[0]])
        group.drain()

    # Down over two slots (9 and 16 nov): one digest from where the last one ended.
    clock.now = local(2026, 11, 18, 14, 30)
    async with running_bot(fake, database_url, clock=clock, **job(group.id)) as runner:
        await sent(runner, 2)
        period = "Periode: 2 nov 2026 09:00 – 16 nov 2026 09:00"
        messages = group.drain()
        assert headings(messages[:1]) == [(TITLES[0], period)]
        assert [m.kind for m in messages] == ["text", "photo"]
        await ticks.wait(1)
        assert group.unread() == [], "one catch-up, not one per missed slot"

    # Down again over two slots in which nobody answered: no catch-up digest at start-up.
    clock.now = local(2026, 12, 2, 10, 0)
    async with running_bot(fake, database_url, clock=clock, **job(group.id)) as runner:
        await sent(runner, 3)
        await ticks.wait(2)
        assert group.unread() == [], "nothing happened: nothing posted"
        assert [(start, end) for *_, start, end in await records(runner)] == [
            (SLOT - WEEK, SLOT),
            (SLOT, SLOT + 2 * WEEK),
            (SLOT + 2 * WEEK, SLOT + 4 * WEEK),
        ]


# --- privacy in the digest --------------------------------------------------------------------

# Ten residents answer the first question only: Noord 5, Centrum 3, Oost 2.
WIJKEN = [["4104"]] * 5 + [["4101"]] * 3 + [["4108"]] * 2


async def test_areas_with_few_respondents_are_merged_into_overig(
    fake: FakeBotApi, database_url: str
) -> None:
    group = fake.group(title="Team participatie")
    settings = {"digest_chat_id": group.id, "digest_schedule": "off"}
    async with running_bot(fake, database_url, **settings) as runner:
        await everyone(fake, WIJKEN, finish=False)
        await group.member().send("/digest afvalinzameling")
        await sent(runner, 1)
        text, chart = group.drain()
        assert block(text.text, "Reacties per wijk") == [
            "Reacties per wijk (10 antwoorden)",
            "█████ 50% (5) Noord",
            "█████ 50% (5) Overig (2 wijken)",
            "Wijken met minder dan 5 reacties staan samen onder ‘Overig’.",
        ]
        for hidden in ("Centrum", "Oost", "(3)", "(2)"):
            assert hidden not in text.text
        drop_off = "Meeste afhakers bij: Welke containers gebruik je voor je afval? (10 van 10"
        assert drop_off in text.text
        assert_chart(chart, AFVAL)


MARKUP = "Zet <b>meer</b> bakken & leeg ze *vaker* _graag_, zie [link](x) &amp; <i>dank</i>"
PERSONAL = "Mail mij op jan.jansen@example.nl of bel 06-12345678 als de container vol is"
SCRUBBED = f"Mail mij op {REMOVED} of bel {REMOVED} als de container vol is"


async def test_personal_data_is_scrubbed_and_markup_shown_as_written(
    fake: FakeBotApi, database_url: str
) -> None:
    group = fake.group(title="Team participatie")
    plans = [
        ["4104", "1", "4", "0", "2", "1", PERSONAL],
        ["4105", "1", "3", "0", "2", "1", MARKUP],
    ]
    settings = {"digest_chat_id": group.id, "digest_schedule": "off"}
    async with running_bot(fake, database_url, **settings) as runner:
        await everyone(fake, plans)
        assert await approve_texts(runner) == 2
        await group.member().send("/digest afvalinzameling")
        await sent(runner, 1)
        text, chart = group.drain()
        idee = block(text.text, "Wat kan de gemeente beter doen")
        assert sorted(idee[1:]) == sorted([f"«{SCRUBBED}»", f"«{MARKUP}»"])
        assert text.html is not None
        escaped = (
            "«Zet &lt;b&gt;meer&lt;/b&gt; bakken &amp; leeg ze *vaker* _graag_, zie [link](x) "
            "&amp;amp; &lt;i&gt;dank&lt;/i&gt;»"
        )
        assert escaped in text.html
        for shown in (text.text, text.html, chart.caption or ""):
            for personal in ("jan.jansen", "example.nl", "06-12345678", "12345678"):
                assert personal not in shown


# --- long digests and Telegram's limits -------------------------------------------------------

LONG_QUESTIONS = 14
LONG_OPTIONS = 12


def long_label(question: int, option: int) -> str:
    return f"Keuze {question}.{option}: een lange omschrijving & <meer>".ljust(60, "x")


def long_questionnaire() -> str:
    """A questionnaire whose digest is far longer than one message: 14 choice questions with
    12 options of 60-character labels."""
    lines = [
        "schema_version: 1",
        "id: lang",
        "version: 1",
        "theme: {nl: Lang, en: Long}",
        "title: {nl: Een hele lange vragenlijst, en: A very long questionnaire}",
        "intro: {nl: Veel vragen., en: Many questions.}",
        "outro: {nl: Dank je., en: Thanks.}",
        "questions:",
    ]
    for q in range(1, LONG_QUESTIONS + 1):
        lines += [
            f"  - id: v{q}",
            "    type: choice",
            f"    text: {{nl: 'Vraag {q} over een onderwerp?', en: 'Question {q}?'}}",
            "    options:",
        ]
        for o in range(1, LONG_OPTIONS + 1):
            lines.append(f"      - {{id: o{o}, label: {{nl: '{long_label(q, o)}', en: 'O{o}'}}}}")
    return "\n".join(lines) + "\n"


def chosen(question: int) -> int:
    """The option the resident types for ``question``."""
    return (question - 1) % LONG_OPTIONS + 1


async def test_a_long_digest_is_split_into_messages_telegram_accepts(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    folder = closing(tmp_path)
    (folder / "lang.yaml").write_text(long_questionnaire(), encoding="utf-8")
    group = fake.group(title="Team participatie")
    settings = {"digest_chat_id": group.id, "digest_schedule": "off"}
    async with running_bot(fake, database_url, questionnaires_dir=folder, **settings) as runner:
        resident = fake.user()
        welcome = await resident.ask("/start lang")
        await resident.press("Ja, ik doe mee", message=welcome)
        await resident.next_messages(3)  # thanks, intro, first question
        for q in range(1, LONG_QUESTIONS + 1):
            await resident.send(str(chosen(q)))
            await resident.next_messages(1 if q < LONG_QUESTIONS else 2)

        await group.member().send("/digest")
        await sent(runner, 1)
        messages = group.drain()
        kinds = [m.kind for m in messages]
        assert kinds.count("photo") == 1
        start = next(i for i, m in enumerate(messages) if "lange vragenlijst" in m.text)
        long_part = messages[start : kinds.index("photo")]
        assert len(long_part) >= 4, "about 13,000 characters need at least 4 messages"
        assert len(messages) == len(long_part) + 1, "the others had nothing new: left out"
        for message in messages:
            assert utf16_len(message.html or "") <= MAX_TEXT
            assert utf16_len(message.text) <= MAX_TEXT
        # Nothing lost at the cuts: every question and every option line is there, once.
        whole = "\n".join(m.text for m in long_part)
        for q in range(1, LONG_QUESTIONS + 1):
            assert whole.count(f"Vraag {q} over een onderwerp? (1 antwoord)") == 1
            for o in range(1, LONG_OPTIONS + 1):
                share = "██████████ 100% (1)" if o == chosen(q) else "0% (0)"
                assert whole.count(f"{share} {long_label(q, o)}") == 1, (q, o)
        # Cut between paragraphs: each further message starts with a question.
        for message in long_part[1:]:
            assert message.text.startswith("Vraag "), message.text[:40]


# --- Telegram says "too many requests" --------------------------------------------------------


async def test_a_429_is_waited_out_and_nothing_is_dropped(
    fake: FakeBotApi, database_url: str
) -> None:
    group = fake.group(title="Team participatie")
    settings = {"digest_chat_id": group.id, "digest_schedule": "off"}
    async with running_bot(fake, database_url, **settings) as runner:
        await everyone(fake, [["4104", "1", "4"]], finish=False)
        fake.fail_next("sendMessage", status=429, retry_after=1)
        started = time.monotonic()
        await group.member().send("/digest afvalinzameling")
        await sent(runner, 1)
        waited = time.monotonic() - started
        text, chart = group.drain()
        assert text.text.startswith(f"Tussenstand: {AFVAL}\n")
        assert "Welke containers gebruik je voor je afval? (1 antwoord)" in text.text
        assert_chart(chart, AFVAL)
        assert waited >= 1, "retry_after is respected"
        to_group = [c for c in fake.calls if c.params.get("chat_id") in (group.id, str(group.id))]
        assert [(c.method, c.error_code) for c in to_group] == [
            ("sendMessage", 429),
            ("sendMessage", None),
            ("sendPhoto", None),
        ]


# --- the closing digest -----------------------------------------------------------------------

CLOSES = local(2026, 11, 4, 17, 0)  # a Wednesday


async def test_one_final_digest_when_a_questionnaire_closes(
    fake: FakeBotApi, database_url: str, tmp_path: Path, ticks: Ticks
) -> None:
    folder = closing(tmp_path, afvalinzameling=CLOSES.isoformat())
    group = fake.group(title="Team participatie")
    clock = Fixed(local(2026, 11, 4, 12, 0))
    settings = job(group.id, "off", questionnaires_dir=folder)
    async with running_bot(fake, database_url, clock=clock, **settings) as runner:
        await everyone(fake, SIX[:2])
        # An hour later someone asks for another questionnaire: that must not shorten the
        # period of Afval's closing digest.
        clock.now = local(2026, 11, 4, 13, 0)
        school = await command(group.member(), "/digest schoolroutes")
        assert school.text.startswith(f"Tussenstand: {SCHOOL}\n")
        await ticks.wait(1)
        assert group.unread() == [], "still open: no closing digest"

        clock.now = CLOSES + timedelta(minutes=1)
        await sent(runner, 2)
        messages = group.drain()
        final = messages[0]
        assert final.text.startswith(f"Eindoverzicht: {AFVAL}\n")
        assert final.text.split("\n")[1] == "Periode: 28 okt 2026 17:00 – 4 nov 2026 17:00"
        assert block(final.text, "Reacties")[1:] == [
            "Nieuw in deze periode: 2 · afgerond in deze periode: 2",
            "Totaal: 2 van 2 afgerond (100%)",
        ]
        assert shares(block(final.text, "Welke containers gebruik je")[1:]) == [
            "100% (2) Eigen containers bij huis",
            "0% (0) Ondergrondse containers",
            "0% (0) Allebei",
        ]
        assert [m.kind for m in messages] == ["text", "photo"]
        assert_chart(messages[1], AFVAL)
        await ticks.wait(2)
        assert group.unread() == [], "exactly one closing digest"
        finals = [(q, end) for kind, q, _, end in await records(runner) if kind == "final"]
        assert finals == [("afvalinzameling", CLOSES)]


async def test_with_nothing_open_the_digest_says_so_in_local_time(
    fake: FakeBotApi, database_url: str, tmp_path: Path, ticks: Ticks
) -> None:
    long_ago = "2021-01-01"
    folder = closing(
        tmp_path, afvalinzameling=long_ago, groen_in_de_wijk=long_ago, schoolroutes=long_ago
    )
    group = fake.group(title="Team participatie")
    clock = Fixed(datetime(2026, 11, 27, 4, 27, tzinfo=UTC))  # as utc_now() gives it
    settings = job(group.id, "off", questionnaires_dir=folder)
    async with running_bot(fake, database_url, clock=clock, **settings) as runner:
        # Closed years before digests were switched on: old news, no closing digests.
        await ticks.wait(2)
        assert group.unread() == []
        assert await records(runner) == []
        empty = await command(group.member(), "/digest")
        # One short line, in Amsterdam time (not UTC).
        assert empty.text == "Nog geen nieuwe antwoorden sinds 20 nov 2026 05:27."


# --- /digest when little happened -------------------------------------------------------------


async def test_digest_with_nothing_new_is_one_line_and_leaves_quiet_questionnaires_out(
    fake: FakeBotApi, database_url: str, ticks: Ticks
) -> None:
    group = fake.group(title="Team participatie")
    clock = Fixed(SLOT + timedelta(minutes=1))
    async with running_bot(fake, database_url, clock=clock, **job(group.id)) as runner:
        await sent(runner, 1)  # the slot before the start: quiet, not posted
        member = group.member()
        line = await command(member, "/digest")
        assert line.text == "Nog geen nieuwe antwoorden sinds 2 nov 2026 09:00."
        await quiet(fake)
        assert group.unread() == [], "one line, not an empty digest per questionnaire"

        await everyone(fake, [SIX[0], SIX[1]])
        clock.now += timedelta(minutes=1)
        await member.send("/digest")
        await sent(runner, 3)
        afval, chart = group.drain()
        assert afval.text.startswith(f"Tussenstand: {AFVAL}\n")
        assert block(afval.text, "Reacties")[1:] == [
            "Nieuw in deze periode: 2 · afgerond in deze periode: 2",
            "Totaal: 2 van 2 afgerond (100%)",
        ]
        assert_chart(chart, AFVAL)
        # Asked for by name, a questionnaire is shown even when nothing happened.
        school = await command(member, "/digest schoolroutes")
        assert school.text.startswith(f"Tussenstand: {SCHOOL}\n")
        assert "Geen nieuwe antwoorden in deze periode." in school.text


# --- the Burgerpeiling: scores per option, a label, texts that differ at the end --------------


async def test_peiling_digest_scores_choice_questions_and_names_each_question(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    group = fake.group(title="Team participatie")
    settings = {"digest_chat_id": group.id, "digest_schedule": "off"}
    folder = peiling.folder(tmp_path)
    async with running_bot(fake, database_url, questionnaires_dir=folder, **settings) as runner:
        await asyncio.gather(*(peiling.answer(fake.user(), plan) for plan in peiling.PLANS))
        await group.member().send("/digest peiling")
        await sent(runner, 1)
        text, chart = group.drain()
        assert text.text.startswith(f"Tussenstand: {peiling.TITLE}\n")
        # Counted by hand in tests/e2e/peiling.py: the choice questions count through the
        # score of each option, "weet niet" not; the multi question without scores is said.
        assert block(text.text, "Publieke waarde") == [
            "Publieke waarde (0–100)",
            "Dienstverlening: 70 (5 antwoorden)",
            "Organisatie: niet te meten (1 vraag zonder score per antwoord)",
            "Bestuur: 50 (2 antwoorden)",
        ]
        headings = [p.split("\n")[0] for p in text.text.split("\n\n")]
        sport = next(h for h in headings if h.endswith("sportvoorzieningen. (3 antwoorden)"))
        bieb = next(h for h in headings if h.endswith("bibliotheek. (3 antwoorden)"))
        for heading in (sport, bieb):
            # Shortened at a word, keeping the start and the end that tells them apart.
            assert heading.startswith("Hoe tevreden bent u over deze voorziening in uw buurt?")
            assert " … " in heading
            assert len(heading.removesuffix(" (3 antwoorden)")) <= 150
        assert f"{peiling.VERTROUWEN_LABEL} (3 antwoorden)" in headings
        assert shares(block(text.text, peiling.VERTROUWEN_LABEL)[1:]) == [
            "33% (1) Eens",
            "0% (0) Neutraal",
            "33% (1) Oneens",
            "33% (1) Weet niet",
        ]
        assert f"{peiling.KANAAL} (3 antwoorden) – meer keuzes mogelijk" in headings
        assert_chart(chart, peiling.TITLE)
