"""The spec model: typed, immutable objects built from validated spec files.

Everything downstream (lint, the renderers, diff) reads these objects, never raw YAML. Source
locations are carried for messages but take no part in equality, so two spec trees that say the
same thing in differently laid-out files compare equal.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from generator.errors import Location

NOWHERE = Location("<unknown>")


def _location() -> Any:
    return field(default=NOWHERE, compare=False, repr=False)


class FieldType(enum.StrEnum):
    """The spec's value types (see DESIGN.md, 'Types on the wire and in Python')."""

    STRING = "string"
    DECIMAL = "decimal"
    INTEGER = "integer"
    TIMESTAMP_MS = "timestamp_ms"
    BOOLEAN = "boolean"
    OBJECT = "object"
    ARRAY = "array"

    @property
    def is_scalar(self) -> bool:
        return self not in (FieldType.OBJECT, FieldType.ARRAY)


@dataclass(frozen=True)
class EnumRepeat:
    """The table lists an enum value again (a documentation defect), with this meaning."""

    description: str
    acknowledged: tuple[tuple[str, str], ...] = ()
    location: Location = _location()


@dataclass(frozen=True)
class EnumValue:
    value: str | int
    name: str  # Python enum member name
    description: str = ""
    aliases: tuple[str | int, ...] = ()
    demo: bool = False
    repeats: tuple[EnumRepeat, ...] = ()  # the table lists the value again (lint: enum-value-listed-twice)
    location: Location = _location()

    @property
    def meaning(self) -> str:
        """The description, with the other meanings of a value the table lists twice."""
        others = [r.description for r in self.repeats if r.description and r.description != self.description]
        return "; or, listed again: ".join([self.description, *others]) if others else self.description


@dataclass(frozen=True)
class TableRow:
    """How the documentation's table lists a field (see the spec schema's `table`)."""

    listed: bool = True
    type: str | None = None
    flattened: bool = False


class RuleKind(enum.StrEnum):
    REQUIRED_IF = "required_if"
    AT_MOST_ONE_OF = "at_most_one_of"
    EXACTLY_ONE_OF = "exactly_one_of"


@dataclass(frozen=True)
class Rule:
    """A documented rule between members of an object (or parameters of an endpoint), by wire name."""

    kind: RuleKind
    members: tuple[str, ...]
    when: str | None = None  # required_if: the member whose value decides
    values: tuple[str, ...] = ()  # required_if: the values (as text) for which `members` are required
    text: str = ""  # the page's words
    acknowledged: tuple[tuple[str, str], ...] = ()  # (lint rule, note): an example that breaks it
    location: Location = _location()

    def broken(self, given: Any) -> bool:
        """Does `given` (an example's object, by wire name) break the rule?"""
        if not isinstance(given, dict):
            return False
        present = [m for m in self.members if given.get(m) is not None]
        if self.kind is RuleKind.REQUIRED_IF:
            value = given.get(self.when) if self.when else None
            text = str(value).lower() if isinstance(value, bool) else None if value is None else str(value)
            return text in self.values and len(present) < len(self.members)
        if self.kind is RuleKind.AT_MOST_ONE_OF:
            return len(present) > 1
        return len(present) != 1

    def describe(self, python_name: Callable[[str], str]) -> str:
        """The rule in words, naming members by `python_name` (their Python names)."""
        names = ", ".join(python_name(m) for m in self.members)
        if self.kind is RuleKind.REQUIRED_IF:
            assert self.when is not None
            return f"{names} required when {python_name(self.when)} is {' or '.join(self.values)}"
        if self.kind is RuleKind.AT_MOST_ONE_OF:
            return f"at most one of {names}"
        return f"exactly one of {names}"


@dataclass(frozen=True)
class Shape:
    """A value's type: a scalar, an object with fields, or an array of a shape."""

    type: FieldType
    description: str = ""
    unit: str | None = None
    model: str | None = None  # class name, set for every object shape after loading
    fields: tuple[Field, ...] = ()
    items: Shape | None = None
    max_items: int | None = None  # arrays: at most this many items (checked in requests)
    enum: tuple[EnumValue, ...] = ()
    nullable: bool = False
    additional_fields: bool = True
    shared: str | None = None  # a shared shape of the exchange ("request" or "response" model): its use
    rules: tuple[Rule, ...] = ()  # between the members of a request object
    positional: bool = False  # an object sent as a JSON array: the i-th value is the i-th field
    location: Location = _location()

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def keyed(self, value: Any) -> Any:
        """An example value as the object it stands for: a positional object's JSON array keyed by
        its fields' wire names in order, positions past the documented ones by their index
        (as the SDK keeps them); any other value as it is."""
        if not self.positional or not isinstance(value, list):
            return value
        names = [f.name for f in self.fields]
        return {names[i] if i < len(names) else str(i): item for i, item in enumerate(value)}


@dataclass(frozen=True)
class Field:
    """A response field, or a member of a body parameter."""

    name: str  # as the documentation's table names it; the primary wire name
    python_name: str
    shape: Shape
    aliases: tuple[str, ...] = ()  # other wire names seen for it
    required: bool = False
    table: TableRow = TableRow()
    acknowledged: tuple[tuple[str, str], ...] = ()  # (lint rule, note)
    deprecated: bool = False
    location: Location = _location()

    @property
    def wire_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def acknowledgement(self, rule: str) -> str | None:
        return dict(self.acknowledged).get(rule)


class ParameterLocation(enum.StrEnum):
    QUERY = "query"
    PATH = "path"
    BODY = "body"


class ListStyle(enum.StrEnum):
    COMMA = "comma"
    REPEAT = "repeat"
    JSON = "json"


@dataclass(frozen=True)
class Parameter:
    name: str  # on the wire
    python_name: str
    location_in: ParameterLocation
    shape: Shape
    required: bool
    description: str
    list_style: ListStyle | None = None
    max_items: int | None = None
    whole_body: bool = False  # the body is this parameter's value itself (a bare JSON array)
    default: Any = None
    table: TableRow = TableRow()
    acknowledged: tuple[tuple[str, str], ...] = ()
    deprecated: bool = False
    location: Location = _location()


@dataclass(frozen=True)
class Permission:
    level: str  # none, read, trade, withdraw
    text: str | None = None
    note: str | None = None


class Scope(enum.StrEnum):
    UID = "uid"
    IP = "ip"
    API_KEY = "api_key"
    UID_INSTRUMENT = "uid+instrument"


@dataclass(frozen=True)
class RateLimit:
    """An endpoint's own limit (count per window) and the shared buckets it draws from."""

    text: str
    count: int | None = None
    window_seconds: float | None = None
    scope: Scope | None = None
    buckets: tuple[str, ...] = ()
    note: str | None = None
    instrument: str | None = None  # uid+instrument: the parameter (or, per item, the member) naming it
    per_item: str | None = None  # the array body parameter whose items are counted, one unit each


class PaginationStyle(enum.StrEnum):
    CURSOR = "cursor"
    PAGE = "page"
    TIME_WINDOW = "time_window"


@dataclass(frozen=True)
class Pagination:
    """How an endpoint pages (by wire names): `parameter` moves from page to page, to `item_field`
    of the last item (cursor, time window, plus `step`) or to the next page number."""

    style: PaginationStyle
    parameter: str
    text: str
    item_field: str | None = None
    size_parameter: str | None = None
    default_size: int | None = None
    first_page: int = 1
    step: int = 0
    location: Location = _location()


@dataclass(frozen=True)
class ItemResults:
    """Each response item carries its own result, at fields `code` and `message` (wire names)."""

    code: str
    message: str
    success_codes: tuple[str, ...]
    envelope_codes: tuple[str, ...]
    text: str = ""
    location: Location = _location()


@dataclass(frozen=True)
class RequestExample:
    text: str
    title: str = ""
    method: str = "GET"
    path: str = ""
    query: tuple[tuple[str, str], ...] = ()  # as written, decoded, in order
    host: str | None = None
    body: str | None = None  # verbatim
    body_value: Any = None  # the body parsed (decimals as Decimal), when it is JSON
    acknowledged: tuple[tuple[str, str], ...] = ()
    location: Location = _location()


@dataclass(frozen=True)
class ResponseExample:
    text: str  # verbatim
    title: str = ""
    status: int = 200
    corrected: str | None = None
    body: Any = None  # the parsed JSON (decimals as Decimal) of `corrected` or `text`
    acknowledged: tuple[tuple[str, str], ...] = ()
    location: Location = _location()

    @property
    def json_text(self) -> str:
        return self.corrected if self.corrected is not None else self.text


@dataclass(frozen=True)
class Operation:
    """One documented endpoint."""

    exchange: str
    name: str  # Python method name
    title: str
    section: str
    method: str
    path: str
    doc_url: str  # absolute
    description: str
    permission: Permission
    rate_limit: RateLimit
    response: Shape
    notes: tuple[str, ...] = ()
    auth: str = "private"
    family: str = ""  # the API family of the exchange ("" the default one)
    data_member: str = ""  # the envelope member holding the data, when not the family's (HTX `tick`)
    idempotent: bool = False
    deprecated: bool = False
    parameters: tuple[Parameter, ...] = ()
    rules: tuple[Rule, ...] = ()  # between parameters (a members_of shape's rules included)
    pagination: Pagination | None = None
    item_results: ItemResults | None = None
    request_examples: tuple[RequestExample, ...] = ()
    response_examples: tuple[ResponseExample, ...] = ()
    source: str = field(default="", compare=False)  # the file, as shown to the user
    spec_path: str = field(default="", compare=False)  # the file relative to the specs directory
    spec_digest: str = field(default="", compare=False)  # SHA-256 of the file's bytes
    location: Location = _location()

    @property
    def key(self) -> str:
        """Names the operation within its exchange: `section.name` (a method name is unique per section)."""
        return f"{self.section}.{self.name}"

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location_in is ParameterLocation.PATH)

    @cached_property
    def body_shape(self) -> Shape | None:
        """The request body as one shape: the whole-body array, or an object whose fields are the
        body parameters (carrying their acknowledgements and locations); None without a body."""
        body = [p for p in self.parameters if p.location_in is ParameterLocation.BODY]
        if not body:
            return None
        whole = next((p for p in body if p.whole_body), None)
        if whole is not None:
            return whole.shape
        members = tuple(
            Field(
                p.name,
                p.python_name,
                p.shape,
                required=p.required,
                table=p.table,
                acknowledged=p.acknowledged,
                location=p.location,
            )
            for p in body
        )
        names = {p.name for p in body}
        rules = tuple(rule for rule in self.rules if {*rule.members, *([rule.when] if rule.when else [])} <= names)
        return Shape(FieldType.OBJECT, fields=members, model="", rules=rules, location=self.location)

    @property
    def is_private(self) -> bool:
        return self.auth == "private"


@dataclass(frozen=True)
class Credential:
    name: str  # api_key, secret_key, passphrase
    env: str
    secret: bool
    description: str


@dataclass(frozen=True)
class Auth:
    scheme: str
    credentials: tuple[Credential, ...]
    headers: tuple[tuple[str, str], ...] = ()
    timestamp_tolerance_seconds: float | None = None


@dataclass(frozen=True)
class Host:
    url: str
    description: str = ""


@dataclass(frozen=True)
class Demo:
    supported: bool
    note: str
    headers: tuple[tuple[str, str], ...] = ()
    host: str | None = None


@dataclass(frozen=True)
class ServerTime:
    method: str
    path: str
    pointer: str
    format: str
    host: str | None = None
    doc_url: str | None = None


@dataclass(frozen=True)
class Envelope:
    code: str
    message: str
    data: str
    success_codes: tuple[str | int, ...]
    code_type: str = "string"
    timestamp: str | None = None
    error_code: str | None = None  # where an error's code is, when `code` holds only a status


@dataclass(frozen=True)
class RateLimitHeaders:
    limit: str | None = None
    remaining: str | None = None
    reset: str | None = None
    interval: str | None = None


class ErrorKind(enum.StrEnum):
    AUTHENTICATION = "authentication"
    PERMISSION = "permission"
    RATE_LIMIT = "rate_limit"
    TIMESTAMP = "timestamp"
    INVALID_PARAMETER = "invalid_parameter"
    SERVER = "server"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    NOT_FOUND = "not_found"
    OTHER = "other"


@dataclass(frozen=True)
class ErrorCode:
    code: str | int
    kind: ErrorKind
    message: str
    retryable: bool = False
    location: Location = _location()


@dataclass(frozen=True)
class Bucket:
    """A rate limit shared by several endpoints."""

    name: str
    count: int
    window_seconds: float
    scope: Scope
    text: str
    doc_url: str | None = None
    location: Location = _location()


@dataclass(frozen=True)
class Family:
    """An API family of an exchange: its own hosts, envelope and error table. The exchange's
    top-level ones form the default family (name "")."""

    name: str
    description: str
    production_host: str
    envelope: Envelope
    errors: tuple[ErrorCode, ...]
    alternate_hosts: tuple[Host, ...] = ()
    error_doc_url: str | None = None
    location: Location = _location()


@dataclass(frozen=True)
class Exchange:
    id: str
    name: str
    class_prefix: str
    doc_base_url: str
    production_host: str
    auth: Auth
    envelope: Envelope
    alternate_hosts: tuple[Host, ...] = ()
    error_doc_url: str | None = None
    demo: Demo | None = None
    server_time: ServerTime | None = None
    rate_limit_headers: RateLimitHeaders | None = None
    request_id_headers: tuple[str, ...] = ()  # response headers carrying the request id, in preference order
    request_id_source: str = ""  # where that is documented, or what was searched when nothing is
    errors: tuple[ErrorCode, ...] = ()
    buckets: tuple[Bucket, ...] = ()
    families: tuple[Family, ...] = ()  # beside the default one, in name order
    shapes: tuple[Shape, ...] = ()  # shared shapes (specs/<exchange>/shapes/), in name order
    shapes_digest: str = field(default="", compare=False)  # of every shape file: what operations read
    shape_sources: tuple[str, ...] = field(default=(), compare=False)  # the shape files, relative to the specs
    operations: tuple[Operation, ...] = ()
    source: str = field(default="", compare=False)
    spec_digest: str = field(default="", compare=False)  # SHA-256 of exchange.yaml
    location: Location = _location()

    def bucket(self, name: str) -> Bucket | None:
        return next((b for b in self.buckets if b.name == name), None)

    def family(self, name: str) -> Family | None:
        """The family of that name; "" is the default one (the top-level hosts, envelope, errors)."""
        if name == "":
            return Family(
                "",
                self.name,
                self.production_host,
                self.envelope,
                self.errors,
                self.alternate_hosts,
                self.error_doc_url,
                self.location,
            )
        return next((f for f in self.families if f.name == name), None)

    def family_of(self, operation: Operation) -> Family:
        """The family an operation belongs to (the loader checked that it exists)."""
        family = self.family(operation.family)
        assert family is not None, operation.family
        return family

    def envelope_of(self, operation: Operation) -> Envelope:
        """The envelope of an operation's responses: its family's, with the operation's own data
        member when it has one."""
        envelope = self.family_of(operation).envelope
        if operation.data_member and operation.data_member != envelope.data:
            return dataclasses.replace(envelope, data=operation.data_member)
        return envelope

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(sorted({op.section for op in self.operations}))


@dataclass(frozen=True)
class SpecSet:
    """Every exchange found under one specs directory, in id order."""

    exchanges: tuple[Exchange, ...]

    def exchange(self, exchange_id: str) -> Exchange | None:
        return next((e for e in self.exchanges if e.id == exchange_id), None)

    @property
    def operations(self) -> tuple[Operation, ...]:
        return tuple(op for ex in self.exchanges for op in ex.operations)
