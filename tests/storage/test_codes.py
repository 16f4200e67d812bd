"""storage.codes on each database: 1,000 codes of a sample each work once, only their keyed
hashes are kept, a code expires with its date and with its questionnaire, and the sample's
response is counted apart (codes sent, used, started, completed)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from analysis.digest import compute
from analysis.figures import QuestionnaireDigest, SampleStats
from analysis.report import Invitations
from analysis.report_build import ReportInputs, build_report
from analysis.tallies import SampleTally
from bot.staff import render
from bot.staff.report_text import method_rows
from flows import codes as shapes
from flows.loader import parse
from flows.schema import Questionnaire
from storage import admin, codes, digest
from storage.codes import Found
from storage.models import SampleCode, utcnow
from tests.storage.helpers import complete, register, start

Sessions = async_sessionmaker[AsyncSession]
KEY = shapes.code_key(b"a server secret for the tests")
NOW = datetime(2031, 5, 1, 10, 0, tzinfo=UTC)


async def issue(
    sessions: Sessions, count: int, *, now: datetime = NOW, expires_at: datetime | None = None
) -> list[str]:
    drawn = shapes.new_codes(count)
    async with sessions.begin() as db:
        stored = await codes.store_codes(
            db,
            "mini",
            [shapes.code_digest(KEY, c) for c in drawn],
            now=now,
            expires_at=expires_at,
        )
    assert stored == count
    return drawn


async def use(sessions: Sessions, code: str, now: datetime = NOW) -> codes.Redemption:
    async with sessions.begin() as db:
        return await codes.redeem(db, shapes.code_digest(KEY, code), now=now)


async def test_a_thousand_codes_each_work_once(sessions: Sessions, mini: str) -> None:
    drawn = await issue(sessions, 1000)
    assert len(set(drawn)) == 1000
    first = [await use(sessions, code) for code in drawn]
    assert {r.found for r in first} == {Found.OK}
    assert {r.questionnaire_id for r in first} == {"mini"}
    again = [await use(sessions, code) for code in drawn]
    assert {r.found for r in again} == {Found.USED}
    async with sessions() as db:
        tally = await codes.sample_tally(db, "mini")
    assert tally == SampleTally(sent=1000, used=1000, started=0, completed=0)


async def test_only_hashes_are_kept(sessions: Sessions, mini: str) -> None:
    drawn = await issue(sessions, 20)
    async with sessions() as db:
        kept = list(await db.scalars(select(SampleCode.digest)))
    assert len(kept) == 20
    text = " ".join(kept)
    for code in drawn:
        assert code not in text and shapes.grouped(code) not in text
    # Without the key a copy of the database cannot test a guess: another key, other hashes.
    other = shapes.code_key(b"another secret")
    assert not {shapes.code_digest(other, c) for c in drawn} & set(kept)


async def test_a_code_used_twice_at_once_works_once(sessions: Sessions, mini: str) -> None:
    [code] = await issue(sessions, 1)
    results = await asyncio.gather(use(sessions, code), use(sessions, code))
    assert sorted(r.found.value for r in results) == ["ok", "used"]


async def test_wrong_expired_and_closed_codes_say_so(sessions: Sessions, mini: str) -> None:
    assert (await use(sessions, "ABCD2345EF")).found is Found.WRONG
    [late] = await issue(sessions, 1, expires_at=NOW + timedelta(days=1))
    assert (await use(sessions, late, NOW + timedelta(days=2))).found is Found.EXPIRED
    [unused, used] = await issue(sessions, 2)
    assert (await use(sessions, used)).found is Found.OK
    async with sessions.begin() as db:
        await admin.transition(db, "mini", "close", now=NOW, zone=UTC)
    # Closed: the code expires with its questionnaire, used or not.
    assert (await use(sessions, unused)).found is Found.CLOSED
    assert (await use(sessions, used)).found is Found.CLOSED
    assert (await use(sessions, late, NOW)).found is Found.CLOSED


async def test_the_samples_responses_are_counted_apart(sessions: Sessions, mini: str) -> None:
    await issue(sessions, 10)
    sampled = [await register(sessions, f"s{i}") for i in range(3)]
    others = [await register(sessions, f"o{i}") for i in range(3)]
    done = await complete(sessions, sampled[0].id)
    half = await start(sessions, sampled[1].id)
    test_run = await complete(sessions, sampled[2].id, is_test=True)
    for other in others:
        await complete(sessions, other.id)
    async with sessions.begin() as db:
        for session in (done, half, test_run):
            await codes.mark_sample(db, session.id)
    async with sessions() as db:
        tally = await codes.sample_tally(db, "mini")
        assert await codes.in_sample(db, sampled[1].id, "mini")
        assert not await codes.in_sample(db, others[0].id, "mini")
        assert await codes.sampled_questionnaires(db, sampled[0].id) == {"mini"}
    # Test runs never count; the open participants are not the sample's.
    assert tally == SampleTally(sent=10, used=0, started=2, completed=1)


async def test_a_questionnaire_without_codes_has_no_sample(sessions: Sessions, mini: str) -> None:
    async with sessions() as db:
        assert await codes.sample_tally(db, "mini") is None


async def test_the_digest_leads_with_the_samples_response_rate(
    sessions: Sessions, mini: str
) -> None:
    """gather → compute → compose: 10 letters, 4 codes used, 2 responses completed with a
    code, 1 without: a response rate of 20%, before the responses of everyone."""
    drawn = await issue(sessions, 10, now=utcnow())
    for code in drawn[:4]:
        assert (await use(sessions, code)).found is Found.OK
    sampled = [await register(sessions, f"s{i}") for i in range(3)]
    responses = [await complete(sessions, sampled[0].id), await complete(sessions, sampled[1].id)]
    responses.append(await start(sessions, sampled[2].id))
    other = await register(sessions, "open")
    await complete(sessions, other.id)
    async with sessions.begin() as db:
        for session in responses:
            await codes.mark_sample(db, session.id)
    questionnaire = parse(mini)
    async with sessions() as db:
        tallies = await digest.gather(
            db, questionnaire, utcnow() - timedelta(days=7), utcnow() + timedelta(hours=1)
        )
    figures = compute(tallies, questionnaire)
    assert figures.sample == SampleStats(sent=10, used=4, started=3, completed=2, open_completed=1)
    text = render.compose(figures, questionnaire)
    lines = text.splitlines()
    assert "Brieven: 10 · code gebruikt: 4 (40%)" in lines
    assert "Afgerond met een code: 2 van 3" in lines
    assert "<b>Respons van de steekproef: 20%</b>" in lines
    assert "Open deelname (zonder code): 1 afgerond" in lines
    assert lines.index("<b>Steekproef (brieven met een code)</b>") < lines.index("<b>Reacties</b>")
    # The report says the same in its method table.
    inputs = ReportInputs(tallies, Invitations(0, 0), (), (), None, None)
    report = build_report(
        inputs, questionnaire, municipality="Rivierstad", generated_at=utcnow(), min_cell=5
    )
    rows = dict(method_rows(report, UTC, "nl"))
    assert rows["Steekproef"] == (
        "10 brieven met een code, 4 gebruikt, 2 afgerond (respons 20%); zonder code: 1 afgerond"
    )
    # Only codes count: the digest says open participation is off.
    closed = render.compose(figures, questionnaire.model_copy(update={"access": "codes"}))
    assert "Open deelname staat uit: alleen reacties met een code tellen." in closed


async def test_without_codes_the_digest_has_no_sample_block(sessions: Sessions, mini: str) -> None:
    questionnaire = parse(mini)
    async with sessions() as db:
        tallies = await digest.gather(
            db, questionnaire, utcnow() - timedelta(days=7), utcnow() + timedelta(hours=1)
        )
    figures = compute(tallies, questionnaire)
    assert figures.sample is None
    assert "Steekproef" not in render.compose(figures, questionnaire)


async def test_a_released_code_works_again(sessions: Sessions, mini: str) -> None:
    """A code whose questionnaire turned out full is given back, not spent on nothing."""
    [code] = await issue(sessions, 1)
    assert (await use(sessions, code)).found is Found.OK
    async with sessions.begin() as db:
        await codes.release(db, shapes.code_digest(KEY, code))
    assert (await use(sessions, code)).found is Found.OK
    assert (await use(sessions, code)).found is Found.USED


async def sample_digest(
    sessions: Sessions, mini: str, without_code: int, min_cell: int
) -> tuple[QuestionnaireDigest, Questionnaire]:
    """Three residents complete with a code and ``without_code`` without; the digest."""
    sampled = [await register(sessions, f"s{i}") for i in range(3)]
    others = [await register(sessions, f"o{i}") for i in range(without_code)]
    await issue(sessions, 10, now=utcnow())
    mine = [await complete(sessions, resident.id) for resident in sampled]
    for other in others:
        await complete(sessions, other.id)
    async with sessions.begin() as db:
        for session in mine:
            await codes.mark_sample(db, session.id)
    questionnaire = parse(mini)
    async with sessions() as db:
        tallies = await digest.gather(
            db, questionnaire, utcnow() - timedelta(days=7), utcnow() + timedelta(hours=1)
        )
    return compute(tallies, questionnaire, min_cell=min_cell), questionnaire


async def test_the_digest_leads_with_how_the_sample_answered(
    sessions: Sessions, mini: str
) -> None:
    """With enough of the sample completed, its own answers come first: counted over the
    sample's responses only, not the open participants'."""
    few, _ = await sample_digest(sessions, mini, 3, 5)  # DIGEST_MIN_CELL 5: 3 are too few
    assert few.sample is not None and few.sample.distributions == ()


async def test_the_digest_shows_the_sample_apart_beside_enough_without_a_code(
    sessions: Sessions, mini: str
) -> None:
    figures, questionnaire = await sample_digest(sessions, mini, 3, 3)
    assert figures.sample is not None
    first = figures.sample.distributions[0]
    everyone = figures.distribution(first.question_id)
    assert everyone is not None
    assert (first.respondents, everyone.respondents) == (3, 6)
    lines = render.compose(figures, questionnaire).splitlines()
    lead = lines.index("<b>Zo antwoordde de steekproef</b> (alle reacties met een code tot nu)")
    assert lead < lines.index("<b>Reacties</b>")
    assert any("(3 antwoorden)" in line for line in lines[lead : lines.index("<b>Reacties</b>")])


async def test_the_digest_does_not_show_the_sample_apart_beside_a_few_without_a_code(
    sessions: Sessions, mini: str
) -> None:
    """Everyone's results minus the sample's would be the answers of the two who took
    part without a code: the sample's answers are then not shown apart, and it says why."""
    figures, questionnaire = await sample_digest(sessions, mini, 2, 3)
    assert figures.sample is not None and figures.sample.distributions
    text = render.compose(figures, questionnaire, sample_weighted=["gewogen"])
    assert "Zo antwoordde de steekproef" not in text and "gewogen" not in text
    assert "Minder dan 3 mensen deden mee zonder code." in text
    assert "Open deelname (zonder code): 2 afgerond" in text
