"""`decimal`: a JSON string (sometimes a number), `""` or null for 'not applicable'; `Decimal` in
Python, never float. Arguments are a Decimal, an int or a decimal string."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from generator.model import FieldType
from generator.spec_types.base import SpecType, blank_is_none


def _fits(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, Decimal, float)):
        return True
    if not isinstance(value, str):
        return False
    if value == "":
        return True
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


TYPE = SpecType(
    kind=FieldType.DECIMAL,
    table_type="String",
    parameter_annotation="Decimal | str | int",
    fits=_fits,
    response_type="DecimalValue",
    python_type="Decimal",
    argument_type="DecimalArg",
    literal=blank_is_none(lambda value: f'Decimal("{Decimal(str(value))}")'),
)
