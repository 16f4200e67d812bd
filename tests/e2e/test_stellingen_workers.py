"""Vote taps on two webhook workers sharing one database, behind a round-robin front: each
worker keeps its own list of a deliberation's live statements, so what another worker (here
the test, writing to the database) changes must still show at once. A statement approved
elsewhere is routed to the resident; a statement whose author was forgotten is never shown
again; a deliberation closed elsewhere takes no vote on either worker. On SQLite and
PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from sandbox.balancer import RoundRobin
from sandbox.fakeapi import FakeBotApi
from storage import deliberations as store
from storage import repo
from storage.models import Resident
from tests.e2e.conftest import behind_a_front
from tests.e2e.test_stellingen import AGREE, STATEMENT, TALK, enter, tap, votes

#: What the database does under it is this test's subject: it runs on both.
pytestmark = pytest.mark.both_databases

APPROVED = "Zet meer bankjes op het Marktplein"
FORGOTTEN = "Maak van de Kerkstraat een speelstraat"


async def test_workers_route_statements_approved_or_erased_elsewhere_and_respect_a_close(
    fake: FakeBotApi, database_url: str
) -> None:
    async with behind_a_front(RoundRobin, fake, database_url, workers=2) as (_, workers):
        services = workers[0].services
        assert services is not None
        anna = fake.user(first_name="Anna")
        current = await enter(anna)
        seen: list[str] = []
        for _ in range(4):  # both workers have read the live statements by now
            seen.append(current.text)
            _, current = await tap(anna, AGREE, current)
        now = services.clock()
        async with services.sessions.begin() as db:  # "another worker": moderation
            bram = await repo.register_resident(
                db, "bram", language="nl", consent="given", chat_id=77, now=now
            )
            cor = await repo.register_resident(
                db, "cor", language="nl", consent="given", chat_id=78, now=now
            )
            for who, text in ((bram, APPROVED), (cor, FORGOTTEN)):
                await store.join(db, TALK, who.id, now=now)
                added = await store.add_statement(db, TALK, who.id, text, now=now)
                assert await store.decide(db, added.id, approve=True, by=None, now=now)
        for _ in range(2):  # each worker routes with both new statements
            seen.append(current.text)
            _, current = await tap(anna, AGREE, current)
        async with services.sessions.begin() as db:  # Cor is forgotten elsewhere
            await store.erase_author(db, cor.id)
            await db.execute(delete(Resident).where(Resident.id == cor.id))
        shown_after_erasure: list[str] = []
        for _ in range(3):
            shown_after_erasure.append(current.text)
            _, current = await tap(anna, AGREE, current)
        async with services.sessions.begin() as db:  # closed elsewhere
            assert await store.set_status(db, TALK, "closed", now=services.clock())
        stored = len(await votes(workers[0]))
        data = current.button_data[0][0]
        for _ in range(2):  # one tap reaches each worker
            query = await anna.press_data(data, message_id=current.message_id)
            answer = await anna.wait_callback_answered(query)
            assert answer.text == "Dit gesprek is gesloten."
            assert (await anna.next_message()).text.startswith("Dit gesprek is gesloten.")
        assert len(await votes(workers[0])) == stored == 9
        async with services.sessions.begin() as db:  # open again: the rest of the round
            assert await store.set_status(db, TALK, "open", now=services.clock())
        again = await anna.ask(f"/start {TALK}")
        assert again.text.startswith("Welkom terug bij het gesprek")
        current = await anna.next_message()
        while current.text.startswith(STATEMENT):
            shown_after_erasure.append(current.text)
            _, current = await tap(anna, AGREE, current)
        assert current.text.startswith("Je hebt op alle stellingen gestemd.")
        everything = seen + shown_after_erasure
        assert not any(FORGOTTEN in text for text in shown_after_erasure)
        assert sum(APPROVED in text for text in everything) == 1
        assert len(set(everything)) == len(everything) == 13, "12 seeds and the approved one"
