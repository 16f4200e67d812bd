"""The data of a reference population: CBS's age bands, wijken with their inhabitants per
band, and the problems a population file can have (in Dutch and English).

:mod:`analysis.population` reads files into these (and re-exports them); this module only
holds what both it and :mod:`analysis.areas` need.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

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


def plain_key(name: str) -> str:
    """A header or a name without case, accents, spaces and punctuation."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def name_key(name: str) -> str:
    """A wijk name as compared when mapping: without case, accents, punctuation, spaces and
    a leading "Wijk 01" (CBS names some wijken "Wijk 03 Noord")."""
    key = plain_key(name)
    return re.sub(r"^wijk\d+", "", key) or key
