"""`object`: a JSON object with declared fields; a generated model in Python (its fields are
shapes of their own, walked by the renderers)."""

from __future__ import annotations

from typing import Any

from generator.model import FieldType
from generator.spec_types.base import SpecType


def _fits(value: Any) -> bool:
    return isinstance(value, dict)


TYPE = SpecType(
    kind=FieldType.OBJECT,
    table_type="Object",
    parameter_annotation="Mapping[str, Any]",
    fits=_fits,
)
