"""The shipped Burgerpeiling (questionnaires/burgerpeiling.yaml) the way a municipality runs
it: residents answer every branch of VNG's protocol through the fake Bot API, the staff group
asks for its digest (with a Dienstverlening, an Organisatie and a Bestuur line), and the
research office opens the SPSS export with the Burgerpeiling's own variable names.

Every figure below is counted by hand from the residents' plans, not by the code under test.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from sqlalchemy import select

from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from storage.models import Answer
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import BotRunner
from tests.e2e.test_admin import admin, running
from tests.e2e.test_conversation import answers
from tests.e2e.test_digest import block, sent
from tests.e2e.test_export import read_sav
from tests.e2e.test_form_of_address import said, saying_je

ID = "burgerpeiling"
TITLE = "Burgerpeiling Rivierstad"
SKIP = "<Sla over>"  # in a plan: press the Sla over button instead of typing
# A resident here types 26 to 32 answers within seconds; the flood guard (20 updates in 10
# seconds, tested in test_flood.py) is for people, not for this test's speed.
FAST = {"flood_max_updates": 200}

# The questions in file order; each branch asks a part of them.
ALL = [
    "buurt", "thuis", "omgang", "veilig", "schoon", "zorg-omgeving", "samenwerken",
    "vertrouwen", "doet-wat-ze-zegt", "luistert", "meedenken", "betrekken",
    "dienstverlening", "contact", "onderwerp", "kanaal", "makkelijk", "resultaat",
    "informatie", "taal", "leven", "eenzaam", "verenigingen", "mantelzorg",
    "mantelzorg-tijd", "vrijwilligerswerk", "geen-vrijwilligerswerk", "meedoen", "moeite",
    "leeftijd", "wijk", "idee",
]  # fmt: skip
CONTACT = {"onderwerp", "kanaal", "makkelijk", "resultaat"}  # only after contact = ja


@dataclass(frozen=True)
class Plan:
    """What one resident types (or presses), and the questions that branch asks."""

    typed: list[str]
    asked: list[str]


def path(*, contact: bool, mantelzorg: bool, vrijwilliger: bool) -> list[str]:
    """The questions asked, by the protocol: contact -> the questions about it, mantelzorg ->
    the question about time for oneself, no vrijwilligerswerk -> why not."""
    left_out = set() if contact else set(CONTACT)
    if not mantelzorg:
        left_out.add("mantelzorg-tijd")
    if vrijwilliger:
        left_out.add("geen-vrijwilligerswerk")
    return [q for q in ALL if q not in left_out]


# Each plan's answers, seven a line; "6" on an agree statement is "weet niet / geen mening".
# fmt: off
# A: contact, mantelzorg, no vrijwilligerswerk (the longest branch: 32 questions). Line by
# line: buurt ... samenwerken; vertrouwen ... contact; onderwerp ... leven; eenzaam ...
# geen-vrijwilligerswerk; meedoen ... idee.
A = Plan(
    [
        "8", "2", "1", "2", "2", "7", "2",
        "2", "3", "2", "4", "6", "7,5", "1",
        "7", "5", "1", "2", "2", "6", SKIP,
        "2", "1, 3", "2", "2", "3", "3, 4",
        "6,5", "7", "3", "4108", "Meer bankjes in het park",
    ],
    path(contact=True, mantelzorg=True, vrijwilliger=False),
)
# B: no contact, no mantelzorg, vrijwilligerswerk (the shortest branch: 26 questions); the
# option that stands alone ("niet actief in een vereniging"), "weet niet" and skips.
B = Plan(
    [
        "6", "4", "3", "3", "4", "5", "4",
        "5", "5", "4", "6", SKIP, "5", "2",
        "4", "3", "7",
        "1", "6", "3", "1",
        SKIP, "4", "6", "4105", SKIP,
    ],
    path(contact=False, mantelzorg=False, vrijwilliger=True),
)
# C: contact, mantelzorg and vrijwilligerswerk (31 questions).
C = Plan(
    [
        "9", "1", "2", "1", "1", "8", "1",
        "1", "2", "1", "2", "8", "8", "1",
        "1", "1", "2", "3", "1", "2", "8",
        "1", "5", "1", "1", "2",
        "8", "9", "1", "Centrum", SKIP,
    ],
    path(contact=True, mantelzorg=True, vrijwilliger=True),
)
# fmt: on
PLANS = [A, B, C]


def progress(message: BotMessage) -> tuple[int, int]:
    found = re.search(r"Vraag (\d+) van (\d+)", message.text)
    assert found, message.text
    return int(found.group(1)), int(found.group(2))


async def respond(user: FakeUser, plan: Plan) -> list[BotMessage]:
    """Consent, open the Burgerpeiling by its link and answer it as ``plan`` says; every
    question the bot asked, and last the closing message."""
    welcome = await user.ask(f"/start {ID}")
    await user.press("Ja, ik doe mee", message=welcome)
    _thanks, intro, question = await user.next_messages(3)
    assert intro.text.startswith(TITLE)
    asked = [question]
    for i, text in enumerate(plan.typed):
        if text == SKIP:
            await user.press("Sla over", message=question)
        else:
            await user.send(text)
        if i == len(plan.typed) - 1:
            end, *_ = await user.next_messages(2)  # the summary, then "nog een vragenlijst?"
            assert end.text.startswith("Klaar!"), end.text
            return [*asked, end]
        question = await user.next_message()
        assert question.text.startswith(("Vraag ", "Genoteerd: ")), (text, question.text)
        asked.append(question)
    raise AssertionError("a plan without answers")


async def test_every_branch_is_completed_by_residents(fake: FakeBotApi, database_url: str) -> None:
    async with running(fake, database_url, **FAST) as bot:
        for plan in PLANS:
            resident = fake.user()
            since = len(fake.calls)
            *questions, end = await respond(resident, plan)
            # The Burgerpeiling says "u" (address: u), and so does the bot inside it: its
            # hints, read-backs, buttons and summary. (The welcome before it follows the
            # bot's FORM_OF_ADDRESS.)
            await fake.settle()
            inside = said(fake, since, resident.id)
            start = next(i for i, text in enumerate(inside) if TITLE in text)
            assert saying_je(inside[start:]) == []
            # One question per answer, counted along the resident's own branch to its end.
            assert len(questions) == len(plan.asked) == len(plan.typed)
            assert progress(questions[-1]) == (len(plan.asked), len(plan.asked))
            stored = await answers(bot, resident, ID)
            assert sorted(stored) == sorted(plan.asked)
            # The closing summary has every answer, however long the branch.
            assert end.text.count("\n• ") == len(plan.asked)
        assert await branch_values(bot) == {
            ("contact", "ja"),
            ("contact", "nee"),
            ("mantelzorg", "af-en-toe"),
            ("mantelzorg", "vaak"),
            ("mantelzorg", "nooit"),
            ("vrijwilligerswerk", "nooit"),
            ("vrijwilligerswerk", "vaak"),
            ("vrijwilligerswerk", "af-en-toe"),
        }


async def branch_values(bot: BotRunner) -> set[tuple[str, str]]:
    """(question, answer) of the branching questions, over every stored answer."""
    assert bot.services is not None
    async with bot.services.sessions() as db:
        rows = await db.execute(
            select(Answer.question_id, Answer.value).where(
                Answer.question_id.in_(["contact", "mantelzorg", "vrijwilligerswerk"])
            )
        )
        return {(str(q), str(v)) for q, v in rows}


# --- the digest: the scorecard's three lines, counted by hand -----------------------------------
# A grade g on 1-10 counts (g - 1) / 9 * 100; an agree statement or the trust question by its
# score 1-5 as (s - 1) / 4 * 100; "weet niet" and a skip do not count.
# Dienstverlening (dienstverlening, makkelijk, resultaat, informatie, taal):
#   A 7,5 -> 72.2, 100, 75, 75, (weet niet)   B 5 -> 44.4, 25, 50   C 8 -> 77.8, 75, 50, 100, 75
#   12 answers, 819.4 / 12 = 68.3 -> 68
# Organisatie (zorg-omgeving, samenwerken, meedoen, moeite):
#   A 66.7, 75, 61.1, 66.7   B 44.4, 25, (skip), 33.3   C 77.8, 100, 77.8, 88.9
#   11 answers, 716.7 / 11 = 65.2 -> 65
# Bestuur (vertrouwen, doet-wat-ze-zegt, luistert, meedenken, betrekken):
#   A 75, 50, 75, 25, 55.6   B 0, 0, 25, (weet niet), (skip)   C 100, 75, 100, 75, 77.8
#   13 answers, 733.3 / 13 = 56.4 -> 56


async def test_digest_has_a_dienstverlening_organisatie_and_bestuur_line(
    fake: FakeBotApi, database_url: str
) -> None:
    group = fake.group(title="Team participatie")
    settings = {"digest_chat_id": group.id, "digest_schedule": "off", **FAST}
    async with running(fake, database_url, **settings) as bot:
        await asyncio.gather(*(respond(fake.user(), plan) for plan in PLANS))
        await group.member().send(f"/digest {ID}")
        await sent(bot, 1)
        messages = group.drain()
        # A long digest comes in several messages (within Telegram's limits), then the chart.
        assert messages[-1].kind == "photo"
        text = "\n\n".join(m.text for m in messages[:-1])
        assert text.startswith(f"Tussenstand: {TITLE}\n")
        assert block(text, "Publieke waarde") == [
            "Publieke waarde (0–100)",
            "Dienstverlening: 68 (12 antwoorden)",
            "Organisatie: 65 (11 antwoorden)",
            "Bestuur: 56 (13 antwoorden)",
        ]
        # Each statement of a battery is named by its own label, not by the shared scale.
        headings = [p.split("\n")[0] for p in text.split("\n\n")]
        assert "De gemeente luistert naar inwoners (3 antwoorden)" in headings
        assert "De gemeente doet wat ze zegt (3 antwoorden)" in headings


# --- the SPSS export ----------------------------------------------------------------------------

AGREE = {
    1: "Helemaal eens",
    2: "Eens",
    3: "Niet eens en niet oneens",
    4: "Oneens",
    5: "Helemaal oneens",
    6: "Weet niet / geen mening",
    -9: "Overgeslagen",
}


async def test_spss_export_has_the_burgerpeilings_names_labels_and_missing_values(
    fake: FakeBotApi, database_url: str
) -> None:
    async with running(fake, database_url, **FAST):
        for plan in PLANS:  # one after another: the rows are in this order
            await respond(fake.user(), plan)
        boss = admin(fake)
        await boss.send(f"/export {ID}")
        _csv, _xlsx, sheet = await boss.next_messages(3)
        assert sheet.document_name is not None and sheet.document_name.endswith(".sav")
        assert sheet.document is not None
        data, meta = read_sav(sheet.document)

    # The Burgerpeiling's own codebook names, in questionnaire order; a multi question is a
    # column per option (zw05_1 ... zw05_6).
    names = meta.column_names[6:]  # after the columns every export has
    assert names == [
        "wl01", "wl02_0", "wl03_0", "wl04", "wl08_1", "wl16", "wl12_0",
        "bo01", "bo02_0", "bo03_0", "bo03_1", "bo06",
        "dv01", "dv02", "dv00", "dv12", "dv05_0", "dv07_3", "dv08_0", "dv09_0",
        "zw00", "zw04", *[f"zw05_{i}" for i in range(1, 7)], "zw06_0", "zw09", "zw06_3",
        *[f"zw08_{i}" for i in range(1, 9)], "zw12", "sc02",
        "ch02", "ch09", "bo05",
    ]  # fmt: skip
    assert meta.file_label == TITLE
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["bo01"].startswith("Nu over het bestuur van de gemeente")
    assert labels["bo01"].endswith("waarop de gemeente wordt bestuurd?")
    assert (
        labels["wl02_0"]
        == "Nu een paar uitspraken. Eens of oneens? „Ik voel me thuis in mijn buurt.”"
    )
    assert labels["zw05_6"].startswith("Ik was niet actief in een vereniging – ")

    # Value labels: the shared agree scale coded 1-6 as in the Burgerpeiling, "weet niet" 6.
    values = meta.variable_value_labels
    for name in ("wl02_0", "wl12_0", "bo02_0", "dv09_0"):
        assert values[name] == AGREE, name
    assert values["dv02"] == {1: "Ja", 2: "Nee", -9: "Overgeslagen"}
    assert values["ch02"][1] == "18 tot en met 29 jaar"
    assert values["ch02"][6] == "75 jaar of ouder"
    assert values["zw05_6"] == {1: "Gekozen", 0: "Niet gekozen", -9: "Overgeslagen"}
    # A skipped grade ("weet niet") is the declared missing value -9.
    for name in ("wl01", "bo06", "zw12", "dv01"):
        assert meta.missing_ranges[name] == [{"lo": -9.0, "hi": -9.0}], name

    # The answers, row by row (A, B, C). A grade keeps its decimal.
    assert data["wl01"] == [8, 6, 9]
    assert data["dv01"] == [7.5, 5, 8]
    assert data["zw12"] == [6.5, -9, 8]
    assert data["bo06"] == [6, -9, 8]
    assert data["bo03_1"] == [4, 6, 2]  # 6: weet niet / geen mening
    assert data["dv02"] == [1, 2, 1]
    # Questions the resident never reached (another branch) are system-missing.
    assert data["dv00"][0] == 7 and data["dv00"][1] is None and data["dv00"][2] == 1
    assert data["zw09"][1] is None and data["zw09"][0] == 2
    assert data["zw08_3"][2] is None and data["zw08_3"][0] == 1
    # The option that stands alone: only it is ticked.
    assert [data[f"zw05_{i}"][1] for i in range(1, 7)] == [0, 0, 0, 0, 0, 1]
    assert data["ch09"] == [3, 2, 1]  # Oost (4108), Noord (4105), Centrum
    assert data["bo05"] == ["Meer bankjes in het park", "", ""]


def test_the_shipped_file_is_the_one_tested() -> None:
    """The plans above follow questionnaires/burgerpeiling.yaml's questions."""
    source = (QUESTIONNAIRES / f"{ID}.yaml").read_text(encoding="utf-8")
    ids = re.findall(r"^  - id: (\S+)$", source, flags=re.MULTILINE)
    assert ids == ALL
