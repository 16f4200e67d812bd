"""The question shapes of issue 16 in digests and exports, with the shipped Wijkpeiling:
a grid's statements (counted each, drawn as one stacked chart), a ranking (mean place and
first places, from SQL on SQLite and PostgreSQL), a rapportcijfer and an NPS, "anders,
namelijk" texts, dates; the CSV's tidy columns and the SPSS variables. Figures by hand.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from analysis.digest import compute
from analysis.export import build_table
from analysis.figures import QuestionnaireDigest
from analysis.shapes import nps
from analysis.spss import SKIPPED, build_dataset
from bot.staff.charts import BLUE, VERMILLION, YELLOW, _colours, _panels, png_size, render_chart
from bot.staff.gridchart import GridPanel
from bot.staff.render import compose
from flows.loader import load_file
from flows.machine import Flow
from flows.schema import Questionnaire
from storage import digest as storage_digest
from storage.export import ExportRow
from tests.digest.helpers import IN, ROOT, SINCE, UNTIL, ZONE, Response, Sessions, add, store

WIJKPEILING = ROOT / "questionnaires" / "wijkpeiling.yaml"

ANSWERS: list[dict[str, Any]] = [
    {
        "buurt": 7.5, "thuis": "eens", "omgang": "helemaal-eens", "schoon": "oneens",
        "veilig": "eens", "vervoer": "anders", "vervoer-anders": "Met de scootmobiel",
        "prioriteit": ["veiligheid", "wonen", "groen", "spelen", "verkeer"],
        "meedoen": ["buurthuis", "anders"], "meedoen-anders": "Buurtmoestuin",
        "aanraden": 10, "schouw": "2027-03-12", "idee": None,
    },
    {
        "buurt": 6, "thuis": "eens", "omgang": "weet-niet", "schoon": "oneens",
        "veilig": "helemaal-eens", "vervoer": "fiets",
        "prioriteit": ["groen", "veiligheid", "verkeer", "wonen", "spelen"],
        "meedoen": ["niets"], "aanraden": 5, "schouw": None, "idee": None,
    },
    {
        "buurt": 8, "thuis": "helemaal-eens", "omgang": "eens", "schoon": "eens",
        "veilig": "eens", "vervoer": "auto",
        "prioriteit": ["veiligheid", "groen", "wonen", "verkeer", "spelen"],
        "meedoen": ["sport"], "aanraden": 9, "schouw": "2027-06-01", "idee": None,
    },
    {
        "buurt": None, "thuis": "oneens", "omgang": "neutraal", "schoon": "helemaal-oneens",
        "veilig": "weet-niet", "vervoer": "lopend", "prioriteit": None,
        "meedoen": ["sport", "vrijwilliger"], "aanraden": 7, "schouw": None, "idee": None,
    },
]  # fmt: skip


@pytest.fixture
async def peiling(sessions: Sessions) -> tuple[Questionnaire, QuestionnaireDigest]:
    questionnaire = await store(sessions, WIJKPEILING)
    async with sessions.begin() as db:
        for answers in ANSWERS:
            await add(db, "wijkpeiling", Response(answers))
    async with sessions() as db:
        tallies = await storage_digest.gather(db, questionnaire, SINCE, UNTIL)
    return questionnaire, compute(tallies, questionnaire)


async def test_a_grids_statements_are_counted_each(
    peiling: tuple[Questionnaire, QuestionnaireDigest],
) -> None:
    _, digest = peiling
    thuis = digest.distribution("thuis")
    assert thuis is not None and thuis.type == "grid"
    assert (thuis.respondents, thuis.count("eens"), thuis.count("helemaal-eens")) == (4, 2, 1)
    veilig = digest.distribution("veilig")
    assert veilig is not None and veilig.count("weet-niet") == 1


async def test_a_ranking_gives_mean_places_and_first_places(
    peiling: tuple[Questionnaire, QuestionnaireDigest],
) -> None:
    _, digest = peiling
    (ranking,) = digest.rankings
    assert (ranking.question_id, ranking.respondents, ranking.skipped) == ("prioriteit", 3, 1)
    means = {option: mean for option, mean, _ in ranking.options}
    firsts = {option: first for option, _, first in ranking.options}
    assert means["veiligheid"] == pytest.approx((1 + 2 + 1) / 3)
    assert means["groen"] == pytest.approx((3 + 1 + 2) / 3)
    assert means["spelen"] == pytest.approx((4 + 5 + 5) / 3)
    assert firsts == {"veiligheid": 2, "groen": 1, "wonen": 0, "verkeer": 0, "spelen": 0}
    assert [option for option, _, _ in ranking.options][:2] == ["veiligheid", "groen"]


async def test_grade_and_nps(peiling: tuple[Questionnaire, QuestionnaireDigest]) -> None:
    _, digest = peiling
    buurt, aanraden = digest.distribution("buurt"), digest.distribution("aanraden")
    assert buurt is not None and aanraden is not None
    assert buurt.mean == pytest.approx((7.5 + 6 + 8) / 3)
    # Promoters 10 and 9, a detractor 5, a passive 7: (2 - 1) / 4.
    assert nps(aanraden) == pytest.approx(25.0)


async def test_the_digest_text_names_each_shape(
    peiling: tuple[Questionnaire, QuestionnaireDigest],
) -> None:
    questionnaire, digest = peiling
    text = compose(digest, questionnaire, zone=ZONE)
    assert "<b>Uitspraken over de buurt</b> – 4 uitspraken, zie de grafiek" in text
    assert "Rapportcijfer: <b>7,2</b>" in text
    assert "███▌ 33% (1) 7,5\n" in text  # a typed 7,5 written as Dutch writes it
    assert "NPS: <b>+25</b>" in text
    assert "1. Veiligheid op straat – gemiddelde plek 1,3 · 2× op 1 (67%)" in text
    assert "2. Meer groen – gemiddelde plek 2,0 · 1× op 1 (33%)" in text
    # Each "anders, namelijk" text is a block of its own, named after its question and option.
    assert (
        "<b>Meestal naar het centrum met: Anders, namelijk …</b> (1 antwoord)\n"
        "<i>1 tekst wacht op moderatie.</i>"
    ) in text
    assert (
        "<b>Doet mee aan activiteiten in de buurt: Iets anders, namelijk …</b> (1 antwoord)\n"
        "<i>1 tekst wacht op moderatie.</i>"
    ) in text
    # Two dates are too few to show (fewer than five).
    assert (
        "<b>Datum voor de buurtschouw</b> (2 antwoorden, 2 overgeslagen)\n"
        "<i>Te weinig antwoorden om de gekozen dagen te tonen (minder dan 5 per week).</i>"
    ) in text
    assert "12 maart" not in text


async def test_the_chart_draws_a_grid_as_one_panel(
    peiling: tuple[Questionnaire, QuestionnaireDigest],
) -> None:
    questionnaire, digest = peiling
    panels = _panels(digest, questionnaire, None)
    grids = [p for p in panels if isinstance(p, GridPanel)]
    assert len(grids) == 1
    assert [q.id for q, _, _ in grids[0].statements] == ["thuis", "omgang", "schoon", "veilig"]
    # Every other closed question has a panel of its own, the ranking (its first places) and
    # the date (its months or weeks) too.
    named = [p.question.id if not isinstance(p, GridPanel) else "grid" for p in panels]
    assert named == ["buurt", "grid", "vervoer", "prioriteit", "meedoen", "aanraden", "schouw"]
    width, height = png_size(render_chart(digest, questionnaire, zone=ZONE))
    assert width == 1080 and height > sum(p.height for p in panels)


async def test_an_nps_chart_is_coloured_by_detractors_passives_and_promoters(
    peiling: tuple[Questionnaire, QuestionnaireDigest],
) -> None:
    questionnaire, digest = peiling
    panels = [p for p in _panels(digest, questionnaire, None) if not isinstance(p, GridPanel)]
    (aanraden,) = [p for p in panels if p.question.id == "aanraden"]
    keys = [key for key, _ in aanraden.distribution.counts]
    assert keys == [str(v) for v in range(11)]
    colours = dict(zip(keys, _colours(aanraden), strict=True))
    assert {colours[str(v)] for v in range(7)} == {VERMILLION}  # 0-6: detractors
    assert {colours["7"], colours["8"]} == {YELLOW}  # passives
    assert {colours["9"], colours["10"]} == {BLUE}  # promoters
    # A rapportcijfer is coloured as any scale: low to high, not in NPS groups.
    (buurt,) = [p for p in panels if p.question.id == "buurt"]
    graded = dict(zip((k for k, _ in buurt.distribution.counts), _colours(buurt), strict=True))
    assert graded["1"] == VERMILLION and graded["10"] == BLUE and graded["9"] == BLUE
    assert graded["6"] != graded["9"]
    assert graded["7.5"] == graded["7"]  # a typed 7,5 in its place on the scale, not grey


def _rows() -> list[ExportRow]:
    return [ExportRow(f"p{i}", 1, "completed", IN, IN, a) for i, a in enumerate(ANSWERS)]


def test_the_export_has_tidy_columns_for_every_shape() -> None:
    flow = Flow(load_file(WIJKPEILING))
    table = build_table({1: flow}, _rows(), ZONE)
    assert table.ids[6:] == [
        "buurt", "thuis", "omgang", "schoon", "veilig", "vervoer", "vervoer-anders",
        "prioriteit.groen", "prioriteit.veiligheid", "prioriteit.verkeer", "prioriteit.wonen",
        "prioriteit.spelen", "meedoen", "meedoen-anders", "aanraden", "schouw", "idee",
    ]  # fmt: skip
    first, second, _, fourth = (dict(zip(table.ids, r, strict=True)) for r in table.rows)
    assert (first["thuis"], first["schoon"]) == ("Eens", "Oneens")
    assert first["vervoer-anders"] == "Met de scootmobiel"
    assert [first[f"prioriteit.{o}"] for o in ("veiligheid", "wonen", "groen")] == [1, 2, 3]
    assert fourth["prioriteit.groen"] == "(overgeslagen)"
    assert (first["schouw"], second["schouw"]) == (date(2027, 3, 12), "(overgeslagen)")
    assert "vervoer-anders" not in second or second["vervoer-anders"] is None
    labels = dict(zip(table.ids, table.labels, strict=True))
    assert (
        labels["prioriteit.wonen"] == "Waar de gemeente eerst aan moet werken: Betaalbare woningen"
    )


def test_the_spss_file_has_a_place_per_option_and_a_date() -> None:
    flow = Flow(load_file(WIJKPEILING))
    dataset = build_dataset({1: flow}, _rows(), ZONE)
    found = {v.name: v for v in dataset.variables}
    assert found["wl02_0"].values == [2.0, 2.0, 1.0, 4.0]  # thuis: eens is code 2
    places = [found[f"prioriteit_{k}"].values[0] for k in range(1, 6)]
    assert places == [3.0, 1.0, 5.0, 2.0, 4.0]  # groen, veiligheid, verkeer, wonen, spelen
    assert found["prioriteit_1"].values[3] == float(SKIPPED)
    assert found["schouw"].kind == "date"
    assert found["schouw"].values == [date(2027, 3, 12), None, date(2027, 6, 1), None]
