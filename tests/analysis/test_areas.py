"""Mapping a population onto a questionnaire's wijken: by code, by name, by the
administrator's own aliases; what matches nothing (or more than one area) is listed, never
guessed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.areas import AreaOption, map_population
from analysis.population import ADULT_BANDS, parse_population

DATA = Path(__file__).parent / "populations"
STATLINE = parse_population((DATA / "kerncijfers-lindewaard-statline.csv").read_bytes())
API = parse_population((DATA / "kerncijfers-lindewaard-api.csv").read_bytes())

CENTRUM = AreaOption("centrum", ("centrum", "Centrum", "City centre"))
NOORD = AreaOption("noord", ("noord", "Noord", "North"))
OUD = AreaOption("oud-lindewaard", ("oud-lindewaard", "Oud-Lindewaard", "Old Lindewaard"))
RIET = AreaOption("rietveld", ("rietveld", "Rietveld", "Rietveld"))


def test_by_name_without_case_punctuation_or_wijk_number() -> None:
    mapping = map_population(STATLINE, [CENTRUM, NOORD, OUD, RIET])
    assert mapping.complete
    assert mapping.areas == ("centrum", "noord", "oud-lindewaard", "rietveld")
    assert mapping.wijken["noord"] == ("Wijk 01 Noord",)
    assert mapping.inhabitants.tolist()[1] == [805, 1790, 2010, 1440]
    assert mapping.inhabitants.dtype == np.int64


def test_by_cbs_code_when_the_file_has_no_names() -> None:
    areas = [
        AreaOption("centrum", ("Centrum",), code="WK990200"),
        AreaOption("noord", ("Noord",), code="WK990201"),
        AreaOption("oud", ("Oud-Lindewaard",), code="WK990203"),
        AreaOption("riet", ("Rietveld",), code="WK990204"),
    ]
    mapping = map_population(API, areas)
    assert mapping.complete
    assert mapping.inhabitants[3].tolist() == [360, 790, 1075, 970]


def test_what_matches_nothing_is_listed_not_guessed() -> None:
    # "Noordrand" resembles Noord but is not it, nor is "Lindewaard-Oud" Oud-Lindewaard.
    areas = [
        CENTRUM,
        AreaOption("noordrand", ("Noordrand",)),
        AreaOption("lo", ("Lindewaard-Oud",)),
        RIET,
    ]
    mapping = map_population(STATLINE, areas)
    assert not mapping.complete
    assert mapping.unmatched_wijken == ("Wijk 01 Noord (WK990201)", "Oud-Lindewaard (WK990203)")
    assert mapping.unmatched_areas == ("noordrand", "lo")
    assert mapping.inhabitants[1].sum() == 0
    assert int(mapping.inhabitants.sum()) == sum(
        w.inhabitants() for w in STATLINE.wijken if w.name in ("Centrum", "Rietveld")
    )


def test_a_name_that_fits_two_areas_is_ambiguous() -> None:
    areas = [CENTRUM, AreaOption("centrum-2", ("Centrum",)), NOORD, OUD, RIET]
    mapping = map_population(STATLINE, areas)
    assert mapping.ambiguous_wijken == (("Centrum (WK990200)", ("centrum", "centrum-2")),)
    assert mapping.unmatched_areas == ("centrum", "centrum-2")


def test_aliases_map_codes_and_names_and_may_join_wijken() -> None:
    aliases = {"WK990203": "buiten", "rietveld": "buiten", "wk990200": "centrum"}
    areas = [AreaOption("centrum", ("Binnenstad",)), NOORD, AreaOption("buiten", ("Buiten",))]
    mapping = map_population(STATLINE, areas, aliases=aliases)
    assert mapping.complete
    assert mapping.wijken["buiten"] == ("Oud-Lindewaard", "Rietveld")
    assert mapping.inhabitants[2].tolist() == [525 + 360, 1260 + 800, 1840 + 1075, 1515 + 995]
    with pytest.raises(ValueError, match="unknown area"):
        map_population(STATLINE, areas, aliases={"Rietveld": "nergens"})


def test_the_bands_can_include_children() -> None:
    bands = ("0-14", *ADULT_BANDS)
    mapping = map_population(STATLINE, [CENTRUM, NOORD, OUD, RIET], bands=bands)
    assert mapping.inhabitants[0].tolist() == [430, 720, 1290, 960, 810]
