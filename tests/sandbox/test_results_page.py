"""The sandbox serves the published results pages at the same stable paths as
``samenspraak serve`` (/resultaten/<id>), behind its local-only guard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp

from sandbox.run import Sandbox
from storage import report as store
from tests.digest.helpers import fill


async def test_the_sandbox_serves_a_published_results_page(sandbox: Sandbox) -> None:
    services = sandbox.services
    assert services is not None
    assert services.settings.public_url == sandbox.url  # outcome messages link here
    flow = services.catalog.current("afvalinzameling")
    assert flow is not None
    await fill(
        services.sessions,
        flow.questionnaire,
        8,
        since=datetime.now(UTC) - timedelta(days=3),
        days=2,
    )
    page = f"{sandbox.url}/resultaten/afvalinzameling"
    async with aiohttp.ClientSession() as http:
        async with http.get(page) as response:
            assert response.status == 404, "not published"
        async with services.sessions.begin() as db:
            await store.publish(db, "afvalinzameling", now=datetime.now(UTC))
        async with http.get(page) as response:
            assert response.status == 200
            body = await response.text()
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assert "<h1>Afval ophalen in Rivierstad</h1>" in body
        assert "8 inwoners deden mee" in body
        async with http.get(page + "/en") as response:
            assert response.status == 200
        async with http.get(f"{sandbox.url}/resultaten/bestaat-niet") as response:
            assert response.status == 404
