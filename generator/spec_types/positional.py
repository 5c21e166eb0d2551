"""`object` with `positional: true`: an object the exchange sends as a JSON array (an OKX candle),
whose i-th value is the i-th declared field; a generated model with named fields in Python
(base PositionalModel), whose positions past the documented ones are kept by their index."""

from __future__ import annotations

from typing import Any

from generator.model import FieldType
from generator.spec_types.base import SpecType


def _fits(value: Any) -> bool:
    return isinstance(value, list)


TYPE = SpecType(
    kind=FieldType.OBJECT,
    table_type="Array",
    parameter_annotation="Sequence[Any]",
    fits=_fits,
)
