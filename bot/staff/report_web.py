"""The public results page on the web server: ``GET /resultaten/<id>`` (Dutch) and
``/resultaten/<id>/en`` (English), served by ``samenspraak serve`` and by the sandbox.

Only a page an administrator published is served; anything else (an unknown or malformed
id, a page not published) is the same plain 404, so the server tells nobody which
questionnaires exist. The page is cached until what it shows changes
(:meth:`ReportService.published_page`) and carries an ETag, so a browser that has it gets a
304. Headers forbid everything the page does not need: no scripts, no requests elsewhere,
no framing, no referrer, no sniffing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from aiohttp import web

from bot.core.links import RESULTS_PATH
from bot.staff.report_html import CSP
from bot.staff.reports import ReportService
from flows.schema import SLUG

log = logging.getLogger(__name__)

HEADERS = {
    "Content-Security-Policy": CSP + "; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",  # a browser may keep it, but asks (ETag) before using it
}

Provider = Callable[[], ReportService | None]


def add_routes(app: web.Application, reports: Provider) -> None:
    """The results page's two routes on ``app``; ``reports`` gives the service to use (None
    while the bot is not running: 503)."""
    page = ResultsPage(reports)
    app.router.add_get(RESULTS_PATH + "/{questionnaire}", page.dutch)
    app.router.add_get(RESULTS_PATH + "/{questionnaire}/en", page.english)


class ResultsPage:
    def __init__(self, reports: Provider) -> None:
        self.reports = reports

    async def dutch(self, request: web.Request) -> web.Response:
        return await self._serve(request, "nl")

    async def english(self, request: web.Request) -> web.Response:
        return await self._serve(request, "en")

    async def _serve(self, request: web.Request, language: str) -> web.Response:
        questionnaire_id = request.match_info["questionnaire"]
        if not SLUG.fullmatch(questionnaire_id):
            return _not_found()
        service = self.reports()
        if service is None:
            return web.Response(status=503, text="starting, try again\n")
        try:
            body = await service.published_page(questionnaire_id, language)
        except Exception:
            log.exception("the results page of %s failed", questionnaire_id)
            return web.Response(status=500, text="the page cannot be made now\n")
        if body is None:
            return _not_found()
        tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {**HEADERS, "ETag": tag, "Content-Language": language}
        if tag in request.headers.get("If-None-Match", ""):
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, headers=headers, content_type="text/html", charset="utf-8")


def _not_found() -> web.Response:
    return web.Response(
        status=404, text="not found\n", headers={"X-Content-Type-Options": "nosniff"}
    )
