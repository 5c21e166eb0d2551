# DO NOT EDIT: copied by sdkgen from templates/runtime/_models.py
"""The base of every generated response model."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainValidator

from ._types import keep_extra


class ResponseModel(BaseModel):
    """A response object. Fields the spec does not know are kept (see `model_extra`), never
    dropped; numbers sent where strings are documented are kept as their text."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        protected_namespaces=(),
    )
    __pydantic_extra__: dict[str, Annotated[Any, PlainValidator(keep_extra)]]
