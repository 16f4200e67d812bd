"""A golden transcript of a shipped questionnaire at the web door: the conversation of
``transcripts/web/*.txt`` replayed over HTTP against ``samenspraak serve``'s chat page and
compared exactly, in the notation of ``test_transcripts.py`` (``<`` a new message, ``~``
the change of a message already on the page, ``!`` a notice). A first input
``> (opens /praat/<id>)`` opens the page. ``UPDATE_TRANSCRIPTS=1`` rewrites the files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sandbox.fakeapi import FakeBotApi
from tests.e2e.conftest import WebhookRunner, running_bot
from tests.e2e.test_transcripts import UPDATE, parse
from tests.support.doors import Message, Said, WebResident

HERE = Path(__file__).resolve().parent / "transcripts" / "web"
FILES = sorted(HERE.glob("*.txt"))
_OPENS = re.compile(r"^\(opens /praat/([a-z0-9-]+)\)$")


def _block(marker: str, text: str) -> list[str]:
    first, *rest = text.split("\n")
    return [f"{marker} {first}".rstrip(), *(f"  {line}".rstrip() for line in rest)]


def _message(marker: str, message: Message, before: str | None = None) -> list[str]:
    body = message.text
    if message.document is not None:
        body = f"[document: {message.document}]" + (f"\n{body}" if body else "")
    rows = [f"{marker} " + " ".join(f"[{label}]" for label in row) for row in message.buttons]
    if before is not None and before == body:
        return ["~ (same text)" if rows else "~ (same text, buttons removed)", *rows]
    return [*_block(marker, body), *rows]


def _lines(said: Said) -> list[str]:
    out = [f"! {said.notice}"] if said.notice else []
    for edit in said.edits:
        out += _message("~", edit, edit.before)
    for message in said.messages:
        out += _message("<", message)
    return out


def _read(path: Path) -> str:
    return path.read_text()


def _write(path: Path, text: str) -> None:
    path.write_text(text)


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
async def test_web_transcript(path: Path, fake: FakeBotApi, sqlite_url: str) -> None:
    script = parse(_read(path))
    async with running_bot(fake, sqlite_url, webhook=True) as bot:
        assert isinstance(bot, WebhookRunner)
        resident = WebResident(bot.base_url)
        lines = list(script.header)
        try:
            for step in script.steps:
                lines += [*step.comments, f"{step.kind} {step.value}"]
                opens = _OPENS.match(step.value)
                if opens:
                    said = await resident.open(opens.group(1), n=-1)
                elif step.kind == "*":
                    said = await resident.press(step.value, n=-1)
                else:
                    said = await resident.say(step.value, n=-1)
                lines += _lines(said)
                lines.append("")
        finally:
            await resident.close()
    actual = "\n".join(lines).rstrip("\n") + "\n"
    if UPDATE:
        _write(path, actual)
    assert actual == _read(path)
