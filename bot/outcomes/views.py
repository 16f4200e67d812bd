"""Opt-ins, outcomes, invitations and effect checks as Telegram HTML and inline keyboards.
Presentation only; the button data is in :mod:`bot.outcomes.buttons`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton

from bot.core.buttons import Pick
from bot.core.keyboards import JsonRows, Keyboard, button, json_row
from bot.outcomes import buttons
from flows import outcomes as loop
from flows.texts import Html, Language, formats, raw, t

ON = "✅ "
OFF = "▫️ "


def _mark(on: bool) -> str:
    return ON if on else OFF


def status_label(status: str, language: Language) -> str:
    return raw(language, f"status.{status}") if status in loop.STATUSES else status


# --- residents: opting in ---------------------------------------------------------------------


def optin_keyboard(
    questionnaire_id: str,
    theme: str,
    *,
    outcomes_on: bool,
    invitations_on: bool,
    language: Language,
    municipality: str,
) -> Keyboard:
    """The two opt-ins offered at the end of a questionnaire; the label shows the state and
    the button sets the other one."""
    outcomes = raw(language, "optin.outcomes").format(municipality=municipality)
    invitations = raw(language, "optin.theme").format(theme=theme)
    return Keyboard(
        [
            [
                button(
                    _mark(outcomes_on) + outcomes,
                    buttons.OptInAtEnd(questionnaire_id, "o", not outcomes_on),
                )
            ],
            [
                button(
                    _mark(invitations_on) + invitations,
                    buttons.OptInAtEnd(questionnaire_id, "i", not invitations_on),
                )
            ],
        ]
    )


def deliberation_optin_keyboard(
    deliberation_id: str, *, outcomes_on: bool, language: Language, municipality: str
) -> Keyboard:
    """The opt-in under a deliberation's "you have voted on every statement": hearing what
    ``municipality`` does with it (a deliberation has no theme to be invited on)."""
    outcomes = raw(language, "optin.outcomes").format(municipality=municipality)
    wanted = buttons.OptInAtEnd(deliberation_id, "o", not outcomes_on)
    return Keyboard([[button(_mark(outcomes_on) + outcomes, wanted)]])


@dataclass(frozen=True, slots=True)
class Setting:
    """One line of /instellingen."""

    kind: str  # loop.OUTCOMES or loop.INVITATIONS
    topic: str  # questionnaire id or theme slug
    label: str  # questionnaire title or theme name
    on: bool


def settings_keyboard(settings: Sequence[Setting], language: Language) -> Keyboard | None:
    rows = []
    for setting in settings:
        if setting.kind == loop.OUTCOMES:
            label = raw(language, "instellingen.outcomes").format(title=setting.label)
        else:
            label = raw(language, "instellingen.theme").format(theme=setting.label)
        data = buttons.OptInSetting(buttons.about_of(setting.kind), setting.topic, not setting.on)
        rows.append([button(_mark(setting.on) + label, data)])
    return Keyboard(rows) if rows else None


# --- messages residents receive ---------------------------------------------------------------


def outcome_text(
    title: str,
    status: str,
    message: str,
    language: Language,
    link: str | None = None,
    *,
    key: str = "uitkomst.message",
) -> Html:
    """The outcome as residents get it; with ``link``, the public results page's address.
    ``key``: the words around it (``web.outcome`` on the web door, which has no settings)."""
    text = t(
        language,
        key,
        title=title,
        status=status_label(status, language),
        message=message,
    )
    if link is None:
        return text
    head, sep, footer = text.rpartition("\n\n")
    return Html(f"{head}\n\n{t(language, 'uitkomst.link', url=link)}{sep}{footer}")


def invitation_text(title: str, intro: str, theme: str, language: Language) -> Html:
    return t(language, "uitnodiging.message", title=title, intro=intro, theme=theme)


def invitation_buttons(questionnaire_id: str, language: Language) -> JsonRows:
    """The resident's own "open this questionnaire" button (``p:<qid>``, as in the list)."""
    label = raw(language, "uitnodiging.button")
    return [[json_row(label, Pick(questionnaire_id))]]


def effect_text(title: str, excerpt: str, language: Language, municipality: str) -> Html:
    return t(language, "effect.message", title=title, excerpt=excerpt, municipality=municipality)


def effect_buttons(check_id: int, chosen: str | None, language: Language) -> JsonRows:
    def one(value: str) -> dict[str, str]:
        mark = ON if value == chosen else ""
        label = mark + raw(language, f"effect.{value}")
        return json_row(label, buttons.EffectAnswer(check_id, value))

    first, second, third, fourth = loop.EFFECT_VALUES
    return [[one(first), one(second)], [one(third), one(fourth)]]


# --- administrators ---------------------------------------------------------------------------


def invitation_offer_keyboard(questionnaire_id: str, version: int, count: int) -> Keyboard:
    return Keyboard(
        [
            [
                button(
                    raw("nl", "uitnodiging.yes").format(count=formats.number(count)),
                    buttons.Invite(questionnaire_id, version),
                ),
                button(raw("nl", "uitnodiging.no"), buttons.NotNow(questionnaire_id)),
            ]
        ]
    )


def status_keyboard(questionnaire_id: str, current: str) -> Keyboard:
    rows = [
        [
            button(
                (ON if status == current else "") + status_label(status, "nl"),
                buttons.ChooseStatus(questionnaire_id, number),
            )
        ]
        for number, status in enumerate(loop.STATUSES)
    ]
    rows.append([_cancel()])
    return Keyboard(rows)


def _cancel() -> InlineKeyboardButton:
    return button(raw("nl", "terugkoppeling.cancel"), buttons.Cancel())


def skip_keyboard() -> Keyboard:
    return Keyboard([[button(raw("nl", "terugkoppeling.skip"), buttons.SkipEnglish()), _cancel()]])


def confirm_keyboard(*, anyone: bool) -> Keyboard:
    send = raw("nl", "terugkoppeling.send" if anyone else "terugkoppeling.save")
    return Keyboard([[button(send, buttons.Confirm()), _cancel()]])


def effect_schedule_keyboard(outcome_id: int) -> Keyboard:
    weeks = [
        button(
            raw("nl", "effectmeting.weeks").format(weeks=n), buttons.ScheduleCheck(outcome_id, n)
        )
        for n in loop.EFFECT_WEEKS
    ]
    return Keyboard(
        [weeks, [button(raw("nl", "effectmeting.no"), buttons.ScheduleCheck(outcome_id, 0))]]
    )
