"""What administrators see, within Telegram's 4096 characters whatever the input: the list
of questionnaire ids under /export, and problem lists of any length."""

from __future__ import annotations

from bot.admin import preview, views
from flows.limits import MESSAGE_CHARS, MESSAGE_MARGIN
from flows.loader import Problem, parse
from flows.machine import Flow
from flows.problems import Message
from flows.texts import plain_text
from tests.storage.helpers import mini_source, variant


def test_the_list_of_ids_stops_in_time() -> None:
    flows = [
        Flow(
            parse(
                variant(
                    mini_source(), questionnaire_id=f"een-vragenlijst-met-een-lange-id-{n:03d}"
                ).replace("{nl: Mini, en: Mini}", f"{{nl: '{'Titel ' * 9}{n}', en: Title}}")
            )
        )
        for n in range(60)
    ]
    text = views.ids_text(flows, "nl")
    lines = plain_text(text).splitlines()
    assert len(text) <= views.MAX_IDS_CHARS
    assert 10 < len(lines) < 60
    assert lines[0] == f"een-vragenlijst-met-een-lange-id-000 – {'Titel ' * 9}0"
    assert lines[-1] == f"… en nog {60 - (len(lines) - 1)}."
    assert len(views.ids_text(flows[:3], "nl").splitlines()) == 3


def test_problems_are_split_and_shortened() -> None:
    problems = [
        Problem(
            "f.yaml",
            n,
            "questions.q.<b>" + "x" * 400,
            Message.of("own", message="kapot " + "y" * 2000),
        )
        for n in range(1, 41)
    ]
    messages = preview.problems_messages("f<1>.yaml", problems, "nl")
    assert len(messages) > 1
    assert all(len(message) <= MESSAGE_CHARS - MESSAGE_MARGIN for message in messages)
    bullets = [line for m in messages for line in plain_text(m).splitlines() if line[:2] == "• "]
    assert [line.split(",")[0] for line in bullets] == [f"• regel {n}" for n in range(1, 41)]
    assert all(len(line) < 850 for line in bullets)  # message and field shortened
    assert "&lt;b&gt;" in messages[0] and "f&lt;1&gt;.yaml" in messages[0]
    assert plain_text(messages[1]).startswith("f<1>.yaml, vervolg:")
    one = preview.problems_messages(
        "f.yaml", [Problem("f.yaml", None, "", Message.of("empty_file"))], "en"
    )
    assert [plain_text(m) for m in one] == [
        "f.yaml is not right yet. Nothing was stored. Fix these points and send the file "
        "again:\n\n• the file is empty"
    ]
