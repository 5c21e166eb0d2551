"""`integer`: a JSON number or numeric string; `int` in Python."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generator.model import FieldType
from generator.spec_types.base import SpecType, blank_is_none


def fits_integer(value: Any) -> bool:
    """An int, an integral number, or a numeric string (`""`: not applicable)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, Decimal):
        return value == value.to_integral_value()
    return isinstance(value, str) and (value == "" or value.lstrip("-").isdigit())


def integer_literal(value: Any) -> str:
    return repr(int(value))


TYPE = SpecType(
    kind=FieldType.INTEGER,
    table_type="String",
    parameter_annotation="int",
    fits=fits_integer,
    response_type="IntegerValue",
    python_type="int",
    argument_type="IntegerArg",
    literal=blank_is_none(integer_literal),
    argument_from_text=int,
    placeholder=1,
)
