"""Flow steps to Telegram HTML and inline keyboards. Presentation only.

Button data (at most 64 bytes, see ``flows.schema.CALLBACK_OVERHEAD_BYTES``):

=================  ===================================================
``c:y[:<qid>[:<lang>]]``  consent yes (optionally then start a questionnaire; in the
                   language chosen with /taal before consenting)
``c:n[::<lang>]``  consent no
``l:<lang>``       language
``p:<qid>``        pick a questionnaire
``r:<qid>:y|n``    revise an earlier complete response, or not
``a:<tok>:<val>``  answer a closed question
``t:<tok>:<opt>``  toggle an option of a multi question
``d:<tok>``        done with a multi question
``s:<tok>``        skip
``b:<tok>``        back
=================  ===================================================

Opt-ins, effect checks and the administrators' outcome buttons (``sub:``, ``eff:``,
``inv:``, ``tk:``, ``efs:``) are listed in :mod:`bot.outcomes.views`.

``<tok>`` binds the button to one session and question (see ``Pseudonyms.button_token``).
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from flows.engine import Prompt, answer_label, hint
from flows.machine import Flow
from flows.schema import (
    AnyQuestion,
    AreaQuestion,
    ChoiceQuestion,
    MultiQuestion,
    ScaleQuestion,
    YesNoQuestion,
)
from flows.texts import Html, Language, escape, plain_text, raw, t

Keyboard = InlineKeyboardMarkup


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def _rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def question_text(prompt: Prompt, language: Language) -> Html:
    """Progress, the question, end labels of a scale, and how to answer."""
    question = prompt.question
    lines = [
        f"<i>{t(language, 'progress', number=prompt.number, total=prompt.total)}</i>",
        f"<b>{escape(question.text.get(language))}</b>",
    ]
    if isinstance(question, ScaleQuestion) and question.labels:
        lines.append(
            f"{question.min} = {escape(question.labels.min.get(language))}\n"
            f"{question.max} = {escape(question.labels.max.get(language))}"
        )
    if prompt.previous is not None and not isinstance(question, MultiQuestion):
        lines.append(
            t(
                language,
                "previous_answer",
                answer=answer_label(question, prompt.previous, language),
            )
        )
    lines.append(f"<i>{hint(question, language)}</i>")
    return Html("\n\n".join(lines))


def went_back_text(prompt: Prompt, language: Language) -> Html:
    """The question message after « Vorige: still readable, no hint, no buttons."""
    question = prompt.question
    return Html(
        f"<i>{t(language, 'progress', number=prompt.number, total=prompt.total)}</i>\n\n"
        f"<b>{escape(question.text.get(language))}</b>\n\n"
        f"<i>{t(language, 'went_back')}</i>"
    )


def answered_text(prompt: Prompt, value: object, language: Language) -> Html:
    """The question message after it was answered: no hint, the answer, no buttons."""
    question = prompt.question
    label = answer_label(question, value, language)
    return Html(
        f"<i>{t(language, 'progress', number=prompt.number, total=prompt.total)}</i>\n\n"
        f"<b>{escape(question.text.get(language))}</b>\n\n"
        f"✅ {t(language, 'chosen', answer=label)}"
    )


def question_keyboard(prompt: Prompt, token: str, language: Language) -> Keyboard | None:
    question = prompt.question
    rows = _answer_rows(question, prompt, token, language)
    footer = []
    if prompt.can_back:
        footer.append(_button(raw(language, "button.back"), f"b:{token}"))
    if question.optional:
        footer.append(_button(raw(language, "button.skip"), f"s:{token}"))
    if footer:
        rows.append(footer)
    return InlineKeyboardMarkup(rows) if rows else None


def _answer_rows(
    question: AnyQuestion, prompt: Prompt, token: str, language: Language
) -> list[list[InlineKeyboardButton]]:
    match question:
        case ChoiceQuestion():
            return [
                [_button(f"{i}. {o.label.get(language)}", f"a:{token}:{o.id}")]
                for i, o in enumerate(question.options, 1)
            ]
        case MultiQuestion():
            # Numbered like a choice question's buttons: the hint says "1, 3" may be typed.
            rows = [
                [
                    _button(
                        ("✅ " if o.id in prompt.selected else "▫️ ")
                        + f"{i}. {o.label.get(language)}",
                        f"t:{token}:{o.id}",
                    )
                ]
                for i, o in enumerate(question.options, 1)
            ]
            rows.append([_button(raw(language, "button.done"), f"d:{token}")])
            return rows
        case ScaleQuestion():
            numbers = [
                _button(str(n), f"a:{token}:{n}") for n in range(question.min, question.max + 1)
            ]
            return _rows(numbers, 6 if len(numbers) > 6 else len(numbers))
        case YesNoQuestion():
            return [
                [
                    _button(raw(language, "button.yes"), f"a:{token}:yes"),
                    _button(raw(language, "button.no"), f"a:{token}:no"),
                ]
            ]
        case AreaQuestion():
            return _rows(
                [_button(a.label.get(language), f"a:{token}:{a.id}") for a in question.areas], 2
            )
    return []


def intro_text(flow: Flow, language: Language) -> Html:
    questionnaire = flow.questionnaire
    return t(
        language,
        "intro",
        title=questionnaire.title.get(language),
        intro=questionnaire.intro.get(language),
        count=flow.remaining(flow.first, {}),
    )


def finished_text(
    flow: Flow, rows: list[tuple[str, str]], language: Language, after: Html | None = None
) -> Html:
    """The thanks, the resident's answers and what happens next; ``after``: a paragraph
    added at the end (the opt-ins offered under it)."""
    summary = "\n".join(f"• {escape(q)}\n  <i>{escape(a)}</i>" for q, a in rows)
    outro = flow.questionnaire.outro
    closing = escape(outro.get(language)) if outro else t(language, "finished.default_outro")
    if after is not None:
        closing = f"{closing}\n\n{after}"
    text = t(language, "finished", summary=Html(summary), outro=Html(closing))
    if len(text) > 4000:  # a very long summary: keep the thanks, shorten the list
        text = t(language, "finished", summary=Html(escape("…")), outro=Html(closing))
    return text


def consent_keyboard(
    language: Language, then: str | None = None, *, chosen: bool = False
) -> Keyboard:
    """Yes/no to taking part. ``chosen``: the resident picked ``language`` with /taal
    before consenting; the buttons carry it, as nothing is stored before consent."""
    suffix = f":{language}" if chosen else ""
    return InlineKeyboardMarkup(
        [
            [
                _button(raw(language, "consent.yes"), f"c:y:{then or ''}{suffix}".rstrip(":")),
                _button(raw(language, "consent.no"), f"c:n:{suffix}".rstrip(":")),
            ]
        ]
    )


def pick_keyboard(flows: Sequence[Flow], done: set[str], language: Language) -> Keyboard:
    mark = raw(language, "pick.done_mark")
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    (mark if f.questionnaire.id in done else "")
                    + f.questionnaire.title.get(language),
                    f"p:{f.questionnaire.id}",
                )
            ]
            for f in flows
        ]
    )


def revise_keyboard(questionnaire_id: str, language: Language) -> Keyboard:
    return InlineKeyboardMarkup(
        [
            [
                _button(raw(language, "revise.yes"), f"r:{questionnaire_id}:y"),
                _button(raw(language, "revise.no"), f"r:{questionnaire_id}:n"),
            ]
        ]
    )


def language_keyboard() -> Keyboard:
    return InlineKeyboardMarkup([[_button("Nederlands", "l:nl"), _button("English", "l:en")]])


def plain(text: str) -> str:
    """Telegram HTML to plain text for a callback answer (no markup, at most 200 chars)."""
    return plain_text(text)[:200]
