"""Mapping a reference population onto the wijken of a questionnaire's area question.

A wijk in the population file belongs to an area of the questionnaire when (in this order)

1. ``aliases`` says so (the administrator's own mapping: a CBS code or a wijk name to an
   area id; several wijken may go to one area, e.g. the villages to "buitengebied");
2. its CBS code equals the area's ``code`` (see :class:`AreaOption`), or the area's id
   written as a code (``wk034401``);
3. its name, compared without case, accents, punctuation and a leading "Wijk 01"
   (:func:`~analysis.population.name_key`), equals the area's id or its Dutch or English
   label, for exactly one area.

Nothing else is tried: no "closest" name. Wijken that match nothing, or more than one area,
and areas no wijk matches are listed in :class:`AreaMapping` for the administrator to fix
(with ``aliases`` or by renaming), never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from analysis.population_types import ADULT_BANDS, WIJK_CODE, Population, Wijk, name_key
from flows.schema import AreaQuestion


@dataclass(frozen=True, slots=True)
class AreaOption:
    """An area (wijk option) of a questionnaire: its id, the names it goes by, and the CBS
    wijk code when known."""

    id: str
    names: tuple[str, ...]
    code: str | None = None

    @classmethod
    def of(cls, question: AreaQuestion) -> tuple[AreaOption, ...]:
        """The areas of an area question (ids and Dutch and English labels)."""
        return tuple(
            cls(
                id=area.id,
                names=(area.id, area.label.nl, area.label.en),
                code=area.id.upper() if WIJK_CODE.fullmatch(area.id.upper()) else None,
            )
            for area in question.areas
        )


@dataclass(frozen=True)
class AreaMapping:
    """A population per area of a questionnaire, in the order of its areas and bands."""

    areas: tuple[str, ...]  # area ids, as in the questionnaire
    bands: tuple[str, ...]  # age band ids, as in AGE_BANDS
    inhabitants: npt.NDArray[np.int64]  # shape (areas, bands)
    wijken: Mapping[str, tuple[str, ...]]  # per area id the names of its wijken
    unmatched_wijken: tuple[str, ...] = ()  # in the file, belonging to no area
    ambiguous_wijken: tuple[tuple[str, tuple[str, ...]], ...] = ()  # wijk, areas it fits
    unmatched_areas: tuple[str, ...] = ()  # area ids no wijk matched: no figures for them

    @property
    def complete(self) -> bool:
        """Every wijk has one area and every area has inhabitants."""
        return not (self.unmatched_wijken or self.ambiguous_wijken or self.unmatched_areas)


def map_population(
    population: Population,
    areas: Sequence[AreaOption],
    *,
    aliases: Mapping[str, str] | None = None,
    bands: Sequence[str] = ADULT_BANDS,
) -> AreaMapping:
    """Sum the population's wijken into ``areas`` (see the module for the rules).

    ``aliases`` maps a CBS wijk code or a wijk name to an area id; an alias naming an area
    that does not exist raises ``ValueError`` (the caller checks what an administrator
    typed before it gets here).
    """
    ids = [area.id for area in areas]
    alias = _aliases(aliases or {}, ids)
    by_code = {area.code: area.id for area in areas if area.code}
    by_name: dict[str, set[str]] = {}
    for area in areas:
        for name in area.names:
            by_name.setdefault(name_key(name), set()).add(area.id)
    counts = np.zeros((len(areas), len(bands)), dtype=np.int64)
    members: dict[str, list[str]] = {area_id: [] for area_id in ids}
    unmatched: list[str] = []
    ambiguous: list[tuple[str, tuple[str, ...]]] = []
    for wijk in population.wijken:
        found = _area_of(wijk, alias, by_code, by_name)
        if not found:
            unmatched.append(_shown(wijk))
            continue
        if len(found) > 1:
            ambiguous.append((_shown(wijk), tuple(a for a in ids if a in found)))
            continue
        (area_id,) = found
        row = ids.index(area_id)
        counts[row] += [wijk.bands.get(band, 0) for band in bands]
        members[area_id].append(wijk.name)
    return AreaMapping(
        areas=tuple(ids),
        bands=tuple(bands),
        inhabitants=counts,
        wijken={area_id: tuple(names) for area_id, names in members.items()},
        unmatched_wijken=tuple(unmatched),
        ambiguous_wijken=tuple(ambiguous),
        unmatched_areas=tuple(area_id for area_id in ids if not members[area_id]),
    )


def _aliases(aliases: Mapping[str, str], ids: Iterable[str]) -> dict[str, str]:
    known = set(ids)
    out: dict[str, str] = {}
    for source, area_id in aliases.items():
        if area_id not in known:
            raise ValueError(f"alias {source!r} names unknown area {area_id!r}")
        key = source.strip().upper() if WIJK_CODE.fullmatch(source.strip().upper()) else None
        out[key or name_key(source)] = area_id
    return out


def _area_of(
    wijk: Wijk,
    alias: Mapping[str, str],
    by_code: Mapping[str, str],
    by_name: Mapping[str, set[str]],
) -> set[str]:
    if wijk.code and wijk.code in alias:
        return {alias[wijk.code]}
    if name_key(wijk.name) in alias:
        return {alias[name_key(wijk.name)]}
    if wijk.code and wijk.code in by_code:
        return {by_code[wijk.code]}
    return set(by_name.get(name_key(wijk.name), set()))


def _shown(wijk: Wijk) -> str:
    return f"{wijk.name} ({wijk.code})" if wijk.code and wijk.code != wijk.name else wijk.name
