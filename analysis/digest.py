"""Digests for civil servants: what residents said per questionnaire, as plain data and text.

Pure: no Telegram, no database. :mod:`storage.digest` fills the dataclasses below with SQL
aggregates; this module holds the maths that needs no database (medians, the public-value
scorecard, small-cell suppression, scrubbing personal data from quotes, top words) and
composes the Telegram HTML. Every dynamic value in the text goes through
:func:`flows.texts.escape`; nothing that identifies a resident is ever shown.

Quotes are only texts an administrator approved (``/moderatie``); texts waiting for
moderation or rejected still count in the numbers, and the digest says how many wait.
Answers to effect checks ("Merk je iets van deze verandering?") are shown per questionnaire
with the same small-cell rule as areas.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from flows.schema import (
    CLOSED_TYPES,
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    Dimension,
    MultiQuestion,
    Questionnaire,
    QuestionType,
    ScaleQuestion,
    YesNoQuestion,
)
from flows.texts import Html, escape
from flows.texts.formats import day, number, percent, short_title

# --- Limits -----------------------------------------------------------------------------------

OTHER = "overig"  # the cell that small areas are merged into
MIN_CELL = 5  # areas with fewer respondents than this are merged into OTHER
MIN_CELL_FLOOR = 3  # min_cell is never lower than this
MIN_WORD_ANSWERS = 3  # a word is shown only when at least this many answers use it
MAX_TEXTS = 5_000  # most recent text answers per question read for top words and quotes
QUOTE_MIN, QUOTE_MAX = 20, 280
TOP_WORDS = 8
QUOTES = 3
MAX_MESSAGE = 4096  # Telegram: characters per message
MAX_CAPTION = 1024  # Telegram: characters per photo caption
REMOVED = "[verwijderd]"

KINDS = ("scheduled", "on_demand", "final")


# --- Data -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DropOff:
    """The question where most unfinished responses stand."""

    question_id: str
    count: int  # unfinished responses whose current question this is


@dataclass(frozen=True, slots=True)
class ResponseStats:
    """Responses that count (no test runs, no replaced revisions)."""

    new: int  # started in the period
    completed_in_period: int  # finished in the period, whenever they started
    total: int  # started before the end of the period
    completed: int  # of ``total``, finished before the end of the period
    drop_off: DropOff | None  # over all unfinished responses (active, paused, expired)

    @property
    def incomplete(self) -> int:
        return self.total - self.completed

    @property
    def completion_rate(self) -> float | None:
        """Finished share of all responses, 0..1; None without responses."""
        return self.completed / self.total if self.total else None


@dataclass(frozen=True, slots=True)
class Distribution:
    """Answers given in the period to one closed question (choice, multi, scale, yesno, area).

    ``counts`` has every option (area, scale value, yes/no) in questionnaire order, zeros
    included, then ids that only older versions knew. For an area question small areas are
    already merged into :data:`OTHER` and areas nobody chose are left out.
    """

    question_id: str
    type: str  # a QuestionType value
    respondents: int  # answers that were not skipped
    skipped: int
    counts: tuple[tuple[str, int], ...]
    mean: float | None = None  # scale questions only
    median: float | None = None  # scale questions only
    merged: int = 0  # area questions: how many areas are in OTHER

    def count(self, key: str) -> int:
        return dict(self.counts).get(key, 0)

    def share(self, count: int) -> float:
        """A count as a share of the respondents (multi: shares add up to more than 1)."""
        return count / self.respondents if self.respondents else 0.0


@dataclass(frozen=True, slots=True)
class NumberStats:
    question_id: str
    respondents: int
    skipped: int
    mean: float | None
    median: float | None


@dataclass(frozen=True, slots=True)
class Quote:
    """A recent text answer, scrubbed of personal data. ``answer_id`` is for moderation only
    and never shown."""

    answer_id: int
    question_id: str
    text: str


@dataclass(frozen=True, slots=True)
class TextStats:
    """Free text given in the period. Words come from texts not rejected in moderation,
    quotes only from approved texts; ``count`` is every text, whatever its moderation."""

    question_id: str
    count: int  # text answers given in the period (skipped ones not counted)
    words: tuple[tuple[str, int], ...]  # (word, answers using it), most used first
    quotes: tuple[Quote, ...]
    pending: int = 0  # of ``count``, texts still waiting for moderation


# Answers to an effect check, in the order shown, with their Dutch labels.
EFFECT_LABELS = {
    "ja": "Ja",
    "een_beetje": "Een beetje",
    "nee": "Nee",
    "weet_niet": "Weet ik niet",
}
EFFECT_QUESTION = "Merk je iets van deze verandering?"


@dataclass(frozen=True, slots=True)
class EffectStats:
    """Answers to the effect checks of one questionnaire, all checks together, given before
    the end of the period. ``counts`` has small cells merged into :data:`OTHER` and is empty
    when fewer than ``min_cell`` residents answered or every cell is small (then only the
    totals are shown)."""

    total: int
    new: int  # given in the period
    counts: tuple[tuple[str, int], ...]
    merged: int = 0  # how many answers are in OTHER

    def share(self, count: int) -> float:
        return count / self.total if self.total else 0.0


def effect_stats(
    found: Mapping[str, int], new: int, min_cell: int = MIN_CELL
) -> EffectStats | None:
    """Effect-check figures from the count per answer value; None without answers.

    Known values come in :data:`EFFECT_LABELS` order, unknown ones after them. The
    small-cell rule of areas applies: no breakdown below ``min_cell`` answers in all, and
    values given fewer than ``min_cell`` times are merged into :data:`OTHER`.
    """
    ordered = [(key, found.get(key, 0)) for key in EFFECT_LABELS]
    ordered += sorted((key, count) for key, count in found.items() if key not in EFFECT_LABELS)
    total = sum(count for _, count in ordered)
    if total == 0:
        return None
    if total < clamp_min_cell(min_cell):
        return EffectStats(total, new, ())
    cells, merged = suppress_small_cells(ordered, min_cell)
    if all(key == OTHER for key, _ in cells):
        return EffectStats(total, new, ())  # everything merged: a breakdown of one cell
    return EffectStats(total, new, cells, merged)


@dataclass(frozen=True, slots=True)
class DimensionScore:
    dimension: str  # a Dimension value
    score: float | None  # 0..100; None when the scored questions got no answers
    answers: int  # scored answers behind the score


@dataclass(frozen=True, slots=True)
class QuestionnaireDigest:
    questionnaire_id: str
    since: datetime
    until: datetime
    responses: ResponseStats
    distributions: tuple[Distribution, ...]  # closed questions, questionnaire order
    numbers: tuple[NumberStats, ...]
    texts: tuple[TextStats, ...]
    scorecard: tuple[DimensionScore, ...]
    min_cell: int = MIN_CELL
    effects: EffectStats | None = None

    def distribution(self, question_id: str) -> Distribution | None:
        return next((d for d in self.distributions if d.question_id == question_id), None)

    @property
    def answered(self) -> int:
        """Answers (not skipped) to closed questions in the period."""
        return sum(d.respondents for d in self.distributions)


@dataclass(frozen=True, slots=True)
class PreviousFigures:
    """What the previous digest showed for a questionnaire, to show the change since."""

    sent_at: datetime
    new: int | None
    total: int | None
    scale_means: Mapping[str, float]
    dimensions: Mapping[str, float]

    @classmethod
    def from_figures(cls, sent_at: datetime, figures: Mapping[str, Any]) -> PreviousFigures:
        """Read a stored snapshot leniently: unknown or malformed entries are ignored."""

        def numbers(value: object) -> dict[str, float]:
            if not isinstance(value, Mapping):
                return {}
            return {
                str(k): float(v)
                for k, v in value.items()
                if isinstance(v, int | float) and not isinstance(v, bool)
            }

        def whole(value: object) -> int | None:
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        return cls(
            sent_at=sent_at,
            new=whole(figures.get("new")),
            total=whole(figures.get("total")),
            scale_means=numbers(figures.get("scale_means")),
            dimensions=numbers(figures.get("dimensions")),
        )


def figures_of(digest: QuestionnaireDigest) -> dict[str, Any]:
    """The snapshot stored with a digest so the next one can show what changed."""
    return {
        "new": digest.responses.new,
        "total": digest.responses.total,
        "scale_means": {
            d.question_id: round(d.mean, 4) for d in digest.distributions if d.mean is not None
        },
        "dimensions": {
            s.dimension: round(s.score, 4) for s in digest.scorecard if s.score is not None
        },
    }


# --- Maths ------------------------------------------------------------------------------------


def clamp_min_cell(min_cell: int) -> int:
    return max(MIN_CELL_FLOOR, min_cell)


def median_from_counts(counts: Iterable[tuple[float, int]]) -> float | None:
    """The median of values given as (value, how often); the mean of the middle two when
    the number of values is even."""
    ordered = sorted((v, c) for v, c in counts if c > 0)
    total = sum(c for _, c in ordered)
    if total == 0:
        return None
    low_rank, high_rank = (total - 1) // 2, total // 2
    low = high = None
    seen = 0
    for value, count in ordered:
        if low is None and low_rank < seen + count:
            low = value
        if high_rank < seen + count:
            high = value
            break
        seen += count
    assert low is not None and high is not None
    return (low + high) / 2


def mean_from_counts(counts: Iterable[tuple[float, int]]) -> float | None:
    pairs = [(v, c) for v, c in counts if c > 0]
    total = sum(c for _, c in pairs)
    return sum(v * c for v, c in pairs) / total if total else None


def suppress_small_cells(
    counts: Iterable[tuple[str, int]], min_cell: int = MIN_CELL
) -> tuple[tuple[tuple[str, int], ...], int]:
    """Merge cells with fewer than ``min_cell`` (never below 3) into :data:`OTHER`.

    Empty cells are dropped. When the merged cell itself stays below ``min_cell``, the
    smallest shown cells join it until it does not (otherwise its count would give away the
    one small cell in it). Returns the cells in their original order with OTHER last, and
    the number of cells merged.
    """
    limit = clamp_min_cell(min_cell)
    cells = [(key, count) for key, count in counts if count > 0]
    small = {key for key, count in cells if count < limit}
    while small:
        merged = sum(count for key, count in cells if key in small)
        if merged >= limit:
            break
        shown = [(count, key) for key, count in cells if key not in small]
        if not shown:
            break
        small.add(min(shown)[1])
    kept = tuple((key, count) for key, count in cells if key not in small)
    if not small:
        return kept, 0
    other = sum(count for key, count in cells if key in small)
    return (*kept, (OTHER, other)), len(small)


def normalised(question: AnyQuestion, value: object) -> float | None:
    """An answer on the 0..100 public-value scale: scale (v-min)/(max-min)*100, yes/no as
    100/0. Other question types, skipped and unexpected values are not scored."""
    if isinstance(question, ScaleQuestion):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        if not question.min <= value <= question.max:
            return None
        return (value - question.min) / (question.max - question.min) * 100
    if isinstance(question, YesNoQuestion):
        return {"yes": 100.0, "no": 0.0}.get(str(value))
    return None


def scorecard(
    questionnaire: Questionnaire, distributions: Iterable[Distribution]
) -> tuple[DimensionScore, ...]:
    """Per dimension, the mean of every scored answer (scale and yes/no questions tagged with
    that dimension). Dimensions without such questions are left out; with such questions but
    no answers yet the score is None."""
    by_question = {d.question_id: d for d in distributions}
    sums: dict[str, float] = {}
    totals: dict[str, int] = {}
    for question in questionnaire.questions:
        if question.dimension is None or not isinstance(question, ScaleQuestion | YesNoQuestion):
            continue
        dim = question.dimension.value
        sums.setdefault(dim, 0.0)
        totals.setdefault(dim, 0)
        found = by_question.get(question.id)
        for key, count in found.counts if found else ():
            score = normalised(question, _stored(question, key))
            if score is not None and count > 0:
                sums[dim] += score * count
                totals[dim] += count
    return tuple(
        DimensionScore(dim.value, sums[dim] / totals[dim] if totals[dim] else None, totals[dim])
        for dim in Dimension
        if dim.value in totals
    )


def _stored(question: AnyQuestion, key: str) -> object:
    """A distribution key back as the stored value (scale keys are numbers)."""
    if isinstance(question, ScaleQuestion):
        try:
            return int(key)
        except ValueError:
            return None
    return key


# --- Personal data in free text ---------------------------------------------------------------

_STREET = (
    r"straat|weg|laan|plein|singel|gracht|kade|dijk|pad|hof|steeg|dreef|park|markt|baan|wal"
    r"|veld|erf|ring|boulevard|plantsoen"
)
_END_OF_LINK = r"(?=[.,;:!?)\]]*(?:\s|$))"  # a link ends before closing punctuation
_HOUSE = r"(?:[\s,]+(?:nr\.?\s*)?\d{1,5}(?:\s?[a-zA-Z]\b|[-/]\d{1,4})?)"
# IBAN: country, check digits, 11-30 letters/digits, maybe in groups of four; checked for
# at least 8 digits so that words after a number ("nr12 deze week") stay.
# After the bank code every group has a digit, so a word after the number is not taken in.
_IBAN = re.compile(
    r"\b[A-Za-z]{2}\d{2} ?[A-Za-z0-9]{4}(?: ?(?=[A-Za-z]*\d)[A-Za-z0-9]{4}){1,6}"
    r"(?:[A-Za-z0-9]{1,3}| \d{1,3})?\b"
)


def _iban(match: re.Match[str]) -> str:
    found = match.group(0)
    return REMOVED if sum(c.isdigit() for c in found) >= 8 else found


_SCRUB_BEFORE_IBAN: tuple[tuple[re.Pattern[str], str], ...] = (
    # Links first, so an address inside a link goes with it.
    (re.compile(r"\b(?:https?://|www\.|t\.me/)\S+?" + _END_OF_LINK, re.I), REMOVED),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), REMOVED),  # e-mail
    (
        re.compile(
            r"\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:nl|com|org|net|eu|info|io|app)\b"
            r"(?:/\S*?)?" + _END_OF_LINK,
            re.I,
        ),
        REMOVED,
    ),
    (re.compile(r"(?<![\w.])@[A-Za-z][A-Za-z0-9_]{3,31}\b"), REMOVED),  # Telegram @name
)
_SCRUB_AFTER_IBAN: tuple[tuple[re.Pattern[str], str], ...] = (
    # Dutch phone numbers: 0612345678, 06-1234 5678, 020 123 4567, +31 (0)6 12345678, 0031...
    (
        re.compile(
            r"(?<![\w+])(?:(?:\+|00)\s?31[\s.-]?(?:\(0\)[\s.-]?)?|\(?0)"
            r"(?:\d\)?[\s.-]?){8}\d(?!\d)"
        ),
        REMOVED,
    ),
    (re.compile(r"(?<![\w+])\+\d{1,3}[\s.-]?\d(?:[\s.-]?\d){6,12}(?!\d)"), REMOVED),
    # Postcode (1234 AB, 1234AB, 1234ab) with or without a house number; "1234 ab" only
    # with a house number and not when it reads as a year and a word ("2024 en 2025").
    (
        re.compile(
            r"\b[1-9]\d{3}(?: ?[A-Z]{2}|(?!km|kg|mg|ml|cm|mm|uu)[a-z]{2})\b" + _HOUSE + "?"
            r"|\b[1-9]\d{3} (?!(?:en|of|in|op|om|te|ik|je|de|na|nu|al|is|zo|ja|er|ze|we|me)\b)"
            r"[a-z]{2}\b" + _HOUSE
        ),
        REMOVED,
    ),
    # A house number after a street name: keep the street, drop the number.
    (
        re.compile(
            rf"(\b[A-Za-z][\w'-]+(?:{_STREET})\b)\s+(?:nr\.?\s*)?\d{{1,5}}"
            r"(?:\s?[a-zA-Z]\b|[-/]\d{1,4})?(?!\d)"
        ),
        rf"\1 {REMOVED}",
    ),
    # BSN-like: nine digits, maybe written 123.456.789 or 123 456 789.
    (re.compile(r"(?<![\d.,])\d{3}([.\s]?)\d{3}\1\d{3}(?![\d.,]?\d)"), REMOVED),
)


def scrub(text: str) -> str:
    """Text with e-mail addresses, phone numbers, postcodes with house numbers, IBANs,
    BSN-like numbers, links and @names replaced by ``[verwijderd]``; whitespace collapsed."""
    for pattern, replacement in _SCRUB_BEFORE_IBAN:
        text = pattern.sub(replacement, text)
    text = _IBAN.sub(_iban, text)
    for pattern, replacement in _SCRUB_AFTER_IBAN:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())


# --- Words ------------------------------------------------------------------------------------


def _word_list(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOP_WORDS_NL = _word_list(
    """
    aan aangezien achter af al aldus alle allebei alleen alles als alsnog altijd andere anders
    ben bent bij bijna bijvoorbeeld binnen boven buiten daar daarbij daarna daarom daarnaast dan
    dat de deze die dit doch doe doen door dus echt een eens eigen eigenlijk en enige enkele er
    erg ergens even gaan gaat geen geweest gewoon had hadden heb hebben hebt heeft hem hen het
    hier hij hoe hoeveel hun iemand iets ik in is ja je jij jou jouw juist kan kon konden kunnen
    kunt laat laten liever maar me mee meer meest men met mij mijn mijnheer minder misschien
    moet moeten mogelijk mogen na naar natuurlijk nee niet niets nog nogal nooit nu of om omdat
    ondanks onder ons onze ook op over overal per precies reeds rond sinds soms steeds te tegen
    terwijl toch toen tot tussen u uit uw van vanaf vanuit veel ver verder vind vinden voor
    vooral vrij waar waarom wanneer want waren was wat we weer weet wel welke werd wie wij wil
    willen wilt word worden wordt zal zeer zelf zich zij zijn zo zoals zodat zonder zou zouden
    zulke zullen zo'n graag beetje best denk denken vaak keer ieder iedereen helemaal heel
    hele goed snel beter hierbij daardoor dingen ding zeggen zegt staan staat komt komen krijgen
    maken maakt hoor gemeente gemeentes jullie mensen nou oke oké zowel namelijk waardoor
    """
)
STOP_WORDS_EN = _word_list(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just let me more most my myself no nor not now of off on once only or other our
    ours out over own same she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself really think get got make much
    many would please thanks thank yes okay
    """
)
STOP_WORDS = STOP_WORDS_NL | STOP_WORDS_EN | {REMOVED.strip("[]")}

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def words_of(text: str) -> set[str]:
    """The meaningful words of one answer: lower case, at least 3 letters, no stop words."""
    found = {w.casefold().replace("’", "'") for w in _WORD.findall(text)}
    return {w for w in found if len(w) >= 3 and w not in STOP_WORDS}


def top_words(
    texts: Iterable[str], limit: int = TOP_WORDS, min_answers: int = MIN_WORD_ANSWERS
) -> tuple[tuple[str, int], ...]:
    """The words most answers use, with how many answers use them (scrub texts first)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(words_of(text))
    ranked = sorted(
        ((w, c) for w, c in counts.items() if c >= max(2, min_answers)),
        key=lambda wc: (-wc[1], wc[0]),
    )
    return tuple(ranked[:limit])


def pick_quotes(
    answers: Iterable[tuple[int, str]], question_id: str, limit: int = QUOTES
) -> tuple[Quote, ...]:
    """The first ``limit`` answers (give them most recent first) that are 20-280 characters
    after scrubbing; duplicates skipped."""
    picked: list[Quote] = []
    seen: set[str] = set()
    for answer_id, text in answers:
        if len(picked) >= limit:
            break
        clean = scrub(text)
        key = clean.casefold()
        if QUOTE_MIN <= len(clean) <= QUOTE_MAX and key not in seen:
            seen.add(key)
            picked.append(Quote(answer_id, question_id, clean))
    return tuple(picked)


# --- Labels -----------------------------------------------------------------------------------

DIMENSION_LABELS = {
    Dimension.DIENSTVERLENING.value: "Dienstverlening",
    Dimension.ORGANISATIE.value: "Organisatie",
    Dimension.BESTUUR.value: "Bestuur",
}
KIND_TITLES = {"scheduled": "Overzicht", "on_demand": "Tussenstand", "final": "Eindoverzicht"}


def option_label(question: AnyQuestion, key: str, merged: int = 0) -> str:
    """The Dutch label of a distribution key."""
    if key == OTHER and isinstance(question, AreaQuestion):
        return f"Overig ({merged} {'wijk' if merged == 1 else 'wijken'})"
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        labels = {o.id: o.label.nl for o in question.options}
        return labels.get(key, key)
    if isinstance(question, AreaQuestion):
        return {a.id: a.label.nl for a in question.areas}.get(key, key)
    if isinstance(question, YesNoQuestion):
        return {"yes": "Ja", "no": "Nee"}.get(key, key)
    if isinstance(question, ScaleQuestion) and question.labels:
        if key == str(question.min):
            return f"{key} {question.labels.min.nl}"
        if key == str(question.max):
            return f"{key} {question.labels.max.nl}"
    return key


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


def delta(now: float | None, before: float | None, decimals: int = 1) -> str:
    """`` ▲ 0,3``, `` ▼ 2`` or `` (=)`` against the previous digest; empty without one."""
    if now is None or before is None:
        return ""
    change = round(now - before, decimals)
    if change == 0:
        return " (=)"
    arrow = "▲" if change > 0 else "▼"
    return f" {arrow} {number(abs(change), decimals)}"


# --- Composition ------------------------------------------------------------------------------


def compose(
    digest: QuestionnaireDigest,
    questionnaire: Questionnaire,
    *,
    previous: PreviousFigures | None = None,
    kind: str = "scheduled",
    zone: tzinfo = UTC,
) -> Html:
    """The digest of one questionnaire in Telegram HTML (Dutch, for civil servants).

    Tags never span lines, so :func:`split_messages` may cut between any two lines.
    """
    questions = {q.id: q for q in questionnaire.questions}
    lines: list[str] = [
        f"<b>{escape(KIND_TITLES.get(kind, 'Overzicht'))}: {escape(questionnaire.title.nl)}</b>",
        f"Periode: {escape(period_text(digest.since, digest.until, zone))}",
    ]
    if previous is not None:
        lines.append(
            f"<i>▲/▼ = verschil met het vorige overzicht ({escape(day(previous.sent_at, zone))})"
            "</i>"
        )
    lines += ["", *_responses(digest.responses, questions, previous)]
    score = _scorecard(digest.scorecard, previous)
    if score:
        lines += ["", *score]
    if digest.effects is not None:
        lines += ["", *_effects(digest.effects, digest.min_cell)]
    if (
        not digest.answered
        and not any(n.respondents for n in digest.numbers)
        and not any(t.count for t in digest.texts)
    ):
        # Nothing answered in the period: one line instead of a row of empty questions.
        lines += ["", "<i>Geen nieuwe antwoorden in deze periode.</i>"]
        return Html("\n".join(lines))
    for question in questionnaire.questions:
        block: list[str] = []
        if isinstance(question, AreaQuestion):
            found = digest.distribution(question.id)
            block = _area(question, found, digest.min_cell) if found else []
        elif question.type in CLOSED_TYPES:
            found = digest.distribution(question.id)
            block = _closed(question, found, previous) if found else []
        elif question.type == QuestionType.NUMBER:
            stats = next((n for n in digest.numbers if n.question_id == question.id), None)
            block = _number(question, stats) if stats else []
        if block:
            lines += ["", *block]
    for text in digest.texts:
        asked = questions.get(text.question_id)
        if asked is not None:
            lines += ["", *_text(asked, text)]
    return Html("\n".join(lines))


def _heading(question: AnyQuestion) -> str:
    return f"<b>{escape(short_title(question.text.nl))}</b>"


def _responses(
    stats: ResponseStats, questions: Mapping[str, AnyQuestion], previous: PreviousFigures | None
) -> list[str]:
    lines = [
        "<b>Reacties</b>",
        f"Nieuw in deze periode: {number(stats.new)}"
        f" · afgerond in deze periode: {number(stats.completed_in_period)}",
    ]
    total = f"Totaal: {number(stats.completed)} van {number(stats.total)} afgerond"
    if stats.completion_rate is not None:
        total += f" ({percent(stats.completion_rate)})"
    if previous is not None and previous.total is not None and stats.total >= previous.total:
        total += f" · {number(stats.total - previous.total)} erbij sinds vorig overzicht"
    lines.append(total)
    if stats.drop_off is not None and stats.incomplete:
        question = questions.get(stats.drop_off.question_id)
        name = short_title(question.text.nl, 70) if question else stats.drop_off.question_id
        lines.append(
            f"Meeste afhakers bij: {escape(name)} ({number(stats.drop_off.count)} van "
            f"{number(stats.incomplete)} niet afgerond)"
        )
    return lines


def _scorecard(scores: Sequence[DimensionScore], previous: PreviousFigures | None) -> list[str]:
    if not scores:
        return []
    lines = ["<b>Publieke waarde</b> (0–100)"]
    for item in scores:
        label = escape(DIMENSION_LABELS.get(item.dimension, item.dimension))
        if item.score is None:
            lines.append(f"{label}: nog geen antwoorden")
            continue
        before = previous.dimensions.get(item.dimension) if previous else None
        lines.append(
            f"{label}: <b>{number(item.score)}</b>{delta(item.score, before, 0)}"
            f" ({answers_text(item.answers)})"
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
    question: AnyQuestion, distribution: Distribution, previous: PreviousFigures | None
) -> list[str]:
    lines = [f"{_heading(question)} ({_answered(distribution)})"]
    if distribution.respondents == 0:
        return lines
    if isinstance(question, MultiQuestion):
        lines[0] += " – meer keuzes mogelijk"
    lines += _bars(question, distribution)
    if distribution.mean is not None:
        before = previous.scale_means.get(question.id) if previous else None
        line = f"Gemiddeld {number(distribution.mean, 1)}{delta(distribution.mean, before)}"
        if distribution.median is not None:
            line += f" · mediaan {number(distribution.median, 1).removesuffix(',0')}"
        lines.append(line)
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


def _number(question: AnyQuestion, stats: NumberStats) -> list[str]:
    lines = [f"{_heading(question)} ({_answered(stats)})"]
    if stats.mean is not None:
        line = f"Gemiddeld {number(stats.mean, 1)}"
        if stats.median is not None:
            line += f" · mediaan {number(stats.median, 1).removesuffix(',0')}"
        lines.append(line)
    return lines


def _text(question: AnyQuestion, stats: TextStats) -> list[str]:
    lines = [f"{_heading(question)} ({answers_text(stats.count)})"]
    if stats.words:
        listed = ", ".join(f"{escape(w)} ({number(c)})" for w, c in stats.words)
        lines.append(f"Veel genoemd: {listed}")
    lines += [f"<i>«{escape(q.text)}»</i>" for q in stats.quotes]
    if stats.pending:
        lines.append(f"<i>{waiting_text(stats.pending)}</i>")
    return lines


def waiting_text(count: int) -> str:
    """``1 tekst wacht op moderatie``, ``3 teksten wachten op moderatie``."""
    if count == 1:
        return "1 tekst wacht op moderatie."
    return f"{number(count)} teksten wachten op moderatie."


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
        label = "Overig" if key == OTHER else EFFECT_LABELS.get(key, key)
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


def caption(
    digest: QuestionnaireDigest,
    questionnaire: Questionnaire,
    *,
    zone: tzinfo = UTC,
    limit: int = MAX_CAPTION,
) -> Html:
    """A short photo caption for the chart (always under Telegram's 1024 characters)."""
    stats = digest.responses
    tail = (
        f"\n{escape(period_text(digest.since, digest.until, zone))}"
        f"\n{number(stats.new)} nieuw · {number(stats.completed)} van {number(stats.total)} "
        "afgerond"
    )
    title = questionnaire.title.nl
    room = limit - _units(tail) - len("<b></b>")
    while title and _units(f"<b>{escape(title)}</b>") > room:
        title = title[:-2] + "…"
    return Html(f"<b>{escape(title)}</b>{tail}")


# --- Splitting --------------------------------------------------------------------------------


def _units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


_TAG = re.compile(r"<[^>]*>")


def _hard_split(line: str, limit: int) -> list[str]:
    """A line longer than a message: drop its tags and cut it at spaces, never in an entity."""
    plain = _TAG.sub("", line)
    parts: list[str] = []
    while _units(plain) > limit:
        cut = limit
        while _units(plain[:cut]) > limit:
            cut -= 1
        space = plain.rfind(" ", 0, cut)
        if space > limit // 2:
            cut = space
        amp = plain.rfind("&", 0, cut)
        if amp > 0 and ";" not in plain[amp:cut]:
            cut = amp  # not inside &amp; and friends
        parts.append(plain[:cut].rstrip())
        plain = plain[cut:].lstrip()
    if plain:
        parts.append(plain)
    return parts


def split_messages(text: str, limit: int = MAX_MESSAGE) -> list[Html]:
    """Cut a digest into messages of at most ``limit`` characters, between lines.

    Paragraphs (blocks between blank lines) stay together when they fit. Needs text whose
    tags open and close on the same line, as :func:`compose` writes it.
    """
    messages: list[str] = []
    current: list[str] = []

    def size(lines: list[str]) -> int:
        return _units("\n".join(lines))

    def flush() -> None:
        while current and not current[-1].strip():
            current.pop()
        if current:
            messages.append("\n".join(current))
        current.clear()

    for paragraph in text.strip("\n").split("\n\n"):
        lines = paragraph.split("\n")
        candidate = [*current, "", *lines] if current else lines
        if size(candidate) <= limit:
            current[:] = candidate
            continue
        flush()
        for line in lines:
            pieces = [line] if _units(line) <= limit else _hard_split(line, limit)
            for piece in pieces:
                if current and size([*current, piece]) > limit:
                    flush()
                current.append(piece)
    flush()
    return [Html(m) for m in messages]
