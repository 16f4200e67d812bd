"""The official Bot API specification (``botapi.json``) as a validator for incoming calls.

The JSON file is loaded once per process and turned into an immutable index
(:class:`BotApiSpec`, obtained through :func:`load_spec`).  Validating a call then only costs
a few dictionary look-ups per parameter: parameters arrive as strings (query string, form or
multipart bodies), as already-typed JSON values (``application/json`` bodies) or as uploaded
files (multipart parts with a file name) and are coerced to the types the specification
declares.  Nested objects and arrays arrive JSON-serialized and are checked recursively against
the type definitions of the specification.

Everything that is rejected raises :class:`ApiError`, which carries Telegram's error shape.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

__all__ = [
    "ApiError",
    "BotApiSpec",
    "FieldSpec",
    "MethodSpec",
    "TypeRef",
    "TypeSpec",
    "UploadedFile",
    "load_spec",
]

_SCALARS = frozenset({"Integer", "Float", "Boolean", "True", "String"})
_INT_RE = re.compile(r"[+-]?\d+")
_FLOAT_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_BOOL_STRINGS = {
    "true": True,
    "1": True,
    "yes": True,
    "false": False,
    "0": False,
    "no": False,
}
_DISCRIMINATOR_RE = re.compile(r'(?:must be|always)\s+"?([a-z_]+)"?')
_DISCRIMINATOR_FIELDS = ("type", "source", "status")
_INT64_MAX = 2**63 - 1


class ApiError(Exception):
    """An error answer of the Bot API: ``{"ok": false, "error_code": ..., "description": ...}``.

    ``parameters`` becomes the ``parameters`` object of the answer (``retry_after``,
    ``migrate_to_chat_id``).
    """

    def __init__(
        self, error_code: int, description: str, *, parameters: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters: dict[str, Any] | None = dict(parameters) if parameters else None

    @classmethod
    def bad_request(cls, detail: str) -> ApiError:
        """A 400 error whose description is ``"Bad Request: " + detail``."""
        return cls(400, f"Bad Request: {detail}")

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram would answer with."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """A file part of a ``multipart/form-data`` request."""

    name: str
    filename: str
    content_type: str
    data: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"UploadedFile({self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


@dataclass(frozen=True, slots=True)
class TypeRef:
    """One alternative of a field type: ``Array of Array of X`` is ``TypeRef(2, "X")``."""

    depth: int
    name: str

    @classmethod
    def parse(cls, text: str) -> TypeRef:
        """Parse a type expression such as ``"Array of MessageEntity"``."""
        depth = 0
        while text.startswith("Array of "):
            depth += 1
            text = text[len("Array of ") :]
        return cls(depth, text.strip())

    def __str__(self) -> str:
        return "Array of " * self.depth + self.name


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A parameter of a method or a field of a type."""

    name: str
    refs: tuple[TypeRef, ...]
    required: bool
    description: str = field(default="", repr=False)

    @property
    def accepts_file(self) -> bool:
        """Whether an uploaded file (``InputFile``) is acceptable."""
        return any(r.depth == 0 and r.name == "InputFile" for r in self.refs)

    @property
    def type_text(self) -> str:
        """The type as the documentation spells it (``Integer or String``)."""
        return " or ".join(str(r) for r in self.refs)


@dataclass(frozen=True, slots=True)
class MethodSpec:
    """A Bot API method."""

    name: str
    fields: Mapping[str, FieldSpec]
    required: tuple[str, ...]
    returns: tuple[TypeRef, ...]


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """A Bot API object type, either with fields or a union of ``subtypes``."""

    name: str
    fields: Mapping[str, FieldSpec]
    required: tuple[str, ...]
    subtypes: tuple[str, ...] = ()
    # For a member of a union: the field that tells the members apart and its allowed values.
    discriminator: tuple[str, frozenset[str]] | None = None


class _NestedError(Exception):
    """A problem inside a JSON-serialized parameter; ``depth`` ranks alternatives."""

    def __init__(self, message: str, depth: int) -> None:
        super().__init__(message)
        self.message = message
        self.depth = depth


def _field_from_json(raw: Mapping[str, Any]) -> FieldSpec:
    return FieldSpec(
        name=str(raw["name"]),
        refs=tuple(TypeRef.parse(str(t)) for t in raw.get("types", ())),
        required=bool(raw.get("required", False)),
        description=str(raw.get("description", "")),
    )


def _discriminator(fields: Mapping[str, FieldSpec]) -> tuple[str, frozenset[str]] | None:
    for name in _DISCRIMINATOR_FIELDS:
        f = fields.get(name)
        if f is None:
            continue
        values = _DISCRIMINATOR_RE.findall(f.description)
        if values:
            return name, frozenset(values)
    return None


class BotApiSpec:
    """An index of the Bot API specification, built once (see :func:`load_spec`).

    Method look-ups are case-insensitive, like Telegram's.
    """

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.version: str = str(raw.get("version", "unknown"))
        types: dict[str, TypeSpec] = {}
        for name, traw in raw.get("types", {}).items():
            fields = {f.name: f for f in map(_field_from_json, traw.get("fields", ()))}
            types[name] = TypeSpec(
                name=name,
                fields=fields,
                required=tuple(f.name for f in fields.values() if f.required),
                subtypes=tuple(traw.get("subtypes", ())),
                discriminator=_discriminator(fields) if traw.get("subtype_of") else None,
            )
        self._types: dict[str, TypeSpec] = types
        methods: dict[str, MethodSpec] = {}
        for name, mraw in raw.get("methods", {}).items():
            fields = {f.name: f for f in map(_field_from_json, mraw.get("fields", ()))}
            methods[name.lower()] = MethodSpec(
                name=name,
                fields=fields,
                required=tuple(f.name for f in fields.values() if f.required),
                returns=tuple(TypeRef.parse(str(t)) for t in mraw.get("returns", ())),
            )
        self._methods: dict[str, MethodSpec] = methods

    # ------------------------------------------------------------------ look-ups

    def method(self, name: str) -> MethodSpec | None:
        """The method called ``name`` (case-insensitive), or ``None``."""
        return self._methods.get(name.lower())

    def type(self, name: str) -> TypeSpec | None:
        """The object type called ``name`` (case-sensitive), or ``None``."""
        return self._types.get(name)

    @property
    def method_names(self) -> list[str]:
        """The canonical names of all methods."""
        return [m.name for m in self._methods.values()]

    def defaults(self, type_name: str) -> dict[str, Any]:
        """A minimal instance of ``type_name``: every required field with a neutral value."""
        spec = self._types[type_name]
        result: dict[str, Any] = {}
        for name in spec.required:
            ref = spec.fields[name].refs[0]
            if ref.depth:
                result[name] = []
            elif ref.name in ("Integer",):
                result[name] = 0
            elif ref.name == "Float":
                result[name] = 0.0
            elif ref.name == "Boolean":
                result[name] = False
            elif ref.name == "True":
                result[name] = True
            elif ref.name == "String":
                result[name] = ""
            elif ref.name in self._types and not self._types[ref.name].subtypes:
                result[name] = self.defaults(ref.name)
            else:
                result[name] = None
        return result

    # ------------------------------------------------------------------ validation

    def validate(self, method: MethodSpec, params: Mapping[str, Any]) -> dict[str, Any]:
        """Check and coerce the parameters of a call to ``method``.

        ``params`` holds the raw parameters: strings, JSON values and :class:`UploadedFile`
        parts (by part name).  Returns the known parameters, decoded; unknown parameters are
        dropped (Telegram ignores them), ``attach://`` references are resolved to the uploaded
        part.  Raises :class:`ApiError` for a missing required parameter or a value of the
        wrong type.
        """
        for name in method.required:
            if params.get(name) is None:
                raise ApiError.bad_request(f'parameter "{name}" is required')
        result: dict[str, Any] = {}
        for name, value in params.items():
            f = method.fields.get(name)
            if f is None or value is None:
                continue
            result[name] = self._coerce_param(f, value, params)
        return result

    def _coerce_param(self, f: FieldSpec, value: Any, params: Mapping[str, Any]) -> Any:
        if isinstance(value, UploadedFile):
            if f.accepts_file:
                return value
            raise ApiError.bad_request(
                f'parameter "{f.name}" must be of type {f.type_text}, not an uploaded file'
            )
        if isinstance(value, str):
            return self._coerce_string(f, value, params)
        # A typed JSON value (application/json body).
        json_refs = []
        for ref in f.refs:
            if ref.depth == 0 and ref.name in _SCALARS:
                coerced = _coerce_json_scalar(ref.name, value)
                if coerced is not None:
                    return coerced
            elif ref.depth or ref.name != "InputFile":
                json_refs.append(ref)
        if json_refs and isinstance(value, dict | list):
            self._check_param_json(f, value, tuple(json_refs))
            return value
        raise _type_error(f)

    def _coerce_string(self, f: FieldSpec, value: str, params: Mapping[str, Any]) -> Any:
        json_refs: list[TypeRef] = []
        for ref in f.refs:
            if ref.depth:
                json_refs.append(ref)
                continue
            name = ref.name
            if name == "String":
                return value
            if name == "Integer":
                if _INT_RE.fullmatch(value.strip()):
                    number = int(value)
                    if abs(number) <= _INT64_MAX:
                        return number
                continue
            if name == "Float":
                text = value.strip()
                if _FLOAT_RE.fullmatch(text) and math.isfinite(float(text)):
                    return float(text)
                continue
            if name in ("Boolean", "True"):
                flag = _BOOL_STRINGS.get(value.strip().lower())
                if flag is not None and (name == "Boolean" or flag):
                    return flag
                continue
            if name == "InputFile":
                if value.startswith("attach://"):
                    attached = params.get(value[len("attach://") :])
                    if isinstance(attached, UploadedFile):
                        return attached
                    raise ApiError.bad_request(
                        f'parameter "{f.name}": attached file "{value}" not found'
                    )
                continue
            json_refs.append(ref)
        if json_refs:
            try:
                parsed = json.loads(value)
            except ValueError:
                raise ApiError.bad_request(
                    f'can\'t parse parameter "{f.name}": JSON-serialized {f.type_text} expected'
                ) from None
            self._check_param_json(f, parsed, tuple(json_refs))
            return parsed
        if f.accepts_file:
            raise ApiError.bad_request(f'parameter "{f.name}" must be uploaded as a file')
        raise _type_error(f)

    def _check_param_json(self, f: FieldSpec, value: Any, refs: tuple[TypeRef, ...]) -> None:
        try:
            self._check_alternatives(value, refs, "", 0)
        except _NestedError as err:
            raise ApiError.bad_request(
                f'can\'t parse parameter "{f.name}": {err.message}'
            ) from None

    def _check_alternatives(
        self, value: Any, refs: tuple[TypeRef, ...], path: str, depth: int
    ) -> None:
        best: _NestedError | None = None
        for ref in refs:
            try:
                self._check_ref(value, ref, path, depth)
            except _NestedError as err:
                if best is None or err.depth > best.depth:
                    best = err
            else:
                return
        if best is not None:
            raise best

    def _check_ref(self, value: Any, ref: TypeRef, path: str, depth: int) -> None:
        if ref.depth:
            if not isinstance(value, list):
                raise _NestedError(f"{_where(path)}must be {ref}", depth)
            inner = TypeRef(ref.depth - 1, ref.name)
            for i, item in enumerate(value):
                self._check_ref(item, inner, f"{path}[{i}]", depth + 1)
            return
        name = ref.name
        if name in _SCALARS or name == "InputFile":
            if not _json_scalar_ok(name, value):
                raise _NestedError(f"{_where(path)}must be of type {name}", depth)
            return
        spec = self._types.get(name)
        if spec is None:  # a type the specification doesn't describe: accept
            return
        if name == "KeyboardButton" and isinstance(value, str):
            return
        if not isinstance(value, dict):
            raise _NestedError(f"{_where(path)}must be a JSON object ({name})", depth)
        if spec.subtypes:
            self._check_union(value, spec, path, depth)
            return
        for req in spec.required:
            if value.get(req) is None:
                raise _NestedError(
                    f'can\'t find field "{_join(path, req)}" (required in {name})', depth + 1
                )
        for key, item in value.items():
            sub = spec.fields.get(key)
            if sub is None or item is None:
                continue
            self._check_alternatives(item, sub.refs, _join(path, key), depth + 1)

    def _check_union(self, value: dict[str, Any], spec: TypeSpec, path: str, depth: int) -> None:
        members = [self._types[s] for s in spec.subtypes if s in self._types]
        tags = [m.discriminator for m in members if m.discriminator is not None]
        candidates = members
        if tags:
            key = tags[0][0]
            tag = value.get(key)
            candidates = [
                m
                for m in members
                if m.discriminator is None
                or (m.discriminator[0] == key and tag in m.discriminator[1])
            ]
            if not candidates:
                allowed = sorted({v for _, values in tags for v in values})
                raise _NestedError(
                    f'field "{_join(path, key)}" of {spec.name} must be one of {allowed}, '
                    f"got {tag!r}",
                    depth + 1,
                )
        self._check_alternatives(value, tuple(TypeRef(0, m.name) for m in candidates), path, depth)


def _where(path: str) -> str:
    return f'field "{path}" ' if path else "value "


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _type_error(f: FieldSpec) -> ApiError:
    return ApiError.bad_request(f'parameter "{f.name}" must be of type {f.type_text}')


def _coerce_json_scalar(name: str, value: Any) -> Any:
    """Coerce a typed JSON value to a scalar type, or return ``None`` if impossible."""
    if name == "String":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return str(value)
        return None
    if name == "Integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return None
    if name == "Float":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return None
    if name in ("Boolean", "True"):
        if isinstance(value, bool):
            return value if (name == "Boolean" or value) else None
        if isinstance(value, int) and value in (0, 1):
            return bool(value) if (name == "Boolean" or value) else None
        return None
    return None


def _json_scalar_ok(name: str, value: Any) -> bool:
    """Whether a value inside a JSON object is acceptable for a scalar type (td's rules)."""
    if name in ("String", "InputFile"):
        return isinstance(value, str) or (
            isinstance(value, int | float) and not isinstance(value, bool)
        )
    if name == "Integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            return True
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, str) and _INT_RE.fullmatch(value) is not None
    if name == "Float":
        if isinstance(value, bool):
            return False
        return isinstance(value, int | float) or (
            isinstance(value, str) and _FLOAT_RE.fullmatch(value) is not None
        )
    if name == "Boolean":
        return isinstance(value, bool)
    if name == "True":
        return value is True
    return True


@functools.cache
def load_spec() -> BotApiSpec:
    """The Bot API specification shipped with this package, parsed once per process."""
    text = resources.files("sandbox").joinpath("botapi.json").read_text(encoding="utf-8")
    return BotApiSpec(json.loads(text))
