# Over 500 lines on purpose: the whole text of a digest, section by section, so that its order
# and wording are read (and escaped) in one place.
"""A digest in Dutch for civil servants: the Telegram HTML text, the photo caption, labels.

Writes what :func:`analysis.digest.compute` found; computes nothing itself. Every dynamic
value goes through :func:`flows.texts.escape` (resident text is shown as written, never as
markup), and tags never span lines so that :func:`bot.staff.split.split_messages` may cut
between any two lines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta, tzinfo

from analysis import labels
from analysis.counts import clamp_min_cell
from analysis.duplicates import WINDOW
from analysis.figures import (
    Changes,
    DateStats,
    DimensionScore,
    Distribution,
    EffectStats,
    NumberStats,
    QuestionnaireDigest,
    Quote,
    RankingStats,
    ResponseStats,
    SampleStats,
    TextStats,
)
from analysis.names import question_names
from analysis.shapes import nps
from bot.staff.split import units
from flows.dates import short_date
from flows.limits import CAPTION_CHARS
from flows.schema import (
    CLOSED_TYPES,
    AnyQuestion,
    AreaQuestion,
    DateQuestion,
    GridQuestion,
    MultiQuestion,
    Questionnaire,
    QuestionType,
    RankingQuestion,
    ScaleQuestion,
)
from flows.texts import Html, escape
from flows.texts.formats import day, number, percent

# --- Labels -----------------------------------------------------------------------------------

DIMENSION_LABELS = {key: nl for key, (nl, _) in labels.DIMENSIONS.items()}
KIND_TITLES = {"scheduled": "Overzicht", "on_demand": "Tussenstand", "final": "Eindoverzicht"}
EFFECT_QUESTION = "Merk je iets van deze verandering?"


def effect_label(value: str) -> str:
    """The Dutch label of an effect-check answer (``een_beetje``: ``Een beetje``)."""
    return labels.effect_label(value, "nl")


def option_label(question: AnyQuestion, key: str, merged: int = 0) -> str:
    """The Dutch label of a distribution key."""
    return labels.option_label(question, key, merged, "nl")


def rows_of(question: AnyQuestion, distribution: Distribution) -> list[tuple[str, int, float]]:
    """(Dutch label, count, share of respondents) per option, as text and chart show them."""
    return [
        (option_label(question, key, distribution.merged), count, distribution.share(count))
        for key, count in distribution.counts
    ]


def answers_text(count: int) -> str:
    """``1 antwoord``, ``12 antwoorden``."""
    return f"{number(count)} antwoord" if count == 1 else f"{number(count)} antwoorden"


def period_text(since: datetime, until: datetime, zone: tzinfo = UTC) -> str:
    """``3 nov 2026 t/m 9 nov 2026`` for whole days, else with times; ``until`` is exclusive."""
    start, end = since.astimezone(zone), until.astimezone(zone)
    if start.time() == time(0) and end.time() == time(0):
        last = end - timedelta(days=1)
        if last.date() <= start.date():
            return day(start, zone)
        return f"{day(start, zone)} t/m {day(last, zone)}"
    return f"{day(start, zone)} {start:%H:%M} – {day(end, zone)} {end:%H:%M}"


def bar(share: float, width: int = 10) -> str:
    """A text bar in half blocks: ``width`` blocks is 100%; a tiny non-zero share shows ▏."""
    halves = round(max(0.0, min(share, 1.0)) * width * 2)
    if halves == 0:
        return "▏" if share > 0 else ""
    return "█" * (halves // 2) + "▌" * (halves % 2)


def delta(change: float | None, decimals: int = 1) -> str:
    """`` ▲ 0,3``, `` ▼ 2`` or `` (=)`` for a change since the previous digest; empty
    without one."""
    if change is None:
        return ""
    change = round(change, decimals)
    if change == 0:
        return " (=)"
    arrow = "▲" if change > 0 else "▼"
    return f" {arrow} {number(abs(change), decimals)}"


# --- Composition ------------------------------------------------------------------------------


def compose(
    digest: QuestionnaireDigest,
    questionnaire: Questionnaire,
    *,
    kind: str = "scheduled",
    zone: tzinfo = UTC,
    sample_weighted: Sequence[str] = (),
) -> Html:
    """The digest of one questionnaire in Telegram HTML (Dutch, for civil servants).

    Tags never span lines, so :func:`split_messages` may cut between any two lines.
    ``sample_weighted``: the lines of the sample's weighted results
    (:func:`bot.staff.heard.sample_weighted_lines`), at the end of its block.
    """
    questions = {q.id: q for q in questionnaire.questions}
    names = question_names(questionnaire.questions)
    lines: list[str] = [
        f"<b>{escape(KIND_TITLES.get(kind, 'Overzicht'))}: {escape(questionnaire.title.nl)}</b>",
        f"Periode: {escape(period_text(digest.since, digest.until, zone))}",
    ]
    changes = digest.changes
    if changes is not None:
        lines.append(
            f"<i>▲/▼ = verschil met het vorige overzicht ({escape(day(changes.since, zone))})</i>"
        )
    if digest.sample is not None:  # a random sample leads, as in the Burgerpeiling
        # With 1 to min_cell - 1 responses without a code, everyone's results minus the
        # sample's would be theirs: the sample's answers are then not shown apart (as in
        # the report, analysis.report_sample).
        without_code = digest.responses.total - digest.sample.started
        apart = not 0 < without_code < clamp_min_cell(digest.min_cell)
        lines += ["", *_sample(digest.sample, questionnaire, names, digest.min_cell, apart)]
        if apart and digest.sample.distributions and sample_weighted:
            lines += ["", *sample_weighted]
    lines += ["", *_responses(digest.responses, names)]
    score = _scorecard(digest.scorecard, changes, questionnaire)
    if score:
        lines += ["", *score]
    if digest.effects is not None:
        lines += ["", *_effects(digest.effects, digest.min_cell)]
    if (
        not digest.answered
        and not any(n.respondents for n in digest.numbers)
        and not any(t.count for t in digest.texts)
        and not any(r.respondents for r in digest.rankings)
        and not any(d.respondents for d in digest.dates)
    ):
        # Nothing answered in the period: one line instead of a row of empty questions.
        lines += ["", "<i>Geen nieuwe antwoorden in deze periode.</i>"]
        return Html("\n".join(lines))
    for question in questionnaire.questions:
        block: list[str] = []
        if isinstance(question, GridQuestion) and question.position == 1:
            lines += ["", *_grid_heading(question)]
        if isinstance(question, AreaQuestion):
            found = digest.distribution(question.id)
            block = _area(question, found, digest.min_cell) if found else []
        elif question.type in CLOSED_TYPES:
            found = digest.distribution(question.id)
            block = _closed(question, names[question.id], found, changes) if found else []
        elif isinstance(question, RankingQuestion):
            ranked = next((r for r in digest.rankings if r.question_id == question.id), None)
            block = _ranking(question, names[question.id], ranked) if ranked else []
        elif question.type == QuestionType.NUMBER:
            stats = next((n for n in digest.numbers if n.question_id == question.id), None)
            block = _number(names[question.id], stats) if stats else []
        elif isinstance(question, DateQuestion):
            dated = next((d for d in digest.dates if d.question_id == question.id), None)
            block = _dates(question, names[question.id], dated, digest.min_cell) if dated else []
        if block:
            lines += ["", *block]
    for text in digest.texts:
        if text.question_id in questions:
            lines += ["", *_text(names[text.question_id], text)]
    return Html("\n".join(lines))


def _grid_heading(question: GridQuestion) -> list[str]:
    """Above a grid's statements: what they share (each statement follows as a question)."""
    name = question.grid_label or question.stem.nl
    return [f"<b>{escape(name)}</b> – {number(question.count)} uitspraken, zie de grafiek"]


def _heading(name: str) -> str:
    return f"<b>{escape(name)}</b>"


def _sample(
    stats: SampleStats,
    questionnaire: Questionnaire,
    names: Mapping[str, str],
    min_cell: int,
    apart: bool = True,
) -> list[str]:
    """The random sample (letters with an invitation code): its response rate first, then
    open participation apart (or that it is switched off), then how the sample answered the
    closed questions so far (once enough of it completed; not ``apart`` when too few
    answered without a code to keep them from being worked out)."""
    codes_only = questionnaire.access == "codes"
    lines = ["<b>Steekproef (brieven met een code)</b>"]
    used = f"Brieven: {number(stats.sent)} · code gebruikt: {number(stats.used)}"
    if stats.use_rate is not None:
        used += f" ({percent(stats.use_rate)})"
    lines.append(used)
    done = f"Afgerond met een code: {number(stats.completed)} van {number(stats.started)}"
    lines.append(done)
    if stats.response_rate is not None:
        lines.append(f"<b>Respons van de steekproef: {percent(stats.response_rate)}</b>")
    if codes_only:
        lines.append("Open deelname staat uit: alleen reacties met een code tellen.")
    else:
        lines.append(f"Open deelname (zonder code): {number(stats.open_completed)} afgerond")
    questions = {q.id: q for q in questionnaire.questions}
    shown = [d for d in stats.distributions if d.respondents and d.question_id in questions]
    if shown and not apart:
        limit = clamp_min_cell(min_cell)
        return [
            *lines,
            f"<i>Minder dan {limit} mensen deden mee zonder code. Daarom staan de antwoorden "
            "van de steekproef hier niet apart: anders kun je uitrekenen wat die paar mensen "
            "antwoordden.</i>",
        ]
    if shown:
        lines += ["", "<b>Zo antwoordde de steekproef</b> (alle reacties met een code tot nu)"]
    for found in shown:
        question = questions[found.question_id]
        if isinstance(question, AreaQuestion):
            lines += _area(question, found, min_cell)
        else:
            lines += _closed(question, names[question.id], found, None)
    return lines


def _responses(stats: ResponseStats, names: Mapping[str, str]) -> list[str]:
    """New and completed in the period, and the totals at its end; nothing else, so that
    every figure has one meaning (the period is the one in the heading)."""
    lines = [
        "<b>Reacties</b>",
        f"Nieuw in deze periode: {number(stats.new)}"
        f" · afgerond in deze periode: {number(stats.completed_in_period)}",
    ]
    total = f"Totaal: {number(stats.completed)} van {number(stats.total)} afgerond"
    if stats.completion_rate is not None:
        total += f" ({percent(stats.completion_rate)})"
    if stats.completed_on_web:  # every door counted together; the split per door
        telegram = stats.completed - stats.completed_on_web
        total += (
            f"; via Telegram {number(telegram)}, via de website {number(stats.completed_on_web)}"
        )
    lines.append(total)
    if stats.possible_duplicates:  # a signal, not a block (analysis.duplicates)
        minutes = int(WINDOW.total_seconds() // 60)
        lines.append(
            f"Mogelijk dubbel: {number(stats.possible_duplicates)}. Die reacties hebben precies "
            f"dezelfde antwoorden als een reactie die kort ervoor klaar was (binnen {minutes} "
            "minuten). Ze tellen wel mee."
        )
    if stats.drop_off is not None and stats.incomplete:
        name = names.get(stats.drop_off.question_id, stats.drop_off.question_id)
        lines.append(
            f"Meeste afhakers bij: {escape(name)} ({number(stats.drop_off.count)} van "
            f"{number(stats.incomplete)} niet afgerond)"
        )
    return lines


def questions_text(count: int) -> str:
    """``1 vraag``, ``3 vragen``."""
    return f"{number(count)} vraag" if count == 1 else f"{number(count)} vragen"


def _scorecard(
    scores: Sequence[DimensionScore], changes: Changes | None, questionnaire: Questionnaire
) -> list[str]:
    """A line per dimension the questionnaire tags; tagged questions that cannot count
    (no score per answer, free text, wijken) are said, never silently left out."""
    if not scores:
        return []
    lines = ["<b>Publieke waarde</b> (0–100)"]
    for item in scores:
        label = escape(DIMENSION_LABELS.get(item.dimension, item.dimension))
        tagged = sum(
            1
            for q in questionnaire.questions
            if q.dimension is not None and q.dimension.value == item.dimension
        )
        if item.uncounted and item.uncounted >= tagged:
            lines.append(
                f"{label}: niet te meten ({questions_text(item.uncounted)} zonder score per "
                "antwoord)"
            )
            continue
        apart = (
            f"; {questions_text(item.uncounted)} zonder score telt niet mee"
            if item.uncounted
            else ""
        )
        if item.score is None:
            lines.append(f"{label}: nog geen antwoorden" + (f" ({apart[2:]})" if apart else ""))
            continue
        change = changes.dimensions.get(item.dimension) if changes else None
        lines.append(
            f"{label}: <b>{number(item.score)}</b>{delta(change, 0)}"
            f" ({answers_text(item.answers)}{apart})"
        )
    return lines


def _bars(question: AnyQuestion, distribution: Distribution) -> list[str]:
    return [
        f"{bar(share)} {percent(share)}".lstrip() + f" ({number(count)}) {escape(label)}"
        for label, count, share in rows_of(question, distribution)
    ]


def _answered(item: Distribution | NumberStats) -> str:
    text = answers_text(item.respondents)
    if item.skipped:
        text += f", {number(item.skipped)} overgeslagen"
    return text


def _closed(
    question: AnyQuestion, name: str, distribution: Distribution, changes: Changes | None
) -> list[str]:
    lines = [f"{_heading(name)} ({_answered(distribution)})"]
    if distribution.respondents == 0:
        return lines
    if isinstance(question, MultiQuestion):
        lines[0] += " – meer keuzes mogelijk"
    lines += _bars(question, distribution)
    if distribution.mean is not None:
        change = changes.scale_means.get(question.id) if changes else None
        line = f"Gemiddeld {number(distribution.mean, 1)}{delta(change)}"
        if distribution.median is not None:
            line += f" · mediaan {number(distribution.median, 1).removesuffix(',0')}"
        lines.append(line)
    if isinstance(question, ScaleQuestion):
        lines += _reported(question, distribution)
    return lines


def _reported(question: ScaleQuestion, distribution: Distribution) -> list[str]:
    """A rapportcijfer's mean, or a 0-10 scale's Net Promoter Score."""
    if question.report == "grade" and distribution.mean is not None:
        return [f"Rapportcijfer: <b>{number(distribution.mean, 1)}</b>"]
    score = nps(distribution) if question.report == "nps" else None
    if score is None:
        return []
    sign = "+" if round(score) > 0 else ""
    return [f"NPS: <b>{sign}{number(round(score))}</b> (9–10 min 0–6, in procentpunten)"]


def _ranking(question: RankingQuestion, name: str, ranked: RankingStats) -> list[str]:
    """Options by mean place, each with how often it came first."""
    lines = [f"{_heading(name)} ({answers_text(ranked.respondents)}"]
    lines[0] += f", {number(ranked.skipped)} overgeslagen)" if ranked.skipped else ")"
    if not ranked.respondents:
        return lines
    lines[0] += " – volgorde"
    labels = {o.id: o.label.nl for o in question.options}
    for place, (option, mean, first) in enumerate(ranked.options, 1):
        where = f"gemiddelde plek {number(mean, 1)}" if mean is not None else "geen plek"
        share = percent(first / ranked.respondents)
        lines.append(
            f"{place}. {escape(labels.get(option, option))} – {where} · "
            f"{number(first)}× op 1 ({share})"
        )
    return lines


def _dates(question: DateQuestion, name: str, stats: DateStats, min_cell: int) -> list[str]:
    """How many answered, the earliest and latest day, the busiest month or week, bars."""
    lines = [f"{_heading(name)} ({answers_text(stats.respondents)}"]
    lines[0] += f", {number(stats.skipped)} overgeslagen)" if stats.skipped else ")"
    if not stats.respondents:
        return lines
    limit = clamp_min_cell(min_cell)
    busiest = stats.busiest
    if busiest is None or stats.earliest is None or stats.latest is None:
        per = "maand" if stats.unit == "month" else "week"
        lines.append(
            f"<i>Te weinig antwoorden om de gekozen dagen te tonen (minder dan {limit} per "
            f"{per}).</i>"
        )
        return lines
    lines.append(
        f"Van {escape(short_date(stats.earliest, 'nl'))} tot en met "
        f"{escape(short_date(stats.latest, 'nl'))} · vaakst gekozen: "
        f"{escape(option_label(question, busiest[0]))} ({number(busiest[1])})"
    )
    for key, count in stats.periods:
        share = count / stats.respondents
        label = escape(option_label(question, key))
        lines.append(f"{bar(share)} {percent(share)}".lstrip() + f" ({number(count)}) {label}")
    if stats.merged:
        unit = "Maanden" if stats.unit == "month" else "Weken"
        lines.append(
            f"<i>{unit} met minder dan {limit} antwoorden staan samen onder ‘Overig’.</i>"
        )
    return lines


def _area(question: AreaQuestion, distribution: Distribution, min_cell: int) -> list[str]:
    lines = [f"<b>Reacties per wijk</b> ({_answered(distribution)})"]
    if distribution.respondents == 0:
        return lines
    lines += _bars(question, distribution)
    if distribution.merged:
        lines.append(
            f"<i>Wijken met minder dan {clamp_min_cell(min_cell)} reacties staan samen onder "
            "‘Overig’.</i>"
        )
    return lines


def _number(name: str, stats: NumberStats) -> list[str]:
    lines = [f"{_heading(name)} ({_answered(stats)})"]
    if stats.mean is not None:
        line = f"Gemiddeld {number(stats.mean, 1)}"
        if stats.median is not None:
            line += f" · mediaan {number(stats.median, 1).removesuffix(',0')}"
        lines.append(line)
    return lines


def _text(name: str, stats: TextStats) -> list[str]:
    lines = [f"{_heading(name)} ({answers_text(stats.count)})"]
    if stats.words:
        listed = ", ".join(f"{escape(w)} ({number(c)})" for w, c in stats.words)
        lines.append(f"Veel genoemd: {listed}")
    lines += [_quote(q) for q in stats.quotes]
    if stats.pending:
        lines.append(f"<i>{waiting_text(stats.pending)}</i>")
    return lines


def _quote(quote: Quote) -> str:
    """A resident's words as written, marked with their language when not Dutch."""
    mark = labels.written_in(quote.language)
    return f"<i>«{escape(quote.text)}»</i>" + (f" {escape(mark)}" if mark else "")


def waiting_text(count: int) -> str:
    """``1 tekst wacht op moderatie``, ``3 teksten wachten op moderatie``."""
    if count == 1:
        return "1 tekst wacht op moderatie."
    return f"{number(count)} teksten wachten op moderatie."


def effect_lines(stats: EffectStats, min_cell: int) -> list[str]:
    """The effect checks' lines of a part (also a deliberation's)."""
    return _effects(stats, min_cell)


def _effects(stats: EffectStats, min_cell: int) -> list[str]:
    limit = clamp_min_cell(min_cell)
    lines = [
        f"<b>Effectmeting</b>: {escape(EFFECT_QUESTION)}",
        f"{answers_text(stats.total)}, {number(stats.new)} nieuw in deze periode",
    ]
    if not stats.counts:
        lines.append(f"<i>Te weinig antwoorden om uit te splitsen (minder dan {limit}).</i>")
        return lines
    for key, count in stats.counts:
        label = effect_label(key)
        share = stats.share(count)
        lines.append(
            f"{bar(share)} {percent(share)}".lstrip() + f" ({number(count)}) {escape(label)}"
        )
    if stats.merged:
        lines.append(
            f"<i>Antwoorden die minder dan {limit} keer gegeven zijn, staan samen onder "
            "‘Overig’.</i>"
        )
    return lines


def nothing_new(since: datetime, zone: tzinfo | None) -> Html:
    """/digest when no questionnaire has anything new since ``since``: one short line
    instead of an empty digest per questionnaire."""
    local = since.astimezone(zone or UTC)
    return Html(
        f"Nog geen nieuwe antwoorden sinds {escape(day(local, zone or UTC))} {local:%H:%M}."
    )


def caption(
    digest: QuestionnaireDigest,
    questionnaire: Questionnaire,
    *,
    zone: tzinfo = UTC,
    limit: int = CAPTION_CHARS,
) -> Html:
    """A short photo caption for the chart (within Telegram's limit for captions)."""
    stats = digest.responses
    tail = (
        f"\n{escape(period_text(digest.since, digest.until, zone))}"
        f"\n{number(stats.new)} nieuw · {number(stats.completed)} van {number(stats.total)} "
        "afgerond"
    )
    title = questionnaire.title.nl
    room = limit - units(tail) - len("<b></b>")
    while title and units(f"<b>{escape(title)}</b>") > room:
        title = title[:-2] + "…"
    return Html(f"<b>{escape(title)}</b>{tail}")
