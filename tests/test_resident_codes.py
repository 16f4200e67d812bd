"""bot.resident.codes: where a question asks for free text, a text shaped like a code is an
answer; anywhere else (or outside a questionnaire) it is tried as a code."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.resident.codes import takes_text
from flows.engine import SessionState
from flows.loader import load_file
from flows.machine import Flow
from storage.repo import SessionInfo
from tests.storage.helpers import MINI

NOW = datetime(2031, 5, 1, tzinfo=UTC)


def at(question: str) -> SessionInfo:
    return SessionInfo(1, 1, "mini", 1, "active", SessionState(question), NOW, NOW, None, False)


def test_a_code_shaped_text_is_an_answer_only_where_text_is_asked() -> None:
    flow = Flow(load_file(MINI))
    texts = [q for q, question in flow.questions.items() if question.type == "text"]
    others = [q for q, question in flow.questions.items() if question.type != "text"]
    assert texts and others
    assert all(takes_text(flow, at(q)) for q in texts)
    assert not any(takes_text(flow, at(q)) for q in others)
    assert not takes_text(None, None)  # no questionnaire in progress
    assert not takes_text(flow, at("end"))  # finished
