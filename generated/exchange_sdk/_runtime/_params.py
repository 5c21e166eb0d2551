# DO NOT EDIT: copied by sdkgen from templates/runtime/_params.py
"""Checking and encoding an operation's arguments before anything is sent.

Scalars are checked and encoded by their spec type's function (`_arguments`, one per type);
objects of a request body by their generated `RequestModel`; a wrong type, an undocumented
member or enum value, a missing required member or too many items raises RequestValidationError
naming the argument and the place inside it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pydantic import ValidationError

from ._arguments import boolean_argument, decimal_argument, integer_argument, string_argument, timestamp_argument
from ._errors import RequestValidationError
from ._rules import Rule

if TYPE_CHECKING:  # the models are imported with the section that names them, not with every client
    from ._models import RequestModel


@dataclass(frozen=True, slots=True)
class ParamInfo:
    """One documented parameter: wire name, Python name, where it goes and what it accepts."""

    name: str
    python_name: str
    location: str  # query, path or body
    kind: str  # the spec type: string, decimal, integer, timestamp_ms, boolean, object, array
    required: bool
    list_style: str | None = None  # comma, repeat or json
    max_items: int | None = None
    enum: frozenset[str] = field(default_factory=frozenset)  # documented values and aliases (of the items)
    model: type[RequestModel] | None = None  # an object's model, or the model of an array's items
    items_kind: str | None = None  # an array's items: their spec type
    whole_body: bool = False  # the body is this argument itself (a bare JSON array)


@dataclass(slots=True)  # made for every call: not frozen (see RequestOptions)
class PreparedArguments:
    path: str
    query: list[tuple[str, str]]
    body: dict[str, Any] | list[Any] | None


def _describe(value: Any) -> str:
    return type(value).__name__


def _fail(operation: str, where: str, problem: str) -> RequestValidationError:
    return RequestValidationError(f"{operation}: {where} {problem}")


# One function per scalar spec type (generator/spec_types names each by its key).
ENCODERS: dict[str, Callable[[Any], Any]] = {
    "string": string_argument,
    "decimal": decimal_argument,
    "integer": integer_argument,
    "timestamp_ms": timestamp_argument,
    "boolean": boolean_argument,
}


def _scalar(operation: str, param: ParamInfo, value: Any, kind: str, where: str) -> Any:
    """The JSON-ready value of one scalar: a documented enum value, or by its type's function."""
    if isinstance(value, Enum):
        value = value.value
    if param.enum:
        integer = kind == "integer"
        text = str(value) if integer and isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(text, str) or text not in param.enum:
            allowed = ", ".join(sorted(param.enum, key=lambda v: (len(v), v) if integer else (0, v)))
            raise _fail(operation, where, f"must be one of {allowed}; got {value!r}")
        return int(text) if integer else text
    try:
        return ENCODERS[kind](value)
    except ValueError as exc:
        raise _fail(operation, where, str(exc)) from None


def _place(location: tuple[int | str, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in location)


def _problem(error: Any) -> str:
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "value_error" and "error" in context:
        return str(context["error"])
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a documented member"
    if kind == "too_long":
        return f"takes at most {context.get('max_length')} items; got {context.get('actual_length')}"
    return str(error["msg"])


def _model_value(operation: str, model: type[RequestModel], value: Any, where: str) -> dict[str, Any]:
    """An object of the body: a `model` instance, or a mapping keyed by its Python names."""
    if isinstance(value, model):
        return value.wire()
    if not isinstance(value, Mapping):
        raise _fail(operation, where, f"must be a {model.__name__} or a mapping, not {_describe(value)}")
    try:
        return model.model_validate(value).wire()
    except ValidationError as exc:
        problems = [f"{where}{_place(tuple(error['loc']))} {_problem(error)}" for error in exc.errors()]
        raise RequestValidationError(f"{operation}: " + "; ".join(problems)) from None


def _body_value(operation: str, param: ParamInfo, value: Any) -> Any:
    """The JSON-ready value of a body argument of any shape."""
    where = param.python_name
    if param.kind == "object":
        if param.model is not None:
            return _model_value(operation, param.model, value, where)
        if not isinstance(value, Mapping):
            raise _fail(operation, where, f"must be a mapping, not {_describe(value)}")
        return dict(value)
    if param.kind != "array":
        return _scalar(operation, param, value, param.kind, where)
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        raise _fail(operation, where, f"must be a list, not {_describe(value)}")
    if param.max_items is not None and len(value) > param.max_items:
        raise _fail(operation, where, f"takes at most {param.max_items} items; got {len(value)}")
    items = []
    for index, item in enumerate(value):
        place = f"{where}[{index}]"
        if param.model is not None:
            items.append(_model_value(operation, param.model, item, place))
        elif param.items_kind in ENCODERS:
            items.append(_scalar(operation, param, item, param.items_kind, place))
        else:
            items.append(item)
    return items


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
        raise _fail(operation, param.python_name, "must not be empty")
    if param.max_items is not None and len(items) > param.max_items:
        raise _fail(operation, param.python_name, f"takes at most {param.max_items} items; got {len(items)}")
    return [_scalar(operation, param, item, param.kind, param.python_name) for item in items]


def prepare_arguments(
    operation: str, path: str, params: Sequence[ParamInfo], arguments: Mapping[str, Any], rules: Sequence[Rule] = ()
) -> PreparedArguments:
    """Check every argument, then the documented rules between them, and place each in the path,
    the query or the JSON body, in the documentation's order (the order of `params`)."""
    query: list[tuple[str, str]] = []
    body: dict[str, Any] = {}
    whole: list[Any] | None = None
    has_body = False
    problems: list[str] = []  # every argument's problem, reported together
    for param in params:
        value = arguments.get(param.python_name)
        if value is None:
            if param.required:
                problems.append(f"{param.python_name} is required")
            continue
        try:
            if param.location == "body":
                encoded = _values(operation, param, value) if param.list_style is not None else None
                encoded = _body_value(operation, param, value) if encoded is None else encoded
                if param.whole_body:
                    whole = encoded
                else:
                    body[param.name] = encoded
                has_body = True
                continue
            if param.list_style is not None:
                items = _values(operation, param, value)
                if param.list_style == "comma":
                    query.append((param.name, ",".join(_wire_text(item) for item in items)))
                else:
                    query.extend((param.name, _wire_text(item)) for item in items)
                continue
            checked = _scalar(operation, param, value, param.kind, param.python_name)
        except RequestValidationError as error:
            problems.append(str(error).removeprefix(f"{operation}: "))
            continue
        if param.location == "path":
            segment = _wire_text(checked)
            if segment in ("", ".", ".."):  # would name another path than the endpoint's
                problems.append(f"{param.python_name} {segment!r} is not a path segment (empty, . and .. are refused)")
                continue
            path = path.replace("{" + param.name + "}", quote(segment, safe="-_.~"))
        else:
            query.append((param.name, _wire_text(checked)))
    if problems:
        raise RequestValidationError(f"{operation}: " + "; ".join(problems))
    for rule in rules:
        problem = rule.broken(arguments)
        if problem is not None:
            raise RequestValidationError(f"{operation}: {problem}")
    return PreparedArguments(path, query, whole if whole is not None else body if has_body else None)


def json_body(body: Mapping[str, Any] | Sequence[Any]) -> bytes:
    """The exact JSON bytes sent (and signed): compact, keys in declared order, decimals as strings."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")
