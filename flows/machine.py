"""Compile a questionnaire version into one shared ``transitions`` state machine.

The machine is built once per questionnaire version with ``model=None`` and
``auto_transitions=False``, so its graph is exactly the YAML: one state per question
plus ``end``, a ``next`` transition per rule (conditions in the order written, the
default last) and a ``back`` transition along every edge. A resident's session is a
two-field cursor that is moved over the shared machine and thrown away: no machine
per resident (pytransitions #146, #434).

A condition is one test or ``all``/``any``/``not`` over tests (:data:`flows.schema.When`).
A question with ``show_if`` is passed by when its condition does not hold on the answers
so far: :meth:`Flow.next_of` goes on to where the question would lead without an answer,
and the machine has a ``back`` edge from there to the question before it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from transitions import EventData, Machine

from flows.schema import END, AnyQuestion, AnyWhen, Questionnaire
from flows.validator import successors


@dataclass(slots=True)
class Cursor:
    """What the machine needs of a session: where it is and what was answered."""

    state: str
    answers: Mapping[str, Any]
    previous: str | None = None


def _when(condition: AnyWhen) -> Callable[[EventData], bool]:
    def check(event: EventData) -> bool:
        return condition.holds(cast(Cursor, event.model).answers)

    return check


def _came_from(source: str) -> Callable[[EventData], bool]:
    def check(event: EventData) -> bool:
        return cast(Cursor, event.model).previous == source

    return check


class Flow:
    """One questionnaire version, compiled: the questions by id and the state machine."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.questions: dict[str, AnyQuestion] = {q.id: q for q in questionnaire.questions}
        self.order = [q.id for q in questionnaire.questions]
        self.first = self.order[0]
        self.machine = Machine(
            model=None,
            states=[*self.order, END],
            initial=self.first,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=True,
        )
        for index, question in enumerate(questionnaire.questions):
            rules = question.rules()
            targets = successors(questionnaire, index)
            if not rules:
                self.machine.add_transition("next", question.id, targets[0])
            for rule in rules:
                conditions: list[str | Callable[..., bool | None]] | None = (
                    [_when(rule.when)] if rule.when else None
                )
                self.machine.add_transition("next", question.id, rule.goto, conditions=conditions)
            for target in dict.fromkeys(self._past_hidden(questionnaire, targets)):
                if target != END:
                    self.machine.add_transition(
                        "back", target, question.id, conditions=[_came_from(question.id)]
                    )

        # Where a question without conditions leads never changes: the machine is asked
        # once, here, instead of on every step (the progress count walks the rest of the
        # branch for every question shown).
        self._fixed: dict[str, str] = {
            question.id: self._next(question.id, {})
            for question in questionnaire.questions
            if all(rule.when is None for rule in question.rules())
        }

        # Questions asked only when their ``show_if`` holds.
        self._shown_if = {q.id: q.show_if for q in questionnaire.questions if q.show_if}

    @staticmethod
    def _past_hidden(questionnaire: Questionnaire, targets: list[str]) -> list[str]:
        """``targets``, and where each question among them with ``show_if`` leads (and so on):
        the questions that may come right after, when those are passed by."""
        index = {q.id: i for i, q in enumerate(questionnaire.questions)}
        found: list[str] = []
        todo = list(targets)
        while todo:
            target = todo.pop(0)
            if target in found:
                continue
            found.append(target)
            if target != END and target in index:
                question = questionnaire.questions[index[target]]
                if question.show_if is not None:
                    todo.extend(successors(questionnaire, index[target]))
        return found

    @property
    def key(self) -> str:
        return self.questionnaire.key

    def next_of(self, question_id: str, answers: Mapping[str, Any]) -> str:
        """Where the questionnaire goes after ``question_id``, given the answers so far."""
        fixed = self._fixed.get(question_id)
        target = fixed if fixed is not None else self._next(question_id, answers)
        if self._shown_if:
            # Pass by a question whose show_if does not hold, as if it were not there.
            while target != END and (when := self._shown_if.get(target)) is not None:
                if when.holds(answers):
                    break
                fixed = self._fixed.get(target)
                target = fixed if fixed is not None else self._next(target, answers)
        return target

    def _next(self, question_id: str, answers: Mapping[str, Any]) -> str:
        cursor = Cursor(state=question_id, answers=answers)
        self.machine.events["next"].trigger(cursor)
        return cursor.state

    def back_of(self, question_id: str, previous: str) -> str:
        """Step back from ``question_id`` to ``previous`` if the graph has that edge."""
        cursor = Cursor(state=question_id, answers={}, previous=previous)
        self.machine.events["back"].trigger(cursor)
        return cursor.state

    def remaining(self, question_id: str, answers: Mapping[str, Any]) -> int:
        """Questions still to come from ``question_id`` on (itself included) on this branch."""
        count = 0
        current = question_id
        while current != END and count <= len(self.order):
            count += 1
            current = self.next_of(current, answers)
        return count
