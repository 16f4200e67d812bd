"""What is wrong with a questionnaire file, in the reader's language: a :class:`Message` (a text
key of :mod:`flows.texts.problems` with its parameters), and the one table that turns
pydantic's errors into such messages.

Pydantic's own English never reaches an administrator: every error type the schema can
raise has its message here, saying what is allowed (the known fields, with a "did you mean";
the allowed range, read from the schema's own constraints; the allowed values). A type not
in the table gets a plain "this value is not allowed here".
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from flows.schema import (
    GRID_FIELDS,
    GRID_ITEM_FIELDS,
    OPTION_SETS,
    GridQuestion,
    Questionnaire,
    QuestionType,
    Text,
)
from flows.texts import CATALOG, Html, Language, plain_text, t

Param = object
#: A place in the file's data: keys and list positions from the top.
Path_ = tuple[str | int, ...]
# Longer values and keys are shortened in a problem's message and field.
SHOWN_CHARS = 60


def shown(value: str) -> str:
    """A value or key from the file, shortened for a problem message."""
    return value if len(value) <= SHOWN_CHARS else value[: SHOWN_CHARS - 1] + "…"


@dataclass(frozen=True)
class Message:
    """One sentence about a problem: ``problem.<code>`` with its parameters. A parameter may
    be a :class:`Message` (rendered in the same language) or a list (joined with commas)."""

    code: str
    params: tuple[tuple[str, Param], ...] = ()

    @classmethod
    def of(cls, code: str, /, **params: Param) -> Message:
        return cls(
            code, tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items())
        )

    def html(self, language: Language) -> Html:
        """Telegram HTML: every value from the file escaped."""
        values = {name: _rendered(value, language) for name, value in self.params}
        return t(language, f"problem.{self.code}", **values)

    def text(self, language: Language = "en") -> str:
        """Plain text, for a terminal or a log."""
        return plain_text(self.html(language))

    def __str__(self) -> str:
        return self.text("en")


def _rendered(value: Param, language: Language) -> object:
    if isinstance(value, Message):
        return value.html(language)
    if isinstance(value, list | tuple):
        return (
            ", ".join(str(v) for v in value)
            if value
            else plain_text(t(language, "problem.nothing"))
        )
    return value


def guess(word: str, known: Iterable[str]) -> str | None:
    """The known word closest to ``word`` when it looks like a typing error, else None."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def both(first: Message, second: Message) -> Message:
    return Message.of("both", first=first, second=second)


# --- where in the schema an error is ----------------------------------------------------------


@dataclass(frozen=True)
class Spot:
    """The schema at a pydantic error's location: the model the location ends in (or whose
    field it ends at), the field, and the field's type."""

    model: type[BaseModel] | None
    field: FieldInfo | None = None
    annotation: Any = None


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """``Annotated[X, ...]`` as X and its metadata."""
    metadata: list[Any] = []
    while get_origin(annotation) is Annotated:
        annotation, *more = get_args(annotation)
        metadata.extend(more)
    return annotation, metadata


def _members(annotation: Any) -> list[Any]:
    annotation, _ = _unwrap(annotation)
    if get_origin(annotation) in (Union, types.UnionType):
        return [m for a in get_args(annotation) for m in _members(a)]
    return [annotation]


def _tag_of(model: type[BaseModel]) -> object:
    field = model.model_fields.get("type")
    args = get_args(field.annotation) if field else ()
    return args[0].value if args and isinstance(args[0], Enum) else None


def locate(loc: Sequence[str | int], root: type[BaseModel] = Questionnaire) -> Spot:
    """Follow ``loc`` through the models, union tags included."""
    spot = Spot(root)
    current: Any = root
    for part in loc:
        members = _members(current)
        models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
        if isinstance(part, str) and len(models) == 1 and part in models[0].model_fields:
            field = models[0].model_fields[part]
            spot = Spot(models[0], field, field.annotation)
            current = field.annotation
            continue
        tagged = [m for m in models if _tag_of(m) == part]
        if tagged:
            spot, current = Spot(tagged[0]), tagged[0]
            continue
        containers = [m for m in members if get_origin(m) in (list, dict)]
        if containers:
            current = get_args(containers[0])[-1]
            spot = Spot(None, None, current)
            models = [m for m in _members(current) if isinstance(m, type)]
            if len(models) == 1 and issubclass(models[0], BaseModel):
                spot = Spot(models[0])
            continue
        if isinstance(part, str) and part in {"str", "int", "float", "bool"}:
            continue  # the member pydantic tried of a plain union
        return spot if isinstance(part, str) else Spot(None)
    return spot


def inner_model(spot: Spot) -> type[BaseModel] | None:
    """The model whose fields are written at ``spot``: the field's own type when it is one."""
    if spot.field is None:
        return spot.model
    models = [m for m in _members(spot.annotation) if isinstance(m, type)]
    return models[0] if len(models) == 1 and issubclass(models[0], BaseModel) else None


def known_fields(model: type[BaseModel] | None) -> list[str]:
    """The fields ``model`` knows, in the order the schema lists them."""
    if model is None:
        return []
    known = list(model.model_fields)
    if model is Questionnaire:
        known.append(OPTION_SETS)
    return known


def _bounds(spot: Spot) -> tuple[Any, Any, str, str]:
    """The field's (low, high, kind of low, kind of high) from its constraints."""
    low = high = None
    low_kind = high_kind = ""
    metadata = list(spot.field.metadata) if spot.field else []
    metadata += _unwrap(spot.annotation)[1]
    for item in metadata:
        if isinstance(item, annotated_types.Ge | annotated_types.MinLen):
            low, low_kind = getattr(item, "ge", getattr(item, "min_length", None)), "at_least"
        elif isinstance(item, annotated_types.Gt):
            low, low_kind = item.gt, "above"
        elif isinstance(item, annotated_types.Le | annotated_types.MaxLen):
            high, high_kind = getattr(item, "le", getattr(item, "max_length", None)), "at_most"
        elif isinstance(item, annotated_types.Lt):
            high, high_kind = item.lt, "below"
    return low, high, low_kind, high_kind


def _range(spot: Spot, ctx: dict[str, Any], low_name: str, high_name: str) -> Message:
    low, high, low_kind, high_kind = _bounds(spot)
    if low is None and low_name in ctx:
        low, low_kind = ctx[low_name], "at_least"
    if high is None and high_name in ctx:
        high, high_kind = ctx[high_name], "at_most"
    if low_kind == "at_least" and high_kind == "at_most":
        return Message.of("range.between", low=_plain(low), high=_plain(high))
    if high is not None and (low is None or ctx.get(high_name) is not None):
        return Message.of(f"range.{high_kind}", high=_plain(high))
    return Message.of(f"range.{low_kind or 'at_least'}", low=_plain(low))


def _plain(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _allowed_values(spot: Spot) -> list[str]:
    values: list[str] = []
    for member in _members(spot.annotation):
        if isinstance(member, type) and issubclass(member, Enum):
            values += [str(item.value) for item in member]
        elif get_origin(member) is Literal:
            values += [str(a.value if isinstance(a, Enum) else a) for a in get_args(member)]
    return values


# --- the table --------------------------------------------------------------------------------

_TYPES = [t.value for t in QuestionType]

_KINDS: dict[str, str] = {
    "string_type": "text",
    "int_type": "whole_number",
    "int_parsing": "whole_number",
    "int_from_float": "whole_number",
    "float_type": "number",
    "float_parsing": "number",
    "finite_number": "number",
    "bool_type": "bool",
    "bool_parsing": "bool",
    "list_type": "list",
    "tuple_type": "list",
    "dict_type": "mapping",
    "model_type": "mapping",
    "model_attributes_type": "mapping",
    "datetime_type": "date",
    "datetime_parsing": "date",
    "datetime_from_date_parsing": "date",
    "date_type": "date",
    "date_parsing": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
}
_NUMBER_LIMITS = {
    "greater_than_equal": ("ge", ""),
    "greater_than": ("gt", ""),
    "less_than_equal": ("", "le"),
    "less_than": ("", "lt"),
}


def from_pydantic(
    error: ErrorDetails, path: Path_, root: type[BaseModel] = Questionnaire
) -> Message:
    """Our message for one of pydantic's errors at ``path`` in the data (of a ``root``)."""
    kind, ctx = error["type"], dict(error.get("ctx") or {})
    given = error.get("input")
    value = quoted(given)
    last = path[-1] if path else ""
    spot = locate(error["loc"], root)
    if kind == "missing":
        return Message.of("required.nl") if last == "nl" else Message.of("required")
    if kind == "extra_forbidden":
        parent = inner_model(locate(error["loc"][:-1], root))
        known = known_fields(parent)
        if parent is GridQuestion:  # written out from a grid: the fields the file may have
            known = list(GRID_ITEM_FIELDS if "items" in path else GRID_FIELDS)
        if parent is Text:
            return Message.of("unknown.text", known=known)
        close = guess(str(last), known)
        if close:
            return Message.of("unknown.guess", guess=close, known=known)
        return Message.of("unknown", known=known)
    if kind == "union_tag_invalid":
        return Message.of("type.wrong", value=quoted(ctx.get("tag")), types=_TYPES)
    if kind == "union_tag_not_found":
        return Message.of("type.missing", types=_TYPES)
    if kind in _NUMBER_LIMITS:
        low_name, high_name = _NUMBER_LIMITS[kind]
        span = _range(spot, ctx, low_name, high_name)
        return Message.of("range", range=span, value=shown(str(given)))
    if kind in {"too_short", "too_long"} and not isinstance(given, str):
        span = _range(spot, ctx, "min_length", "max_length")
        return Message.of("count", actual=ctx.get("actual_length", "?"), range=span)
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return Message.of("empty")
    if kind in {"string_too_short", "string_too_long", "too_short", "too_long"}:
        span = _range(spot, ctx, "min_length", "max_length")
        return Message.of("length", actual=len(str(given)), range=span)
    if kind in {"literal_error", "enum"}:
        allowed = _allowed_values(spot)
        if len(allowed) == 1:
            return Message.of("exactly", allowed=allowed[0], value=value)
        return Message.of("choose", allowed=allowed, value=value)
    if kind in _KINDS:
        own = _KINDS[kind]
        if own == "mapping" and inner_model(spot) is Text:
            return Message.of("mapping.text")
        return Message.of(own, value=value)
    if kind == "value_error":  # a plain ValueError: the project's own words, passed on
        return Message.of("own", message=str(ctx.get("error") or error["msg"]))
    if f"problem.{kind}" in CATALOG:  # raised by flows.schema with our own code
        return Message.of(kind, **{"value": value, **ctx})
    return Message.of("invalid", value=value)


def quoted(value: object) -> Param:
    """A value from the file as a problem shows it: ``'text'``, or what kind of thing it is."""
    if isinstance(value, dict):
        return Message.of("shape.mapping")
    if isinstance(value, list):
        return Message.of("shape.list")
    return f"'{shown(str(value))}'"
