"""The shipped reference population of the sandbox's Rivierstad reads and maps onto the wijk
question of every shipped questionnaire that has one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.areas import AreaOption, map_population
from analysis.population import ADULT_BANDS, parse_population
from flows.loader import load_file
from flows.schema import AreaQuestion

ROOT = Path(__file__).resolve().parents[2]
RIVIERSTAD = ROOT / "populations" / "rivierstad-2026.csv"
WITH_WIJK = ["afvalinzameling", "burgerpeiling"]


def test_rivierstad_reads_as_a_cbs_download() -> None:
    population = parse_population(RIVIERSTAD.read_bytes())
    assert population.source == "cbs"
    assert population.municipality == "Rivierstad"
    assert [w.code for w in population.wijken] == [f"WK99010{i}" for i in range(7)]
    # The bands add up to each wijk's AantalInwoners (CBS rounds both to 5).
    for wijk in population.wijken:
        assert wijk.total is not None
        assert abs(sum(wijk.bands.values()) - wijk.total) <= 10
    assert 40_000 < population.total() < 50_000


@pytest.mark.parametrize("name", WITH_WIJK)
def test_rivierstad_maps_onto_every_wijk_of_the_shipped_questionnaires(name: str) -> None:
    questionnaire = load_file(ROOT / "questionnaires" / f"{name}.yaml")
    question = next(q for q in questionnaire.questions if isinstance(q, AreaQuestion))
    population = parse_population(RIVIERSTAD.read_bytes())
    mapping = map_population(population, AreaOption.of(question))
    assert mapping.complete, (mapping.unmatched_wijken, mapping.unmatched_areas)
    assert mapping.areas == tuple(a.id for a in question.areas)
    assert mapping.bands == ADULT_BANDS
    assert int(mapping.inhabitants.sum()) == population.total()
    assert (mapping.inhabitants > 0).all()
    assert np.array_equal(
        mapping.inhabitants[mapping.areas.index("de-hoven")],
        [population.wijken[5].bands[b] for b in ADULT_BANDS],
    )
