"""Counts and the municipality as residents and administrators read them: "1 inwoner",
"1 dag", "1 vraag" (plural forms chosen by the count), and the configured MUNICIPALITY_NAME
wherever the bot names the municipality, never "de gemeente".
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sandbox.fakeapi import FakeBotApi
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import running_bot
from tests.e2e.outcome_helpers import (
    ADMIN_ID,
    SCHOOL,
    SCHOOL_THEME,
    final_report,
    runner,
    seed,
)

#: A questionnaire of one question.
ONE_QUESTION = """\
schema_version: 1
id: buurtfeest
version: 1
theme: {nl: Buurt, en: Neighbourhood}
title: {nl: Buurtfeest, en: Street party}
intro: {nl: Eén vraag over het buurtfeest., en: One question about the street party.}
questions:
  - id: wijk
    type: area
    text: {nl: "In welke wijk woon jij?", en: "Which neighbourhood do you live in?"}
    areas:
      - {id: centrum, label: {nl: Centrum, en: Centre}, postcodes: ["4100-4109"]}
      - {id: noord, label: {nl: Noord, en: North}, postcodes: ["4110-4119"]}
"""


def questionnaires(tmp_path: Path) -> Path:
    """The shipped questionnaires and the one of one question, in one folder."""
    folder = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES, folder)
    (folder / "buurtfeest.yaml").write_text(ONE_QUESTION, encoding="utf-8")
    return folder


MESSAGE = "De gemeente zet in 2027 drie nieuwe zebrapaden neer bij de scholen."


async def test_one_resident_is_one_inwoner(fake: FakeBotApi, database_url: str) -> None:
    fake.user(ADMIN_ID)
    bot = runner(fake, database_url)
    await bot.start()
    try:
        await seed(bot, fake, 1, took_part=[SCHOOL], outcomes=[SCHOOL])
        await seed(bot, fake, 1, invitations=[SCHOOL_THEME])
        admin = fake.user(ADMIN_ID)

        start = await admin.ask(f"/terugkoppeling {SCHOOL}")
        await admin.press("besluit genomen", message=start)
        await admin.next_message()
        await admin.send(MESSAGE)
        english = await admin.next_message()
        await admin.press("Overslaan", message=english)
        _preview, confirm = await admin.next_messages(2)
        assert confirm.text.startswith(
            "Dit bericht gaat naar 1 inwoner die meedeed en op de hoogte wil blijven (0 in het "
            "Engels). De status wordt: besluit genomen. Versturen?\n\nDuur en kosten (1 bericht)"
        )
        await admin.press("Versturen", message=confirm)
        report = await final_report(admin, confirm)
        assert report.split("\n")[1] == "Klaar: 1 inwoner."

        offer = await admin.ask(f"/uitnodigen {SCHOOL}")
        assert offer.text.startswith(
            "Uitnodigen?\n1 inwoner wil uitnodigingen over Verkeersveiligheid. Die krijgt een "
            "bericht met een knop om Veilig naar school in te vullen."
        )
        await admin.press("Uitnodigen (1)", message=offer)
        report = await final_report(admin, offer)
        assert report.split("\n")[1] == "Klaar: 1 inwoner."

        await admin.send(f"/export {SCHOOL}")
        csv, _xlsx = await admin.next_messages(2)
        assert (csv.caption or "").startswith("Veilig naar school: 1 reactie. Zonder namen")
    finally:
        await bot.stop()
    await fake.settle()
    fake.assert_clean()


async def test_one_day_and_one_question(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    folder = questionnaires(tmp_path)
    async with running_bot(fake, database_url, questionnaires_dir=folder, retention_days=1):
        resident = fake.user()
        welcome = await resident.ask("/start buurtfeest")
        assert "wissen we 1 dag nadat een vragenlijst is gesloten" in welcome.text
        privacy = await resident.ask("/privacy")
        assert "worden 1 dag na het sluiten van een vragenlijst gewist" in privacy.text
        await resident.press("Ja, ik doe mee", message=welcome)
        _given, intro, _question = await resident.next_messages(3)
        assert intro.text.endswith("Deze vragenlijst heeft 1 vraag.")

        english = fake.user(language_code="en")
        welcome = await english.ask("/start")
        assert "deleted 1 day after a questionnaire closes" in welcome.text


async def test_the_bot_names_the_municipality_by_its_configured_name(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    folder = questionnaires(tmp_path)
    name = "Berg & Dal"  # also shows that the name is text, never markup
    async with running_bot(fake, database_url, questionnaires_dir=folder, municipality_name=name):
        resident = fake.user()
        welcome = await resident.ask("/start")
        assert welcome.text.startswith(
            f"Hallo! Ik ben de vragenbot van {name}. Met korte vragenlijsten hoort {name} wat "
            "jij vindt van plannen en regels in je buurt."
        )
        privacy = await resident.ask("/privacy")
        assert f"Waarom: zodat {name} weet wat inwoners vinden van het beleid." in privacy.text
        await resident.press("Ja, ik doe mee", message=welcome)
        await resident.next_messages(2)
        nothing = await resident.ask("/resultaten")
        assert f"Daarna lees je hier wat {name} met de antwoorden doet." in nothing.text

        await resident.send("/start buurtfeest")
        await resident.next_messages(2)
        end, _more = await resident.ask("Centrum"), await resident.next_message()
        assert end.buttons[0] == [f"▫️ Horen wat {name} ermee doet"]
        settings = await resident.ask("/instellingen")
        assert f"Uitkomsten: wat {name} doet met een vragenlijst die je invulde." in settings.text
        forget = await resident.ask("/vergeetmij")
        assert f"Zo kloppen de cijfers die {name} al heeft." in forget.text

        said = [m.text for m in resident.messages] + [
            label for m in resident.messages for row in m.buttons for label in row
        ]
        assert [text for text in said if "de gemeente" in text.lower()] == []

        english = fake.user(language_code="en")
        welcome = await english.ask("/start")
        assert f"With short questionnaires {name} hears what you think" in welcome.text
        assert "the municipality" not in welcome.text
