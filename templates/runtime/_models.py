"""The bases of the generated models: responses (lenient, nothing dropped), responses that come
as positional arrays, and request bodies (strict: only documented members and values)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, PlainValidator, WithJsonSchema, field_validator, model_validator

from ._enums import OpenEnum
from ._rules import Rule
from ._types import keep_extra


class ResponseModel(BaseModel):
    """A response object. Fields the spec does not know are kept (see `model_extra`), never
    dropped; numbers sent where strings are documented are kept as their text."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        protected_namespaces=(),
    )
    __pydantic_extra__: dict[str, Annotated[Any, PlainValidator(keep_extra), WithJsonSchema({})]]


class PositionalModel(ResponseModel):
    """A response object that comes as a JSON array (a candle, a trade): the i-th value is the
    i-th field, in the order the documentation lists them; values past the documented positions
    are kept in `model_extra` under their index ("9", ...). An object keyed by field names (or
    another instance) is accepted as well."""

    @model_validator(mode="before")
    @classmethod
    def _by_position(cls, value: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            return value
        names = list(cls.model_fields)
        return {names[i] if i < len(names) else str(i): item for i, item in enumerate(value)}


class RequestModel(BaseModel):
    """An object of a request body. Built from keyword arguments or a mapping keyed by the Python
    names (the wire names are accepted too); members the documentation does not list, values an
    enum does not document, missing required members, floats for decimals and breaches of the
    documented rules between members (`__sdk_rules__`) are refused. Sent with the wire names, in
    the documentation's order, without the members left out."""

    __sdk_rules__: ClassVar[tuple[Rule, ...]] = ()

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        loc_by_alias=False,  # errors name members by their Python names
        protected_namespaces=(),
    )

    @field_validator("*", mode="after")
    @classmethod
    def _documented_values_only(cls, value: Any) -> Any:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, OpenEnum) and not item.documented:
                allowed = ", ".join(member.value for member in type(item))
                raise ValueError(f"{item.value!r} is not one of {allowed}")
        return value

    @model_validator(mode="after")
    def _rules_hold(self) -> RequestModel:
        for rule in type(self).__sdk_rules__:
            problem = rule.broken(self.__dict__)
            if problem is not None:
                raise ValueError(problem)
        return self

    def wire(self) -> dict[str, Any]:
        """The JSON object sent: wire names, documentation order, members not given left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def complete_models(namespace: dict[str, Any]) -> None:
    """Complete the models of a module whose fields name models defined after them (pydantic
    leaves those with ForwardRef annotations until rebuilt): called once at the end of each
    generated models module, so every model is whole at import."""
    for value in list(namespace.values()):
        if isinstance(value, type) and issubclass(value, BaseModel) and not value.__pydantic_complete__:
            value.model_rebuild(_types_namespace=namespace)
