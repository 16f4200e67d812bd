"""The digest's "Wie hebben we gehoord?" block (Dutch, for civil servants): respondents per
wijk and age band against the inhabitants, the one-line verdict, what could not be weighted,
and per closed question the weighted shares next to the unweighted ones with the 95% margin.
Writes what :func:`analysis.heard.who_we_heard` found; computes nothing itself. Tags never
span lines (:func:`bot.staff.split.split_messages` may cut between any two lines).

Small cells as elsewhere in digests: a wijk or age band with 1 to ``min_cell - 1``
respondents is shown as "minder dan 5", never with its count.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from analysis.counts import clamp_min_cell
from analysis.heard import Heard, who_we_heard
from analysis.names import question_names
from analysis.population import BANDS_BY_ID
from analysis.representation import Row
from flows.schema import AnyQuestion, ChoiceQuestion, MultiQuestion, Questionnaire, YesNoQuestion
from flows.texts import Html, escape
from flows.texts.formats import day, number, percent
from storage.heard import HeardTally, area_question, gather_heard

STATUS = {
    "under": " ▼ ondervertegenwoordigd",
    "over": " ▲ oververtegenwoordigd",
    "empty": " – geen reacties",
    "no_population": " – geen inwoners bekend",
    "fair": "",
}


def _count(count: int, min_cell: int) -> str:
    if 0 < count < min_cell:
        return f"minder dan {min_cell}"
    return number(count)


def _row(row: Row, min_cell: int) -> str:
    small = 0 < row.respondents < min_cell
    head = f"• {escape(row.nl)}: {_count(row.respondents, min_cell)}"
    if row.inhabitants <= 0:
        return head + STATUS["no_population"]
    if small or row.respondents == 0:
        return head + f" van {number(row.inhabitants)} inwoners" + STATUS[row.status]
    per = "" if row.per_1000 is None else f", {number(row.per_1000, 1)} per 1.000 inwoners"
    shares = (
        f" ({percent(row.share_respondents)} van de reacties, "
        f"{percent(row.share_population)} van de inwoners{per})"
    )
    return head + shares + STATUS[row.status]


def _label(question: AnyQuestion, option: str) -> str:
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        found = {o.id: o.label.nl for o in question.options}.get(option)
        return found or option
    if isinstance(question, YesNoQuestion):
        return {"yes": "Ja", "no": "Nee"}.get(option, option)
    return option


def heard_lines(
    heard: Heard,
    questionnaire: Questionnaire,
    *,
    source: str,
    valid_from: datetime,
    zone: tzinfo,
) -> list[str]:
    """The block's lines (Telegram HTML)."""
    min_cell = clamp_min_cell(heard.min_cell)
    shown = heard.representation
    lines = [
        "<b>Wie hebben we gehoord?</b>",
        f"<i>Vergeleken met de inwoners van 15 jaar en ouder ({escape(source)}, geldig vanaf "
        f"{escape(day(valid_from, zone))}); alle reacties tot nu.</i>",
        f"<b>{escape(shown.verdict_nl)}</b>",
        "Per wijk:",
        *(_row(row, min_cell) for row in shown.areas),
        "Per leeftijd:",
        *(_row(row, min_cell) for row in shown.bands),
    ]
    if shown.unknown:
        lines.append(
            f"<i>{_count(shown.unknown, min_cell)} reacties zonder bekende wijk of leeftijd "
            "tellen alleen mee waar die bekend is.</i>"
        )
    weights = heard.weights
    names = {
        **{row.id: row.nl for row in shown.areas},
        **{band: BANDS_BY_ID[band].nl for band in BANDS_BY_ID},
    }
    area_ids = [row.id for row in shown.areas]
    band_ids = [row.id for row in shown.bands]
    missing = [
        names.get(area_ids[s.index] if s.dimension == "area" else band_ids[s.index], "?")
        + (" (geen reacties)" if s.reason == "empty" else "")
        + (f" (minder dan {min_cell} reacties)" if s.reason == "few" else "")
        + (" (geen inwoners bekend)" if s.reason == "no_population" else "")
        for s in weights.not_weighted
    ]
    if missing:
        lines.append(
            "Niet gewogen, want te weinig om op te wegen: " + escape(", ".join(missing)) + "."
        )
    if not heard.questions or weights.n == 0:
        return lines
    return [*lines, "", *weighted_lines(heard, questionnaire)]


def weighted_lines(
    heard: Heard,
    questionnaire: Questionnaire,
    *,
    title: str = "Gewogen naar wijk en leeftijd",
    who: str = "reacties",
    min_answered: int = 0,
) -> list[str]:
    """Per closed question its shares unweighted → weighted with the 95% margin; with
    ``min_answered``, only questions at least that many weighted respondents answered."""
    weights = heard.weights
    trimmed = (
        f"; {number(weights.trimmed)} gewichten afgekapt op {number(weights.cap, 0)}"
        if weights.trimmed
        else ""
    )
    lines = [
        f"<b>{escape(title)}</b>",
        f"<i>{number(weights.n)} {escape(who)} met wijk en leeftijd; telt als "
        f"{number(weights.n_eff, 0)} na weging{trimmed}. ± = 95%-foutmarge.</i>",
    ]
    names_of = question_names(questionnaire.questions)
    questions = {q.id: q for q in questionnaire.questions}
    for item in heard.questions:
        question = questions.get(item.question_id)
        if question is None or item.estimate.answered < min_answered:
            continue
        lines.append(f"{escape(names_of[item.question_id])} ({number(item.estimate.answered)})")
        for share in item.estimate.shares:
            if share.count == 0 and share.weighted == 0:
                continue
            margin = "" if share.margin != share.margin else f" ± {round(share.margin * 100)}"
            lines.append(
                f"• {escape(_label(question, share.option))}: {percent(share.unweighted)} "
                f"→ gewogen {percent(share.weighted)}{margin}"
            )
    return lines


async def sample_weighted_lines(
    db: AsyncSession, questionnaire: Questionnaire, until: datetime, *, min_cell: int
) -> list[str]:
    """The random sample's closed questions weighted to the population (the same raking on
    wijk and age band, over the sample's respondents alone), for the digest's "Steekproef"
    block; a line saying why not when there is a population but too few of the sample gave
    their wijk and age; nothing without a wijk question or a population."""
    limit = clamp_min_cell(min_cell)
    tally = await gather_heard(db, questionnaire, until, sample_only=True)
    question = area_question(questionnaire)
    if tally is None or question is None:
        return []
    cells = [(c.wijk_name, c.wijk_code, c.age_band, c.inhabitants) for c in tally.population.cells]

    def work() -> list[str]:
        heard = who_we_heard(
            questionnaire,
            question,
            cells,
            tally.respondents,
            tally.answers,
            answered=tally.answered,
            min_cell=limit,
        )
        shown = [q for q in heard.questions if q.estimate.answered >= limit]
        if heard.weights.n < limit or not shown:
            return [
                f"<i>Niet gewogen: minder dan {limit} mensen uit de steekproef gaven hun wijk "
                "en leeftijd.</i>"
            ]
        return weighted_lines(
            heard,
            questionnaire,
            title="Steekproef gewogen naar wijk en leeftijd",
            who="mensen uit de steekproef",
            min_answered=limit,
        )

    return await asyncio.to_thread(work)


def heard_figures(heard: Heard) -> Mapping[str, object]:
    """What the digest log keeps of it (aggregates only)."""
    return {
        "verdict": heard.representation.verdict_nl,
        "respondents": heard.representation.respondents,
        "n_eff": round(heard.weights.n_eff, 1),
        "trimmed": heard.weights.trimmed,
    }


@dataclass(frozen=True, slots=True)
class HeardBlock:
    """The block's lines, its chart (None: nobody with a known wijk yet) and what the digest
    log keeps."""

    lines: list[str]
    chart: bytes | None
    figures: Mapping[str, object]


async def heard_block(
    tally: HeardTally | None,
    questionnaire: Questionnaire,
    *,
    min_cell: int,
    zone: tzinfo,
    charts: bool = True,
) -> HeardBlock | None:
    """Compute and write the block for ``questionnaire`` from what
    :func:`storage.heard.gather_heard` read (None when it asks no wijk, there is no
    population valid at the digest's end, or nobody answered yet). The figures and the chart
    are made in a worker thread."""
    if tally is None or not any(tally.respondents.values()):
        return None
    question = area_question(questionnaire)
    if question is None:
        return None
    stored = tally.population

    def work() -> HeardBlock:
        # matplotlib when first drawn, as the digest's own chart: not at start-up.
        from bot.staff.charts import render_heard_chart

        cells = [(c.wijk_name, c.wijk_code, c.age_band, c.inhabitants) for c in stored.cells]
        heard = who_we_heard(
            questionnaire,
            question,
            cells,
            tally.respondents,
            tally.answers,
            answered=tally.answered,
            min_cell=min_cell,
        )
        lines = heard_lines(
            heard, questionnaire, source=stored.source, valid_from=stored.valid_from, zone=zone
        )
        chart = None
        if charts and heard.representation.respondents + heard.representation.unknown:
            rows = [
                (row.nl, row.share_respondents, row.share_population)
                for row in heard.representation.areas
            ]
            chart = render_heard_chart(rows, questionnaire.title.nl)
        figures = {**heard_figures(heard), "population": stored.id}
        return HeardBlock(lines, chart, figures)

    return await asyncio.to_thread(work)


def heard_caption(questionnaire: Questionnaire) -> Html:
    return Html(
        f"<b>Wie hebben we gehoord?</b> {escape(questionnaire.title.nl)}: aandeel van de "
        "reacties (blauw) en van de inwoners (oranje) per wijk."
    )
