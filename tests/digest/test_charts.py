"""Digest charts: valid PNGs, phone-sized, fast, and no figures left behind."""

from __future__ import annotations

import gc

import pytest
from matplotlib.figure import Figure

from analysis.figures import Distribution, DropOff, QuestionnaireDigest, ResponseStats
from bot.staff import charts
from flows.loader import load_file, parse
from flows.schema import Questionnaire
from tests.digest.helpers import PROEF, SINCE, UNTIL, sample


@pytest.fixture(scope="module")
def proef() -> Questionnaire:
    return load_file(PROEF)


def test_chart_is_a_png_for_a_phone(proef: Questionnaire) -> None:
    png = charts.render_chart(sample(proef), proef)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = charts.png_size(png)
    assert width == charts.WIDTH_PX == 1080
    # Seven closed questions: a header and seven panels, each some rows high.
    assert 1500 < height < 4000
    assert 20_000 < len(png) < 2_000_000


def test_chart_of_some_questions(proef: Questionnaire) -> None:
    whole = charts.png_size(charts.render_chart(sample(proef), proef))
    part = charts.png_size(charts.render_chart(sample(proef), proef, question_ids=["gehoord"]))
    assert part[0] == whole[0] and part[1] < whole[1] / 3


def test_chart_pages_stay_short(proef: Questionnaire) -> None:
    pages = charts.render_chart_pages(sample(proef), proef, max_height=900)
    assert len(pages) > 2
    for page in pages:
        width, height = charts.png_size(page)
        assert width == 1080 and height <= 900


def test_chart_without_answers_or_closed_questions(proef: Questionnaire) -> None:
    empty = QuestionnaireDigest(
        questionnaire_id="proef",
        since=SINCE,
        until=UNTIL,
        responses=ResponseStats(0, 0, 0, 0, None),
        distributions=(Distribution("vervoer", "choice", 0, 0, ()),),
        numbers=(),
        texts=(),
        scorecard=(),
    )
    assert charts.png_size(charts.render_chart(empty, proef))[0] == 1080
    open_only = parse(
        "schema_version: 1\nid: open\nversion: 1\ntheme: {nl: T, en: T}\n"
        "title: {nl: Open, en: Open}\nintro: {nl: I, en: I}\nquestions:\n"
        "  - {id: idee, type: text, text: {nl: 'Idee?', en: 'Idea?'}}\n"
    )
    none = QuestionnaireDigest(
        "open", SINCE, UNTIL, ResponseStats(1, 1, 1, 1, DropOff("idee", 0)), (), (), (), ()
    )
    assert charts.png_size(charts.render_chart(none, open_only))[0] == 1080


def test_labels_are_not_maths(proef: Questionnaire) -> None:
    """A $ in a questionnaire label is text, not the start of a formula."""
    text = PROEF.read_text(encoding="utf-8").replace("label: {nl: Fiets,", "label: {nl: $x^2$ €5,")
    questionnaire = parse(text)
    png = charts.render_chart(sample(questionnaire), questionnaire)
    assert charts.png_size(png)[0] == 1080


def test_png_size_refuses_other_data() -> None:
    with pytest.raises(ValueError, match="PNG"):
        charts.png_size(b"GIF89a" + b"\0" * 30)


def test_ten_questions_in_under_a_second_and_nothing_leaks() -> None:
    options = "\n".join(
        f"      - {{id: o{i}, label: {{nl: Antwoordmogelijkheid nummer {i}, en: O{i}}}}}"
        for i in range(6)
    )
    questions = "\n".join(
        f"  - id: q{n}\n    type: choice\n"
        f"    text: {{nl: 'Vraag {n}: hoe vind je het onderhoud van het groen in je wijk?', "
        f"en: Q{n}}}\n    options:\n{options}"
        for n in range(10)
    )
    questionnaire = parse(
        "schema_version: 1\nid: tien\nversion: 1\ntheme: {nl: T, en: T}\n"
        f"title: {{nl: Tien vragen, en: Ten}}\nintro: {{nl: I, en: I}}\nquestions:\n{questions}\n"
    )
    digest = QuestionnaireDigest(
        "tien",
        SINCE,
        UNTIL,
        ResponseStats(500, 400, 900, 700, None),
        tuple(
            Distribution(
                f"q{n}", "choice", 480, 0, tuple((f"o{i}", 20 + 15 * i) for i in range(6))
            )
            for n in range(10)
        ),
        (),
        (),
        (),
    )
    charts.render_chart(digest, questionnaire)  # warm up: fonts, caches
    gc.collect()
    figures_before = sum(isinstance(o, Figure) for o in gc.get_objects())
    for _ in range(3):
        png = charts.render_chart(digest, questionnaire)
    gc.collect()
    # No figure is left behind (speed is measured by `make bench`, not here).
    assert sum(isinstance(o, Figure) for o in gc.get_objects()) == figures_before
    assert png[:8] == charts.PNG_SIGNATURE
