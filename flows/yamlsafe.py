"""Read questionnaire YAML safely and within bounds, keeping the line of every value.

PyYAML's safe loader, so no object is ever constructed from a tag, with limits checked while
the parser reads, before any node is built: no tags beyond the standard scalar ones, no
anchors or aliases (so no "billion laughs"), at most :data:`MAX_DEPTH` levels of nesting and
:data:`MAX_NODES` values, and numbers of at most :data:`MAX_NUMBER_CHARS` characters. What
is wrong is collected as (line, path, message), never raised as a ``MemoryError`` or a
``RecursionError``.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 20
# Values (scalars, mappings, lists): the largest questionnaire the schema allows (60
# questions of 30 areas each) has about 25,000; the shipped ones about 560.
MAX_NODES = 50_000
# Longer numbers are refused before they are converted: YAML 1.1's base-60 numbers
# ("1:30:00") cost quadratic time to convert, and a huge one overflows a float.
MAX_NUMBER_CHARS = 100
# Problems reported for one file; the rest are summed up in one line.
MAX_PROBLEMS = 100
# Longer values and keys are shortened in a problem's message and field.
SHOWN_CHARS = 60

Path_ = tuple[str | int, ...]

_YAML_TAG = "tag:yaml.org,2002:"
# Explicit tags an author may write (``!!str 0123``); anything else (``!!python/...``,
# ``!!binary``, ``!!set``, custom ``!tags``) is refused before a node is built.
_ALLOWED_TAGS = frozenset(
    {"!"} | {_YAML_TAG + name for name in ("str", "int", "float", "bool", "null", "map", "seq")}
)


class Lines:
    """Where each field of the parsed document stands in the file."""

    def __init__(self) -> None:
        self.lines: dict[Path_, int] = {}

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

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class GuardedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing what a questionnaire never needs as each parser event
    arrives: anchors and aliases, custom tags, deep nesting, too many values. The composer
    asks for every event through :meth:`get_event`, so nothing is built past a problem and
    the text is read once."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0
        self.nodes = 0

    def _refuse(self, event: yaml.Event, message: str) -> Refusal:
        return Refusal(
            event.start_mark.line + 1 if event.start_mark is not None else None, message
        )

    def get_event(self) -> yaml.Event:
        event: yaml.Event = super().get_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise self._refuse(event, "anchors and aliases (& and *) are not allowed")
        tag = getattr(event, "tag", None)
        if tag and tag not in _ALLOWED_TAGS:
            raise self._refuse(event, f"YAML tag {_short(tag)} is not allowed")
        if isinstance(event, yaml.ScalarEvent | yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise self._refuse(
                    event, f"has more than {MAX_NODES} values; a questionnaire needs far fewer"
                )
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self._refuse(event, f"nested deeper than {MAX_DEPTH} levels")
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self.depth -= 1
        return event


def compose(text: str) -> yaml.Node | None:
    """The document's node tree, within the limits (raises :class:`Refusal` or YAMLError)."""
    guarded = GuardedLoader(text)
    try:
        node: yaml.Node | None = guarded.get_single_node()
        return node
    finally:
        guarded.dispose()


def shown(value: str) -> str:
    """A value or key from the file, shortened for a problem message."""
    return value if len(value) <= SHOWN_CHARS else value[: SHOWN_CHARS - 1] + "…"


# Stateless use only: the scalar constructors below never touch the object cache, so one
# constructor serves every parse without keeping nodes alive between parses.
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS = yaml.constructor.SafeConstructor.yaml_constructors

Found = list[tuple[int, Path_, str]]  # (line, data path, message) found while building


_NUMBER_TAGS = frozenset({_YAML_TAG + "int", _YAML_TAG + "float"})


def _scalar(node: yaml.ScalarNode) -> Any:
    # Dates stay text: pydantic parses them, and a timestamp never becomes a surprise type.
    if node.tag == _YAML_TAG + "timestamp":
        return str(node.value)
    # Only true/false are booleans (as in YAML 1.2): yes/no/on/off stay text, so a label
    # "No" or a condition "equals: yes" means what it says.
    if node.tag == _YAML_TAG + "bool" and node.value.lower() not in {"true", "false"}:
        return str(node.value)
    construct = _SCALAR_CONSTRUCTORS.get(node.tag)
    if construct is None:
        raise ValueError(f"YAML tag {node.tag} is not allowed")
    return construct(_CONSTRUCTOR, node)


def build(node: yaml.Node, path: Path_, lines: Lines, found: Found) -> Any:
    lines.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if isinstance(key_node, yaml.ScalarNode):
                key = str(build(key_node, (*path, "?"), lines, found))
            else:
                key = "?"
            if key in result:
                found.append((key_line, (*path, key), "appears twice"))
            result[key] = build(value_node, (*path, key), lines, found)
            lines.lines[(*path, key)] = key_line
        lines.lines.pop((*path, "?"), None)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [build(item, (*path, i), lines, found) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    line = node.start_mark.line + 1
    if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_CHARS:
        found.append((line, path, f"'{shown(node.value)}' is too long for a number"))
        return str(node.value)
    try:
        return _scalar(node)
    except (ValueError, TypeError, LookupError, ArithmeticError, yaml.YAMLError):
        found.append((line, path, f"'{shown(node.value)}' is not a valid {_short(node.tag)}"))
        return str(node.value)
