"""What a webhook body must be before python-telegram-bot reads it: an update Telegram could
have sent this bot.

Telegram posts UTF-8 JSON of a few kilobytes, a handful of levels deep, whose numbers fit a
signed 64-bit integer (update ids are positive) and whose fields have the types of the Bot
API. python-telegram-bot checks none of that: it copies numbers and strings as they come.
So what is not such an update is refused here, with the reason, before anything reads it:

* not UTF-8, not JSON, NaN or Infinity, or not one JSON object;
* nested deeper than :data:`MAX_DEPTH` (JSON that deep makes Python's parsers recurse
  until ``RecursionError``);
* an integer outside what the database stores (BIGINT), a float that is not finite, a
  string with half a surrogate pair (it cannot be written as UTF-8 anywhere);
* no ``update_id`` from 0 to 2^63 - 1;
* a known field of the wrong type (a text that is a number, a chat that is a list):
  :data:`SHAPES` lists the fields of the objects this bot's updates carry. Fields not
  listed are only held to the rules above: Telegram adds fields over time.

One pass over the parsed JSON, without recursion.
"""

from __future__ import annotations

import json
import math
from typing import Any

#: Deeper than this is not Telegram (its updates are about ten levels deep).
MAX_DEPTH = 32
#: What a BIGINT column holds.
SMALLEST = -(2**63)
LARGEST = 2**63 - 1

# Known fields: "int", "str", "bool", an object of a shape below ("Chat"), or a list of
# those ("[MessageEntity]", "[[InlineKeyboardButton]]"). Absent or null is always fine.
_USER = {
    "id": "int",
    "is_bot": "bool",
    "first_name": "str",
    "last_name": "str",
    "username": "str",
    "language_code": "str",
}
SHAPES: dict[str, dict[str, str]] = {
    "Update": {
        "update_id": "int",
        "message": "Message",
        "edited_message": "Message",
        "callback_query": "CallbackQuery",
    },
    "Message": {
        "message_id": "int",
        "message_thread_id": "int",
        "date": "int",
        "edit_date": "int",
        "from": "User",
        "sender_chat": "Chat",
        "chat": "Chat",
        "via_bot": "User",
        "reply_to_message": "Message",
        "pinned_message": "Message",
        "media_group_id": "str",
        "text": "str",
        "caption": "str",
        "entities": "[MessageEntity]",
        "caption_entities": "[MessageEntity]",
        "document": "Document",
        "photo": "[PhotoSize]",
        "reply_markup": "InlineKeyboardMarkup",
    },
    "User": _USER,
    "Chat": {
        "id": "int",
        "type": "str",
        "title": "str",
        "username": "str",
        "first_name": "str",
        "last_name": "str",
    },
    "CallbackQuery": {
        "id": "str",
        "from": "User",
        "message": "Message",
        "inline_message_id": "str",
        "chat_instance": "str",
        "data": "str",
        "game_short_name": "str",
    },
    "MessageEntity": {
        "type": "str",
        "offset": "int",
        "length": "int",
        "url": "str",
        "user": "User",
        "language": "str",
        "custom_emoji_id": "str",
    },
    "Document": {
        "file_id": "str",
        "file_unique_id": "str",
        "file_name": "str",
        "mime_type": "str",
        "file_size": "int",
        "thumbnail": "PhotoSize",
    },
    "PhotoSize": {
        "file_id": "str",
        "file_unique_id": "str",
        "width": "int",
        "height": "int",
        "file_size": "int",
    },
    "InlineKeyboardMarkup": {"inline_keyboard": "[[InlineKeyboardButton]]"},
    "InlineKeyboardButton": {"text": "str", "callback_data": "str", "url": "str"},
}


class NotAnUpdate(ValueError):
    """The body is not an update Telegram could have sent; the message says why (it names
    no value from the body, so it can be logged)."""


def read_update(body: bytes) -> dict[str, Any]:
    """The update in ``body``, checked as the module says; :class:`NotAnUpdate` if it is
    not one."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise NotAnUpdate("not UTF-8") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise NotAnUpdate(f"nested more than {MAX_DEPTH} levels deep") from None
    except ValueError:  # also an integer of more than 4300 digits
        raise NotAnUpdate("not JSON") from None
    if not isinstance(data, dict):
        raise NotAnUpdate("not a JSON object")
    update_id = data.get("update_id")
    if type(update_id) is not int or not 0 <= update_id <= LARGEST:
        raise NotAnUpdate(f"no update_id from 0 to {LARGEST}")
    _check(data)
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number Telegram sends")


def _check(update: dict[str, Any]) -> None:
    # Containers wait in ``pending`` with their depth and expected shape (or None);
    # scalars are checked where they are found. (json.loads makes exact dicts, lists,
    # strs, ints, floats, bools and None.)
    pending: list[tuple[Any, int, str | None]] = [(update, 1, "Update")]
    while pending:
        value, depth, shape = pending.pop()
        if depth > MAX_DEPTH:
            raise NotAnUpdate(f"nested more than {MAX_DEPTH} levels deep")
        if type(value) is dict:
            fields = SHAPES.get(shape, _NO_FIELDS) if shape is not None else _NO_FIELDS
            for key, item in value.items():
                _check_scalar(key)
                expected = fields.get(key)
                if expected is not None and item is not None and not _fits(item, expected):
                    raise NotAnUpdate(f"{shape}.{key} is not {_describe(expected)}")
                if type(item) is dict or type(item) is list:
                    if item:  # (an empty one holds nothing to check)
                        pending.append((item, depth + 1, expected))
                else:
                    _check_scalar(item)
        else:
            inner = shape[1:-1] if shape is not None and shape.startswith("[") else None
            for item in value:
                if inner is not None and item is not None and not _fits(item, inner):
                    raise NotAnUpdate(f"an element of a list is not {_describe(inner)}")
                if type(item) is dict or type(item) is list:
                    if item:
                        pending.append((item, depth + 1, inner))
                else:
                    _check_scalar(item)


_NO_FIELDS: dict[str, str] = {}


def _check_scalar(value: Any) -> None:
    kind = type(value)
    if kind is int:
        if not SMALLEST <= value <= LARGEST:
            raise NotAnUpdate("a number too large for a 64-bit integer")
    elif kind is str:
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise NotAnUpdate("a string with half a surrogate pair") from None
    elif kind is float and not math.isfinite(value):
        raise NotAnUpdate("a number too large for a float")


def _fits(value: Any, shape: str) -> bool:
    if shape.startswith("["):
        return isinstance(value, list)
    if shape == "int":
        return type(value) is int
    if shape == "str":
        return isinstance(value, str)
    if shape == "bool":
        return isinstance(value, bool)
    return isinstance(value, dict)


def _describe(shape: str) -> str:
    if shape.startswith("["):
        return "a list"
    return {"int": "an integer", "str": "a string", "bool": "true or false"}.get(
        shape, "an object"
    )
