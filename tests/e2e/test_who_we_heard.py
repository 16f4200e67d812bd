"""Who did we hear, end to end through the fake Bot API: an administrator uploads CBS's
"Kerncijfers wijken en buurten" in chat and saves it; residents give their age band and wijk
once (/overmij) and answer a questionnaire whose wijk question is then answered from that;
the staff group's /digest shows respondents per wijk and age band against the inhabitants,
the one-line verdict, what could not be weighted, the weighted shares next to the unweighted
with their 95% margin, and the chart of respondents against the population per wijk."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from pathlib import Path

import pytest

from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from storage import outcomes, repo
from tests.e2e.test_admin import ADMIN, admin, running
from tests.e2e.test_digest import sent
from tests.e2e.test_export import read_sav

SHIPPED = Path(__file__).resolve().parents[2] / "populations" / "rivierstad-2026.csv"
AREAS = Path(__file__).resolve().parents[2] / "questionnaires" / "afvalinzameling.yaml"
TITLE = "Bankjes in de buurt"


def questionnaire(folder: Path) -> Path:
    """A short questionnaire with Rivierstad's wijken (as the shipped ones), one choice and
    one multiple choice."""
    shipped = AREAS.read_text(encoding="utf-8")
    areas = shipped[shipped.index("    areas:\n") : shipped.index("\n  - id: inzameling")]
    folder.mkdir()
    (folder / "buurt.yaml").write_text(
        "schema_version: 1\nid: buurt\nversion: 1\n"
        "theme: {nl: Buurt, en: Neighbourhood}\n"
        f"title: {{nl: {TITLE}, en: Benches}}\n"
        "intro: {nl: Drie vragen., en: Three questions.}\n"
        "questions:\n"
        "  - id: wijk\n    type: area\n    profile: wijk\n"
        '    text: {nl: "In welke wijk woon je?", en: "Which neighbourhood?"}\n'
        f"{areas}\n"
        "  - id: bankjes\n    type: choice\n"
        '    text: {nl: "Wil je meer bankjes in de buurt?", en: "More benches?"}\n'
        "    options:\n"
        "      - {id: ja, label: {nl: Ja graag, en: Yes}}\n"
        "      - {id: nee, label: {nl: Nee hoor, en: No}}\n"
        "  - id: waar\n    type: multi\n"
        '    text: {nl: "Waar wil je bankjes?", en: "Where?"}\n'
        "    options:\n"
        "      - {id: park, label: {nl: In het park, en: In the park}}\n"
        "      - {id: plein, label: {nl: Op het plein, en: On the square}}\n",
        encoding="utf-8",
    )
    return folder


# (age band button, wijk button, answer, how many): older people from Noord, nobody young,
# nobody from De Hoven, West or the villages.
PLAN = [
    ("65 jaar of ouder", "Noord", "Ja graag", 12),
    ("65 jaar of ouder", "Noord", "Nee hoor", 2),
    ("45 tot 65 jaar", "Noord", "Ja graag", 6),
    ("25 tot 45 jaar", "Centrum", "Nee hoor", 6),
    ("45 tot 65 jaar", "Zuid", "Nee hoor", 5),
    ("25 tot 45 jaar", "Oost", "Nee hoor", 5),
]


#: Forty residents answer at once on a busy machine: generous waits.
WAIT = 60.0


async def resident(user: FakeUser, band: str, wijk: str, answer: str) -> None:
    welcome = await user.ask("/start", timeout=WAIT)
    await user.press("Ja, ik doe mee", message=welcome)
    await user.next_messages(2, timeout=WAIT)  # thanks, the list
    about = await user.ask("/overmij", timeout=WAIT)
    await user.press(band, message=about)
    await user.press(wijk, message=about)
    await user.wait_for(
        lambda: "✅ " + wijk in str(user.chat.bot_messages[-1].reply_markup), timeout=WAIT
    )
    await user.send("/start buurt")
    _intro, known, question = await user.next_messages(3, timeout=WAIT)
    assert known.text == f"In welke wijk woon je? {wijk} (uit /overmij)"
    await user.press(answer, message=question)
    await user.next_message(timeout=WAIT)  # where: in the park (everyone), on the square too
    await user.send("1" if wijk == "Noord" else "1, 2")  # (all but the 20 from Noord)
    await user.next_messages(2, timeout=WAIT)  # the thanks with the summary and opt-ins, more


async def test_the_digest_says_who_was_heard_and_weights_the_results(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    group = fake.group(title="Team participatie")
    settings = {
        "digest_chat_id": group.id,
        "digest_schedule": "off",
        "questionnaires_dir": questionnaire(tmp_path / "vragenlijsten"),
        "flood_max_updates": 500,
    }
    async with running(fake, database_url, **settings) as runner:
        boss = admin(fake)
        await boss.send_document(
            "kerncijfers-2026.csv", SHIPPED.read_bytes(), "text/csv", caption="vanaf 2026-01-01"
        )
        preview = await boss.next_message()
        assert "• Noord: " in preview.text
        await boss.press("Opslaan", message=preview)
        assert (await boss.next_edit()).text.startswith("Opgeslagen")

        await asyncio.gather(
            *(
                resident(fake.user(), band, wijk, answer)
                for band, wijk, answer, count in PLAN
                for _ in range(count)
            )
        )
        member = group.member()
        await member.send("/digest")
        await sent(runner, 1, within=WAIT)
        messages = group.drain()
        assert [m.kind for m in messages] == ["text", "photo", "photo"]
        text = messages[0].text
        heard = text[text.index("Wie hebben we gehoord?") :]
        lines = heard.split("\n")
        assert lines[1].startswith(
            "Vergeleken met de inwoners van 15 jaar en ouder (kerncijfers-2026.csv, geldig "
            "vanaf 1 jan 2026)"
        )
        verdict = lines[2]
        assert verdict.startswith("Jongeren van 15 tot 25") and "De Hoven" in verdict
        assert verdict.endswith("zijn ondervertegenwoordigd."), verdict
        noord = next(line for line in lines if line.startswith("• Noord: "))
        assert noord.startswith("• Noord: 20 (56% van de reacties, ")
        assert noord.endswith("▲ oververtegenwoordigd"), noord
        assert re.fullmatch(r"• De Hoven: 0 van [\d.]+ inwoners – geen reacties", lines[9])
        assert re.fullmatch(r"• 15 tot 25 jaar: 0 van [\d.]+ inwoners – geen reacties", lines[12])
        assert any(
            line.startswith("Niet gewogen, want te weinig om op te wegen: ") for line in lines
        )
        weighted = lines[lines.index("Gewogen naar wijk en leeftijd") :]
        assert weighted[1].startswith("36 reacties met wijk en leeftijd; telt als ")
        assert weighted[2] == "Wil je meer bankjes in de buurt? (36)"
        ja = re.fullmatch(r"• Ja graag: (\d+)% → gewogen (\d+)% ± (\d+)", weighted[3])
        assert ja is not None, weighted[3]
        unweighted, reweighted, margin = (int(g) for g in ja.groups())
        assert unweighted == 50  # 18 of 36
        assert reweighted < unweighted - 5, "the older Noord respondents weigh less"
        assert 10 <= margin <= 30
        # Multiple choice: each option's share of the weighted respondents who answered.
        assert weighted[5] == "Waar wil je bankjes? (36)"
        assert weighted[6] == "• In het park: 100% → gewogen 100% ± 0"
        plein = re.fullmatch(r"• Op het plein: (\d+)% → gewogen (\d+)% ± (\d+)", weighted[7])
        assert plein is not None, weighted[7]
        assert int(plein.group(1)) == 44  # 16 of 36: all but Noord's 20
        assert int(plein.group(2)) > 44 + 5, "Noord, who did not tick it, weighs less"
        chart = messages[2]
        assert chart.photo is not None and chart.caption is not None
        assert chart.caption.startswith("Wie hebben we gehoord? Bankjes in de buurt")
        assert ADMIN not in {m.chat_id for m in messages}

        # The export has each response's weight, in every format.
        boss.drain()
        await boss.send("/export buurt")
        sheet_csv, _xlsx, sheet_sav = await boss.next_messages(3)
        assert sheet_csv.document is not None and sheet_sav.document is not None
        rows = list(csv.reader(io.StringIO(sheet_csv.document.decode("utf-8"))))
        assert rows[0][-1] == "weight" and rows[1][-1] == "Gewicht (wijk en leeftijd)"
        weights = {row[rows[0].index("wijk")]: float(row[-1]) for row in rows[2:]}
        assert len(rows) == 2 + 36
        assert weights["Noord"] < 1 < weights["Zuid"], weights
        data, meta = read_sav(sheet_sav.document)
        assert meta.column_names[-1] == "weight"
        assert sum(data["weight"]) == pytest.approx(36, rel=1e-3)  # mean weight 1

        # /uitnodigen: three more residents want invitations on the theme; the two in groups
        # we hear least (young, or from De Hoven) can be invited first.
        followers = {
            ("15 tot 25 jaar", "De Hoven"): fake.user(),
            ("15 tot 25 jaar", "Noord"): fake.user(),
            ("65 jaar of ouder", "Noord"): fake.user(),
        }
        for (band, wijk), user in followers.items():
            welcome = await user.ask("/start", timeout=WAIT)
            await user.press("Ja, ik doe mee", message=welcome)
            await user.next_messages(2, timeout=WAIT)
            about = await user.ask("/overmij", timeout=WAIT)
            await user.press(band, message=about)
            await user.press(wijk, message=about)
            await user.wait_for(
                lambda u=user, w=wijk: "✅ " + w in str(u.chat.bot_messages[-1].reply_markup)
            )
            user.drain()
        assert runner.services is not None
        async with runner.services.sessions.begin() as db:
            for user in followers.values():
                found = await repo.find_resident(db, runner.services.pseudonyms.of(user.id))
                assert found is not None
                await outcomes.set_subscription(db, found.id, "invitations", "buurt", True)
        boss.drain()
        offer = await boss.ask("/uitnodigen buurt")
        assert "3 inwoners willen uitnodigingen over Buurt" in offer.text
        assert "Weinig gehoord tot nu: jongeren van 15 tot 25" in offer.text
        assert "wonen of vallen 2 daarin" in offer.text
        assert [b for row in offer.buttons for b in row][-1] == "Eerst deze 2 uitnodigen"
        await boss.press("Eerst deze 2 uitnodigen", message=offer)
        invited = [
            followers[("15 tot 25 jaar", "De Hoven")],
            followers[("15 tot 25 jaar", "Noord")],
        ]
        for user in invited:
            message = await user.next_message(20)
            assert message.text.startswith("Nieuwe vragenlijst: Bankjes in de buurt")
        later = await boss.ask("/uitnodigen buurt")
        assert "1 inwoner wil uitnodigingen over Buurt" in later.text, later.text
        assert followers[("65 jaar of ouder", "Noord")].unread() == []
