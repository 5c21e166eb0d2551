"""`timestamp_ms`: epoch milliseconds as a JSON number or numeric string; `int` in Python (the
runtime's `to_datetime` converts). Arguments are epoch milliseconds or an aware datetime."""

from __future__ import annotations

from generator.model import FieldType
from generator.spec_types.base import SpecType, blank_is_none
from generator.spec_types.integer import fits_integer, integer_literal

TYPE = SpecType(
    kind=FieldType.TIMESTAMP_MS,
    table_type="String",
    parameter_annotation="int | datetime",
    fits=fits_integer,
    response_type="TimestampMs",
    python_type="int",
    argument_type="TimestampArg",
    literal=blank_is_none(integer_literal),
    argument_from_text=int,
    placeholder=1,
)
