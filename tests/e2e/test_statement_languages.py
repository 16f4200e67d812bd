"""A resident's statement in their own language, end to end: a resident whose Telegram is
set to English adds a statement to a deliberation; the moderator sees it marked
"[Engels]", approves it, and the civil servants' digest lists it as written (escaped, not
markup), marked with its language; /mijngegevens says which language is kept. On SQLite.
"""

from __future__ import annotations

import json

from flows.texts import raw
from sandbox.fakeapi import FakeBotApi
from storage import deliberations as store
from tests.e2e.conftest import join, running_bot
from tests.e2e.test_digest import block
from tests.e2e.test_stellingen import TALK, planted

ADMIN = 434343
OWN = "More <b>shade</b> & benches on the square"


async def test_a_statement_in_english_is_marked_in_moderation_and_the_digest(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    fake.user(ADMIN, first_name="Beheerder")
    group = fake.group(title="Team participatie")
    settings = {"admin_user_ids": [ADMIN], "digest_chat_id": group.id, "digest_schedule": "off"}
    async with running_bot(fake, sqlite_url, **settings) as bot:
        john = fake.user(first_name="John", language_code="en")
        await join(john, then=TALK)
        await john.next_message()  # the introduction
        first = await john.next_message()
        query = await john.press(raw("en", "stellingen.button.add"), message=first)
        await john.wait_callback_answered(query)
        await john.next_message()  # "Type your statement ..."
        waiting = await john.ask(OWN)
        assert waiting.text.startswith("Thank you"), waiting.text
        assert (await john.next_message()).text == first.text  # back where he was
        assert bot.services is not None
        async with bot.services.sessions() as db:
            [added] = [s for s in await store.statements(db, TALK, None) if s.origin == "resident"]
        assert (added.text_nl, added.language) == (OWN, "en")
        # The moderator (in Dutch) sees the statement as written, with its language.
        admin = fake.user(ADMIN)
        screen = await admin.ask("/moderatie")
        assert f"«{OWN}» [Engels]" in screen.text, screen.text
        query = await admin.press("Goedkeuren", message=screen)
        assert (await admin.wait_callback_answered(query)).text == "Goedgekeurd"
        told = await john.next_message()  # "Good news: your statement is live ..."
        assert OWN in told.text
        # John's own data say in which language the statement is kept.
        await john.send("/mijngegevens")
        document, _summary = await john.next_messages(2)
        assert document.document is not None
        data = json.loads(document.document.decode("utf-8"))
        [own] = data["deliberation_statements"]
        assert (own["text"], own["written_in"]) == (OWN, "en")
        # Twenty more participants, who all agree with it: it is common ground.
        await planted(bot, 20)
        await group.member().send("/digest")
        text = await group.next_message(timeout=30)
        await group.next_message(timeout=30)  # the opinion map
    agreed = block(text.text, "Waar alle groepen het over eens zijn")
    assert f"• {OWN} [Engels]" in agreed, agreed
    assert sum("[" in line for line in agreed) == 1, "seeds carry no mark"
