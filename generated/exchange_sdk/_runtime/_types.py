# DO NOT EDIT: copied by sdkgen from templates/runtime/_types.py
"""The spec's value types as pydantic types (see DESIGN.md, 'Types on the wire and in Python').

`""` and null mean 'not applicable' and become None; decimals are never floats.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


def _no_float(value: Any) -> Any:
    if isinstance(value, float):
        # json.loads(parse_float=Decimal) never gives floats; a float here lost digits already.
        return Decimal(repr(value))
    return _blank_to_none(value)


DecimalValue = Annotated[Decimal | None, BeforeValidator(_no_float)]
"""A decimal number: JSON string or number; "" or null is None."""

IntegerValue = Annotated[int | None, BeforeValidator(_blank_to_none)]
"""An integer: JSON number or numeric string; "" or null is None."""

TimestampMs = Annotated[int | None, BeforeValidator(_blank_to_none)]
"""Milliseconds since the Unix epoch: JSON number or numeric string; "" or null is None."""

BooleanValue = Annotated[bool | None, BeforeValidator(_blank_to_none)]
"""true or false; "" or null is None."""


def to_datetime(epoch_ms: int) -> datetime:
    """An epoch-milliseconds timestamp as an aware UTC datetime."""
    seconds, millis = divmod(epoch_ms, 1000)
    return datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=millis * 1000)
