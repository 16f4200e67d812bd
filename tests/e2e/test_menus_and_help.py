"""Command menus and /help per audience: residents in their private chats, each
administrator in theirs, the civil servants' group in the group; in Dutch and English.

The menus are read as the fake Bot API keeps them, by scope and language, the way Telegram
keeps what ``setMyCommands`` set; /help is asked as each of them asks it.
"""

from __future__ import annotations

import aiohttp

from flows.texts import COMMANDS, admin_commands
from sandbox.fakeapi import FakeBotApi
from sandbox.models import JsonDict
from tests.e2e.conftest import TOKEN, BotRunner, join, running_bot

ADMIN = 4_242_001
RESIDENTS = {"type": "all_private_chats"}
THEIRS = [
    "beheer",
    "moderatie",
    "terugkoppeling",
    "uitnodigen",
    "export",
    "codes",
    "rapport",
    "publiceer",
]


def names(fake: FakeBotApi, scope: JsonDict | None, language: str = "") -> list[str] | None:
    """The commands set for exactly this scope and language (None: no menu)."""
    menu = fake.commands(scope, language)
    return None if menu is None else [c["command"] for c in menu]


async def test_each_audience_has_its_own_menu_in_dutch_and_english(
    fake: FakeBotApi, database_url: str
) -> None:
    fake.user(ADMIN)
    group = fake.group(title="Team participatie")
    # A bot from before the scopes put the residents' menu in the default scope, which every
    # chat shows, groups too; Telegram keeps it until it is deleted.
    async with aiohttp.ClientSession() as http:
        for language in ("", "nl", "en"):
            old = {"commands": [{"command": "vergeetmij", "description": "Wis je gegevens"}]}
            if language:
                old["language_code"] = language  # type: ignore[assignment]
            async with http.post(f"{fake.url}/bot{TOKEN}/setMyCommands", json=old) as response:
                assert response.status == 200
    settings = {"admin_user_ids": [ADMIN], "digest_chat_id": group.id, "digest_schedule": "off"}
    async with running_bot(fake, database_url, **settings):
        residents = [name for name, _ in COMMANDS["nl"]]
        assert names(fake, RESIDENTS) == residents
        assert names(fake, RESIDENTS, "en") == [name for name, _ in COMMANDS["en"]]
        assert {"resultaten", "instellingen", "vergeetmij"} <= set(residents)
        assert not set(residents) & {*THEIRS, "digest"}

        admin = {"type": "chat", "chat_id": ADMIN}
        assert names(fake, admin) == residents + THEIRS
        assert names(fake, admin, "en") == [name for name, _ in COMMANDS["en"]] + THEIRS
        english = fake.commands(admin, "en") or []
        assert english[-1]["description"] == dict(admin_commands("en"))["publiceer"]
        # Deliberations are named where they are managed, moderated and stopped.
        dutch = {c["command"]: c["description"] for c in fake.commands(admin, "") or []}
        assert dutch["beheer"] == "Vragenlijsten en gesprekken beheren"
        assert dutch["moderatie"] == "Open antwoorden en stellingen nakijken"
        assert dutch["stop"] == "Stoppen met de vragenlijst of het gesprek"
        assert {c["command"]: c["description"] for c in english}["beheer"] == (
            "Manage questionnaires and deliberations"
        )

        staff = {"type": "chat", "chat_id": group.id}
        assert names(fake, staff) == ["digest", "rapport", "help"]
        assert names(fake, staff, "en") == ["digest", "rapport", "help"]
        assert fake.commands(staff, "en") == [
            {"command": "digest", "description": "Digest of what is new"},
            {"command": "rapport", "description": "Report for the council as a Word file"},
            {"command": "help", "description": "About this group"},
        ]
        for language in ("", "nl", "en"):  # nothing left for other groups
            assert names(fake, None, language) is None, language
        # Descriptions address nobody: the same menu serves "je" and "u".
        described = [c["description"] for c in fake.commands(RESIDENTS) or []]
        assert not [d for d in described if " je " in f" {d} " or " u " in f" {d} "]


async def test_the_staff_group_gets_its_menu_at_its_first_update_if_refused_at_start(
    fake: FakeBotApi, database_url: str
) -> None:
    """A DIGEST_CHAT_ID that Telegram does not know yet at start-up (the bot was added to
    the group later) gets the group's menu at the first update from there."""
    group_id = -1_009_999
    runner = BotRunner(fake, database_url, digest_chat_id=group_id, digest_schedule="off")
    await runner.start()
    try:
        assert [call.method for call in fake.rejected] == ["setMyCommands"]
        group = fake.group(group_id, title="Team participatie")
        help_ = await group.member().ask("/help")
        assert help_.text.startswith("Samenspraak in deze groep\n")
        await fake.settle()
        assert names(fake, {"type": "chat", "chat_id": group_id}) == ["digest", "rapport", "help"]
    finally:
        await runner.stop()
    await fake.settle()
    assert [call.method for call in fake.rejected] == ["setMyCommands"]
    fake.rejected.clear()  # that one refusal is the point of this test


async def test_help_fits_who_asks_and_where(fake: FakeBotApi, database_url: str) -> None:
    fake.user(ADMIN)
    group = fake.group(title="Team participatie")
    settings = {"admin_user_ids": [ADMIN], "digest_chat_id": group.id, "digest_schedule": "off"}
    async with running_bot(fake, database_url, **settings):
        resident = fake.user()
        help_ = await resident.ask("/help")  # before joining: the residents' help
        for line in (
            "/resultaten – wat er met de antwoorden is gedaan",
            "/instellingen – kies welke berichten je krijgt",
            "/vergeetmij – wis je gegevens",
        ):
            assert line in help_.text.split("\n"), line
        assert "/beheer" not in help_.text and "/digest" not in help_.text
        assert "Soms is er een gesprek met stellingen." in help_.text  # deliberations too

        admin = fake.user(ADMIN)
        theirs = await admin.ask("/help")
        assert theirs.text.startswith(help_.text + "\n\nVoor beheerders\n")
        for command in THEIRS:
            assert f"\n/{command} – " in theirs.text, command
        assert "een gesprek met stellingen toevoegen of bijwerken" in theirs.text
        assert "\n/beheer stellingen – gesprekken met stellingen openen en sluiten\n" in (
            theirs.text
        )
        staff = await group.member().ask("/help")
        assert staff.text.startswith("Samenspraak in deze groep\n")
        assert "/digest – " in staff.text and "/vragenlijsten" not in staff.text

        # During a questionnaire the last line points back to its question.
        await join(resident)
        pick = await resident.next_message()
        await resident.press("Veilig naar school", message=pick)
        await resident.next_messages(2)
        during = await resident.ask("/help")
        assert during.text.startswith(help_.text + "\n\n")
        assert during.text.endswith(
            "Je bent bezig met Veilig naar school. Vraag 1 van 8 staat hierboven en wacht "
            "op je antwoord."
        )
        await resident.ask("/stop")
        paused = await resident.ask("/help")  # paused: nothing to point back to
        assert paused.text == help_.text


async def test_an_english_administrator_gets_the_english_help(
    fake: FakeBotApi, database_url: str
) -> None:
    fake.user(ADMIN, language_code="en")
    async with running_bot(fake, database_url, admin_user_ids=[ADMIN]):
        admin = fake.user(ADMIN)
        help_ = await admin.ask("/help")
        assert help_.text.startswith("How it works\n")
        assert "\n\nFor administrators\n" in help_.text
        assert "/uitnodigen – invite residents to a questionnaire" in help_.text
