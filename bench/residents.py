"""Simulated residents that hold a whole conversation with the bot, closed loop.

A resident reads the bot's next message, reacts as a person would (consent, pick a
questionnaire, answer the question by typing or with the buttons, revise when done) and
waits for the bot's reply before the next step. An answer counts as *confirmed* when the
bot's reply to it arrives: the next question, or the summary after the last one.
"""

from __future__ import annotations

import asyncio
import html
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from bench.common import QUESTIONNAIRES
from flows.loader import load_directory
from flows.piping import REFERENCE, pipes
from flows.schema import (
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    RankingQuestion,
    ScaleQuestion,
    TextQuestion,
    YesNoQuestion,
)
from flows.texts import t
from sandbox.clients import FakeUser
from sandbox.fakeapi import FakeBotApi
from sandbox.models import BotMessage

REPLY_TIMEOUT = 30.0
_BOLD = re.compile(r"<b>(.*?)</b>", re.DOTALL)
_TEXT_ANSWERS = (
    "Meer prullenbakken in het park, en vaker legen in de zomer.",
    "Betere verlichting op het fietspad langs de school.",
    "Graag meer bomen in onze straat.",
    "Het gaat eigenlijk prima zo.",
)


class Knowledge:
    """What a resident needs to know of the questionnaires to answer like a person."""

    def __init__(self) -> None:
        questionnaires = load_directory(QUESTIONNAIRES)
        self.ids: list[str] = sorted(q.id for q in questionnaires)
        self.by_text: dict[str, AnyQuestion] = {}
        # Texts with an earlier answer piped in ({answer:<id>}): any answer in its place.
        self.piped: list[tuple[re.Pattern[str], AnyQuestion]] = []
        for questionnaire in questionnaires:
            for question in questionnaire.questions:
                for language in ("nl", "en"):
                    text = html.escape(question.text.get(language), quote=False)
                    self.by_text[text] = question
                    if pipes(text):
                        parts = REFERENCE.split(text)[::2]  # the text around the references
                        pattern = ".*?".join(re.escape(part) for part in parts)
                        self.piped.append((re.compile(pattern, re.DOTALL), question))
        # In either form of address: a questionnaire that says "u" says it here too.
        self.finished_more = {
            t(language, "finished.more", address=address)
            for language in ("nl", "en")
            for address in ("je", "u")
        }
        # First, or after the read-back of a typed ranking or date ("Genoteerd: ...").
        self.progress = re.compile(r"(?:^|\n)<i>(Vraag|Question) \d+ (van|of) \d+</i>")

    def question(self, message: BotMessage) -> AnyQuestion | None:
        """The question a message asks, if it is a question message."""
        source = message.html or ""
        if not self.progress.search(source):
            return None
        for bold in _BOLD.findall(source):
            question = self.by_text.get(bold)
            if question is not None:
                return question
            for pattern, piped in self.piped:
                if pattern.fullmatch(bold):
                    return piped
        return None


@dataclass
class Stats:
    """Shared counters of every resident in one run."""

    confirmed_at: list[float] = field(default_factory=list)  # time.monotonic() per answer
    interactions_at: list[float] = field(default_factory=list)  # every update sent
    typed: int = 0
    pressed: int = 0
    completed: int = 0
    revisions: int = 0
    timeouts: int = 0
    unexpected: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # answer -> confirmation, seconds

    def in_window(self, stamps: list[float], start: float, end: float) -> int:
        return sum(1 for stamp in stamps if start <= stamp < end)


class Resident:
    """One simulated resident with a private chat with the bot."""

    def __init__(
        self,
        user: FakeUser,
        knowledge: Knowledge,
        stats: Stats,
        *,
        questionnaire: str,
        seed: int,
        typed_share: float = 0.5,
        max_answers: int | None = None,
    ) -> None:
        self.user = user
        self.knowledge = knowledge
        self.stats = stats
        self.questionnaire = questionnaire
        self.rng = random.Random(seed)
        self.typed_share = typed_share
        self.max_answers = max_answers
        self.confirmed = 0
        self.pending_since: float | None = None  # an answer sent, its reply not yet seen
        self.failed: str | None = None

    # --- the loop -----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event, first: str = "/start") -> None:
        """Talk until ``stop`` is set (or ``max_answers`` are confirmed); never leaves an
        answer without waiting for the bot's reply to it."""
        try:
            await self._send(first)
            while True:
                if self.pending_since is None and (stop.is_set() or self._enough()):
                    return
                message = await self.user.next_message(REPLY_TIMEOUT)
                await self._react(message)
        except TimeoutError as exc:
            self.stats.timeouts += 1
            self.failed = str(exc)

    def _enough(self) -> bool:
        return self.max_answers is not None and self.confirmed >= self.max_answers

    async def _react(self, message: BotMessage) -> None:
        data = [d for row in message.button_data for d in row]
        question = self.knowledge.question(message)
        if question is not None:
            self._confirm()
            if not self._enough():
                await self._answer(question, message, data)
            return
        source = message.html or ""
        if source.startswith("<b>Klaar!") or source.startswith("<b>Done!"):
            self._confirm()
            self.stats.completed += 1
            return
        if source in self.knowledge.finished_more:
            if not self._enough():
                self.stats.revisions += 1
                await self._send(f"/start {self.questionnaire}")
            return
        consent = [d for d in data if d.startswith("c:y")]
        if consent:
            await self._press(consent[0], message)
            return
        pick = f"p:{self.questionnaire}"
        if pick in data:
            await self._press(pick, message)
            return
        revise = f"r:{self.questionnaire}:y"
        if revise in data:
            await self._press(revise, message)
            return
        if self.pending_since is not None:
            # Something other than the next question came back to an answer.
            self.stats.unexpected[source[:60]] += 1

    def _confirm(self) -> None:
        if self.pending_since is None:
            return
        now = time.monotonic()
        self.stats.latencies.append(now - self.pending_since)
        self.stats.confirmed_at.append(now)
        self.confirmed += 1
        self.pending_since = None

    # --- answering ----------------------------------------------------------------------------

    async def _answer(self, question: AnyQuestion, message: BotMessage, data: list[str]) -> None:
        answers = [d for d in data if d.startswith("a:")]
        toggles = [d for d in data if d.startswith("t:")]
        # A ranking is typed in one message ("3 1 2"), as is a date: no Klaar to tap.
        shaped = isinstance(question, RankingQuestion | DateQuestion)
        by_button = not shaped and self.rng.random() >= self.typed_share
        if by_button and answers:
            self.pending_since = time.monotonic()
            self.stats.pressed += 1
            await self._press(self.rng.choice(answers), message)
            return
        if by_button and toggles:
            done = next(d for d in data if d.startswith("d:"))
            query_id = await self._press(self.rng.choice(toggles), message)
            # A person waits for the tick to appear before tapping "Klaar".
            await self.user.wait_callback_answered(query_id, REPLY_TIMEOUT)
            self.pending_since = time.monotonic()
            self.stats.pressed += 1
            await self._press(done, message)
            return
        text = self._typed(question)
        self.pending_since = time.monotonic()
        self.stats.typed += 1
        await self._send(text)

    def _typed(self, question: AnyQuestion) -> str:
        return typed_answer(question, self.rng)

    # --- talking ------------------------------------------------------------------------------

    async def _send(self, text: str) -> None:
        self.stats.interactions_at.append(time.monotonic())
        await self.user.send(text)

    async def _press(self, data: str, message: BotMessage) -> str:
        self.stats.interactions_at.append(time.monotonic())
        return await self.user.press_data(data, message_id=message.message_id)


def typed_answer(question: AnyQuestion, rng: random.Random) -> str:
    """What a person might type to answer ``question``: a label or a postcode in an area,
    an option's number or label, "1, 3", a number in range, "ja" or "nee", a sentence."""
    match question:
        case AreaQuestion():
            area = rng.choice(question.areas)
            if area.postcodes and rng.random() < 0.5:
                return area.postcodes[0][:4]  # a postcode in the area
            return area.label.nl
        case ChoiceQuestion():
            index = rng.randrange(len(question.options))
            return str(index + 1) if rng.random() < 0.5 else question.options[index].label.nl
        case MultiQuestion():
            count = rng.randint(1, min(3, len(question.options)))
            picked = sorted(rng.sample(range(1, len(question.options) + 1), count))
            # As a person would: an option that stands alone ("Ik doe nergens aan mee") alone.
            alone = [n for n in picked if question.options[n - 1].exclusive]
            picked = alone[:1] if alone else picked
            return ", ".join(str(n) for n in picked)
        case ScaleQuestion():
            return str(rng.randint(question.min, question.max))
        case YesNoQuestion():
            return rng.choice(("ja", "nee", "Ja", "Nee"))
        case NumberQuestion():
            return str(rng.randint(int(question.min), int(min(question.max, question.min + 9))))
        case TextQuestion():
            return rng.choice(_TEXT_ANSWERS)
        case RankingQuestion():
            order = list(range(1, len(question.options) + 1))
            rng.shuffle(order)
            return " ".join(str(n) for n in order)
        case DateQuestion():
            day = question.earliest + timedelta(days=rng.randint(0, 300))
            day = min(day, question.latest)
            return f"{day.day}-{day.month}-{day.year}"
    raise TypeError(f"unknown question {question!r}")


R = TypeVar("R", bound=Resident)


def crowd(
    fake: FakeBotApi,
    count: int,
    stats: Stats,
    kind: type[R],
    only: str | None = None,
    **extra: Any,
) -> list[R]:
    """``count`` residents of ``kind`` ("Inwoner0", ...), the questionnaires taken in turn
    (or ``only`` that one), each with a seed of its own; ``extra``: more arguments for
    ``kind``."""
    knowledge = Knowledge()
    ids = [only] if only else knowledge.ids
    if only and only not in knowledge.ids:
        raise ValueError(f"no shipped questionnaire {only!r}; there are {knowledge.ids}")
    return [
        kind(
            fake.user(first_name=f"Inwoner{i}", language_code="nl"),
            knowledge,
            stats,
            questionnaire=ids[i % len(ids)],
            seed=i,
            **extra,
        )
        for i in range(count)
    ]


def summary(values: list[float]) -> dict[str, Any]:
    """Median, 95th percentile and maximum, in milliseconds."""
    if not values:
        return {"p50_ms": None, "p95_ms": None, "max_ms": None}
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    return {"p50_ms": at(0.5), "p95_ms": at(0.95), "max_ms": round(1000 * ordered[-1], 1)}
