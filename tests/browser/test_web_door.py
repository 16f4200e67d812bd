"""The web door in a real browser: headless Chromium at phone width (390 px) and at desktop
width. A resident opens the questionnaire's page, answers by tapping and typing (the
script posts without reloading), closes the tab half-way, comes back, finishes and
switches language; axe-core (bundled, no internet) finds no serious or critical WCAG 2.1
AA violation; no request leaves the server; and with JavaScript off the same
questionnaire completes through plain forms. And a letter's address (``/doe-mee/<code>``)
opens its questionnaire, which completes as the sample's response.

Served as ``samenspraak serve`` serves it (the webhook server, the fake Bot API in front).
Screenshots go to a temporary folder; ``UPDATE_SCREENSHOTS=1`` refreshes the README's
copies in ``docs/screenshots/``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from flows import codes as shapes
from sandbox.fakeapi import FakeBotApi
from storage import codes as stored
from tests.browser.conftest import serious
from tests.browser.test_results_page import DESKTOP
from tests.browser.test_sandbox_browser import CHROMIUM, PHONE, SCREENSHOTS
from tests.e2e.conftest import TOKEN, WebhookRunner, running_bot
from tests.support.bots import SECRET

try:
    from axe_playwright_python.async_playwright import Axe
    from playwright.async_api import Browser, Page, expect
except ImportError:  # pragma: no cover - depends on the machine
    Axe = None

GROEN = "groen-in-de-wijk"
TIMEOUT = 10_000  # ms for one step of the conversation

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(240),
    pytest.mark.skipif(Axe is None, reason="Playwright or axe-playwright-python is missing"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing"),
]


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[WebhookRunner]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'samenspraak.db'}"
    fake = FakeBotApi(TOKEN)
    await fake.start()
    async with running_bot(fake, url, webhook=True) as runner:
        assert isinstance(runner, WebhookRunner)
        yield runner
    await fake.stop()


@pytest.fixture
async def base_url(served: WebhookRunner) -> str:
    return served.base_url


async def _accessible(page: Page) -> None:
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
    results = await Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
    assert serious(results) == []


async def _bot_says(page: Page, text: str) -> None:
    await expect(page.locator("#log li.bot").last).to_contain_text(text, timeout=TIMEOUT)


async def _tap(page: Page, label: str) -> None:
    await page.locator("#log li").last.get_by_role("button", name=label).click()


async def _type(page: Page, text: str) -> None:
    await page.get_by_label("Typ je antwoord").fill(text)
    await page.keyboard.press("Enter")


@pytest.mark.parametrize(("size", "name"), [(PHONE, "390"), (DESKTOP, "desktop")])
async def test_answer_close_the_tab_come_back_and_finish(
    base_url: str, browser: Browser, size: dict[str, int], name: str
) -> None:
    context = await browser.new_context(viewport=size, locale="nl-NL")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = await context.new_page()
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    url = f"{base_url}/praat/{GROEN}"
    await page.goto(url)
    assert await page.get_attribute("html", "lang") == "nl"
    assert await page.get_attribute("html", "dir") == "ltr"
    await _accessible(page)

    await _tap(page, "Ja, ik doe mee")
    await _bot_says(page, "Vraag 1 van 8")
    # Keyboard only: the first answer button has the focus after the new question came.
    focused = await page.evaluate("() => document.activeElement.textContent")
    assert focused == "Centrum"
    await page.keyboard.press("Enter")
    await _bot_says(page, "Vraag 2 van 8")
    await _type(page, "1")
    await _bot_says(page, "Vraag 3 van 8")
    assert len(loads) == 1, "answers came without a page reload"
    await _accessible(page)
    width = await page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= size["width"], "no sideways scrolling"
    if name:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SCREENSHOTS / f"web-door-{name}.png"))

    await page.close()  # half-way: the tab is closed
    page = await context.new_page()
    await page.goto(url)
    await _bot_says(page, "Vraag 3 van 8")  # where the resident was
    for number, typed in enumerate(["4", "2", "6", "3"], start=4):
        await _type(page, typed)
        await _bot_says(page, f"Vraag {number} van 8")
    await _type(page, "nee")
    await _bot_says(page, "Heb je een idee om je wijk groener")
    await _type(page, "Meer bankjes bij de vijver.")
    await expect(page.locator("#log li.bot").nth(-2)).to_contain_text(
        "Klaar! Dank je wel voor je mening.", timeout=TIMEOUT
    )
    # Another language: the page follows it.
    await page.get_by_role("button", name="Taal / Language").click()
    await _tap(page, "English")
    await expect(page.locator("html")).to_have_attribute("lang", "en", timeout=TIMEOUT)
    await expect(page.get_by_label("Type your answer")).to_be_visible()
    await _accessible(page)
    origin = urlsplit(base_url).netloc
    assert {urlsplit(request).netloc for request in requests} == {origin}
    await context.close()


async def test_the_questionnaire_completes_without_javascript(
    base_url: str, browser: Browser
) -> None:
    context = await browser.new_context(viewport=PHONE, locale="nl-NL", java_script_enabled=False)
    page = await context.new_page()
    await page.goto(f"{base_url}/praat/{GROEN}")
    await _tap(page, "Ja, ik doe mee")
    await _bot_says(page, "Vraag 1 van 8")
    await _tap(page, "Centrum")
    for typed in ["1", "4", "2", "6", "3", "nee"]:
        await page.get_by_label("Typ je antwoord").fill(typed)
        await page.get_by_role("button", name="Stuur").click()
    await _bot_says(page, "Heb je een idee om je wijk groener")
    await page.get_by_label("Typ je antwoord").fill("Een moestuin voor de buurt.")
    await page.get_by_role("button", name="Stuur").click()
    await expect(page.locator("#log li.bot").nth(-2)).to_contain_text(
        "Klaar! Dank je wel voor je mening.", timeout=TIMEOUT
    )
    # (axe needs scripts in the page: it checks the same markup in the test above.)
    await context.close()


async def test_a_letter_s_code_opens_the_questionnaire_and_it_completes(
    served: WebhookRunner, browser: Browser
) -> None:
    """The address in an invitation letter, typed as printed (grouped, lower case): the
    page of its questionnaire, consent first, then the code counts; answered to the end,
    the response is the sample's."""
    assert served.services is not None
    [code] = shapes.new_codes(1)
    async with served.services.sessions.begin() as db:
        key = shapes.code_key(SECRET.encode())
        await stored.store_codes(db, GROEN, [shapes.code_digest(key, code)])
    context = await browser.new_context(viewport=PHONE, locale="nl-NL")
    page = await context.new_page()
    await page.goto(f"{served.base_url}/doe-mee/{shapes.grouped(code).lower()}")
    assert urlsplit(page.url).path == f"/praat/{GROEN}"  # the code is not in the address bar
    await _bot_says(page, "Hallo!")
    await _tap(page, "Ja, ik doe mee")
    await _bot_says(page, "Vraag 1 van 8")
    await expect(page.locator("#log")).to_contain_text("Je code klopt", timeout=TIMEOUT)
    await _tap(page, "Centrum")
    await _bot_says(page, "Vraag 2 van 8")  # the tap's answer before the next is typed
    for number, typed in enumerate(["1", "4", "2", "6", "3"], start=3):
        await _type(page, typed)
        await _bot_says(page, f"Vraag {number} van 8")
    await _type(page, "nee")
    await _bot_says(page, "Heb je een idee om je wijk groener")
    await _type(page, "Een bank onder de boom.")
    await expect(page.locator("#log li.bot").nth(-2)).to_contain_text(
        "Klaar! Dank je wel voor je mening.", timeout=TIMEOUT
    )
    await _accessible(page)
    await context.close()
    async with served.services.sessions() as db:
        tally = await stored.sample_tally(db, GROEN)
    assert tally is not None
    assert (tally.sent, tally.used, tally.started, tally.completed) == (1, 1, 1, 1)


async def test_continuing_on_another_device_asks_first(base_url: str, browser: Browser) -> None:
    """The link "Verder op een ander apparaat", opened in another browser that has a
    conversation of its own: a page asks first (accessible), and "Ja, ga verder" (a
    same-origin post, with the ``Origin`` Chromium sends) continues where the first
    browser was."""
    first = await (await browser.new_context(viewport=PHONE, locale="nl-NL")).new_page()
    await first.goto(f"{base_url}/praat/{GROEN}")
    await _tap(first, "Ja, ik doe mee")
    await _bot_says(first, "Vraag 1 van 8")
    await _tap(first, "Centrum")
    await _bot_says(first, "Vraag 2 van 8")
    await first.get_by_text("Verder op een ander apparaat").click()
    link = await first.locator("details a").get_attribute("href")
    assert link is not None and "/verder/" in link

    other = await (await browser.new_context(viewport=PHONE, locale="nl-NL")).new_page()
    await other.goto(f"{base_url}/praat/{GROEN}")  # a conversation of its own
    await other.goto(link)
    await expect(other.get_by_role("heading")).to_have_text(
        "Doorgaan met het gesprek van het andere apparaat?"
    )
    await _accessible(other)
    await other.get_by_role("button", name="Ja, ga verder").click()
    await _bot_says(other, "Vraag 2 van 8")
    assert urlsplit(other.url).path == f"/praat/{GROEN}"
