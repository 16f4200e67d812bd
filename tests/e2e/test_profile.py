""" "About you, once" through the fake Bot API: a resident gives an age band and a wijk with
/overmij (buttons, or typing a postcode), every questionnaire's wijk question is then
answered from it; a resident who answers the wijk question gives it once for the next one;
"liever niet" keeps nothing and the questionnaires ask again; /mijngegevens shows it."""

from __future__ import annotations

import json

from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from tests.e2e.conftest import join, running_bot

WIJK_Q = "In welke wijk woon je?"
CONTAINERS_Q = "Welke containers gebruik je voor je afval?"


async def edit_of(user: FakeUser, message: BotMessage) -> BotMessage:
    """The next edit of ``message`` (earlier edits of other messages passed over)."""
    while True:
        edited = await user.next_edit()
        if edited.message_id == message.message_id:
            return edited


async def test_profile_given_once_is_reused_changed_and_declined(
    fake: FakeBotApi, database_url: str
) -> None:
    async with running_bot(fake, database_url):
        resident = fake.user()
        await join(resident)
        await resident.next_message()  # the list of questionnaires
        shown = await resident.ask("/overmij")
        assert "Over jou" in shown.text and "nooit je geboortedatum" in shown.text
        assert "Leeftijd: niet gegeven" in shown.text
        await resident.press("25 tot 45 jaar", message=shown)
        edited = await edit_of(resident, shown)
        assert "Leeftijd: 25 tot 45 jaar" in edited.text
        await resident.press("Noord", message=edited)
        edited = await edit_of(resident, shown)
        assert "Wijk: Noord" in edited.text and "✅ Noord" in str(edited.reply_markup)

        # The wijk question is answered from the profile: one line, then question 2.
        await resident.send("/start afvalinzameling")
        intro, known, question = await resident.next_messages(3)
        assert intro.text.startswith("Afval ophalen in Rivierstad")
        assert known.text == f"{WIJK_Q} Noord (uit /overmij)"
        assert CONTAINERS_Q in question.text

        # Typing a postcode changes it; a bad one is said so, and changes nothing.
        await resident.send("/overmij 12")
        refused, same = await resident.next_messages(2)
        assert "geen postcode" in refused.text and "Wijk: Noord" in same.text
        await resident.send("/overmij 4113 AB")
        saved, changed = await resident.next_messages(2)
        assert saved.text == "Bewaard." and "Wijk: Zuid (postcode 4113)" in changed.text

        mine = await resident.ask("/mijngegevens")
        document = json.loads(mine.document or b"{}")
        assert document["about_you"]["age_band"] == "25-44"
        assert document["about_you"]["wijk"] == "zuid"
        assert document["about_you"]["postcode"] == "4113"
        summary = await resident.next_message()
        assert "Over jou: leeftijd 25 tot 45 jaar, wijk zuid" in summary.text

        # "Liever niet": nothing kept, and the next questionnaire asks the wijk itself.
        shown = await resident.ask("/overmij")
        await resident.press("Liever niet / wissen", message=shown)
        edited = await edit_of(resident, shown)
        assert "niet te geven" in edited.text
        await resident.send("/start groen-in-de-wijk")
        intro, question = await resident.next_messages(2)
        assert WIJK_Q in question.text
        await resident.send("4108")  # answered, but not kept: the resident declined
        await resident.next_message()
        shown = await resident.ask("/overmij")
        assert "niet te geven" in shown.text

        # A resident who keeps a profile (an age band given) answers the wijk question
        # once; the next questionnaire that asks it takes it from there.
        other = fake.user()
        await join(other)
        await other.next_message()  # the list
        shown = await other.ask("/overmij")
        await other.press("65 jaar of ouder", message=shown)
        await edit_of(other, shown)
        await other.send("/start afvalinzameling")
        intro, question = await other.next_messages(2)
        assert WIJK_Q in question.text
        await other.send("4108 AB")
        await other.next_message()  # question 2
        await other.send("/start groen-in-de-wijk")
        messages = await other.next_messages(3)
        assert any(m.text == f"{WIJK_Q} Oost (uit /overmij)" for m in messages)
        shown = await other.ask("/overmij")
        assert "Wijk: Oost" in shown.text and "Leeftijd: 65 jaar of ouder" in shown.text

        # Someone who never gave anything is asked every time, and nothing is kept.
        third = fake.user()
        await join(third, then="afvalinzameling")
        intro, question = await third.next_messages(2)
        await third.send("4108")
        await third.next_message()
        await third.send("/start groen-in-de-wijk")
        intro, question = await third.next_messages(2)
        assert WIJK_Q in question.text
        shown = await third.ask("/overmij")
        assert "Leeftijd: niet gegeven" in shown.text and "Wijk: niet gegeven" in shown.text
