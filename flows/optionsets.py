"""Named answer lists: ``option_sets:`` at the top of a questionnaire file names lists of
options, and a choice or multi question says ``options: <name>`` to use one.

The safe replacement for YAML anchors, which are refused. The lists are written into the
questions that name them in the file's data, before the schema sees it, so the questionnaire
is exactly as if every list were written out: digests, exports and the conversation never
know. A list is checked where it is used; what the schema says about a borrowed list is
pointed back at the list (:attr:`Resolved.borrowed`), so each problem is said once, at the
list's own lines. A name that does not exist is a problem at the question, with the names
that do. Copies are bounded: all lists written out hold at most :data:`MAX_NODES` values.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flows.problems import Message, Path_, guess, shown
from flows.schema import OPTION_SET_TYPES, OPTION_SETS, SLUG
from flows.yamlsafe import MAX_NODES


@dataclass
class Resolved:
    """The data with every named list written out, and what was wrong with the lists."""

    data: dict[str, Any]
    problems: list[tuple[Path_, Message]] = field(default_factory=list)
    #: ``("questions", i, "options")`` -> ``("option_sets", name)``: where a list was used.
    borrowed: dict[Path_, Path_] = field(default_factory=dict)
    #: Where a list was named that could not be used: the problem is said already.
    skipped: set[Path_] = field(default_factory=set)


def _size(node: object) -> int:
    """How many values ``node`` holds (itself included)."""
    if isinstance(node, Mapping):
        return 1 + sum(_size(k) + _size(v) for k, v in node.items())
    if isinstance(node, list):
        return 1 + sum(_size(item) for item in node)
    return 1


def _named_lists(
    data: Mapping[str, Any], resolved: Resolved
) -> tuple[dict[str, list[Any]], set[str]]:
    """The usable lists by name, and the names of lists that are not usable."""
    if OPTION_SETS not in data:
        return {}, set()
    sets = data[OPTION_SETS]
    if not isinstance(sets, Mapping):
        resolved.problems.append(((OPTION_SETS,), Message.of("sets.mapping")))
        return {}, set()
    lists: dict[str, list[Any]] = {}
    broken: set[str] = set()
    for name, options in sets.items():
        where: Path_ = (OPTION_SETS, name)
        if not SLUG.match(name):
            resolved.problems.append((where, Message.of("sets.name", value=shown(name))))
            broken.add(name)
        elif not isinstance(options, list):
            resolved.problems.append((where, Message.of("list", value="…")))
            broken.add(name)
        else:
            lists[name] = options
    return lists, broken


def resolve(data: Mapping[str, Any]) -> Resolved:
    """``data`` without ``option_sets``, each ``options: <name>`` replaced by a copy of the
    list it names."""
    resolved = Resolved({key: value for key, value in data.items() if key != OPTION_SETS})
    lists, broken = _named_lists(data, resolved)
    questions = resolved.data.get("questions")
    if not isinstance(questions, list):
        return resolved
    used: set[str] = set()
    budget = MAX_NODES
    sizes = {name: _size(options) for name, options in lists.items()}
    written: list[Any] = []
    for index, question in enumerate(questions):
        name = question.get("options") if isinstance(question, Mapping) else None
        if not isinstance(name, str) or question.get("type") not in OPTION_SET_TYPES:
            written.append(question)
            continue
        where: Path_ = ("questions", index, "options")
        if name in lists and sizes[name] <= budget:
            budget -= sizes[name]
            question = {**question, "options": copy.deepcopy(lists[name])}
            resolved.borrowed[where] = (OPTION_SETS, name)
        else:
            resolved.skipped.add(where)
            if name in lists:  # written out too often: a file that big is no questionnaire
                problem = Message.of("too_many_values", max=MAX_NODES)
                resolved.problems.append(((OPTION_SETS, name), problem))
            elif name not in broken:
                resolved.problems.append((where, _unknown(name, [*lists, *broken], data)))
        used.add(name)
        written.append(question)
    resolved.data["questions"] = written
    if not any(name not in lists and name not in broken for name in used):
        # (with a name that does not exist, the list meant is the one not used: said there)
        resolved.problems.extend(
            ((OPTION_SETS, name), Message.of("sets.unused", name=name))
            for name in lists
            if name not in used
        )
    return resolved


def _unknown(name: str, known: list[str], data: Mapping[str, Any]) -> Message:
    if OPTION_SETS not in data:
        return Message.of("sets.none", name=shown(name))
    close = guess(name, known)
    if close:
        return Message.of("sets.unknown.guess", name=shown(name), guess=close, known=known)
    return Message.of("sets.unknown", name=shown(name), known=known)


def repoint(path: Path_, borrowed: Mapping[Path_, Path_]) -> Path_:
    """A place in a borrowed list, as the same place in the list under ``option_sets``."""
    for used, source in borrowed.items():
        if path[: len(used)] == used:
            return (*source, *path[len(used) :])
    return path
