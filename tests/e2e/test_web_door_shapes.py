"""The question shapes of issue 16 at the web door, over real HTTP: the Wijkpeiling answered
to the end with the inputs of its golden transcript (``wijkpeiling.alles.txt``: a
rapportcijfer with a comma, a grid tapped and typed with « Vorige inside it, "anders,
namelijk" on a choice and a multi question, a ranking tapped with "Wis de laatste" and then
typed, an NPS, a date refused and then typed without a year). Every step says what the
transcript says at Telegram, word for word (buttons and the photo aside: the web door
draws those its own way), and the answers are stored as at Telegram."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.conftest import WebhookRunner
from tests.e2e.test_conversation import sql
from tests.support.doors import WebResident

TRANSCRIPT = Path(__file__).parent / "transcripts" / "wijkpeiling.alles.txt"
ALL = -1  # a step's messages are read whatever their number, and compared below
# How to hear what is done with the answers differs at the web door on purpose (no chat to
# come back to): the last message is compared up to there.
OWN_WORDS = "Op de hoogte blijven?"
SAME = "(same text"  # an edit that changed only the buttons


@dataclass
class Step:
    kind: str  # ">" typed, "*" pressed
    value: str
    messages: list[str] = field(default_factory=list)  # "<": new messages
    edits: list[str] = field(default_factory=list)  # "~": messages changed


def steps_of(text: str) -> list[Step]:
    """The resident's inputs and the bot's texts after each (button rows and media left
    out), from a transcript."""
    steps: list[Step] = []
    target: list[str] | None = None  # the list the block being read goes to
    for line in text.splitlines():
        if line.startswith(("> ", "* ")):
            steps.append(Step(line[0], line[2:]))
            target = None
        elif line.startswith(("< ", "~ ")):
            body = line[2:]
            target = None
            if not (body.startswith("[") and body.endswith("]")):  # buttons, or [photo]
                target = steps[-1].messages if line[0] == "<" else steps[-1].edits
                target.append(body)
        elif target is not None and (line.startswith("  ") or not line):
            target[-1] += "\n" + line[2:]
    for step in steps:
        step.messages = [m.strip("\n") for m in step.messages]
        step.edits = [e.strip("\n") for e in step.edits]
    return steps


async def test_the_wijkpeiling_at_the_web_door_word_for_word(served: WebhookRunner) -> None:
    steps = steps_of(TRANSCRIPT.read_text(encoding="utf-8"))
    assert steps[0].value == "/start wijkpeiling"
    assert all(step.messages or step.edits for step in steps)  # every step has words to check
    transcript = "".join(m for step in steps for m in step.messages)
    assert all(
        words in transcript
        for words in ("Uitspraak 2 van 4", "Wat bedoelt u?", "Genoteerd: vrijdag 12 maart 2027")
    )
    web = WebResident(served.base_url)
    try:
        await web.open("wijkpeiling", n=1)
        for number, step in enumerate(steps[1:], 2):
            if step.kind == "*":
                said = await web.press(step.value, n=ALL)
            else:
                said = await web.say(step.value, n=ALL)
            texts = [t for t in said.texts if t]  # the photo's line has no text
            # "(same text)": an edit of the buttons only (a tap on a ranking or multi).
            edits = [
                expected if expected.startswith(SAME) and edit.text == edit.before else edit.text
                for edit, expected in zip(
                    said.edits, [*step.edits, *[""] * len(said.edits)], strict=False
                )
            ]
            if number == len(steps):  # the end: the web door's own words after OWN_WORDS
                texts[0] = texts[0].split(OWN_WORDS)[0]
                step.messages[0] = step.messages[0].split(OWN_WORDS)[0]
            assert (texts, edits) == (step.messages, step.edits), f"step {number}: {step.value}"
    finally:
        await web.close()
    rows = await sql(served, "SELECT question_id, value FROM answers WHERE NOT off_branch")
    stored = {qid: json.loads(v) if isinstance(v, str) else v for qid, v in rows}
    assert stored == {
        "buurt": 7.5,
        "thuis": "eens",
        "omgang": "neutraal",  # typed "1", then « Vorige and "Niet eens en niet oneens"
        "schoon": "weet-niet",
        "veilig": "helemaal-eens",
        "vervoer": "anders",
        "vervoer-anders": "Met de scootmobiel",
        "prioriteit": ["veiligheid", "wonen", "groen", "spelen", "verkeer"],
        "meedoen": ["buurthuis", "anders"],
        "meedoen-anders": "Buurtmoestuin",
        "aanraden": 8,
        "schouw": "2027-03-12",  # typed "12 maart": the year the question allows
        "idee": "Meer bankjes & <b>bomen</b>",
    }
    assert len(rows) == len(stored)  # one answer per question: the one given last
