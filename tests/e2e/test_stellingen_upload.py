"""An administrator uploads a deliberation file in chat, end to end through the fake Bot
API: a bad file gets every problem with its line and field and nothing is stored; a good
one gets a preview (statements, warnings) and is published; a new version's preview says
what happens to the votes, and after publishing the kept statement keeps its votes, the
reworded and removed ones are retired with theirs, and a resident carries on with the new
statements only; the same version again, an older one and a cancelled draft are refused.
"""

from __future__ import annotations

from sqlalchemy import select

from flows.texts import raw
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage.models import (
    DeliberationDraft,
    DeliberationParticipant,
    DeliberationRecord,
    DeliberationStatement,
    DeliberationVote,
)
from tests.e2e.test_admin import admin, audit_log, fiets_source, running, scalar, upload
from tests.e2e.test_stellingen import AGREE, DISAGREE, PASS, STATEMENT, tap

TALK = "brugstraat"

SEEDS = {
    "fietsstraat": ("Maak van de Brugstraat een fietsstraat.", "Make Brugstraat a cycle street."),
    "bomen": ("Er moeten meer bomen komen in de Brugstraat.", "Brugstraat needs more trees."),
    "parkeren": ("Parkeren in de Brugstraat moet duurder worden.", "Parking should cost more."),
}


def talk(version: int, seeds: dict[str, tuple[str, str | None]]) -> str:
    """A deliberation file ``brugstraat`` with these statements (id: Dutch, English)."""
    lines = [
        "schema_version: 1",
        "kind: stellingen",
        f"id: {TALK}",
        f"version: {version}",
        "theme: {nl: Verkeer, en: Traffic}",
        "title: {nl: De Brugstraat, en: Brugstraat}",
        "intro: {nl: 'Wat wil jij met de Brugstraat?', en: 'What do you want for Brugstraat?'}",
        "statements:",
    ]
    for sid, (nl, en) in seeds.items():
        lines += [f"  - id: {sid}", "    text:", f"      nl: {nl}"]
        if en is not None:
            lines.append(f"      en: {en}")
    return "\n".join(lines) + "\n"


async def press_and_read(user: object, label: str, message: BotMessage) -> BotMessage:
    await user.press(label, message=message)  # type: ignore[attr-defined]
    return await user.next_message()  # type: ignore[attr-defined,no-any-return]


async def test_an_administrator_uploads_publishes_and_updates_a_deliberation(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    async with running(fake, sqlite_url) as bot:
        boss = admin(fake)
        # A bad file: too few statements, one far too long. Every problem, nothing stored.
        bad = talk(1, {"a": ("x" * 200, None), "b": ("Kort.", None)})
        said = await upload(boss, "brugstraat.yaml", bad)
        assert said.text.startswith("brugstraat.yaml klopt nog niet. Er is niets opgeslagen.")
        too_long = (
            "• regel 10, statements[0].text: de tekst in 'nl' heeft 200 tekens; hoogstens 140"
        )
        assert too_long in said.text, said.text
        assert not said.buttons
        short = await upload(boss, "brugstraat.yaml", talk(1, {"a": ("Kort.", None)}))
        assert short.text.startswith("brugstraat.yaml klopt nog niet."), short.text
        assert "statements" in short.text, short.text
        assert await scalar(bot, select(DeliberationDraft.deliberation_id)) is None

        # A good one without English for one statement: the preview, then Publiceren.
        first = dict(SEEDS, parkeren=(SEEDS["parkeren"][0], None))
        preview = await upload(boss, "brugstraat.yaml", talk(1, first))
        assert preview.text.startswith("Voorbeeld: De Brugstraat\n"), preview.text
        assert "Nieuw gesprek met stellingen brugstraat, versie 1." in preview.text
        assert "Stellingen: 3" in preview.text
        assert "1 tekst heeft geen Engels: parkeren." in preview.text
        assert "Wat er met de stemmen gebeurt" not in preview.text
        assert preview.buttons == [["Zelf testen", "Publiceren"], ["Annuleren"]]
        done = await press_and_read(boss, "Publiceren", preview)
        assert done.text.startswith("✅ De Brugstraat is gepubliceerd."), done.text
        await boss.wait_for(lambda: not preview.buttons)

        # A questionnaire may not take the deliberation's id (/start brugstraat would clash).
        clash = await upload(boss, "brugstraat.yaml", fiets_source().replace("fietsen", TALK))
        assert clash.text.startswith("Er is al een gesprek met stellingen met de id brugstraat.")

        # A resident votes on all three statements.
        anna = fake.user(first_name="Anna")
        welcome = await anna.ask(f"/start {TALK}")
        await anna.press(welcome.buttons[0][0], message=welcome)
        await anna.next_message()  # "Fijn dat je meedoet!"
        intro = await anna.next_message()
        assert intro.text.startswith("De Brugstraat"), intro.text
        current = await anna.next_message()
        for label in (AGREE, DISAGREE, AGREE):
            assert current.text.startswith(STATEMENT), current.text
            _, current = await tap(anna, label, current)
        # Every statement voted on: she is asked whether she wants to hear the outcome.
        offer = await anna.next_message()
        assert offer.text.startswith("Wil je horen wat Rivierstad"), offer.text

        # The same version again, then a lower one: refused, nothing stored.
        again = await upload(boss, "brugstraat.yaml", talk(1, first))
        assert again.text.startswith("Versie 1 van brugstraat is al gepubliceerd."), again.text
        other = await upload(boss, "brugstraat.yaml", talk(1, SEEDS))
        assert "met een andere inhoud" in other.text, other.text
        assert await scalar(bot, select(DeliberationDraft.deliberation_id)) is None

        # Version 2: bomen reworded, parkeren removed, a new one; fietsstraat kept.
        second = {
            "fietsstraat": SEEDS["fietsstraat"],
            "bomen": ("In de Brugstraat moeten bomen en bankjes komen.", "Trees and benches."),
            "snelheid": ("In de Brugstraat mag je hoogstens 30 rijden.", "A 30 km/h limit."),
        }
        preview = await upload(boss, "brugstraat.yaml", talk(2, second))
        assert "Nieuwe versie 2 van brugstraat. Nu gepubliceerd: versie 1." in preview.text
        assert (
            "Wat er met de stemmen gebeurt\n"
            "• 1 stelling blijft hetzelfde. De stemmen erop blijven staan.\n"
            "• 1 stelling heeft andere woorden. De oude stemmen tellen niet meer mee. "
            "Inwoners stemmen er opnieuw op.\n"
            "• 1 stelling valt weg. De stemmen erop tellen niet meer mee.\n"
            "• 1 nieuwe stelling.\n"
        ) in preview.text, preview.text
        # Annuleren throws the draft away; its buttons then do nothing.
        publish = button_data(preview, "Publiceren")
        cancelled = await press_and_read(boss, "Annuleren", preview)
        assert cancelled.text == "Geannuleerd. Het concept van brugstraat (versie 2) is weg."
        query = await boss.press_data(publish)
        answer = await boss.wait_callback_answered(query)
        assert answer.text == raw("nl", "admin.refused.gone")

        preview = await upload(boss, "brugstraat.yaml", talk(2, second))
        done = await press_and_read(boss, "Publiceren", preview)
        assert done.text == (
            "✅ Versie 2 van De Brugstraat is gepubliceerd (was versie 1). Het gesprek is open."
        ), done.text
        rows = await statements(bot)
        assert rows == [
            ("fietsstraat", "live", SEEDS["fietsstraat"][0], 1),
            ("bomen", "rejected", SEEDS["bomen"][0], 1),
            ("parkeren", "rejected", SEEDS["parkeren"][0], 1),
            ("bomen", "live", second["bomen"][0], 0),
            ("snelheid", "live", second["snelheid"][0], 0),
        ]
        # Anna comes back: only the two new statements are left for her.
        back = await anna.ask(f"/start {TALK}")
        assert back.text.startswith("Welkom terug"), back.text
        current = await anna.next_message()
        shown = []
        for _ in range(2):
            assert current.text.startswith(STATEMENT), current.text
            shown.append(current.text.removeprefix(STATEMENT))
            _, current = await tap(anna, AGREE, current)
        assert sorted(shown) == sorted([second["bomen"][0], second["snelheid"][0]])
        assert [count for *_, count in await statements(bot)] == [1, 1, 1, 1, 1]
        published = await audit_log(bot, "publish")
        assert [r.detail.get("version") for r in published] == [1, 2]
        assert published[-1].detail["reworded"] == 1 and published[-1].detail["removed"] == 1


def button_data(message: BotMessage, label: str) -> str:
    """The callback data of the button ``label`` on ``message``."""
    for row in (message.reply_markup or {}).get("inline_keyboard", []):
        for found in row:
            if found["text"] == label:
                return str(found["callback_data"])
    raise AssertionError(f"no {label!r} on the message")


async def statements(bot: object) -> list[tuple[str | None, str, str, int]]:
    """Every statement of the talk by number: seed id, status, Dutch text, votes on it."""
    services = bot.services  # type: ignore[attr-defined]
    async with services.sessions() as db:
        rows = (
            (
                await db.execute(
                    select(DeliberationStatement)
                    .where(DeliberationStatement.deliberation_id == TALK)
                    .order_by(DeliberationStatement.number)
                )
            )
            .scalars()
            .all()
        )
        votes = (await db.execute(select(DeliberationVote.statement_id))).scalars().all()
        return [(r.seed_id, r.status, r.text_nl, votes.count(r.id)) for r in rows]


async def test_an_administrator_tries_a_draft_and_finds_it_again_in_beheer(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    """ "Zelf testen" shows a draft as a resident sees it (intro, each statement with the
    vote buttons, the vote said) and stores nothing; /beheer says a draft waits, /beheer
    stellingen lists it with its preview again; after publishing, the test's buttons say
    the draft is gone."""
    async with running(fake, sqlite_url) as bot:
        boss = admin(fake)
        preview = await upload(boss, "brugstraat.yaml", talk(1, SEEDS))
        await boss.press("Zelf testen", message=preview)
        start = await boss.next_message()
        assert start.text.startswith(
            "🧪 Testmodus: je stemt zelf op de stellingen van De Brugstraat (versie 1)."
        ), start.text
        intro = await boss.next_message()
        assert intro.text.startswith("De Brugstraat\n\nWat wil jij met de Brugstraat?")
        current = await boss.next_message()
        seen = []
        for label in (AGREE, DISAGREE, PASS):
            assert current.text.startswith(STATEMENT), current.text
            assert current.buttons == [[AGREE, DISAGREE], [PASS]]
            text = current.text.removeprefix(STATEMENT)
            seen.append(text)
            pressed = current
            notice, current = await tap(boss, label, current)
            assert notice == "Testmodus"
            await boss.wait_for(lambda shown=pressed: not shown.buttons)
            assert pressed.text == f"{text}\n\nJouw stem: {label}", pressed.text
        assert seen == [nl for nl, _ in SEEDS.values()]  # the order of the file
        assert current.text.startswith("🧪 Dat waren alle 3 stellingen van de test."), current.text
        # Nothing stored: no deliberation, no participant, no vote; the test is audited.
        talks = select(DeliberationRecord.id).where(DeliberationRecord.id == TALK)
        assert await scalar(bot, talks) is None
        assert await scalar(bot, select(DeliberationParticipant.resident_id)) is None
        assert await scalar(bot, select(DeliberationVote.statement_id)) is None
        tests = await audit_log(bot, "test")
        assert [(r.target, r.detail) for r in tests] == [
            (TALK, {"version": 1, "kind": "stellingen"})
        ]
        # A made-up test button: stale; an older file's button after a new upload: replaced.
        query = await boss.press_data("adm:sv:brugstraat:zzzzzz:0:a")
        assert (await boss.wait_callback_answered(query)).text == raw("nl", "stale.short")
        mark = button_data(preview, "Zelf testen").rsplit(":", 1)[1]
        first_vote = f"adm:sv:{TALK}:{mark}:0:a"
        # A new file with the same version replaces the draft: the old test is over.
        changed = dict(SEEDS, bomen=("Meer bomen in de Brugstraat.", "More trees."))
        newer = await upload(boss, "brugstraat.yaml", talk(1, changed))
        query = await boss.press_data(first_vote)
        answer = await boss.wait_callback_answered(query)
        assert answer.text == raw("nl", "admin.refused.replaced")
        first_vote = f"adm:sv:{TALK}:{button_data(newer, 'Zelf testen').rsplit(':', 1)[1]}:0:a"

        # /beheer says a draft waits; /beheer stellingen lists it and shows it again.
        await boss.send("/beheer")
        await boss.next_message()  # the questionnaires
        waiting = await boss.next_message()
        assert waiting.text == (
            "📝 Er wacht 1 gesprek met stellingen op publicatie. Bekijk het met /beheer "
            "stellingen."
        )
        listing = await boss.ask("/beheer stellingen")
        drafts = "Concepten die wachten op publicatie\n\n📝 De Brugstraat (brugstraat) · versie 1"
        assert drafts in listing.text, listing.text
        assert listing.buttons[-1] == ["Concept bekijken: brugstraat"]
        again = await press_and_read(boss, "Concept bekijken: brugstraat", listing)
        assert again.text.startswith("Voorbeeld: De Brugstraat\n"), again.text
        assert again.buttons == [["Zelf testen", "Publiceren"], ["Annuleren"]]
        done = await press_and_read(boss, "Publiceren", again)
        assert done.text.startswith("✅ De Brugstraat is gepubliceerd."), done.text

        # Published: the draft is gone, and so is what tested it.
        query = await boss.press_data(first_vote)
        assert (await boss.wait_callback_answered(query)).text == raw("nl", "admin.refused.gone")
        await boss.send("/beheer")
        await boss.next_message()
        listing = await boss.ask("/beheer stellingen")
        assert "Concepten" not in listing.text and "brugstraat" in listing.text
        assert await scalar(bot, select(DeliberationVote.statement_id)) is None
