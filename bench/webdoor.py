"""Benchmark: the web door against the Telegram door, closed loop, one process each.

Samenspraak runs as ``samenspraak run`` in a child process (SQLite in a temporary folder),
which serves the web door's chat pages next to its long polling. Simulated web residents
(aiohttp, the page's own JSON posts, each with its own cookie) open a questionnaire's page,
consent and answer question after question, each waiting for the answer before the next
post, and start again as a new resident when done. After a warm-up, the answers confirmed
in a fixed window give answers per second, and the bot's CPU per answer. Then the same
measurement through the Telegram door: benchmark 1's residents on the fake Bot API
(:func:`bench.conversation._conversation`), against a fresh bot.

Also the chat page's weight: the page, its stylesheet and its script as a resident's
browser loads them (uncompressed bytes), and that the page refers to nothing elsewhere.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bench import conversation
from bench.common import TOKEN, BotProcess, CpuProbe, bot_env, samenspraak_executable
from flows.texts import plain_text
from sandbox.fakeapi import FakeBotApi
from tests.support.ports import reserve_port

QUESTIONNAIRE = "groen-in-de-wijk"
_LINE = re.compile(r'<li id="m(\d+)" class="(\w+)">(.*?)</li>', re.S)
_BUTTON = re.compile(r'name="press" value="([^"]*)">(.*?)</button>', re.S)
_CSRF = re.compile(r'name="csrf" value="([^"]*)"')
_STEP = re.compile(r'name="step" value="([^"]*)"')
#: Each simulated resident's visit comes from an address of its own, as behind the reverse
#: proxy (the bot believes X-Forwarded-For from the loopback address): the door's limits
#: per address are for one household, not for a benchmark's fifty residents on one host.
_ADDRESSES = itertools.count(1)


def _address() -> str:
    n = next(_ADDRESSES)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


_ELSEWHERE = re.compile(r'(?:src|href)="(?:https?:)?//')
PAGE_LIMIT = 100 * 1024


@dataclass(frozen=True)
class Settings:
    residents: int = 50
    warmup: float = 5.0
    window: float = 20.0


@dataclass
class Count:
    answers: list[float]
    completed: int = 0
    failures: int = 0


class WebResident:
    """One closed-loop resident on the chat page."""

    def __init__(self, base: str, count: Count) -> None:
        self.base, self.count = base, count

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self._once(stop)
            except (aiohttp.ClientError, AssertionError, KeyError):
                self.count.failures += 1

    async def _once(self, stop: asyncio.Event) -> None:
        url = f"{self.base}/praat/{QUESTIONNAIRE}"
        async with aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), headers={"X-Forwarded-For": _address()}
        ) as http:
            async with http.get(url) as response:
                page = await response.text()
            csrf = _CSRF.search(page)
            assert csrf is not None
            found = _STEP.search(page)
            step = html.unescape(found.group(1)) if found else ""  # what a typed answer answers
            lines = _LINE.findall(page)
            line_id, _, body = lines[-1]
            form = {"csrf": csrf.group(1), "press": _BUTTON.findall(body)[0][0], "line": line_id}
            while not stop.is_set():
                async with http.post(url, data=form, headers={"Accept": "application/json"}) as r:
                    answer = await r.json()
                step = answer["step"]
                new = [_LINE.search(item["html"]) for item in answer["lines"]]
                bots = [m for m in new if m is not None and m.group(2) == "bot"]
                texts = [plain_text(m.group(3)) for m in bots]
                if any("Dank je wel voor je mening" in text for text in texts):
                    self.count.answers.append(time.monotonic())
                    self.count.completed += 1
                    return
                question = next((m for m in reversed(bots) if "Vraag " in m.group(3)), None)
                if question is None:  # not taken (a wrong answer): the question is unchanged
                    form = {"csrf": csrf.group(1), "text": "3", "step": step}
                    continue
                if "Fijn dat je meedoet" not in " ".join(texts):
                    self.count.answers.append(time.monotonic())
                form = _answer(csrf.group(1), question.group(1), question.group(3))
                if "text" in form:
                    form["step"] = step


def _answer(csrf: str, line_id: str, body: str) -> dict[str, str]:
    """Press the first answer button; a multi-choice: its "Klaar" after a tick is a second
    post, so take a typed number instead; no buttons: type an answer."""
    buttons = [(v, plain_text(label)) for v, label in _BUTTON.findall(body)]
    answers = [(v, label) for v, label in buttons if not label.startswith(("«", "Sla over"))]
    multiple = any(label.startswith("▫️") for _, label in answers)
    if answers and not multiple:
        return {"csrf": csrf, "press": answers[0][0], "line": line_id}
    if multiple:
        return {"csrf": csrf, "text": "1"}
    if "Typ je antwoord in een bericht" in body:
        return {"csrf": csrf, "text": "Meer bomen en bankjes in de straat."}
    return {"csrf": csrf, "text": "3"}


async def _web(fake: FakeBotApi, workdir: Path, settings: Settings) -> dict[str, Any]:
    reservation = reserve_port()  # held while the bot listens on it
    number = reservation.port
    env = bot_env(fake, f"sqlite+aiosqlite:///{workdir / 'web.db'}", HTTP_PORT=str(number))
    bot = BotProcess("samenspraak", [*samenspraak_executable(), "run"], env, workdir)
    await bot.start(fake)
    base = f"http://127.0.0.1:{number}"
    weight = await _weight(base)
    count = Count([])
    stop = asyncio.Event()
    tasks = [
        asyncio.create_task(WebResident(base, count).run(stop)) for _ in range(settings.residents)
    ]
    try:
        await asyncio.sleep(settings.warmup)
        probe = CpuProbe(bot)
        probe.begin()
        start = time.monotonic()
        await asyncio.sleep(settings.window)
        end = time.monotonic()
        cpu = probe.end()
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 30)
    finally:
        await bot.stop()
        reservation.release()
    answers = sum(1 for at in count.answers if start <= at < end)
    return {
        "answers_in_window": answers,
        "answers_per_second": round(answers / (end - start), 1),
        "bot_cpu_ms_per_answer": round(1000 * probe.bot_seconds / max(answers, 1), 2),
        **cpu,
        "questionnaires_completed": count.completed,
        "failures": count.failures,
        "page": weight,
    }


async def _weight(base: str) -> dict[str, Any]:
    """What a first visit to the chat page loads, in bytes."""
    sizes: dict[str, int] = {}
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/praat/{QUESTIONNAIRE}") as response:
            page = await response.read()
        sizes["page"] = len(page)
        for name in ("chat.css", "chat.js"):
            async with http.get(f"{base}/praat/static/{name}") as response:
                sizes[name] = len(await response.read())
    total = sum(sizes.values())
    text = page.decode().replace(base, "")  # its own address (the secret link) is no other
    return {
        "bytes": sizes,
        "total_bytes": total,
        "under_100_kb": total < PAGE_LIMIT,
        "refers_elsewhere": bool(_ELSEWHERE.search(text)),
    }


async def run(settings: Settings) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="samenspraak-bench-web-") as folder:
        fake = FakeBotApi(TOKEN)
        await fake.start()
        try:
            web_dir, telegram_dir = Path(folder) / "web", Path(folder) / "telegram"
            web_dir.mkdir()
            telegram_dir.mkdir()
            web = await _web(fake, web_dir, settings)
            telegram_settings = conversation.Settings(
                residents=settings.residents,
                warmup=settings.warmup,
                window=settings.window,
                questionnaire=QUESTIONNAIRE,
            )
            telegram = await conversation._conversation(
                fake, telegram_dir, telegram_settings, None
            )
        finally:
            await fake.stop()
    ratio = web["answers_per_second"] / max(telegram["answers_per_second"], 0.1)
    return {
        "settings": {
            "residents": settings.residents,
            "warmup_s": settings.warmup,
            "window_s": settings.window,
            "questionnaire": QUESTIONNAIRE,
        },
        "web_answers_per_second": web["answers_per_second"],
        "telegram_answers_per_second": telegram["answers_per_second"],
        "web_to_telegram": round(ratio, 2),
        "web_cpu_ms_per_answer": web["bot_cpu_ms_per_answer"],
        "telegram_cpu_ms_per_answer": telegram["bot_cpu_ms_per_answer"],
        "page_total_bytes": web["page"]["total_bytes"],
        "page_under_100_kb": web["page"]["under_100_kb"],
        "page_refers_elsewhere": web["page"]["refers_elsewhere"],
        "web": web,
        "telegram": {
            key: telegram[key]
            for key in ("answers_per_second", "bot_cpu_ms_per_answer", "durability", "timeouts")
            if key in telegram
        },
    }


def main() -> dict[str, Any]:
    return asyncio.run(run(Settings()))


if __name__ == "__main__":
    import json

    print(json.dumps(main(), indent=2))
