"""The conversation engine: pure functions from (session, input) to (new session, step).

No Telegram and no database here. ``bot/`` turns updates into :data:`Input` values and
:class:`Outcome` values into messages; ``storage/`` saves :class:`SessionState`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from flows import reading
from flows.machine import Flow
from flows.schema import (
    END,
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    MultiQuestion,
    NumberQuestion,
    ScaleQuestion,
    TextQuestion,
    YesNoQuestion,
)
from flows.texts import Html, Language, raw, t

# --- Session and inputs -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionState:
    """Where a resident is in one questionnaire version; stored in the database."""

    current: str
    path: tuple[str, ...] = ()
    answers: dict[str, Any] = field(default_factory=dict)
    draft: tuple[str, ...] = ()

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


Input = Pick | Toggle | Confirm | Skip | Back | Typed


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an input did to a session."""

    state: SessionState
    accepted: tuple[str, Any] | None = None  # (question id, value) to store; None value = skipped
    problem: Html | None = None  # why the input was not accepted, for the resident
    discard: tuple[str, ...] = ()  # answers left off the final branch, to delete
    moved: bool = False  # the current question changed

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


# --- Public functions -------------------------------------------------------------------------


def start(flow: Flow) -> SessionState:
    return SessionState(current=flow.first)


def prompt(flow: Flow, state: SessionState) -> Prompt:
    """The question to show now, with its number along the resident's branch."""
    number = len(state.path) + 1
    total = len(state.path) + _remaining(flow, state)
    return Prompt(
        question=flow.questions[state.current],
        number=number,
        total=total,
        selected=state.draft,
        previous=state.answers.get(state.current),
        can_back=bool(state.path),
    )


def apply(flow: Flow, state: SessionState, given: Input, language: Language) -> Outcome:
    """Apply one input to a session that is on a question."""
    if state.finished:
        raise ValueError("the session is already finished")
    question = flow.questions[state.current]
    match given:
        case Back():
            return _back(flow, state, language)
        case Skip():
            if not question.optional:
                return Outcome(state, problem=t(language, "invalid.not_optional"))
            return _advance(flow, state, None)
        case Toggle(option):
            return _toggle(question, state, option, language)
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


def answer_label(question: AnyQuestion, value: Any, language: Language) -> str:
    """A stored answer as a resident or civil servant reads it."""
    if value is None:
        return raw(language, "skipped")
    if isinstance(question, ChoiceQuestion | MultiQuestion):
        labels = {o.id: o.label.get(language) for o in question.options}
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in values)
    if isinstance(question, AreaQuestion):
        areas = {a.id: a.label.get(language) for a in question.areas}
        return areas.get(str(value), str(value))
    if isinstance(question, YesNoQuestion):
        return raw(language, "button.yes" if value == "yes" else "button.no")
    if isinstance(question, ScaleQuestion):
        return f"{value} / {question.max}"
    if isinstance(question, NumberQuestion):
        number = _format_number(value, language)
        return f"{number} {question.unit.get(language)}" if question.unit else number
    return str(value)


def summary(flow: Flow, state: SessionState, language: Language) -> list[tuple[str, str]]:
    """(question, answer) for every question on the resident's branch."""
    return [
        (
            flow.questions[qid].text.get(language),
            answer_label(flow.questions[qid], state.answers.get(qid), language),
        )
        for qid in state.path
    ]


def hint(question: AnyQuestion, language: Language) -> Html:
    """How to answer this kind of question."""
    match question:
        case ScaleQuestion():
            return t(language, "hint.scale", min=question.min, max=question.max)
        case TextQuestion():
            return t(language, "hint.text", max=question.max_length)
        case NumberQuestion():
            return t(
                language,
                "hint.number",
                min=_format_number(question.min, language),
                max=_format_number(question.max, language),
            )
    return t(language, f"hint.{question.type}")


def invalid(question: AnyQuestion, language: Language) -> Html:
    """What was wrong with an answer that could not be used."""
    match question:
        case ChoiceQuestion():
            return t(language, "invalid.choice", max=len(question.options))
        case ScaleQuestion():
            return t(language, "invalid.scale", min=question.min, max=question.max)
        case NumberQuestion():
            return t(
                language,
                "invalid.number",
                min=_format_number(question.min, language),
                max=_format_number(question.max, language),
            )
        case TextQuestion():
            return t(language, "hint.text", max=question.max_length)
    return t(language, f"invalid.{question.type}")


# --- Internals --------------------------------------------------------------------------------


def _advance(flow: Flow, state: SessionState, value: Any) -> Outcome:
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
    new = SessionState(current=target, path=path, answers=answers, draft=draft)
    return Outcome(new, accepted=(qid, value), discard=discard, moved=True)


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
        if question.max_choices and len(selected) >= question.max_choices:
            return Outcome(state, problem=t(lang, "invalid.multi_max", max=question.max_choices))
        selected.add(option)
    draft = tuple(i for i in ids if i in selected)
    return Outcome(replace(state, draft=draft), moved=True)


def _multi(
    flow: Flow, state: SessionState, question: MultiQuestion, chosen: list[str], lang: Language
) -> Outcome:
    ids = [o.id for o in question.options]
    ordered = [i for i in ids if i in set(chosen)]
    if len(ordered) < question.min_choices:
        return Outcome(state, problem=t(lang, "invalid.multi_min", min=question.min_choices))
    if question.max_choices and len(ordered) > question.max_choices:
        return Outcome(state, problem=t(lang, "invalid.multi_max", max=question.max_choices))
    return _advance(flow, state, ordered)


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
        # An option may be called "Geen mening" or "Weet ik niet": its label wins.
        label = reading.is_label(question, word)
        back, skip = not label and word in reading.BACK, not label and word in reading.SKIP
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
            value = reading.clean(text)
            if len(value) > question.max_length:
                return Outcome(
                    state,
                    problem=t(
                        lang, "invalid.text_long", length=len(value), max=question.max_length
                    ),
                )
            if len(value) < question.min_length:
                return Outcome(
                    state, problem=t(lang, "invalid.text_short", min=question.min_length)
                )
            return _advance(flow, state, value)
        case ChoiceQuestion():
            items = [(o.id, [o.label.nl, o.label.en]) for o in question.options]
            chosen = reading.by_label(text, items)
            return _advance(flow, state, chosen) if chosen else _invalid(state, question, lang)
        case AreaQuestion():
            postcode = re.fullmatch(r"(\d{4})\s*([a-z]{2})?", word)
            if postcode:
                area = question.area_for_postcode(postcode.group(1))
                return _advance(flow, state, area.id) if area else _invalid(state, question, lang)
            items = [(a.id, [a.label.nl, a.label.en]) for a in question.areas]
            chosen = reading.by_label(text, items)
            return _advance(flow, state, chosen) if chosen else _invalid(state, question, lang)
        case YesNoQuestion():
            if word in reading.YES:
                return _advance(flow, state, "yes")
            if word in reading.NO:
                return _advance(flow, state, "no")
            return _invalid(state, question, lang)
        case ScaleQuestion():
            number = reading.whole(word)
            if number is None or not question.min <= number <= question.max:
                return _invalid(state, question, lang)
            return _advance(flow, state, number)
        case NumberQuestion():
            return _number(flow, state, question, word, lang)
        case MultiQuestion():
            if word in reading.DONE:
                return _multi(flow, state, question, list(state.draft), lang)
            items = [(o.id, [o.label.nl, o.label.en]) for o in question.options]
            parts = [
                p
                for p in re.split(r"[,;\s]+" if reading.only_numbers(word) else r"[,;]+", word)
                if p.strip()
            ]
            picked = [reading.by_label(p, items) for p in parts]
            if not parts or any(c is None for c in picked):
                return _invalid(state, question, lang)
            return _multi(flow, state, question, [c for c in picked if c], lang)
    raise TypeError(f"unknown question type {question!r}")


def _number(
    flow: Flow, state: SessionState, question: NumberQuestion, word: str, lang: Language
) -> Outcome:
    if question.unit:
        for unit in (question.unit.nl, question.unit.en):
            word = word.removesuffix(reading.norm(unit)).strip()
    if question.integer and re.fullmatch(r"-?\d{1,3}([.,])\d{3}(\1\d{3})*", word):
        # A whole number with thousands separators: "1.000" (Dutch) or "1,000" (English).
        word = re.sub(r"[.,]", "", word)
    match = re.fullmatch(r"-?\d{1,12}([.,]\d{1,6})?", word)
    if not match:
        return _invalid(state, question, lang)
    number = float(word.replace(",", "."))
    if question.integer and not number.is_integer():
        return Outcome(state, problem=t(lang, "invalid.integer"))
    if not question.min <= number <= question.max:
        return _invalid(state, question, lang)
    return _advance(flow, state, int(number) if question.integer else number)


def _invalid(state: SessionState, question: AnyQuestion, lang: Language) -> Outcome:
    return Outcome(state, problem=invalid(question, lang))


def _format_number(value: Any, language: Language = "nl") -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float) and language != "en":
        return str(value).replace(".", ",")  # Dutch writes a decimal comma
    return str(value)
