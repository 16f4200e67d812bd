"""Flow steps to Telegram HTML and inline keyboards for residents. Presentation only.

The buttons' data are the typed values of :mod:`bot.resident.buttons`.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.buttons import Pick
from bot.core.keyboards import Keyboard, button, rows
from bot.resident import buttons
from flows.engine import Prompt, answer_label, hint
from flows.limits import MESSAGE_CHARS, units
from flows.machine import Flow
from flows.schema import (
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    GridQuestion,
    MultiQuestion,
    RankingQuestion,
    ScaleQuestion,
    YesNoQuestion,
)
from flows.texts import (
    LANGUAGES,
    Html,
    Language,
    escape,
    formats,
    language_name,
    plain_text,
    raw,
    t,
)


def question_text(prompt: Prompt, language: Language, noted: str | None = None) -> Html:
    """Progress, the question, end labels of a scale, an earlier answer, and how to answer;
    first, ``noted``: the previous answer read back when it was typed loosely ("Genoteerd:
    ..."). The two answers shown are shortened when the message would not fit otherwise."""
    question = prompt.question
    lines = [
        f"<i>{t(language, 'progress', number=prompt.number, total=prompt.total)}</i>",
        f"<b>{escape(prompt.text(language))}</b>",
    ]
    if isinstance(question, GridQuestion):
        lines[1:1] = grid_head(question, language)
    if isinstance(question, ScaleQuestion) and question.labels:
        lines.append(
            f"{question.min} = {escape(question.labels.min.get(language))}\n"
            f"{question.max} = {escape(question.labels.max.get(language))}"
        )
    earlier = None
    if prompt.previous is not None and not isinstance(question, MultiQuestion):
        earlier = answer_label(question, prompt.previous, language)
    how = f"<i>{hint(question, language)}</i>"
    # The room left for the two answers, with their words around them.
    frames = [
        t(language, key, answer="")
        for key, text in [("noted", noted), ("previous_answer", earlier)]
        if text is not None
    ]
    room = MESSAGE_CHARS - _size("\n\n".join([*frames, *lines, how]))
    first: list[str] = []
    if noted is not None:  # the read-back first, leaving the earlier answer up to half
        keep = min(units(earlier), room // 2) if earlier is not None else 0
        noted = _fit(noted, room - keep)
        room -= units(noted)
        first = [t(language, "noted", answer=noted)] if noted else []
    if earlier is not None and (earlier := _fit(earlier, room)):
        lines.append(t(language, "previous_answer", answer=earlier))
    return Html("\n\n".join([*first, *lines, how]))


def grid_head(question: GridQuestion, language: Language) -> list[str]:
    """Above a statement of a grid: the question all its statements share, and where this
    statement stands among them."""
    where = t(language, "grid.position", position=question.position, count=question.count)
    return [escape(question.stem.get(language)), f"<i>{where}</i>"]


def went_back_text(prompt: Prompt, language: Language) -> Html:
    """The question message after « Vorige: still readable, no hint, no buttons."""
    return Html(
        f"<i>{t(language, 'progress', number=prompt.number, total=prompt.total)}</i>\n\n"
        f"<b>{escape(prompt.text(language))}</b>\n\n"
        f"<i>{t(language, 'went_back')}</i>"
    )


def answered_text(prompt: Prompt, value: object, language: Language) -> Html:
    """The question message after it was answered: no hint, the answer, no buttons. A long
    text answer under a long question is shortened to fit the message; the summary at the
    end shows it in full."""
    question = prompt.question
    head = (
        f"<i>{t(language, 'progress', number=prompt.number, total=prompt.total)}</i>\n\n"
        f"<b>{escape(prompt.text(language))}</b>\n\n✅ "
    )
    room = MESSAGE_CHARS - _size(head + t(language, "chosen", answer=""))
    label = _fit(answer_label(question, value, language), room)
    return Html(f"{head}{t(language, 'chosen', answer=label)}")


def _fit(text: str, room: int) -> str:
    """``text``, shortened at a word with an ellipsis when it takes more than ``room``
    characters as Telegram counts them ("" when not even the ellipsis fits)."""
    if units(text) <= room:
        return text
    low, high, best = 1, len(text), ""
    while low <= high:  # the longest shortening that fits: longer limits never shorten
        middle = (low + high) // 2
        candidate = formats.shorten(text, middle)
        if units(candidate) <= room:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    return best


def _size(html: str) -> int:
    """Characters as Telegram counts them: after the tags and entities are parsed."""
    return units(plain_text(html))


def question_keyboard(prompt: Prompt, token: str, language: Language) -> Keyboard | None:
    question = prompt.question
    lines = _answer_rows(question, prompt, token, language)
    footer = []
    if prompt.can_back:
        footer.append(button(raw(language, "button.back"), buttons.Back(token)))
    if question.optional:
        footer.append(button(raw(language, "button.skip"), buttons.Skip(token)))
    if footer:
        lines.append(footer)
    return InlineKeyboardMarkup(lines) if lines else None


def _answer_rows(
    question: AnyQuestion, prompt: Prompt, token: str, language: Language
) -> list[list[InlineKeyboardButton]]:
    match question:
        case ChoiceQuestion():
            return [
                [button(f"{i}. {o.label.get(language)}", buttons.Answer(token, o.id))]
                for i, o in enumerate(question.options, 1)
            ]
        case MultiQuestion():
            # Numbered like a choice question's buttons: the hint says "1, 3" may be typed.
            lines = [
                [
                    button(
                        ("✅ " if o.id in prompt.selected else "▫️ ")
                        + f"{i}. {o.label.get(language)}",
                        buttons.Toggle(token, o.id),
                    )
                ]
                for i, o in enumerate(question.options, 1)
            ]
            lines.append([button(raw(language, "button.done"), buttons.Done(token))])
            return lines
        case ScaleQuestion():
            numbers = [
                button(str(n), buttons.Answer(token, str(n)))
                for n in range(question.min, question.max + 1)
            ]
            return rows(numbers, 6 if len(numbers) > 6 else len(numbers))
        case YesNoQuestion():
            return [
                [
                    button(raw(language, "button.yes"), buttons.Answer(token, "yes")),
                    button(raw(language, "button.no"), buttons.Answer(token, "no")),
                ]
            ]
        case RankingQuestion():
            return ranking_rows(question, prompt, token, language)
        case AreaQuestion():
            return rows(
                [
                    button(a.label.get(language), buttons.Answer(token, a.id))
                    for a in question.areas
                ],
                2,
            )
    return []


def ranking_rows(
    question: RankingQuestion, prompt: Prompt, token: str, language: Language
) -> list[list[InlineKeyboardButton]]:
    """A ranking's options, numbered as typed ("3 1 2"); those placed show their place, and
    once one is placed, a button takes the last place back."""
    placed = {option: place for place, option in enumerate(prompt.selected, 1)}
    lines = []
    for i, option in enumerate(question.options, 1):
        label = f"{i}. {option.label.get(language)}"
        if option.id in placed:
            where = raw(language, "ranking.place").format(place=placed[option.id])
            label = f"✅ {label} ({where})"
        lines.append([button(label, buttons.Toggle(token, option.id))])
    if prompt.selected:
        lines.append([button(raw(language, "button.undo"), buttons.Undo(token))])
    return lines


def intro_text(flow: Flow, language: Language) -> Html:
    questionnaire = flow.questionnaire
    return t(
        language,
        "intro",
        title=questionnaire.title.get(language),
        intro=questionnaire.intro.get(language),
        count=flow.remaining(flow.first, {}),
    )


def consent_keyboard(
    language: Language, then: str | None = None, *, chosen: bool = False
) -> Keyboard:
    """Yes/no to taking part. ``chosen``: the resident picked ``language`` with /taal
    before consenting; the buttons carry it, as nothing is stored before consent."""
    carried = language if chosen else ""
    return InlineKeyboardMarkup(
        [
            [
                button(raw(language, "consent.yes"), buttons.Consent("y", then or "", carried)),
                button(raw(language, "consent.no"), buttons.Consent("n", "", carried)),
            ]
        ]
    )


def pick_keyboard(flows: Sequence[Flow], done: set[str], language: Language) -> Keyboard:
    mark = raw(language, "pick.done_mark")
    return InlineKeyboardMarkup(
        [
            [
                button(
                    (mark if f.questionnaire.id in done else "")
                    + f.questionnaire.title.get(language),
                    Pick(f.questionnaire.id),
                )
            ]
            for f in flows
        ]
    )


def revise_keyboard(questionnaire_id: str, language: Language) -> Keyboard:
    return InlineKeyboardMarkup(
        [
            [
                button(raw(language, "revise.yes"), buttons.Revise(questionnaire_id, "y")),
                button(raw(language, "revise.no"), buttons.Revise(questionnaire_id, "n")),
            ]
        ]
    )


def language_keyboard() -> Keyboard:
    """Every language with a catalog, each named in itself, two on a row."""
    choices = [button(language_name(code), buttons.ChooseLanguage(code)) for code in LANGUAGES]
    return InlineKeyboardMarkup([choices[i : i + 2] for i in range(0, len(choices), 2)])
