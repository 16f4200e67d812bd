# Over 500 lines on purpose: every input on every question type in one place, as they all move the
# session the same few ways (:func:`_advance`, :func:`_back`); the wording of questions and answers
# lives in :mod:`flows.wording`, dates in :mod:`flows.dates`.
"""The conversation engine: pure functions from (session, input) to (new session, step).

No Telegram and no database here. ``bot/`` turns updates into :data:`Input` values and
:class:`Outcome` values into messages; ``storage/`` saves :class:`SessionState`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flows import dates, reading
from flows.images import Media
from flows.limits import BUTTON_LABEL_CHARS
from flows.machine import Flow
from flows.piping import piped, pipes
from flows.schema import (
    END,
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    DateQuestion,
    MultiQuestion,
    NumberQuestion,
    RankingQuestion,
    ScaleQuestion,
    TextQuestion,
    YesNoQuestion,
)
from flows.shuffle import arranged
from flows.texts import Html, Language, formats, t

# How a question and its answers are worded lives in flows.wording; these names are part of
# the engine's face, as they always were.
from flows.wording import answer_label as answer_label
from flows.wording import characters, format_number
from flows.wording import hint as hint
from flows.wording import invalid as invalid

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# --- Session and inputs -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionState:
    """Where a resident is in one questionnaire version; stored in the database."""

    current: str
    path: tuple[str, ...] = ()
    answers: dict[str, Any] = field(default_factory=dict)
    draft: tuple[str, ...] = ()
    # Orders the options of a question with ``shuffle`` (flows.shuffle): the session's number
    # in the database, so the order stays across « Vorige and resuming. None: the file's order.
    seed: int | None = field(default=None, compare=False)

    @property
    def finished(self) -> bool:
        return self.current == END


@dataclass(frozen=True, slots=True)
class Pick:
    """A button for a closed question: an option id, a scale number, yes/no or an area id."""

    value: str


@dataclass(frozen=True, slots=True)
class Toggle:
    """Select or deselect one option of a multi question."""

    option: str


@dataclass(frozen=True, slots=True)
class Confirm:
    """ "Klaar" on a multi question."""


@dataclass(frozen=True, slots=True)
class Skip:
    """ "Sla over" on an optional question."""


@dataclass(frozen=True, slots=True)
class Back:
    """ "Vorige": go back to change the previous answer."""


@dataclass(frozen=True, slots=True)
class Typed:
    """A text message."""

    text: str


@dataclass(frozen=True, slots=True)
class Undo:
    """Take back the last option put in place on a ranking question."""


Input = Pick | Toggle | Confirm | Skip | Back | Typed | Undo


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an input did to a session."""

    state: SessionState
    accepted: tuple[str, Any] | None = None  # (question id, value) to store; None value = skipped
    problem: Html | None = None  # why the input was not accepted, for the resident
    discard: tuple[str, ...] = ()  # answers left off the final branch, to delete
    moved: bool = False  # the current question changed
    noted: str | None = None  # an answer typed loosely, as recorded: read back to the resident
    # After going back: the questions whose answers lie on the branch now (the others were
    # given on a branch the resident left and must not count); None when nothing changed.
    branch: tuple[str, ...] | None = None

    @property
    def finished(self) -> bool:
        return self.state.finished

    @property
    def changed(self) -> bool:
        return self.accepted is not None or self.moved or bool(self.discard)


@dataclass(frozen=True, slots=True)
class Prompt:
    """The current question as the resident should see it."""

    question: AnyQuestion
    number: int
    total: int
    selected: tuple[str, ...]
    previous: Any
    can_back: bool
    # The question's text with earlier answers piped in ({answer:<id>}), Dutch and English;
    # None when it pipes nothing.
    #: The question's text in each of its languages with earlier answers piped in.
    piped: tuple[tuple[str, str], ...] | None = None
    # A picture to show with the question (``image:``), for bot/ to send; None: none.
    media: Media | None = None

    def text(self, language: Language) -> str:
        """The question's text as the resident reads it (plain text: escape it for HTML)."""
        if self.piped is None:
            return self.question.text.get(language)
        texts = dict(self.piped)
        return texts.get(str(language)) or texts.get(str(language).split("-")[0]) or texts["nl"]


# --- Public functions -------------------------------------------------------------------------


def start(flow: Flow) -> SessionState:
    return SessionState(current=flow.first)


def prompt(flow: Flow, state: SessionState) -> Prompt:
    """The question to show now, with its number along the resident's branch."""
    number = len(state.path) + 1
    total = len(state.path) + _remaining(flow, state)
    question = arranged(flow.questions[state.current], state.seed)
    return Prompt(
        question=question,
        number=number,
        total=total,
        selected=state.draft,
        previous=state.answers.get(state.current),
        can_back=bool(state.path),
        piped=_piped(flow, question, state),
        media=_media(question),
    )


def _media(question: AnyQuestion) -> Media | None:
    if question.image is None:
        return None
    alt = question.image_alt.translations if question.image_alt is not None else {}
    return Media(question.image, tuple(alt.items()))


def _piped(
    flow: Flow, question: AnyQuestion, state: SessionState
) -> tuple[tuple[str, str], ...] | None:
    """The question's text in each of its languages with the answers on the branch piped in."""
    texts = question.text.translations
    if not any(pipes(text) for text in texts.values()):
        return None
    given = {qid: state.answers.get(qid) for qid in state.path}
    return tuple((code, piped(text, flow.questions, given, code)) for code, text in texts.items())


def apply(flow: Flow, state: SessionState, given: Input, language: Language) -> Outcome:
    """Apply one input to a session that is on a question."""
    if state.finished:
        raise ValueError("the session is already finished")
    question = arranged(flow.questions[state.current], state.seed)
    if isinstance(question, RankingQuestion | DateQuestion) or isinstance(given, Undo):
        return _shaped(flow, state, question, given, language)  # the shapes of issue 16
    match given:
        case Back():
            return _back(flow, state, language)
        case Skip():
            if not question.optional:
                return Outcome(state, problem=t(language, "invalid.not_optional"))
            return _advance(flow, state, None)
        case Toggle(option):
            return _toggle(flow.questions[state.current], state, option, language)
        case Confirm():
            if not isinstance(question, MultiQuestion):
                return Outcome(state, problem=hint(question, language))
            return _multi(flow, state, question, list(state.draft), language)
        case Pick(value):
            parsed = _pick(question, value)
            if parsed is None:
                return Outcome(state, problem=invalid(question, language))
            return _advance(flow, state, parsed)
        case Typed(text):
            return _typed(flow, state, question, text, language)
    raise TypeError(f"unknown input {given!r}")


def summary(flow: Flow, state: SessionState, language: Language) -> list[tuple[str, str]]:
    """(question, answer) for every question on the resident's branch."""
    given = {qid: state.answers.get(qid) for qid in state.path}
    return [
        (
            piped(flow.questions[qid].text.get(language), flow.questions, given, language),
            answer_label(flow.questions[qid], state.answers.get(qid), language),
        )
        for qid in state.path
    ]


# --- Internals --------------------------------------------------------------------------------


def _advance(flow: Flow, state: SessionState, value: Any, noted: str | None = None) -> Outcome:
    qid = state.current
    answers = dict(state.answers)
    answers[qid] = value
    path = (*state.path, qid)
    on_path = set(path)
    # Branch on this branch's answers only: an answer given on a branch the resident went
    # back from is kept (to show again) but must not steer the questionnaire.
    target = flow.next_of(qid, {k: v for k, v in answers.items() if k in on_path})
    discard: tuple[str, ...] = ()
    if target == END:
        discard = tuple(k for k in answers if k not in on_path)
        for key in discard:
            del answers[key]
    draft = _draft_for(flow, target, answers)
    new = SessionState(current=target, path=path, answers=answers, draft=draft, seed=state.seed)
    branch = None
    if target != END and any(k not in on_path for k in answers):
        # Answers beyond the path: the resident went back. Which of them the branch still
        # reaches decides which count (storage marks the others).
        branch = tuple(answers_on_branch(flow, answers))
    return Outcome(
        new, accepted=(qid, value), discard=discard, moved=True, noted=noted, branch=branch
    )


def answers_on_branch(flow: Flow, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers along the branch they lead to, from the first question on.

    A resident who went back and took another branch keeps the answers of the branch they
    left (shown again if they return to it) until they finish, when those are deleted. An
    unfinished response's answers off its branch are not part of what the resident says.
    """
    kept: dict[str, Any] = {}
    current = flow.first
    while current != END and current in answers and current not in kept:
        kept[current] = answers[current]
        current = flow.next_of(current, kept)
    return kept


def _remaining(flow: Flow, state: SessionState) -> int:
    """Questions to come from the current one, assuming earlier answers are given again."""
    on_path = set(state.path)
    known = {k: v for k, v in state.answers.items() if k in on_path}
    count, current = 0, state.current
    while current != END and count <= len(flow.order):
        count += 1
        if current in state.answers:
            known[current] = state.answers[current]
        current = flow.next_of(current, known)
    return count


def _draft_for(flow: Flow, qid: str, answers: dict[str, Any]) -> tuple[str, ...]:
    """A multi question shown again starts from the earlier selection."""
    if qid != END and isinstance(flow.questions[qid], MultiQuestion):
        earlier = answers.get(qid)
        if isinstance(earlier, list):
            return tuple(str(v) for v in earlier)
    return ()


def _back(flow: Flow, state: SessionState, language: Language) -> Outcome:
    if not state.path:
        return Outcome(state, problem=t(language, "invalid.no_back"))
    previous = state.path[-1]
    target = flow.back_of(state.current, previous)
    if target != previous:  # the graph has no such edge: the stored path is not trustworthy
        return Outcome(state, problem=t(language, "invalid.no_back"))
    draft = _draft_for(flow, previous, state.answers)
    new = replace(state, current=previous, path=state.path[:-1], draft=draft)
    return Outcome(new, moved=True)


def _toggle(question: AnyQuestion, state: SessionState, option: str, lang: Language) -> Outcome:
    if not isinstance(question, MultiQuestion):
        return Outcome(state, problem=hint(question, lang))
    ids = [o.id for o in question.options]
    if option not in ids:
        return Outcome(state, problem=invalid(question, lang))
    selected = set(state.draft)
    if option in selected:
        selected.discard(option)
    else:
        # An exclusive option ("Ik ben niet actief") stands alone: ticking it clears the
        # others, ticking another clears it.
        alone = {o.id for o in question.options if o.exclusive}
        selected = set() if option in alone else selected - alone
        if question.max_choices and len(selected) >= question.max_choices:
            return Outcome(state, problem=t(lang, "invalid.multi_max", max=question.max_choices))
        selected.add(option)
    draft = tuple(i for i in ids if i in selected)
    return Outcome(replace(state, draft=draft), moved=True)


def _multi(
    flow: Flow,
    state: SessionState,
    question: MultiQuestion,
    chosen: list[str],
    lang: Language,
    loose: bool = False,
) -> Outcome:
    # Stored in the file's order, whatever order the options were shown in.
    original = flow.questions.get(question.id)
    ids = [o.id for o in (original if isinstance(original, MultiQuestion) else question).options]
    ordered = [i for i in ids if i in set(chosen)]
    alone = [o for o in question.options if o.exclusive and o.id in ordered]
    if alone and len(ordered) > 1:
        problem = t(lang, "invalid.exclusive", option=alone[0].label.get(lang))
        return Outcome(state, problem=problem)
    if len(ordered) < question.min_choices:
        return Outcome(state, problem=t(lang, "invalid.multi_min", min=question.min_choices))
    if question.max_choices and len(ordered) > question.max_choices:
        return Outcome(state, problem=t(lang, "invalid.multi_max", max=question.max_choices))
    return _advance(flow, state, ordered, answer_label(question, ordered, lang) if loose else None)


def _pick(question: AnyQuestion, value: str) -> Any:
    """The stored value for a button press, or None when the button cannot be for this."""
    match question:
        case ChoiceQuestion():
            return value if value in {o.id for o in question.options} else None
        case AreaQuestion():
            return value if value in {a.id for a in question.areas} else None
        case YesNoQuestion():
            return value if value in {"yes", "no"} else None
        case ScaleQuestion():
            number = reading.whole(value)
            ok = number is not None and question.min <= number <= question.max
            return number if ok else None
    return None


def _typed(
    flow: Flow, state: SessionState, question: AnyQuestion, text: str, lang: Language
) -> Outcome:
    word = reading.norm(text)
    if isinstance(question, TextQuestion):
        # Free text: "vorige" or "sla over" alone is the button's word, not an answer; "weet
        # ik niet" or "geen mening" may well be what the resident means to say.
        back, skip = word in reading.BACK, word in reading.SKIP - reading.OPINIONS
    else:
        # An option may be called "Geen mening" or "Weet niet / geen mening": it wins. "Weet
        # ik niet" skips only a question that may be skipped; elsewhere it is no answer.
        named = reading.is_label(question, word)
        words = reading.SKIP if question.optional else reading.SKIP - reading.OPINIONS
        back, skip = not named and word in reading.BACK, not named and word in words
    if back:
        return _back(flow, state, lang)
    if skip:
        if not question.optional:
            # Said once, with what the question does take: it is not sent again.
            problem = Html(f"{t(lang, 'invalid.not_optional')} {hint(question, lang)}")
            return Outcome(state, problem=problem)
        return _advance(flow, state, None)
    match question:
        case TextQuestion():
            return _text(flow, state, question, text, lang)
        case AreaQuestion() if postcode := re.fullmatch(r"(\d{4})\s*([a-z]{2})?", word):
            area = question.area_for_postcode(postcode.group(1))
            return _advance(flow, state, area.id) if area else _invalid(state, question, lang)
        case ChoiceQuestion() | AreaQuestion():
            found = reading.match(text, reading.items_of(question))
            if found.ident is not None:
                noted = answer_label(question, found.ident, lang) if found.loose else None
                return _advance(flow, state, found.ident, noted)
            return _which(state, question, text, found, lang)
        case YesNoQuestion():
            yes_no = reading.loose(text)
            if word in reading.YES or yes_no in reading.YES:
                return _advance(flow, state, "yes")
            if word in reading.NO or yes_no in reading.NO:
                return _advance(flow, state, "no")
            return _invalid(state, question, lang)
        case ScaleQuestion() | NumberQuestion():
            return _number(flow, state, question, word, lang)
        case MultiQuestion():
            return _typed_multi(flow, state, question, text, word, lang)
    raise TypeError(f"unknown question type {question!r}")


def _text(
    flow: Flow, state: SessionState, question: TextQuestion, text: str, lang: Language
) -> Outcome:
    value = reading.clean(text)
    if len(value) > question.max_length:
        length, most = characters(len(value), lang), characters(question.max_length, lang)
        problem = t(lang, "invalid.text_long", length=length, max=most)
        return Outcome(state, problem=problem)
    if len(value) < question.min_length:
        least = characters(question.min_length, lang)
        return Outcome(state, problem=t(lang, "invalid.text_short", min=least))
    return _advance(flow, state, value)


def _typed_multi(
    flow: Flow, state: SessionState, question: MultiQuestion, text: str, word: str, lang: Language
) -> Outcome:
    if word in reading.DONE:
        return _multi(flow, state, question, list(state.draft), lang)
    items = reading.items_of(question)
    whole = reading.match(text, items, prefix=False)  # one label may hold a comma
    if whole.ident is not None:
        return _multi(flow, state, question, [whole.ident], lang, whole.loose)
    separators = r"[,;\s]+" if reading.only_numbers(word) else r"[,;]+"
    parts = [p for p in re.split(separators, word) if p.strip()]
    found = [reading.match(p, items) for p in parts]
    if not parts or any(not f.found for f in found):
        return _invalid(state, question, lang)
    for part, each in zip(parts, found, strict=True):
        if each.ident is None:
            return _which(state, question, part, each, lang)
    chosen = [f.ident for f in found if f.ident is not None]
    return _multi(flow, state, question, chosen, lang, any(f.loose for f in found))


def _which(
    state: SessionState,
    question: AnyQuestion,
    typed: str,
    found: reading.Match,
    lang: Language,
) -> Outcome:
    """Nothing fits (what is allowed), or several do: ask which one, listing them."""
    if not found.candidates:
        return _invalid(state, question, lang)
    items = reading.items_of(question)
    numbers = {ident: i for i, (ident, _) in enumerate(items, 1)}
    labels = {ident: answer_label(question, ident, lang) for ident, _ in items}
    if isinstance(question, AreaQuestion):  # its buttons have no numbers
        lines = [f"• {labels[c]}" for c in found.candidates]
        key = "invalid.ambiguous_area"
    else:
        lines = [f"{numbers[c]}. {labels[c]}" for c in found.candidates]
        key = "invalid.ambiguous"
    # What was typed, as typed: no longer than a label (it fits one, bar punctuation).
    said = formats.shorten(reading.clean(typed), BUTTON_LABEL_CHARS)
    problem = t(lang, key, typed=said, choices="\n".join(lines))
    return Outcome(state, problem=problem)


def _number(
    flow: Flow,
    state: SessionState,
    question: ScaleQuestion | NumberQuestion,
    word: str,
    lang: Language,
) -> Outcome:
    if isinstance(question, NumberQuestion) and question.unit:
        for unit in question.unit.translations.values():
            word = word.removesuffix(reading.norm(unit)).strip()
    typed = reading.number(word, question.places)
    value = typed.value
    if value is None:
        return _invalid(state, question, lang)
    low, high = format_number(question.min, lang), format_number(question.max, lang)
    if isinstance(question, ScaleQuestion) and not question.min <= value <= question.max:
        return _invalid(state, question, lang)
    if value < question.min:
        return Outcome(state, problem=t(lang, "invalid.number_low", min=low, max=high))
    if value > question.max:
        return Outcome(state, problem=t(lang, "invalid.number_high", min=low, max=high))
    if typed.digits > question.places:
        if question.places == 0:
            key = (
                "invalid.scale_whole" if isinstance(question, ScaleQuestion) else "invalid.integer"
            )
            return Outcome(state, problem=t(lang, key, min=low, max=high))
        example = format_number(round(value, question.places), lang)
        return Outcome(state, problem=t(lang, "invalid.decimals", example=example))
    if isinstance(question, NumberQuestion) and not question.integer:
        return _advance(flow, state, value)
    return _advance(flow, state, int(value) if value.is_integer() else value)


def _invalid(state: SessionState, question: AnyQuestion, lang: Language) -> Outcome:
    return Outcome(state, problem=invalid(question, lang))


# --- Ranking and date questions (issue 16) ----------------------------------------------------


def today() -> date:
    """The date in the municipality (Europe/Amsterdam): what "morgen" is counted from."""
    return datetime.now(AMSTERDAM).date()


def _shaped(
    flow: Flow, state: SessionState, question: AnyQuestion, given: Input, lang: Language
) -> Outcome:
    """An input on a ranking or date question (or an undo on any question)."""
    if isinstance(given, Undo):
        if not isinstance(question, RankingQuestion):
            return Outcome(state, problem=hint(question, lang))
        if not state.draft:
            return Outcome(state, problem=t(lang, "invalid.ranking_empty"))
        return Outcome(replace(state, draft=state.draft[:-1]), moved=True)
    if isinstance(given, Typed):
        word = reading.norm(given.text)
        if word in reading.BACK:
            return _back(flow, state, lang)
        if word in (reading.SKIP if question.optional else reading.SKIP - reading.OPINIONS):
            given = Skip()
    match given:
        case Back():
            return _back(flow, state, lang)
        case Skip():
            if not question.optional:
                problem = Html(f"{t(lang, 'invalid.not_optional')} {hint(question, lang)}")
                return Outcome(state, problem=problem)
            return _advance(flow, state, None)
        case Toggle(option) | Pick(option) if isinstance(question, RankingQuestion):
            return _place(flow, state, question, option, lang)
        case Typed(text) if isinstance(question, RankingQuestion):
            return _typed_ranking(flow, state, question, text, lang)
        case Typed(text) if isinstance(question, DateQuestion):
            return _typed_date(flow, state, question, text, lang)
    return Outcome(state, problem=hint(question, lang))


def _place(
    flow: Flow, state: SessionState, question: RankingQuestion, option: str, lang: Language
) -> Outcome:
    """One tap on a ranking: the option takes the next place; with one option left, that
    one takes the last place and the order is the answer."""
    ids = [o.id for o in question.options]
    if option not in ids:
        return Outcome(state, problem=invalid(question, lang))
    if option in state.draft:
        label = answer_label(question, [option], lang).removeprefix("1. ")
        place = state.draft.index(option) + 1
        return Outcome(state, problem=t(lang, "invalid.ranking_placed", option=label, place=place))
    draft = (*state.draft, option)
    if len(draft) >= len(ids) - 1:
        order = [*draft, *(i for i in ids if i not in draft)]
        return _advance(flow, replace(state, draft=()), order)
    return Outcome(replace(state, draft=draft), moved=True)


def _typed_ranking(
    flow: Flow, state: SessionState, question: RankingQuestion, text: str, lang: Language
) -> Outcome:
    """ "3 1 2" (or "3, 1, 2"): the options by number, most preferred first; the last one
    may be left out."""
    parts = [p for p in re.split(r"[,;\s]+", reading.digits(text).strip()) if p]
    count = len(question.options)
    if not parts or not all(p.isdigit() for p in parts):
        return Outcome(state, problem=invalid(question, lang))
    numbers = [int(p) for p in parts]
    twice = next((n for i, n in enumerate(numbers) if n in numbers[:i]), None)
    if twice is not None:
        return Outcome(state, problem=t(lang, "invalid.ranking_twice", number=twice))
    if not all(1 <= n <= count for n in numbers) or len(numbers) < count - 1:
        return Outcome(state, problem=invalid(question, lang))
    ids = [o.id for o in question.options]
    order = [ids[n - 1] for n in numbers]
    order += [i for i in ids if i not in order]
    noted = answer_label(question, order, lang)
    return _advance(flow, replace(state, draft=()), order, noted)


def _typed_date(
    flow: Flow, state: SessionState, question: DateQuestion, text: str, lang: Language
) -> Outcome:
    """A typed date, stored as ``YYYY-MM-DD`` and read back in words to be checked."""
    typed = reading.norm(text)  # also Arabic digits and words
    found = dates.read_date(typed, today(), question.earliest, question.latest)
    if found is None:
        return Outcome(state, problem=invalid(question, lang))
    named = dates.named_weekday(typed)
    if named is not None and named != found.weekday():  # "dinsdag 12 maart 2027": a Friday
        problem = t(
            lang,
            "invalid.date_weekday",
            date=dates.short_date(found, lang),
            weekday=dates.weekday_name(found.weekday(), lang),
            typed=dates.weekday_name(named, lang),
        )
        return Outcome(state, problem=problem)
    if not question.earliest <= found <= question.latest:
        problem = t(
            lang,
            "invalid.date_range",
            date=dates.short_date(found, lang),
            earliest=dates.short_date(question.earliest, lang),
            latest=dates.short_date(question.latest, lang),
        )
        return Outcome(state, problem=problem)
    return _advance(flow, state, found.isoformat(), dates.spoken_date(found, lang))
