"""The words of the report's "Resultaten van de steekproef" section, in Dutch and English,
for the Word file and the web page alike (:mod:`bot.staff.report_docx`,
:mod:`bot.staff.report_html`). Writes what :func:`analysis.report_sample.sample_results`
found; computes nothing itself."""

from __future__ import annotations

from analysis.report import SampleResults
from flows.texts.formats import number, percent

HEADING = ("Resultaten van de steekproef", "Results of the random sample")
WEIGHTED = ("Steekproef, gewogen naar wijk en leeftijd", "Sample, weighted by area and age")
UNWEIGHTED = ("Zo antwoordde de steekproef (ongewogen)", "How the sample answered (unweighted)")


def heading(language: str) -> str:
    return HEADING[language == "en"]


def response_lines(section: SampleResults, language: str) -> list[str]:
    """Letters sent, codes used, completed and the response rate; open participation apart;
    then what the section shows (weighted or not, or too few)."""
    s, en = section.stats, language == "en"
    rate = "" if s.response_rate is None else f" ({percent(s.response_rate)})"
    if en:
        lines = [
            f"Letters with a code: {s.sent:,}. Codes used: {s.used:,}. Answered every "
            f"question: {s.completed:,}{rate}.",
            f"Open participation (without a code): {s.open_completed:,} answered every "
            "question. Their answers are not in this section.",
        ]
    else:
        lines = [
            f"Brieven met een code: {number(s.sent)}. Code gebruikt: {number(s.used)}. Hele "
            f"vragenlijst ingevuld: {number(s.completed)}{rate}.",
            f"Open deelname (zonder code): {number(s.open_completed)} vulden de hele "
            "vragenlijst in. Hun antwoorden staan niet in dit deel.",
        ]
    return [*lines, section.note.of(language)]


def weighted_intro(section: SampleResults, language: str) -> str:
    n_eff = section.n_eff or 0.0
    if language == "en":
        return (
            f"{section.respondents:,} people in the sample with a known area and age; after "
            f"weighting they count as {number(n_eff)}. ± is the 95% margin of error."
        )
    return (
        f"{number(section.respondents)} mensen uit de steekproef met bekende wijk en leeftijd; "
        f"na weging tellen ze als {number(n_eff)}. ± is de foutmarge (95%)."
    )


def suppressed(min_cell: int, language: str) -> str:
    if language == "en":
        return f"Fewer than {min_cell} people in the sample answered this question."
    return f"Minder dan {min_cell} mensen uit de steekproef beantwoordden deze vraag."
