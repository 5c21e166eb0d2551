"""Build spec-model objects from schema-valid spec data, checking what a schema cannot.

Each builder takes one file's data and positions, returns model objects, and appends a located
issue for every semantic problem it finds (all of them, not just the first).
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from typing import Any
from urllib.parse import urljoin

from generator import naming
from generator.errors import SpecIssue
from generator.examples import ExampleError, parse_json, parse_request, path_matches, path_placeholders
from generator.model import (
    Auth,
    Bucket,
    Credential,
    Demo,
    EnumRepeat,
    EnumValue,
    Envelope,
    ErrorCode,
    ErrorKind,
    Exchange,
    Family,
    Field,
    FieldType,
    Host,
    ItemResults,
    ListStyle,
    Operation,
    Pagination,
    PaginationStyle,
    Parameter,
    ParameterLocation,
    Permission,
    RateLimit,
    RateLimitHeaders,
    RequestExample,
    ResponseExample,
    Rule,
    RuleKind,
    Scope,
    ServerTime,
    Shape,
    TableRow,
)
from generator.schema import format_path
from generator.yamlread import Path_, Positions

REQUIRED_CREDENTIALS = {
    "okx-hmac-sha256": {"api_key", "secret_key", "passphrase"},
    "bitget-hmac-sha256": {"api_key", "secret_key", "passphrase"},
    "htx-hmac-sha256-v2": {"api_key", "secret_key"},
}


class _Context:
    def __init__(self, positions: Positions, issues: list[SpecIssue], shapes: dict[str, Shape] | None = None) -> None:
        self.positions = positions
        self.issues = issues
        self.shapes = shapes or {}  # the exchange's shared shapes, by name

    def shared(self, path: Path_, name: str, use: str) -> Shape | None:
        """The shared shape `name`, or None after reporting why it cannot be used here."""
        shape = self.shapes.get(name)
        if shape is None:
            known = sorted(self.shapes)
            hint = difflib.get_close_matches(name, known, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else f" (defined: {', '.join(known) or 'none'})"
            self.error(path, f"no shared shape '{name}' in this exchange's shapes/{suggestion}")
            return None
        if shape.shared != use:
            self.error(path, f"shared shape '{name}' is a {shape.shared} shape; it cannot be used in a {use}")
            return None
        return shape

    def error(self, path: Path_, message: str, *, key: bool = False) -> None:
        where = self.positions.of_key(path) if key else self.positions.of_value(path)
        self.issues.append(SpecIssue(where, message))

    def at(self, path: Path_) -> Any:
        return self.positions.of_value(path)


def _pairs(mapping: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((mapping or {}).items()))


# --- exchange.yaml --------------------------------------------------------------------------


def build_exchange(data: dict[str, Any], positions: Positions, issues: list[SpecIssue], folder: str) -> Exchange:
    ctx = _Context(positions, issues)
    if data["id"] != folder:
        ctx.error(("id",), f"id '{data['id']}' must equal the exchange's folder name '{folder}'")
    auth = data["auth"]
    credentials = tuple(Credential(**c) for c in auth["credentials"])
    names = [c.name for c in credentials]
    for index, name in enumerate(names):
        if name in names[:index]:
            ctx.error(("auth", "credentials", index, "name"), f"credential '{name}' is listed twice")
    missing = REQUIRED_CREDENTIALS[auth["scheme"]] - set(names)
    if missing:
        ctx.error(
            ("auth", "credentials"), f"the {auth['scheme']} scheme needs credentials {', '.join(sorted(missing))}"
        )
    envelope = _build_envelope(ctx, data["envelope"], ("envelope",))
    errors = _build_errors(ctx, data["errors"], ("errors",))
    families = tuple(
        Family(
            name=name,
            description=raw["description"].strip(),
            production_host=raw["hosts"]["production"],
            alternate_hosts=tuple(Host(**h) for h in raw["hosts"].get("alternates", [])),
            envelope=_build_envelope(ctx, raw["envelope"], ("families", name, "envelope")),
            # without its own table, a family reads the exchange's (one home for codes both APIs send)
            errors=tuple(
                _build_errors(ctx, raw["errors"], ("families", name, "errors")) if "errors" in raw else errors
            ),
            error_doc_url=raw.get("error_doc_url", data.get("error_doc_url") if "errors" not in raw else None),
            location=ctx.at(("families", name)),
        )
        for name, raw in sorted(data.get("families", {}).items())
    )
    buckets: list[Bucket] = []
    for index, raw in enumerate(data.get("rate_limit_buckets", [])):
        if any(b.name == raw["name"] for b in buckets):
            ctx.error(("rate_limit_buckets", index, "name"), f"bucket '{raw['name']}' is defined twice")
        buckets.append(
            Bucket(
                name=raw["name"],
                count=raw["count"],
                window_seconds=float(raw["window_seconds"]),
                scope=Scope(raw["scope"]),
                text=raw["text"],
                doc_url=raw.get("doc_url"),
                location=ctx.at(("rate_limit_buckets", index)),
            )
        )
    demo = data.get("demo")
    server_time = data.get("server_time")
    limit_headers = data.get("rate_limit_headers")
    return Exchange(
        id=data["id"],
        name=data["name"],
        class_prefix=data.get("class_prefix") or naming.class_prefix(data["id"]),
        doc_base_url=data["doc_base_url"],
        error_doc_url=data.get("error_doc_url"),
        production_host=data["hosts"]["production"],
        alternate_hosts=tuple(Host(**h) for h in data["hosts"].get("alternates", [])),
        auth=Auth(
            scheme=auth["scheme"],
            credentials=credentials,
            headers=_pairs(auth.get("headers")),
            timestamp_tolerance_seconds=auth.get("timestamp_tolerance_seconds"),
        ),
        demo=Demo(
            supported=demo["supported"], note=demo["note"], headers=_pairs(demo.get("headers")), host=demo.get("host")
        )
        if demo
        else None,
        server_time=ServerTime(**server_time) if server_time else None,
        envelope=envelope,
        families=families,
        rate_limit_headers=RateLimitHeaders(**limit_headers) if limit_headers else None,
        request_id_headers=tuple(data.get("request_id", {}).get("headers", ())),
        request_id_source=" ".join(data.get("request_id", {}).get("source", "").split()),
        errors=tuple(errors),
        buckets=tuple(buckets),
        location=ctx.at(()),
    )


def _build_envelope(ctx: _Context, raw: dict[str, Any], path: Path_) -> Envelope:
    code_type = raw.get("code_type", "string")
    for index, code in enumerate(raw["success_codes"]):
        if code_type == "string" and not isinstance(code, str) or code_type == "integer" and not isinstance(code, int):
            ctx.error((*path, "success_codes", index), f"success code {code!r} does not match code_type {code_type}")
    return Envelope(
        code=raw["code"],
        message=raw["message"],
        data=raw["data"],
        success_codes=tuple(raw["success_codes"]),
        code_type=code_type,
        timestamp=raw.get("timestamp"),
        error_code=raw.get("error_code"),
    )


def _build_errors(ctx: _Context, raw_errors: list[dict[str, Any]], path: Path_) -> list[ErrorCode]:
    errors = []
    seen_codes: dict[str, int] = {}
    for index, raw in enumerate(raw_errors):
        code_key = str(raw["code"])
        if code_key in seen_codes:
            ctx.error(
                (*path, index, "code"),
                f"error code {code_key} is listed twice (first as {format_path((*path, seen_codes[code_key]))})",
            )
        seen_codes.setdefault(code_key, index)
        errors.append(
            ErrorCode(
                code=raw["code"],
                kind=ErrorKind(raw["kind"]),
                message=raw["message"],
                retryable=raw.get("retryable", False),
                location=ctx.at((*path, index)),
            )
        )
    return errors


# --- endpoint specs -------------------------------------------------------------------------


def build_operation(
    data: dict[str, Any], positions: Positions, issues: list[SpecIssue], exchange: Exchange, source: str
) -> Operation:
    ctx = _Context(positions, issues, {shape.model or "": shape for shape in exchange.shapes})
    family = exchange.family(data.get("family", "")) or exchange.family("")  # an unknown one: reported below
    assert family is not None
    name = data.get("operation") or naming.operation_name(data["title"])
    if name is None:
        ctx.error(("title",), f"cannot derive a method name from the title {data['title']!r}; set `operation`")
        name = "operation"
    method, path = data["method"], data["path"]
    parameters, shape_rules = _build_parameters(ctx, data.get("parameters", []))
    _check_parameters(ctx, parameters, method, path)
    members = {p.name: p.shape for p in parameters}
    rules = shape_rules + _build_rules(ctx, data.get("rules", []), ("rules",), members)
    response = _build_shape(
        ctx, data["response"], ("response",), default_model=naming.response_model_name(name), use="response"
    )
    pagination = _build_pagination(ctx, data["pagination"], parameters, response) if "pagination" in data else None
    item_results = _build_item_results(ctx, data["item_results"], response) if "item_results" in data else None
    rate = data["rate_limit"]
    examples = data.get("examples", {})
    operation = Operation(
        exchange=exchange.id,
        name=name,
        title=data["title"],
        section=data["section"],
        method=method,
        path=path,
        doc_url=urljoin(exchange.doc_base_url, data["doc_url"]),
        description=data["description"].strip(),
        notes=tuple(n.strip() for n in data.get("notes", [])),
        auth=data.get("auth", "private"),
        family=data.get("family", ""),
        data_member=data.get("data_member", ""),
        permission=Permission(**data["permission"]),
        rate_limit=RateLimit(
            text=rate["text"],
            count=rate.get("count"),
            window_seconds=float(rate["window_seconds"]) if "window_seconds" in rate else None,
            scope=Scope(rate["scope"]) if "scope" in rate else None,
            buckets=tuple(rate.get("buckets", [])),
            note=rate.get("note"),
            instrument=rate.get("instrument"),
            per_item=rate.get("per_item"),
        ),
        idempotent=data.get("idempotent", False),
        deprecated=data.get("deprecated", False),
        parameters=parameters,
        rules=rules,
        pagination=pagination,
        item_results=item_results,
        response=response,
        request_examples=tuple(
            _build_request_example(ctx, raw, ("examples", "requests", i), method, path, parameters)
            for i, raw in enumerate(examples.get("requests", []))
        ),
        response_examples=tuple(
            _build_response_example(ctx, raw, ("examples", "responses", i), family.envelope)
            for i, raw in enumerate(examples.get("responses", []))
        ),
        source=source,
        location=ctx.at(()),
    )
    _check_rate_limit(ctx, operation)
    if exchange.family(operation.family) is None:
        known = ", ".join(f.name for f in exchange.families) or "none are defined"
        ctx.error(("family",), f"family '{operation.family}' is not a family of {exchange.source} (defined: {known})")
    for index, bucket in enumerate(operation.rate_limit.buckets):
        if exchange.bucket(bucket) is None:
            known = ", ".join(b.name for b in exchange.buckets) or "none are defined"
            ctx.error(
                ("rate_limit", "buckets", index),
                f"rate_limit.buckets names '{bucket}', which {exchange.source} does not define (defined: {known})",
            )
    return operation


def _build_enum(ctx: _Context, raw: list[dict[str, Any]], path: Path_) -> tuple[EnumValue, ...]:
    """The enum values in table order. A value the table lists again (a documentation defect, which
    lint reports) is one member, with the repeat's meaning kept; an alias that another value or
    alias already has is an error of the spec."""
    values: list[EnumValue] = []
    first_of: dict[str, int] = {}  # wire value -> index into `values`
    seen_wire: dict[str, int] = {}  # any wire spelling -> index into `raw`
    seen_names: dict[str, int] = {}
    for index, item in enumerate(raw):
        value = str(item["value"])
        if value in first_of:
            _add_repeat(ctx, values, first_of[value], item, (*path, index))
            continue
        member = item.get("name") or naming.enum_member_name(item["value"])
        for wire in (item["value"], *item.get("aliases", [])):
            if str(wire) in seen_wire:
                ctx.error(
                    (*path, index),
                    f"enum value {wire!r} is listed twice (first in {format_path((*path, seen_wire[str(wire)]))})",
                )
            seen_wire.setdefault(str(wire), index)
        if member in seen_names:
            ctx.error(
                (*path, index),
                f"enum values {raw[seen_names[member]]['value']!r} and {item['value']!r} both become the Python name "
                f"{member}; give one of them a `name`",
            )
        seen_names.setdefault(member, index)
        if item.get("acknowledged"):
            ctx.error(
                (*path, index, "acknowledged"),
                f"enum value {item['value']!r} is listed once; only a repeat acknowledges enum-value-listed-twice",
            )
        first_of[value] = len(values)
        values.append(
            EnumValue(
                value=item["value"],
                name=member,
                description=item.get("description", ""),
                aliases=tuple(item.get("aliases", [])),
                demo=item.get("demo", False),
                location=ctx.at((*path, index)),
            )
        )
    return tuple(values)


def _add_repeat(ctx: _Context, values: list[EnumValue], first: int, item: dict[str, Any], path: Path_) -> None:
    """Record the table's repeat of a value on its first listing."""
    extra = [key for key in ("name", "aliases", "demo") if key in item]
    if extra:
        ctx.error(
            (*path, extra[0]),
            f"enum value {item['value']!r} repeats an earlier one; a repeat records only the page's description "
            f"(and an acknowledgement), not {extra[0]}",
        )
    repeat = EnumRepeat(
        item.get("description", ""),
        _pairs(item.get("acknowledged")),
        ctx.at(path),
    )
    values[first] = replace(values[first], repeats=(*values[first].repeats, repeat))


def _build_shape(ctx: _Context, raw: dict[str, Any], path: Path_, default_model: str, use: str) -> Shape:
    """The shape of a type node; `use` (request or response) is the side it is on, which a
    reference to a shared shape must match."""
    if "shape" in raw:
        shared = ctx.shared((*path, "shape"), raw["shape"], use)
        if shared is None:
            return Shape(FieldType.OBJECT, model=raw["shape"], location=ctx.at(path))
        return replace(shared, description=raw.get("description", shared.description), unit=raw.get("unit"))
    kind = FieldType(raw["type"])
    fields: tuple[Field, ...] = ()
    items = None
    model = None
    if kind is FieldType.OBJECT:
        model = raw.get("model") or default_model
        fields = tuple(
            _build_field(ctx, f, (*path, "fields", i), parent_model=model, use=use)
            for i, f in enumerate(raw.get("fields", []))
        )
        _check_fields(ctx, fields, path)
    if kind is FieldType.ARRAY:
        items = _build_shape(ctx, raw["items"], (*path, "items"), default_model=default_model, use=use)
    rules = _build_rules(ctx, raw.get("rules", []), (*path, "rules"), {f.name: f.shape for f in fields})
    positional = bool(raw.get("positional", False))
    if positional:
        _check_positional(ctx, raw, fields, path, use)
    return Shape(
        type=kind,
        description=raw.get("description", ""),
        unit=raw.get("unit"),
        model=model,
        fields=fields,
        items=items,
        max_items=raw.get("max_items"),
        rules=rules,
        enum=_build_enum(ctx, raw.get("enum", []), (*path, "enum")),
        nullable=raw.get("nullable", False),
        additional_fields=raw.get("additional_fields", True),
        positional=positional,
        location=ctx.at(path),
    )


def _check_positional(ctx: _Context, raw: dict[str, Any], fields: tuple[Field, ...], path: Path_, use: str) -> None:
    """A positional object names its positions by its fields, in order: it needs them, a position
    has one name, and only responses come as positional arrays."""
    if use != "response":
        ctx.error((*path, "positional"), "positional objects are response shapes; a request body member cannot be one")
    if not fields:
        ctx.error((*path, "positional"), "a positional object needs its fields, one per position, in order")
    for index, member in enumerate(raw.get("fields", [])):
        if member.get("aliases"):
            ctx.error(
                (*path, "fields", index, "aliases"),
                f"'{member['name']}' is a position of a positional object: it has no other wire names",
            )


def _check_rate_limit(ctx: _Context, operation: Operation) -> None:
    """per_item names an array body parameter; instrument a parameter, or a member of its items."""
    limit = operation.rate_limit
    by_name = {p.name: p for p in operation.parameters}
    items: Shape | None = None
    if limit.per_item is not None:
        counted = by_name.get(limit.per_item)
        if counted is None or counted.location_in is not ParameterLocation.BODY or counted.shape.items is None:
            ctx.error(
                ("rate_limit", "per_item"),
                f"rate_limit.per_item '{limit.per_item}' is not an array body parameter of the endpoint",
            )
        else:
            items = counted.shape.items
    if limit.instrument is not None:
        found = items.field(limit.instrument) if items is not None else by_name.get(limit.instrument)
        if found is None:
            where = f"a member of the items of '{limit.per_item}'" if items is not None else "a parameter"
            ctx.error(("rate_limit", "instrument"), f"rate_limit.instrument '{limit.instrument}' is not {where}")


def _build_pagination(
    ctx: _Context, raw: dict[str, Any], parameters: tuple[Parameter, ...], response: Shape
) -> Pagination:
    """The endpoint's paging, checked against its parameters and its response items."""
    path: Path_ = ("pagination",)
    by_name = {p.name: p for p in parameters}
    moving = by_name.get(raw["parameter"])
    if moving is None:
        ctx.error((*path, "parameter"), f"pagination.parameter '{raw['parameter']}' is not a parameter of the endpoint")
    elif moving.required:
        ctx.error((*path, "parameter"), f"pagination.parameter '{raw['parameter']}' is required; paging sets it")
    items = response.items if response.type is FieldType.ARRAY else None
    if items is None or items.type is not FieldType.OBJECT:
        ctx.error(path, "pagination needs a response that is an array of objects (the items of a page)")
    field_name = raw.get("item_field")
    if field_name is not None and items is not None and items.type is FieldType.OBJECT:
        item_field = items.field(field_name)
        if item_field is None:
            known = ", ".join(f.name for f in items.fields)
            ctx.error(
                (*path, "item_field"), f"pagination.item_field '{field_name}' is not a field of the items ({known})"
            )
        elif raw["style"] == "time_window" and item_field.shape.type not in (FieldType.TIMESTAMP_MS, FieldType.INTEGER):
            ctx.error(
                (*path, "item_field"),
                f"a time window moves to a timestamp; '{field_name}' is {item_field.shape.type.value}",
            )
    size = raw.get("size", {})
    if size:
        size_parameter = by_name.get(size["parameter"])
        if size_parameter is None:
            ctx.error(
                (*path, "size", "parameter"), f"pagination.size.parameter '{size['parameter']}' is not a parameter"
            )
        elif size_parameter.shape.type is not FieldType.INTEGER:
            ctx.error(
                (*path, "size", "parameter"),
                f"the page size '{size['parameter']}' must be an integer parameter, not {size_parameter.shape.type.value}",
            )
    return Pagination(
        style=PaginationStyle(raw["style"]),
        parameter=raw["parameter"],
        text=raw["text"].strip(),
        item_field=field_name,
        size_parameter=size.get("parameter"),
        default_size=size.get("default"),
        first_page=raw.get("first_page", 1),
        step=raw.get("step", 0),
        location=ctx.at(path),
    )


def _build_item_results(ctx: _Context, raw: dict[str, Any], response: Shape) -> ItemResults:
    """Per-item results, whose code and message are fields of the response's items."""
    path: Path_ = ("item_results",)
    items = response.items if response.type is FieldType.ARRAY else response
    if items is None or items.type is not FieldType.OBJECT:
        ctx.error(path, "item_results needs a response of objects (an array of them, or one) to read results from")
    else:
        for key in ("code", "message"):
            if items.field(raw[key]) is None:
                known = ", ".join(f.name for f in items.fields)
                ctx.error((*path, key), f"item_results.{key} '{raw[key]}' is not a field of the items ({known})")
    return ItemResults(
        code=raw["code"],
        message=raw["message"],
        success_codes=tuple(raw.get("success_codes", ())),
        envelope_codes=tuple(raw["envelope_codes"]),
        text=" ".join(raw.get("text", "").split()),
        location=ctx.at(path),
    )


# Most fields say nothing about the table: they share one (immutable) row, which keeps cached
# spec models smaller and quicker to load.
LISTED, UNLISTED = TableRow(), TableRow(listed=False)


def _table(raw: Any) -> TableRow:
    if raw is False:
        return UNLISTED
    if not raw:
        return LISTED
    return TableRow(listed=True, type=raw.get("type"), flattened=raw.get("flattened", False))


def _python_name(ctx: _Context, raw: dict[str, Any], path: Path_, *, parameter: bool = False) -> str:
    explicit = raw.get("python_name")
    if explicit:
        if explicit in naming.RESERVED or parameter and explicit in naming.CALL_OPTIONS:
            ctx.error(
                (*path, "python_name"), f"python_name '{explicit}' is reserved (a keyword, builtin or call option)"
            )
        return str(explicit)
    derived = naming.parameter_name(raw["name"]) if parameter else naming.python_identifier(raw["name"])
    if derived is None:
        ctx.error((*path, "name"), f"cannot derive a Python name from {raw['name']!r}; set python_name")
        return "unnamed"
    return derived


def _build_field(ctx: _Context, raw: dict[str, Any], path: Path_, parent_model: str, use: str) -> Field:
    python_name = _python_name(ctx, raw, path)
    return Field(
        name=raw["name"],
        python_name=python_name,
        shape=_build_shape(ctx, raw, path, default_model=naming.nested_model_name(parent_model, python_name), use=use),
        aliases=tuple(raw.get("aliases", [])),
        required=raw.get("required", False),
        table=_table(raw.get("table")),
        acknowledged=_pairs(raw.get("acknowledged")),
        deprecated=raw.get("deprecated", False),
        location=ctx.at(path),
    )


def _check_fields(ctx: _Context, fields: tuple[Field, ...], path: Path_) -> None:
    """No two fields may share a wire name (aliases included) or a Python name."""
    wire: dict[str, int] = {}
    python: dict[str, int] = {}
    for index, item in enumerate(fields):
        for name in item.wire_names:
            if name in wire:
                other = fields[wire[name]].name
                ctx.error(
                    (*path, "fields", index), f"wire name '{name}' is used by two fields ('{other}' and '{item.name}')"
                )
            wire.setdefault(name, index)
        if item.python_name in python:
            other = fields[python[item.python_name]].name
            ctx.error(
                (*path, "fields", index),
                f"fields '{other}' and '{item.name}' both become the Python name '{item.python_name}'; "
                "set python_name on one of them",
            )
        python.setdefault(item.python_name, index)


def _build_parameters(ctx: _Context, entries: list[dict[str, Any]]) -> tuple[tuple[Parameter, ...], tuple[Rule, ...]]:
    """The parameters in spec order, and the rules they bring; a `members_of` entry gives one body
    parameter per member of a shared request shape, in the shape's order, and its rules."""
    parameters: list[Parameter] = []
    rules: list[Rule] = []
    for index, raw in enumerate(entries):
        if "members_of" not in raw:
            parameters.append(_build_parameter(ctx, raw, ("parameters", index)))
            continue
        shape = ctx.shared(("parameters", index, "members_of"), raw["members_of"], "request")
        rules += shape.rules if shape is not None else ()
        for member in shape.fields if shape is not None else ():
            derived = member.python_name == naming.python_identifier(member.name)  # not set in the shape
            parameters.append(
                Parameter(
                    name=member.name,
                    python_name=(naming.parameter_name(member.name) or member.python_name)
                    if derived
                    else member.python_name,
                    location_in=ParameterLocation.BODY,
                    shape=member.shape,
                    required=member.required,
                    description=member.shape.description,
                    table=member.table,
                    acknowledged=member.acknowledged,
                    deprecated=member.deprecated,
                    location=member.location,
                )
            )
    return tuple(parameters), tuple(rules)


def _rule_value(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _build_rules(
    ctx: _Context, entries: list[dict[str, Any]], path: Path_, members: dict[str, Shape]
) -> tuple[Rule, ...]:
    """The rules of an object (or an endpoint), each naming only members it has, and for a
    condition only values the member documents."""
    rules = []
    for index, raw in enumerate(entries):
        where = (*path, index)
        when: str | None = None
        values: tuple[str, ...] = ()
        if "required" in raw:
            kind, named = RuleKind.REQUIRED_IF, tuple(raw["required"])
            ((when, given),) = raw["when"].items()
            values = tuple(_rule_value(v) for v in given)
        elif "at_most_one_of" in raw:
            kind, named = RuleKind.AT_MOST_ONE_OF, tuple(raw["at_most_one_of"])
        else:
            kind, named = RuleKind.EXACTLY_ONE_OF, tuple(raw["exactly_one_of"])
        for name in (*named, *([when] if when else [])):
            if name not in members:
                hint = difflib.get_close_matches(name, list(members), n=1)
                suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
                ctx.error(where, f"the rule names '{name}', which is not a member here{suggestion}")
        condition = members.get(when) if when else None
        documented = {_rule_value(w) for v in condition.enum for w in (v.value, *v.aliases)} if condition else set()
        for value in values:
            if documented and value not in documented:
                ctx.error(where, f"the rule's condition {when} = {value!r} is not one of its documented values")
        acknowledged = _pairs(raw.get("acknowledged"))
        rules.append(Rule(kind, named, when, values, raw.get("text", ""), acknowledged, ctx.at(where)))
    return tuple(rules)


def build_shapes(files: list[tuple[dict[str, Any], Positions]], issues: list[SpecIssue]) -> tuple[Shape, ...]:
    """The shared shapes of one exchange, each built once; a shape may use others (`shape:`),
    which are built first. Unknown and circular references are reported with their place."""
    built: dict[str, Shape] = {}
    names = {data["name"] for data, _positions in files}
    pending = list(files)
    while pending:
        ready = [(data, positions) for data, positions in pending if _references(data) <= built.keys()]
        if not ready:  # what is left refers to shapes that do not exist (built, to report them), or to each other
            ready = [(data, positions) for data, positions in pending if _references(data) - names]
        if not ready:
            for data, positions in pending:
                others = ", ".join(sorted(_references(data)))
                _Context(positions, issues).error(
                    ("name",), f"shared shape '{data['name']}' and the shapes it uses ({others}) contain each other"
                )
            break
        for data, positions in ready:
            ctx = _Context(positions, issues, built)
            if data["name"] in built:
                ctx.error(("name",), f"shared shape '{data['name']}' is defined twice")
                continue
            shape = _build_shape(ctx, data, (), default_model=data["name"], use=data["use"])
            built[data["name"]] = replace(shape, shared=data["use"])
        pending = [entry for entry in pending if entry not in ready]
    return tuple(built[name] for name in sorted(built))


def _references(node: Any) -> set[str]:
    """The shared shapes a type node refers to, at any depth."""
    if isinstance(node, list):
        return {name for item in node for name in _references(item)}
    if not isinstance(node, dict):
        return set()
    found = {node["shape"]} if isinstance(node.get("shape"), str) else set()
    for key in ("fields", "items"):
        found |= _references(node.get(key))
    return found


def _build_parameter(ctx: _Context, raw: dict[str, Any], path: Path_) -> Parameter:
    python_name = _python_name(ctx, raw, path, parameter=True)
    listing = raw.get("list")
    shape = _build_shape(ctx, raw, path, default_model=naming.nested_model_name("", python_name), use="request")
    location_in = ParameterLocation(raw["in"])
    if listing and location_in is ParameterLocation.PATH:
        ctx.error((*path, "list"), "a path parameter cannot be a list")
    if listing and listing["style"] == "json" and location_in is not ParameterLocation.BODY:
        ctx.error((*path, "list", "style"), "list style json is only for body parameters")
    if listing and listing["style"] != "json" and location_in is ParameterLocation.BODY:
        ctx.error((*path, "list", "style"), f"list style {listing['style']} is only for query parameters; use json")
    if location_in is ParameterLocation.PATH and not raw["required"]:
        ctx.error((*path, "required"), "a path parameter must be required")
    if raw.get("whole_body") and (location_in is not ParameterLocation.BODY or shape.type is not FieldType.ARRAY):
        ctx.error((*path, "whole_body"), "whole_body is for a body parameter of type array (the body is a bare array)")
    if location_in is not ParameterLocation.BODY and not shape.type.is_scalar:
        ctx.error(
            (*path, "type"),
            f"a {location_in.value} parameter must be a scalar; only body parameters can be {shape.type.value}s",
        )
    return Parameter(
        name=raw["name"],
        python_name=python_name,
        location_in=location_in,
        shape=shape,
        required=raw["required"],
        description=raw["description"].strip(),
        list_style=ListStyle(listing["style"]) if listing else None,
        max_items=listing.get("max_items") if listing else None,
        whole_body=raw.get("whole_body", False),
        default=raw.get("default"),
        table=_table(raw.get("table")),
        acknowledged=_pairs(raw.get("acknowledged")),
        deprecated=raw.get("deprecated", False),
        location=ctx.at(path),
    )


def _check_parameters(ctx: _Context, parameters: tuple[Parameter, ...], method: str, path: str) -> None:
    seen: dict[tuple[str, str], int] = {}
    python: dict[str, int] = {}
    for index, parameter in enumerate(parameters):
        key = (parameter.location_in.value, parameter.name)
        if key in seen:
            ctx.error(
                ("parameters", index, "name"),
                f"{parameter.location_in.value} parameter '{parameter.name}' is declared twice",
            )
        seen.setdefault(key, index)
        if parameter.python_name in python:
            other = parameters[python[parameter.python_name]].name
            ctx.error(
                ("parameters", index, "name"),
                f"parameters '{other}' and '{parameter.name}' both become the Python name '{parameter.python_name}'; "
                "set python_name on one of them",
            )
        python.setdefault(parameter.python_name, index)
        if parameter.location_in is ParameterLocation.BODY and method == "GET":
            ctx.error(
                ("parameters", index, "in"), f"a GET request has no body; '{parameter.name}' cannot be a body parameter"
            )
    body = [index for index, p in enumerate(parameters) if p.location_in is ParameterLocation.BODY]
    whole = [index for index in body if parameters[index].whole_body]
    if whole and len(body) > 1:
        member = next(index for index in body if index != whole[0])
        ctx.error(
            ("parameters", member, "in"),
            f"the body is the bare array '{parameters[whole[0]].name}' (whole_body), so '{parameters[member].name}' "
            "cannot be a body member too",
        )
    placeholders = path_placeholders(path)
    declared = {p.name for p in parameters if p.location_in is ParameterLocation.PATH}
    for name in placeholders:
        if name not in declared:
            ctx.error(("path",), f"path parameter '{{{name}}}' is not declared in parameters (add one with in: path)")
    for index, parameter in enumerate(parameters):
        if parameter.location_in is ParameterLocation.PATH and parameter.name not in placeholders:
            ctx.error(
                ("parameters", index, "name"), f"path parameter '{parameter.name}' does not appear in the path {path}"
            )


def _build_request_example(
    ctx: _Context, raw: dict[str, Any], path: Path_, method: str, template: str, parameters: tuple[Parameter, ...]
) -> RequestExample:
    try:
        parsed = parse_request(raw["text"])
    except ExampleError as exc:
        ctx.error((*path, "text"), f"request example: {exc}")
        return RequestExample(text=raw["text"], title=raw.get("title", ""), location=ctx.at(path))
    if parsed.method != method:
        ctx.error((*path, "text"), f"request example uses {parsed.method}, but the endpoint's method is {method}")
    if not path_matches(template, parsed.path):
        ctx.error(
            (*path, "text"), f"request example calls {parsed.path}, which does not match the endpoint's path {template}"
        )
    body = raw.get("body", parsed.body)
    body_value = None
    if body is not None:
        try:
            body_value = parse_json(body)
        except ExampleError as exc:
            where = (*path, "body") if "body" in raw else (*path, "text")
            hint = "" if "body" in raw else "; give the body as JSON in `body`"
            ctx.error(where, f"request example: the body is {exc}{hint}")
    return RequestExample(
        text=raw["text"],
        title=raw.get("title") or parsed.caption,
        method=parsed.method,
        path=parsed.path,
        query=parsed.query,
        host=parsed.host,
        body=body,
        body_value=body_value,
        acknowledged=_pairs(raw.get("acknowledged")),
        location=ctx.at(path),
    )


def _build_response_example(ctx: _Context, raw: dict[str, Any], path: Path_, envelope: Envelope) -> ResponseExample:
    acknowledged = _pairs(raw.get("acknowledged"))
    body = None
    text_error: str | None = None
    try:
        body = parse_json(raw["text"])
    except ExampleError as exc:
        text_error = str(exc)
    if "corrected" in raw:
        try:
            body = parse_json(raw["corrected"])
        except ExampleError as exc:
            ctx.error((*path, "corrected"), f"the corrected response example is {exc}")
    elif text_error:
        ctx.error(
            (*path, "text"),
            f"response example is {text_error}; add `corrected` with valid JSON and acknowledge example-invalid-json",
        )
    if body is not None and (not isinstance(body, dict) or envelope.code not in body):
        ctx.error(
            (*path, "corrected" if "corrected" in raw else "text"),
            f"response example has no '{envelope.code}' member; examples show the whole body, envelope included",
        )
    return ResponseExample(
        text=raw["text"],
        title=raw.get("title", ""),
        status=raw.get("status", 200),
        corrected=raw.get("corrected"),
        body=body,
        acknowledged=acknowledged,
        location=ctx.at(path),
    )
