"""Administrators end to end through the fake Bot API: uploading a questionnaire as a
document (getFile and the file download), the preview, the test run that counts nowhere,
publishing (also a new version while residents are answering), /beheer with its lifecycle
buttons, the schedule job on an injected clock (also after a restart), and everything a
non-administrator might try."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from flows.loader import QuestionnaireError, parse
from flows.texts import plain_text, raw, t
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage import admin as store
from storage import audit, digest
from storage.audit import AuditRecord
from storage.db import create_engine, session_factory
from storage.models import QuestionnaireVersion, Session
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import BotRunner, running_bot
from tests.e2e.test_menus_and_help import THEIRS as ADMIN_COMMANDS
from tests.e2e.test_resilience import PLAN, open_afval, walk
from tests.flows.helpers import BILLION_LAUGHS
from tests.support.clocks import Fixed
from tests.support.shipped import renumbered, shipped_version

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


def running(
    fake: FakeBotApi, database_url: str, clock: Fixed | None = None, **settings: Any
) -> contextlib.AbstractAsyncContextManager[BotRunner]:
    """The bot with one administrator, who has a chat with it (so the menu can be set)."""
    fake.user(ADMIN, first_name="Beheerder")
    return running_bot(fake, database_url, clock=clock, **{"admin_user_ids": [ADMIN], **settings})


@pytest.fixture
async def admin_bot(fake: FakeBotApi, database_url: str) -> AsyncIterator[BotRunner]:
    async with running(fake, database_url) as runner:
        yield runner


@pytest.fixture
async def patient_bot(fake: FakeBotApi, database_url: str) -> AsyncIterator[BotRunner]:
    """The bot with a flood limit these tests that press many buttons stay under."""
    async with running(fake, database_url, flood_max_updates=1_000) as runner:
        yield runner


def admin(fake: FakeBotApi) -> FakeUser:
    return fake.user(ADMIN)


async def tap(user: FakeUser, label: str, message: BotMessage) -> None:
    """Press a button and wait until the message it is on has changed."""
    await user.press(label, message=message)
    await user.next_edit()


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
        assert commands[-len(ADMIN_COMMANDS) :] == ADMIN_COMMANDS
        assert "start" in commands and "help" in commands
    residents = [c["command"] for c in fake.commands() or []]
    assert "beheer" not in residents and "export" not in residents


async def test_an_administrator_new_to_the_bot_gets_the_menu_at_their_first_message(
    fake: FakeBotApi, database_url: str
) -> None:
    """At start-up Telegram refuses a menu for someone who never wrote to the bot; it is
    set at their first message, whatever it is (here /start, a resident's command)."""
    newcomer_id = ADMIN + 1
    fake.user(ADMIN)
    runner = BotRunner(fake, database_url, admin_user_ids=[ADMIN, newcomer_id])
    await runner.start()
    try:
        assert [call.method for call in fake.rejected] == ["setMyCommands"]
        newcomer = fake.user(newcomer_id, first_name="Nieuw")
        welcome = await newcomer.ask("/start")
        assert welcome.text.startswith("Hallo!")
        await fake.settle()
        menu = fake.commands({"type": "chat", "chat_id": newcomer_id}) or []
        assert [c["command"] for c in menu][-8:] == [
            "beheer",
            "moderatie",
            "terugkoppeling",
            "uitnodigen",
            "export",
            "codes",
            "rapport",
            "publiceer",
        ]
        calls = len(fake.calls)
        await newcomer.ask("/help")  # set once: no further calls for the menu
        await fake.settle()
        assert "setMyCommands" not in [call.method for call in fake.calls[calls:]]
    finally:
        await runner.stop()
    await fake.settle()
    assert [call.method for call in fake.rejected] == ["setMyCommands"]
    fake.rejected.clear()  # that one refusal is the point of this test
    fake.assert_clean()


async def test_non_administrators_get_nothing_and_are_logged(
    fake: FakeBotApi, patient_bot: BotRunner
) -> None:
    admin_bot = patient_bot
    resident = fake.user(first_name="Nieuwsgierig")
    await join(resident)
    for command in ("/beheer", "/export afvalinzameling"):
        reply = await resident.ask(command)
        assert reply.text == UNKNOWN
    # A document from a resident is just something the bot cannot use.
    await resident.send_document("afval.yaml", fiets_source().encode(), "application/x-yaml")
    hint, _pick = await resident.next_messages(2)
    assert hint.text.startswith("Daar kan ik niets mee")
    # A draft waiting for publication, to forge buttons for.
    boss = admin(fake)
    await upload(boss, "fietsen.yaml", fiets_source())
    # Forged administrator buttons, one of every kind: a polite "too old" answer, nothing
    # changes, and each attempt is in the audit log under its own action.
    before = await versions(admin_bot)
    forged = {
        "adm:l:0": "beheer",
        "adm:q:afvalinzameling": "beheer",
        "adm:open:afvalinzameling": "open",
        "adm:close?:afvalinzameling": "close",
        "adm:close:afvalinzameling": "close",
        "adm:archive?:schoolroutes": "archive",
        "adm:archive:schoolroutes": "archive",
        "adm:export:afvalinzameling": "export",
        "adm:draft:fietsen:1": "beheer",
        "adm:test:fietsen:1": "test",
        "adm:pub:fietsen:1": "publish",
        "adm:del:fietsen:1": "cancel",
        "adm:whatever": "button",
        "adm:": "button",
    }
    for data in forged:
        query = await resident.press_data(data)
        answer = await resident.wait_callback_answered(query)
        assert answer.text == STALE
    await fake.settle()
    assert resident.unread() == []  # no list, no files, no confirmation, no test run
    assert await versions(admin_bot) == before
    assert (await state(admin_bot, "afvalinzameling")).status == "open"  # type: ignore[union-attr]
    draft = await state(admin_bot, "fietsen")
    assert draft is not None and (draft.status, draft.published) == ("draft", False)
    assert await scalar(admin_bot, select(func.count()).select_from(Session)) == 0
    refused = [(e.action, e.allowed, e.actor) for e in await audit_log(admin_bot)]
    assert refused == [
        ("beheer", False, None),
        ("export", False, None),
        ("upload", True, ADMIN),
        *[(action, False, None) for action in forged.values()],
    ]
    for entry in await audit_log(admin_bot):
        assert str(resident.id) not in str(entry.detail)  # a pseudonym only
        assert entry.allowed or entry.detail["pseudonym"]


async def test_stale_and_garbage_buttons_from_an_administrator(
    fake: FakeBotApi, patient_bot: BotRunner
) -> None:
    """Whatever an administrator's button claims, the server checks it: an answer saying
    why not, nothing changed, nothing spinning, no call Telegram would refuse."""
    admin_bot = patient_bot
    boss = admin(fake)
    overview = await boss.ask("/beheer")
    unknown = "Die vragenlijst ken ik niet."
    gone = "Dit concept bestaat niet meer."
    same = "Dat is al gebeurd. Kijk nog eens in /beheer."
    close_first = "Dat kan nu niet. Sluit de vragenlijst eerst."
    live = shipped_version("afvalinzameling")
    cases: list[tuple[str, str | None]] = [
        ("adm:q:nergens", unknown),
        ("adm:q:AFVAL", STALE),
        ("adm:q:a:b", STALE),
        ("adm:l:abc", None),
        ("adm:l:99", None),
        ("adm:l:-1", None),
        ("adm:open:afvalinzameling", same),
        ("adm:open:nergens", unknown),
        ("adm:close?:nergens", unknown),
        ("adm:close?:x y", STALE),
        ("adm:archive?:afvalinzameling", close_first),
        ("adm:archive:afvalinzameling", close_first),
        (
            f"adm:pub:afvalinzameling:{live}",
            f"Versie {live} van afvalinzameling is al gepubliceerd.",
        ),
        (f"adm:pub:afvalinzameling:{live + 5}", gone),
        ("adm:pub:afvalinzameling:99999999", STALE),
        ("adm:pub:afvalinzameling:-1", STALE),
        ("adm:pub:afvalinzameling", STALE),
        ("adm:del:afvalinzameling:1", gone),
        ("adm:draft:afvalinzameling:1", gone),
        ("adm:test:nergens:1", gone),
        ("adm:export:<b>", STALE),
        ("adm:nieuw:afvalinzameling", STALE),
    ]
    for data, expected in cases:
        query = await boss.press_data(data, message_id=overview.message_id)
        answer = await boss.wait_callback_answered(query)
        if expected is not None and answer.text != expected:
            assert answer.text is not None and answer.text.startswith(expected), (data, answer)
    await fake.settle()
    assert (await state(admin_bot, "afvalinzameling")).status == "open"  # type: ignore[union-attr]
    assert await scalar(admin_bot, select(func.count()).select_from(Session)) == 0
    assert [e.action for e in await audit_log(admin_bot)] == []  # nothing was done
    # The export of an unknown questionnaire is a message, not an error.
    await boss.press_data("adm:export:nergens", message_id=overview.message_id)
    reply = await boss.next_message()
    assert reply.text.startswith("Die vragenlijst ken ik niet: nergens.")


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
        "Vragen: 4 (1× schaal, 1× open tekst, 1× meerdere keuzes, 1× wijk)",
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
        "• regel 9, questions.tevreden.type: 'schaal' is geen soort vraag. Kies uit: "
        "choice, multi, scale, yesno, text, number, area, grid, ranking, date",
    ]
    assert "&lt;" in (reply.html or "")  # the file name is text, not markup
    assert await versions(admin_bot) == before
    assert await state(admin_bot, "fietsen") is None
    [entry] = await audit_log(admin_bot, "upload")
    assert entry.detail == {"file": "fiets<1>.yaml", "result": "invalid", "problems": 1}


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
    assert junk.text.splitlines()[2:] == [
        "• regel 1: een blok tussen { } of [ ] loopt hier niet goed"
    ]
    assert [call.method for call in fake.calls].count("getFile") == 2  # not the PDF, not 301 KB
    assert await versions(admin_bot) == before
    results = [e.detail["result"] for e in await audit_log(admin_bot, "upload")]
    assert results == ["not_yaml", "too_big", "not_utf8", "invalid"]


def many_problems_source() -> str:
    """60 questions, each with an empty English text and with a field that does not exist:
    more problems than one message holds (the validator reports at most 100, and a line
    saying how many more)."""
    questions = "".join(
        f"  - id: een-vraag-met-een-nogal-lange-naam-{n:02d}\n"
        "    type: yesno\n"
        f'    text: {{nl: "Vraag {n}?", en: ""}}\n'
        "    uitleg: geen\n"
        for n in range(60)
    )
    return (
        "schema_version: 1\nid: veel\nversion: 1\ntheme: {nl: Afval, en: Waste}\n"
        "title: {nl: Veel, en: Many}\nintro: {nl: Kort., en: Short.}\nquestions:\n" + questions
    )


async def test_every_problem_is_listed_over_several_messages(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    boss = admin(fake)
    source = many_problems_source()
    with pytest.raises(QuestionnaireError) as invalid:
        parse(source, "veel.yaml")
    problems = invalid.value.problems
    assert len(problems) == 101
    await boss.send_document("veel.yaml", source.encode(), "application/x-yaml")

    def listed() -> int:
        return sum(1 for m in boss.unread() for line in m.text.splitlines() if line[:2] == "• ")

    await boss.wait_for(lambda: listed() >= len(problems), what="every problem listed")
    replies = boss.drain()
    assert len(replies) >= 3
    assert all(len(reply.text) <= 4096 for reply in replies)
    assert replies[0].text.startswith("veel.yaml klopt nog niet. Er is niets opgeslagen.")
    assert all(reply.text.startswith("veel.yaml, vervolg:\n\n") for reply in replies[1:])
    bullets = [line for reply in replies for line in reply.text.splitlines() if line[:2] == "• "]
    assert len(bullets) == len(problems)  # every one, in order
    assert bullets[0] == (
        "• regel 10, questions.een-vraag-met-een-nogal-lange-naam-00.text.en: "
        "is leeg; schrijf hier een tekst"
    )
    assert bullets[-1] == "• en nog 20 problemen; los eerst de problemen hierboven op"
    assert await state(admin_bot, "veel") is None


async def test_odd_files_get_a_clear_answer(fake: FakeBotApi, admin_bot: BotRunner) -> None:
    """A billion laughs, an empty file, binary data with a .yaml name, a photo: a clear
    answer each, nothing stored, no call Telegram would refuse."""
    boss = admin(fake)
    before = await versions(admin_bot)
    laughs = await upload(boss, "lach.yaml", BILLION_LAUGHS)
    assert laughs.text.splitlines()[2] == (
        "• regel 1: ankers en verwijzingen (& en *) mogen niet in een vragenlijst. Wil je één "
        "antwoordlijst bij meer vragen gebruiken? Zet hem bij option_sets en schrijf bij de "
        "vraag options: met de naam van de lijst (ook op regel 2, 3, 4, 5, 6, 7, 8, 9)"
    )
    empty = await upload(boss, "leeg.yaml", b"")
    assert empty.text.splitlines()[2:] == ["• het bestand is leeg"]
    binary = await upload(boss, "data.yaml", bytes(range(256)))
    assert binary.text.startswith("Dit bestand is geen UTF-8-tekst.")
    control = await upload(boss, "data.yml", b"\x00\x01\x02 nul")
    assert control.text.splitlines()[2:] == [
        "• het bestand bevat tekens die niet in een tekstbestand horen"
    ]
    listing = await upload(boss, "lijst.yaml", "- een\n- twee\n")
    assert listing.text.splitlines()[2:] == [
        "• regel 1: een vragenlijst begint met velden onder elkaar (schema_version:, id:, "
        "title:, …), niet met een lijst"
    ]
    unnamed = await upload(boss, "vragenlijst", fiets_source().encode(), "text/plain")
    assert unnamed.text.startswith("Dit bestand kan ik niet gebruiken.")
    await boss.send_photo()
    answer = await boss.next_message()  # the resident conversation's "cannot use that"
    assert answer.text
    await fake.settle()
    boss.drain()
    assert await versions(admin_bot) == before
    results = [e.detail["result"] for e in await audit_log(admin_bot, "upload")]
    assert results == ["invalid", "invalid", "not_utf8", "invalid", "invalid", "not_yaml"]


async def test_windows_line_endings_and_a_byte_order_mark(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    """As Notepad saves it: UTF-8 with a BOM and CRLF line endings. Line numbers of
    problems are those the administrator sees in their editor."""
    boss = admin(fake)
    windows = ("\ufeff" + fiets_source()).replace("\n", "\r\n").encode("utf-8")
    broken = windows.replace(b"type: scale", b"type: schaal")
    invalid = await upload(boss, "fietsen.yaml", broken)
    assert invalid.text.splitlines()[2:] == [
        "• regel 9, questions.tevreden.type: 'schaal' is geen soort vraag. Kies uit: "
        "choice, multi, scale, yesno, text, number, area, grid, ranking, date"
    ]
    preview = await upload(boss, "FIETSEN.YAML", windows)
    assert preview.text.startswith(f"Voorbeeld: {FIETS}\nNieuwe vragenlijst fietsen, versie 1.")
    await boss.press("Publiceren", message=preview)
    published = await boss.next_message()
    assert published.text.startswith(f"✅ {FIETS} (versie 1) is gepubliceerd.")
    resident = fake.user()
    assert FIETS in await join(resident)


def area_ids(first: int, last: int) -> str:
    return ", ".join(f"wijk-{m:02d}-{'x' * 20}" for m in range(first, last))


def branching_source() -> str:
    """20 neighbourhood questions, each branching on long conditions: the first on eleven
    rules, the others on four."""
    areas = "".join(
        f"      - {{id: wijk-{n:02d}-{'x' * 20}, label: {{nl: Wijk {n}, en: Area {n}}}}}\n"
        for n in range(30)
    )
    questions = ""
    for q in range(20):
        following = f"wijk-{q + 1}" if q < 19 else "slot"
        starts = range(0, 30, 3) if q == 0 else range(0, 9, 3)
        rules = "".join(
            f"      - when: {{question: wijk-{q}, one_of: [{area_ids(n, n + 3)}]}}\n"
            "        goto: slot\n"
            for n in starts
        )
        questions += (
            f"  - id: wijk-{q}\n    type: area\n"
            f'    text: {{nl: "Waar {q}?", en: "Where {q}?"}}\n    areas:\n{areas}'
            f"    next:\n{rules}      - goto: {following}\n"
        )
    return (
        "schema_version: 1\nid: wijken\nversion: 1\ntheme: {nl: Wonen, en: Housing}\n"
        "title: {nl: Wijken, en: Areas}\nintro: {nl: Kort., en: Short.}\nquestions:\n"
        + questions
        + '  - id: slot\n    type: text\n    text: {nl: "Nog iets?", en: "Anything else?"}\n'
    )


async def test_a_preview_with_many_long_branches_fits_one_message(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    source = branching_source()
    parse(source, "wijken.yaml")  # valid
    preview = await upload(admin(fake), "wijken.yaml", source)
    assert len(preview.text) <= 4096
    lines = preview.text.splitlines()
    assert lines[4] == "Vragen: 21 (20× wijk, 1× open tekst)"
    assert lines[5] == "Vertakkingen: 20"
    assert lines[6] == "• na wijk-0: 11 regels, naar slot, wijk-1"
    assert lines[7] == (
        f"• na wijk-1: naar slot als wijk-1 in ({area_ids(0, 3)}); naar slot als wijk-1 in "
        f"({area_ids(3, 6)}); naar slot als wijk-1 in ({area_ids(6, 9)}); anders naar wijk-2"
    )
    branches = lines[6 : lines.index("Opent: meteen bij publiceren")]
    shown = len(branches) - 1
    assert 2 < shown < 20
    assert branches[-1] == f"… en nog {20 - shown}."
    assert lines[-3] == "Sluit: geen einddatum"
    assert preview.buttons == [["Zelf testen", "Publiceren"], ["Annuleren"]]


async def test_a_published_version_cannot_be_uploaded_again(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    boss = admin(fake)
    shipped = (QUESTIONNAIRES / "schoolroutes.yaml").read_text(encoding="utf-8")
    version = shipped_version("schoolroutes")
    same = await upload(boss, "schoolroutes.yaml", shipped)
    assert same.text.startswith(f"Versie {version} van schoolroutes is al gepubliceerd.")
    changed = await upload(boss, "schoolroutes.yaml", shipped.replace("5 minuten", "6 minuten"))
    assert changed.text.startswith(
        f"Versie {version} van schoolroutes is al gepubliceerd, met een andere"
    )


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


async def test_the_buttons_of_an_older_preview_never_act_on_a_newer_file(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    """The same version number sent twice with different content: only the newest
    preview's buttons act; publishing publishes what that preview showed."""
    boss = admin(fake)
    first = await upload(boss, "fietsen.yaml", fiets_source(title="Fietsen eerste poging"))
    second = await upload(boss, "fietsen.yaml", fiets_source())
    assert second.text.splitlines()[1] == (
        "Nieuwe vragenlijst fietsen, versie 1. Dit vervangt het vorige concept."
    )
    replaced = (
        "Er is intussen een nieuwer bestand met dit versienummer gestuurd. Gebruik de knoppen "
        "onder het nieuwste voorbeeld."
    )
    for label in ("Zelf testen", "Publiceren", "Annuleren"):
        query = await boss.press(label, message=first)
        assert (await boss.wait_callback_answered(query)).text == replaced
    await fake.settle()
    assert boss.unread() == []
    assert [e.action for e in await audit_log(admin_bot)] == ["upload", "upload"]
    await boss.press("Publiceren", message=second)
    published = await boss.next_message()
    assert published.text.startswith(f"✅ {FIETS} (versie 1) is gepubliceerd.")


async def test_a_new_version_leaves_running_sessions_on_theirs(
    fake: FakeBotApi, admin_bot: BotRunner
) -> None:
    early = fake.user()
    question = await open_afval(early)
    question = await walk(early, question, PLAN[:3])  # three answers on the shipped version

    old = shipped_version("afvalinzameling")
    shipped = (QUESTIONNAIRES / "afvalinzameling.yaml").read_text(encoding="utf-8")
    second = renumbered(shipped, old + 1).replace(
        "Afval ophalen in Rivierstad", "Afval ophalen in Rivierstad (nieuw)", 1
    )
    boss = admin(fake)
    preview = await upload(boss, "afvalinzameling.yaml", second)
    assert preview.text.splitlines()[1] == (
        f"Nieuwe versie {old + 1} van afvalinzameling. Nu gepubliceerd: versie {old}. Wie al "
        "bezig is, maakt de oude versie af."
    )
    await boss.press("Publiceren", message=preview)
    published = await boss.next_message()
    assert published.text.startswith(
        f"✅ Versie {old + 1} van Afval ophalen in Rivierstad (nieuw) is"
    )

    # The early resident goes on with the old version to the end.
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
    assert found == [(old, "completed"), (old + 1, "active")]


# --- /beheer ----------------------------------------------------------------------------------


async def test_beheer_opens_closes_and_archives(fake: FakeBotApi, admin_bot: BotRunner) -> None:
    resident = fake.user()
    await walk(resident, await open_afval(resident), PLAN)
    boss = admin(fake)
    overview = await boss.ask("/beheer")
    v = shipped_version
    assert overview.text.split("\n\n")[1:5] == [
        f"Afval ophalen in Rivierstad · open\nafvalinzameling · versie {v('afvalinzameling')} · "
        "1 klaar, 0 bezig",
        f"Burgerpeiling Rivierstad · open\nburgerpeiling · versie {v('burgerpeiling')} · "
        "0 klaar, 0 bezig",
        f"Groen in de wijk · open\ngroen-in-de-wijk · versie {v('groen-in-de-wijk')} · "
        "0 klaar, 0 bezig",
        f"Veilig naar school · open\nschoolroutes · versie {v('schoolroutes')} · 0 klaar, 0 bezig",
    ]
    assert overview.buttons == [
        ["Afval ophalen in Rivierstad"],
        ["Burgerpeiling Rivierstad"],
        ["Groen in de wijk"],
        ["Veilig naar school"],
        ["Wijkpeiling Rivierstad"],
    ]
    await tap(boss, "Veilig naar school", overview)
    assert overview.text.startswith(
        f"Veilig naar school\nschoolroutes · versie {v('schoolroutes')}\n\nStatus: open"
    )
    assert overview.buttons == [["Sluiten"], ["Exporteren"], ["« Terug"]]
    await tap(boss, "Sluiten", overview)
    assert overview.text.startswith("Weet je zeker dat je Veilig naar school wilt sluiten?")
    await boss.press("Ja, sluiten", message=overview)
    await boss.next_edit()
    assert "Status: gesloten" in overview.text
    assert overview.buttons == [["Openen", "Archiveren"], ["Exporteren"], ["« Terug"]]
    assert "Veilig naar school" not in await pick_labels(resident)
    assert (await state(admin_bot, "schoolroutes")).closed_at is not None  # type: ignore[union-attr]

    await tap(boss, "Openen", overview)
    assert "Status: open" in overview.text
    assert "Veilig naar school" in await pick_labels(resident)

    await tap(boss, "Sluiten", overview)
    await boss.press("Ja, sluiten", message=overview)
    await boss.next_edit()
    await tap(boss, "Archiveren", overview)
    assert overview.text.startswith("Weet je zeker dat je Veilig naar school wilt archiveren?")
    await tap(boss, "Nee", overview)
    assert "Status: gesloten" in overview.text
    await tap(boss, "Archiveren", overview)
    await boss.press("Ja, archiveren", message=overview)
    await boss.next_edit()
    assert "Status: gearchiveerd" in overview.text
    assert overview.buttons == [["Exporteren"], ["« Terug"]]
    await tap(boss, "« Terug", overview)
    assert overview.text.split("\n\n")[5] == (  # archived ones come last
        f"Veilig naar school · gearchiveerd\nschoolroutes · versie {v('schoolroutes')} · "
        "0 klaar, 0 bezig"
    )
    # A stale confirmation after the fact: refused, nothing changes.
    query = await boss.press_data("adm:close:schoolroutes", message_id=overview.message_id)
    answer = await boss.wait_callback_answered(query)
    assert answer.text is not None
    assert answer.text.startswith("Deze vragenlijst is gearchiveerd. Dat is definitief.")
    await boss.next_edit()

    log = [(e.action, e.target, e.detail.get("to")) for e in await audit_log(admin_bot)]
    assert log == [
        ("close", "schoolroutes", "closed"),
        ("open", "schoolroutes", "open"),
        ("close", "schoolroutes", "closed"),
        ("archive", "schoolroutes", "archived"),
    ]
    assert {e.actor for e in await audit_log(admin_bot)} == {ADMIN}


async def test_beheer_for_scheduled_closed_and_archived_questionnaires(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    """A scheduled questionnaire opens by itself (no "Openen" before its date); a new
    version of a closed one stays closed and says so; an archived one takes no new
    version."""
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    dates = 'opens_at: "2031-03-02T09:00:00+01:00"'
    (folder / "fietsen.yaml").write_text(fiets_source(extra=dates), encoding="utf-8")
    shipped = (QUESTIONNAIRES / "schoolroutes.yaml").read_text(encoding="utf-8")
    (folder / "schoolroutes.yaml").write_text(shipped, encoding="utf-8")
    clock = Fixed(datetime(2031, 3, 1, 12, 0, tzinfo=UTC))
    async with running(
        fake, database_url, clock, questionnaires_dir=folder, flood_max_updates=1_000
    ) as runner:
        boss = admin(fake)
        overview = await boss.ask("/beheer")
        assert f"{FIETS} · gepland\nfietsen · versie 1 · 0 klaar, 0 bezig" in overview.text
        await tap(boss, FIETS, overview)
        assert "Status: gepland\nOpent: 2 mrt 2031 09:00 · sluit: –" in overview.text
        assert overview.buttons == [["Sluiten", "Archiveren"], ["Exporteren"], ["« Terug"]]
        query = await boss.press_data("adm:open:fietsen", message_id=overview.message_id)
        answer = await boss.wait_callback_answered(query)
        assert answer.text == (
            "Deze vragenlijst gaat vanzelf open op 2 mrt 2031 09:00. Wil je eerder beginnen? "
            "Stuur dan een nieuwe versie met een eerdere opens_at."
        )
        assert (await state(runner, "fietsen")).status == "draft"  # type: ignore[union-attr]

        # The preview shows the dates, and what publishing will do with them.
        dated = fiets_source(
            extra='opens_at: "2031-03-04T09:00:00"\ncloses_at: "2031-03-20T17:00:00"',
            title="Markt",
        ).replace("id: fietsen", "id: markt")
        preview = await upload(boss, "markt.yaml", dated)
        assert preview.text.splitlines()[7:11] == [
            "Opent: 4 mrt 2031 09:00",
            "Sluit: 20 mrt 2031 17:00",
            "Na publiceren gaat hij vanzelf open op de startdatum.",
            "",
        ]
        await boss.press("Publiceren", message=preview)
        published = await boss.next_message()
        assert published.text == (
            "✅ Markt (versie 1) is gepubliceerd. Hij gaat open op 4 mrt 2031 09:00. "
            "Inwoners uitnodigen kan vanaf dan, met /uitnodigen markt."
        )
        await fake.settle()
        assert boss.unread() == []  # no offer to invite to what nobody can start yet
        past = dated.replace("2031-03-20", "2031-02-20").replace("2031-03-04", "2031-02-04")
        past = past.replace("id: markt", "id: oud")
        preview = await upload(boss, "oud.yaml", past)
        assert (
            "⚠️ De sluitdatum is al voorbij. Na publiceren staat hij meteen dicht." in preview.text
        )
        await fake.settle()
        boss.drain()

        query = await boss.press_data("adm:close:schoolroutes", message_id=overview.message_id)
        await boss.wait_callback_answered(query)
        old = shipped_version("schoolroutes")
        second = renumbered(shipped, old + 1)
        preview = await upload(boss, "schoolroutes.yaml", second)
        await boss.press("Publiceren", message=preview)
        published = await boss.next_message()
        assert published.text == (
            f"✅ Versie {old + 1} van Veilig naar school is gepubliceerd. De vragenlijst is nog "
            "gesloten. Open hem in /beheer als inwoners weer mogen meedoen."
        )
        assert (await state(runner, "schoolroutes")).status == "closed"  # type: ignore[union-attr]
        await fake.settle()
        assert boss.unread() == []  # no offer to invite to a closed questionnaire

        query = await boss.press_data("adm:archive:schoolroutes", message_id=overview.message_id)
        await boss.wait_callback_answered(query)
        third = renumbered(shipped, old + 2)
        refused = await upload(boss, "schoolroutes.yaml", third)
        assert refused.text == (
            "Deze vragenlijst is gearchiveerd. Dat is definitief. Wil je hem opnieuw "
            "gebruiken? Geef het bestand dan een nieuwe id."
        )
        await fake.settle()
        boss.drain()
        log = [(e.action, e.target, e.detail.get("result")) for e in await audit_log(runner)]
        assert log == [
            ("upload", "markt", "draft"),
            ("publish", "markt", None),
            ("upload", "oud", "draft"),
            ("close", "schoolroutes", None),
            ("upload", "schoolroutes", "draft"),
            ("publish", "schoolroutes", None),
            ("archive", "schoolroutes", None),
            ("upload", "schoolroutes", "archived"),
        ]


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
        await tap(boss, "Volgende »", overview)
        assert overview.text.startswith("Vragenlijsten (blad 2 van 2)")
        assert overview.buttons == [["Lijst 6"], ["Lijst 7"], ["« Vorige"]]
        await tap(boss, "Lijst 7", overview)
        await tap(boss, "« Terug", overview)
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
    clock = Fixed(datetime(2031, 3, 1, 12, 0, tzinfo=UTC))
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
