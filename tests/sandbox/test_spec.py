"""The specification index: look-ups, coercion and validation of parameters."""

from __future__ import annotations

import json

import pytest

from sandbox.spec import ApiError, UploadedFile, load_spec


def test_spec_is_loaded_once_and_complete() -> None:
    spec = load_spec()
    assert spec is load_spec()
    assert spec.version.startswith("Bot API")
    assert spec.method("sendMessage") is not None
    assert spec.method("SENDMESSAGE") is spec.method("sendmessage")
    assert spec.method("sendTelepathy") is None
    assert "getUpdates" in spec.method_names


def validate(method: str, **params: object) -> dict[str, object]:
    spec = load_spec()
    found = spec.method(method)
    assert found is not None
    return spec.validate(found, params)


def error(method: str, **params: object) -> str:
    with pytest.raises(ApiError) as info:
        validate(method, **params)
    assert info.value.error_code == 400
    return info.value.description


def test_form_strings_are_coerced() -> None:
    markup = {"inline_keyboard": [[{"text": "Ja", "callback_data": "ja"}]]}
    params = validate(
        "sendMessage",
        chat_id="-100123",
        text="hoi",
        disable_notification="true",
        reply_markup=json.dumps(markup),
        unknown_parameter="ignored",
    )
    assert params == {
        "chat_id": -100123,
        "text": "hoi",
        "disable_notification": True,
        "reply_markup": markup,
    }


def test_json_values_are_accepted() -> None:
    params = validate("sendLocation", chat_id=5, latitude=52, longitude="4.9")
    assert params == {"chat_id": 5, "latitude": 52.0, "longitude": 4.9}
    assert validate("sendMessage", chat_id="@kanaal", text=12) == {
        "chat_id": "@kanaal",
        "text": "12",
    }


def test_missing_required_parameter() -> None:
    assert error("sendMessage", chat_id=1) == 'Bad Request: parameter "text" is required'


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"offset": "abc"}, 'parameter "offset" must be of type Integer'),
        ({"limit": "1.5"}, 'parameter "limit" must be of type Integer'),
        ({"allowed_updates": "message"}, 'can\'t parse parameter "allowed_updates"'),
        ({"allowed_updates": "[{}]"}, 'field "[0]" must be of type String'),
    ],
)
def test_wrong_types(params: dict[str, object], fragment: str) -> None:
    assert fragment in error("getUpdates", **params)


def test_booleans() -> None:
    assert validate("sendMessage", chat_id=1, text="x", protect_content="False") == {
        "chat_id": 1,
        "text": "x",
        "protect_content": False,
    }
    assert "Boolean" in error("sendMessage", chat_id=1, text="x", protect_content="misschien")


def test_nested_objects_are_checked_against_their_types() -> None:
    no_text = json.dumps({"inline_keyboard": [[{"callback_data": "x"}]]})
    assert 'can\'t find field "inline_keyboard[0][0].text"' in error(
        "sendMessage", chat_id=1, text="x", reply_markup=no_text
    )
    not_rows = json.dumps({"inline_keyboard": [{"text": "a", "callback_data": "b"}]})
    assert "Array of InlineKeyboardButton" in error(
        "sendMessage", chat_id=1, text="x", reply_markup=not_rows
    )
    assert "JSON-serialized" in error("sendMessage", chat_id=1, text="x", reply_markup="{nope")
    # Telegram accepts plain strings as reply keyboard buttons
    keyboard = json.dumps({"keyboard": [["Ja", {"text": "Nee"}]]})
    assert validate("sendMessage", chat_id=1, text="x", reply_markup=keyboard)["reply_markup"]


def test_unions_are_told_apart_by_their_type_field() -> None:
    commands = json.dumps([{"command": "start", "description": "Begin"}])
    scope = validate("setMyCommands", commands=commands, scope='{"type": "chat", "chat_id": 7}')
    assert scope["scope"] == {"type": "chat", "chat_id": 7}
    assert "must be one of" in error(
        "setMyCommands", commands=commands, scope='{"type": "everyone"}'
    )
    assert 'can\'t find field "chat_id"' in error(
        "setMyCommands", commands=commands, scope='{"type": "chat"}'
    )


def test_files() -> None:
    upload = UploadedFile("document", "a.pdf", "application/pdf", b"%PDF")
    assert validate("sendDocument", chat_id=1, document=upload)["document"] is upload
    assert validate("sendDocument", chat_id=1, document="BQACAgQ")["document"] == "BQACAgQ"
    thumb = UploadedFile("t1", "t.jpg", "image/jpeg", b"\xff\xd8")
    params = validate(
        "sendDocument", chat_id=1, document=upload, thumbnail="attach://t1", t1=thumb
    )
    assert params["thumbnail"] is thumb
    assert "not found" in error("sendDocument", chat_id=1, document=upload, thumbnail="attach://x")
    assert "not an uploaded file" in error("sendMessage", chat_id=1, text=upload)


def test_defaults_fill_required_fields() -> None:
    spec = load_spec()
    member = spec.defaults("ChatMemberMember")
    assert set(member) == {"status", "user"}
    assert member["user"]["is_bot"] is False
