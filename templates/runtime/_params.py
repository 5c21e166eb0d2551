"""Checking and encoding an operation's arguments before anything is sent.

One function per parameter kind, used by every generated method; a wrong type, an unknown enum
value or too many list items raises RequestValidationError naming the parameter.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from urllib.parse import quote

from ._errors import RequestValidationError


@dataclass(frozen=True, slots=True)
class ParamInfo:
    """One documented parameter: wire name, Python name, where it goes and what it accepts."""

    name: str
    python_name: str
    location: str  # query, path or body
    kind: str  # the spec type, naming its encoder in ENCODERS
    required: bool
    list_style: str | None = None  # comma, repeat or json
    max_items: int | None = None
    enum: frozenset[str] = field(default_factory=frozenset)  # documented values and aliases


@dataclass(frozen=True, slots=True)
class PreparedArguments:
    path: str
    query: list[tuple[str, str]]
    body: dict[str, Any] | None


def _describe(value: Any) -> str:
    return type(value).__name__


def _fail(operation: str, param: ParamInfo, problem: str) -> RequestValidationError:
    return RequestValidationError(f"{operation}: {param.python_name} {problem}")


def _string(operation: str, param: ParamInfo, value: Any) -> Any:
    if not isinstance(value, str):
        raise _fail(operation, param, f"must be a str, not {_describe(value)}")
    return value


def _decimal(operation: str, param: ParamInfo, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        hint = " (floats are not exact: pass a Decimal or a str)" if isinstance(value, float) else ""
        raise _fail(operation, param, f"must be a Decimal, int or str, not {_describe(value)}{hint}")
    if isinstance(value, str):
        try:
            Decimal(value)
        except ArithmeticError:
            raise _fail(operation, param, f"must be a decimal number; got {value!r}") from None
        return value
    return str(value) if isinstance(value, Decimal) else value


def _integer(operation: str, param: ParamInfo, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(operation, param, f"must be an int, not {_describe(value)}")
    return value


def _timestamp_ms(operation: str, param: ParamInfo, value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise _fail(operation, param, "must be an aware datetime (with a time zone) or epoch milliseconds")
        return int(value.timestamp() * 1000)
    return _integer(operation, param, value)


def _boolean(operation: str, param: ParamInfo, value: Any) -> Any:
    if not isinstance(value, bool):
        raise _fail(operation, param, f"must be a bool, not {_describe(value)}")
    return value


def _object(operation: str, param: ParamInfo, value: Any) -> Any:
    if not isinstance(value, Mapping):
        raise _fail(operation, param, f"must be a mapping, not {_describe(value)}")
    return dict(value)


def _array(operation: str, param: ParamInfo, value: Any) -> Any:
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        raise _fail(operation, param, f"must be a list, not {_describe(value)}")
    return list(value)


# One encoder per spec type (the generator's generator/spec_types names each by its key): checks
# one argument and returns its JSON-ready value.
ENCODERS: dict[str, Callable[[str, ParamInfo, Any], Any]] = {
    "string": _string,
    "decimal": _decimal,
    "integer": _integer,
    "timestamp_ms": _timestamp_ms,
    "boolean": _boolean,
    "object": _object,
    "array": _array,
}


def _scalar(operation: str, param: ParamInfo, value: Any) -> Any:
    """The JSON-ready value of one argument: a documented enum value, or by its type's encoder."""
    if isinstance(value, Enum):
        value = value.value
    if param.enum:
        if not isinstance(value, str) or value not in param.enum:
            allowed = ", ".join(sorted(param.enum))
            raise _fail(operation, param, f"must be one of {allowed}; got {value!r}")
        return value
    return ENCODERS[param.kind](operation, param, value)


def _wire_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _values(operation: str, param: ParamInfo, value: Any) -> list[Any]:
    """The items of a list parameter (a single item, a sequence, or a comma-separated str)."""
    if isinstance(value, str):
        items: list[Any] = value.split(",") if param.list_style == "comma" else [value]
    elif isinstance(value, Sequence) and not isinstance(value, bytes):
        items = list(value)
    else:
        items = [value]
    if not items:
        raise _fail(operation, param, "must not be empty")
    if param.max_items is not None and len(items) > param.max_items:
        raise _fail(operation, param, f"takes at most {param.max_items} items; got {len(items)}")
    return [_scalar(operation, param, item) for item in items]


def prepare_arguments(
    operation: str, path: str, params: Sequence[ParamInfo], arguments: Mapping[str, Any]
) -> PreparedArguments:
    """Check every argument and place it in the path, the query (wire order) or the JSON body."""
    query: list[tuple[str, str]] = []
    body: dict[str, Any] = {}
    has_body = False
    for param in params:
        value = arguments.get(param.python_name)
        if value is None:
            if param.required:
                raise _fail(operation, param, "is required")
            continue
        if param.list_style is not None:
            items = _values(operation, param, value)
            if param.location == "body":
                body[param.name] = items
                has_body = True
            elif param.list_style == "comma":
                query.append((param.name, ",".join(_wire_text(item) for item in items)))
            else:
                query.extend((param.name, _wire_text(item)) for item in items)
            continue
        checked = _scalar(operation, param, value)
        if param.location == "path":
            path = path.replace("{" + param.name + "}", quote(_wire_text(checked), safe="-_.~"))
        elif param.location == "query":
            query.append((param.name, _wire_text(checked)))
        else:
            body[param.name] = checked
            has_body = True
    return PreparedArguments(path, query, body if has_body else None)


def json_body(body: Mapping[str, Any]) -> bytes:
    """The exact JSON bytes sent (and signed): compact, keys in declared order, decimals as strings."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")
