"""The spec's value types, one module each: everything a type means, in one place.

Each module defines one `SpecType`: the Python annotation of a keyword parameter of that type,
the runtime types its response fields are parsed with and its request-model members are checked
with (the models' JSON Schema names them), the type column a documentation table prints for it
by default, the lint check of an example value, and the Python literal a generated test expects.
The runtime checks and encodes arguments of a scalar type with one function per type
(`_params.ENCODERS`, keyed by the type's name; `tests/test_spec_types.py` holds the runtime to
this registry). Adding a type is a module here, its functions and types in the runtime, and its
name in the spec format's JSON Schema.
"""

from __future__ import annotations

from generator.model import FieldType, Shape
from generator.spec_types import array, boolean, decimal, integer, object, positional, string, timestamp_ms
from generator.spec_types.base import SpecType

SPEC_TYPES: dict[FieldType, SpecType] = {
    module.TYPE.kind: module.TYPE for module in (string, decimal, integer, timestamp_ms, boolean, object, array)
}


def spec_type(shape: Shape | FieldType) -> SpecType:
    """The SpecType of a shape (or of a FieldType); a positional object has its own."""
    if isinstance(shape, Shape) and shape.positional:
        return positional.TYPE
    return SPEC_TYPES[shape if isinstance(shape, FieldType) else shape.type]


__all__ = ["SPEC_TYPES", "SpecType", "spec_type"]
