"""All questionnaire versions the bot knows, compiled once and shared by every session.

The database is the source of truth (questionnaires are uploaded, published, opened and
closed there, also by other workers and the command line); :meth:`Catalog.sync` brings the
catalog up to date with a listing of the stored versions, compiling only what is new.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from flows.lifecycle import availability
from flows.machine import Flow
from flows.schema import Questionnaire

Key = tuple[str, int]


@dataclass(frozen=True, slots=True)
class Entry:
    flow: Flow
    status: str  # lifecycle status of the questionnaire: draft, open, closed, archived
    current: bool  # the version new sessions start on
    checksum: str = ""  # of the stored source; a replaced draft gets a new flow


@dataclass(frozen=True, slots=True)
class Listed:
    """One stored version, as the database lists it (without its source)."""

    questionnaire_id: str
    version: int
    checksum: str
    status: str
    # The published version new sessions start on. An unpublished draft is never current:
    # residents cannot start it, only an administrator's test run can use it.
    current: bool

    @property
    def key(self) -> Key:
        return (self.questionnaire_id, self.version)


class Catalog:
    """Flows by (id, version). Old versions stay so that sessions started on them go on."""

    def __init__(self) -> None:
        self._entries: dict[Key, Entry] = {}
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

    def missing(self, listing: Iterable[Listed]) -> list[Key]:
        """The listed versions that :meth:`sync` needs a parsed questionnaire for."""
        return [
            item.key
            for item in listing
            if (entry := self._entries.get(item.key)) is None or entry.checksum != item.checksum
        ]

    def sync(self, listing: Iterable[Listed], parsed: Mapping[Key, Questionnaire]) -> bool:
        """Become exactly ``listing``; True when anything changed.

        ``parsed`` holds the questionnaires of :meth:`missing`; a listed version that is
        missing there too (its source no longer parses) keeps its old flow if it had one,
        and is left out otherwise. The new state replaces the old one in one step, so a
        handler never sees half of it.
        """
        entries: dict[Key, Entry] = {}
        current: dict[str, int] = {}
        for item in listing:
            old = self._entries.get(item.key)
            questionnaire = parsed.get(item.key)
            if questionnaire is not None and (old is None or old.checksum != item.checksum):
                flow = Flow(questionnaire)
            elif old is not None:
                flow = old.flow
            else:
                continue
            entries[item.key] = Entry(flow, item.status, item.current, item.checksum)
            if item.current:
                current[item.questionnaire_id] = item.version
        changed = entries != self._entries or current != self._current
        self._entries, self._current = entries, current
        return changed

    def get(self, questionnaire_id: str, version: int) -> Flow | None:
        entry = self._entries.get((questionnaire_id, version))
        return entry.flow if entry else None

    def parsed(self) -> dict[str, Questionnaire]:
        """The questionnaire of every version compiled from a stored source, by the
        checksum of that source: what storage would otherwise parse again for its dates."""
        return {e.checksum: e.flow.questionnaire for e in self._entries.values() if e.checksum}

    def checksum(self, questionnaire_id: str, version: int) -> str | None:
        """Of the stored source this version's flow was compiled from."""
        entry = self._entries.get((questionnaire_id, version))
        return entry.checksum if entry else None

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
