"""The Word report of a deliberation end to end: /rapport <deliberation-id> by an
administrator sends a .docx whose "Meningsgroepen en gedeelde grond" section has the real
opinion groups from the analysis (each with what sets it apart, and how many of the group
agreed), the common ground all groups support, and no group smaller than the small-cell
limit; a deliberation with too few participants says so plainly. /publiceer puts the same
opinion groups on the public results page."""

from __future__ import annotations

import asyncio
import html
import io
import re

import aiohttp
from docx import Document
from docx.document import Document as DocxDocument
from sqlalchemy import select

from flows.deliberation import Vote
from sandbox.fakeapi import FakeBotApi
from storage import audit, outcomes, repo
from storage import deliberations as store
from storage.models import DeliberationParticipant
from tests.e2e.conftest import BotRunner, WebhookRunner, running_bot

ADMIN = 4_242_001
TALK = "autoluw-centrum"


async def plant(bot: BotRunner, groups: list[int]) -> list[store.StatementInfo]:
    """Participants stored directly, in groups of the given sizes: group 0 agrees with seed
    statements 0-3 and disagrees with 4-7, group 1 the other way round; everyone agrees with
    statements 8 and 9 and disagrees with 10."""
    assert bot.services is not None
    now = bot.services.clock()
    async with bot.services.sessions.begin() as db:
        seeds = await store.statements(db, TALK)
        index = len(await store.vote_rows(db, TALK))  # new residents after earlier ones
        for group, size in enumerate(groups):
            for _ in range(size):
                resident = await repo.register_resident(
                    db,
                    f"p-{index}",
                    language="nl",
                    consent="given",
                    chat_id=9_000 + index,
                    now=now,
                )
                index += 1
                await store.join(db, TALK, resident.id, now=now)
                for number, statement in enumerate(seeds[:11]):
                    if number >= 8:
                        vote = Vote.AGREE if number < 10 else Vote.DISAGREE
                    else:
                        vote = Vote.AGREE if (number < 4) == (group == 0) else Vote.DISAGREE
                    await store.vote(db, statement, resident.id, vote, now=now)
    return seeds


async def report(fake: FakeBotApi) -> DocxDocument:
    boss = fake.user(ADMIN)
    boss.drain()
    await boss.send(f"/rapport {TALK}")
    sent = await boss.next_message(timeout=60)
    assert sent.document_name is not None and sent.document_name.startswith(f"rapport-{TALK}-")
    assert sent.document is not None
    return Document(io.BytesIO(sent.document))


def section(document: DocxDocument) -> list[tuple[str, str]]:
    """(style, text) of the paragraphs of the opinion-groups section."""
    found: list[tuple[str, str]] = []
    inside = False
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else ""
        if style == "Heading 1":
            inside = paragraph.text == "Meningsgroepen en gedeelde grond"
            continue
        if inside and paragraph.text:
            found.append((style, paragraph.text))
    return found


async def test_the_word_report_of_a_deliberation_shows_its_opinion_groups(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    fake.user(ADMIN, first_name="Beheerder")
    async with running_bot(fake, sqlite_url, admin_user_ids=[ADMIN]) as bot:
        # Three participants: fewer than five, so no results at all.
        await plant(bot, [3])
        few = await report(fake)
        text = "\n".join(p.text for p in few.paragraphs)
        assert "Er deden 3 inwoners mee. Dat is minder dan 5." in text
        assert "Groep A" not in text and "Gedeelde grond" not in text

        # Eight and seven more: two opposite groups.
        seeds = await plant(bot, [8, 7])
        document = await report(fake)
        lines = section(document)
        headings = [text for style, text in lines if style == "Heading 2"]
        assert headings[0].startswith("Groep A (") and headings[1].startswith("Groep B (")
        assert "Gedeelde grond" in headings and len(headings) == 3, headings
        body = "\n".join(text for _, text in lines)
        assert body.startswith("18 deelnemers met genoeg stemmen zijn in groepen verdeeld")
        sizes = [int(h.split("(")[1].split(" ")[0]) for h in headings[:2]]
        assert sum(sizes) == 18 and min(sizes) >= 5, sizes
        ground = lines[[t for _, t in lines].index("Gedeelde grond") + 1 :]
        agreed = [seeds[8].text_nl, seeds[9].text_nl]
        assert sorted(t.split(" (eens:")[0] for _, t in ground) == sorted(agreed), ground
        assert all(style.startswith("List") for style, _ in ground)
        assert seeds[10].text_nl not in "\n".join(t for _, t in ground)  # everyone disagreed
        # Each group: its own statements, agree or disagree, with how many of it agreed.
        group_a = lines[[t for _, t in lines].index(headings[0]) + 1 :]
        own = [
            t
            for _, t in group_a[: next(i for i, (s, _) in enumerate(group_a) if s == "Heading 2")]
        ]
        assert own and all(t.startswith(("Eens: ", "Oneens: ")) for t in own), own
        assert all(t.endswith("van de groep eens)") for t in own), own
        texts = {s.text_nl for s in seeds[:8]}
        assert all(t.split(": ", 1)[1].split(" (")[0] in texts for t in own), own
        summary = "\n".join(p.text for p in document.paragraphs[:12])
        assert "Er zijn 2 meningsgroepen." in summary


async def test_publiceer_puts_a_deliberations_results_page_online(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    """/publiceer <deliberation-id> makes its page public at /resultaten/<id>: the opinion
    groups and the common ground, in Dutch and English, made again when new votes come;
    /publiceer <id> uit takes it offline, and an unknown id lists what there is."""
    boss = fake.user(ADMIN, first_name="Beheerder")
    async with running_bot(fake, sqlite_url, webhook=True, admin_user_ids=[ADMIN]) as bot:
        assert isinstance(bot, WebhookRunner)
        seeds = await plant(bot, [8, 7])
        page = f"{bot.base_url}/resultaten/{TALK}"
        async with aiohttp.ClientSession() as http:
            async with http.get(page) as response:
                assert response.status == 404, "not published yet"

            published = await boss.ask(f"/publiceer {TALK}")
            assert published.text.startswith(
                f"De resultatenpagina van {TALK} staat nu online: {page}\n"
            ), published.text
            async with http.get(page) as response:
                assert response.status == 200
                body = html.unescape(await response.text())
                tag = response.headers["ETag"]
                assert "default-src 'none'" in response.headers["Content-Security-Policy"]
            assert '<html lang="nl">' in body
            assert '<h2 id="opinion-groups">Meningsgroepen en gedeelde grond</h2>' in body
            assert "15 deelnemers met genoeg stemmen zijn in groepen verdeeld" in body
            groups = re.findall(r"<h3>Groep ([A-Z]) \((\d+)\)</h3>", body)
            assert [g for g, _ in groups] == ["A", "B"], groups
            assert sum(int(n) for _, n in groups) == 15
            ground = body.split("<h3>Gedeelde grond</h3>", 1)[1].split("</ul>", 1)[0]
            assert seeds[8].text_nl in ground and seeds[9].text_nl in ground
            assert seeds[10].text_nl not in ground  # everyone disagreed
            assert "Interne notities" not in body
            async with http.get(page, headers={"If-None-Match": tag}) as response:
                assert response.status == 304, "cached: nothing changed"
            async with http.get(page + "/en") as response:
                assert response.status == 200
                english = await response.text()
            assert '<html lang="en">' in english
            assert "<h3>Common ground</h3>" in english

            # Five more participants: the page is made again (the old one meanwhile).
            await plant(bot, [5])
            for _ in range(600):
                async with http.get(page) as response:
                    if "20 deelnemers met genoeg stemmen" in await response.text():
                        break
                await asyncio.sleep(0.1)
            else:
                raise AssertionError("the page never showed the new votes")

            unknown = await boss.ask("/publiceer nergens")
            assert unknown.text.startswith("Die vragenlijst of dat gesprek ken ik niet: nergens.")
            assert TALK in unknown.text and "afvalinzameling" in unknown.text
            off = await boss.ask(f"/publiceer {TALK} uit")
            assert off.text == f"De resultatenpagina van {TALK} is offline."
            async with http.get(page) as response:
                assert response.status == 404
        assert bot.services is not None
        async with bot.services.sessions() as db:
            actions = [
                (e.action, e.target)
                for e in await audit.entries(db)
                if e.action.startswith("report.")
            ]
        assert actions == [("report.publish", TALK), ("report.unpublish", TALK)]


async def test_a_deliberations_report_shows_what_the_municipality_did_with_it(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    """/terugkoppeling stores a deliberation's outcome under its id and its effect check
    asks its participants: the Word report and the public page show both."""
    boss = fake.user(ADMIN, first_name="Beheerder")
    async with running_bot(fake, sqlite_url, webhook=True, admin_user_ids=[ADMIN]) as bot:
        assert isinstance(bot, WebhookRunner) and bot.services is not None
        await plant(bot, [8, 7])
        now = bot.services.clock()
        async with bot.services.sessions.begin() as db:
            told = await outcomes.record_outcome(
                db,
                TALK,
                "besluit",
                "Het centrum wordt autoluw.\nVanaf maart.",
                "The centre goes car-free.",
                created_by=None,
                now=now,
            )
            check = await outcomes.schedule_effect_check(
                db, TALK, told.id, now, created_by=None, now=now
            )
            people = list(
                await db.scalars(
                    select(DeliberationParticipant.resident_id)
                    .where(DeliberationParticipant.deliberation_id == TALK)
                    .order_by(DeliberationParticipant.resident_id)
                )
            )
            for number, resident in enumerate(people[:11]):
                value = "ja" if number < 6 else "nee"
                await outcomes.answer_effect_check(db, check.id, resident, value, now=now)

        document = await report(fake)
        texts = [p.text for p in document.paragraphs]
        done = texts[texts.index("Wat de gemeente ermee doet") :]
        assert any(t.endswith(": besluit genomen") for t in done[:3]), done[:3]
        assert "Het centrum wordt autoluw.\nVanaf maart." in done
        assert "Effectmeting" in done
        assert any("11 mensen antwoordden" in t for t in done)
        tables = [[[c.text for c in r.cells] for r in t.rows] for t in document.tables]
        assert [["Antwoord", "Aantal", "Percentage"], ["Ja", "6", "55%"], ["Nee", "5", "45%"]] in (
            tables
        ), tables
        assert "Wat de gemeente ermee doet: besluit genomen." in texts[:20]

        await boss.ask(f"/publiceer {TALK}")
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{bot.base_url}/resultaten/{TALK}/en") as response,
        ):
            body = html.unescape(await response.text())
        done_en = body.split('<h2 id="outcomes">', 1)[1]
        assert "The centre goes car-free." in done_en
        assert "decision taken" in done_en.lower()
        assert '<th scope="row">Yes</th><td class="n">6</td>' in done_en
        assert "The municipality has not yet said" not in body
