"""Reading a municipality's reference population (inhabitants per wijk and CBS age band)
from CSV bytes: an upload in chat or a file on the command line.

* **CBS "Kerncijfers wijken en buurten"** as StatLine or the open-data API give it (tables
  84799NED for 2023, 85984NED for 2024, ...): ``;`` or ``,`` separated, UTF-8 with or
  without BOM (or Windows-1252), quoted or not, columns ``WijkenEnBuurten``,
  ``Gemeentenaam_1``, ``SoortRegio_2``, ``Codering_3``, ``AantalInwoners_5``,
  ``k_0Tot15Jaar_8`` ... ``k_65JaarOfOuder_12``. The number after the last underscore differs
  per year, so a column is found by its name without it (StatLine's readable headers,
  ``Bevolking/Leeftijdsgroepen/15 tot 25 jaar (aantal)``, the same way). Only rows of
  ``SoortRegio`` "Wijk" count; a wijk CBS gives no figures for (all blank or ``.``) is
  listed in :attr:`Population.secret`.
* **A simple CSV**: ``wijk,leeftijd,inwoners`` (or ``area,age_band,inhabitants``), one row
  per wijk and band, the band as in :data:`AGE_BANDS` (``15-24``) or as CBS writes it
  (``15 tot 25 jaar``); an optional ``code`` column holds the CBS wijk code.

:func:`parse_population` returns a :class:`Population` or raises :class:`PopulationError`
with every problem, each with its line number, in Dutch and English. The data types live in
:mod:`analysis.population_types` and are re-exported here; :mod:`analysis.areas` maps a
population onto a questionnaire's wijken.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence

from analysis.population_types import ADULT_BANDS as ADULT_BANDS
from analysis.population_types import AGE_BANDS as AGE_BANDS
from analysis.population_types import BANDS_BY_ID as BANDS_BY_ID
from analysis.population_types import GEMEENTE_CODE as GEMEENTE_CODE
from analysis.population_types import WIJK_CODE as WIJK_CODE
from analysis.population_types import AgeBand as AgeBand
from analysis.population_types import Language as Language
from analysis.population_types import Population as Population
from analysis.population_types import PopulationError as PopulationError
from analysis.population_types import Problem as Problem
from analysis.population_types import Wijk as Wijk
from analysis.population_types import name_key as name_key
from analysis.population_types import plain_key as _key

#: Larger uploads are refused before they are read (Telegram lets a bot download 20 MB; a
#: municipality's own download from StatLine is a few kilobytes, the whole country ~20 MB).
MAX_BYTES = 20 * 1024 * 1024
#: The most inhabitants one wijk and age band may have (the largest Dutch municipality has
#: fewer than a million inhabitants in all).
MAX_COUNT = 10_000_000
#: Problems reported for one file; the rest are summed up in one line.
MAX_PROBLEMS = 50


def parse_population(
    data: bytes, *, municipality: str | None = None, max_bytes: int = MAX_BYTES
) -> Population:
    """The population in ``data`` (CBS Kerncijfers or simple CSV, see the module).

    ``municipality`` (a ``GM....`` code or a name) picks one municipality from a file that
    holds several, such as CBS's download for the whole country. Raises
    :class:`PopulationError` with every problem (at most :data:`MAX_PROBLEMS`) otherwise.
    """
    text = _decode(data, max_bytes)
    rows = list(_rows(text))
    if not rows or not any(cell.strip() for cell in rows[0][1]):
        raise PopulationError([_p(None, "Het bestand is leeg.", "The file is empty.")])
    header = [_strip_bom(cell) for cell in rows[0][1]]
    columns = _cbs_columns(header)
    if "region" in columns or "code" in columns:
        return _parse_cbs(header, columns, rows[1:], municipality)
    simple = _simple_columns(header)
    if simple is not None:
        return _parse_simple(header, simple, rows[1:])
    raise PopulationError([_wrong_columns(header)])


def _p(line: int | None, nl: str, en: str) -> Problem:
    return Problem(line, nl, en)


def _fail(line: int | None, nl: str, en: str) -> PopulationError:
    """The error of a file with this one problem."""
    return PopulationError([Problem(line, nl, en)])


def _decode(data: bytes, max_bytes: int) -> str:
    if len(data) > max_bytes:
        mb = max_bytes // (1024 * 1024)
        raise _fail(
            None,
            f"Het bestand is te groot ({len(data) / 1024 / 1024:.1f} MB; hooguit {mb} "
            "MB). Download bij CBS alleen de wijken van je eigen gemeente.",
            f"The file is too large ({len(data) / 1024 / 1024:.1f} MB; at most {mb} "
            "MB). Download from CBS only your own municipality's wijken.",
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(
            None,
            "Dit is een Excel-bestand. Sla het op als CSV en stuur het opnieuw.",
            "This is an Excel file. Save it as CSV and send it again.",
        )
    if b"\x00" in data[:4096] or data.startswith(b"%PDF"):
        raise PopulationError([_not_csv()])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if text.count("\ufffd") > 10:
        raise PopulationError([_not_csv()])
    return text


def _not_csv() -> Problem:
    return _p(
        None,
        "Dit is geen CSV-bestand (tekst met ; of , tussen de waarden).",
        "This is not a CSV file (text with ; or , between the values).",
    )


def _strip_bom(cell: str) -> str:
    return cell.lstrip("\ufeff").strip()


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of every row that is not empty; the separator is the one the
    header uses most (``;``, ``,`` or a tab)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield reader.line_num, cells
    except csv.Error as error:
        raise _fail(
            reader.line_num,
            f"deze regel is geen geldige CSV ({error}).",
            f"this line is not valid CSV ({error}).",
        ) from None


_CBS_KEYS: tuple[tuple[str, str], ...] = (
    ("region", "wijkenenbuurten"),
    ("municipality", "gemeentenaam"),
    ("kind", "soortregio"),
    ("code", "codering"),
    ("total", "aantalinwoners"),
    ("period", "perioden"),
    *((band.id, _key(band.cbs.removeprefix("k_"))) for band in AGE_BANDS),
)


def _cbs_columns(header: Sequence[str]) -> dict[str, int]:
    """Which column holds what, by name without the CBS number (``AantalInwoners_5``)."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = _key(re.sub(r"_\d+$", "", name))
        for what, stem in _CBS_KEYS:
            # "IndelingswijzigingWijkenEnBuurten" is not the region: that one starts with it
            hit = key.startswith(stem) if what == "region" else stem in key
            if hit and what not in found:
                found[what] = index
                break
    return found


_SIMPLE_NAMES: Mapping[str, tuple[str, ...]] = {
    "wijk": ("wijk", "area", "wijknaam", "naam", "name"),
    "band": ("leeftijd", "leeftijdsgroep", "ageband", "age", "band"),
    "count": ("inwoners", "inhabitants", "aantal", "count", "aantalinwoners"),
    "code": ("code", "wijkcode", "codering"),
}


def _simple_columns(header: Sequence[str]) -> dict[str, int] | None:
    keys = [_key(name) for name in header]
    found = {
        what: keys.index(name)
        for what, names in _SIMPLE_NAMES.items()
        for name in names
        if name in keys
    }
    return found if {"wijk", "band", "count"} <= found.keys() else None


def _wrong_columns(header: Sequence[str]) -> Problem:
    shown = ", ".join(h for h in header[:8] if h)[:200]
    return _p(
        1,
        "ik herken de kolommen niet. Verwacht: een download van CBS Kerncijfers wijken en "
        "buurten (kolommen WijkenEnBuurten, SoortRegio, Codering, k_15Tot25Jaar ...) of "
        f"de kolommen wijk, leeftijd, inwoners. Gevonden: {shown}",
        "I do not recognise the columns. Expected: a download of CBS Kerncijfers wijken en "
        "buurten (columns WijkenEnBuurten, SoortRegio, Codering, k_15Tot25Jaar ...) or the "
        f"columns wijk, leeftijd, inwoners. Found: {shown}",
    )


_BLANK = {"", ".", "-", "x", "?"}


def _count(value: str) -> int | str | None:
    """A count: the number, None when blank or secret (``.``), or the text when invalid (not
    a whole number of ASCII digits, or more than :data:`MAX_COUNT`)."""
    value = value.strip().replace("\u00a0", "").replace(" ", "")
    if value in _BLANK:
        return None
    # Only digits: "1.000" may be a thousand (Dutch) or one (English), so it is refused.
    if not re.fullmatch(r"[0-9]{1,12}", value) or int(value) > MAX_COUNT:
        return value
    return int(value)


def _count_problem(line: int, column: str, raw: str) -> Problem:
    shown = raw[:40]
    if raw.lstrip().startswith("-"):
        return _p(
            line,
            f"{column}: een aantal kan niet negatief zijn ({shown}).",
            f"{column}: a count cannot be negative ({shown}).",
        )
    if re.fullmatch(r"[0-9]+", raw.strip()):
        return _p(
            line,
            f"{column}: {shown} is te groot (hooguit {MAX_COUNT:,}).".replace(",", "."),
            f"{column}: {shown} is too large (at most {MAX_COUNT:,}).",
        )
    if re.fullmatch(r"[0-9]+[.,][0-9]+", raw.strip()):
        return _p(
            line,
            f"{column}: schrijf '{shown}' zonder punt of komma: alleen cijfers.",
            f"{column}: write '{shown}' without a point or comma: digits only.",
        )
    return _p(
        line,
        f"{column}: '{shown}' is geen heel getal.",
        f"{column}: '{shown}' is not a whole number.",
    )


def _cell(cells: Sequence[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.more = 0

    def add(self, problem: Problem) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(problem)
        else:
            self.more += 1

    def raise_if_any(self) -> None:
        if not self.items:
            return
        if self.more:
            self.items.append(
                _p(None, f"en nog {self.more} problemen.", f"and {self.more} more problems.")
            )
        raise PopulationError(self.items)


def _parse_cbs(
    header: Sequence[str],
    columns: Mapping[str, int],
    rows: Sequence[tuple[int, list[str]]],
    municipality: str | None,
) -> Population:
    problems = _Problems()
    needed = [band for band in ADULT_BANDS if band not in columns]
    if needed:
        names = ", ".join(BANDS_BY_ID[b].cbs for b in needed)
        raise _fail(
            1,
            f"de kolommen met leeftijdsgroepen ontbreken: {names}. Kies bij CBS ook "
            "'Bevolking > Leeftijdsgroepen'.",
            f"the age band columns are missing: {names}. At CBS, also choose "
            "'Bevolking > Leeftijdsgroepen'.",
        )
    wijk_rows: list[tuple[int, list[str], str]] = []
    municipalities: dict[str, str] = {}  # GM code (or name) -> name
    gemeenten: dict[str, str] = {}  # GM code -> name, from Gemeente rows
    for line, cells in rows:
        kind = _key(_cell(cells, columns.get("kind")))
        region = _cell(cells, columns.get("region"))
        code = _cell(cells, columns.get("code")) or region
        if not WIJK_CODE.fullmatch(code) and WIJK_CODE.fullmatch(region):
            code = region
        is_wijk = kind == "wijk" if "kind" in columns else bool(WIJK_CODE.fullmatch(code))
        if GEMEENTE_CODE.fullmatch(code) and region and not GEMEENTE_CODE.fullmatch(region):
            gemeenten[code] = region  # the Gemeente row names the municipality
        if not is_wijk:
            continue
        owner = ("GM" + code[2:6]) if WIJK_CODE.fullmatch(code) else ""
        name = _cell(cells, columns.get("municipality"))
        municipalities.setdefault(owner or name, name or owner)
        wijk_rows.append((line, cells, owner or name))
    if not wijk_rows:
        raise _fail(
            None,
            "Er staan geen wijken in het bestand (rijen met SoortRegio 'Wijk'). Kies "
            "bij CBS ook de wijken van je gemeente.",
            "The file has no wijken (rows with SoortRegio 'Wijk'). At CBS, also "
            "choose your municipality's wijken.",
        )
    for code, name in gemeenten.items():
        if municipalities.get(code) == code:
            municipalities[code] = name
    chosen = _choose_municipality(municipalities, municipality)
    wijken: list[Wijk] = []
    secret: list[str] = []
    seen: dict[str, int] = {}
    for line, cells, owner in wijk_rows:
        if chosen is not None and owner != chosen:
            continue
        region = _cell(cells, columns.get("region"))
        code = _cell(cells, columns.get("code"))
        code = (
            code if WIJK_CODE.fullmatch(code) else (region if WIJK_CODE.fullmatch(region) else "")
        )
        name = region if region and not WIJK_CODE.fullmatch(region) else (code or region)
        if not name:
            problems.add(
                _p(line, "de wijk heeft geen naam of code.", "the wijk has no name or code.")
            )
            continue
        ident = code or _key(name)
        if ident in seen:
            problems.add(
                _p(
                    line,
                    f"wijk {name} staat er twee keer in (ook op regel {seen[ident]}).",
                    f"wijk {name} is in the file twice (also on line {seen[ident]}).",
                )
            )
            continue
        seen[ident] = line
        figures: dict[str, int] = {}
        blank: list[str] = []
        for what in ("total", *(band.id for band in AGE_BANDS)):
            if what not in columns:
                continue
            raw = _cell(cells, columns[what])
            value = _count(raw)
            if isinstance(value, str):
                problems.add(_count_problem(line, header[columns[what]], raw))
            elif value is None:
                blank.append(header[columns[what]])
            else:
                figures[what] = value
        if blank and all(header[columns[b]] in blank for b in ADULT_BANDS):
            secret.append(name)  # CBS gives no figures by age for this wijk (tiny or none)
            continue
        missing = [b for b in ADULT_BANDS if b not in figures and header[columns[b]] in blank]
        if missing:
            names = ", ".join(header[columns[b]] for b in missing)
            problems.add(
                _p(
                    line,
                    f"wijk {name}: geen aantal bij {names}.",
                    f"wijk {name}: no count for {names}.",
                )
            )
            continue
        total = figures.pop("total", None)
        wijken.append(Wijk(name=name, code=code or None, bands=figures, total=total, line=line))
    problems.raise_if_any()
    period_column = columns.get("period")
    period = _cell(wijk_rows[0][1], period_column) if period_column is not None else ""
    return Population(
        wijken=tuple(wijken),
        source="cbs",
        municipality=municipalities.get(chosen or "") or (chosen or None),
        period=period or None,
        secret=tuple(secret),
    )


def _choose_municipality(found: Mapping[str, str], wanted: str | None) -> str | None:
    """The key in ``found`` (GM code or name) of the municipality to read; None: the only one."""
    if wanted is None:
        if len(found) <= 1:
            return next(iter(found), None)
        listed = ", ".join(f"{name} ({code})" for code, name in list(found.items())[:10])
        raise _fail(
            None,
            f"Het bestand bevat {len(found)} gemeenten ({listed} ...). Zeg welke.",
            f"The file holds {len(found)} municipalities ({listed} ...). Say which.",
        )
    for code, name in found.items():
        if wanted.upper() == code or _key(wanted) == _key(name):
            return code
    raise _fail(
        None,
        f"Gemeente {wanted} staat niet in het bestand.",
        f"Municipality {wanted} is not in the file.",
    )


_BAND_ALIASES: Mapping[str, str] = {
    **{_key(band.id): band.id for band in AGE_BANDS},
    **{_key(band.nl): band.id for band in AGE_BANDS},
    **{_key(band.en): band.id for band in AGE_BANDS},
    **{_key(band.cbs.removeprefix("k_")): band.id for band in AGE_BANDS},
    _key("65 en ouder"): "65+",
    _key("65-plus"): "65+",
    _key("65plus"): "65+",
}


def _parse_simple(
    header: Sequence[str], columns: Mapping[str, int], rows: Sequence[tuple[int, list[str]]]
) -> Population:
    problems = _Problems()
    order: list[str] = []
    names: dict[str, str] = {}
    codes: dict[str, str | None] = {}
    first_line: dict[str, int] = {}
    bands: dict[str, dict[str, int]] = {}
    where: dict[tuple[str, str], int] = {}
    known = ", ".join(band.id for band in AGE_BANDS)
    for line, cells in rows:
        name = _cell(cells, columns["wijk"])
        raw_band = _cell(cells, columns["band"])
        raw = _cell(cells, columns["count"])
        code = _cell(cells, columns.get("code")).upper() or None
        if not name:
            problems.add(_p(line, "de wijk ontbreekt.", "the wijk is missing."))
            continue
        if code is not None and not WIJK_CODE.fullmatch(code):
            problems.add(
                _p(
                    line,
                    f"'{code[:20]}' is geen CBS-wijkcode (WK en 6 cijfers).",
                    f"'{code[:20]}' is not a CBS wijk code (WK and 6 digits).",
                )
            )
            continue
        band = _BAND_ALIASES.get(_key(raw_band))
        if band is None:
            problems.add(
                _p(
                    line,
                    f"leeftijd '{raw_band[:30]}' ken ik niet; gebruik {known}.",
                    f"age band '{raw_band[:30]}' is unknown; use {known}.",
                )
            )
            continue
        value = _count(raw)
        if value is None:
            problems.add(_p(line, "het aantal inwoners ontbreekt.", "the count is missing."))
            continue
        if isinstance(value, str):
            problems.add(_count_problem(line, header[columns["count"]], raw))
            continue
        ident = _key(name)
        if ident not in names:
            order.append(ident)
            names[ident], codes[ident], first_line[ident] = name, code, line
            bands[ident] = {}
        if (ident, band) in where:
            problems.add(
                _p(
                    line,
                    f"{name}, {band} staat er twee keer in (ook op regel {where[ident, band]}).",
                    f"{name}, {band} is in the file twice (also on line {where[ident, band]}).",
                )
            )
            continue
        where[ident, band] = line
        bands[ident][band] = value
    if not order and not problems.items:
        problems.add(_p(None, "Er staan geen wijken in het bestand.", "The file has no wijken."))
    for ident in order:
        missing = [band for band in ADULT_BANDS if band not in bands[ident]]
        if missing:
            problems.add(
                _p(
                    first_line[ident],
                    f"wijk {names[ident]}: geen regel voor {', '.join(missing)}.",
                    f"wijk {names[ident]}: no row for {', '.join(missing)}.",
                )
            )
    problems.raise_if_any()
    return Population(
        wijken=tuple(
            Wijk(
                name=names[ident],
                code=codes[ident],
                bands=bands[ident],
                line=first_line[ident],
            )
            for ident in order
        ),
        source="simple",
    )
