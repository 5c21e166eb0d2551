"""`array`: a JSON array of one item shape; `list[...]` in Python."""

from __future__ import annotations

from typing import Any

from generator.model import FieldType
from generator.spec_types.base import SpecType


def _fits(value: Any) -> bool:
    return isinstance(value, list)


TYPE = SpecType(
    kind=FieldType.ARRAY,
    table_type="Array",
    parameter_annotation="Sequence[Any]",
    fits=_fits,
)
