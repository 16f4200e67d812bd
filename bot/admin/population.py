"""A reference population (inhabitants per wijk and age band) uploaded by an administrator:
a CSV sent in chat (CBS "Kerncijfers wijken en buurten" or a simple wijk/age/inhabitants
file), or ``samenspraak population import FILE [--from DATE]`` on the command line.

The file is read (:func:`analysis.population.parse_population`: every problem with its line
number), mapped onto the wijken of the questionnaires' ``profile: wijk`` questions
(:func:`analysis.areas.map_population`: by CBS wijk code or by name; a wijk that matches
none, or more than one, is listed and the file refused, never guessed), then previewed. In
chat it is stored as a draft and used from its date only once the administrator taps
Opslaan; on the command line it is stored at once. A refused file changes nothing; every
attempt is in the audit log.

Button data (:class:`PopulationButton`): ``pop:y:<id>`` save the draft, ``pop:n:<id>``
cancel it; administrators only (``admin_only``).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from typing import Literal

from telegram import Document, InlineKeyboardMarkup, Update, User
from telegram.ext import ContextTypes

from analysis.areas import AreaMapping, AreaOption, map_population
from analysis.population import (
    BANDS_BY_ID,
    MAX_BYTES,
    WIJK_CODE,
    Population,
    PopulationError,
    Wijk,
    parse_population,
)
from bot.core.callbacks import Button
from bot.core.fetch import FetchFailed, TooBig, fetch
from bot.core.keyboards import button
from bot.core.reply import Edit, Postman, Reply, Send
from bot.core.services import Services
from flows import profile as about
from flows.catalog import Catalog
from flows.texts import Html, Language, formats, language_of, raw, t
from storage import audit
from storage import population as store
from storage.population import Cell, StoredPopulation

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

CSV_SUFFIXES = (".csv", ".txt")
CSV_TYPES = frozenset({"text/csv", "application/csv", "text/comma-separated-values"})
DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})-(\d{1,2})-(\d{4})")


@dataclass(frozen=True, slots=True)
class PopulationButton(Button, prefix="pop"):
    """``pop:y:<id>`` saves the previewed draft, ``pop:n:<id>`` cancels it."""

    answer: Literal["y", "n"]
    population_id: int


def looks_like_csv(name: str | None, mime: str | None) -> bool:
    """By the file's name, or, without one, by its type."""
    if name:
        return name.lower().endswith(CSV_SUFFIXES)
    return (mime or "").lower() in CSV_TYPES


# --- reading and mapping (chat and command line alike) ----------------------------------------


@dataclass(frozen=True, slots=True)
class Checked:
    """A population file that can be stored: read, and mapped onto the wijken."""

    population: Population
    mapping: AreaMapping
    areas: tuple[AreaOption, ...]


class Unusable(Exception):
    """A population file that cannot be used: every reason, as plain text lines."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = tuple(lines)
        super().__init__("\n".join(self.lines))


def area_options(catalog: Catalog) -> tuple[AreaOption, ...]:
    """The wijken a population is mapped onto: those of the questionnaires' ``profile:
    wijk`` questions (each id once), by id, Dutch and English name, and CBS code when the
    id is one."""
    areas = about.profile_areas(
        q for flow in catalog.currents() for q in flow.questionnaire.questions
    )
    return tuple(
        AreaOption(
            id=area.id,
            names=(area.id, area.label.nl, area.label.en),
            code=area.id.upper() if WIJK_CODE.fullmatch(area.id.upper()) else None,
        )
        for area in areas
    )


def check(
    data: bytes, areas: Sequence[AreaOption], *, municipality: str | None, language: Language
) -> Checked:
    """``data`` read and mapped onto ``areas``; raises :class:`Unusable` with every problem
    (line-numbered where a line is to blame)."""
    if not areas:
        raise Unusable([_plain(t(language, "admin.population.no_areas"))])
    try:
        population = _parse(data, municipality)
    except PopulationError as exc:
        raise Unusable(
            [p.text("en" if language == "en" else "nl") for p in exc.problems]
        ) from None
    mapping = map_population(population, areas)
    names = ", ".join(a.names[1] for a in areas)
    lines: list[str] = []
    unmatched = set(mapping.unmatched_wijken)
    ambiguous = dict(mapping.ambiguous_wijken)
    for wijk in population.wijken:
        shown = _shown(wijk)
        if shown in unmatched:
            lines.append(
                raw(language, "admin.population.unmatched").format(
                    line=wijk.line, wijk=shown, areas=names
                )
            )
        elif shown in ambiguous:
            lines.append(
                raw(language, "admin.population.ambiguous").format(
                    line=wijk.line, wijk=shown, areas=", ".join(ambiguous[shown])
                )
            )
    if lines:
        raise Unusable(lines)
    return Checked(population, mapping, tuple(areas))


def _parse(data: bytes, municipality: str | None) -> Population:
    """The file's one municipality; of a file with several (CBS's download for the whole
    country), the one named MUNICIPALITY_NAME."""
    try:
        return parse_population(data)
    except PopulationError as exc:
        several = any(p.line is None and "gemeenten" in p.nl for p in exc.problems)
        if not several or municipality is None:
            raise
    return parse_population(data, municipality=municipality)


def cells_of(population: Population) -> list[Cell]:
    """The population as storage keeps it: one cell per wijk and age band."""
    return [
        Cell(wijk.name, wijk.code, band, int(count))
        for wijk in population.wijken
        for band, count in wijk.bands.items()
    ]


def population_of(stored: StoredPopulation) -> Population:
    """A stored population as :mod:`analysis.population` reads files (for the mapping)."""
    bands: dict[tuple[str, str | None], dict[str, int]] = {}
    for cell in stored.cells:
        bands.setdefault((cell.wijk_name, cell.wijk_code), {})[cell.age_band] = cell.inhabitants
    return Population(
        wijken=tuple(Wijk(name, code, counts) for (name, code), counts in bands.items()),
        source="cbs",
    )


def valid_from(caption: str | None, now: datetime, zone: tzinfo) -> datetime:
    """The date in ``caption`` ("vanaf 2027-01-01", "1-1-2027"), else today; its start in
    the municipality's time zone."""
    day = now.astimezone(zone).date()
    found = DATE.search(caption or "")
    if found is not None:
        y, m, d, d2, m2, y2 = found.groups()
        with contextlib.suppress(ValueError):  # 31-02-2027: today, as without a date
            day = date(int(y), int(m), int(d)) if y else date(int(y2), int(m2), int(d2))
    return datetime.combine(day, time(0), tzinfo=zone)


def preview_text(
    checked: Checked, name: str, starts: datetime, language: Language, zone: tzinfo
) -> Html:
    """What the file says per wijk, to check before saving."""
    mapping = checked.mapping
    labels = {a.id: a.names[1] if language == "nl" else a.names[2] for a in checked.areas}
    lines = []
    for row, area_id in enumerate(mapping.areas):
        counts = mapping.inhabitants[row]
        bands = ", ".join(
            f"{_band(band, language)}: {formats.number(int(counts[k]))}"
            for k, band in enumerate(mapping.bands)
        )
        lines.append(
            raw(language, "admin.population.preview.line").format(
                area=labels.get(area_id, area_id),
                total=formats.number(int(counts.sum())),
                bands=bands,
            )
        )
    missing = ""
    if mapping.unmatched_areas:
        missing = raw(language, "admin.population.preview.missing").format(
            areas=", ".join(labels.get(a, a) for a in mapping.unmatched_areas)
        )
    return t(
        language,
        "admin.population.preview",
        file=name,
        source=raw(language, f"admin.population.source.{checked.population.source}"),
        date=formats.date(starts, language, zone),
        lines="\n".join(lines),
        total=formats.number(int(mapping.inhabitants.sum())),
        missing=missing,
    )


def _band(band: str, language: Language) -> str:
    found = BANDS_BY_ID.get(band)
    if found is None:
        return band
    return found.nl if language == "nl" else found.en


def _shown(wijk: Wijk) -> str:
    # As analysis.areas lists an unmatched wijk.
    return f"{wijk.name} ({wijk.code})" if wijk.code and wijk.code != wijk.name else wijk.name


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def problems_text(name: str, lines: Iterable[str], language: Language) -> Html:
    shown = list(lines)
    body = "\n".join(f"• {line}" for line in shown)
    return t(language, "admin.population.problems", file=name, lines=Html(_escape(body)))


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


# --- in chat ----------------------------------------------------------------------------------


class PopulationUploads:
    """An administrator's CSV: checked, previewed, saved on Opslaan."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._postman = Postman()

    async def receive(self, document: Document, user: User, caption: str | None) -> Reply:
        """Check, store as a draft and preview ``document``; or say why not."""
        language = language_of(user.language_code)
        name = document.file_name or "bevolking.csv"
        limit_mb = MAX_BYTES // (1024 * 1024)
        if document.file_size is not None and document.file_size > MAX_BYTES:
            size = -(-document.file_size // (1024 * 1024))
            text = t(language, "admin.population.too_big", size=size, max=limit_mb)
            return await self._refused(user, name, "too_big", text)
        try:
            data = await fetch(document.get_bot(), document.file_id, MAX_BYTES)
        except TooBig:
            text = t(language, "admin.population.too_big.more", max=limit_mb)
            return await self._refused(user, name, "too_big", text)
        except FetchFailed as exc:
            log.warning("could not download an uploaded population: %s", exc)
            return Reply([Send(t(language, "admin.population.download_failed"))])
        settings = self.services.settings
        areas = area_options(self.services.catalog)
        try:
            # A municipality's file is a few kilobytes; the whole country's some megabytes.
            checked = await asyncio.to_thread(
                check, data, areas, municipality=settings.municipality_name, language=language
            )
        except Unusable as exc:
            text = problems_text(name, exc.lines, language)
            return await self._refused(user, name, "invalid", text, problems=len(exc.lines))
        now = self.services.clock()
        starts = valid_from(caption, now, settings.zone)
        async with self.services.sessions.begin() as db:
            draft = await store.store_population(
                db,
                cells_of(checked.population),
                valid_from=starts,
                source=name,
                uploaded_by=user.id,
                now=now,
                confirmed=False,
            )
            await audit.record(
                db,
                "population.upload",
                actor=user.id,
                target=str(draft),
                detail={"file": name, "result": "draft", "wijken": len(checked.population.wijken)},
                now=now,
            )
        keyboard = InlineKeyboardMarkup(
            [
                [
                    button(raw(language, "admin.population.save"), PopulationButton("y", draft)),
                    button(raw(language, "admin.population.cancel"), PopulationButton("n", draft)),
                ]
            ]
        )
        text = preview_text(checked, name, starts, language, settings.zone)
        return Reply([Send(text, keyboard)])

    async def button(self, update: Update, context: Context) -> None:
        """Opslaan or Annuleren under a preview (administrators only, see handlers)."""
        query = update.callback_query
        if query is None:
            return
        reply = Reply()
        try:
            reply = await self._press(query.from_user, PopulationButton.unpack(query.data))
        finally:
            await self._postman.deliver(context.bot, query.from_user.id, reply, query)

    async def _press(self, user: User, pressed: PopulationButton | None) -> Reply:
        language = language_of(user.language_code)
        if pressed is None:
            return Reply(notice=raw(language, "stale.short"))
        now, zone = self.services.clock(), self.services.settings.zone
        async with self.services.sessions.begin() as db:
            found = await store.population(db, pressed.population_id)
            if found is None or found.confirmed:
                return Reply(edit=Edit(t(language, "admin.population.gone"), failing="send"))
            if pressed.answer == "y":
                await store.confirm(db, found.id, now=now)
                action, text = (
                    "population.confirm",
                    t(
                        language,
                        "admin.population.saved",
                        file=found.source,
                        date=formats.date(found.valid_from, language, zone),
                    ),
                )
            else:
                await store.discard(db, found.id)
                action, text = "population.cancel", t(language, "admin.population.cancelled")
            await audit.record(
                db, action, actor=user.id, target=str(found.id), detail={"file": found.source}
            )
        log.info("administrator: %s of population %d", action, found.id)
        return Reply(edit=Edit(text, failing="send"))

    async def _refused(
        self, user: User, name: str, reason: str, text: Html, **detail: object
    ) -> Reply:
        async with self.services.sessions.begin() as db:
            await audit.record(
                db,
                "population.upload",
                actor=user.id,
                target=None,
                detail={"file": name, "result": reason, **detail},
                now=self.services.clock(),
            )
        return Reply([Send(text)])
