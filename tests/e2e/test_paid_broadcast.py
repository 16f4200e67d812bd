"""Paid broadcasts (PAID_BROADCASTS, Telegram's ``allow_paid_broadcast``): the administrator
sees the duration and the cost both ways before confirming; with the setting on, the
broadcast goes past the overall limit that holds everything else, without a single 429
from a fake Bot API that limits like Telegram; with it off (the default) nothing is paid."""

from __future__ import annotations

import pytest

from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from tests.e2e.outcome_helpers import AFVAL, AFVAL_THEME, final_report, seed
from tests.e2e.test_broadcast import INVITATION, Start, admin, copies, start  # noqa: F401
from tests.support.sending import most_in_a_second, sending

pytestmark = pytest.mark.pacing  # counts sends per second at the fake: run alone

CAP = 10
RESIDENTS = 60


@pytest.mark.parametrize("paid", [False, True], ids=["usual", "paid"])
async def test_the_offer_shows_both_ways_and_paid_broadcasts_pass_the_overall_limit(
    fake: FakeBotApi,
    admin: FakeUser,  # noqa: F811
    start: Start,  # noqa: F811
    paid: bool,
) -> None:
    bot = await start(rate_limit_per_second=CAP, broadcast_rate=25, paid_broadcasts=paid)
    users = await seed(bot, fake, RESIDENTS, invitations=[AFVAL_THEME])
    fake.set_flood_limit(per_second=CAP)
    offer = await admin.ask(f"/uitnodigen {AFVAL}")
    # 60 messages: the usual way at 9.6 a second (the cap less 4 %), paid at up to 1,000.
    assert offer.text.endswith(
        "Duur en kosten (60 berichten)\n"
        "Gewoon: ongeveer 7 seconden, gratis.\n"
        "Betaald: ongeveer 1 seconde, 6 Telegram Stars (0,1 per bericht).\n"
        f"Deze bot verstuurt {'betaald' if paid else 'gewoon'} (instelling PAID_BROADCASTS)."
    ), offer.text
    await admin.press("Uitnodigen", message=offer)
    report = await final_report(admin, offer, within=40)
    assert f"Verstuurd: {RESIDENTS}\n" in report and "Mislukt: 0" in report
    assert copies(users) == [1] * RESIDENTS
    chats = {user.id for user in users}
    sends = [c for c in fake.calls if sending(c) and c.params.get("chat_id") in chats]
    assert [c.error_code for c in sends if c.error_code] == []  # no 429, nothing else
    flagged = {c.params.get("allow_paid_broadcast") for c in sends}
    busiest = most_in_a_second([c.time for c in sends])
    if paid:
        assert flagged == {True}
        assert busiest > CAP, f"a paid broadcast stayed under the usual cap: {busiest}"
    else:
        assert flagged == {None}
        assert busiest <= CAP
