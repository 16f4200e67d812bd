"""All questionnaire versions the bot knows, compiled once and shared by every session."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from flows.engine import availability
from flows.machine import Flow
from flows.schema import Questionnaire


@dataclass(frozen=True, slots=True)
class Entry:
    flow: Flow
    status: str  # lifecycle status of the questionnaire: draft, open, closed, archived
    current: bool  # the version new sessions start on


class Catalog:
    """Flows by (id, version). Old versions stay so that sessions started on them go on."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, int], Entry] = {}
        self._current: dict[str, int] = {}

    def add(
        self, questionnaire: Questionnaire, *, status: str = "open", current: bool = True
    ) -> Flow:
        flow = Flow(questionnaire)
        key = (questionnaire.id, questionnaire.version)
        self._entries[key] = Entry(flow, status, current)
        if current:
            self._current[questionnaire.id] = questionnaire.version
        return flow

    def set_status(self, questionnaire_id: str, status: str) -> None:
        for key, entry in list(self._entries.items()):
            if key[0] == questionnaire_id:
                self._entries[key] = Entry(entry.flow, status, entry.current)

    def get(self, questionnaire_id: str, version: int) -> Flow | None:
        entry = self._entries.get((questionnaire_id, version))
        return entry.flow if entry else None

    def current(self, questionnaire_id: str) -> Flow | None:
        version = self._current.get(questionnaire_id)
        return None if version is None else self.get(questionnaire_id, version)

    def status(self, questionnaire_id: str) -> str | None:
        version = self._current.get(questionnaire_id)
        return None if version is None else self._entries[(questionnaire_id, version)].status

    def is_open(self, questionnaire_id: str, now: datetime, zone: tzinfo) -> bool:
        flow = self.current(questionnaire_id)
        if flow is None or self.status(questionnaire_id) != "open":
            return False
        return availability(flow.questionnaire, now, zone) == "open"

    def open_flows(self, now: datetime, zone: tzinfo) -> list[Flow]:
        """The questionnaires residents can start now, in a stable order."""
        flows = (self.current(qid) for qid in sorted(self._current))
        return [f for f in flows if f and self.is_open(f.questionnaire.id, now, zone)]

    def currents(self) -> Iterable[Flow]:
        for qid in sorted(self._current):
            flow = self.current(qid)
            if flow:
                yield flow

    def __len__(self) -> int:
        return len(self._current)
