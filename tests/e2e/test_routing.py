"""Compound routing, ``show_if``, piping and shuffled options end to end (#16): through the
fake Bot API, with what the resident sees and what the database holds.

The shipped "Groen in de wijk" uses all four: a question about play areas only for residents
who play there with children (``show_if``), with their neighbourhood in its text
(``{answer:wijk}``); a 3 for the upkeep together with too few play areas leads on to what
should improve first (``any``/``all``), whose options every resident sees in their own order.
"""

from __future__ import annotations

from pathlib import Path

from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from tests.e2e.conftest import BotRunner, join, running_bot
from tests.e2e.test_conversation import (
    GROEN,
    answers,
    count,
    latest,
    progress,
    question_text,
    sql,
    start_questionnaire,
    tap,
)

SPEELPLEK = "Zijn er in Noord genoeg veilige plekken waar kinderen kunnen spelen?"
VERBETEREN = "Wat moet als eerste beter aan het onderhoud van het groen in Noord?"


async def _to_upkeep(user: FakeUser, uses: tuple[str, ...]) -> BotMessage:
    """Noord, then ``uses`` ticked and Klaar: the next question."""
    first = await start_questionnaire(user, GROEN)
    multi = await tap(user, "Noord", first)
    for label in uses:
        await user.press(label, message=multi)
        await user.next_edit()
    return await tap(user, "Klaar ✓", multi)


async def test_show_if_piping_and_compound_routing(fake: FakeBotApi, bot: BotRunner) -> None:
    # Plays with children: the extra question, with the chosen neighbourhood in it.
    player = fake.user()
    await join(player)
    extra = await _to_upkeep(player, ("Spelen met kinderen",))
    assert progress(extra) == (3, 9)
    assert question_text(extra) == SPEELPLEK
    upkeep = await tap(player, "Nee", extra)
    assert question_text(upkeep).startswith("Hoe tevreden ben je over het onderhoud")
    # A 3 alone goes on to the trees; a 3 with too few play areas asks what should improve.
    improve = await tap(player, "3", upkeep)
    assert question_text(improve) == VERBETEREN
    assert await answers(bot, player, "groen-in-de-wijk") == {
        "wijk": "noord",
        "gebruik": ["spelen"],
        "speelplek": "no",
        "onderhoud": 3,
    }

    # Does not play there: no extra question, and a 3 goes straight on to the trees.
    walker = fake.user()
    await join(walker)
    upkeep = await _to_upkeep(walker, ("Wandelen",))
    assert progress(upkeep) == (3, 8)
    assert question_text(upkeep).startswith("Hoe tevreden ben je over het onderhoud")
    trees = await tap(walker, "3", upkeep)
    assert question_text(trees).startswith("Wat vind je van het aantal bomen")
    assert "speelplek" not in await answers(bot, walker, "groen-in-de-wijk")

    # Back over the skipped question: « Vorige from the upkeep goes to the use question.
    back = await tap(walker, "« Vorige", trees)
    again = await tap(walker, "« Vorige", back)
    assert question_text(again).startswith("Waarvoor gebruik je het groen")


async def test_shuffled_order_is_the_same_after_back_and_resume(
    fake: FakeBotApi, bot: BotRunner
) -> None:
    resident = fake.user()
    await join(resident)
    upkeep = await _to_upkeep(resident, ("Wandelen",))
    improve = await tap(resident, "1", upkeep)
    order = [row[0] for row in improve.buttons[:6]]
    assert sorted(label.split(". ", 1)[1] for label in order) == [
        "Bankjes en speeltoestellen",
        "Onkruid weghalen",
        "Sneller reageren op meldingen",
        "Struiken en bomen snoeien",
        "Vaker maaien",
        "Zwerfafval opruimen",
    ]
    # « Vorige and forward again: the same order.
    back = await tap(resident, "« Vorige", improve)
    again = await tap(resident, "1", back)
    assert [row[0] for row in again.buttons[:6]] == order
    # Stopped and resumed: the same order again.
    stopped = await resident.ask("/stop")
    assert stopped.text.startswith("Gestopt.")
    pick = await resident.ask("/vragenlijsten")
    await resident.press(GROEN, message=pick)
    welcome_back, resumed = await resident.next_messages(2)
    assert welcome_back.text.startswith("Welkom terug!")
    assert [row[0] for row in resumed.buttons[:6]] == order
    # A typed number is the button with that number.
    await resident.send("2")
    await resident.next_message()
    chosen = order[1].split(". ", 1)[1]
    session = await latest(bot, resident, "groen-in-de-wijk")
    labels = {
        "Vaker maaien": "maaien",
        "Struiken en bomen snoeien": "snoeien",
        "Onkruid weghalen": "onkruid",
        "Zwerfafval opruimen": "zwerfafval",
        "Bankjes en speeltoestellen": "bankjes",
        "Sneller reageren op meldingen": "meldingen",
    }
    assert session.state.answers["verbeteren"] == labels[chosen]


PIPED = """\
schema_version: 1
id: doorgeven
version: 1
theme: {nl: Buurt, en: Neighbourhood}
title: {nl: Doorgeven, en: Passing on}
intro: {nl: Twee vragen., en: Two questions.}
questions:
  - id: plek
    type: text
    text: {nl: "Welke plek bedoel je?", en: "Which place do you mean?"}
  - id: waarom
    type: text
    text:
      nl: "Waarom is {answer:plek} onveilig?"
      en: "Why is {answer:plek} unsafe?"
"""


async def test_markup_typed_into_a_piped_answer_is_shown_as_typed(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "doorgeven.yaml").write_text(PIPED, encoding="utf-8")
    typed = '<b>Kerkstraat</b> & <a href="https://x.example">hier</a> {answer:plek}'
    async with running_bot(fake, database_url, questionnaires_dir=folder) as bot:
        resident = fake.user()
        await join(resident, then="doorgeven")
        await resident.next_message()  # the intro
        await resident.next_message()  # the first question
        asked = await resident.ask(typed)
        assert question_text(asked) == f"Waarom is {typed} onveilig?"
        assert asked.parse_mode == "HTML"
        assert "&lt;b&gt;Kerkstraat&lt;/b&gt; &amp; &lt;a href=" in (asked.html or "")
        # One entity: the question in bold; what was typed makes no link and no bold.
        assert [e["type"] for e in asked.entities] == ["italic", "bold", "italic"]
        assert (await answers(bot, resident, "doorgeven"))["plek"] == typed


# --- Close after N completed responses ----------------------------------------------------

ADMIN = 4_242_077
FULL = """\
schema_version: 1
id: kort
version: 1
theme: {nl: Buurt, en: Neighbourhood}
title: {nl: Kort <en> goed, en: Short <and> sweet}
intro: {nl: Eén vraag., en: One question.}
max_responses: 2
questions:
  - id: tevreden
    type: yesno
    text: {nl: "Ben je tevreden over je buurt?", en: "Are you happy with your area?"}
"""


async def test_a_questionnaire_closes_itself_after_its_maximum(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "kort.yaml").write_text(FULL, encoding="utf-8")
    boss = fake.user(ADMIN, first_name="Beheerder")
    async with running_bot(
        fake, database_url, questionnaires_dir=folder, admin_user_ids=[ADMIN]
    ) as bot:
        for number in range(2):
            resident = fake.user()
            await join(resident, then="kort")
            _intro, question = await resident.next_messages(2)
            await resident.press("Ja", message=question)
            await resident.next_messages(2)  # thanks with the summary; another one?
            rows = await sql(bot, "SELECT status FROM questionnaires WHERE id = 'kort'")
            assert rows == [("open" if number == 0 else "closed",)]
        told = await boss.next_message()
        assert told.text == (
            "„Kort <en> goed” (kort) is vanzelf gesloten: er zijn 2 ingevulde reacties, het "
            "maximum dat in de vragenlijst staat (max_responses). Wie nog bezig is, mag "
            "afmaken. Weer openen kan met /beheer."
        )
        late = fake.user()
        welcome = await late.ask("/start kort")
        await late.press("Ja, ik doe mee", message=welcome)
        _given, closed, _pick = await late.next_messages(3)
        assert closed.text == (
            "Er hebben al genoeg mensen meegedaan aan deze vragenlijst. Daarom is hij nu "
            "gesloten. Bedankt dat je wilde helpen!"
        )
        assert await count(bot, "sessions") == 2
        audit = await sql(bot, "SELECT action, via, target FROM audit_log WHERE target = 'kort'")
        assert audit == [("close", "system", "kort")]
