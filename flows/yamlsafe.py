"""Read questionnaire YAML safely and within bounds, keeping the line of every value.

PyYAML's safe loader, so no object is ever constructed from a tag, with limits checked while
the parser reads, before any node is built: no tags beyond the standard scalar ones, no
anchors or aliases (so no "billion laughs"), at most :data:`MAX_DEPTH` levels of nesting and
:data:`MAX_NODES` values, and numbers of at most :data:`MAX_NUMBER_CHARS` characters. What
is wrong is collected as (line, path, message), never raised as a ``MemoryError`` or a
``RecursionError``. An anchor, an alias or a tag is noted and reading goes on (an alias is
never followed: it becomes an empty value the loader knows was refused), so an author learns
of every one at once; depth and size stop reading where they are exceeded.

YAML that cannot be read at all is worded by :func:`syntax_problem`, with a hint to put a
text in quotes when a ``:``, ``?`` or ``#`` in it is the likely cause.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from flows.problems import Message, Path_, shown

MAX_DEPTH = 20
# Values (scalars, mappings, lists): the largest questionnaire the schema allows (60
# questions of 30 areas each) has about 25,000; the shipped ones about 560.
MAX_NODES = 50_000
# Longer numbers are refused before they are converted: YAML 1.1's base-60 numbers
# ("1:30:00") cost quadratic time to convert, and a huge one overflows a float.
MAX_NUMBER_CHARS = 100
# Problems reported for one file; the rest are summed up in one line.
MAX_PROBLEMS = 100

__all__ = ["Found", "GuardedLoader", "Lines", "Path_", "Refusal", "build", "compose", "shown"]

_YAML_TAG = "tag:yaml.org,2002:"
# Explicit tags an author may write (``!!str 0123``); anything else (``!!python/...``,
# ``!!binary``, ``!!set``, custom ``!tags``) is refused before a node is built.
_ALLOWED_TAGS = frozenset(
    {"!"} | {_YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "map", "seq")}
)


class Lines:
    """Where each field of the parsed document stands in the file, and which values were
    refused while reading (an alias, a refused tag): what the schema says about those is
    already said."""

    def __init__(self) -> None:
        self.lines: dict[Path_, int] = {}
        self.refused: set[Path_] = set()

    def was_refused(self, path: Path_) -> bool:
        return any(path[: len(done)] == done for done in self.refused)

    def line(self, path: Path_) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def _short(tag: str) -> str:
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


class Refusal(Exception):
    """The text goes beyond a limit, at ``line``: reading stops there."""

    def __init__(self, line: int | None, message: Message) -> None:
        super().__init__(str(message))
        self.line = line
        self.message = message


# The tag of a value put in place of what was refused (an alias, a value with a refused tag).
REFUSED_TAG = "tag:samenspraak,2025:refused"

Noted = list[tuple[int | None, Message]]  # (line, message) refused while reading


def _line(event: yaml.Event) -> int | None:
    return event.start_mark.line + 1 if event.start_mark is not None else None


class GuardedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, screening each parser event as it arrives, before the composer
    sees it: an anchor is dropped, an alias becomes an empty refused value, a custom tag is
    dropped (each noted in :attr:`refused`); deep nesting and too many values stop reading.
    The composer takes every event through :meth:`check_event`, :meth:`peek_event` or
    :meth:`get_event`, so each is screened once and the text is read once."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0
        self.nodes = 0
        self.refused: Noted = []

    def _fill(self) -> None:
        if self.current_event is None and self.state:
            self.current_event = self._screen(self.state())

    def check_event(self, *choices: Any) -> bool:
        self._fill()
        return bool(super().check_event(*choices))

    def peek_event(self) -> yaml.Event:
        self._fill()
        event: yaml.Event = super().peek_event()  # type: ignore[no-untyped-call]
        return event

    def get_event(self) -> yaml.Event:
        self._fill()
        event: yaml.Event = super().get_event()  # type: ignore[no-untyped-call]
        return event

    def _note(self, event: yaml.Event, message: Message) -> None:
        noted = (_line(event), message)
        if noted not in self.refused:  # once per line
            self.refused.append(noted)

    def _screen(self, event: yaml.Event) -> yaml.Event:
        if isinstance(event, yaml.AliasEvent):
            self._note(event, Message.of("alias"))
            event = yaml.ScalarEvent(
                None, REFUSED_TAG, (False, False), "", event.start_mark, event.end_mark
            )
        elif isinstance(event, yaml.NodeEvent) and event.anchor:
            self._note(event, Message.of("alias"))
            event.anchor = None
        tag = getattr(event, "tag", None)
        if tag and tag != REFUSED_TAG and tag not in _ALLOWED_TAGS:
            self._note(event, Message.of("tag", tag=_short(tag)))
            setattr(event, "tag", REFUSED_TAG)  # noqa: B010 - built as nothing, never checked
        if isinstance(event, yaml.ScalarEvent | yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise Refusal(_line(event), Message.of("too_many_values", max=MAX_NODES))
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise Refusal(_line(event), Message.of("too_deep", max=MAX_DEPTH))
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self.depth -= 1
        return event


def compose(text: str) -> tuple[yaml.Node | None, Noted]:
    """The document's node tree, within the limits, and what was refused on the way, each
    kind once (raises :class:`Refusal` or YAMLError)."""
    guarded = GuardedLoader(text)
    try:
        node: yaml.Node | None = guarded.get_single_node()
        return node, _folded(guarded.refused)
    finally:
        guarded.dispose()


# Lines named in one refusal; the rest are left out.
MAX_LINES_SHOWN = 20


def _folded(refused: Noted) -> Noted:
    """Anchors and aliases as one problem at the first, naming the other lines; tags each."""
    lines = [line for line, message in refused if message.code == "alias"]
    others = [(line, message) for line, message in refused if message.code != "alias"]
    if not lines:
        return others
    message = Message.of("alias")
    if len(lines) > 1:
        shown_lines: list[object] = [*lines[1 : MAX_LINES_SHOWN + 1]]
        if len(lines) > MAX_LINES_SHOWN + 1:
            shown_lines.append("…")
        message = Message.of("also", message=message, lines=shown_lines)
    return sorted([(lines[0], message), *others], key=lambda noted: noted[0] or 0)


# Stateless use only: the scalar constructors below never touch the object cache, so one
# constructor serves every parse without keeping nodes alive between parses.
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS = yaml.constructor.SafeConstructor.yaml_constructors

Found = list[tuple[int, Path_, Message]]  # (line, data path, message) found while building


_NUMBER_TAGS = frozenset({_YAML_TAG + "int", _YAML_TAG + "float"})


def _scalar(node: yaml.ScalarNode) -> Any:
    # Dates stay text: pydantic parses them, and a timestamp never becomes a surprise type.
    if node.tag == _YAML_TAG + "timestamp":
        return str(node.value)
    # Only true/false are booleans (as in YAML 1.2): yes/no/on/off stay text, so a label
    # "No" or a condition "equals: yes" means what it says.
    if node.tag == _YAML_TAG + "bool" and node.value.lower() not in {"true", "false"}:
        return str(node.value)
    # Merge keys ("<<: *base") need an alias, which is refused: the key is just text.
    if node.tag == _YAML_TAG + "merge":
        return str(node.value)
    construct = _SCALAR_CONSTRUCTORS.get(node.tag)
    if construct is None:
        raise ValueError(f"YAML tag {node.tag} is not allowed")
    return construct(_CONSTRUCTOR, node)


def build(node: yaml.Node, path: Path_, lines: Lines, found: Found) -> Any:
    """The plain data of ``node`` (dicts, lists, scalars), noting the line of each value
    in ``lines`` and what is wrong with a value in ``found``."""
    lines.lines[path] = node.start_mark.line + 1
    if node.tag == REFUSED_TAG:  # noted while reading
        lines.refused.add(path)
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if isinstance(key_node, yaml.ScalarNode):
                key = str(build(key_node, (*path, "?"), lines, found))
            else:
                key = "?"
            if key in result:
                found.append((key_line, (*path, key), Message.of("key_twice")))
            result[key] = build(value_node, (*path, key), lines, found)
            lines.lines[(*path, key)] = key_line
        lines.lines.pop((*path, "?"), None)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [build(item, (*path, i), lines, found) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    line = node.start_mark.line + 1
    if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
        found.append((line, path, Message.of("number_too_long", value=shown(node.value))))
        return str(node.value)
    try:
        return _scalar(node)
    except (ValueError, TypeError, LookupError, ArithmeticError, yaml.YAMLError):
        message = Message.of("bad_scalar", value=shown(node.value), tag=_short(node.tag))
        found.append((line, path, message))
        return str(node.value)


# --- YAML that cannot be read -----------------------------------------------------------------

# What PyYAML says (its problem, or its context), and how we say it.
_SYNTAX: tuple[tuple[str, str], ...] = (
    ("mapping values are not allowed", "yaml.colon"),
    ("mapping keys are not allowed", "yaml.key"),
    ("could not find expected ':'", "yaml.no_colon"),
    ("'\\t' that cannot start any token", "yaml.tab"),
    ("that cannot start any token", "yaml.start"),
    ("another document", "yaml.documents"),
    ("quoted scalar", "yaml.quote"),
    ("flow", "yaml.flow"),
    ("expected ',' or", "yaml.flow"),
    ("<block end>", "yaml.indent"),
    ("did not find expected key", "yaml.indent"),
    ("did not find expected '-'", "yaml.indent"),
    ("block mapping", "yaml.indent"),
    ("special characters are not allowed", "yaml.characters"),
    ("control characters are not allowed", "yaml.characters"),
)
# ``key: value`` in a block, and each ``key: value`` inside ``{ }``.
_BLOCK_PAIR = re.compile(r"^\s*(?:-\s+)?([\w-]+):[ \t]+(\S.*?)\s*$")
_FLOW_PAIR = re.compile(r"[{,]\s*([\w-]+):[ \t]+([^,{}\[\]]*)")
# What in a text without quotes YAML reads as something else: in a block, ": ", " #" or a
# sign at the start; between { } (where PyYAML ends a text at ":" and "?") also those.
_BLOCK_SUSPECT = re.compile(r":(\s|$)|\s#|^[?:#@`!&*%]")
_FLOW_SUSPECT = re.compile(r"[:?]|\s#|^[#@`!&*%]")


def _suspect(value: str, pattern: re.Pattern[str]) -> bool:
    value = value.strip()
    return bool(value) and value[0] not in "\"'" and bool(pattern.search(value))


def _quote_example(text: str, first: int, last: int) -> str | None:
    """``key: "text"`` for the first text without quotes on lines ``first``..``last``
    (0-based) that has a ``:``, ``?`` or ``#`` YAML reads as something else."""
    lines = text.splitlines()
    for number in range(max(first, 0), min(last, len(lines) - 1) + 1):
        line = lines[number]
        pairs = [(m.group(1), m.group(2), _FLOW_SUSPECT) for m in _FLOW_PAIR.finditer(line)]
        block = _BLOCK_PAIR.match(line)
        if block and block.group(2)[0] not in "{[|>":
            pairs.insert(0, (block.group(1), block.group(2), _BLOCK_SUSPECT))
        for key, value, pattern in pairs:
            if _suspect(value, pattern):
                quoted = value.strip().replace("\\", "\\\\").replace('"', '\\"')
                return f'{key}: "{shown(quoted)}"'
    return None


def syntax_problem(error: yaml.YAMLError, text: str) -> tuple[int | None, Message]:
    """The line and our words for YAML that cannot be read."""
    said = " ".join(
        str(part)
        for part in (getattr(error, "problem", None), getattr(error, "context", None))
        if part
    ) or str(error)
    code = next((code for needle, code in _SYNTAX if needle in said), "yaml.other")
    message = Message.of(code)
    if code == "yaml.start":
        found = re.search(r"found character '(.+?)'", said)
        message = Message.of(code, char=found.group(1) if found else "?")
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is None:
        return None, message
    context = getattr(error, "context_mark", None)
    first = min(mark.line, context.line) if context is not None else mark.line
    example = _quote_example(text, first, mark.line)
    if example and code not in {"yaml.tab", "yaml.documents", "yaml.characters"}:
        message = Message.of("yaml.quote_hint", problem=message, example=example)
    return mark.line + 1, message
