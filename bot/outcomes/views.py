"""Opt-ins, outcomes, invitations and effect checks as Telegram HTML and inline keyboards.
Presentation only.

Button data (at most 64 bytes; questionnaire ids and theme slugs are at most 40 characters):

==============================  ====================================================
``sub:e:<qid>:o|i:1|0``         at the end of a questionnaire: outcomes of it, or
                                invitations on its theme, on (1) or off (0)
``sub:s:o:<qid>:1|0``           /instellingen: outcomes of a questionnaire on or off
``sub:s:i:<theme>:1|0``         /instellingen: invitations on a theme on or off
``eff:<check id>:<value>``      a resident's answer to an effect check
``inv:y:<qid>:<version>``       administrator: send the invitation (``inv:n:<qid>``: not now)
``tk:s:<qid>:<status number>``  administrator: /terugkoppeling, the new outcome status
``tk:e`` / ``tk:y`` / ``tk:x``  administrator: no English text / send / cancel
``efs:<outcome id>:<weeks>``    administrator: schedule an effect check (0: none)
==============================  ====================================================

The resident's buttons carry no secret: whoever presses one changes only their own settings
or answer, and the handlers check that they may (took part, received the check).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from flows import outcomes as loop
from flows.texts import Html, Language, formats, raw, t

Keyboard = InlineKeyboardMarkup
JsonRows = list[list[dict[str, str]]]

ON = "✅ "
OFF = "▫️ "


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


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
) -> Keyboard:
    """The two opt-ins offered at the end of a questionnaire; the label shows the state and
    the button sets the other one."""
    outcomes = raw(language, "optin.outcomes")
    invitations = raw(language, "optin.theme").format(theme=theme)
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    _mark(outcomes_on) + outcomes,
                    f"sub:e:{questionnaire_id}:o:{0 if outcomes_on else 1}",
                )
            ],
            [
                _button(
                    _mark(invitations_on) + invitations,
                    f"sub:e:{questionnaire_id}:i:{0 if invitations_on else 1}",
                )
            ],
        ]
    )


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
            code = "o"
        else:
            label = raw(language, "instellingen.theme").format(theme=setting.label)
            code = "i"
        data = f"sub:s:{code}:{setting.topic}:{0 if setting.on else 1}"
        rows.append([_button(_mark(setting.on) + label, data)])
    return InlineKeyboardMarkup(rows) if rows else None


# --- messages residents receive ---------------------------------------------------------------


def outcome_text(title: str, status: str, message: str, language: Language) -> Html:
    return t(
        language,
        "uitkomst.message",
        title=title,
        status=status_label(status, language),
        message=message,
    )


def invitation_text(title: str, intro: str, theme: str, language: Language) -> Html:
    return t(language, "uitnodiging.message", title=title, intro=intro, theme=theme)


def invitation_buttons(questionnaire_id: str, language: Language) -> JsonRows:
    """The resident's own "open this questionnaire" button (``p:<qid>``, as in the list)."""
    return [
        [{"text": raw(language, "uitnodiging.button"), "callback_data": f"p:{questionnaire_id}"}]
    ]


def effect_text(title: str, excerpt: str, language: Language) -> Html:
    return t(language, "effect.message", title=title, excerpt=excerpt)


def effect_buttons(check_id: int, chosen: str | None, language: Language) -> JsonRows:
    def one(value: str) -> dict[str, str]:
        mark = ON if value == chosen else ""
        return {
            "text": mark + raw(language, f"effect.{value}"),
            "callback_data": f"eff:{check_id}:{value}",
        }

    first, second, third, fourth = loop.EFFECT_VALUES
    return [[one(first), one(second)], [one(third), one(fourth)]]


def keyboard(rows: JsonRows | None) -> Keyboard | None:
    """A keyboard stored as JSON (in a broadcast's payload) for sending."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[_button(button["text"], button["callback_data"]) for button in row] for row in rows]
    )


def same_keyboard(markup: Any, rows: Keyboard | None) -> bool:
    """Whether a message's current markup already shows ``rows`` (an edit to the same
    markup is refused by Telegram as "message is not modified")."""
    current = markup.to_dict() if markup is not None else None
    wanted = rows.to_dict() if rows is not None else None
    empty: tuple[object, ...] = ({}, None, {"inline_keyboard": []})
    if current in empty and wanted in empty:
        return True
    return bool(current == wanted)


# --- administrators ---------------------------------------------------------------------------


def invitation_offer_keyboard(questionnaire_id: str, version: int, count: int) -> Keyboard:
    return InlineKeyboardMarkup(
        [
            [
                _button(
                    raw("nl", "uitnodiging.yes").format(count=formats.number(count)),
                    f"inv:y:{questionnaire_id}:{version}",
                ),
                _button(raw("nl", "uitnodiging.no"), f"inv:n:{questionnaire_id}"),
            ]
        ]
    )


def status_keyboard(questionnaire_id: str, current: str) -> Keyboard:
    rows = [
        [
            _button(
                (ON if status == current else "") + status_label(status, "nl"),
                f"tk:s:{questionnaire_id}:{number}",
            )
        ]
        for number, status in enumerate(loop.STATUSES)
    ]
    rows.append([_button(raw("nl", "terugkoppeling.cancel"), "tk:x")])
    return InlineKeyboardMarkup(rows)


def skip_keyboard() -> Keyboard:
    return InlineKeyboardMarkup(
        [
            [
                _button(raw("nl", "terugkoppeling.skip"), "tk:e"),
                _button(raw("nl", "terugkoppeling.cancel"), "tk:x"),
            ]
        ]
    )


def confirm_keyboard(*, anyone: bool) -> Keyboard:
    send = raw("nl", "terugkoppeling.send" if anyone else "terugkoppeling.save")
    return InlineKeyboardMarkup(
        [[_button(send, "tk:y"), _button(raw("nl", "terugkoppeling.cancel"), "tk:x")]]
    )


def effect_schedule_keyboard(outcome_id: int) -> Keyboard:
    weeks = [
        _button(raw("nl", "effectmeting.weeks").format(weeks=n), f"efs:{outcome_id}:{n}")
        for n in loop.EFFECT_WEEKS
    ]
    return InlineKeyboardMarkup(
        [weeks, [_button(raw("nl", "effectmeting.no"), f"efs:{outcome_id}:0")]]
    )
