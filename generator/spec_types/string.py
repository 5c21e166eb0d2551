"""`string`: JSON text (numbers are accepted and kept as their text); `str` in Python."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generator.model import FieldType
from generator.spec_types.base import SpecType


def _fits(value: Any) -> bool:
    return isinstance(value, (str, int, Decimal)) and not isinstance(value, bool)


def _literal(value: Any) -> str | None:
    return None if value is None else repr(str(value))


TYPE = SpecType(
    kind=FieldType.STRING,
    table_type="String",
    parameter_annotation="str",
    fits=_fits,
    response_type="StringValue",
    python_type="str",
    argument_type="StringArg",
    literal=_literal,
)
