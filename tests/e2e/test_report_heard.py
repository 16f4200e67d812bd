"""/rapport with a reference population: the Word report's "Respons en representativiteit"
section compares respondents with the inhabitants per wijk and age band, gives the verdict,
names the strata nobody answered from, shows the chart with its alt text and the weighted
shares beside the unweighted with the 95% margin, from the same figures as the digest. (Without
a population the section says plainly that it is not available: tests/e2e/test_report.py.)"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

from docx import Document
from sqlalchemy import select, update

from bot.staff.reports import ReportService
from sandbox.fakeapi import FakeBotApi
from storage import profiles
from storage.codes import store_codes
from storage.models import Answer, SampleCode, Session
from storage.population import Cell, store_population
from tests.digest.helpers import Response, add
from tests.e2e.conftest import BotRunner, running_bot
from tests.e2e.test_digest import sent
from tests.storage.helpers import register
from tests.support.shipped import shipped_version

ADMIN = 4_242_001
SINCE = datetime.now(UTC) - timedelta(days=6)
BANDS = ("15-24", "25-44", "45-64", "65+")
WIJKEN = {"Centrum": 6000, "Noord": 9000, "Oost": 8000, "Zuid": 10000, "De Hoven": 4000}
# (age band, wijk, answer to "inzameling", how many): older people from Noord, nobody
# young, nobody from De Hoven, three from Oost.
PLAN = [
    ("65+", "noord", "kliko", 12),
    ("65+", "noord", "ondergronds", 2),
    ("45-64", "noord", "kliko", 6),
    ("25-44", "centrum", "ondergronds", 6),
    ("45-64", "zuid", "allebei", 5),
    ("25-44", "oost", "kliko", 3),
]


async def seed_heard(runner: BotRunner) -> None:
    """A population (valid from 1 January 2026) and the 34 residents of :data:`PLAN`, each
    with an age band in their profile and a completed response to afvalinzameling."""
    services = runner.services
    assert services is not None
    async with services.sessions.begin() as db:
        await store_population(
            db,
            [
                Cell(name, None, band, total // 4)
                for name, total in WIJKEN.items()
                for band in BANDS
            ],
            valid_from=datetime(2026, 1, 1, tzinfo=UTC),
            source="kerncijfers-2026.csv",
        )
    number = 0
    for band, wijk, answer, count in PLAN:
        for _ in range(count):
            number += 1
            resident = await register(services.sessions, f"{number:016x}")
            moment = SINCE + timedelta(hours=number)
            async with services.sessions.begin() as db:
                await profiles.set_profile(db, resident.id, age_band=band)
                await add(
                    db,
                    "afvalinzameling",
                    Response(
                        {"wijk": wijk, "inzameling": answer}, started=moment, answered=moment
                    ),
                    shipped_version("afvalinzameling"),
                    resident_id=resident.id,
                )


async def test_the_report_says_who_was_heard_and_weights_the_results(
    fake: FakeBotApi, database_url: str
) -> None:
    group = fake.group(title="Team participatie")
    fake.user(ADMIN, first_name="Beheerder")
    settings = {"digest_chat_id": group.id, "admin_user_ids": [ADMIN], "digest_schedule": "off"}
    async with running_bot(fake, database_url, **settings) as runner:
        await seed_heard(runner)
        await fake.settle()
        group.drain()
        await group.member().send("/rapport afvalinzameling")
        report = await group.next_message(timeout=60)
        assert report.document is not None
        document = Document(io.BytesIO(report.document))
        texts = [p.text for p in document.paragraphs]
        section = texts[
            texts.index("Respons en representativiteit") : texts.index("Uitkomsten per vraag")
        ]
        whole = "\n".join(section)
        assert "Niet beschikbaar" not in whole
        assert section[1].startswith("Jongeren van 15 tot 25"), section
        assert section[1].endswith("ondervertegenwoordigd.")
        assert "kerncijfers-2026.csv, geldig vanaf 1 januari 2026" in whole
        assert any(t.startswith("Geen reacties uit: ") and "De Hoven" in t for t in section)
        assert "Minder dan 5 antwoorden uit Oost: die tellen we niet zwaarder mee." in section
        assert "Gewogen naar wijk en leeftijd" in section
        groups = next(t for t in document.tables if t.rows[0].cells[0].text == "Groep")
        rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in groups.rows}
        assert rows["Wijk: Noord"][:2] == ["20", "9.000"]
        assert rows["Wijk: Oost"][0] == "minder dan 5" and rows["Wijk: Oost"][2] == "–"
        assert rows["Wijk: De Hoven"][0] == "0" and rows["Wijk: De Hoven"][4] == "geen reacties"
        weighted = next(t for t in document.tables if t.rows[0].cells[1].text == "Ongewogen")
        kliko = next(r for r in weighted.rows if r.cells[0].text == "Eigen containers bij huis")
        unweighted, reweighted = (int(c.text.rstrip("%")) for c in kliko.cells[1:3])
        assert unweighted == 62  # 21 of 34
        assert reweighted < unweighted - 5, "the older Noord respondents weigh less"
        assert kliko.cells[3].text.endswith(" pp")
        described = [s._inline.docPr.get("descr") for s in document.inline_shapes]
        assert any(
            d.startswith("Staafdiagram van het aandeel van de reacties tegen het aandeel van de")
            for d in described
        )


async def test_the_weighted_sample_leads_the_report_and_the_digest(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    """With invitation codes, everyone but the 8 from Oost and Zuid came in with a code: the
    Word report opens with "Resultaten van de steekproef", the sample's shares weighted to
    the population (18 of 26 chose kliko: 69% unweighted, less weighted), before the method
    and the results of everyone together (21 of 34: 62%); the results page leads the same
    way and the digest's "Steekproef" block shows the same weighted shares."""
    group = fake.group(title="Team participatie")
    fake.user(ADMIN, first_name="Beheerder")
    settings = {"digest_chat_id": group.id, "admin_user_ids": [ADMIN], "digest_schedule": "off"}
    async with running_bot(fake, sqlite_url, **settings) as runner:
        await seed_heard(runner)
        services = runner.services
        assert services is not None
        async with services.sessions.begin() as db:
            await store_codes(db, "afvalinzameling", [f"{i:064x}" for i in range(100)])
            first = select(SampleCode.id).order_by(SampleCode.id).limit(26).scalar_subquery()
            await db.execute(update(SampleCode).where(SampleCode.id.in_(first)).values(used=True))
            wijken = await db.execute(
                select(Answer.session_id, Answer.value).where(Answer.question_id == "wijk")
            )
            sampled = [session for session, wijk in wijken if wijk not in ("oost", "zuid")]
            assert len(sampled) == 26
            await db.execute(update(Session).where(Session.id.in_(sampled)).values(sample=True))
        await fake.settle()
        group.drain()
        await group.member().send("/rapport afvalinzameling")
        report = await group.next_message(timeout=60)
        assert report.document is not None
        document = Document(io.BytesIO(report.document))
        texts = [p.text for p in document.paragraphs]
        lead = texts.index("Resultaten van de steekproef")
        assert lead < texts.index("Hoe we het vroegen") < texts.index("Uitkomsten per vraag")
        assert texts[1 + texts.index("Samenvatting")].startswith(
            "100 willekeurig gekozen adressen kregen een brief met een code. 26 van hen"
        )
        section = texts[lead : texts.index("Hoe we het vroegen")]
        assert section[1] == (
            "Brieven met een code: 100. Code gebruikt: 26. Hele vragenlijst ingevuld: 26 (26%)."
        )
        assert section[2].startswith("Open deelname (zonder code): 8 vulden")
        assert "Steekproef, gewogen naar wijk en leeftijd" in section
        assert any(t.startswith("26 mensen uit de steekproef met bekende wijk") for t in section)
        assert any("uitkomsten van de steekproef staan eerst" in t for t in texts)
        first_weighted, everyone = [
            t for t in document.tables if t.rows[0].cells[1].text == "Ongewogen"
        ][:2]

        def kliko(table: Any) -> tuple[int, int]:
            row = next(r for r in table.rows if r.cells[0].text == "Eigen containers bij huis")
            assert row.cells[3].text.endswith(" pp")
            plain, weighted = (int(c.text.rstrip("%")) for c in row.cells[1:3])
            return plain, weighted

        sample_plain, sample_weighted = kliko(first_weighted)
        assert sample_plain == 69  # 18 of 26: the sample's, not everyone's
        assert sample_weighted < sample_plain - 5, "the older Noord respondents weigh less"
        assert kliko(everyone)[0] == 62  # 21 of 34, after the sample's section

        # The results page leads the same way, in English too.
        _, page = await ReportService(services).html("afvalinzameling", "en")
        lead = page.index('<h2 id="sample">Results of the random sample</h2>')
        assert lead < page.index('<h2 id="method">') < page.index('<h2 id="results">')
        assert "<h3>Sample, weighted by area and age</h3>" in page[lead:]
        assert f'<td class="n">{sample_weighted}%</td>' in page[lead : page.index('id="method"')]

        await group.member().send("/digest")
        await sent(runner, 1, within=60)
        text = group.drain()[0].text
        block = text[text.index("Steekproef (brieven met een code)") : text.index("\nReacties\n")]
        assert "Steekproef gewogen naar wijk en leeftijd" in block
        assert f"• Eigen containers bij huis: 69% → gewogen {sample_weighted}%" in block
