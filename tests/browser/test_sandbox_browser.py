"""The sandbox in a real browser: headless Chromium, driven by Playwright.

A resident goes through a whole questionnaire by clicking the bot's buttons and typing in
the answer box, a civil servant types ``/digest`` in the group, and screenshots of the
conversation at phone width land in ``docs/screenshots/``.

Needs the Debian package ``chromium`` (``/usr/bin/chromium``) and the Python package
``playwright`` (``pip install playwright``; ``playwright install`` is not needed). The
test is skipped, saying which one is missing, without them.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import socket
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest

from sandbox.clients import default_png
from sandbox.run import new_token, run_sandbox
from tests.conftest import ROOT

if TYPE_CHECKING:
    from playwright.async_api import Browser, Locator, Page

try:
    from playwright.async_api import async_playwright, expect
except ImportError:  # pragma: no cover - depends on the machine
    async_playwright = None  # type: ignore[assignment]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Screenshots go to a temporary folder; UPDATE_SCREENSHOTS=1 refreshes the README's copies.
SCREENSHOTS = (
    ROOT / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "samenspraak-screenshots"
)
PHONE = {"width": 390, "height": 844}
#: The sandbox's token in these tests: random like every run's, known to call the Bot API.
TOKEN = new_token()
WAIT = 15_000  # ms, for each step of the bot

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(240),
    pytest.mark.skipif(
        async_playwright is None,
        reason="Playwright for Python is not installed (.venv/bin/pip install playwright)",
    ),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing (Debian: apt-get install chromium)",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
async def sandbox_url(tmp_path: Path) -> AsyncIterator[str]:
    """``run_sandbox`` on a free port, with its own database; stopped afterwards."""
    port = free_port()
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_sandbox(
            port=port,
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'sandbox.db'}",
            stop=stop,
            token=TOKEN,
        )
    )
    url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        for _ in range(600):
            if task.done():
                task.result()
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(url + "/api/state") as response:
                    if response.status == 200:
                        break
            await asyncio.sleep(0.05)
        else:
            raise TimeoutError("the sandbox did not start")
    try:
        yield url
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


class Watch:
    """Errors of the page: uncaught exceptions and console errors."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text}")


def bot_message(page: Page, text: str) -> Locator:
    """The newest message of the bot that contains ``text``."""
    return page.locator("#messages li.message.in", has_text=text).last


async def press(page: Page, question: str, label: str | re.Pattern[str]) -> None:
    """Wait for the bot's message with ``question`` and click its button ``label``."""
    message = bot_message(page, question)
    button = message.get_by_role("button", name=label)
    await expect(button).to_be_visible(timeout=WAIT)
    await button.click()


async def type_answer(page: Page, question: str, answer: str) -> None:
    """Wait for the bot's message with ``question`` and type ``answer`` in the answer box."""
    await expect(bot_message(page, question)).to_be_visible(timeout=WAIT)
    box = page.get_by_role("textbox", name="Message")
    await box.fill(answer)
    await box.press("Enter")
    await expect(page.locator("#messages li.message.out", has_text=answer).last).to_be_visible()


async def unlabeled_controls(page: Page) -> list[str]:
    """Visible buttons, links and fields without an accessible name."""
    found: list[str] = await page.evaluate(
        """() => [...document.querySelectorAll('button, a[href], input, textarea')]
            .filter((e) => e.getClientRects().length)
            .filter((e) => getComputedStyle(e).visibility !== 'hidden')
            .filter((e) => !(e.textContent.trim() || e.getAttribute('aria-label')
                || (e.labels && e.labels.length) || e.getAttribute('title')))
            .map((e) => e.outerHTML.slice(0, 120))"""
    )
    return found


async def sticking_out(page: Page) -> list[str]:
    """Visible elements that reach beyond the window's right edge."""
    found: list[str] = await page.evaluate(
        """() => [...document.body.querySelectorAll('*')]
            .filter((e) => e.getClientRects().length && !e.closest('.sr-only'))
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map((e) => e.outerHTML.slice(0, 100))"""
    )
    return found


async def snap(page: Page, name: str) -> None:
    """A screenshot for the documentation, without a hover or focus ring in it."""
    await page.mouse.move(0, 0)
    await page.evaluate("() => document.activeElement && document.activeElement.blur()")
    await page.wait_for_timeout(150)
    await page.screenshot(path=str(SCREENSHOTS / name))


async def test_a_resident_completes_a_questionnaire_in_the_browser(
    sandbox_url: str, browser: Browser
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, locale="nl-NL", timezone_id="Europe/Amsterdam"
    )
    page = await context.new_page()
    watch = Watch(page)
    await page.goto(sandbox_url)

    # A new chat with the bot, as in Telegram: a START button instead of the answer box.
    await expect(page.get_by_role("heading", name="Samenspraak", level=2)).to_be_visible()
    start = page.get_by_role("button", name="Start", exact=True)
    await expect(start).to_be_visible(timeout=WAIT)
    assert await unlabeled_controls(page) == []
    await start.click()

    await press(page, "Doe je mee?", "Ja, ik doe mee")
    await press(page, "Kies een vragenlijst", re.compile("Afval"))

    # Keyboard only: Enter on a focused button answers, and the focus moves on to the
    # first button of the next question (the answered one lost its buttons).
    area = bot_message(page, "In welke wijk woon je?").get_by_role("button", name="Centrum")
    await expect(area).to_be_visible(timeout=WAIT)
    await area.focus()
    await page.keyboard.press("Enter")
    await expect(bot_message(page, "In welke wijk woon je?")).to_contain_text("Centrum")
    await expect(page.locator(":focus")).to_contain_text("Eigen containers", timeout=WAIT)
    await page.keyboard.press("Enter")

    await press(page, "Hoe tevreden ben je over de ophaaldagen", "4")
    await type_answer(page, "grofvuil laten ophalen", "2")
    await expect(
        bot_message(page, "wegbrengen van grofvuil").get_by_role("button", name="3")
    ).to_be_visible(timeout=WAIT)
    await snap(page, "sandbox-resident-390.png")
    await press(page, "wegbrengen van grofvuil", "3")

    # A multi-choice question: the message is edited in place as options are ticked.
    question = "Hoe hoor je over wijzigingen"
    await press(page, question, re.compile("Via de afvalapp"))
    ticked = bot_message(page, question).get_by_role("button", name=re.compile("✅.*afvalapp"))
    await expect(ticked).to_be_visible(timeout=WAIT)
    await press(page, question, re.compile("Website van de gemeente"))
    await expect(
        bot_message(page, question).get_by_role("button", name=re.compile("✅.*Website"))
    ).to_be_visible(timeout=WAIT)
    await snap(page, "sandbox-resident-question-390.png")
    await press(page, question, re.compile("Klaar"))

    await press(page, "Welk cijfer geef je de afvalapp", "8")
    await press(page, "klacht of melding over afval", re.compile("Nee, niets gemeld"))
    await type_answer(page, "Wat kan de gemeente beter doen", "Vaker legen in de zomer, graag!")

    done = bot_message(page, "Bedankt voor je antwoorden")
    await expect(done).to_be_visible(timeout=WAIT)
    await expect(done).to_contain_text("Vaker legen in de zomer")
    assert await sticking_out(page) == [], "nothing sticks out at 390 px"
    await snap(page, "sandbox-resident-done-390.png")

    # The chat list (a second screen on a phone): residents, the group, the administrator.
    await page.get_by_role("button", name="Back to the chats").click()
    chats = page.get_by_role("navigation")
    await expect(chats.get_by_role("button", name=re.compile("Anna"))).to_be_visible()
    assert await unlabeled_controls(page) == []
    assert await sticking_out(page) == []
    await snap(page, "sandbox-chats-390.png")

    # The civil servants' group: /digest.
    await chats.get_by_role("button", name=re.compile("Ambtenaren Rivierstad")).click()
    box = page.get_by_role("textbox", name="Message")
    await box.fill("/digest")
    await box.press("Enter")
    sent = page.locator("#messages li.message.out", has_text="/digest")
    await expect(sent).to_be_visible(timeout=WAIT)
    # The digest arrives: its text with the questionnaire's title, then the chart image.
    text = page.locator("#messages li.message.in", has_text="Afval ophalen in Rivierstad")
    await expect(text.first).to_be_visible(timeout=WAIT)
    chart = page.locator("#messages li.message.in figure.photo img").last
    await expect(chart).to_be_visible(timeout=WAIT)
    width = await chart.evaluate("img => img.decode().then(() => img.naturalWidth)")
    assert width == 1080, "the chart image loaded"
    assert await sticking_out(page) == []
    await snap(page, "sandbox-group-390.png")

    # The smallest common phone width: still nothing sticks out, in the chat or the list.
    await page.set_viewport_size({"width": 360, "height": 740})
    assert await sticking_out(page) == []
    await page.get_by_role("button", name="Back to the chats").click()
    assert await sticking_out(page) == []

    assert watch.errors == []
    await context.close()


async def test_add_a_resident_by_keyboard_and_see_the_desktop_layout(
    sandbox_url: str, browser: Browser
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = await browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="en-GB", timezone_id="Europe/Amsterdam"
    )
    page = await context.new_page()
    watch = Watch(page)
    await page.goto(sandbox_url)
    await expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible(timeout=WAIT)

    add = page.get_by_role("button", name="Add a resident")
    await add.focus()
    await page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Add a resident")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_role("textbox", name="Name")).to_be_focused()
    await page.keyboard.type("Sam")
    await dialog.get_by_role("radio", name="English").check()
    await dialog.get_by_role("button", name="Add resident").press("Enter")
    await expect(dialog).to_be_hidden()

    # The new resident's chat is open, with the START button focused.
    start = page.get_by_role("button", name="Start", exact=True)
    await expect(start).to_be_focused(timeout=WAIT)
    await expect(page.locator("#chat-as")).to_contain_text("Sam")
    await page.keyboard.press("Enter")
    welcome = bot_message(page, "Will you take part?")
    await expect(welcome).to_be_visible(timeout=WAIT)
    await expect(welcome.locator(".bubble")).to_have_attribute("lang", "en")
    # Commands in the bot's text can be clicked, like in Telegram.
    await expect(welcome.get_by_role("button", name="/privacy")).to_be_visible()
    await press(page, "Will you take part?", "Yes, I'll take part")
    await expect(bot_message(page, "Choose a questionnaire")).to_be_visible(timeout=WAIT)

    # The command menu opens from its button and closes with Escape.
    menu = page.get_by_role("button", name="Commands of the bot")
    await menu.click()
    await expect(page.locator("#commands")).to_be_visible()
    await expect(page.locator(":focus")).to_contain_text("/start")
    await page.keyboard.press("Escape")
    await expect(page.locator("#commands")).to_be_hidden()
    await expect(menu).to_be_focused()

    assert await unlabeled_controls(page) == []
    await snap(page, "sandbox-desktop.png")

    # Whatever the bot sends shows up live: an image inline, a document to download, an
    # edit in place, a deletion. (Sent here straight through the Bot API, as the bot would.)
    sam = int((await page.evaluate("() => location.hash")).split("=")[1])
    async with aiohttp.ClientSession() as session:

        async def bot(method: str, **fields: Any) -> Any:
            form = aiohttp.FormData()
            for name, value in fields.items():
                if isinstance(value, bytes):
                    form.add_field(name, value, filename=f"{name}.bin")
                else:
                    form.add_field(name, str(value))
            async with session.post(f"{sandbox_url}/bot{TOKEN}/{method}", data=form) as r:
                body = await r.json()
                assert body["ok"], body
                return body["result"]

        await bot("sendPhoto", chat_id=sam, photo=default_png(320, 200), caption="Grafiek")
        image = page.locator("#messages figure.photo img").last
        await expect(image).to_be_visible(timeout=WAIT)
        assert await image.evaluate("i => i.complete && i.naturalWidth === 320")
        await expect(image).to_have_attribute("alt", "Image: Grafiek")

        await bot("sendDocument", chat_id=sam, document=b"id;antwoord\n1;ja\n")
        download = page.get_by_role("link", name="Download document.bin")
        await expect(download).to_have_attribute("download", "document.bin")

        sent = await bot(
            "sendMessage",
            chat_id=sam,
            text="<b>Eerst</b> &amp; &lt;script&gt;x&lt;/script&gt;",
            parse_mode="HTML",
        )
        bubble = page.locator(f"#m-{sam}-{sent['message_id']}")
        await expect(bubble).to_contain_text("Eerst & <script>x</script>", timeout=WAIT)
        assert await bubble.locator("script").count() == 0, "bot text is never HTML"
        await bot("editMessageText", chat_id=sam, message_id=sent["message_id"], text="Daarna")
        await expect(bubble).to_contain_text("Daarna", timeout=WAIT)
        await expect(bubble).to_contain_text("edited")
        await bot("deleteMessage", chat_id=sam, message_id=sent["message_id"])
        await expect(bubble).to_have_count(0, timeout=WAIT)

    # Start again: Sam and everything said are gone; Anna is back with an empty chat.
    await page.get_by_role("button", name="Start again…").click()
    reset = page.get_by_role("dialog", name="Start again?")
    await expect(reset.get_by_role("button", name="Cancel")).to_be_focused()
    await reset.get_by_role("button", name="Start again").click()
    residents = page.get_by_role("list", name="Residents")
    await expect(residents.get_by_role("button")).to_have_count(1, timeout=WAIT)
    await expect(residents.get_by_role("button", name=re.compile("Anna"))).to_be_visible()
    await expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible()
    await expect(page.locator("#messages li.message")).to_have_count(0)

    assert watch.errors == []
    await context.close()


async def direction(locator: Locator) -> str:
    """The direction the browser lays ``locator`` out in: ``rtl`` or ``ltr``."""
    found: str = await locator.evaluate("e => getComputedStyle(e).direction")
    return found


async def test_an_arabic_speaking_resident_reads_right_to_left(
    sandbox_url: str, browser: Browser
) -> None:
    """A resident whose Telegram is in Arabic: the bot speaks Arabic, and the web chat lays
    out each Arabic bubble and button right to left, a Dutch one (a questionnaire without
    Arabic text) left to right."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, locale="ar", timezone_id="Europe/Amsterdam"
    )
    page = await context.new_page()
    watch = Watch(page)
    await page.goto(sandbox_url)
    await expect(page.get_by_role("button", name="Start", exact=True)).to_be_visible(timeout=WAIT)
    await page.get_by_role("button", name="Back to the chats").click()  # a phone: the list
    await page.get_by_role("button", name="Add a resident").click()
    dialog = page.get_by_role("dialog", name="Add a resident")
    await dialog.get_by_role("textbox", name="Name").fill("Layla")
    await dialog.get_by_role("radio", name=re.compile("Arabic")).check()
    await dialog.get_by_role("button", name="Add resident").click()
    await expect(dialog).to_be_hidden()
    await page.get_by_role("button", name="Start", exact=True).click()

    welcome = bot_message(page, "هل تشارك؟")
    await expect(welcome).to_be_visible(timeout=WAIT)
    assert await direction(welcome.locator(".text")) == "rtl"
    yes = welcome.get_by_role("button", name="نعم، أشارك")
    assert await direction(yes) == "rtl"
    await yes.click()
    await press(page, "اختر استبيانًا", re.compile("Afval"))
    question = bot_message(page, "In welke wijk woon je?")
    await expect(question).to_be_visible(timeout=WAIT)
    # "السؤال 1 من 7" first: the bubble is right to left, the Dutch question in it is not.
    assert await direction(question.locator(".text")) == "rtl"
    assert await direction(question.get_by_role("button", name="Centrum")) == "ltr"
    await question.get_by_role("button", name="Centrum").click()
    await expect(bot_message(page, "إجابتك: Centrum")).to_be_visible(timeout=WAIT)
    await expect(
        bot_message(page, "Welke containers").get_by_role("button", name="« السابق")
    ).to_be_visible(timeout=WAIT)
    assert await sticking_out(page) == []
    await snap(page, "sandbox-arabic-390.png")
    assert watch.errors == []
    await context.close()
