"""Reference populations: the municipality's inhabitants per wijk and age band, stored per
upload and valid from a date. A digest asks for the one valid at the end of its period
(:func:`population_at`), so a new year's figures replace the old from their date while a
digest of an earlier period keeps the figures it had.

Session in, plain frozen data out; the caller owns the unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PopulationCell, ReferencePopulation, utcnow


@dataclass(frozen=True, slots=True)
class Cell:
    """Inhabitants of one wijk (name and CBS code as in the file) in one age band."""

    wijk_name: str
    wijk_code: str | None
    age_band: str
    inhabitants: int


@dataclass(frozen=True, slots=True)
class StoredPopulation:
    id: int
    valid_from: datetime
    source: str
    total: int
    uploaded_at: datetime
    uploaded_by: int | None
    cells: tuple[Cell, ...]
    confirmed: bool = True


async def store_population(
    db: AsyncSession,
    cells: Iterable[Cell],
    *,
    valid_from: datetime,
    source: str,
    uploaded_by: int | None = None,
    now: datetime | None = None,
    confirmed: bool = True,
) -> int:
    """Store one population (all its cells) and return its id. Cells of the same wijk and
    band are added up (a CBS file lists a wijk once; a simple CSV may split it). Not
    ``confirmed``: a draft, used by no digest until :func:`confirm`."""
    merged: dict[tuple[str, str], Cell] = {}
    for cell in cells:
        if cell.inhabitants < 0:
            raise ValueError(f"negative inhabitants for {cell.wijk_name}/{cell.age_band}")
        key = (cell.wijk_name, cell.age_band)
        old = merged.get(key)
        merged[key] = (
            cell
            if old is None
            else Cell(
                cell.wijk_name,
                old.wijk_code or cell.wijk_code,
                cell.age_band,
                old.inhabitants + cell.inhabitants,
            )
        )
    population = ReferencePopulation(
        valid_from=valid_from,
        source=source[:200],
        total=sum(c.inhabitants for c in merged.values()),
        uploaded_at=now or utcnow(),
        uploaded_by=uploaded_by,
        confirmed_at=(now or utcnow()) if confirmed else None,
    )
    db.add(population)
    await db.flush()
    db.add_all(
        PopulationCell(
            population_id=population.id,
            wijk_name=c.wijk_name[:120],
            wijk_code=c.wijk_code,
            age_band=c.age_band,
            inhabitants=c.inhabitants,
        )
        for c in merged.values()
    )
    await db.flush()
    return population.id


async def population_at(db: AsyncSession, moment: datetime) -> StoredPopulation | None:
    """The population valid at ``moment``: the newest ``valid_from`` not after it (of two
    uploads with the same date, the later upload). None when there is none yet."""
    found = await db.scalar(
        select(ReferencePopulation)
        .where(ReferencePopulation.valid_from <= moment)
        .where(ReferencePopulation.confirmed_at.is_not(None))
        .order_by(
            ReferencePopulation.valid_from.desc(),
            ReferencePopulation.uploaded_at.desc(),
            ReferencePopulation.id.desc(),
        )
        .limit(1)
    )
    return await _with_cells(db, found) if found is not None else None


async def confirm(db: AsyncSession, population_id: int, now: datetime | None = None) -> bool:
    """Take a draft into use; False when there is no such draft (gone, or confirmed)."""
    result = await db.execute(
        update(ReferencePopulation)
        .where(ReferencePopulation.id == population_id)
        .where(ReferencePopulation.confirmed_at.is_(None))
        .values(confirmed_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def discard(db: AsyncSession, population_id: int) -> bool:
    """Delete a draft (with its cells); False when there is no such draft."""
    await db.execute(
        delete(PopulationCell)
        .where(PopulationCell.population_id == population_id)
        .where(
            PopulationCell.population_id.in_(
                select(ReferencePopulation.id)
                .where(ReferencePopulation.id == population_id)
                .where(ReferencePopulation.confirmed_at.is_(None))
            )
        )
        .execution_options(synchronize_session=False)
    )
    result = await db.execute(
        delete(ReferencePopulation)
        .where(ReferencePopulation.id == population_id)
        .where(ReferencePopulation.confirmed_at.is_(None))
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def population(db: AsyncSession, population_id: int) -> StoredPopulation | None:
    found = await db.get(ReferencePopulation, population_id)
    return await _with_cells(db, found) if found is not None else None


async def populations(db: AsyncSession) -> list[StoredPopulation]:
    """Every confirmed population, newest first, without their cells."""
    rows = await db.scalars(
        select(ReferencePopulation)
        .where(ReferencePopulation.confirmed_at.is_not(None))
        .order_by(ReferencePopulation.valid_from.desc(), ReferencePopulation.id.desc())
    )
    return [_plain(p, ()) for p in rows]


async def _with_cells(db: AsyncSession, found: ReferencePopulation) -> StoredPopulation:
    rows = await db.execute(
        select(
            PopulationCell.wijk_name,
            PopulationCell.wijk_code,
            PopulationCell.age_band,
            PopulationCell.inhabitants,
        )
        .where(PopulationCell.population_id == found.id)
        .order_by(PopulationCell.wijk_name, PopulationCell.age_band)
    )
    return _plain(found, tuple(Cell(*row) for row in rows))


def _plain(found: ReferencePopulation, cells: tuple[Cell, ...]) -> StoredPopulation:
    return StoredPopulation(
        found.id,
        found.valid_from,
        found.source,
        found.total,
        found.uploaded_at,
        found.uploaded_by,
        cells,
        found.confirmed_at is not None,
    )
