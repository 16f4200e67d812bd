"""The public results page in a real browser: headless Chromium at phone width (390 px) and
at desktop width, checked by axe-core (bundled with axe-playwright-python, so no internet)
for WCAG 2.1 AA, by keyboard, and for requests: the page makes none of its own.

The page is served as ``samenspraak serve`` serves it (the webhook server, with the fake Bot
API in front), after an administrator published it. Screenshots go to a temporary folder;
``UPDATE_SCREENSHOTS=1`` refreshes the README's copies in ``docs/screenshots/``.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sandbox.fakeapi import FakeBotApi
from storage import report as store
from tests.browser.conftest import serious
from tests.browser.test_sandbox_browser import CHROMIUM, PHONE, SCREENSHOTS
from tests.digest.helpers import fill
from tests.e2e.conftest import TOKEN, WebhookRunner, running_bot
from tests.e2e.test_report_heard import seed_heard

try:
    from axe_playwright_python.async_playwright import Axe
    from playwright.async_api import Browser, async_playwright
except ImportError:  # pragma: no cover - depends on the machine
    async_playwright = None  # type: ignore[assignment]

DESKTOP = {"width": 1280, "height": 900}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(240),
    pytest.mark.skipif(
        async_playwright is None,
        reason="Playwright or axe-playwright-python is not installed (pip install -e .[dev])",
    ),
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason=f"{CHROMIUM} is missing (Debian: apt-get install chromium)",
    ),
]


@pytest.fixture
async def page_url(tmp_path: Any) -> AsyncIterator[str]:
    """The published results page of afvalinzameling, with 40 responses and 34 more from
    residents with a profile, compared with a population (the representativeness section
    filled)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'samenspraak.db'}"
    fake = FakeBotApi(TOKEN)
    await fake.start()
    async with running_bot(fake, url, webhook=True) as runner:
        assert isinstance(runner, WebhookRunner) and runner.services is not None
        services = runner.services
        flow = services.catalog.current("afvalinzameling")
        assert flow is not None
        since = datetime.now(UTC) - timedelta(days=6)
        await fill(services.sessions, flow.questionnaire, 40, since=since, days=5)
        await seed_heard(runner)
        async with services.sessions.begin() as db:
            await store.publish(db, "afvalinzameling", now=datetime.now(UTC))
        yield f"{runner.base_url}/resultaten/afvalinzameling"
    await fake.stop()


@pytest.mark.parametrize(("size", "name"), [(PHONE, "390"), (DESKTOP, "desktop")])
@pytest.mark.parametrize("language", ["nl", "en"])
async def test_results_page_is_accessible_and_makes_no_requests(
    page_url: str, browser: Browser, size: dict[str, int], name: str, language: str
) -> None:
    context = await browser.new_context(viewport=size, locale="nl-NL")
    page = await context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    url = page_url + ("/en" if language == "en" else "")
    response = await page.goto(url)
    assert response is not None and response.status == 200
    assert requests == [url], "no requests besides the page itself"
    assert await page.get_attribute("html", "lang") == language

    results = await Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    assert serious(results) == []
    weighted = "Weighted by area and age" if language == "en" else "Gewogen naar wijk en leeftijd"
    assert await page.locator("h3", has_text=weighted).count() == 1, "the section is filled"

    # Headings in order: one h1, then h2s, h3s beneath them.
    levels = await page.evaluate(
        "() => [...document.querySelectorAll('h1,h2,h3')].map(h => Number(h.tagName[1]))"
    )
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
    # Every chart has a text alternative; the same numbers are in a table.
    charts = page.locator("svg[role=img]")
    assert await charts.count() >= 5
    for i in range(await charts.count()):
        label = await charts.nth(i).get_attribute("aria-label")
        assert label and "%" in label
    # Keyboard: the first Tab lands on the skip link, which is then visible.
    await page.keyboard.press("Tab")
    focused = await page.evaluate("() => document.activeElement.className")
    assert focused == "skip"
    box = await page.locator("a.skip").bounding_box()
    assert box is not None and box["x"] >= 0
    # Nothing wider than the screen: no sideways scrolling on a phone.
    width = await page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= size["width"]

    if language == "nl":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        await page.keyboard.press("Escape")
        await page.evaluate("() => document.activeElement && document.activeElement.blur()")
        if name == "desktop":  # the results: a chart with its table
            await page.evaluate("() => document.querySelector('#results').scrollIntoView()")
        await page.screenshot(path=str(SCREENSHOTS / f"results-{name}.png"))
    await context.close()
