"""The report's "Respons en representativiteit" section from the digest's own figures.

:func:`representativeness` turns what :func:`analysis.heard.who_we_heard` found (the same
function, over the same :func:`storage.heard.gather_heard` counts, as the digest's "Wie
hebben we gehoord?" block) into :class:`analysis.report.Representativeness`: respondents
against inhabitants per wijk and age band, the one-line verdict, the strata without
respondents, the notes on weighting (:func:`analysis.representation.weighting_notes`), the
chart's bars and per closed question the weighted shares beside the unweighted ones with
the 95% margin. It computes nothing of its own.

Small cells as in digests: a wijk or age band with 1 to ``min_cell - 1`` respondents shows
neither its count nor its share (nor a bar); with fewer than ``min_cell`` respondents in
all, nothing is compared and the section says so; a question is weighted only when at
least ``min_cell`` respondents with a known wijk and age band answered it.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from analysis import labels
from analysis.counts import clamp_min_cell
from analysis.heard import Heard
from analysis.population import BANDS_BY_ID
from analysis.report import (
    Bilingual,
    ChartBar,
    Representativeness,
    RepresentativenessRow,
    WeightedResult,
    WeightedShare,
)
from analysis.report_build import question_labels
from analysis.representation import Label, Row, weighting_notes
from flows.schema import Questionnaire
from flows.texts.formats import date

STATUS: dict[str, Bilingual] = {
    "under": Bilingual("ondervertegenwoordigd", "under-represented"),
    "over": Bilingual("oververtegenwoordigd", "over-represented"),
    "empty": Bilingual("geen reacties", "no responses"),
    "no_population": Bilingual("geen inwoners bekend", "no population figures"),
}
AREA = Bilingual("Wijk", "Area")
BAND = Bilingual("Leeftijd", "Age")


def too_few(min_cell: int) -> Bilingual:
    """The section when fewer than ``min_cell`` respondents can be compared."""
    limit = clamp_min_cell(min_cell)
    return Bilingual(
        f"Minder dan {limit} reacties: te weinig om met de inwoners te vergelijken. De "
        "uitkomsten zijn niet gewogen.",
        f"Fewer than {limit} responses: too few to compare with the population. The results "
        "are not weighted.",
    )


def _row(variable: Bilingual, row: Row, limit: int) -> RepresentativenessRow:
    small = 0 < row.respondents < limit
    return RepresentativenessRow(
        variable,
        Bilingual(row.nl, row.en),
        None if small else row.share_respondents,
        row.share_population,
        respondents=None if small else row.respondents,
        inhabitants=row.inhabitants,
        per_1000=None if small else row.per_1000,
        status=STATUS.get(row.status),
    )


def representativeness(
    heard: Heard,
    questionnaire: Questionnaire,
    *,
    source: str,
    valid_from: datetime,
    zone: tzinfo,
) -> Representativeness:
    """The section of ``questionnaire``'s report from the digest's figures (see module)."""
    limit = clamp_min_cell(heard.min_cell)
    shown = heard.representation
    if shown.respondents + shown.unknown < limit:
        return Representativeness(rows=(), weighted=False, note=too_few(limit))
    note = Bilingual(
        f"Vergeleken met de inwoners van 15 jaar en ouder ({source}, geldig vanaf "
        f"{date(valid_from, 'nl', zone)}); alle reacties tot het einde van de periode.",
        f"Compared with the inhabitants aged 15 and over ({source}, valid from "
        f"{date(valid_from, 'en', zone)}); all responses up to the end of the period.",
    )
    rows = tuple(
        [_row(AREA, r, limit) for r in shown.areas] + [_row(BAND, r, limit) for r in shown.bands]
    )
    empty = tuple(
        Bilingual(r.nl, r.en) for r in (*shown.areas, *shown.bands) if r.status == "empty"
    )
    area_labels = [Label(r.id, r.nl, r.en) for r in shown.areas]
    notes = _notes(heard, area_labels, [r.id for r in shown.bands], limit)
    if shown.unknown:
        small = shown.unknown < limit
        count = f"minder dan {limit}" if small else str(shown.unknown)
        count_en = f"fewer than {limit}" if small else str(shown.unknown)
        notes += (
            Bilingual(
                f"{count.capitalize()} reacties zonder bekende wijk of leeftijd tellen "
                "alleen mee waar die bekend is.",
                f"{count_en.capitalize()} responses without a known wijk or age count only "
                "where it is known.",
            ),
        )
    results = weighted_results(heard, questionnaire, limit)
    margins = [s.margin for r in results for s in r.shares if s.margin is not None]
    chart = tuple(
        ChartBar(
            Bilingual(r.nl, r.en),
            None if 0 < r.respondents < limit else r.share_respondents,
            r.share_population,
        )
        for r in shown.areas
    )
    return Representativeness(
        rows=rows,
        weighted=bool(results),
        note=note,
        margin=max(margins) if margins else None,
        verdict=Bilingual(shown.verdict_nl, shown.verdict_en),
        empty=empty,
        notes=notes,
        results=results,
        respondents=shown.respondents,
        n_eff=heard.weights.n_eff if heard.weights.n else None,
        chart=chart,
    )


def _notes(
    heard: Heard, areas: list[Label], bands: list[str], limit: int
) -> tuple[Bilingual, ...]:
    """:func:`weighting_notes`, with the counts of small strata (and of the small cells
    together, when fewer than ``limit``) not given: one note per stratum not weighted comes
    first, then the one about small cells."""
    weights = heard.weights
    notes = [Bilingual(nl, en) for nl, en in weighting_notes(weights, areas, bands)]
    for i, stratum in enumerate(weights.not_weighted):
        if stratum.reason != "few":
            continue
        if stratum.dimension == "area":
            who_nl, who_en = f"uit {areas[stratum.index].nl}", f"from {areas[stratum.index].en}"
        else:
            band = BANDS_BY_ID[bands[stratum.index]]
            who_nl, who_en = f"van {band.nl}", f"aged {band.en}"
        notes[i] = Bilingual(
            f"Minder dan {limit} antwoorden {who_nl}: die tellen we niet zwaarder mee.",
            f"Fewer than {limit} answers {who_en}: not weighted up.",
        )
    held = len(weights.not_weighted)
    if 0 < weights.held < limit and held < len(notes):
        notes[held] = Bilingual(
            f"Minder dan {limit} antwoorden komen uit groepjes van minder dan {limit} (één "
            "wijk en leeftijd): die tellen we niet zwaarder mee.",
            f"Fewer than {limit} answers come from groups of fewer than {limit} (one wijk "
            "and age band): they are not weighted up.",
        )
    return tuple(notes)


def weighted_results(
    heard: Heard, questionnaire: Questionnaire, limit: int
) -> tuple[WeightedResult, ...]:
    """Per closed question at least ``limit`` weighted respondents answered, its shares
    unweighted and weighted with the 95% margin (questionnaire order)."""
    if heard.weights.n == 0:
        return ()
    names = question_labels(questionnaire)
    positions = {q.id: i for i, q in enumerate(questionnaire.questions, start=1)}
    out = []
    for item in heard.questions:
        if item.estimate.answered < limit or item.question_id not in positions:
            continue
        question = questionnaire.question(item.question_id)
        shares = tuple(
            WeightedShare(
                Bilingual(
                    labels.option_label(question, share.option, 0, "nl"),
                    labels.option_label(question, share.option, 0, "en"),
                ),
                share.unweighted,
                share.weighted,
                None if share.margin != share.margin else share.margin,
            )
            for share in item.estimate.shares
            if share.count or share.weighted
        )
        out.append(
            WeightedResult(
                item.question_id,
                positions[item.question_id],
                names[item.question_id],
                item.estimate.answered,
                shares,
            )
        )
    return tuple(out)
