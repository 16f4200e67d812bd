"""The words of the report's question shapes (rankings, rapportcijfer and NPS, grids), in
Dutch and English, shared by the Word file and the page as :mod:`bot.staff.report_text`
is. Plain text: each output escapes it its own way."""

from __future__ import annotations

from analysis.report import (
    GridResult,
    QuestionResult,
    RankingResult,
    Row,
    ScaleScore,
)
from bot.staff.report_text import count
from flows.texts.formats import number, percent


def _one(value: float, language: str) -> str:
    return f"{value:.1f}" if language == "en" else number(value, 1)


# --- Rankings ----------------------------------------------------------------------------------


def ranking_intro(result: RankingResult, language: str) -> str:
    answers = count(result.respondents, language)
    skipped = count(result.skipped, language)
    if language == "en":
        return (
            f"People put the options in order, the most important first ({answers} answers"
            + (f", {skipped} skipped" if result.skipped else "")
            + "). The lower the average place, the more important people found it."
        )
    return (
        f"Mensen zetten de keuzes in volgorde, de belangrijkste eerst ({answers} antwoorden"
        + (f", {skipped} overgeslagen" if result.skipped else "")
        + "). Hoe lager de gemiddelde plek, hoe belangrijker mensen het vonden."
    )


def ranking_header(language: str) -> list[str]:
    if language == "en":
        return ["Option", "Average place", "Put first", "%"]
    return ["Keuze", "Gemiddelde plek", "Op plek 1", "%"]


def ranking_rows(result: RankingResult, language: str) -> list[list[str]]:
    return [
        [
            option.label.of(language),
            "–" if option.mean_place is None else _one(option.mean_place, language),
            count(option.first, language),
            percent(option.first_share),
        ]
        for option in result.options
    ]


def first_places(result: RankingResult) -> QuestionResult:
    """The ranking as a bar per option of how often it came first (the digest's chart)."""
    return QuestionResult(
        result.question_id,
        result.position,
        result.name,
        "ranking",
        result.respondents,
        result.skipped,
        tuple(Row(o.key, o.label, o.first, o.first_share) for o in result.options),
    )


def ranking_alt(result: RankingResult, language: str) -> str:
    bars = "; ".join(f"{o.label.of(language)}: {percent(o.first_share)}" for o in result.options)
    if language == "en":
        return (
            f"Bar chart of how often each option was put first in “{result.name.en}” "
            f"({count(result.respondents, language)} answers): {bars}."
        )
    return (
        f"Staafdiagram van hoe vaak elke keuze op plek 1 stond bij ‘{result.name.nl}’ "
        f"({count(result.respondents, language)} antwoorden): {bars}."
    )


# --- Rapportcijfer and NPS ---------------------------------------------------------------------


def score_line(score: ScaleScore, language: str) -> str:
    en = language == "en"
    if score.kind == "grade":
        value = _one(score.value, language)
        return (
            f"Mark: {value} (the average of all marks)."
            if en
            else f"Rapportcijfer: {value} (het gemiddelde van alle cijfers)."
        )
    points = round(score.value)
    signed = f"{'+' if points > 0 else ''}{points if en else number(points)}"
    return (
        f"Net Promoter Score (NPS): {signed}. That is the share who gave 9 or 10 minus the "
        "share who gave 0 to 6, in percentage points (from -100 to +100)."
        if en
        else f"Net Promoter Score (NPS): {signed}. Dat is het percentage dat 9 of 10 gaf, "
        "min het percentage dat 0 tot en met 6 gaf (van -100 tot +100)."
    )


def nps_header(language: str) -> list[str]:
    return ["Group", "Number", "%"] if language == "en" else ["Groep", "Aantal", "Percentage"]


def nps_rows(score: ScaleScore, language: str) -> list[list[str]]:
    return [[r.label.of(language), count(r.count, language), percent(r.share)] for r in score.rows]


# --- Grids -------------------------------------------------------------------------------------


def grid_intro(grid: GridResult, min_cell: int, language: str) -> str:
    statements = count(len(grid.statements), language)
    if language == "en":
        return (
            f"{statements} statements on the same scale. Per statement the share of the people "
            f"who answered it; a statement fewer than {min_cell} people answered is not shown."
        )
    return (
        f"{statements} uitspraken met dezelfde antwoorden. Per uitspraak het percentage van "
        f"de mensen die hem beantwoordden. Een uitspraak die minder dan {min_cell} mensen "
        "beantwoordden, tonen we niet."
    )


def grid_header(grid: GridResult, language: str) -> list[str]:
    first = "Statement" if language == "en" else "Uitspraak"
    last = "Answers" if language == "en" else "Antwoorden"
    return [first, *(label.of(language) for _, label in grid.options), last]


def grid_rows(grid: GridResult, min_cell: int, language: str) -> list[list[str]]:
    few = f"fewer than {min_cell}" if language == "en" else f"minder dan {min_cell}"
    rows = []
    for statement in grid.statements:
        shares = {row.key: row.share for row in statement.rows}
        hidden = statement.suppressed or not statement.rows
        rows.append(
            [
                statement.name.of(language),
                *("–" if hidden else percent(shares.get(key, 0.0)) for key, _ in grid.options),
                (
                    few
                    if hidden and statement.respondents
                    else count(statement.respondents, language)
                ),
            ]
        )
    return rows


def grid_alt(grid: GridResult, min_cell: int, language: str) -> str:
    """The stacked chart in words: per statement every share."""
    parts = []
    for statement in grid.statements:
        if statement.suppressed or not statement.rows:
            continue
        shares = ", ".join(f"{r.label.of(language)} {percent(r.share)}" for r in statement.rows)
        parts.append(f"{statement.name.of(language)}: {shares}")
    listed = "; ".join(parts)
    if language == "en":
        return f"Stacked bar chart of “{grid.name.en}”, one bar per statement: {listed}."
    return f"Gestapeld staafdiagram van ‘{grid.name.nl}’, een balk per uitspraak: {listed}."


def grid_shown(grid: GridResult) -> bool:
    return any(not s.suppressed and s.rows for s in grid.statements)
