"""Telegram's rules for what a bot sends: text and caption formatting and lengths, keyboards.

Checked here beyond what the specification's types say (:mod:`sandbox.spec`): a text must
parse in its ``parse_mode`` and fit Telegram's limits (:mod:`sandbox.limits`), an inline
button needs exactly one action and at most 64 bytes of ``callback_data``, and so on. A
broken rule raises :class:`~sandbox.spec.ApiError` with Telegram's own wording.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from sandbox.formatting import EntityParseError, FormattedText, UnsupportedParseMode, format_text
from sandbox.limits import MAX_CALLBACK_DATA, MAX_CAPTION, MAX_INLINE_BUTTONS, MAX_TEXT
from sandbox.models import JsonDict
from sandbox.spec import ApiError, BotApiSpec

__all__ = ["NOT_MODIFIED", "checked_markup", "formatted", "inline_rows"]

#: Telegram's answer to an edit that changes nothing.
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
_DOMAIN_RE = re.compile(r"[\w-]+(\.[\w-]+)*\.[A-Za-z]{2,}(:\d+)?([/?#].*)?")
#: The fields of an inline button that are not its action.
_NOT_ACTIONS = ("text", "icon_custom_emoji_id", "style")


def formatted(text: str, parse_mode: str | None, entities: Any, *, caption: bool) -> FormattedText:
    """A message text or caption as Telegram stores it: parsed, stripped, within its limit."""
    try:
        result = format_text(text, parse_mode, entities).stripped()
    except (EntityParseError, UnsupportedParseMode) as err:
        raise ApiError(400, err.description) from None
    length = result.length
    if caption:
        if length > MAX_CAPTION:
            raise ApiError.bad_request("message caption is too long")
    else:
        if not result.text:
            raise ApiError.bad_request("message text is empty")
        if length > MAX_TEXT:
            raise ApiError.bad_request("message is too long")
    return result


def checked_markup(
    spec: BotApiSpec, markup: JsonDict | None, *, inline_only: bool = False
) -> JsonDict | None:
    """``reply_markup`` as sent, once its keyboard follows Telegram's rules."""
    if markup is None:
        return None
    if "inline_keyboard" in markup:
        _check_inline_keyboard(spec, markup["inline_keyboard"])
        return markup
    if inline_only:
        raise ApiError.bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        for row in rows:
            for button in row:
                label = button if isinstance(button, str) else button.get("text", "")
                if not str(label).strip():
                    raise ApiError.bad_request(
                        "can't parse keyboard button: text must be non-empty"
                    )
    return markup


def inline_rows(markup: JsonDict | None) -> list[Any] | None:
    """The inline keyboard of a markup for comparisons; ``None`` when there is none."""
    if not markup:
        return None
    rows = markup.get("inline_keyboard")
    return rows if rows else None


def _check_inline_keyboard(spec: BotApiSpec, rows: list[list[JsonDict]]) -> None:
    button_type = spec.type("InlineKeyboardButton")
    assert button_type is not None
    actions = [f for f in button_type.fields if f not in _NOT_ACTIONS]
    total = 0
    for row in rows:
        for button in row:
            total += 1
            if not str(button.get("text", "")).strip():
                raise ApiError.bad_request(
                    "can't parse inline keyboard button: text must be non-empty"
                )
            present = [a for a in actions if button.get(a) is not None]
            if not present:
                raise ApiError.bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            if len(present) > 1:
                raise ApiError.bad_request(
                    "can't parse inline keyboard button: exactly one of the optional fields "
                    f"must be used, found {', '.join(present)}"
                )
            if "callback_data" in present:
                size = len(str(button["callback_data"]).encode("utf-8", "surrogatepass"))
                if not 1 <= size <= MAX_CALLBACK_DATA:
                    raise ApiError.bad_request("BUTTON_DATA_INVALID")
            if "url" in present:
                url = str(button["url"])
                if not _valid_button_url(url):
                    raise ApiError.bad_request(
                        f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL"
                    )
    if total > MAX_INLINE_BUTTONS:
        raise ApiError.bad_request("reply markup is too long")


def _valid_button_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return bool(parts.hostname) and " " not in url
    if parts.scheme == "tg":
        return bool(parts.netloc or parts.path)
    if not parts.scheme:
        return _DOMAIN_RE.fullmatch(url) is not None
    return False
