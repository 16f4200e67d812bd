"""Inline keyboards and the short notices on pressed buttons: the Telegram presentation
pieces every feature shares."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.callbacks import Button
from flows.limits import NOTICE_CHARS
from flows.texts import plain_text

Keyboard = InlineKeyboardMarkup
#: A keyboard as plain JSON rows (``text`` and ``callback_data``), as broadcasts store it.
JsonRows = list[list[dict[str, str]]]


def button(label: str, data: Button | str) -> InlineKeyboardButton:
    """One button; ``data`` is packed (and checked against Telegram's 64 bytes)."""
    return InlineKeyboardButton(
        label, callback_data=data if isinstance(data, str) else data.pack()
    )


def rows(buttons: Sequence[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    """``buttons`` in rows of at most ``width``."""
    return [list(buttons[i : i + width]) for i in range(0, len(buttons), width)]


def json_row(label: str, data: Button) -> dict[str, str]:
    """A button as plain JSON, for a keyboard stored with a broadcast."""
    return {"text": label, "callback_data": data.pack()}


def from_json(stored: JsonRows | None) -> Keyboard | None:
    """A keyboard stored as JSON (in a broadcast's payload), ready to send."""
    if not stored:
        return None
    return InlineKeyboardMarkup(
        [[button(item["text"], item["callback_data"]) for item in row] for row in stored]
    )


def same(markup: Any, keyboard: Keyboard | None) -> bool:
    """Whether a message's current markup already shows ``keyboard`` (Telegram refuses an
    edit to the same markup as "message is not modified")."""
    current = markup.to_dict() if markup is not None else None
    wanted = keyboard.to_dict() if keyboard is not None else None
    empty: tuple[object, ...] = ({}, None, {"inline_keyboard": []})
    if current in empty and wanted in empty:
        return True
    return bool(current == wanted)


def notice(text: str) -> str:
    """Telegram HTML as the plain notice on a pressed button (at most 200 characters)."""
    plain = plain_text(text)
    return plain if len(plain) <= NOTICE_CHARS else plain[: NOTICE_CHARS - 1] + "…"
