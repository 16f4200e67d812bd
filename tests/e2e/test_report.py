"""Reports end to end through the fake Bot API: /rapport in the staff group and in an
administrator's chat sends a Word file that opens; an unknown id, an empty questionnaire, one
with three respondents and a broken template get clear answers; nobody else gets a report.
/publiceer puts the results page on ``samenspraak serve``'s web server, and the outcome
message to participants links to it."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from docx import Document

from bot.app.application import run_polling
from bot.core.services import Services
from flows.schema import AreaQuestion
from sandbox.fakeapi import FakeBotApi
from storage import audit, digest_log
from tests.digest.helpers import Response, add, fill
from tests.e2e.conftest import BotRunner, WebhookRunner, running_bot
from tests.e2e.outcome_helpers import ADMIN_ID, SCHOOL, final_report, received
from tests.e2e.outcome_helpers import runner as outcome_runner
from tests.e2e.test_outcomes import NEWS_EN, NEWS_NL, participants, write_outcome
from tests.support.ports import reserve_port

ADMIN = 4_242_001
IDS = "afvalinzameling, burgerpeiling, groen-in-de-wijk, schoolroutes, wijkpeiling"
#: What /rapport offers to choose from: the questionnaires, then the deliberations.
SUBJECTS = f"{IDS}, autoluw-centrum"
SINCE = datetime.now(UTC) - timedelta(days=6)
UNKNOWN_COMMAND = "Dat commando ken ik niet. Stuur /help voor uitleg."


async def _seed(runner: BotRunner) -> None:
    """30 responses to afvalinzameling, 3 to schoolroutes, none to groen-in-de-wijk."""
    services = runner.services
    assert services is not None
    afval = services.catalog.current("afvalinzameling")
    school = services.catalog.current("schoolroutes")
    assert afval is not None and school is not None
    await fill(services.sessions, afval.questionnaire, 30, since=SINCE, days=5)
    first = school.questionnaire.questions[0]
    value = first.areas[0].id if isinstance(first, AreaQuestion) else first.options[0].id  # type: ignore[union-attr]
    async with services.sessions.begin() as db:
        for i in range(3):
            moment = SINCE + timedelta(hours=i)
            await add(
                db, "schoolroutes", Response({first.id: value}, started=moment, answered=moment)
            )


async def _scheduled_digest_sent(runner: BotRunner, chat_id: int, within: float = 60) -> None:
    """Wait until this week's scheduled digest went out: on a fresh database the digest job
    sends it once when it first runs, which on a busy machine is well after the start."""
    services = runner.services
    assert services is not None
    deadline = asyncio.get_running_loop().time() + within
    while True:
        async with services.sessions() as db:
            if await digest_log.last_scheduled(db, chat_id) is not None:
                return
        assert asyncio.get_running_loop().time() < deadline, "no scheduled digest went out"
        await asyncio.sleep(0.1)


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def _answer_tables(data: bytes) -> int:
    """How many tables of answers to a question the Word file has."""
    tables = Document(io.BytesIO(data)).tables
    return sum(1 for t in tables if t.rows[0].cells[0].text == "Antwoord")


def _headings(data: bytes) -> list[str]:
    document = Document(io.BytesIO(data))
    return [p.text for p in document.paragraphs if p.style.name == "Heading 1"]


async def test_rapport_in_the_group_and_for_an_administrator(
    fake: FakeBotApi, database_url: str
) -> None:
    group = fake.group(title="Team participatie")
    other = fake.group(title="Buurtapp Noord")
    boss = fake.user(ADMIN, first_name="Beheerder")
    settings = {
        "digest_chat_id": group.id,
        "admin_user_ids": [ADMIN],
        "digest_schedule": "mon 09:00",
    }
    async with running_bot(fake, database_url, **settings) as runner:
        await _seed(runner)
        await _scheduled_digest_sent(runner, group.id)
        await fake.settle()
        group.drain()
        member = group.member()

        await member.send("/rapport afvalinzameling")
        report = await group.next_message(timeout=60)
        assert report.document_name is not None
        assert report.document_name.startswith("rapport-afvalinzameling-")
        assert report.document_name.endswith(".docx")
        assert report.caption == (
            "Rapport: Afval ophalen in Rivierstad. Een Word-bestand dat je kunt aanpassen."
        )
        assert report.document is not None
        headings = _headings(report.document)
        assert headings[:4] == [
            "Samenvatting",
            "Hoe we het vroegen",
            "Respons en representativiteit",
            "Uitkomsten per vraag",
        ]
        assert "Interne notities" in headings
        assert "Bijlage: alle gesloten vragen" in headings
        # No population uploaded: the section says so plainly.
        paragraphs = [p.text for p in Document(io.BytesIO(report.document)).paragraphs]
        after = paragraphs[paragraphs.index("Respons en representativiteit") + 1]
        assert after.startswith("Niet beschikbaar: voor deze vragenlijst is de respons niet ")

        await member.send("/rapport onbekend")
        unknown = await group.next_message()
        assert unknown.text == (
            f"Die vragenlijst of dat gesprek ken ik niet: onbekend. Kies uit: {SUBJECTS}"
        )
        await member.send("/rapport <b>")
        odd = await group.next_message()
        assert odd.text == f"Die vragenlijst of dat gesprek ken ik niet: <b>. Kies uit: {SUBJECTS}"
        await member.send("/rapport")
        usage = await group.next_message()
        assert usage.text.startswith("Van welke vragenlijst of welk gesprek wil je het rapport?")
        assert usage.text.endswith(f"Kies uit: {SUBJECTS}")

        await member.send("/rapport groen-in-de-wijk")
        empty = await group.next_message(timeout=30)
        assert empty.caption == (
            "Rapport: Groen in de wijk. Er zijn nog geen antwoorden, dus er staan nog geen "
            "uitkomsten in."
        )
        await member.send("/rapport schoolroutes")
        few = await group.next_message(timeout=30)
        assert few.caption == (
            "Rapport: Veilig naar school. Minder dan 5 inwoners deden mee. Daarom staan er geen "
            "cijfers in: anders kun je misschien zien wie wat antwoordde."
        )
        assert few.document is not None
        text = "\n".join(p.text for p in Document(io.BytesIO(few.document)).paragraphs)
        assert "Er deden 3 inwoners mee. Dat is minder dan 5." in text

        # Elsewhere: another group hears where reports go; a resident as if unknown.
        stranger = other.member()
        await stranger.send("/rapport afvalinzameling")
        refused = await other.next_message()
        assert (
            refused.text
            == "Rapporten stuur ik alleen naar de groep van de gemeente en naar beheerders."
        )
        assert refused.document is None
        resident = fake.user(first_name="Anna")
        answer = await resident.ask("/rapport afvalinzameling")
        assert answer.document is None
        assert answer.text == UNKNOWN_COMMAND

        mine = await boss.ask("/rapport afvalinzameling", timeout=60)
        assert mine.document_name is not None and mine.document_name.endswith(".docx")

        # A period: from a day up to and including another, in the forms the bot reads.
        first = SINCE.astimezone(runner.services.settings.zone).date()  # type: ignore[union-attr]
        whole = await boss.ask(f"/rapport afvalinzameling {first:%d-%m-%Y} gisteren", timeout=60)
        assert whole.document is not None and _answer_tables(whole.document)
        today = await boss.ask("/rapport afvalinzameling vandaag", timeout=60)
        assert today.document is not None and not _answer_tables(today.document)
        assert "Niemand beantwoordde deze vraag." in _text(today.document)
        later = await boss.ask("/rapport afvalinzameling morgen")
        assert later.text.startswith("Die periode is nog niet begonnen.")
        odd_day = await boss.ask("/rapport afvalinzameling 31-2-2026")
        assert odd_day.text.startswith("Die datum begrijp ik niet: 31-2-2026.")
        backwards = await boss.ask(f"/rapport afvalinzameling vandaag {first:%Y-%m-%d}")
        assert backwards.text.startswith("De eerste datum moet voor de tweede liggen")


async def test_a_broken_template_is_said_plainly(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    broken = tmp_path / "huisstijl.dotx"
    broken.write_bytes(b"PK\x03\x04 this is not a whole zip file")
    boss = fake.user(ADMIN, first_name="Beheerder")
    async with running_bot(
        fake, database_url, admin_user_ids=[ADMIN], report_template=broken
    ) as runner:
        await _seed(runner)
        answer = await boss.ask("/rapport afvalinzameling", timeout=30)
        assert answer.document is None
        assert answer.text == (
            "Het rapport lukte niet: het Word-sjabloon van de gemeente (REPORT_TEMPLATE) is "
            "kapot of geen Word-bestand. Vraag de beheerder van de server om het te vervangen "
            "of de instelling leeg te maken."
        )


async def test_publiceer_puts_the_results_page_online(fake: FakeBotApi, database_url: str) -> None:
    boss = fake.user(ADMIN, first_name="Beheerder")
    async with running_bot(fake, database_url, webhook=True, admin_user_ids=[ADMIN]) as runner:
        assert isinstance(runner, WebhookRunner)
        await _seed(runner)
        page = f"{runner.base_url}/resultaten/afvalinzameling"
        async with aiohttp.ClientSession() as http:
            async with http.get(page) as response:
                assert response.status == 404, "not published yet"

            published = await boss.ask("/publiceer afvalinzameling")
            assert published.text.startswith(
                f"De resultatenpagina van afvalinzameling staat nu online: {page}\n"
            )
            async with http.get(page) as response:
                assert response.status == 200
                body = await response.text()
                tag = response.headers["ETag"]
                assert "default-src 'none'" in response.headers["Content-Security-Policy"]
                assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert '<html lang="nl">' in body
            assert "<h1>Afval ophalen in Rivierstad</h1>" in body
            assert "Interne notities" not in body
            async with http.get(page, headers={"If-None-Match": tag}) as response:
                assert response.status == 304, "cached: nothing changed"
            async with http.get(page + "/en") as response:
                assert response.status == 200
                assert '<html lang="en">' in await response.text()

            # A new answer makes a new page.
            services = runner.services
            assert services is not None
            afval = services.catalog.current("afvalinzameling")
            assert afval is not None
            await fill(services.sessions, afval.questionnaire, 1, since=SINCE, seed=99)
            async with http.get(page, headers={"If-None-Match": tag}) as response:
                # The page as it was, while the new one is made in the background.
                assert response.status == 304
            for _ in range(600):
                async with http.get(page) as response:
                    if "31 inwoners deden mee" in await response.text():
                        break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the page never showed the new answer")

            for path in ("/resultaten/onbekend", "/resultaten/schoolroutes", "/resultaten/..%2f"):
                async with http.get(runner.base_url + path) as response:
                    assert response.status == 404

            again = await boss.ask("/publiceer afvalinzameling")
            assert "stond al online" in again.text
            off = await boss.ask("/publiceer afvalinzameling uit")
            assert off.text == "De resultatenpagina van afvalinzameling is offline."
            async with http.get(page) as response:
                assert response.status == 404

        # Only an administrator, only in private.
        resident = fake.user(first_name="Bas")
        refused = await resident.ask("/publiceer afvalinzameling")
        assert refused.text == UNKNOWN_COMMAND
        async with services.sessions() as db:
            actions = [
                (e.action, e.target, e.allowed)
                for e in await audit.entries(db)
                if e.action.startswith("report") or e.action == "publish_report"
            ]
        assert actions == [
            ("report.publish", "afvalinzameling", True),
            ("report.unpublish", "afvalinzameling", True),
            ("publish_report", None, False),
        ]


async def test_the_outcome_message_links_to_the_published_page(
    fake: FakeBotApi, database_url: str
) -> None:
    admin = fake.user(ADMIN_ID, first_name="Beheerder")
    site = "https://inspraak.rivierstad.example"
    bot = outcome_runner(fake, database_url, public_url=site)
    await bot.start()
    try:
        people = await participants(bot, fake)
        published = await admin.ask(f"/publiceer {SCHOOL}")
        assert f"staat nu online: {site}/resultaten/{SCHOOL}" in published.text
        confirm = await write_outcome(admin, "besluit genomen")
        await admin.press("Versturen", message=confirm)
        await final_report(admin, confirm)
        for user in people["dutch"]:
            (message,) = received(user, NEWS_NL)
            assert f"Alle uitkomsten op een rij: {site}/resultaten/{SCHOOL}\n" in message.text
        for user in people["english"]:
            (message,) = received(user, NEWS_EN)
            assert f"All results in one place: {site}/resultaten/{SCHOOL}/en\n" in message.text
    finally:
        await bot.stop()
    await fake.settle()


class PollingWithPages(BotRunner):
    """The bot as ``samenspraak run`` runs it: long polling, its web server on a port."""

    def __init__(self, fake: FakeBotApi, database_url: str, port: int, **settings: Any) -> None:
        super().__init__(fake, database_url, **settings)
        self.port = port

    def _run(self, services: Services, stop: asyncio.Event) -> Coroutine[Any, Any, None]:
        return run_polling(services, stop, web_at=("127.0.0.1", self.port))


async def test_samenspraak_run_serves_the_published_results_page(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    """In polling mode the web door's server serves /resultaten too: the address /publiceer
    gives (PUBLIC_URL) opens the page, in both languages."""
    boss = fake.user(ADMIN, first_name="Beheerder")
    with reserve_port() as reserved:
        runner = PollingWithPages(
            fake, sqlite_url, reserved.port, admin_user_ids=[ADMIN], public_url=reserved.url
        )
        await runner.start()
        try:
            page = f"{reserved.url}/resultaten/afvalinzameling"
            async with aiohttp.ClientSession() as http:
                async with http.get(page) as response:
                    assert response.status == 404, "not published yet"
                published = await boss.ask("/publiceer afvalinzameling")
                assert f": {page}\n" in published.text, published.text
                async with http.get(page) as response:
                    assert response.status == 200
                    assert '<html lang="nl">' in await response.text()
                async with http.get(page + "/en") as response:
                    assert response.status == 200
                    assert '<html lang="en">' in await response.text()
        finally:
            await runner.stop()
