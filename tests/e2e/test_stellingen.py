"""A deliberation ("gesprek met stellingen") end to end through the fake Bot API: a deep
link opens it, one statement at a time with [Eens] [Oneens] [Weet niet / sla over] or
typed, /stop and coming back, "Waar sta ik?", adding a statement; and bad input (closed,
forged and replayed buttons, a 2,000-character statement, a sticker): a clear answer each,
nothing stored twice, no Telegram call rejected. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import subprocess
import zipfile
from pathlib import Path

from sqlalchemy import func, select, update

from analysis.opinions import read_polis
from flows.deliberation import Vote
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage import deliberations as store
from storage import repo
from storage.models import DeliberationRecord, DeliberationStatement, DeliberationVote
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import TOKEN, BotRunner, join, running_bot
from tests.e2e.test_digest import block
from tests.support.processes import environment, samenspraak

TALK = "autoluw-centrum"
TITLE = "Een autoluw centrum?"
AGREE, DISAGREE, PASS = "Eens", "Oneens", "Weet niet / sla over"
PLACE, ADD = "Waar sta ik?", "Stelling toevoegen"
STATEMENT = "Stelling\n\n"


async def votes(bot: BotRunner) -> list[tuple[int, int]]:
    assert bot.services is not None
    async with bot.services.sessions() as db:
        rows = await db.execute(
            select(DeliberationVote.statement_id, DeliberationVote.vote).order_by(
                DeliberationVote.statement_id
            )
        )
        return [(s, v) for s, v in rows.all()]


async def enter(user: FakeUser) -> BotMessage:
    """Consent through the deep link; the intro, then the first statement."""
    await join(user, then=TALK)
    intro = await user.next_message()
    assert intro.text.startswith(TITLE), intro.text
    first = await user.next_message()
    assert first.text.startswith(STATEMENT) and first.buttons[:2] == [[AGREE, DISAGREE], [PASS]]
    return first


async def tap(user: FakeUser, label: str, message: BotMessage) -> tuple[str | None, BotMessage]:
    """Press; the callback's notice and the next statement (or message)."""
    query = await user.press(label, message=message)
    answer = await user.wait_callback_answered(query)
    return answer.text, await user.next_message()


async def test_a_resident_votes_stops_comes_back_and_sees_where_they_stand(
    fake: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake, database_url) as bot:
        anna = fake.user(first_name="Anna")
        first = await enter(anna)
        shown = first.text.removeprefix(STATEMENT)
        _, second = await tap(anna, AGREE, first)
        assert first.text == f"{shown}\n\nJouw stem: Eens" and not first.buttons
        assert second.text.startswith(STATEMENT) and second.text != first.text
        # Typed answers work, and show on the statement message.
        third = await anna.ask("oneens")
        assert second.text.endswith("Jouw stem: Oneens") and not second.buttons
        hint = await anna.ask("misschien")
        assert hint.text.startswith("Kies een knop onder de stelling.")
        again = await anna.next_message()
        assert again.text == third.text  # the same statement, asked again
        sticker_id = await anna.send_sticker()
        assert sticker_id
        said = await anna.next_message()
        assert said.text.startswith("Daar kan ik niets mee, sorry. Stem met de knoppen")
        stopped = await anna.ask("/stop")
        assert stopped.text == (
            "Je bent gestopt. Je stemmen zijn bewaard. Verder gaan? Stuur /start autoluw-centrum."
        )
        # After /stop, typed text is the questionnaires' again; the deep link resumes.
        back = await anna.ask(f"/start {TALK}")
        assert back.text == f"Welkom terug bij het gesprek {TITLE}\nWe gaan verder waar je was."
        resumed = await anna.next_message()
        assert resumed.text == again.text, "the statement left unanswered comes back"
        assert len(await votes(bot)) == 2
        # Seven votes: "Waar sta ik?" appears; with one voter there are no groups yet.
        current = resumed
        for label in [PASS, AGREE, DISAGREE, AGREE, AGREE]:
            _, current = await tap(anna, label, current)
        assert [PLACE, ADD] in current.buttons
        assert len(await votes(bot)) == 7
        _, placed = await tap(anna, PLACE, current)
        assert placed.text.startswith("Er hebben nog te weinig mensen gestemd")


async def test_bad_input_gets_a_clear_answer_and_nothing_is_stored_twice(
    fake: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake, database_url) as bot:
        anna, bram = fake.user(first_name="Anna"), fake.user(first_name="Bram")
        first = await enter(anna)
        await enter(bram)
        data, other = first.button_data[0]
        _, second = await tap(anna, AGREE, first)
        # A replayed button (the same press again, from an old copy): saved once.
        query = await anna.press_data(data, message_id=first.message_id)
        assert (await anna.wait_callback_answered(query)).text == "Bewaard."
        # The same statement's other button: the vote changes, nothing is added.
        query = await anna.press_data(other, message_id=first.message_id)
        assert (await anna.wait_callback_answered(query)).text == "Je stem is aangepast."
        assert [v for _, v in await votes(bot)] == [-1]
        # Another resident's button, and a made-up one: they change nothing.
        query = await bram.press_data(data)
        assert (await bram.wait_callback_answered(query)).text == "Die knop werkt niet meer."
        forged = data.rsplit(":", 2)[0] + ":999999:a"
        query = await anna.press_data(forged, message_id=second.message_id)
        assert (await anna.wait_callback_answered(query)).text == "Die knop werkt niet meer."
        assert [v for _, v in await votes(bot)] == [-1]
        # A statement of 2,000 characters, then an empty one: each refused, with why.
        query = await anna.press(ADD, message=second)
        await anna.wait_callback_answered(query)
        ask = await anna.next_message()
        assert ask.text.startswith("Typ je stelling in één korte zin (hoogstens 140 tekens).")
        long = await anna.ask("a" * 2000)
        assert long.text.startswith("Je stelling heeft 2000 tekens. Dat is te lang")
        # A near-duplicate of a seed statement: offered to vote on the existing one.
        dup = await anna.ask("er mogen minder autos door het centrum rijden")
        assert dup.text.startswith("Zo'n stelling is er al:") and dup.buttons[0] == [
            AGREE,
            DISAGREE,
        ]
        # Closed: a vote button says so and takes the buttons away; nothing is stored.
        assert bot.services is not None
        async with bot.services.sessions.begin() as db:
            await db.execute(update(DeliberationRecord).values(status="closed"))
        text, closed = await tap(anna, AGREE, second)
        assert text == "Dit gesprek is gesloten."
        assert closed.text.startswith("Dit gesprek is gesloten. Stemmen kan niet meer.")
        assert [v for _, v in await votes(bot)] == [-1]
        typed = await anna.ask("eens")
        assert typed.text.startswith("Dit gesprek is gesloten.")
        async with bot.services.sessions() as db:
            count = await db.scalar(
                select(func.count())
                .select_from(DeliberationStatement)
                .where(DeliberationStatement.origin == "resident")
            )
        assert count == 0


ADMIN = 424242
OWN = "Maak de Brugstraat een <b>fietsstraat</b> & bel me op 06-12345678"
SCRUBBED = "Maak de Brugstraat een <b>fietsstraat</b> & bel me op [verwijderd]"


async def planted(bot: BotRunner, count: int) -> None:
    """``count`` more participants, stored directly: half agree with the first six seed
    statements and disagree with the rest, half the other way round (two opinion groups)."""
    assert bot.services is not None
    now = bot.services.clock()
    async with bot.services.sessions.begin() as db:
        every = await store.statements(db, TALK)
        live = [s for s in every if s.origin == "seed"]
        own = [s for s in every if s.origin == "resident"]
        for index in range(count):
            resident = await repo.register_resident(
                db,
                f"planted-{index}",
                language="nl",
                consent="given",
                chat_id=9_000 + index,
                now=now,
            )
            await store.join(db, TALK, resident.id, now=now)
            for number, statement in enumerate(live):
                first_half = number < 6
                agree = first_half if index % 2 == 0 else not first_half
                given = Vote.AGREE if agree else Vote.DISAGREE
                await store.vote(db, statement, resident.id, given, now=now)
            for statement in own:  # what both groups agree on
                await store.vote(db, statement, resident.id, Vote.AGREE, now=now)


async def add(user: FakeUser, statement: BotMessage, text: str) -> BotMessage:
    """Add a statement from under ``statement``: the bot's answer."""
    query = await user.press(ADD, message=statement)
    await user.wait_callback_answered(query)
    await user.next_message()  # "Typ je stelling ..."
    return await user.ask(text)


async def test_a_residents_statement_is_moderated_goes_live_others_vote_and_the_digest_maps_it(
    fake: FakeBotApi, database_url: str
) -> None:
    fake.user(ADMIN, first_name="Beheerder")
    group = fake.group(title="Team participatie")
    settings = {"admin_user_ids": [ADMIN], "digest_chat_id": group.id, "digest_schedule": "off"}
    async with running_bot(fake, database_url, **settings) as bot:
        anna, bram = fake.user(first_name="Anna"), fake.user(first_name="Bram")
        first = await enter(anna)
        waiting = await add(anna, first, OWN)
        assert waiting.text.startswith("Dank je! Je stelling wacht nu op een moderator.")
        again = await anna.next_message()
        assert again.text == first.text, "then the statement she was at"
        # Bram does not see it before it is approved: he votes through all twelve seeds.
        current = await enter(bram)
        seen = []
        while current.text.startswith(STATEMENT):
            seen.append(current.text)
            _, current = await tap(bram, AGREE, current)
        assert len(seen) == 12 and not any("Brugstraat" in s for s in seen)
        assert current.text.startswith("Je hebt op alle stellingen gestemd.")
        optin = await bram.next_message()  # closing the loop: hear what becomes of it
        assert optin.text.startswith("Wil je horen wat Rivierstad met de uitkomsten doet?")
        # The moderator approves it; the phone number was scrubbed before it was stored.
        admin = fake.user(ADMIN)
        screen = await admin.ask("/moderatie")
        assert "Nieuwe stelling van een inwoner" in screen.text, screen.text
        assert f"«{SCRUBBED}»" in screen.text and "06-1234" not in screen.text
        query = await admin.press("Goedkeuren", message=screen)
        assert (await admin.wait_callback_answered(query)).text == "Goedgekeurd"
        told = await anna.next_message()
        assert told.text == (
            f"Goed nieuws: je stelling staat nu in het gesprek {TITLE}:\n\n{SCRUBBED}"
        )
        # Bram comes back and gets to vote on it.
        await bram.ask(f"/start {TALK}")
        new = await bram.next_message()
        assert new.text == f"{STATEMENT}{SCRUBBED}"
        _, done = await tap(bram, DISAGREE, new)
        assert done.text.startswith("Je hebt op alle stellingen gestemd.")
        await bram.next_message()  # the opt-in again
        assert (await votes(bot))[-1][1] == -1 and len(await votes(bot)) == 13
        # The digest: counts, the opinion map, the two groups and what sets them apart.
        await planted(bot, 20)
        await group.member().send("/digest")
        text = await group.next_message(timeout=30)
        photo = await group.next_message(timeout=30)
        assert text.text.startswith(f"Gesprek met stellingen: {TITLE}\n"), text.text
        assert "22 deelnemers · 273 stemmen (273 nieuw)" in text.text
        assert "Stellingen: 13 live · 0 wachten op moderatie · 1 toegevoegd door inwoners" in (
            text.text
        )
        assert "Meningsgroepen (21 deelnemers ingedeeld): groep A: 11, groep B: 10" in text.text
        assert "Kenmerkend voor groep A" in text.text and "Kenmerkend voor groep B" in text.text
        assert "Waar de groepen verschillen" in text.text
        # The resident's statement, approved, is quoted as written (escaped, not markup).
        assert block(text.text, "Waar alle groepen het over eens zijn")[1:3] == [
            f"• {SCRUBBED}",
            "  eens: A 91% · B 100%",  # Bram, in group A, disagreed
        ]
        own_b = block(text.text, "Kenmerkend voor groep B")
        assert any(line.endswith("(oneens)") for line in own_b), own_b
        assert photo.kind == "photo" and photo.photo is not None
        assert photo.photo.startswith(b"\x89PNG")
        if os.environ.get("SAVE_OPINION_MAP"):  # to look at it
            await asyncio.to_thread(Path(os.environ["SAVE_OPINION_MAP"]).write_bytes, photo.photo)
        assert photo.caption is not None and photo.caption.startswith(f"Meningskaart · {TITLE}")
        # Now there are groups: "Waar sta ik?" says Bram's in words, no numbers about anyone.
        # (A new worker: this one's analysis for routing, made in the background before the
        # planted votes were stored directly, would serve for ANALYSIS_TTL seconds.)
        await bot.restart()
        _, placed = await tap(bram, PLACE, done)
        assert placed.text.startswith("Waar sta je?\n\nEr zijn 2 groepen mensen die ongeveer")
        assert "Jij stemt het meest zoals groep A." in placed.text
        assert f"Waar alle groepen het over eens zijn\n• {SCRUBBED}" in placed.text


async def test_a_hundred_votes_in_ten_seconds_store_each_vote_once(
    fake: FakeBotApi, database_url: str
) -> None:
    """Taps and typed votes as fast as a client sends them: the flood guard says "rustig
    aan" once and drops the rest of the window; every vote that got through is stored once
    (one per statement), and Telegram refuses nothing (checked when the bot stops)."""
    async with running_bot(fake, database_url) as bot:
        anna = fake.user(first_name="Anna")
        first = await enter(anna)
        data = first.button_data[0][0]
        for index in range(100):
            if index % 2:
                await anna.send("eens")
            else:
                await anna.press_data(data, message_id=first.message_id)
        await fake.settle(30)
        stored = await votes(bot)
        assert 1 <= len(stored) <= 12
        assert len({statement for statement, _ in stored}) == len(stored)
        said = [m.text for m in anna.messages if m.text.startswith("Rustig aan")]
        assert len(said) == 1, [m.text for m in anna.messages][-5:]


async def test_my_data_shows_votes_and_statements_and_forget_me_erases_them(
    fake: FakeBotApi, database_url: str
) -> None:
    """/mijngegevens holds the votes and own statements; /vergeetmij erases the votes and
    every statement, except one a moderator approved as anonymous (it stays, unlinked)."""
    fake.user(ADMIN, first_name="Beheerder")
    async with running_bot(fake, database_url, admin_user_ids=[ADMIN]) as bot:
        anna = fake.user(first_name="Anna")
        first = await enter(anna)
        _, second = await tap(anna, AGREE, first)
        await add(anna, second, "Meer bankjes langs de rivier.")
        current = await anna.next_message()
        await add(anna, current, "Een markt op zondag in de Brugstraat.")
        admin = fake.user(ADMIN)
        screen = await admin.ask("/moderatie")
        assert "«Meer bankjes langs de rivier.»" in screen.text
        query = await admin.press("Goedkeuren, anoniem", message=screen)
        await admin.wait_callback_answered(query)
        await anna.next_messages(2)  # "wacht op een moderator", the statement; then "live"
        await anna.send("/mijngegevens")
        document, summary = await anna.next_messages(2)
        assert document.document is not None
        data = json.loads(document.document.decode("utf-8"))
        assert [v["vote"] for v in data["deliberation_votes"]] == ["agree"]
        assert [
            (s["text"], s["status"], s["anonymous"]) for s in data["deliberation_statements"]
        ] == [
            ("Meer bankjes langs de rivier.", "live", True),
            ("Een markt op zondag in de Brugstraat.", "pending", False),
        ]
        assert "1 stem op een stelling" in summary.text and "2 eigen stellingen" in summary.text
        question = await anna.ask("/vergeetmij")
        query = await anna.press("Ja, wis alles", message=question)
        await anna.wait_callback_answered(query)
        await fake.settle()
        assert await votes(bot) == []
        assert bot.services is not None
        async with bot.services.sessions() as db:
            left = (
                await db.execute(
                    select(DeliberationStatement.text_nl, DeliberationStatement.author_id).where(
                        DeliberationStatement.origin == "resident"
                    )
                )
            ).all()
        assert [tuple(row) for row in left] == [("Meer bankjes langs de rivier.", None)]


async def test_export_writes_polis_open_data_in_chat_and_on_the_command_line(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    """/export <deliberation> sends a zip of Polis's four files, and ``samenspraak export
    --format polis`` writes the folder; both read back with the Polis reader, with
    participant numbers and group ids and no Telegram id or pending statement."""
    fake.user(ADMIN, first_name="Beheerder")
    async with running_bot(fake, database_url, admin_user_ids=[ADMIN]) as bot:
        anna = fake.user(first_name="Anna")
        first = await enter(anna)
        _, second = await tap(anna, AGREE, first)
        await add(anna, second, "Een markt op zondag in de Brugstraat.")  # stays pending
        await planted(bot, 12)
        admin = fake.user(ADMIN)
        await admin.send(f"/export {TALK}")
        document = await admin.next_message(timeout=30)
    assert document.kind == "document" and document.document is not None
    assert document.document_name is not None and document.document_name.endswith(".zip")
    assert document.caption is not None and document.caption.startswith(f"{TITLE}: 13 deelnemers.")
    folder = tmp_path / "uit-de-chat"
    with zipfile.ZipFile(io.BytesIO(document.document)) as archive:
        assert sorted(archive.namelist()) == [
            "comments.csv",
            "participants-votes.csv",
            "summary.csv",
            "votes.csv",
        ]
        archive.extractall(folder)
    command = await asyncio.to_thread(
        subprocess.run,
        samenspraak("export", "-q", TALK, "-f", "polis", "-o", str(tmp_path / "cli")),
        env=environment(
            TELEGRAM_BOT_TOKEN=TOKEN,
            DATABASE_URL=database_url,
            QUESTIONNAIRES_DIR=str(QUESTIONNAIRES),
        ),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert command.returncode == 0, command.stderr
    assert command.stderr.endswith(f"13 participant(s) written to {tmp_path / 'cli'}\n")
    for written in (folder, tmp_path / "cli"):
        export = read_polis(written)
        assert len(export.comments) == 12  # the pending statement is not exported
        assert len(export.votes) == 1 + 12 * 12
        assert {c.author_id for c in export.comments} == {0}  # the municipality's seeds
        assert len(set(export.groups.values())) == 2, export.groups
        everything = "".join(p.read_text(encoding="utf-8") for p in written.iterdir())
        assert str(anna.id) not in everything and "Brugstraat" not in everything


async def test_an_administrator_closes_and_reopens_a_deliberation_in_beheer(
    fake: FakeBotApi, database_url: str
) -> None:
    fake.user(ADMIN, first_name="Beheerder")
    async with running_bot(fake, database_url, admin_user_ids=[ADMIN]) as bot:
        anna = fake.user(first_name="Anna")
        first = await enter(anna)
        admin = fake.user(ADMIN)
        await admin.send("/beheer stellingen")
        await admin.wait_for(lambda: any("Gesprekken met" in m.text for m in admin.messages))
        screen = next(m for m in admin.messages if "Gesprekken met" in m.text)
        assert f"{TITLE} ({TALK}) · open\n1 deelnemers · 0 stemmen" in screen.text
        query = await admin.press(f"Sluiten: {TALK}", message=screen)
        assert (await admin.wait_callback_answered(query)).text == "gesloten"
        await admin.wait_for(lambda: f"({TALK}) · gesloten" in screen.text)
        text, closed = await tap(anna, AGREE, first)
        assert text == "Dit gesprek is gesloten." and await votes(bot) == []
        assert closed.text.startswith("Dit gesprek is gesloten.")
        query = await admin.press(f"Weer openen: {TALK}", message=screen)
        assert (await admin.wait_callback_answered(query)).text == "open"
        again = await anna.ask(f"/start {TALK}")
        assert again.text.startswith("Welkom terug bij het gesprek")
        # A resident cannot press an administrator's button.
        query = await anna.press_data(f"adm:st:close:{TALK}")
        await anna.wait_callback_answered(query)
        assert bot.services is not None
        async with bot.services.sessions() as db:
            info = await store.get(db, TALK)
        assert info is not None and info.status == "open"
