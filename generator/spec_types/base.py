"""What the generator needs to know about a spec type (one instance per module of this package)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.model import FieldType


@dataclass(frozen=True)
class SpecType:
    kind: FieldType
    # The documentation table's type column for a field of this type, when the spec records none.
    table_type: str
    # The Python annotation of a method's keyword parameter of this type (one value).
    parameter_annotation: str
    # Can the SDK read this JSON value (never None) as this type? Lint and the generated tests use it.
    fits: Callable[[Any], bool]
    # For scalars: the runtime type a response field is parsed with (its name in the runtime's
    # _types module, which the models' JSON Schema names as a customTypePath), the plain Python
    # type of a parsed value, and the Python literal of what the SDK produces from an example
    # value (None: the SDK gives None).
    response_type: str | None = None
    python_type: str | None = None
    literal: Callable[[Any], str | None] | None = None
    # For scalars: the type of a request-model member (its name in the runtime's _arguments
    # module, whose function of the same type also checks query, path and body arguments, by
    # their spec type in _params.ENCODERS).
    argument_type: str | None = None
    # For scalars: the keyword argument a query-string value of an example is sent from, and an
    # argument that a required parameter no example shows is given in generated tests.
    argument_from_text: Callable[[str], Any] = str
    placeholder: Any = "1"

    @property
    def is_scalar(self) -> bool:
        return self.response_type is not None


def blank_is_none(literal: Callable[[Any], str]) -> Callable[[Any], str | None]:
    """`""` and null mean 'not applicable' for every scalar type but string: the SDK gives None."""

    def checked(value: Any) -> str | None:
        return None if value is None or value == "" else literal(value)

    return checked
