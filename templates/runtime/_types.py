"""The spec's value types as pydantic types (see DESIGN.md, 'Types on the wire and in Python').

`""` and null mean 'not applicable' and become None; decimals are never floats. Responses are
parsed from their bytes by pydantic's JSON parser, which turns JSON number literals with a
fraction or exponent into floats; the validators here note when they meet one, and the client
then parses that body again with exact decimals (see `lossy_floats`).

Each type has two validators. Parsing JSON bytes (the client's fast path) avoids Python calls
where it can: an OKX balance holds 533 decimals, mostly "" and "0", and calling a Python
function for each took about 50 of the parse's 117 microseconds (bench/README.md). Validating
Python values (the careful path, which also reports every problem) runs the plain functions
below. Whatever the fast path does not accept, it leaves to the careful path.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import GetPydanticSchema, WithJsonSchema
from pydantic_core import core_schema

_LOSSY: ContextVar[bool] = ContextVar("exchange_sdk_lossy_floats", default=False)
_SMALL_MAX = 4096  # texts kept by _DECIMALS: short and frequent ("0", "1", "0.5", ...)
_DIGITS = frozenset("0123456789.")  # a finite decimal ends with one of these


class JsonNumber(Decimal):
    """A JSON number literal parsed exactly (`json.loads(..., parse_float=JsonNumber)`), which
    remembers its text so that a number sent where a string is documented keeps it verbatim."""

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> JsonNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number


def lossy_floats() -> ContextVar[bool]:
    """True after a validator met a float (a JSON number literal that may have lost digits)."""
    return _LOSSY


def _float_seen() -> None:
    _LOSSY.set(True)


def _decimal_of_value(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("not a finite decimal number")
        return Decimal(value) if isinstance(value, JsonNumber) else value
    if isinstance(value, bool):
        raise ValueError("a boolean is not a decimal number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        _float_seen()
        return Decimal(repr(value))
    raise ValueError(f"a {type(value).__name__} is not a decimal number")


class _Decimals(dict[Any, Decimal | None]):
    """Decimals by their text, looked up without a Python call when the text was seen before
    (Decimals are immutable, so one object serves every model); `__missing__` converts the
    others, keeping short texts, and converts whatever is not a string (null, numbers, booleans;
    an unhashable value makes the lookup itself raise TypeError)."""

    def __missing__(self, value: Any) -> Decimal | None:
        if value.__class__ is not str:
            return _decimal_of_value(value)
        # The conversion is written out here, not called: an OKX balance has about 40 long texts
        # (never kept), and a function call apiece cost 2 microseconds of the parse.
        try:
            number = Decimal(value)  # "" never gets here: it is a key from the start
        except ArithmeticError:
            raise ValueError(f"{value[:40]!r} is not a decimal number") from None
        if value[-1] not in _DIGITS and not number.is_finite():  # NaN, Infinity: never finite
            raise ValueError(f"{value[:40]!r} is not a finite decimal number")
        if len(value) <= 8 and len(self) < _SMALL_MAX:
            self[value] = number
        return number


_DECIMALS = _Decimals({"": None, None: None})


def _decimal(value: Any) -> Decimal | None:
    return _DECIMALS[value] if value.__class__ is str else _decimal_of_value(value)


def _string(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise ValueError("a boolean is not a string")
    if isinstance(value, JsonNumber):
        return value.text
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, float):
        _float_seen()
        return repr(value)
    raise ValueError(f"a {type(value).__name__} is not a string")


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def keep_extra(value: Any) -> Any:
    """Fields the spec does not know are kept as they come; floats among them are noted."""
    if isinstance(value, float):
        _float_seen()
    elif isinstance(value, dict):
        for item in value.values():
            keep_extra(item)
    elif isinstance(value, list):
        for item in value:
            keep_extra(item)
    return value


def _none(_blank: str) -> None:
    return None


def _json_or_python(from_json: core_schema.CoreSchema, from_python: core_schema.CoreSchema) -> GetPydanticSchema:
    schema = core_schema.json_or_python_schema(json_schema=from_json, python_schema=from_python)
    return GetPydanticSchema(lambda _source, _handler: schema)


def _blank_or(scalar: core_schema.CoreSchema, exact: core_schema.CoreSchema) -> GetPydanticSchema:
    """From JSON: the `exact` JSON value, a string that `scalar` accepts, or "" or null as None,
    all validated by pydantic itself (a JSON number with a fraction or an exponent is left to
    the careful path, which reads it exactly); from Python: `scalar` after `_blank_to_none`."""
    from_json = core_schema.union_schema(
        [
            exact,
            core_schema.chain_schema([core_schema.str_schema(strict=True), scalar]),
            core_schema.none_schema(),
            core_schema.no_info_after_validator_function(_none, core_schema.literal_schema([""])),
        ],
        mode="left_to_right",
    )
    from_python = core_schema.no_info_before_validator_function(_blank_to_none, core_schema.nullable_schema(scalar))
    return _json_or_python(from_json, from_python)


# An unhashable value (an object or array where a decimal belongs) makes the lookup raise
# TypeError, which the client's fast path takes as "leave it to the careful path".
# What each value type accepts, as JSON Schema (its validators are functions pydantic cannot
# describe): model_json_schema() and TypeAdapter(...).json_schema() work on every response model.
_BLANK = {"type": "string", "enum": [""]}
_NULL = {"type": "null"}

DecimalValue = Annotated[
    Decimal | None,
    _json_or_python(
        core_schema.no_info_plain_validator_function(_DECIMALS.__getitem__),
        core_schema.no_info_plain_validator_function(_decimal),
    ),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "decimal"}, {"type": "number"}, _NULL]}),
]
"""A decimal number: JSON string or number; "" or null is None."""

StringValue = Annotated[
    str | None,
    _json_or_python(
        # from JSON, a string is pydantic's own (no Python call); anything else goes to _string
        core_schema.union_schema(
            [core_schema.str_schema(strict=True), core_schema.no_info_plain_validator_function(_string)],
            mode="left_to_right",
        ),
        core_schema.no_info_plain_validator_function(_string),
    ),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number"}, _NULL]}),
]
"""A string; a number sent instead is kept as its text."""

IntegerValue = Annotated[
    int | None,
    _blank_or(core_schema.int_schema(), core_schema.int_schema(strict=True)),
    WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^-?[0-9]+$"}, _BLANK, _NULL]}),
]
"""An integer: JSON number or numeric string; "" or null is None."""

TimestampMs = Annotated[
    int | None,
    _blank_or(core_schema.int_schema(), core_schema.int_schema(strict=True)),
    WithJsonSchema(
        {
            "anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^-?[0-9]+$"}, _BLANK, _NULL],
            "description": "Milliseconds since the Unix epoch",
        }
    ),
]
"""Milliseconds since the Unix epoch: JSON number or numeric string; "" or null is None."""

BooleanValue = Annotated[
    bool | None,
    _blank_or(core_schema.bool_schema(), core_schema.bool_schema(strict=True)),
    WithJsonSchema({"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["true", "false", ""]}, _NULL]}),
]
"""true or false; "" or null is None."""


def to_datetime(epoch_ms: int) -> datetime:
    """An epoch-milliseconds timestamp as an aware UTC datetime."""
    seconds, millis = divmod(epoch_ms, 1000)
    return datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=millis * 1000)
