"""Effect checks in the digest end to end: a questionnaire closed weeks ago comes back in
the digest when residents answer its effect check, with the counts per answer under the
small-cell rule; and every digest sent is counted in the metrics. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from prometheus_client import REGISTRY

from sandbox.fakeapi import FakeBotApi
from storage.models import EffectAnswer, EffectCheck
from tests.e2e.conftest import running_bot
from tests.e2e.test_digest import AFVAL, block, closing, sent

# Counted by hand: these 16 in the period and one "ja" in February, 17 in all. nee (2) and
# weet_niet (3) are small cells, 5 together: Overig.
ANSWERS = {"ja": 6, "een_beetje": 5, "nee": 2, "weet_niet": 3}


def digests_sent(kind: str) -> float:
    return REGISTRY.get_sample_value("samenspraak_digests_sent_total", {"kind": kind}) or 0.0


async def test_a_closed_questionnaire_returns_with_its_effect_check(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    folder = closing(tmp_path, afvalinzameling="2026-01-31T17:00:00+01:00")
    group = fake.group(title="Team participatie")
    settings = {"digest_chat_id": group.id, "digest_schedule": "off", "questionnaires_dir": folder}
    async with running_bot(fake, database_url, **settings) as runner:
        # Closed ten months ago: no closing digest now (old news).
        on_demand = digests_sent("on_demand")

        await group.member().send("/digest")
        await sent(runner, 1)
        titles = [m.text.split("\n")[0] for m in group.drain()]
        assert f"Tussenstand: {AFVAL}" not in titles, "closed, and nothing new"

        assert runner.services is not None
        now = runner.services.clock()
        async with runner.services.sessions.begin() as db:
            check = EffectCheck(questionnaire_id="afvalinzameling", due_at=now - timedelta(days=2))
            db.add(check)
            await db.flush()
            for value, count in ANSWERS.items():
                for n in range(count):
                    moment = now - timedelta(hours=1, minutes=n)
                    db.add(EffectAnswer(effect_check_id=check.id, value=value, answered_at=moment))
            # Long before this digest's period: counts in the total, not as new.
            db.add(
                EffectAnswer(
                    effect_check_id=check.id,
                    value="ja",
                    answered_at=datetime(2026, 2, 20, tzinfo=UTC),
                )
            )

        await group.member().send("/digest")
        await sent(runner, 2)
        messages = group.drain()
        afval = next(m for m in messages if m.text.startswith(f"Tussenstand: {AFVAL}\n"))
        assert block(afval.text, "Effectmeting") == [
            "Effectmeting: Merk je iets van deze verandering?",
            "17 antwoorden, 16 nieuw in deze periode",
            "████ 41% (7) Ja",  # 7/17 = 41,2%: 8 half blocks
            "███ 29% (5) Een beetje",  # 5/17 = 29,4%: 6 half blocks
            "███ 29% (5) Overig",  # nee 2 + weet ik niet 3
            "Antwoorden die minder dan 5 keer gegeven zijn, staan samen onder ‘Overig’.",
        ]
        assert "Geen nieuwe antwoorden in deze periode." in afval.text
        assert [m.kind for m in messages].count("photo") == 0, "no answers: no chart"
        assert digests_sent("on_demand") == on_demand + 2
