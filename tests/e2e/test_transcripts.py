"""Golden transcripts: whole conversations replayed against the running bot.

Each file in ``transcripts/`` is one conversation, readable as a resident sees it::

    # a comment (before the first input: about the whole transcript)
    > /start                      typed by the resident
    * Ja, ik doe mee              a button pressed (newest message with that label)
    ! Je antwoord is al opgeslagen.      the short notice on a pressed button
    ~ (same text, buttons removed)       an edit of the pressed message
    < Fijn dat je meedoet!        a new bot message, as plain text;
      more lines of it            its further lines are indented by two spaces
    < [Label] [Label]             a row of its inline buttons

Edits show the message's new text (or ``(same text)``) and its new buttons. Within one
input, notices come first, then edits, then new messages (the bot answers the button and
edits in parallel, then sends). ``*.en.txt`` files are played by a resident whose Telegram
is in English, the others by a Dutch one.

The test replays the ``>`` and ``*`` lines and compares the whole conversation exactly.
``UPDATE_TRANSCRIPTS=1 pytest tests/e2e/test_transcripts.py`` rewrites the files from the
actual run (comments are kept); read the diff before committing it. A button that is not
there shows up as a ``# NOT PRESSED: ...`` line in the comparison.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from sandbox.fakeapi import BotMessage, FakeBotApi, FakeUser, SandboxEvent
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import BotRunner

HERE = Path(__file__).resolve().parent / "transcripts"
UPDATE = os.environ.get("UPDATE_TRANSCRIPTS") == "1"
FILES = sorted(HERE.glob("*.txt"))
_BUTTON_ROW = re.compile(r"^[<~] \[.*\]$")
_WAIT = 5.0  # seconds to wait for the expected output of one input before comparing


@dataclass
class Step:
    """One input of the resident and the comments written above it."""

    kind: str  # ">" typed, "*" pressed
    value: str
    comments: list[str] = field(default_factory=list)
    expected_output: int = 0  # notices, edits and messages in the file after this input


@dataclass
class Script:
    header: list[str]
    steps: list[Step]


def parse(text: str) -> Script:
    header: list[str] = []
    steps: list[Step] = []
    pending: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            (pending if steps else header).append(line)
        elif line.startswith(("> ", "* ")):
            steps.append(Step(line[0], line[2:], comments=pending))
            pending = []
        elif line.startswith(("< ", "~ ", "! ")):
            if not steps:
                raise ValueError(f"line {number}: bot output before the first input")
            if not _BUTTON_ROW.match(line):
                steps[-1].expected_output += 1
        elif line and not line.startswith("  "):
            raise ValueError(f"line {number}: unknown line {line!r}")
    # Comments between the header and the first input belong to the header.
    if pending:
        raise ValueError("comments after the last input")
    return Script(header, steps)


def _block(marker: str, text: str) -> list[str]:
    first, *rest = text.split("\n")
    return [f"{marker} {first}".rstrip(), *(f"  {line}".rstrip() for line in rest)]


def _rows(marker: str, message: BotMessage) -> list[str]:
    return [f"{marker} " + " ".join(f"[{label}]" for label in row) for row in message.buttons]


@dataclass
class Recorder:
    """Everything the bot shows one resident, as transcript lines, in order."""

    fake: FakeBotApi
    chat_id: int
    lines: list[str] = field(default_factory=list)
    outputs: int = 0  # notices, edits and messages since the last input
    _step: list[tuple[int, list[str]]] = field(default_factory=list)
    _texts: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.unsubscribe = self.fake.subscribe(self._on_event)

    def _on_event(self, event: SandboxEvent) -> None:
        if event.chat_id != self.chat_id:
            return
        message = event.message
        if event.kind == "message" and message is not None:
            self._texts[message.message_id] = message.text
            self._add(2, [*_block("<", message.text), *_rows("<", message)])
        elif event.kind == "edited" and message is not None:
            same = self._texts.get(message.message_id) == message.text
            self._texts[message.message_id] = message.text
            rows = _rows("~", message)
            if same:
                head = ["~ (same text)" if rows else "~ (same text, buttons removed)"]
            else:
                head = _block("~", message.text)
            self._add(1, [*head, *rows])
        elif event.kind == "callback_answered" and event.query is not None:
            answer = event.query.answer
            if answer is not None and answer.text:
                self._add(0, [f"! {answer.text}"])

    def _add(self, rank: int, lines: list[str]) -> None:
        self._step.append((rank, lines))
        self.outputs += 1

    def begin(self, step: Step) -> None:
        self._flush()
        if self.lines:
            self.lines.append("")
        self.lines.extend(step.comments)
        self.lines.append(f"{step.kind} {step.value}")
        self.outputs = 0

    def _flush(self) -> None:
        # A stable sort: the order within each kind is the order of arrival.
        for _, lines in sorted(self._step, key=lambda item: item[0]):
            self.lines.extend(lines)
        self._step = []

    def render(self, header: list[str]) -> str:
        self._flush()
        self.unsubscribe()
        return "\n".join([*header, *self.lines]) + "\n"


async def _press(fake: FakeBotApi, user: FakeUser, label: str) -> str:
    try:
        return await user.press(label)
    except AssertionError:  # perhaps the message with the button is still on its way
        await fake.settle()
        return await user.press(label)


async def play(fake: FakeBotApi, user: FakeUser, script: Script) -> str:
    """Replay the inputs; returns the conversation as it actually went."""
    recorder = Recorder(fake, user.chat_id)
    for step in script.steps:
        recorder.begin(step)
        query_id: str | None = None
        if step.kind == ">":
            await user.send(step.value)
        else:
            try:
                query_id = await _press(fake, user, step.value)
            except AssertionError as err:  # no such button: show it in the comparison
                recorder.lines.append(f"# NOT PRESSED: {str(err).splitlines()[0]}")
                continue
        if UPDATE:
            await fake.settle(quiet=0.15)
            continue
        wanted = step.expected_output

        def done(query_id: str | None = query_id, wanted: int = wanted) -> bool:
            answered = query_id is None or fake.callback_query(query_id).answer is not None
            return answered and recorder.outputs >= wanted

        with contextlib.suppress(TimeoutError):  # the comparison shows what is missing
            await user.wait_for(done, _WAIT)
    await fake.settle()
    return recorder.render(script.header)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_transcript(fake: FakeBotApi, bot: BotRunner, path: Path) -> None:
    expected = path.read_text(encoding="utf-8")  # noqa: ASYNC240 - a small local file
    script = parse(expected)
    language = "en" if path.name.endswith(".en.txt") else "nl"
    resident = fake.user(first_name="Sanne", language_code=language)
    actual = await play(fake, resident, script)
    if UPDATE:
        path.write_text(actual, encoding="utf-8")  # noqa: ASYNC240
        return
    assert actual == expected, f"{path.name} differs; UPDATE_TRANSCRIPTS=1 rewrites it"


def test_every_questionnaire_has_two_transcripts() -> None:
    questionnaires = [p.stem for p in QUESTIONNAIRES.glob("*.yaml")]
    assert questionnaires
    for name in questionnaires:
        mine = [p for p in FILES if p.name.startswith(f"{name}.")]
        assert len(mine) >= 2, f"{name} needs at least two transcripts"
    assert any(p.name.endswith(".en.txt") for p in FILES)


def test_parse_counts_outputs() -> None:
    script = parse(
        "# header\n> /start\n< Hallo\n  tweede regel\n\n  derde\n< [Ja] [Nee]\n"
        "# about the press\n* Ja\n! Opgeslagen.\n~ (same text, buttons removed)\n< Fijn\n"
    )
    assert script.header == ["# header"]
    assert [(s.kind, s.value, s.expected_output) for s in script.steps] == [
        (">", "/start", 1),
        ("*", "Ja", 3),
    ]
    assert script.steps[1].comments == ["# about the press"]
