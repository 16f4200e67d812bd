"""Reports: one model (:mod:`analysis.report`), made into a Word file or a public page.

:class:`ReportService` reads (one storage call, :func:`storage.report.gather_report`),
builds the model (:func:`analysis.report_build.build_report`) and writes it: a .docx for
the council (:mod:`bot.staff.report_docx`) or the results page (:mod:`bot.staff.report_html`).
The page (of a questionnaire or a deliberation) is cached per subject and language until
something it shows changes (:func:`storage.report.stamp`, ``deliberation_stamp``); then
the cached page is served while the new one is made in the background, so only the very
first visitor waits for a build. Used by /rapport, /publiceer, ``samenspraak report`` and
the web server's results page.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from analysis.digest import effect_stats
from analysis.heard import Heard, who_we_heard
from analysis.report import Bilingual, OutcomeNote, Report, Representativeness
from analysis.report_build import ReportInputs, build_report
from analysis.report_heard import representativeness
from analysis.report_opinions import DeliberationFacts, deliberation_report
from analysis.report_sample import sample_results
from bot.core.links import results_path, results_url
from bot.core.services import Services
from bot.staff import report_docx, report_html, stellingen
from flows.deliberation import parse as parse_deliberation
from flows.schema import Questionnaire
from storage import deliberations
from storage import report as store
from storage.digest import effects as effect_tally
from storage.heard import HeardTally, area_question, gather_heard
from storage.outcomes import outcomes_of

log = logging.getLogger(__name__)

#: A report covers the questionnaire's whole life unless a period is asked for.
BEGINNING = datetime(2000, 1, 1, tzinfo=UTC)
MAX_CACHED = 64  # pages (questionnaire, language) kept in memory


class UnknownQuestionnaire(LookupError):
    """No questionnaire with that id."""


#: Seconds a cached page is served on an unchanged :func:`storage.report.quick_stamp`
#: before the questionnaire's own stamp is checked again (changes that leave no new row
#: anywhere, such as retention removing old texts, show within this time).
RECHECK_AFTER = 60.0


@dataclass(slots=True)
class Page:
    body: bytes
    stamp: tuple[object, ...]  # storage.report.stamp when it was made or last checked
    quick: tuple[object, ...]  # storage.report.quick_stamp then
    checked: float  # time.monotonic() then


class ReportService:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._pages: dict[tuple[str, str], Page] = {}
        self._lock = asyncio.Lock()
        self._refreshing: dict[tuple[str, str], asyncio.Task[bytes]] = {}
        self.recheck_after = RECHECK_AFTER

    def questionnaire(self, questionnaire_id: str) -> Questionnaire:
        flow = self.services.catalog.current(questionnaire_id)
        if flow is None:
            raise UnknownQuestionnaire(questionnaire_id)
        return flow.questionnaire

    async def build(
        self,
        questionnaire_id: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Report:
        """The report of one questionnaire or deliberation (default: its whole life until
        now)."""
        settings = self.services.settings
        now = self.services.clock()
        until = until or now + timedelta(seconds=1)
        since = since or BEGINNING
        if since >= until:
            raise ValueError("the period must start before it ends")
        if self.services.catalog.current(questionnaire_id) is None:
            found = await self._deliberation(questionnaire_id, since, until)
            if found is not None:
                return found
        questionnaire = self.questionnaire(questionnaire_id)

        # The results and who was heard read side by side, each on a connection of its own
        # (on SQLite each in its own thread): the report waits for the longer, not both.
        async def results() -> ReportInputs:
            async with self.services.reports() as db:
                return await store.gather_report(db, questionnaire, since, until)

        async def heard() -> HeardTally | None:
            async with self.services.reports() as db:
                return await gather_heard(db, questionnaire, until)

        async def sample_heard() -> HeardTally | None:
            async with self.services.reports() as db:
                return await gather_heard(db, questionnaire, until, sample_only=True)

        inputs, tally = await asyncio.gather(results(), heard())
        sample = None
        if inputs.tallies.sample is not None:  # the sample's results lead, weighted if it can
            sampled = await sample_heard()
            sample = sample_results(
                inputs.tallies,
                questionnaire,
                self._who(questionnaire, sampled),
                min_cell=settings.digest_min_cell,
            )
        return build_report(
            inputs,
            questionnaire,
            municipality=settings.municipality_name,
            generated_at=now,
            min_cell=settings.digest_min_cell,
            representativeness=self._heard(questionnaire, tally),
            sample=sample,
        )

    async def known(self, wanted: str) -> bool:
        """Whether there is a questionnaire or a deliberation with this id."""
        return await self.kind(wanted) is not None

    async def kind(self, wanted: str) -> str | None:
        """ "questionnaire" or "deliberation" (what the id names), None: neither."""
        if self.services.catalog.current(wanted) is not None:
            return "questionnaire"
        async with self.services.reports() as db:
            found = await deliberations.get(db, wanted) is not None
        return "deliberation" if found else None

    async def subjects(self) -> list[str]:
        """The ids of every questionnaire and deliberation, for "choose from"."""
        async with self.services.reports() as db:
            talks = [d.id for d in await deliberations.listing(db)]
        return [f.questionnaire.id for f in self.services.catalog.currents()] + talks

    async def _deliberation(
        self, deliberation_id: str, since: datetime, until: datetime
    ) -> Report | None:
        """A deliberation's report, with its opinion groups and common ground (the digest's
        own read and figures); None when there is no such deliberation."""
        services, settings = self.services, self.services.settings
        async with services.reports() as db:
            info = await deliberations.get(db, deliberation_id)
            if info is None:
                return None
            counts, rows, live, languages = await stellingen.gather(db, info, since, until)
            english = {
                s.number: s.text_en
                for s in await deliberations.statements(db, deliberation_id)
                if s.text_en
            }
            # What /terugkoppeling told under the deliberation's id, and its effect checks,
            # as for a questionnaire (storage.report.gather_report).
            told = tuple(
                OutcomeNote(o.status, o.created_at, o.message_nl, o.message_en)
                for o in await outcomes_of(db, [deliberation_id])
                if o.created_at < until
            )
            tally = await effect_tally(db, deliberation_id, since, until)
        talk = parse_deliberation(info.source, info.id)
        figures, _ = await asyncio.to_thread(
            stellingen.figures_of,
            info,
            talk,
            counts,
            rows,
            live,
            settings.digest_min_cell,
            languages,
        )
        facts = DeliberationFacts(
            info.id,
            Bilingual(talk.title.nl, talk.title.en),
            Bilingual(talk.theme.nl, talk.theme.en),
            Bilingual(talk.intro.nl, talk.intro.en),
            talk.opens_at,
            talk.closes_at,
            since,
            until,
        )
        return deliberation_report(
            facts,
            figures,
            english,
            municipality=settings.municipality_name,
            generated_at=services.clock(),
            min_cell=settings.digest_min_cell,
            outcomes=told,
            effects=effect_stats(tally.counts, tally.new, settings.digest_min_cell),
        )

    def _heard(
        self, questionnaire: Questionnaire, tally: HeardTally | None
    ) -> Representativeness | None:
        """The representativeness section from the digest's figures (None: no wijk asked
        or no population valid at the end of the period, and the section says so)."""
        heard = self._who(questionnaire, tally)
        if tally is None or heard is None:
            return None
        settings = self.services.settings
        stored = tally.population
        return representativeness(
            heard,
            questionnaire,
            source=stored.source,
            valid_from=stored.valid_from,
            zone=settings.zone,
        )

    def _who(self, questionnaire: Questionnaire, tally: HeardTally | None) -> Heard | None:
        """Respondents against the population and weighted results of ``tally``'s counts
        (None: no wijk asked or no population valid at the end of the period)."""
        question = area_question(questionnaire)
        if tally is None or question is None:
            return None
        return who_we_heard(
            questionnaire,
            question,
            [
                (c.wijk_name, c.wijk_code, c.age_band, c.inhabitants)
                for c in tally.population.cells
            ],
            tally.respondents,
            tally.answers,
            answered=tally.answered,
            min_cell=self.services.settings.digest_min_cell,
        )

    async def docx(
        self,
        questionnaire_id: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> tuple[Report, bytes]:
        """The report and its Word file; :class:`report_docx.TemplateError` when
        REPORT_TEMPLATE is broken (checked before anything is read)."""
        template = await asyncio.to_thread(
            report_docx.load_template, self.services.settings.report_template
        )
        report = await self.build(questionnaire_id, since=since, until=until)
        flow = self.services.catalog.current(questionnaire_id)
        chart = report_docx.chart_of(flow.questionnaire) if flow is not None else None
        data = await asyncio.to_thread(
            report_docx.write_docx,
            report,
            chart=chart,
            zone=self.services.settings.zone,
            template=template,
        )
        return report, data

    async def html(
        self,
        questionnaire_id: str,
        language: str = "nl",
        *,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> tuple[Report, str]:
        """The report and its public page, one self-contained HTML file (no internal
        notes)."""
        report = await self.build(questionnaire_id, since=since, until=until)
        return report, report_html.write_html(
            report.public(),
            language=language,
            zone=self.services.settings.zone,
            path=results_path(questionnaire_id),
        )

    # --- The published page -----------------------------------------------------------------

    async def published_page(self, subject_id: str, language: str) -> bytes | None:
        """The results page of a questionnaire or deliberation if an administrator published
        it (None: not public or not known), from the cache while nothing it shows changed."""
        deliberation = self.services.catalog.current(subject_id) is None
        key = (subject_id, language)
        async with self.services.reports() as db:
            if deliberation and await deliberations.get(db, subject_id) is None:
                return None
            if await store.published_at(db, subject_id) is None:
                return None
            # A deliberation's own stamp is a few indexed reads: asked every time (its votes
            # have no id that the quick stamp could follow).
            if deliberation:
                quick = await store.deliberation_stamp(db, subject_id)
            else:
                quick = await store.quick_stamp(db)
            cached = self._pages.get(key)
            now = time.monotonic()
            if (
                cached is not None
                and cached.quick == quick
                and (deliberation or now - cached.checked < self.recheck_after)
            ):
                return cached.body  # nothing new anywhere
            stamp = quick if deliberation else await store.stamp(db, subject_id)
        if cached is not None and cached.stamp == stamp:  # news, but not about this one
            cached.quick, cached.checked = quick, now
            return cached.body
        if cached is not None:
            # Something it shows changed: the page as it was, while the new one is made
            # (one at a time), so no visitor waits for a build once the page exists.
            if key not in self._refreshing:
                task = asyncio.create_task(self._make(key, stamp, quick))
                self._refreshing[key] = task
                task.add_done_callback(lambda done: self._refreshed(key, done))
            return cached.body
        return await self._make(key, stamp, quick)

    async def _make(
        self, key: tuple[str, str], stamp: tuple[object, ...], quick: tuple[object, ...]
    ) -> bytes:
        async with self._lock:  # one build at a time; others wait for it
            cached = self._pages.get(key)
            if cached is not None and cached.stamp == stamp:
                return cached.body
            body = (await self.html(*key))[1].encode()
            if key not in self._pages and len(self._pages) >= MAX_CACHED:
                self._pages.pop(next(iter(self._pages)))
            self._pages[key] = Page(body, stamp, quick, time.monotonic())
            return body

    def _refreshed(self, key: tuple[str, str], task: asyncio.Task[bytes]) -> None:
        self._refreshing.pop(key, None)
        if not task.cancelled() and task.exception() is not None:
            log.error(
                "the results page of %s could not be made again", key[0], exc_info=task.exception()
            )

    async def close(self) -> None:
        """Stop pages being made in the background (when the server stops)."""
        tasks = list(self._refreshing.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def public_url(self, questionnaire_id: str) -> str | None:
        """The results page's address for residents (None: the bot has no public one)."""
        return results_url(self.services.settings, questionnaire_id)
