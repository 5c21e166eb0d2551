"""The spec's value types, one module each: everything a type means, in one place.

Each module defines one `SpecType`: the Python annotation of a keyword parameter of that type,
the runtime type its response fields are parsed with (the models' JSON Schema names it), the
type column a documentation table prints for it by default, the lint check of an example value,
the Python literal a generated test expects, and the runtime encoder that checks and encodes an
argument (`_params.ENCODERS` in templates/runtime, which `tests/test_spec_types.py` holds to this
registry). Adding a type is a module here, its encoder and response type in the runtime, and its
name in the spec format's JSON Schema.
"""

from __future__ import annotations

from generator.model import FieldType, Shape
from generator.spec_types import array, boolean, decimal, integer, object, string, timestamp_ms
from generator.spec_types.base import SpecType

SPEC_TYPES: dict[FieldType, SpecType] = {
    module.TYPE.kind: module.TYPE for module in (string, decimal, integer, timestamp_ms, boolean, object, array)
}


def spec_type(shape: Shape | FieldType) -> SpecType:
    """The SpecType of a shape (or of a FieldType)."""
    return SPEC_TYPES[shape if isinstance(shape, FieldType) else shape.type]


__all__ = ["SPEC_TYPES", "SpecType", "spec_type"]
