# DO NOT EDIT: copied by sdkgen from templates/runtime/_arguments.py
"""Arguments of the spec's value types: the check and the wire form of one value, once per type.

Each function takes what a caller passes and returns what goes on the wire, or raises
ValueError saying what is wrong. `_params` uses them for query, path and body parameters; the
request models (`RequestModel` fields) use the annotated types below, which run the same
functions. Decimals are never floats and go out as JSON strings, as the exchanges document them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BeforeValidator


def _name(value: Any) -> str:
    return type(value).__name__


def string_argument(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a str, not {_name(value)}")
    return value


def decimal_argument(value: Any) -> str:
    """A Decimal, an int or a decimal string; its text on the wire (`Decimal("0.10")` -> "0.10")."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        hint = " (floats are not exact: pass a Decimal or a str)" if isinstance(value, float) else ""
        raise ValueError(f"must be a Decimal, int or str, not {_name(value)}{hint}")
    if isinstance(value, str):
        try:
            finite = Decimal(value).is_finite()
        except InvalidOperation:
            finite = False
        if not finite:
            raise ValueError(f"must be a decimal number; got {value!r}")
        return value
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"must be a finite decimal number; got {value}")
    return str(value)


def integer_argument(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"must be an int, not {_name(value)}")
    return value


def timestamp_argument(value: Any) -> int:
    """Epoch milliseconds, or an aware datetime (converted)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("must be an aware datetime (with a time zone) or epoch milliseconds")
        return int(value.timestamp() * 1000)
    return integer_argument(value)


def boolean_argument(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be a bool, not {_name(value)}")
    return value


# The same checks as request-model field types (the annotation is what a caller may pass).
StringArg = Annotated[str, BeforeValidator(string_argument)]
DecimalArg = Annotated[Decimal | int | str, BeforeValidator(decimal_argument)]
IntegerArg = Annotated[int, BeforeValidator(integer_argument)]
TimestampArg = Annotated[int | datetime, BeforeValidator(timestamp_argument)]
BooleanArg = Annotated[bool, BeforeValidator(boolean_argument)]
