"""Administrators end to end through the fake Bot API: uploading a questionnaire as a
document (getFile and the file download), the preview, the test run that counts nowhere,
publishing (also a new version while residents are answering), /beheer with its lifecycle
buttons, the schedule job on an injected clock (also after a restart), and everything a
non-administrator might try."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from flows.texts import plain_text, raw, t
from sandbox.fakeapi import BotMessage, FakeBotApi, FakeUser
from storage import admin as store
from storage import audit, digest
from storage.audit import AuditRecord
from storage.db import create_engine, session_factory
from storage.models import QuestionnaireVersion, Session
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import BotRunner
from tests.e2e.test_resilience import PLAN, open_afval, walk

ADMIN = 4_242_001
ZONE = ZoneInfo("Europe/Amsterdam")
MINI = Path(__file__).resolve().parent.parent / "flows" / "data" / "mini.yaml"
UNKNOWN = plain_text(t("nl", "unknown_command"))  # what any unknown command gets
STALE = raw("nl", "stale.short")
FIETS = "Fietsen in de stad"


def fiets_source(version: int = 1, extra: str = "", title: str = FIETS) -> str:
    """mini.yaml as questionnaire ``fietsen``."""
    source = MINI.read_text(encoding="utf-8")
    source = source.replace("id: mini\n", "id: fietsen\n", 1)
    source = source.replace("\nversion: 1\n", f"\nversion: {version}\n", 1)
    source = source.replace("title: {nl: Mini, en: Mini}", f"title: {{nl: {title}, en: Cycling}}")
    if extra:
        source = source.replace("questions:\n", f"{extra}\nquestions:\n", 1)
    return source


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@contextlib.asynccontextmanager
async def running(
    fake: FakeBotApi, database_url: str, clock: Clock | None = None, **settings: Any
) -> AsyncIterator[BotRunner]:
    """The bot with one administrator; afterwards no call Telegram would have rejected."""
    fake.user(ADMIN, first_name="Beheerder")  # has a chat with the bot: the menu can be set
    values: dict[str, Any] = {"admin_user_ids": [ADMIN]}
    values.update(settings)
    runner = BotRunner(fake, database_url, **values)
    runner.clock = clock
    await runner.start()
    try:
        yield runner
    finally:
        await runner.stop()
    await fake.settle()
    fake.assert_clean()


@pytest.fixture
async def admin_bot(fake: FakeBotApi, database_url: str) -> AsyncIterator[BotRunner]:
    async with running(fake, database_url) as runner:
        yield runner


def admin(fake: FakeBotApi) -> FakeUser:
    return fake.user(ADMIN)


async def upload(user: FakeUser, name: str, content: str | bytes, mime: str = "") -> BotMessage:
    data = content.encode() if isinstance(content, str) else content
    await user.send_document(name, data, mime or "application/x-yaml")
    return await user.next_message()


async def audit_log(runner: BotRunner, action: str | None = None) -> list[AuditRecord]:
    assert runner.services is not None
    async with runner.services.sessions() as db:
        return list(await audit.entries(db, action=action))


async def scalar(runner: BotRunner, query: Any) -> Any:
    assert runner.services is not None
    async with runner.services.sessions() as db:
        return await db.scalar(query)


async def state(runner: BotRunner, questionnaire_id: str) -> store.QuestionnaireState | None:
    assert runner.services is not None
    async with runner.services.sessions() as db:
        return await store.state_of(db, questionnaire_id)


async def versions(runner: BotRunner) -> int:
    return int(await scalar(runner, select(func.count()).select_from(QuestionnaireVersion)))


async def pick_labels(user: FakeUser) -> list[str]:
    """The questionnaires /vragenlijsten offers now."""
    user.drain()
    pick = await user.ask("/vragenlijsten")
    return [label for row in pick.buttons for label in row]


async def join(user: FakeUser) -> list[str]:
    """Consent; the labels of the questionnaires offered."""
    welcome = await user.ask("/start")
    await user.press("Ja, ik doe mee", message=welcome)
    _thanks, pick = await user.next_messages(2)
    return [label for row in pick.buttons for label in row]


# --- menu and access --------------------------------------------------------------------------


async def test_administrators_get_their_own_command_menu(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    scope = {"type": "chat", "chat_id": ADMIN}
    dutch = [c["command"] for c in fake.commands(scope) or []]
    english = [c["command"] for c in fake.commands(scope, "en") or []]
    for commands in (dutch, english):
        assert commands[-4:] == ["beheer", "moderatie", "terugkoppeling", "export"]
        assert "start" in commands and "help" in commands
    residents = [c["command"] for c in fake.commands() or []]
    assert "beheer" not in residents and "export" not in residents


async def test_non_administrators_get_nothing_and_are_logged(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    resident = fake.user(first_name="Nieuwsgierig")
    await join(resident)
    for command in ("/beheer", "/export afvalinzameling"):
        reply = await resident.ask(command)
        assert reply.text == UNKNOWN
    # A document from a resident is just something the bot cannot use.
    await resident.send_document("afval.yaml", fiets_source().encode(), "application/x-yaml")
    hint, _pick = await resident.next_messages(2)
    assert hint.text.startswith("Daar kan ik niets mee")
    # Forged administrator buttons: a polite "too old" answer, nothing changes.
    before = await versions(admin_bot)
    for data in (
        "adm:pub:afvalinzameling:1",
        "adm:close:afvalinzameling",
        "adm:archive:schoolroutes",
        "adm:export:afvalinzameling",
        "adm:l:0",
        "adm:whatever",
    ):
        query = await resident.press_data(data)
        answer = await resident.wait_callback_answered(query)
        assert answer.text == STALE
    await fake.settle()
    assert resident.unread() == []  # no list, no files, no confirmation
    assert await versions(admin_bot) == before
    assert (await state(admin_bot, "afvalinzameling")).status == "open"  # type: ignore[union-attr]
    refused = [(e.action, e.allowed, e.actor) for e in await audit_log(admin_bot)]
    assert refused == [
        ("beheer", False, None),
        ("export", False, None),
        ("publish", False, None),
        ("close", False, None),
        ("archive", False, None),
        ("export", False, None),
        ("beheer", False, None),
        ("button", False, None),
    ]
    for entry in await audit_log(admin_bot):
        assert str(resident.id) not in str(entry.detail)  # a pseudonym only
        assert entry.detail["pseudonym"]


# --- uploads ----------------------------------------------------------------------------------


async def test_upload_preview_and_publish(fake: FakeBotApi, admin_bot: BotRunner) -> None:
    boss, resident = admin(fake), fake.user()
    assert FIETS not in await join(resident)
    preview = await upload(boss, "fietsen.yaml", fiets_source())
    assert preview.text.splitlines() == [
        f"Voorbeeld: {FIETS}",
        "Nieuwe vragenlijst fietsen, versie 1.",
        "",
        "Thema: Afval",
        "Vragen: 4 (1 schaal, 1 open tekst, 1 meer keuzes, 1 wijk)",
        "Vertakkingen: 1",
        "• na tevreden: naar waarom als tevreden ≤ 2; anders naar bakken",
        "Opent: meteen bij publiceren",
        "Sluit: geen einddatum",
        "",
        "Test de vragenlijst eerst zelf. Publiceer hem als alles klopt.",
    ]
    assert preview.buttons == [["Zelf testen", "Publiceren"], ["Annuleren"]]
    assert any(call.method == "getFile" for call in fake.calls)
    # A draft is stored, not offered to residents.
    draft = await state(admin_bot, "fietsen")
    assert draft is not None and (draft.status, draft.published) == ("draft", False)
    assert FIETS not in await pick_labels(resident)
    unknown = await resident.ask("/start fietsen")
    assert unknown.text.startswith("Die vragenlijst kan ik niet vinden.")

    await boss.press("Publiceren", message=preview)
    published = await boss.next_message()
    assert (
        published.text
        == f"✅ {FIETS} (versie 1) is gepubliceerd. Inwoners kunnen hem nu invullen."
    )
    assert preview.buttons == []  # the preview keeps its text, loses its buttons
    assert FIETS in await pick_labels(resident)
    opened = await state(admin_bot, "fietsen")
    assert opened is not None and (opened.status, opened.published) == ("open", True)
    entries = [(e.action, e.actor, e.target, e.allowed) for e in await audit_log(admin_bot)]
    assert entries == [
        ("upload", ADMIN, "fietsen", True),
        ("publish", ADMIN, "fietsen", True),
    ]
    # A second press does nothing more.
    query = await boss.press_data("adm:pub:fietsen:1", message_id=preview.message_id)
    answer = await boss.wait_callback_answered(query)
    assert answer.text is not None and "al gepubliceerd" in answer.text
    assert len(await audit_log(admin_bot, "publish")) == 1


BROKEN = """\
schema_version: 1
id: fietsen
version: 1
theme: {nl: Verkeer, en: Traffic}
title: {nl: "<b>Fietsen</b>"}
intro: {nl: Kort., en: Short.}
questions:
  - id: tevreden
    type: schaal
    text: {nl: "Hoe tevreden?", en: "How happy?"}
  - id: wijk
    type: yesno
    text: {nl: "Woon je hier?", en: "Do you live here?"}
    next: nergens
"""


async def test_invalid_upload_lists_every_problem_and_stores_nothing(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    before = await versions(admin_bot)
    reply = await upload(admin(fake), "fiets<1>.yaml", BROKEN)
    lines = reply.text.splitlines()
    assert lines[0] == (
        "fiets<1>.yaml klopt nog niet. Er is niets opgeslagen. Los deze punten op en stuur "
        "het bestand opnieuw:"
    )
    assert lines[2:] == [
        "• regel 5, title.en: the English translation ('en') is missing",
        "• regel 9, questions.tevreden.type: must be one of: "
        "choice, multi, scale, yesno, text, number, area",
    ]
    assert "&lt;" in (reply.html or "")  # the file name is text, not markup
    assert await versions(admin_bot) == before
    assert await state(admin_bot, "fietsen") is None
    [entry] = await audit_log(admin_bot, "upload")
    assert entry.detail == {"file": "fiets<1>.yaml", "result": "invalid", "problems": 2}


async def test_uploads_that_are_not_questionnaires(fake: FakeBotApi, admin_bot: BotRunner) -> None:
    boss = admin(fake)
    before = await versions(admin_bot)
    pdf = await upload(boss, "plan.pdf", b"%PDF-1.4", "application/pdf")
    assert pdf.text.startswith("Dit bestand kan ik niet gebruiken. Stuur een vragenlijst als YAML")
    big = await upload(boss, "groot.yaml", "# " + "x" * (300 * 1024))
    assert big.text == "Dit bestand is te groot (301 KB). Een vragenlijst is hoogstens 256 KB."
    latin = await upload(boss, "oud.yml", fiets_source(title="Caf\xe9s").encode("latin-1"))
    assert latin.text.startswith("Dit bestand is geen UTF-8-tekst.")
    junk = await upload(boss, "lijst.yaml", "{{{ geen yaml")
    assert junk.text.startswith("lijst.yaml klopt nog niet.")
    assert "not valid YAML" in junk.text
    assert [call.method for call in fake.calls].count("getFile") == 2  # not the PDF, not 301 KB
    assert await versions(admin_bot) == before
    results = [e.detail["result"] for e in await audit_log(admin_bot, "upload")]
    assert results == ["not_yaml", "too_big", "not_utf8", "invalid"]


async def test_a_published_version_cannot_be_uploaded_again(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    boss = admin(fake)
    shipped = (QUESTIONNAIRES / "schoolroutes.yaml").read_text(encoding="utf-8")
    same = await upload(boss, "schoolroutes.yaml", shipped)
    assert same.text.startswith("Versie 1 van schoolroutes is al gepubliceerd.")
    changed = await upload(boss, "schoolroutes.yaml", shipped.replace("5 minuten", "6 minuten"))
    assert changed.text.startswith("Versie 1 van schoolroutes is al gepubliceerd, met een andere")


# --- test runs, cancel, new versions ----------------------------------------------------------


async def test_a_test_run_counts_nowhere_and_cancel_removes_the_draft(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    boss = admin(fake)
    preview = await upload(boss, "fietsen.yaml", fiets_source())
    await boss.press("Zelf testen", message=preview)
    notice, intro, question = await boss.next_messages(3)
    assert notice.text.startswith(f"🧪 Testmodus: je vult {FIETS} (versie 1) zelf in.")
    assert intro.text.startswith(FIETS)
    assert question.text.startswith("Vraag 1 van")
    # The administrator answers like a resident would.
    await boss.press("2", message=question)
    question = await boss.next_message()
    assert "Waarom?" in question.text
    await boss.send("De fietsenstalling is vol")
    question = await boss.next_message()
    await boss.press("GFT", message=question)
    await boss.press("Klaar", message=question)
    question = await boss.next_message()
    await boss.press("Noord", message=question)
    done, _more = await boss.next_messages(2)
    assert done.text.startswith("Klaar! Dank je wel")
    await fake.settle()

    assert admin_bot.services is not None
    async with admin_bot.services.sessions() as db:
        sessions = (await db.execute(select(Session.status, Session.is_test))).all()
        counts = await store.response_counts(db)
        stats = await digest.response_stats(
            db, "fietsen", datetime(2000, 1, 1, tzinfo=UTC), datetime(2999, 1, 1, tzinfo=UTC)
        )
    assert sessions == [("completed", True)]
    assert counts == {}
    assert stats.total == 0
    assert [e.action for e in await audit_log(admin_bot)] == ["upload", "test"]

    await boss.press("Annuleren", message=preview)
    cancelled = await boss.next_message()
    assert cancelled.text == "Geannuleerd. Het concept van fietsen (versie 1) is weg."
    assert await state(admin_bot, "fietsen") is None
    assert await scalar(admin_bot, select(func.count()).select_from(Session)) == 0
    assert admin_bot.services.catalog.get("fietsen", 1) is None
    # The buttons of the old preview do nothing any more.
    query = await boss.press_data("adm:test:fietsen:1", message_id=preview.message_id)
    assert (await boss.wait_callback_answered(query)).text == "Dit concept bestaat niet meer."


async def test_a_new_version_leaves_running_sessions_on_theirs(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    early = fake.user()
    question = await open_afval(early)
    question = await walk(early, question, PLAN[:3])  # three answers on version 1

    shipped = (QUESTIONNAIRES / "afvalinzameling.yaml").read_text(encoding="utf-8")
    second = shipped.replace("\nversion: 1\n", "\nversion: 2\n", 1).replace(
        "Afval ophalen in Rivierstad", "Afval ophalen in Rivierstad (nieuw)", 1
    )
    boss = admin(fake)
    preview = await upload(boss, "afvalinzameling.yaml", second)
    assert preview.text.splitlines()[1] == (
        "Nieuwe versie 2 van afvalinzameling. Nu gepubliceerd: versie 1. Wie al bezig is, "
        "maakt de oude versie af."
    )
    await boss.press("Publiceren", message=preview)
    published = await boss.next_message()
    assert published.text.startswith("✅ Versie 2 van Afval ophalen in Rivierstad (nieuw) is")

    # The early resident goes on with version 1 to the end.
    done = await walk(early, question, PLAN[3:], first=3)
    assert done.text.startswith("Klaar!")
    late = fake.user()
    labels = await join(late)
    assert "Afval ophalen in Rivierstad (nieuw)" in labels
    await late.press("Afval ophalen in Rivierstad (nieuw)")
    intro, _question = await late.next_messages(2)
    assert intro.text.startswith("Afval ophalen in Rivierstad (nieuw)")
    await fake.settle()
    assert admin_bot.services is not None
    async with admin_bot.services.sessions() as db:
        found = (
            await db.execute(
                select(Session.questionnaire_version, Session.status).order_by(Session.id)
            )
        ).all()
    assert found == [(1, "completed"), (2, "active")]


# --- /beheer ----------------------------------------------------------------------------------


async def test_beheer_opens_closes_and_archives(fake: FakeBotApi, admin_bot: BotRunner) -> None:
    resident = fake.user()
    await walk(resident, await open_afval(resident), PLAN)
    boss = admin(fake)
    overview = await boss.ask("/beheer")
    assert overview.text.split("\n\n")[1:4] == [
        "Afval ophalen in Rivierstad · open\nafvalinzameling · versie 1 · 1 klaar, 0 bezig",
        "Groen in de wijk · open\ngroen-in-de-wijk · versie 1 · 0 klaar, 0 bezig",
        "Veilig naar school · open\nschoolroutes · versie 1 · 0 klaar, 0 bezig",
    ]
    assert overview.buttons == [
        ["Afval ophalen in Rivierstad"],
        ["Groen in de wijk"],
        ["Veilig naar school"],
    ]
    await boss.press("Veilig naar school", message=overview)
    await boss.next_edit()
    assert overview.text.startswith("Veilig naar school\nschoolroutes · versie 1\n\nStatus: open")
    assert overview.buttons == [["Sluiten"], ["Exporteren"], ["« Terug"]]
    await boss.press("Sluiten", message=overview)
    await boss.next_edit()
    assert overview.text.startswith("Weet je zeker dat je Veilig naar school wilt sluiten?")
    await boss.press("Ja, sluiten", message=overview)
    await boss.next_edit()
    assert "Status: gesloten" in overview.text
    assert overview.buttons == [["Openen", "Archiveren"], ["Exporteren"], ["« Terug"]]
    assert "Veilig naar school" not in await pick_labels(resident)
    assert (await state(admin_bot, "schoolroutes")).closed_at is not None  # type: ignore[union-attr]

    await boss.press("Openen", message=overview)
    await boss.next_edit()
    assert "Status: open" in overview.text
    assert "Veilig naar school" in await pick_labels(resident)

    await boss.press("Sluiten", message=overview)
    await boss.next_edit()
    await boss.press("Ja, sluiten", message=overview)
    await boss.next_edit()
    await boss.press("Archiveren", message=overview)
    await boss.next_edit()
    assert overview.text.startswith("Weet je zeker dat je Veilig naar school wilt archiveren?")
    await boss.press("Nee", message=overview)
    await boss.next_edit()
    assert "Status: gesloten" in overview.text
    await boss.press("Archiveren", message=overview)
    await boss.next_edit()
    await boss.press("Ja, archiveren", message=overview)
    await boss.next_edit()
    assert "Status: gearchiveerd" in overview.text
    assert overview.buttons == [["Exporteren"], ["« Terug"]]
    await boss.press("« Terug", message=overview)
    await boss.next_edit()
    assert overview.text.split("\n\n")[3] == (
        "Veilig naar school · gearchiveerd\nschoolroutes · versie 1 · 0 klaar, 0 bezig"
    )
    # A stale confirmation after the fact: refused, nothing changes.
    query = await boss.press_data("adm:close:schoolroutes", message_id=overview.message_id)
    answer = await boss.wait_callback_answered(query)
    assert answer.text == "Deze vragenlijst is gearchiveerd. Dat is definitief."
    await boss.next_edit()

    log = [(e.action, e.target, e.detail.get("to")) for e in await audit_log(admin_bot)]
    assert log == [
        ("close", "schoolroutes", "closed"),
        ("open", "schoolroutes", "open"),
        ("close", "schoolroutes", "closed"),
        ("archive", "schoolroutes", "archived"),
    ]
    assert {e.actor for e in await audit_log(admin_bot)} == {ADMIN}


async def test_beheer_pages_through_many_questionnaires(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    for n in range(8):
        (folder / f"q{n}.yaml").write_text(
            fiets_source(title=f"Lijst {n}").replace("id: fietsen", f"id: lijst-{n}"),
            encoding="utf-8",
        )
    async with running(fake, database_url, questionnaires_dir=folder):
        boss = admin(fake)
        overview = await boss.ask("/beheer")
        assert overview.text.startswith("Vragenlijsten (blad 1 van 2)")
        assert overview.buttons[-1] == ["Volgende »"]
        assert len(overview.buttons) == 7
        await boss.press("Volgende »", message=overview)
        await boss.next_edit()
        assert overview.text.startswith("Vragenlijsten (blad 2 van 2)")
        assert overview.buttons == [["Lijst 6"], ["Lijst 7"], ["« Vorige"]]
        await boss.press("Lijst 7", message=overview)
        await boss.next_edit()
        await boss.press("« Terug", message=overview)
        await boss.next_edit()
        assert overview.text.startswith("Vragenlijsten (blad 2 van 2)")
        # A double tap on the same button edits once (Telegram refuses an unchanged edit).
        await boss.press("« Vorige", message=overview)
        await boss.press_data("adm:l:0", message_id=overview.message_id)
        await fake.settle()
        assert overview.text.startswith("Vragenlijsten (blad 1 van 2)")


# --- the schedule ------------------------------------------------------------------------------


async def test_opens_at_and_closes_at_are_honoured_also_after_a_restart(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    dates = 'opens_at: "2031-03-02T09:00:00+01:00"\ncloses_at: "2031-03-09T17:00:00+01:00"'
    (folder / "fietsen.yaml").write_text(fiets_source(extra=dates), encoding="utf-8")
    clock = Clock(datetime(2031, 3, 1, 12, 0, tzinfo=UTC))
    settings: dict[str, Any] = {"questionnaires_dir": folder, "jobs_interval": 0.1}
    resident = fake.user()
    async with running(fake, database_url, clock, **settings) as runner:
        scheduled = await state(runner, "fietsen")
        assert scheduled is not None and scheduled.status == "draft" and scheduled.published
        assert await join(resident) == []
        clock.now = datetime(2031, 3, 2, 8, 0, 1, tzinfo=UTC)  # 09:00:01 in Amsterdam
        await wait_for_status(runner, "fietsen", "open")
        assert FIETS in await pick_labels(resident)
        opened = await state(runner, "fietsen")
        assert opened is not None
        assert opened.opened_at == datetime(2031, 3, 2, 8, 0, tzinfo=UTC)  # the set moment
    # Down while it should have closed: closed at the first run after the restart.
    clock.now = datetime(2031, 3, 20, tzinfo=UTC)
    async with running(fake, database_url, clock, **settings) as runner:
        await wait_for_status(runner, "fietsen", "closed")
        closed = await state(runner, "fietsen")
        assert closed is not None
        assert closed.closed_at == datetime(2031, 3, 9, 16, 0, tzinfo=UTC)
        assert FIETS not in await pick_labels(resident)
        system = [(e.action, e.via, e.actor) for e in await audit_log(runner)]
        assert system == [("open", "system", None), ("close", "system", None)]
    # The seed does not reopen it.
    clock.now = datetime(2031, 3, 21, tzinfo=UTC)
    async with running(fake, database_url, clock, **settings) as runner:
        assert (await state(runner, "fietsen")).status == "closed"  # type: ignore[union-attr]
        assert FIETS not in await pick_labels(resident)


async def wait_for_status(runner: BotRunner, questionnaire_id: str, status: str) -> None:
    """Until the lifecycle job changed the status (it runs every 0.1 s here)."""
    for _ in range(300):
        found = await state(runner, questionnaire_id)
        if found is not None and found.status == status:
            assert runner.services is not None
            for _ in range(100):  # and this worker's catalog follows
                if runner.services.catalog.status(questionnaire_id) == status:
                    return
                await asyncio.sleep(0.02)
        await asyncio.sleep(0.02)
    raise AssertionError(f"{questionnaire_id} did not become {status}")


async def test_a_change_made_elsewhere_reaches_the_running_bot(
    fake: FakeBotApi, database_url: str
) -> None:
    """The command line (or another worker) closes a questionnaire in the database: this
    worker's catalog follows within JOBS_INTERVAL, without a restart."""
    async with running(fake, database_url, jobs_interval=0.1) as runner:
        resident = fake.user()
        assert "Veilig naar school" in await join(resident)
        elsewhere = create_engine(database_url)
        try:
            async with session_factory(elsewhere).begin() as db:
                await store.transition(
                    db, "schoolroutes", "close", now=datetime.now(UTC), zone=ZONE
                )
        finally:
            await elsewhere.dispose()
        assert runner.services is not None
        for _ in range(500):
            if runner.services.catalog.status("schoolroutes") == "closed":
                break
            await asyncio.sleep(0.02)
        assert runner.services.catalog.status("schoolroutes") == "closed"
        assert "Veilig naar school" not in await pick_labels(resident)
