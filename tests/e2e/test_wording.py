"""Counts as residents and administrators read them: "1 inwoner", "1 dag", "1 vraag"
(plural forms chosen by the count)."""

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
        assert confirm.text == (
            "Dit bericht gaat naar 1 inwoner die meedeed en op de hoogte wil blijven (0 in het "
            "Engels). De status wordt: besluit genomen. Versturen?"
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
