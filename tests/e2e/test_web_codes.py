"""Invitation codes at the web door, over real HTTP to ``samenspraak serve``: a letter's
address ``/doe-mee/<code>`` leads to its questionnaire's chat page, consent comes first and
only then is the code used, and the response counts as the sample's; a used, expired,
closed or wrong code gets Telegram's answer on a page; wrong codes are slowed down per
network address and nobody else notices; a questionnaire for codes only says on its page
that it needs the code of a letter. Telegram's side of the same is in ``test_codes.py``."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from flows import codes as shapes
from flows.texts import plain_text, t
from sandbox.fakeapi import FakeBotApi
from storage import admin as store
from storage import codes as stored
from storage.models import SampleCode
from tests.e2e.conftest import WebhookRunner, running_bot
from tests.e2e.test_admin import fiets_source
from tests.e2e.test_conversation import services_of, sql
from tests.support.bots import SECRET
from tests.support.doors import WebResident
from tests.support.shipped import QUESTIONNAIRES

KEY = shapes.code_key(SECRET.encode())
AFVAL = "afvalinzameling"
FIETSEN = "fietsen"  # mini.yaml, for codes only


def said(key: str, **params: object) -> str:
    return plain_text(t("nl", key, **params))


def on_page(resident: WebResident, key: str, **params: object) -> bool:
    """Whether the page that says one thing says this text."""
    return str(t("nl", key, **params)) in resident.last_page


def via(address: str) -> dict[str, str]:
    """A request from ``address``, as the reverse proxy on this machine passes it on."""
    return {"X-Forwarded-For": address}


async def letters(bot: WebhookRunner, questionnaire: str, count: int) -> list[str]:
    """``count`` codes for ``questionnaire``, stored as ``/codes`` stores them."""
    codes = shapes.new_codes(count)
    async with services_of(bot).sessions.begin() as db:
        digests = [shapes.code_digest(KEY, code) for code in codes]
        await stored.store_codes(db, questionnaire, digests)
    return codes


@pytest.fixture
async def served(
    fake: FakeBotApi, sqlite_url: str, tmp_path: Path
) -> AsyncIterator[WebhookRunner]:
    """The shipped questionnaires and ``fietsen``, open to invitation codes only."""
    folder = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES, folder)
    (folder / "fietsen.yaml").write_text(fiets_source(extra="access: codes"), encoding="utf-8")
    async with running_bot(fake, sqlite_url, webhook=True, questionnaires_dir=folder) as bot:
        assert isinstance(bot, WebhookRunner)
        yield bot


async def test_a_letter_s_address_in_the_browser(served: WebhookRunner) -> None:
    first, spare, expiring, typed = await letters(served, AFVAL, 4)
    anna, bas, cor, dirk = (WebResident(served.base_url) for _ in range(4))
    try:
        # The address in the letter: the questionnaire's page, consent first. The code is
        # not used before consent (someone who says no leaves it for the letter).
        welcome = await anna.visit(f"/doe-mee/{shapes.grouped(first).lower()}", n=1)
        assert anna.questionnaire == AFVAL and anna.last_status == 200
        assert welcome.last.text.startswith("Hallo!")
        assert await sql(served, "SELECT count(*) FROM sample_codes WHERE used") == [(0,)]
        joined = await anna.press("Ja, ik doe mee", n=4, edits=1)
        ok, intro, question = joined.texts[1:]
        assert ok == said("codes.ok") and intro.startswith("Afval ophalen in Rivierstad")
        assert question.startswith("Vraag 1 van 7")
        # Her own letter again, in the same browser: she goes on where she was.
        again = await anna.visit(f"/doe-mee/{first}", n=-1)
        assert anna.last_status == 200 and again.texts[-2] == said("resume")
        # To the end: the response is the sample's.
        for answer in ["Noord", "1", "4", "0", "2", "1", "Meer bakken bij de flat."]:
            step = await anna.say(answer, n=-1)
        assert any(text.startswith("Klaar! Dank je wel") for text in step.texts), step.texts
        async with services_of(served).sessions() as db:
            tally = await stored.sample_tally(db, AFVAL)
        assert tally is not None
        assert (tally.sent, tally.used, tally.started, tally.completed) == (4, 1, 1, 1)
        assert await sql(served, "SELECT sample, status FROM sessions") == [(1, "completed")]

        # The same code in another browser: used, said on a page; nothing starts.
        await bas.visit(f"/doe-mee/{first}", n=0)
        assert bas.last_status == 410 and on_page(bas, "codes.used")
        # A wrong code, and an expired one.
        await bas.visit("/doe-mee/ABCD-2345-EF", n=0)
        assert bas.last_status == 404 and on_page(bas, "codes.wrong")
        services = services_of(served)
        async with services.sessions.begin() as db:
            await db.execute(
                update(SampleCode)
                .where(SampleCode.digest == shapes.code_digest(KEY, expiring))
                .values(expires_at=services.clock() - timedelta(minutes=1))
            )
        await bas.visit(f"/doe-mee/{expiring}", n=0)
        assert bas.last_status == 410 and on_page(bas, "codes.expired")

        # Typed into the web chat: consent first, then the questionnaire.
        await cor.open(AFVAL, n=1)
        asked = await cor.say(shapes.grouped(typed), n=1)
        assert asked.last.text.startswith("Hallo!")
        joined = await cor.press("Ja, ik doe mee", n=4, edits=1)
        assert joined.texts[1] == said("codes.ok")

        # Many wrong codes from one address: slowed down, even a right code is not
        # looked up; someone at another address is not slowed down.
        guesser = via("203.0.113.7")
        for _ in range(5):
            await dirk.visit("/doe-mee/ABCD-2345-EF", n=0, headers=guesser)
            assert dirk.last_status == 404
        await dirk.visit("/doe-mee/ABCD-2345-EF", n=0, headers=guesser)
        assert dirk.last_status == 429 and on_page(dirk, "codes.slow", count=3)
        await dirk.visit(f"/doe-mee/{spare}", n=0, headers=guesser)
        assert dirk.last_status == 429 and on_page(dirk, "codes.slow", count=3)
        welcome = await dirk.visit(f"/doe-mee/{spare}", n=1, headers=via("203.0.113.8"))
        assert dirk.last_status == 200 and welcome.last.text.startswith("Hallo!")
    finally:
        for resident in (anna, bas, cor, dirk):
            await resident.close()


async def test_a_questionnaire_for_codes_only_in_the_browser(served: WebhookRunner) -> None:
    [code, typed] = await letters(served, FIETSEN, 2)
    eva, fenna = WebResident(served.base_url), WebResident(served.base_url)
    try:
        # Without a code the page says that it needs the code of a letter; nothing else.
        only = await eva.open(FIETSEN, n=1)
        assert only.texts == [said("codes.only")]
        assert await sql(served, "SELECT count(*) FROM residents") == [(0,)]
        # A code typed there opens it, after consent.
        asked = await eva.say(typed, n=1)
        assert asked.last.text.startswith("Hallo!")
        joined = await eva.press("Ja, ik doe mee", n=4, edits=1)
        assert joined.texts[1] == said("codes.ok")
        assert joined.texts[2].startswith("Fietsen in de stad")

        # Its letter's address: the same, and answered to the end.
        await fenna.visit(f"/doe-mee/{code}", n=1)
        assert fenna.questionnaire == FIETSEN
        joined = await fenna.press("Ja, ik doe mee", n=4, edits=1)
        assert joined.texts[1] == said("codes.ok")
        assert joined.texts[3].startswith("Vraag 1 van")
        await fenna.say("4", n=1, edits=1)
        await fenna.say("1, 3", n=1, edits=1)
        end = await fenna.say("Centrum", n=-1)
        assert any(text.startswith("Klaar! Dank je wel") for text in end.texts), end.texts
        async with services_of(served).sessions() as db:
            tally = await stored.sample_tally(db, FIETSEN)
        assert tally is not None
        assert (tally.sent, tally.used, tally.started, tally.completed) == (2, 2, 2, 1)

        # Closed: its codes say so.
        async with services_of(served).sessions.begin() as db:
            services = services_of(served)
            await store.transition(
                db, FIETSEN, "close", now=services.clock(), zone=services.settings.zone
            )
        await fenna.visit(f"/doe-mee/{code}", n=0)
        assert fenna.last_status == 410 and on_page(fenna, "codes.closed")
    finally:
        await eva.close()
        await fenna.close()
