"""Digests for civil servants: when they are due, and building and sending them to the group.

A digest covers one period per questionnaire that is open or closed within the period, or
whose effect checks were answered in the period (those come weeks after closing). Each
questionnaire's part is one read (:func:`storage.digest.gather`), then its figures
(:func:`analysis.digest.compute`), then text, caption and chart (:mod:`bot.staff.render`,
:mod:`bot.staff.charts`). Each digest sent is recorded (:mod:`storage.digest_log`); the
next scheduled period starts where the last one ended, so after downtime a missed digest
goes out once, and nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import TelegramError

from analysis.counts import clamp_min_cell
from analysis.digest import compute
from analysis.figures import QuestionnaireDigest, figures_of
from analysis.tallies import Tallies
from bot.core.metrics import DIGESTS_SENT
from bot.core.schedule import Schedule
from bot.core.services import Services
from bot.staff import render
from bot.staff import stellingen as deliberations
from bot.staff.heard import HeardBlock, heard_block, heard_caption, sample_weighted_lines
from bot.staff.split import split_messages
from flows.lifecycle import availability
from flows.machine import Flow
from flows.schema import Questionnaire
from flows.texts import Html
from storage import deliberations as talks
from storage import digest as store
from storage import digest_log
from storage.heard import gather_heard

log = logging.getLogger(__name__)
DEFAULT_PERIOD = timedelta(days=7)
#: A closing digest goes out only for a questionnaire that closed at most this long ago.
FINAL_WITHIN = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Part:
    """What one questionnaire contributes: text messages and at most one chart."""

    questionnaire_id: str
    messages: list[Html]
    chart: bytes | None
    caption: Html
    figures: dict[str, object]
    quiet: bool = False  # nothing happened in the period (see QuestionnaireDigest.quiet)
    #: More photos after the chart: (PNG, caption), e.g. respondents against the population.
    photos: list[tuple[bytes, Html]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Digest:
    kind: str
    since: datetime
    until: datetime
    parts: list[Part] = field(default_factory=list)
    questionnaire_id: str | None = None
    zone: tzinfo | None = None  # TIMEZONE, for the period of an empty digest

    def text(self) -> str:
        """Everything as one text, for the terminal."""
        return "\n\n".join("\n".join(p.messages) for p in self.parts) or self.empty()

    def empty(self) -> Html:
        """What /digest says when no questionnaire has anything new."""
        # In local time, as every other digest: ``since`` is often UTC (from the clock or
        # the database), and its zone would show the period an hour or two off.
        return render.nothing_new(self.since, self.zone or self.since.tzinfo)


def _aware(moment: datetime, zone: tzinfo) -> datetime:
    """A questionnaire's date; without a zone it is local time."""
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


#: Sent after a digest that arrived only in part.
INCOMPLETE = Html(
    "<i>Een deel van dit overzicht kon niet worden verstuurd. Vraag het opnieuw op met "
    "/digest (of /digest &lt;vragenlijst&gt;).</i>"
)


async def _note_incomplete(bot: Bot, chat_id: int, digest: Digest) -> None:
    try:
        await bot.send_message(chat_id, INCOMPLETE, parse_mode=ParseMode.HTML)
    except TelegramError:
        log.warning("could not say that the %s digest is incomplete", digest.kind)


class DigestService:
    def __init__(self, services: Services, schedule: Schedule, chat_id: int | None) -> None:
        self.services = services
        self.schedule = schedule
        self.chat_id = chat_id
        self._lock = asyncio.Lock()  # the job and /digest never build two at once

    def flows_for(self, since: datetime, until: datetime) -> list[Flow]:
        """Open questionnaires, and those that closed within the period."""
        catalog, zone = self.services.catalog, self.services.settings.zone
        chosen = []
        for flow in catalog.currents():
            questionnaire = flow.questionnaire
            status = catalog.status(questionnaire.id)
            if status in {"draft", "archived"}:
                continue
            if status == "open" and availability(questionnaire, until, zone) == "open":
                chosen.append(flow)
                continue
            closes = questionnaire.closes_at
            if closes is not None and since <= _aware(closes, zone) <= until:
                chosen.append(flow)
        return chosen

    async def build(
        self,
        *,
        kind: str,
        since: datetime,
        until: datetime,
        questionnaire_id: str | None = None,
        charts: bool = True,
    ) -> Digest:
        """A part per questionnaire (one, or those :meth:`flows_for` the period and those
        with answered effect checks); without ``charts`` no chart is drawn."""
        if questionnaire_id is not None:
            flow = self.services.catalog.current(questionnaire_id)
            if flow is None:  # a deliberation by its id (open or closed)
                parts = await self._deliberations(
                    since, until, charts=charts, only=questionnaire_id
                )
                if not parts:
                    raise LookupError(f"no questionnaire or deliberation {questionnaire_id!r}")
                # The digest log names questionnaires only: its figures name the deliberation.
                return Digest(kind, since, until, parts, None, self.services.settings.zone)
            flows = [flow]
        else:
            flows = await self._with_effects(self.flows_for(since, until), since, until)
        parts = [
            await self._part(flow.questionnaire, kind, since, until, charts=charts)
            for flow in flows
        ]
        if questionnaire_id is None:
            parts += await self._deliberations(since, until, charts=charts)
            # Quiet questionnaires are left out; one asked for by name is always shown.
            parts = [part for part in parts if not part.quiet]
        return Digest(kind, since, until, parts, questionnaire_id, self.services.settings.zone)

    async def _part(
        self,
        questionnaire: Questionnaire,
        kind: str,
        since: datetime,
        until: datetime,
        *,
        charts: bool,
    ) -> Part:
        """Read (the digest's counts and who was heard, side by side), compute the figures,
        write text, caption and charts (the charts in worker threads)."""
        settings = self.services.settings
        min_cell, zone = settings.digest_min_cell, settings.zone

        # The digest's own counts and "who did we hear" (respondents against the population,
        # for the weighted results) read side by side, each on a connection of its own (on
        # SQLite each in its own thread), as the report does: the digest waits for the
        # longer read, not for both one after the other. The shorter heard read goes on to
        # its weighting, text and chart (in a worker thread) while the own read runs.
        async def own() -> Tallies:
            async with self.services.reports() as db:
                return await store.gather(db, questionnaire, since, until, chat_id=self.chat_id)

        async def heard_part() -> HeardBlock | None:
            async with self.services.reports() as db:
                tally = await gather_heard(db, questionnaire, until)
            return await heard_block(
                tally, questionnaire, min_cell=min_cell, zone=zone, charts=charts
            )

        tallies, heard = await asyncio.gather(own(), heard_part())
        # The sample's results weighted, once enough of it completed to show them.
        sample = tallies.sample
        sample_weighted: list[str] = []
        if sample is not None and sample.completed >= clamp_min_cell(min_cell):
            async with self.services.reports() as db:
                sample_weighted = await sample_weighted_lines(
                    db, questionnaire, until, min_cell=min_cell
                )
        figures = compute(tallies, questionnaire, min_cell=min_cell)
        text = render.compose(
            figures, questionnaire, kind=kind, zone=zone, sample_weighted=sample_weighted
        )
        if heard is not None:
            text = Html("\n".join([text, "", *heard.lines]))
        chart = None
        if charts and figures.answered:
            chart = await asyncio.to_thread(_chart, figures, questionnaire, zone)
        photos = []
        if heard is not None and heard.chart is not None:
            photos.append((heard.chart, heard_caption(questionnaire)))
        return Part(
            questionnaire.id,
            split_messages(text),
            chart,
            render.caption(figures, questionnaire, zone=zone),
            {**figures_of(figures), **({"heard": dict(heard.figures)} if heard else {})},
            figures.quiet,
            photos,
        )

    async def _deliberations(
        self, since: datetime, until: datetime, *, charts: bool, only: str | None = None
    ) -> list[Part]:
        """A part per open deliberation (:mod:`bot.staff.stellingen`), and per closed one
        whose effect checks were answered in the period; with ``only``, the part of that
        deliberation, open or closed (none if there is no such one)."""
        settings = self.services.settings
        found: list[Part] = []
        async with self.services.reports() as db:
            answered = set(await store.effect_questionnaires(db, since, until))
            for info in await talks.listing(db):
                wanted = info.status == talks.OPEN or info.id in answered
                if not wanted if only is None else info.id != only:
                    continue
                figures, text, chart = await deliberations.part(
                    db,
                    info,
                    since,
                    until,
                    settings.zone,
                    min_group=settings.digest_min_cell,
                    charts=charts,
                )
                found.append(
                    Part(
                        info.id,
                        split_messages(text),
                        chart,
                        deliberations.caption(figures),
                        {"votes": figures.counts.votes},
                        figures.quiet,
                    )
                )
        return found

    async def _with_effects(
        self, flows: list[Flow], since: datetime, until: datetime
    ) -> list[Flow]:
        """``flows`` and the questionnaires (not drafts) whose effect checks were answered in
        the period, in questionnaire order."""
        catalog = self.services.catalog
        async with self.services.reports() as db:
            answered = await store.effect_questionnaires(db, since, until)
        chosen = {flow.questionnaire.id: flow for flow in flows}
        for questionnaire_id in answered:
            flow = catalog.current(questionnaire_id)
            if flow is not None and catalog.status(questionnaire_id) != "draft":
                chosen.setdefault(questionnaire_id, flow)
        return [chosen[questionnaire_id] for questionnaire_id in sorted(chosen)]

    async def send(self, bot: Bot, chat_id: int, digest: Digest) -> None:
        """Send every part, then record the digest as sent.

        A scheduled digest without parts (nothing happened in its period) is recorded but
        not posted: the group hears nothing, and the next period starts after this one.
        /digest without parts says so in one line.

        A failure before anything arrived is raised: the job tries the whole digest again
        later. Once part of it is in the chat, the rest is not sent again with it (the team
        would read the same figures twice): the digest is recorded as sent, and a short note
        says what is missing and how to get it.
        """
        delivered = 0
        try:
            if not digest.parts and digest.kind != "scheduled":
                await bot.send_message(chat_id, digest.empty(), parse_mode=ParseMode.HTML)
            for part in digest.parts:
                for message in part.messages:
                    await bot.send_message(chat_id, message, parse_mode=ParseMode.HTML)
                    delivered += 1
                if part.chart is not None:
                    await bot.send_photo(
                        chat_id, part.chart, caption=part.caption, parse_mode=ParseMode.HTML
                    )
                    delivered += 1
                for photo, caption in part.photos:
                    await bot.send_photo(
                        chat_id, photo, caption=caption, parse_mode=ParseMode.HTML
                    )
                    delivered += 1
        except TelegramError as exc:
            if not delivered:
                raise
            log.error(
                "%s digest: %d message(s) sent, then Telegram refused the next one (%s); "
                "not sending it again",
                digest.kind,
                delivered,
                exc,
            )
            await _note_incomplete(bot, chat_id, digest)
        if digest.parts or digest.kind != "scheduled":
            DIGESTS_SENT.labels(kind=digest.kind).inc()  # sent, whether or not recorded
        async with self.services.sessions.begin() as db:
            await digest_log.record_digest(
                db,
                kind=digest.kind,
                chat_id=chat_id,
                period_start=digest.since,
                period_end=digest.until,
                figures={p.questionnaire_id: p.figures for p in digest.parts},
                questionnaire_id=digest.questionnaire_id,
                sent_at=self.services.clock(),
            )
        log.info("%s digest sent: %d questionnaire(s)", digest.kind, len(digest.parts))

    # --- When digests are due --------------------------------------------------------------

    async def on_demand(self, bot: Bot, chat_id: int, questionnaire_id: str | None) -> None:
        """/digest: what is new since the last scheduled digest, until now."""
        async with self._lock:
            now = self.services.clock()
            since = await self.last_scheduled_end(chat_id) or now - DEFAULT_PERIOD
            digest = await self.build(
                kind="on_demand", since=since, until=now, questionnaire_id=questionnaire_id
            )
            await self.send(bot, chat_id, digest)

    async def tick(self, bot: Bot) -> None:
        """The job: a scheduled digest when a slot has passed, closing digests when due."""
        if self.chat_id is None:
            return
        async with self._lock:
            await self._scheduled(bot, self.chat_id)
            await self._finals(bot, self.chat_id)

    async def deliberation_ids(self) -> list[str]:
        """The ids of every stored deliberation (for ``/digest <id>``)."""
        async with self.services.sessions() as db:
            return [info.id for info in await talks.listing(db)]

    async def last_scheduled_end(self, chat_id: int | None) -> datetime | None:
        """Where the last scheduled digest (to ``chat_id``; None: to any chat) ended: the
        next one, and every digest on demand, starts there."""
        async with self.services.sessions() as db:
            last = await digest_log.last_scheduled(db, chat_id)
        return last.period_end if last else None

    async def _scheduled(self, bot: Bot, chat_id: int) -> bool:
        """The digest of the latest slot of the schedule, unless it went out already; after
        downtime one digest covers every slot missed."""
        zone = self.services.settings.zone
        slot = self.schedule.previous_slot(self.services.clock(), zone)
        if slot is None:
            return False
        end = await self.last_scheduled_end(chat_id)
        if end is not None and end >= slot:
            return False  # this slot's digest went out already
        since = end or self.schedule.slot_before(slot, zone)
        digest = await self.build(kind="scheduled", since=since, until=slot)
        await self.send(bot, chat_id, digest)
        return True

    async def _finals(self, bot: Bot, chat_id: int) -> int:
        """A closing digest for each questionnaire that closed (by hand or by its date) in
        the last :data:`FINAL_WITHIN`, once."""
        now = self.services.clock()
        sent = 0
        for questionnaire, closes in self._closed(now):
            if not await self._final_due(questionnaire.id, closes, now):
                continue
            until = closes or now
            # As /digest: what is new since the last scheduled digest. Not since the last
            # digest of any kind: /digest for another questionnaire, or another one's
            # closing digest, would cut this one's period short.
            end = await self.last_scheduled_end(chat_id)
            since = end if end is not None and end < until else until - DEFAULT_PERIOD
            digest = await self.build(
                kind="final", since=since, until=until, questionnaire_id=questionnaire.id
            )
            await self.send(bot, chat_id, digest)
            sent += 1
        return sent

    async def _final_due(
        self, questionnaire_id: str, closes: datetime | None, now: datetime
    ) -> bool:
        """No closing digest went out yet, and the questionnaire closed (at ``closes``, else
        when it was closed by hand) at most :data:`FINAL_WITHIN` ago."""
        async with self.services.sessions() as db:
            if await digest_log.final_sent(db, questionnaire_id):
                return False
            closed = closes or await digest_log.closed_at(db, questionnaire_id)
        # Closed long before digests were switched on (or the bot was down for weeks): old
        # news is no closing digest; /digest <id> still shows it.
        return closed is None or closed >= now - FINAL_WITHIN

    def _closed(self, now: datetime) -> list[tuple[Questionnaire, datetime | None]]:
        """Questionnaires closed at ``now`` (not drafts, not archived), each with its
        ``closes_at`` when that is what closed it (None: closed by hand)."""
        zone, catalog = self.services.settings.zone, self.services.catalog
        closed: list[tuple[Questionnaire, datetime | None]] = []
        for flow in catalog.currents():
            questionnaire = flow.questionnaire
            status = catalog.status(questionnaire.id)
            if status in {"draft", "archived"}:
                continue  # never open, or put away: no closing digest
            if availability(questionnaire, now, zone) == "closed":
                assert questionnaire.closes_at is not None  # only a date closes it
                closed.append((questionnaire, _aware(questionnaire.closes_at, zone)))
            elif status == "closed":
                closed.append((questionnaire, None))
        return closed


def _chart(data: QuestionnaireDigest, questionnaire: Questionnaire, zone: tzinfo) -> bytes:
    """One image per questionnaire: its first page keeps the chart legible on a phone;
    every question is in the text as bars as well. (matplotlib loads on first use.)"""
    from bot.staff.charts import render_chart_pages

    return render_chart_pages(data, questionnaire, zone=zone, limit=1)[0]
