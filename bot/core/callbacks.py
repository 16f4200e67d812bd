"""Button data: the ``callback_data`` of every inline button as a typed value, one codec.

Each kind of button is a frozen dataclass that names its prefix::

    @dataclass(frozen=True, slots=True)
    class Revise(Button, prefix="r"):
        questionnaire_id: str
        answer: Literal["y", "n"]

    Revise("afval", "y").pack()        # "r:afval:y"
    decode("r:afval:y")                # Revise(questionnaire_id="afval", answer="y")
    decode("r:afval:maybe")            # None: not a button of ours

The fields are joined with ``:`` after the prefix; fields with a default that still have it
are left off the end (``c:y`` rather than ``c:y::``). A field is ``str`` (not empty unless
its default is ``""``; only the last may hold a ``:``), ``int`` (digits, at most
:data:`MAX_INT`: it must fit the database's INTEGER columns), ``bool`` (``1`` or ``0``) or a
``Literal`` of strings. Anything else a press carries (made up, cut short, from an older
release) decodes to ``None``, so a handler never parses data by hand. Telegram takes 1 to 64
bytes of data (:data:`flows.limits.CALLBACK_DATA_BYTES`); :meth:`Button.pack` refuses more.
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, ClassVar, Literal, Self

from flows.limits import CALLBACK_DATA_BYTES

SEPARATOR = ":"
MAX_INT = 2**31 - 1  # INTEGER in SQLite and PostgreSQL

_KINDS: dict[str, type[Button]] = {}
_FAMILIES: dict[str, type[Button]] = {}


@dataclasses.dataclass(frozen=True)
class _Field:
    name: str
    kind: Any  # str, int, bool or a tuple of allowed strings (a Literal)
    default: Any  # dataclasses.MISSING when required


class Button:
    """A kind of button data; subclasses are frozen dataclasses with a ``prefix``."""

    prefix: ClassVar[str]
    __slots__ = ()

    def __init_subclass__(
        cls, prefix: str | None = None, family: str | None = None, **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if family is not None:  # the prefix every kind of this family starts with
            _FAMILIES[family] = cls
        # ``dataclass(slots=True)`` makes the class anew, without the class keyword: the
        # new class replaces the first one under the prefix both carry.
        prefix = prefix or cls.__dict__.get("prefix")
        if prefix is None:  # an abstract family (OnQuestion, ...): no data of its own
            return
        if prefix in _KINDS and _KINDS[prefix].__qualname__ != cls.__qualname__:
            raise TypeError(f"button prefix {prefix!r} is used twice")
        cls.prefix = prefix
        _KINDS[prefix] = cls

    @classmethod
    def _fields(cls) -> tuple[_Field, ...]:
        cached: tuple[_Field, ...] | None = cls.__dict__.get("_layout")
        if cached is None:
            hints = typing.get_type_hints(cls)
            found = []
            for field in dataclasses.fields(cls):  # type: ignore[arg-type]
                hint = hints[field.name]
                kind = tuple(typing.get_args(hint)) if typing.get_origin(hint) is Literal else hint
                if kind not in (str, int, bool) and not isinstance(kind, tuple):
                    raise TypeError(f"{cls.__name__}.{field.name}: unsupported type {hint}")
                found.append(_Field(field.name, kind, field.default))
            cached = tuple(found)
            type.__setattr__(cls, "_layout", cached)
        return cached

    def pack(self) -> str:
        """The callback data; ``ValueError`` when it would be refused by Telegram."""
        parts = [self.prefix]
        values: list[tuple[_Field, Any]] = [(f, getattr(self, f.name)) for f in self._fields()]
        while values and values[-1][1] == values[-1][0].default:
            values.pop()  # an optional field left at its default: left off the end
        for field, value in values:
            if field.kind is bool:
                parts.append("1" if value else "0")
            else:
                parts.append(str(value))
        data = SEPARATOR.join(parts)
        if len(data.encode("utf-8")) > CALLBACK_DATA_BYTES:
            raise ValueError(f"button data over {CALLBACK_DATA_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        """This kind of button from ``data``; ``None`` for anything else."""
        found = decode(data)
        return found if isinstance(found, cls) else None

    @classmethod
    def matches(cls, data: object) -> bool:
        """Data of this kind (or family), well-formed."""
        return isinstance(decode(data), cls)

    @classmethod
    def claims(cls, data: object) -> bool:
        """For ``CallbackQueryHandler(pattern=...)``: data that starts with a prefix of this
        kind or family, well-formed or not. Its handler then answers made-up or cut-short
        data itself (as stale, and an administrator's handler audits the attempt) instead of
        another handler taking it."""
        return any(issubclass(owner, cls) for owner in _owners(data) if isinstance(owner, type))

    @classmethod
    def _parse(cls, rest: str | None) -> Self | None:
        layout = cls._fields()
        texts = [] if rest is None else rest.split(SEPARATOR, max(len(layout) - 1, 0))
        if len(texts) > len(layout):
            return None
        values: dict[str, Any] = {}
        for index, field in enumerate(layout):
            if index >= len(texts):
                if field.default is dataclasses.MISSING:
                    return None
                values[field.name] = field.default
                continue
            value = _value(field, texts[index])
            if value is None:
                return None
            values[field.name] = value
        return cls(**values)


def _value(field: _Field, text: str) -> Any:
    kind = field.kind
    if isinstance(kind, tuple):
        return text if text in kind else None
    if kind is bool:
        return {"1": True, "0": False}.get(text)
    if kind is int:
        if not (text.isascii() and text.isdigit()) or len(text) > 10 or int(text) > MAX_INT:
            return None
        return int(text)
    if not text and field.default != "":
        return None
    return text


def _heads(data: str) -> list[str]:
    """``a:b:c``, ``a:b``, ``a``: the possible prefixes of ``data``, longest first."""
    parts = data.split(SEPARATOR)
    return [SEPARATOR.join(parts[:end]) for end in range(len(parts), 0, -1)]


def _owners(data: object) -> list[type[Button]]:
    """The kinds and families whose prefix ``data`` starts with."""
    if not isinstance(data, str) or not data:
        return []
    found: list[type[Button]] = []
    for head in _heads(data):
        for table in (_KINDS, _FAMILIES):
            owner = table.get(head)
            if owner is not None:
                found.append(owner)
    return found


def decode(data: object) -> Button | None:
    """The button ``data`` stands for; ``None`` for no data, or data no button of ours has."""
    if not isinstance(data, str) or not data:
        return None
    # The longest prefix first: "adm:close?" and "adm:close" never clash, as a prefix must
    # be followed by the separator or end the data.
    for head in _heads(data):
        kind = _KINDS.get(head)
        if kind is not None:
            return kind._parse(None if head == data else data[len(head) + 1 :])
    return None


def kinds() -> dict[str, type[Button]]:
    """Every kind of button data, by prefix (for tests and documentation)."""
    return dict(_KINDS)
