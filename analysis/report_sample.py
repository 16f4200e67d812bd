"""The report's "Resultaten van de steekproef": the random sample's own results, before those
of open participation, as the Burgerpeiling does.

A random sample of addresses got a letter with an invitation code; open participation is
everyone else. The sample's results are its closed questions as :func:`analysis.digest.
sample_stats` found them (the digest's "Steekproef" block) and, where a population is
loaded, the same raking on wijk and age band as the whole response, applied to the sample's
respondents alone (:func:`analysis.heard.who_we_heard` over :func:`storage.heard.
gather_heard` with ``sample_only``). It computes nothing of its own.

Small cells as elsewhere: nothing per question while fewer than ``min_cell`` of the sample
completed, nor while 1 to ``min_cell - 1`` responded without a code (everyone's results
minus the sample's would be theirs), no breakdown of a question fewer than ``min_cell`` of
it answered, and a question is weighted only when at least ``min_cell`` of the sample with
a known wijk and age band answered it.
"""

from __future__ import annotations

from analysis.counts import clamp_min_cell
from analysis.digest import sample_stats
from analysis.heard import Heard
from analysis.report import Bilingual, QuestionResult, SampleResults, WeightedResult
from analysis.report_build import option_rows, question_labels
from analysis.report_heard import weighted_results
from analysis.tallies import Tallies
from flows.schema import MultiQuestion, Questionnaire


def sample_results(
    tallies: Tallies,
    questionnaire: Questionnaire,
    heard: Heard | None,
    *,
    min_cell: int,
) -> SampleResults | None:
    """The section (see the module); None without invitation codes. ``heard``: the
    sample's respondents against the population (None: no wijk asked or no population)."""
    limit = clamp_min_cell(min_cell)
    stats = sample_stats(tallies, questionnaire, limit)
    if stats is None:
        return None
    if stats.completed < limit:
        return SampleResults(stats, (), (), too_few(limit))
    # With 1 to ``limit - 1`` responses without a code, everyone's results minus the
    # sample's would be theirs: the sample is then not shown apart.
    if 0 < tallies.responses.total - stats.started < limit:
        return SampleResults(stats, (), (), few_open(limit))
    names = question_labels(questionnaire)
    positions = {q.id: i for i, q in enumerate(questionnaire.questions, start=1)}
    questions = []
    for found in stats.distributions:
        if found.question_id not in positions:
            continue
        question = questionnaire.question(found.question_id)
        small = found.respondents < limit
        questions.append(
            QuestionResult(
                question.id,
                positions[question.id],
                names[question.id],
                question.type.value,
                found.respondents,
                found.skipped,
                () if small else option_rows(question, found),
                suppressed=small,
                merged=found.merged,
                multi=isinstance(question, MultiQuestion),
            )
        )
    weighted: tuple[WeightedResult, ...] = ()
    if heard is not None and heard.weights.n >= limit:
        weighted = weighted_results(heard, questionnaire, limit)
    if not weighted:
        return SampleResults(stats, tuple(questions), (), not_weighted(heard is not None, limit))
    assert heard is not None
    return SampleResults(
        stats,
        tuple(questions),
        weighted,
        Bilingual(
            "De antwoorden van de steekproef zijn gewogen naar wijk en leeftijd, zodat ze "
            "passen bij alle inwoners van 15 jaar en ouder.",
            "The sample's answers are weighted by area and age to match all inhabitants "
            "aged 15 and over.",
        ),
        respondents=heard.weights.n,
        n_eff=heard.weights.n_eff,
    )


def too_few(limit: int) -> Bilingual:
    return Bilingual(
        f"Minder dan {limit} mensen uit de steekproef vulden de hele vragenlijst in. Daarom "
        "laten we hun antwoorden niet apart zien: anders kun je misschien zien wie wat "
        "heeft geantwoord.",
        f"Fewer than {limit} people in the sample answered every question, so we do not "
        "show their answers apart: otherwise someone's answers might be recognised.",
    )


def few_open(limit: int) -> Bilingual:
    return Bilingual(
        f"Minder dan {limit} mensen deden mee zonder code. Daarom laten we de antwoorden van "
        "de steekproef niet apart zien: anders kun je uitrekenen wat die paar mensen "
        "antwoordden. De uitkomsten van alle reacties samen staan hieronder.",
        f"Fewer than {limit} people took part without a code, so we do not show the sample's "
        "answers apart: otherwise one could work out what those few people answered. The "
        "results of all responses together follow below.",
    )


def not_weighted(population: bool, limit: int) -> Bilingual:
    if population:
        return Bilingual(
            f"De antwoorden van de steekproef zijn niet gewogen: minder dan {limit} mensen "
            "uit de steekproef gaven hun wijk en leeftijd.",
            f"The sample's answers are not weighted: fewer than {limit} people in the sample "
            "gave their area and age.",
        )
    return Bilingual(
        "De antwoorden van de steekproef zijn niet gewogen: er zijn geen cijfers over de "
        "inwoners per wijk en leeftijd geladen.",
        "The sample's answers are not weighted: no population figures per area and age "
        "are loaded.",
    )
