"""Free text in the resident's own language, end to end: residents whose Telegram is set
to English and Turkish answer the waste questionnaire in their language, an administrator
approves the texts, and the civil servants' digest quotes each text as written, marked
with its language in Dutch ("[Engels]"); a Dutch text needs no mark. And the resident's
own /mijngegevens and /resultaten come in their language. On SQLite.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from flows.texts import plain_text, raw, t
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from tests.e2e.conftest import running_bot
from tests.e2e.test_digest import approve_texts, block, sent

DUTCH = "Zet meer ondergrondse containers neer in de wijk"
ENGLISH = "Please empty the underground bins before the weekend"
TURKISH = "Çöp kutuları hafta sonu hep dolu oluyor, lütfen daha sık boşaltın"
QUESTION = "Wat kan de gemeente beter doen bij het ophalen van afval?"


async def answer_in_own_language(user: FakeUser, title: str, typed: Sequence[str]) -> None:
    """Consent (the first button, in the resident's language), open ``title`` and type
    ``typed``: the short branch of the waste questionnaire, ending with a free text."""
    welcome = await user.ask("/start")
    await user.press(welcome.buttons[0][0], message=welcome)
    _thanks, pick = await user.next_messages(2)
    await user.press(title, message=pick)
    await user.next_messages(2)  # the introduction and the first question
    for text in typed[:-1]:
        await user.send(text)
        await user.next_message()
    await user.send(typed[-1])
    await user.next_messages(2)  # the summary and "another one?"


async def test_the_digest_quotes_texts_as_written_with_their_language(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    group = fake.group(title="Team participatie")
    settings = {"digest_chat_id": group.id, "digest_schedule": "off"}
    async with running_bot(fake, sqlite_url, **settings) as bot:
        for language, title, text in (
            ("nl", "Afval ophalen in Rivierstad", DUTCH),
            ("en", "Waste collection in Rivierstad", ENGLISH),
            # No Turkish in the questionnaire: its texts fall back to Dutch, the bot's not.
            ("tr", "Afval ophalen in Rivierstad", TURKISH),
        ):
            user = fake.user(language_code=language)
            await answer_in_own_language(user, title, ["4104", "1", "4", "0", "2", "1", text])
        assert await approve_texts(bot) == 3
        await group.member().send("/digest afvalinzameling")
        await sent(bot, 1)
        digest = group.drain()[0]
    lines = block(digest.text, QUESTION)
    assert lines[0].endswith("(3 antwoorden)")
    assert sorted(lines[1:]) == sorted(
        [f"«{DUTCH}»", f"«{ENGLISH}» [Engels]", f"«{TURKISH}» [Turks]"]
    )


async def test_a_turkish_residents_data_and_results_come_in_turkish(
    fake: FakeBotApi, sqlite_url: str
) -> None:
    """/mijngegevens and /resultaten follow the resident's language; the document says in
    which language each text was written, as it is kept for the digests."""
    async with running_bot(fake, sqlite_url):
        user = fake.user(language_code="tr")
        typed = ["4104", "1", "4", "0", "2", "1", TURKISH]
        await answer_in_own_language(user, "Afval ophalen in Rivierstad", typed)
        await user.send("/mijngegevens")
        document, summary = await user.next_messages(2)
        results = await user.ask("/resultaten")
    assert document.kind == "document" and document.document is not None
    assert document.document_name == raw("tr", "mydata.filename")
    assert document.caption == plain_text(t("tr", "mydata.caption"))
    assert summary.text.startswith("Sizinle ilgili sakladıklarımız")
    assert "Dil: Türkçe." in summary.text
    data = json.loads(document.document.decode("utf-8"))
    assert data["resident"]["language"] == "tr"
    assert data["about"].startswith("Rivierstad soru botunun")
    [response] = data["responses"]
    written = {a["question_id"]: a.get("written_in") for a in response["answers"]}
    assert written["idee"] == "tr"
    assert {written[q] for q in written if q != "idee"} == {None}, "free text only"
    assert results.text.startswith(plain_text(t("tr", "resultaten.title")))
    assert results.text != plain_text(t("nl", "resultaten.title"))
