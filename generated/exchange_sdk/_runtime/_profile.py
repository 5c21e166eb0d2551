# DO NOT EDIT: copied by sdkgen from templates/runtime/_profile.py
"""What the runtime knows about an exchange and an operation: filled in by generated code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ._credentials import CredentialInfo
from ._pagination import Pagination
from ._params import ParamInfo
from ._rate_limit import Limit
from ._rules import Rule

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Envelope:
    """Where the code, message and data of every response body live, and which codes mean success."""

    code: str
    message: str
    data: str
    success_codes: frozenset[str]
    error_code: str | None = None  # where an error's code is when `code` holds only a status (HTX spot)


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    kind: str
    retryable: bool
    message: str = ""  # the documented text of the code, for an error body that carries none


@dataclass(frozen=True, slots=True)
class ServerTime:
    """The public endpoint telling the exchange's clock: GET `path`, epoch ms at JSON `pointer`."""

    path: str
    pointer: str


@dataclass(frozen=True, slots=True)
class Family:
    """An API family beside the exchange's default one: its host, envelope and error table."""

    production_host: str
    envelope: Envelope
    errors: Mapping[str, ErrorInfo]


@dataclass(frozen=True, slots=True)
class ExchangeProfile:
    id: str
    name: str
    production_host: str
    auth_scheme: str
    credentials: tuple[CredentialInfo, ...]
    envelope: Envelope
    errors: Mapping[str, ErrorInfo]
    private_headers: tuple[tuple[str, str], ...] = ()
    demo_headers: tuple[tuple[str, str], ...] | None = None
    demo_note: str = ""
    server_time: ServerTime | None = None
    rate_limit_headers: Mapping[str, str] = field(default_factory=dict)  # limit/remaining/reset/interval -> header
    request_id_headers: tuple[str, ...] = ()  # response headers carrying the request id, in preference order
    families: Mapping[str, Family] = field(default_factory=dict)  # by name, beside the default family


@dataclass(frozen=True, slots=True)
class ItemResults:
    """Where each item of a response carries its own result: the attributes of its code and
    message, the codes that mean the item was carried out, and the envelope codes whose data holds
    per-item results (OKX: "0" all done, "1" all failed, "2" some failed)."""

    code: str
    message: str
    success_codes: frozenset[str]
    envelope_codes: frozenset[str]


@dataclass(frozen=True, slots=True)
class OperationInfo(Generic[T]):
    """One endpoint: how to call it and what it returns (`response`, a type such as list[Model])."""

    exchange: str
    section: str
    name: str
    method: str
    path: str
    private: bool
    doc_url: str
    response: Any
    parameters: tuple[ParamInfo, ...] = field(default_factory=tuple)
    limits: tuple[Limit, ...] = field(default_factory=tuple)
    idempotent: bool = True  # safe to repeat: GET, or a POST the spec marks idempotent
    rules: tuple[Rule, ...] = field(default_factory=tuple)  # between the keyword arguments
    pagination: Pagination | None = None  # how `iter_<name>()` pages
    family: str = ""  # the API family: its host, envelope and errors ("" the exchange's default)
    data_member: str = ""  # the body member holding the data when not the envelope's (HTX `tick`)
    item_results: ItemResults | None = None  # each item of the response carries its own result

    @property
    def display(self) -> str:
        return f"{self.exchange}.{self.section}.{self.name} ({self.method} {self.path})"
