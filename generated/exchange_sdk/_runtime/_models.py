# DO NOT EDIT: copied by sdkgen from templates/runtime/_models.py
"""The base of every generated response model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ResponseModel(BaseModel):
    """A response object. Fields the spec does not know are kept (see `model_extra`), never
    dropped; numbers sent where strings are documented are kept as their string."""

    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        coerce_numbers_to_str=True,
        protected_namespaces=(),
    )
