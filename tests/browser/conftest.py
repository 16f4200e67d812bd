"""What the browser tests share: Debian's Chromium, started headless for a test, and
axe-core's findings that fail a test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.test_sandbox_browser import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from playwright.async_api import Browser

try:
    from playwright.async_api import async_playwright
except ImportError:  # the tests using it skip, saying so
    async_playwright = None  # type: ignore[assignment]

#: axe-core's impacts that fail a test.
SERIOUS = {"serious", "critical"}


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    assert async_playwright is not None
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            await chromium.close()


def serious(results: Any) -> list[str]:
    """axe-core's serious and critical violations, one line each (none: [])."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]
