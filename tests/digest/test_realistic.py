"""A real questionnaire filled by a few hundred simulated residents: the SQL aggregates
agree with a count in Python, and the digest, its messages, caption and chart are fit to
send. On SQLite and PostgreSQL. A third of the texts is approved in moderation, a third
rejected, a third waits (never judged)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from analysis.counts import MIN_CELL, suppress_small_cells
from analysis.digest import compute
from analysis.figures import figures_of
from bot.staff import charts, render
from bot.staff.split import split_messages
from flows.limits import CAPTION_CHARS, MESSAGE_CHARS
from flows.schema import (
    AreaQuestion,
    ChoiceQuestion,
    MultiQuestion,
    ScaleQuestion,
    YesNoQuestion,
)
from sandbox.formatting import parse_html, utf16_len
from storage import digest as storage_digest
from storage import digest_log
from storage.models import Answer
from tests.digest.helpers import COMPLAINTS, ROOT, SINCE, UNTIL, Sessions, fill, store

AFVAL = ROOT / "questionnaires" / "afvalinzameling.yaml"
ZONE = ZoneInfo("Europe/Amsterdam")


async def test_afvalinzameling(sessions: Sessions) -> None:
    questionnaire = await store(sessions, AFVAL)
    responses = await fill(sessions, questionnaire, 300)
    async with sessions.begin() as db:
        ids = list(
            await db.scalars(
                select(Answer.id).where(Answer.question_id == "idee", Answer.value.is_not(None))
            )
        )
        approved = {i for n, i in enumerate(ids) if n % 3 == 0}
        rejected = {i for n, i in enumerate(ids) if n % 3 == 1}
        for state, chosen in (("approved", approved), ("rejected", rejected)):
            await db.execute(update(Answer).where(Answer.id.in_(chosen)).values(moderation=state))
    async with sessions() as db:
        digest = compute(
            await storage_digest.gather(db, questionnaire, SINCE, UNTIL), questionnaire
        )

    # The same figures counted in Python over every response.
    stats = digest.responses
    completed = [r for r in responses if r.status == "completed"]
    assert (stats.new, stats.total, stats.completed) == (300, 300, len(completed))
    unfinished = Counter(r.current for r in responses if r.status != "completed")
    assert stats.drop_off is not None
    assert stats.drop_off.count == max(unfinished.values())
    assert unfinished[stats.drop_off.question_id] == stats.drop_off.count
    for question in questionnaire.questions:
        given = [r.answers[question.id] for r in responses if question.id in r.answers]
        values = [v for v in given if v is not None]
        if isinstance(question, MultiQuestion):
            counted = Counter(option for v in values for option in v)
        elif isinstance(question, ChoiceQuestion | YesNoQuestion | ScaleQuestion | AreaQuestion):
            counted = Counter(str(v) for v in values)
        else:
            continue
        found = digest.distribution(question.id)
        assert found is not None
        assert (found.respondents, found.skipped) == (len(values), len(given) - len(values))
        if isinstance(question, AreaQuestion):
            expected, _ = suppress_small_cells(
                [(a.id, counted[a.id]) for a in question.areas], MIN_CELL
            )
            assert found.counts == expected
        else:
            assert dict(found.counts) == {k: counted[k] for k, _ in found.counts}
            assert sum(found.counts[i][1] for i in range(len(found.counts))) == sum(
                counted.values()
            )
        if isinstance(question, ScaleQuestion):
            assert found.mean is not None
            assert abs(found.mean - sum(values) / len(values)) < 1e-9
            ordered = sorted(values)
            middle = (ordered[(len(ordered) - 1) // 2] + ordered[len(ordered) // 2]) / 2
            assert found.median == middle

    (idee,) = digest.texts
    assert idee.count == sum(1 for r in responses if r.answers.get("idee"))
    assert idee.words and idee.words[0][0] == "container"
    assert len(idee.quotes) == 3
    assert {q.answer_id for q in idee.quotes} <= approved
    assert len(ids) == idee.count
    assert idee.pending == len(ids) - len(approved) - len(rejected) > 0

    # Compose with a previous digest, split into messages, as Telegram would take them.
    async with sessions.begin() as db:
        await digest_log.record_digest(
            db,
            kind="scheduled",
            chat_id=-100,
            period_start=datetime(2026, 10, 26, tzinfo=UTC),
            period_end=SINCE,
            figures={"afvalinzameling": {**figures_of(digest), "total": 120}},
            sent_at=SINCE,
        )
    async with sessions() as db:
        again = compute(
            await storage_digest.gather(db, questionnaire, SINCE, UNTIL), questionnaire
        )
    assert again.changes is not None, "compared with the digest just recorded"
    text = render.compose(again, questionnaire, zone=ZONE)
    messages = split_messages(text)
    shown = ""
    for message in messages:
        parsed = parse_html(message)
        assert 0 < utf16_len(parsed.text) <= MESSAGE_CHARS
        shown += parsed.text + "\n"
    for heading in ("Reacties", "Publieke waarde", "Reacties per wijk", "Veel genoemd"):
        assert heading in shown
    assert "erbij sinds vorig overzicht" not in shown, "new responses are said once"
    assert "Dienstverlening: " in shown and " (=) " in shown  # same figures as before
    # No resident can be found in it: the planted personal data never shows.
    for secret in ("06-12345678", "jan.jansen@example.nl", "4101 AB 12"):
        assert secret not in shown
    assert all(f"«{c}»" not in shown for c in COMPLAINTS if "06-" in c or "@" in c)

    caption = render.caption(digest, questionnaire, zone=ZONE)
    assert utf16_len(parse_html(caption).text) <= CAPTION_CHARS

    png = charts.render_chart(digest, questionnaire, zone=ZONE)
    assert png[:8] == charts.PNG_SIGNATURE
    assert charts.png_size(png)[0] == 1080
