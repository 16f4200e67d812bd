"""What residents see stays within Telegram's 4096 characters (as Telegram counts them:
UTF-16 code units) whatever the questionnaire and the answers: a long question with a long
answer read back, and a summary whose single answer is longer than a message."""

from __future__ import annotations

from bot.resident import views
from bot.resident.summary import finished_messages
from flows import engine
from flows.limits import MESSAGE_CHARS, units
from flows.texts import plain_text
from tests.flows.helpers import flow_of

LONG = ("Een vraag met heel veel uitleg, zodat hij bijna zo lang is als het mag. " * 60)[:3500]
LABELS = "\n".join(
    f'    - {{id: o{i}, label: {{nl: "{(f"Optie {i} met een lang label " * 3)[:64].strip()}", '
    "en: O}}"
    for i in range(12)
)
FLOW = flow_of(
    f"""
- id: veel
  type: multi
  text: {{nl: Kies, en: Choose}}
  options:
{LABELS}
- id: lang
  type: text
  max_length: 3500
  text: {{nl: "{LONG}", en: Long}}
"""
)


def fits(text: str) -> bool:
    return units(plain_text(text)) <= MESSAGE_CHARS


def test_a_long_read_back_above_a_long_question_is_shortened_to_fit() -> None:
    every = [f"o{i}" for i in range(12)]
    state = engine.SessionState(current="lang", path=("veel",), answers={"veel": every})
    noted = engine.answer_label(FLOW.questions["veel"], every, "nl")
    assert len(noted) > 700
    text = views.question_text(engine.prompt(FLOW, state), "nl", noted)
    assert fits(text)
    first, rest = plain_text(text).split("\n\n", 1)
    assert first.startswith("Genoteerd: Optie 0 met een lang label") and first.endswith("…")
    assert rest.startswith("Vraag 2 van 2\n\nEen vraag met heel veel uitleg")
    # Short enough: read back whole.
    short = views.question_text(engine.prompt(FLOW, state), "nl", "Kort")
    assert plain_text(short).startswith("Genoteerd: Kort\n\nVraag 2 van 2")


def test_a_long_answer_under_a_long_question_is_shortened_when_shown_answered() -> None:
    state = engine.SessionState(current="lang", path=("veel",), answers={"veel": ["o1"]})
    answer = "🙂 " * 1700
    text = views.answered_text(engine.prompt(FLOW, state), answer, "nl")
    assert fits(text)
    assert plain_text(text).endswith("🙂 🙂…")


def test_an_answer_longer_than_a_message_continues_in_the_next() -> None:
    answer = "<b> & " + "🙂 " * 1700  # 3406 characters, 5106 as Telegram counts them
    rows = [("Kies", "Optie 1"), (LONG, answer)]
    messages = finished_messages(FLOW, rows, "nl")
    assert len(messages) == 3  # the long question; the answer in two pieces, the closing
    assert all(fits(m) for m in messages)
    text = " ".join(" ".join(plain_text(m).split()) for m in messages)
    assert " ".join(answer.split()) in text
    assert " ".join(LONG.split()) in text
    assert "&lt;b&gt; &amp; 🙂" in messages[1] and "<b> " not in messages[1]
    # Every piece of the answer is a whole element: opened and closed in one message.
    assert all(m.count("<i>") == m.count("</i>") for m in messages)


def test_a_short_summary_is_one_message() -> None:
    messages = finished_messages(FLOW, [("Kies", "Optie 1 <&>")], "nl")
    assert messages == [
        "<b>Klaar! Dank je wel voor je mening.</b>\n\nDit heb je geantwoord:\n"
        "• Kies\n  <i>Optie 1 &lt;&amp;&gt;</i>\n\n"
        "Wat gebeurt er nu? Ambtenaren lezen alle antwoorden samen, zonder namen. "
        "Ze gebruiken ze om het beleid beter te maken. Je hoort later wat er mee is gedaan."
    ]


def test_a_long_earlier_answer_shown_again_is_shortened_to_fit() -> None:
    # « Vorige to a long text question: "Je gaf eerder: ..." with a long answer under it.
    earlier = "Meer bankjes en bomen in de straat, " * 90  # 3240 characters
    state = engine.SessionState(
        current="lang", path=("veel",), answers={"veel": ["o1"], "lang": earlier}
    )
    text = views.question_text(engine.prompt(FLOW, state), "nl", "Optie 1")
    assert fits(text)
    paragraphs = plain_text(text).split("\n\n")
    assert paragraphs[0] == "Genoteerd: Optie 1"
    assert paragraphs[3].startswith("Je gaf eerder: Meer bankjes") and paragraphs[3].endswith("…")
    assert paragraphs[4] == "Typ je antwoord in een bericht (maximaal 3.500 tekens)."


def test_no_room_at_all_leaves_the_answers_out_and_returns() -> None:
    # 3500 emoji are 7000 characters as Telegram counts them: nothing else fits.
    flow = flow_of(
        "- id: a\n  type: text\n  text: {nl: Eerst, en: First}\n"
        f"- id: b\n  type: text\n  text: {{nl: {'🙂' * 3500}, en: Emoji}}\n"
    )
    state = engine.SessionState(current="b", path=("a",), answers={"a": "x", "b": "ja" * 50})
    text = views.question_text(engine.prompt(flow, state), "nl", "een antwoord")
    assert plain_text(text).startswith("Vraag 2 van 2")
    assert "Genoteerd" not in text and "Je gaf eerder" not in text
