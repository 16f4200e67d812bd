"""What the tests and benchmarks of the shared send budget share: which Bot API calls
count against Telegram's overall limit, the busiest second, and a broadcast to residents
seeded straight into the database."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select

from sandbox.clients import FakeUser
from sandbox.models import ApiCall
from storage import outbox
from storage.db import create_engine, session_factory
from storage.models import Contact, Resident

#: The news every seeded broadcast carries.
NEWS = "Nieuws uit Rivierstad: de gemeente heeft jullie ideeën gelezen."
COUNTED = ("send", "edit", "copy", "forward")


def sending(call: ApiCall) -> bool:
    """A call that counts against Telegram's overall limit (a chat action does not)."""
    return call.method.startswith(COUNTED) and call.method != "sendChatAction"


def most_in_a_second(times: list[float]) -> int:
    """The most calls in any window [t, t + 1 s) that starts at a call."""
    times = sorted(times)
    most = end = 0
    for start, at in enumerate(times):
        while end < len(times) and times[end] < at + 1.0:
            end += 1
        most = max(most, end - start)
    return most


async def seed_broadcast(url: str, users: list[FakeUser], prefix: str = "budget") -> list[int]:
    """Consenting residents with a chat, one per user, and a broadcast of :data:`NEWS` to
    them all; their ids."""
    engine = create_engine(url)
    now = datetime.now(UTC)
    try:
        async with session_factory(engine).begin() as db:
            await db.execute(
                insert(Resident),
                [
                    {
                        "pseudonym": f"{prefix}-{user.id}",
                        "language": "nl",
                        "consent": "given",
                        "consent_at": now,
                        "created_at": now,
                    }
                    for user in users
                ],
            )
            rows = await db.execute(
                select(Resident.id, Resident.pseudonym).where(
                    Resident.pseudonym.like(f"{prefix}-%")
                )
            )
            ids = {pseudonym: rid for rid, pseudonym in rows}
            residents = [ids[f"{prefix}-{user.id}"] for user in users]
            await db.execute(
                insert(Contact),
                [
                    {"resident_id": r, "chat_id": u.id}
                    for r, u in zip(residents, users, strict=True)
                ],
            )
            await outbox.create_broadcast(
                db,
                "outcome",
                payload={"nl": {"text": NEWS}, "en": {"text": NEWS}},
                recipients=residents,
            )
    finally:
        await engine.dispose()
    return residents
