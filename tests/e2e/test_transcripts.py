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
is in English (``*.ar.txt`` Arabic, ``*.tr.txt`` Turkish: any language with a catalog), the
others by a Dutch one.

Files in ``transcripts/staff/`` are played against the bot as the municipality runs it:
administrator ``ADMIN`` of tests/e2e/test_admin.py, a digest group (``digest_chat_id``,
no schedule), fast jobs, and a clock that starts at ``NOW`` and runs at the real pace, so
dates and periods in the texts are the same on every run. They name their parties::

    @admin          who acts and whose chat the lines below show, until the next @ line:
                    admin, resident (a Dutch resident) or group (a member of the digest
                    group typing there; the lines show the bot's messages in the group)

Any transcript may also hold::

    + fietsen.yaml                a document sent: that file from ``transcripts/files/``
    < [photo]                     a photo, a document or other media the bot sent; its
    < [document: mijngegevens.json]     caption on the further, indented lines (the file's
                                  content is not shown)

Output of one input that lands in several chats is shown chat by chat: the acting party's
first, then the others in the order of their first ``@`` line, each under its ``@`` line.
What happened before the first input, out of sight, is in ``BEFORE`` (by file name) and
told in the file's header; e.g. ``staff/digest.txt`` starts after six residents answered.

The test replays the ``>``, ``*`` and ``+`` lines and compares the whole conversation
exactly. ``UPDATE_TRANSCRIPTS=1 pytest tests/e2e/test_transcripts.py`` rewrites the files
from the actual run (comments are kept); read the diff before committing it. A button that
is not there shows up as a ``# NOT PRESSED: ...`` line in the comparison.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.texts import LANGUAGES
from sandbox.clients import UserClient
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage, SandboxEvent
from tests.conftest import QUESTIONNAIRES
from tests.e2e.conftest import BotRunner, running_bot
from tests.e2e.outcome_helpers import SCHOOL_THEME, seed
from tests.e2e.test_admin import ADMIN, running
from tests.e2e.test_digest import SIX, everyone
from tests.support.clocks import Offset

HERE = Path(__file__).resolve().parent / "transcripts"
STAFF = HERE / "staff"
ATTACHMENTS = HERE / "files"
UPDATE = os.environ.get("UPDATE_TRANSCRIPTS") == "1"
FILES = sorted(HERE.glob("*.txt"))
#: A test questionnaire with texts in Dutch, English, Arabic and Turkish, played in each.
LANGUAGE_DIR = HERE / "languages"
LANGUAGE_FILES = sorted(LANGUAGE_DIR.glob("*.txt"))
STAFF_FILES = sorted(STAFF.glob("*.txt"))
_BUTTON_ROW = re.compile(r"^[<~] \[.*\]$")
_MEDIA_KINDS = "photo|video|animation|audio|voice|video_note|sticker|location|contact|poll"
_MEDIA = re.compile(rf"^[<~] \[(?:{_MEDIA_KINDS}|document: [^\]]+)\]$")
_PARTY = re.compile(r"^@([a-z][a-z0-9-]*)$")
# Seconds to wait for the expected output of one input: long, because a busy machine (the
# suite's workers on two CPUs) can take several seconds for a first digest with its chart;
# the wait ends as soon as the output is there. Once one input's output did not come, the
# comparison fails anyway, and the inputs after it wait only _WAIT_AFTER_A_MISS.
_WAIT = 30.0
_WAIT_AFTER_A_MISS = 2.0

# The staff transcripts' clock starts here (10:00 in Rivierstad) and runs: every date and
# time in their texts is the same on every run, as long as one takes less than a minute.
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
RESIDENT = 7_000_001  # the staff transcripts' resident (/mijngegevens shows a code of it)
GROUP = -7_000_002
MEMBER = 7_000_003
ROLES = ("admin", "resident", "group")


@dataclass
class Step:
    """One input and the comments written above it."""

    kind: str  # ">" typed, "*" pressed, "+" a file sent
    value: str
    comments: list[str] = field(default_factory=list)
    expected_output: int = 0  # notices, edits and messages in the file after this input
    party: str = ""  # who gives it ("" in a resident's transcript without @ lines)


@dataclass
class Script:
    header: list[str]
    steps: list[Step]
    parties: list[str] = field(default_factory=list)  # the @ names, in order of appearance


def parse(text: str) -> Script:
    header: list[str] = []
    steps: list[Step] = []
    pending: list[str] = []
    parties: list[str] = []
    party = ""
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            (pending if steps else header).append(line)
        elif match := _PARTY.match(line):
            if steps and not parties:
                raise ValueError(f"line {number}: the first @ line after the first input")
            party = match.group(1)
            if party not in parties:
                parties.append(party)
        elif line.startswith(("> ", "* ", "+ ")):
            steps.append(Step(line[0], line[2:], comments=pending, party=party))
            pending = []
        elif line.startswith(("< ", "~ ", "! ")):
            if not steps:
                raise ValueError(f"line {number}: bot output before the first input")
            if _MEDIA.match(line) or not _BUTTON_ROW.match(line):
                steps[-1].expected_output += 1
        elif line and not line.startswith("  "):
            raise ValueError(f"line {number}: unknown line {line!r}")
    # Comments between the header and the first input belong to the header.
    if pending:
        raise ValueError("comments after the last input")
    return Script(header, steps, parties)


def _block(marker: str, text: str) -> list[str]:
    first, *rest = text.split("\n")
    return [f"{marker} {first}".rstrip(), *(f"  {line}".rstrip() for line in rest)]


def _body(message: BotMessage) -> str:
    """A message's text; for a photo or document a placeholder, then its caption."""
    if message.kind == "text":
        return message.text
    if message.kind == "document":
        placeholder = f"[document: {message.document_name}]"
    else:
        placeholder = f"[{message.kind}]"
    return placeholder + (f"\n{message.caption}" if message.caption else "")


def _rows(marker: str, message: BotMessage) -> list[str]:
    return [f"{marker} " + " ".join(f"[{label}]" for label in row) for row in message.buttons]


@dataclass
class Recorder:
    """Everything the bot shows the parties, as transcript lines, in order.

    ``chats`` names each chat shown; a single unnamed ("") one is a resident's transcript
    without ``@`` lines.
    """

    fake: FakeBotApi
    chats: dict[int, str]
    lines: list[str] = field(default_factory=list)
    outputs: int = 0  # notices, edits and messages since the last input
    _party: str = ""  # the @ line in force at the end of ``lines``
    _actor: int = 0  # the chat of the party giving the current input
    _step: dict[int, list[tuple[int, list[str]]]] = field(default_factory=dict)
    _texts: dict[tuple[int, int], str] = field(default_factory=dict)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.unsubscribe = self.fake.subscribe(self._on_event)

    def _on_event(self, event: SandboxEvent) -> None:
        if event.chat_id not in self.chats:
            return
        message = event.message
        if event.kind == "message" and message is not None:
            body = _body(message)
            self._texts[event.chat_id, message.message_id] = body
            self._add(event.chat_id, 2, [*_block("<", body), *_rows("<", message)])
        elif event.kind == "edited" and message is not None:
            body = _body(message)
            same = self._texts.get((event.chat_id, message.message_id)) == body
            self._texts[event.chat_id, message.message_id] = body
            rows = _rows("~", message)
            if same:
                head = ["~ (same text)" if rows else "~ (same text, buttons removed)"]
            else:
                head = _block("~", body)
            self._add(event.chat_id, 1, [*head, *rows])
        elif event.kind == "callback_answered" and event.query is not None:
            answer = event.query.answer
            if answer is not None and answer.text:
                self._add(event.chat_id, 0, [f"! {answer.text}"])
        self._changed.set()

    def _add(self, chat_id: int, rank: int, lines: list[str]) -> None:
        self._step.setdefault(chat_id, []).append((rank, lines))
        self.outputs += 1

    async def wait_for(self, condition: Callable[[], bool], within: float) -> None:
        """Until ``condition()`` holds, re-checked at every event in the chats shown."""
        deadline = time.monotonic() + within
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.1))

    def _switch(self, party: str) -> None:
        if party != self._party:
            self.lines.append(f"@{party}")
            self._party = party

    def begin(self, step: Step, chat_id: int) -> None:
        self._flush()
        if self.lines:
            self.lines.append("")
        self.lines.extend(step.comments)
        self._switch(step.party)
        self.lines.append(f"{step.kind} {step.value}")
        self._actor = chat_id
        self.outputs = 0

    def _flush(self) -> None:
        # The acting party's chat first, then the others; within a chat a stable sort: the
        # order within each kind is the order of arrival.
        order = [self._actor, *(chat for chat in self.chats if chat != self._actor)]
        for chat in order:
            if chat not in self._step:
                continue
            self._switch(self.chats[chat])
            for _, lines in sorted(self._step[chat], key=lambda item: item[0]):
                self.lines.extend(lines)
        self._step = {}

    def render(self, header: list[str]) -> str:
        self._flush()
        self.unsubscribe()
        return "\n".join([*header, *self.lines]) + "\n"


async def _press(fake: FakeBotApi, user: UserClient, label: str) -> str:
    try:
        return await user.press(label)
    except AssertionError:  # perhaps the message with the button is still on its way
        await fake.settle()
        return await user.press(label)


async def _send_file(user: UserClient, name: str) -> None:
    path = ATTACHMENTS / name
    yaml = path.suffix.lower() in (".yaml", ".yml")
    content = path.read_bytes()
    await user.send_document(name, content, "application/x-yaml" if yaml else "text/plain")


async def play(
    fake: FakeBotApi, cast: dict[str, UserClient], script: Script, *, quiet: float = 0.15
) -> str:
    """Replay the inputs, each by its party in ``cast``; returns the conversation as it
    actually went. ``quiet``: when rewriting, how long the bot must have been silent before
    the next input (the output of an input is not known then)."""
    recorder = Recorder(fake, {user.chat_id: name for name, user in cast.items()})
    wait = _WAIT
    for step in script.steps:
        user = cast[step.party]
        recorder.begin(step, user.chat_id)
        query_id: str | None = None
        if step.kind == ">":
            await user.send(step.value)
        elif step.kind == "+":
            await _send_file(user, step.value)
        else:
            try:
                query_id = await _press(fake, user, step.value)
            except AssertionError as err:  # no such button: show it in the comparison
                recorder.lines.append(f"# NOT PRESSED: {str(err).splitlines()[0]}")
                continue
        if UPDATE:
            await fake.settle(quiet=quiet)
            continue
        wanted = step.expected_output

        def done(query_id: str | None = query_id, wanted: int = wanted) -> bool:
            answered = query_id is None or fake.callback_query(query_id).answer is not None
            return answered and recorder.outputs >= wanted

        try:
            await recorder.wait_for(done, wait)
        except TimeoutError:  # the comparison shows what is missing
            wait = _WAIT_AFTER_A_MISS
    await fake.settle(quiet=quiet if UPDATE else 0.05)
    return recorder.render(script.header)


def _compare(path: Path, actual: str, expected: str) -> None:
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
        return
    assert actual == expected, f"{path.name} differs; UPDATE_TRANSCRIPTS=1 rewrites it"


@pytest.fixture
async def bot(fake: FakeBotApi, database_url: str) -> AsyncIterator[BotRunner]:
    """The bot as the tests run it, but with room for a whole long questionnaire (the
    Burgerpeiling's 30 answers) typed at machine speed: the flood guard, which would say
    "Rustig aan" after 20 updates in 10 seconds, has its own tests (test_flood.py)."""
    async with running_bot(fake, database_url, flood_max_updates=100) as runner:
        yield runner


def transcript_language(path: Path) -> str:
    """``x.ar.txt`` is played by a resident whose Telegram is in Arabic; no code: Dutch."""
    code = path.stem.rpartition(".")[2]
    return code if code in LANGUAGES and "." in path.stem else "nl"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
async def test_transcript(fake: FakeBotApi, bot: BotRunner, path: Path) -> None:
    expected = path.read_text(encoding="utf-8")  # noqa: ASYNC240 - a small local file
    script = parse(expected)
    assert not script.parties, "@ lines only in staff/ transcripts"
    language = transcript_language(path)
    resident = fake.user(first_name="Sanne", language_code=language)
    actual = await play(fake, {"": resident}, script)
    _compare(path, actual, expected)


@pytest.mark.parametrize("path", LANGUAGE_FILES, ids=[p.stem for p in LANGUAGE_FILES])
async def test_transcript_in_every_language(fake: FakeBotApi, sqlite_url: str, path: Path) -> None:
    """``languages/buurtfeest.<code>.txt``: the bot's texts and the questionnaire's in the
    resident's language (the questionnaire in ``languages/questionnaires/``)."""
    expected = path.read_text(encoding="utf-8")  # noqa: ASYNC240 - a small local file
    script = parse(expected)
    assert "# NOT PRESSED" not in expected, "a button of the conversation was missing"
    resident = fake.user(first_name="Sanne", language_code=transcript_language(path))
    folder = LANGUAGE_DIR / "questionnaires"
    async with running_bot(fake, sqlite_url, questionnaires_dir=folder):
        actual = await play(fake, {"": resident}, script)
    _compare(path, actual, expected)


def test_a_transcript_in_every_language_the_bot_speaks() -> None:
    assert {transcript_language(p) for p in LANGUAGE_FILES} == set(LANGUAGES)


# What happened before a staff transcript's first input, out of sight (by file stem).
BEFORE: dict[str, Callable[[FakeBotApi, BotRunner], Awaitable[object]]] = {
    # Six residents answered Afval ophalen, as in tests/e2e/test_digest.py.
    "digest": lambda fake, _bot: everyone(fake, SIX),
    # The resident wants invitations about Verkeersveiligheid (straight into the database).
    "publiceren": lambda fake, bot: seed(
        bot, fake, 1, invitations=[SCHOOL_THEME], first_id=RESIDENT
    ),
}


@pytest.mark.parametrize("path", STAFF_FILES, ids=[p.stem for p in STAFF_FILES])
async def test_staff_transcript(fake: FakeBotApi, database_url: str, path: Path) -> None:
    expected = path.read_text(encoding="utf-8")  # noqa: ASYNC240 - a small local file
    script = parse(expected)
    unknown = set(script.parties) - set(ROLES)
    assert script.parties and not unknown, f"@ lines name one of {ROLES}, not {unknown}"
    group = fake.group(GROUP, title="Team participatie")
    settings = {
        "digest_chat_id": GROUP,
        "digest_schedule": "off",
        "jobs_interval": 0.5,
        "broadcast_rate": 200,
        "broadcast_chat_interval": 0.2,
    }
    clock = Offset()  # real time moved back to NOW: it runs, but the minute stays 10:00
    clock.offset = NOW - datetime.now(UTC)
    async with running(fake, database_url, clock, **settings) as runner:
        roles: dict[str, Callable[[], UserClient]] = {
            "admin": lambda: fake.user(ADMIN),
            "resident": lambda: fake.user(RESIDENT, first_name="Sanne"),
            "group": lambda: group.member(MEMBER, first_name="Ambtenaar"),
        }
        cast = {name: roles[name]() for name in script.parties}
        before = BEFORE.get(path.stem)
        if before is not None:
            await before(fake, runner)
            await fake.settle()
        actual = await play(fake, cast, script, quiet=1.0)
    _compare(path, actual, expected)


def test_every_setup_has_its_transcript() -> None:
    assert set(BEFORE) <= {p.stem for p in STAFF_FILES}


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
    assert script.parties == []


def test_parse_parties_files_and_media() -> None:
    script = parse(
        "# header\n@admin\n+ fietsen.yaml\n< Voorbeeld\n< [Publiceren]\n"
        "# now the resident\n@resident\n> /mijngegevens\n< [document: mijngegevens.json]\n"
        "  Alles wat we over je bewaren.\n< Dit bewaren we\n@admin\n< [photo]\n"
    )
    assert script.header == ["# header"]
    assert script.parties == ["admin", "resident"]
    assert [(s.party, s.kind, s.value, s.expected_output) for s in script.steps] == [
        ("admin", "+", "fietsen.yaml", 1),
        ("resident", ">", "/mijngegevens", 3),
    ]
    assert script.steps[1].comments == ["# now the resident"]
    with pytest.raises(ValueError, match="the first @ line after the first input"):
        parse("> /start\n@admin\n> /beheer\n")
