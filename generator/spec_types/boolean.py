"""`boolean`: JSON true or false; `bool` in Python."""

from __future__ import annotations

from typing import Any

from generator.model import FieldType
from generator.spec_types.base import SpecType, blank_is_none


def _fits(value: Any) -> bool:
    return isinstance(value, bool)


TYPE = SpecType(
    kind=FieldType.BOOLEAN,
    table_type="String",
    parameter_annotation="bool",
    fits=_fits,
    response_type="BooleanValue",
    python_type="bool",
    argument_type="BooleanArg",
    literal=blank_is_none(lambda value: repr(bool(value))),
    argument_from_text=lambda text: text == "true",
)
