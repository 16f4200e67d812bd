"""The resident's summary at the end of a long questionnaire: every answer, over as many
messages as Telegram takes (the fake refuses a message over 4096 characters), never cut,
each message valid HTML with the resident's text shown as typed.
"""

from __future__ import annotations

import re
from pathlib import Path

from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage
from tests.e2e.conftest import join, running_bot
from tests.e2e.test_conversation import FINISHED_MORE

QUESTIONS = 36
LONG_QUESTION = 3000  # characters of the one very long question
OUTRO = "We lezen alle antwoorden samen. Daarna hoor je wat we ermee doen."


def _label(i: int, j: int) -> str:
    return f"Antwoord {j} op vraag {i}: een lang antwoord dat net op een knop past"[:64]


def _question(i: int) -> str:
    """Question ``i``: choice, multi and text questions in turn, all with long texts."""
    text = f"Vraag {i}: " + "Hoe kijk je aan tegen de plannen voor de buurt en de straat? " * 4
    head = f'  - id: v{i}\n    text: {{nl: "{text.strip()}", en: "Question {i}"}}\n'
    options = "".join(
        f'      - {{id: o{j}, label: {{nl: "{_label(i, j)}", en: "Answer {j}"}}}}\n'
        for j in range(1, 5)
    )
    if i == QUESTIONS:  # one question longer than half a message, with a long answer
        very_long = ("Een heel lange vraag met veel uitleg erbij. " * 80)[:LONG_QUESTION].strip()
        return (
            f"  - id: v{i}\n    type: text\n    max_length: 3500\n"
            f'    text: {{nl: "{very_long}", en: "Question {i}"}}\n'
        )
    if i % 3 == 0:
        return head + "    type: text\n"
    if i % 3 == 1:
        return head + "    type: choice\n    options:\n" + options
    return head + "    type: multi\n    options:\n" + options


def write_questionnaire(folder: Path) -> Path:
    folder.mkdir()
    body = "".join(_question(i) for i in range(1, QUESTIONS + 1))
    (folder / "lang.yaml").write_text(
        "schema_version: 1\nid: lang\nversion: 1\n"
        "theme: {nl: Buurt, en: Neighbourhood}\n"
        "title: {nl: Een lange vragenlijst, en: A long questionnaire}\n"
        "intro: {nl: Veel vragen., en: Many questions.}\n"
        f"outro: {{nl: {OUTRO}, en: We read everything.}}\n"
        f"questions:\n{body}",
        encoding="utf-8",
    )
    return folder


def free_text(i: int) -> str:
    """A long typed answer, with markup-like text, an ampersand and emoji in it."""
    if i == QUESTIONS:
        return ("Een antwoord dat heel lang doorgaat 🙂 & <b>niet vet</b>. " * 60)[:3400].strip()
    return f"Antwoord {i}: <b>niet vet</b> & 🙂 " + "meer bomen en bankjes in de straat " * 25


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def flat(text: str) -> str:
    return " ".join(text.split())


async def test_a_long_summary_is_complete_over_several_messages(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    folder = write_questionnaire(tmp_path / "vragenlijsten")
    # A quick resident: more updates in a few seconds than the flood guard lets through.
    settings = {"questionnaires_dir": folder, "flood_max_updates": 500}
    async with running_bot(fake, database_url, **settings):
        resident = fake.user()
        await join(resident, then="lang")
        intro, question = await resident.next_messages(2)
        assert intro.text.startswith("Een lange vragenlijst")
        expected: list[tuple[str, str]] = []
        for i in range(1, QUESTIONS + 1):
            assert f"Vraag {i} van {QUESTIONS}" in question.text
            asked = question.text.split("\n\n")[1]
            if i % 3 == 0 or i == QUESTIONS:
                typed = free_text(i)
                await resident.send(typed)
                expected.append((asked, typed))
            elif i % 3 == 1:
                await resident.press(_label(i, 2), message=question)
                expected.append((asked, _label(i, 2)))
            else:
                await resident.press(_label(i, 1), message=question)
                await resident.press(_label(i, 3), message=question)
                await resident.press("Klaar ✓", message=question)
                expected.append((asked, f"{_label(i, 1)}, {_label(i, 3)}"))
            if i < QUESTIONS:
                question = await resident.next_message()
        parts: list[BotMessage] = []
        while not parts or parts[-1].text != FINISHED_MORE:
            parts.append(await resident.next_message())
        *summary, more = parts

    assert len(summary) >= 4, "a summary this long takes several messages"
    assert all(units(m.text) <= 4096 for m in summary)
    thanks = "Klaar! Dank je wel voor je mening.\n\nDit heb je geantwoord:\n• Vraag 1:"
    assert summary[0].text.startswith(thanks)
    assert all(m.buttons == [] for m in summary[:-1])
    assert summary[-1].buttons, "the opt-ins under the last part"
    assert more.text == FINISHED_MORE
    whole = flat("\n".join(m.text for m in summary))
    assert "…" not in whole
    # Every question and every answer, in order, as the resident typed it.
    at = 0
    for asked, given in expected:
        at = whole.index(flat(asked), at)
        at = whole.index(flat(given), at)
    assert whole.index(flat(OUTRO)) > at and OUTRO in summary[-1].text
    # Escaped, not markup: the resident's <b> is text, in italics like every answer.
    assert all(m.html is not None and "<b>niet vet</b>" not in m.html for m in summary)
    assert "&lt;b&gt;niet vet&lt;/b&gt; &amp; 🙂" in "".join(m.html or "" for m in summary)
    assert not [m for m in summary if re.search(r"<i>\s*</i>", m.html or "")]


LONG_TEXT_QUESTION = """\
schema_version: 1
id: terug
version: 1
theme: {nl: Buurt, en: Neighbourhood}
title: {nl: Heen en terug, en: Back and forth}
intro: {nl: Drie vragen., en: Three questions.}
questions:
  - id: mee
    type: choice
    text: {nl: "Doet u mee?", en: "Will you take part?"}
    options:
      - {id: ja, label: {nl: "Ja, graag", en: "Yes, please"}}
      - {id: nee, label: {nl: "Nee", en: "No"}}
  - id: idee
    type: text
    text: {nl: "QUESTION", en: "Your idea"}
  - id: klaar
    type: yesno
    text: {nl: "Was dit duidelijk?", en: "Was this clear?"}
""".replace(
    "QUESTION", ("Vertel ons uw idee voor de buurt, met alles wat u kwijt wilt. " * 60)[:3400]
)


async def test_a_long_answer_shown_again_under_a_long_question_fits(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    """« Vorige back to a long text question shows the earlier answer; a loose answer
    before it adds the read-back: every message within Telegram's limit (the fake checks)."""
    folder = tmp_path / "vragenlijsten"
    folder.mkdir()
    (folder / "terug.yaml").write_text(LONG_TEXT_QUESTION, encoding="utf-8")
    idea = "Meer bankjes & bomen <graag> " * 34  # 986 characters
    async with running_bot(fake, database_url, questionnaires_dir=folder):
        resident = fake.user()
        await join(resident, then="terug")
        _, mee = await resident.next_messages(2)
        await resident.press("Nee", message=mee)
        idee = await resident.next_message()
        klaar = await resident.ask(idea)
        await resident.press("« Vorige", message=klaar)
        again = await resident.next_message()
        assert again.text.startswith("Vraag 2 van 3")
        assert "Je gaf eerder: Meer bankjes & bomen <graag>" in again.text
        assert again.text.endswith("Typ je antwoord in een bericht (maximaal 1.000 tekens).")
        await resident.press("« Vorige", message=again)
        await resident.next_message()
        shown = await resident.ask("ja graag")  # loose: read back above the question
        assert shown.text.startswith("Genoteerd: Ja, graag\n\nVraag 2 van 3")
        assert "Je gaf eerder: Meer bankjes" in shown.text
        assert all(units(m.text) <= 4096 for m in (idee, again, shown))
