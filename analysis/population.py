"""A municipality's reference population: inhabitants per wijk and CBS age band, read from CSV.

Two formats are read, both as bytes (an upload in chat or a file on the command line):

* **CBS "Kerncijfers wijken en buurten"** as downloaded from StatLine or the CBS open-data
  API (tables 84799NED for 2023, 85984NED for 2024, ...): ``;`` or ``,`` separated, UTF-8
  with or without a BOM (Windows-1252 is accepted too), values quoted or not, with the
  columns ``WijkenEnBuurten``, ``Gemeentenaam_1``, ``SoortRegio_2``, ``Codering_3``,
  ``AantalInwoners_5``, ``k_0Tot15Jaar_8`` ... ``k_65JaarOfOuder_12``. The number after
  the last underscore differs per year, so columns are found by their name without it
  (StatLine's readable headers, ``Bevolking/Leeftijdsgroepen/15 tot 25 jaar (aantal)``,
  are found the same way). Only the rows of ``SoortRegio`` "Wijk" are used; Gemeente and
  Buurt rows are skipped. A wijk whose figures are all blank or ``.`` (CBS keeps them
  secret for tiny wijken) is listed in :attr:`Population.secret` and left out.
* **A simple CSV**: ``wijk,leeftijd,inwoners`` (or ``wijk,age_band,inhabitants``), one row
  per wijk and age band, the band as in :data:`AGE_BANDS` (``15-24``) or as CBS writes it
  (``15 tot 25 jaar``); an optional ``code`` column holds the CBS wijk code.

:func:`parse_population` returns a :class:`Population` or raises :class:`PopulationError`
with every problem found, each with its line number, in Dutch and English. Mapping a
population onto a questionnaire's wijken is :mod:`analysis.areas`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

#: Larger uploads are refused before they are read (Telegram lets a bot download 20 MB; a
#: municipality's own download from StatLine is a few kilobytes, the whole country ~20 MB).
MAX_BYTES = 20 * 1024 * 1024
#: Problems reported for one file; the rest are summed up in one line.
MAX_PROBLEMS = 50

Language = Literal["nl", "en"]


@dataclass(frozen=True, slots=True)
class AgeBand:
    """One of CBS's age bands: ``low`` up to (not including) ``high`` years."""

    id: str
    low: int
    high: int | None  # None: and older
    cbs: str  # the CBS column name without its number, e.g. "k_15Tot25Jaar"
    nl: str  # "15 tot 25 jaar"
    en: str
    group_nl: str  # the people in it, for a verdict: "jongeren van 15 tot 25"
    group_en: str


#: CBS's age bands in "Kerncijfers wijken en buurten", youngest first. The profile a
#: resident gives uses the same ids.
AGE_BANDS: tuple[AgeBand, ...] = (
    AgeBand("0-14", 0, 15, "k_0Tot15Jaar", "0 tot 15 jaar", "0 to 14", "kinderen", "children"),
    AgeBand(
        "15-24",
        15,
        25,
        "k_15Tot25Jaar",
        "15 tot 25 jaar",
        "15 to 24",
        "jongeren van 15 tot 25",
        "young people aged 15 to 24",
    ),
    AgeBand(
        "25-44",
        25,
        45,
        "k_25Tot45Jaar",
        "25 tot 45 jaar",
        "25 to 44",
        "mensen van 25 tot 45",
        "people aged 25 to 44",
    ),
    AgeBand(
        "45-64",
        45,
        65,
        "k_45Tot65Jaar",
        "45 tot 65 jaar",
        "45 to 64",
        "mensen van 45 tot 65",
        "people aged 45 to 64",
    ),
    AgeBand(
        "65+",
        65,
        None,
        "k_65JaarOfOuder",
        "65 jaar of ouder",
        "65 and older",
        "65-plussers",
        "people aged 65 and older",
    ),
)
BANDS_BY_ID: Mapping[str, AgeBand] = {band.id: band for band in AGE_BANDS}
#: The bands residents who answer fall in (a questionnaire is not for children): the ones
#: weighting and representativeness use unless told otherwise.
ADULT_BANDS: tuple[str, ...] = ("15-24", "25-44", "45-64", "65+")

WIJK_CODE = re.compile(r"WK\d{6}")
GEMEENTE_CODE = re.compile(r"GM\d{4}")


@dataclass(frozen=True, slots=True)
class Wijk:
    """One wijk's inhabitants per age band id (every band of :data:`ADULT_BANDS`; "0-14"
    when the file has it)."""

    name: str
    code: str | None  # CBS wijk code "WK034401"; None in a simple CSV without codes
    bands: Mapping[str, int]
    total: int | None = None  # AantalInwoners, when the file gives it
    line: int = 0  # where the wijk is in the file (its first row in a simple CSV)

    def inhabitants(self, bands: Sequence[str] = ADULT_BANDS) -> int:
        return sum(self.bands.get(band, 0) for band in bands)


@dataclass(frozen=True, slots=True)
class Population:
    """Inhabitants per wijk and age band, as read from one file."""

    wijken: tuple[Wijk, ...]
    source: Literal["cbs", "simple"]
    municipality: str | None = None  # name (or GM code) when the file says
    period: str | None = None  # CBS ``Perioden`` when the file has it, e.g. "2024JJ00"
    secret: tuple[str, ...] = ()  # wijken CBS gives no figures for (all blank or ".")

    def total(self, bands: Sequence[str] = ADULT_BANDS) -> int:
        return sum(w.inhabitants(bands) for w in self.wijken)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a population file, at ``line`` (None: the file as a whole)."""

    line: int | None
    nl: str
    en: str

    def text(self, language: Language = "nl") -> str:
        """``regel 3: ...`` in ``language``; plain text (escape it before HTML)."""
        message = self.nl if language == "nl" else self.en
        if self.line is None:
            return message
        return f"{'regel' if language == 'nl' else 'line'} {self.line}: {message}"

    def __str__(self) -> str:
        return self.text("en")


class PopulationError(Exception):
    """A population file that cannot be used; ``problems`` says every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# --- reading -------------------------------------------------------------------------------


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
        return _parse_simple(simple, rows[1:])
    raise PopulationError([_wrong_columns(header)])


def _p(line: int | None, nl: str, en: str) -> Problem:
    return Problem(line, nl, en)


def _decode(data: bytes, max_bytes: int) -> str:
    if len(data) > max_bytes:
        mb = max_bytes // (1024 * 1024)
        raise PopulationError(
            [
                _p(
                    None,
                    f"Het bestand is te groot ({len(data) / 1024 / 1024:.1f} MB; hooguit {mb} "
                    "MB). Download bij CBS alleen de wijken van je eigen gemeente.",
                    f"The file is too large ({len(data) / 1024 / 1024:.1f} MB; at most {mb} "
                    "MB). Download from CBS only your own municipality's wijken.",
                )
            ]
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise PopulationError(
            [
                _p(
                    None,
                    "Dit is een Excel-bestand. Sla het op als CSV en stuur het opnieuw.",
                    "This is an Excel file. Save it as CSV and send it again.",
                )
            ]
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
        raise PopulationError(
            [
                _p(
                    reader.line_num,
                    f"deze regel is geen geldige CSV ({error}).",
                    f"this line is not valid CSV ({error}).",
                )
            ]
        ) from None


def _key(name: str) -> str:
    """A header or a name without case, accents, spaces and punctuation."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


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
            if stem in key and what not in found:
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
    """A count: the number, None when blank or secret (``.``), or the text when invalid."""
    value = value.strip().replace("\u00a0", "").replace(" ", "")
    if value in _BLANK:
        return None
    if value.isdigit():
        return int(value)
    if re.fullmatch(r"\d+[.,]0+", value):
        return int(value.split(".")[0].split(",")[0])
    return value


def _count_problem(line: int, column: str, raw: str) -> Problem:
    if raw.lstrip().startswith("-"):
        return _p(
            line,
            f"{column}: een aantal kan niet negatief zijn ({raw}).",
            f"{column}: a count cannot be negative ({raw}).",
        )
    return _p(
        line,
        f"{column}: '{raw[:40]}' is geen heel getal.",
        f"{column}: '{raw[:40]}' is not a whole number.",
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
        raise PopulationError(
            [
                _p(
                    1,
                    f"de kolommen met leeftijdsgroepen ontbreken: {names}. Kies bij CBS ook "
                    "'Bevolking > Leeftijdsgroepen'.",
                    f"the age band columns are missing: {names}. At CBS, also choose "
                    "'Bevolking > Leeftijdsgroepen'.",
                )
            ]
        )
    wijk_rows: list[tuple[int, list[str], str]] = []
    municipalities: dict[str, str] = {}  # GM code (or name) -> name
    for line, cells in rows:
        kind = _key(_cell(cells, columns.get("kind")))
        region = _cell(cells, columns.get("region"))
        code = _cell(cells, columns.get("code")) or region
        if not WIJK_CODE.fullmatch(code) and WIJK_CODE.fullmatch(region):
            code = region
        is_wijk = kind == "wijk" if "kind" in columns else bool(WIJK_CODE.fullmatch(code))
        if not is_wijk:
            continue
        owner = ("GM" + code[2:6]) if WIJK_CODE.fullmatch(code) else ""
        name = _cell(cells, columns.get("municipality"))
        municipalities.setdefault(owner or name, name or owner)
        wijk_rows.append((line, cells, owner or name))
    if not wijk_rows:
        raise PopulationError(
            [
                _p(
                    None,
                    "Er staan geen wijken in het bestand (rijen met SoortRegio 'Wijk'). Kies "
                    "bij CBS ook de wijken van je gemeente.",
                    "The file has no wijken (rows with SoortRegio 'Wijk'). At CBS, also "
                    "choose your municipality's wijken.",
                )
            ]
        )
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
        if not figures and blank:
            secret.append(name)  # CBS gives no figures at all for this wijk
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
        raise PopulationError(
            [
                _p(
                    None,
                    f"Het bestand bevat {len(found)} gemeenten ({listed} ...). Zeg welke.",
                    f"The file holds {len(found)} municipalities ({listed} ...). Say which.",
                )
            ]
        )
    for code, name in found.items():
        if wanted.upper() == code or _key(wanted) == _key(name):
            return code
    raise PopulationError(
        [
            _p(
                None,
                f"Gemeente {wanted} staat niet in het bestand.",
                f"Municipality {wanted} is not in the file.",
            )
        ]
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


def _parse_simple(columns: Mapping[str, int], rows: Sequence[tuple[int, list[str]]]) -> Population:
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
            problems.add(_count_problem(line, "inwoners", raw))
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


def name_key(name: str) -> str:
    """A wijk name as compared when mapping: without case, accents, punctuation, spaces and
    a leading "Wijk 01" (CBS names some wijken "Wijk 03 Noord")."""
    key = _key(name)
    return re.sub(r"^wijk\d+", "", key) or key
