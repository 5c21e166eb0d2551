"""Compare two spec models and classify every change by the rules of the catalogue.

Exchanges match by id; endpoints by (method, path), then by their Python name (so a moved path
is a change of one endpoint, not a removal and an addition); parameters by wire name; response
fields by wire name (aliases included) at every depth. Equality of model objects ignores source
locations, so moving a file, reordering keys or reformatting YAML is not a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator import naming
from generator.diff.rules import RULES, level_rank
from generator.errors import Location
from generator.model import (
    Exchange,
    Field,
    ErrorCode,
    Family,
    FieldType,
    ItemResults,
    Operation,
    Pagination,
    Parameter,
    ParameterLocation,
    Rule,
    Shape,
    SpecSet,
)
from generator.render.context import response_annotation

PERMISSION_ORDER = {"none": 0, "read": 1, "trade": 2, "withdraw": 3}


@dataclass(frozen=True)
class Change:
    rule: str
    exchange: str
    operation: str | None  # Python name, e.g. okx.account.get_balance
    endpoint: str | None  # e.g. GET /api/v5/account/balance
    where: str  # place in the spec, e.g. parameters.ccy or response.data[].details[].ccy
    location: Location  # file:line on the new side (the old side for removals)
    old: Any
    new: Any
    message: str

    @property
    def level(self) -> str:
        return RULES[self.rule].level

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "level": self.level,
            "exchange": self.exchange,
            "operation": self.operation,
            "endpoint": self.endpoint,
            "where": self.where,
            "location": str(self.location),
            "old": _jsonable(self.old),
            "new": _jsonable(self.new),
            "message": self.message,
        }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


@dataclass
class _Collector:
    changes: list[Change] = field(default_factory=list)

    def add(
        self,
        rule: str,
        exchange: str,
        where: str,
        location: Location,
        old: Any,
        new: Any,
        message: str,
        operation: Operation | None = None,
    ) -> None:
        assert rule in RULES, rule
        self.changes.append(
            Change(
                rule,
                exchange,
                f"{operation.exchange}.{operation.section}.{operation.name}" if operation else None,
                f"{operation.method} {operation.path}" if operation else None,
                where,
                location,
                old,
                new,
                message,
            )
        )


def diff_specs(old: SpecSet, new: SpecSet) -> list[Change]:
    """Every change from `old` to `new`, most severe first, then by exchange and place."""
    out = _Collector()
    old_ids = {e.id: e for e in old.exchanges}
    new_ids = {e.id: e for e in new.exchanges}
    for exchange_id in sorted(old_ids.keys() | new_ids.keys()):
        before, after = old_ids.get(exchange_id), new_ids.get(exchange_id)
        if before is None:
            assert after is not None
            out.add(
                "exchange-added",
                exchange_id,
                "exchange",
                after.location,
                None,
                exchange_id,
                f"new exchange {after.name} ({len(after.operations)} endpoints)",
            )
        elif after is None:
            out.add(
                "exchange-removed",
                exchange_id,
                "exchange",
                before.location,
                exchange_id,
                None,
                f"exchange {before.name} removed with its {len(before.operations)} endpoints",
            )
        elif before != after:
            _compare_exchange(out, before, after)
    return sorted(
        out.changes,
        key=lambda c: (level_rank(c.level), c.exchange, c.operation or "", c.where, c.rule),
    )


# --- exchange level ---------------------------------------------------------------------------------


def _compare_exchange(out: _Collector, old: Exchange, new: Exchange) -> None:
    ex = new.id
    old_default, new_default = old.family(""), new.family("")
    assert old_default is not None and new_default is not None
    _compare_family(out, ex, old_default, new_default)
    before = {family.name: family for family in old.families}
    after = {family.name: family for family in new.families}
    for name in sorted(after.keys() - before.keys()):
        out.add(
            "family-added",
            ex,
            f"families.{name}",
            after[name].location,
            None,
            after[name].production_host,
            f"new API family '{name}' ({after[name].production_host})",
        )
    for name in sorted(before.keys() - after.keys()):
        out.add(
            "family-removed",
            ex,
            f"families.{name}",
            new.location,
            before[name].production_host,
            None,
            f"API family '{name}' is gone",
        )
    for name in sorted(before.keys() & after.keys()):
        _compare_family(out, ex, before[name], after[name])
    if old.auth.scheme != new.auth.scheme:
        out.add(
            "auth-scheme-changed",
            ex,
            "auth.scheme",
            new.location,
            old.auth.scheme,
            new.auth.scheme,
            f"signing scheme {old.auth.scheme} -> {new.auth.scheme}",
        )
    old_credentials = [(c.name, c.env) for c in old.auth.credentials]
    new_credentials = [(c.name, c.env) for c in new.auth.credentials]
    if old_credentials != new_credentials:
        out.add(
            "credentials-changed",
            ex,
            "auth.credentials",
            new.location,
            [c for c, _ in old_credentials],
            [c for c, _ in new_credentials],
            "the client takes other credentials",
        )
    if old.demo != new.demo:
        out.add(
            "demo-changed",
            ex,
            "demo",
            new.location,
            _demo_text(old),
            _demo_text(new),
            f"demo trading: {_demo_text(old)} -> {_demo_text(new)}",
        )
    if old.server_time != new.server_time:
        out.add(
            "server-time-changed",
            ex,
            "server_time",
            new.location,
            old.server_time.path if old.server_time else None,
            new.server_time.path if new.server_time else None,
            "the server-time endpoint used for clock sync changed",
        )
    if old.request_id_headers != new.request_id_headers:
        out.add(
            "request-id-headers-changed",
            ex,
            "request_id.headers",
            new.location,
            list(old.request_id_headers),
            list(new.request_id_headers),
            f"the request id is read from {', '.join(new.request_id_headers) or 'no header'}",
        )
    _compare_buckets(out, old, new)
    if (old.doc_base_url, old.error_doc_url, old.name) != (new.doc_base_url, new.error_doc_url, new.name):
        out.add(
            "documentation-changed",
            ex,
            "doc_base_url",
            new.location,
            old.doc_base_url,
            new.doc_base_url,
            "the exchange's name or documentation URLs changed",
        )
    _compare_operations(out, old, new)


def _compare_family(out: _Collector, ex: str, old: Family, new: Family) -> None:
    """Hosts, envelope, success codes and error table of one API family (the default one: "")."""
    prefix = f"families.{new.name}." if new.name else ""
    if old.production_host != new.production_host:
        out.add(
            "host-changed",
            ex,
            f"{prefix}hosts.production",
            new.location,
            old.production_host,
            new.production_host,
            f"production host {old.production_host} -> {new.production_host}",
        )
    old_alternates = {h.url for h in old.alternate_hosts}
    new_alternates = {h.url for h in new.alternate_hosts}
    for url in sorted(new_alternates - old_alternates):
        out.add(
            "alternate-host-added",
            ex,
            f"{prefix}hosts.alternates",
            new.location,
            None,
            url,
            f"new alternative host {url}",
        )
    for url in sorted(old_alternates - new_alternates):
        out.add(
            "alternate-host-removed",
            ex,
            f"{prefix}hosts.alternates",
            new.location,
            url,
            None,
            f"alternative host {url} removed",
        )
    envelope_keys = ("code", "message", "data", "code_type", "error_code")
    old_envelope = tuple(getattr(old.envelope, k) for k in envelope_keys)
    new_envelope = tuple(getattr(new.envelope, k) for k in envelope_keys)
    if old_envelope != new_envelope:
        out.add(
            "envelope-changed",
            ex,
            f"{prefix}envelope",
            new.location,
            list(old_envelope),
            list(new_envelope),
            "the envelope's code/message/data/error-code keys or code type changed",
        )
    if {str(c) for c in old.envelope.success_codes} != {str(c) for c in new.envelope.success_codes}:
        out.add(
            "success-codes-changed",
            ex,
            f"{prefix}envelope.success_codes",
            new.location,
            list(old.envelope.success_codes),
            list(new.envelope.success_codes),
            "other codes now mean success",
        )
    _compare_errors(out, ex, prefix, old.errors, new.errors, new.location)


def _demo_text(exchange: Exchange) -> str:
    if exchange.demo is None or not exchange.demo.supported:
        return "none"
    return ", ".join(f"{k}: {v}" for k, v in exchange.demo.headers) or str(exchange.demo.host)


def _compare_errors(
    out: _Collector,
    ex: str,
    prefix: str,
    old: tuple[ErrorCode, ...],
    new: tuple[ErrorCode, ...],
    location: Location,
) -> None:
    before = {str(e.code): e for e in old}
    after = {str(e.code): e for e in new}
    for code in sorted(after.keys() - before.keys()):
        out.add(
            "error-code-added",
            ex,
            f"{prefix}errors.{code}",
            after[code].location,
            None,
            after[code].kind.value,
            f"error code {code} ({after[code].message}) now raises the {after[code].kind.value} error",
        )
    for code in sorted(before.keys() - after.keys()):
        out.add(
            "error-code-removed",
            ex,
            f"{prefix}errors.{code}",
            location,
            before[code].kind.value,
            None,
            f"error code {code} is no longer mapped; it raises the error its HTTP status implies",
        )
    for code in sorted(before.keys() & after.keys()):
        a, b = before[code], after[code]
        if (a.kind, a.retryable) != (b.kind, b.retryable):
            out.add(
                "error-code-kind-changed",
                ex,
                f"{prefix}errors.{code}",
                b.location,
                f"{a.kind.value}{' (retryable)' if a.retryable else ''}",
                f"{b.kind.value}{' (retryable)' if b.retryable else ''}",
                f"error code {code}: {a.kind.value} -> {b.kind.value}",
            )
        elif a.message != b.message:
            out.add(
                "documentation-changed",
                ex,
                f"{prefix}errors.{code}",
                b.location,
                a.message,
                b.message,
                f"message of error code {code} changed",
            )


def _rate(count: int | None, window: float | None) -> float | None:
    return None if count is None or not window else count / window


def _compare_buckets(out: _Collector, old: Exchange, new: Exchange) -> None:
    for bucket in new.buckets:
        previous = old.bucket(bucket.name)
        if previous is None:
            continue  # a new bucket matters when an endpoint draws from it (rate-limit-bucket-added)
        before, after = _rate(previous.count, previous.window_seconds), _rate(bucket.count, bucket.window_seconds)
        if before != after and before is not None and after is not None:
            rule = "rate-limit-lowered" if after < before else "rate-limit-raised"
            out.add(
                rule,
                new.id,
                f"rate_limit_buckets.{bucket.name}",
                bucket.location,
                f"{previous.count}/{previous.window_seconds:g}s",
                f"{bucket.count}/{bucket.window_seconds:g}s",
                f"shared bucket '{bucket.name}': {previous.count} per {previous.window_seconds:g} s -> "
                f"{bucket.count} per {bucket.window_seconds:g} s",
            )


# --- endpoints ---------------------------------------------------------------------------------------


def _compare_operations(out: _Collector, old: Exchange, new: Exchange) -> None:
    before = {(op.method, op.path): op for op in old.operations}
    after = {(op.method, op.path): op for op in new.operations}
    pairs = [(before[r], after[r]) for r in sorted(before.keys() & after.keys())]
    left = {r: op for r, op in before.items() if r not in after}
    right = {r: op for r, op in after.items() if r not in before}
    by_name = {(op.section, op.name): route for route, op in right.items()}
    removed = []
    for _route, op in sorted(left.items()):  # same Python name, new route: one endpoint that moved
        match = by_name.pop((op.section, op.name), None)
        if match is None:
            removed.append(op)
        else:
            pairs.append((op, right.pop(match)))
    for op in right.values():
        out.add(
            "endpoint-added",
            new.id,
            "endpoint",
            op.location,
            None,
            f"{op.method} {op.path}",
            f"new endpoint {op.method} {op.path}: client.{op.section}.{op.name}()",
            op,
        )
    for op in removed:
        out.add(
            "endpoint-removed",
            new.id,
            "endpoint",
            op.location,
            f"{op.method} {op.path}",
            None,
            f"endpoint {op.method} {op.path} and client.{op.section}.{op.name}() removed",
            op,
        )
    for a, b in pairs:
        if a != b:
            _compare_operation(out, new, a, b)


def _compare_operation(out: _Collector, exchange: Exchange, old: Operation, new: Operation) -> None:
    ex = exchange.id

    def add(rule: str, where: str, location: Location, before: Any, after: Any, message: str) -> None:
        out.add(rule, ex, where, location, before, after, message, new)

    if old.path != new.path:
        add("endpoint-path-changed", "path", new.location, old.path, new.path, f"path {old.path} -> {new.path}")
    if old.method != new.method:
        add(
            "endpoint-method-changed",
            "method",
            new.location,
            old.method,
            new.method,
            f"method {old.method} -> {new.method}",
        )
    if old.name != new.name:
        add(
            "python-method-renamed",
            "operation",
            new.location,
            old.name,
            new.name,
            f"client.{new.section}.{old.name}() is now client.{new.section}.{new.name}()",
        )
    if old.section != new.section:
        add(
            "python-section-renamed",
            "section",
            new.location,
            old.section,
            new.section,
            f"client.{old.section}.{new.name}() is now client.{new.section}.{new.name}()",
        )
    if old.auth != new.auth:
        add("endpoint-auth-changed", "auth", new.location, old.auth, new.auth, f"auth {old.auth} -> {new.auth}")
    if old.family != new.family:
        add(
            "endpoint-family-changed",
            "family",
            new.location,
            old.family or "(default)",
            new.family or "(default)",
            f"the endpoint moved to the API family {new.family or '(default)'}, with its host and envelope",
        )
    old_data, new_data = (
        exchange.envelope_of(old).data,
        exchange.envelope_of(new).data,
    )  # a family's own change: its rule
    if old.family == new.family and old_data != new_data:
        add(
            "endpoint-data-member-changed",
            "data_member",
            new.location,
            old_data,
            new_data,
            f"the response's data is now read from `{new_data}`, no longer `{old_data}`",
        )
    if old.deprecated != new.deprecated and new.deprecated:
        add("endpoint-deprecated", "deprecated", new.location, False, True, "the endpoint is now deprecated")
    if (old.method == "GET" or old.idempotent) != (new.method == "GET" or new.idempotent):
        add(
            "endpoint-idempotency-changed",
            "idempotent",
            new.location,
            old.idempotent,
            new.idempotent,
            f"retries of this call {'allowed' if new.idempotent else 'no longer allowed'}",
        )
    old_level, new_level = PERMISSION_ORDER[old.permission.level], PERMISSION_ORDER[new.permission.level]
    if old_level != new_level:
        add(
            "permission-raised" if new_level > old_level else "permission-lowered",
            "permission.level",
            new.location,
            old.permission.level,
            new.permission.level,
            f"permission {old.permission.level} -> {new.permission.level}",
        )
    _compare_rate_limit(add, old, new)
    _compare_parameters(add, old, new)
    _compare_rules(add, old.rules, new.rules, "rules", new.location)
    _compare_pagination(add, old, new)
    _compare_item_results(add, old, new)
    old_returns, new_returns = response_annotation(old.response), response_annotation(new.response)
    if old.response.type != new.response.type:
        add(
            "response-type-changed",
            "response",
            new.response.location,
            old.response.type.value,
            new.response.type.value,
            f"response data is now {new.response.type.value}, was {old.response.type.value}",
        )
    else:
        if old_returns != new_returns:
            add(
                "python-return-type-changed",
                "response",
                new.response.location,
                old_returns,
                new_returns,
                f"returns {new_returns}, was {old_returns}",
            )
        _compare_shape(add, old.response, new.response, "response.data", root=True)
    docs = [
        ("title", old.title, new.title),
        ("description", old.description, new.description),
        ("notes", list(old.notes), list(new.notes)),
        ("doc_url", old.doc_url, new.doc_url),
        ("permission.text", old.permission.text, new.permission.text),
        ("rate_limit.text", old.rate_limit.text, new.rate_limit.text),
    ]
    for where, before, after in docs:
        if before != after:
            add("documentation-changed", where, new.location, before, after, f"{where} changed")
    if (old.request_examples, old.response_examples) != (new.request_examples, new.response_examples):
        add("documentation-changed", "examples", new.location, None, None, "the documentation's examples changed")


def _paging(pagination: Pagination | None) -> dict[str, Any] | None:
    """What of an endpoint's paging decides which pages come: all but the page's words."""
    if pagination is None:
        return None
    return {
        "style": pagination.style.value,
        "parameter": pagination.parameter,
        "item_field": pagination.item_field,
        "size_parameter": pagination.size_parameter,
        "default_size": pagination.default_size,
        "first_page": pagination.first_page,
        "step": pagination.step,
    }


def _compare_declared(
    add: Any,
    rule: str,
    where: str,
    new: Operation,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    location: Location | None,
    messages: tuple[str, str, str],
) -> None:
    """A construct an endpoint declares or not (paging, item results): `rule`-added, -removed or
    -changed, with the keys that changed; `messages` say it for added, removed and changed."""
    if before == after:
        return
    if before is None:
        add(f"{rule}-added", where, location or new.location, None, after, messages[0])
    elif after is None:
        add(f"{rule}-removed", where, new.location, before, None, messages[1])
    else:
        changed = ", ".join(key for key in before if before[key] != after[key])
        add(f"{rule}-changed", where, location or new.location, before, after, f"{messages[2]} ({changed})")


def _compare_pagination(add: Any, old: Operation, new: Operation) -> None:
    iterator = f"client.{new.section}.{naming.iterator_name(new.name)}()"
    messages = (f"new {iterator} pages through it", f"{iterator} is gone", f"{iterator} pages differently")
    location = new.pagination.location if new.pagination else None
    before, after = _paging(old.pagination), _paging(new.pagination)
    _compare_declared(add, "pagination", "pagination", new, before, after, location, messages)
    if before == after and old.pagination and new.pagination and old.pagination.text != new.pagination.text:
        add(
            "documentation-changed",
            "pagination.text",
            location,
            old.pagination.text,
            new.pagination.text,
            "pagination.text changed",
        )


def _item_results(results: ItemResults | None) -> dict[str, Any] | None:
    if results is None:
        return None
    return {
        "code": results.code,
        "message": results.message,
        "success_codes": sorted(results.success_codes),
        "envelope_codes": sorted(results.envelope_codes),
    }


def _compare_item_results(add: Any, old: Operation, new: Operation) -> None:
    messages = (
        "a failed item now raises PartialFailureError",
        "failed items no longer raise PartialFailureError",
        "item results are read differently",
    )
    location = new.item_results.location if new.item_results else None
    before, after = _item_results(old.item_results), _item_results(new.item_results)
    _compare_declared(add, "item-results", "item_results", new, before, after, location, messages)


def _compare_rate_limit(add: Any, old: Operation, new: Operation) -> None:
    a, b = old.rate_limit, new.rate_limit
    before, after = _rate(a.count, a.window_seconds), _rate(b.count, b.window_seconds)
    shown_before = f"{a.count}/{a.window_seconds:g}s" if before is not None else None
    shown_after = f"{b.count}/{b.window_seconds:g}s" if after is not None else None
    if before != after:
        lowered = after is not None and (before is None or after < before)
        add(
            "rate-limit-lowered" if lowered else "rate-limit-raised",
            "rate_limit",
            new.location,
            shown_before,
            shown_after,
            f"rate limit {shown_before or 'none'} -> {shown_after or 'none'}",
        )
    if (a.scope, a.instrument) != (b.scope, b.instrument) and before is not None and after is not None:
        shown = [f"{limit.scope}" + (f" ({limit.instrument})" if limit.instrument else "") for limit in (a, b)]
        add(
            "rate-limit-scope-changed",
            "rate_limit.scope",
            new.location,
            shown[0],
            shown[1],
            f"the rate limit counts per {shown[1]}, was per {shown[0]}",
        )
    if a.per_item != b.per_item and before is not None and after is not None:
        add(
            "rate-limit-weight-changed",
            "rate_limit.per_item",
            new.location,
            a.per_item,
            b.per_item,
            f"the rate limit counts {'the items of ' + b.per_item if b.per_item else 'requests'}, "
            f"was {'the items of ' + a.per_item if a.per_item else 'requests'}",
        )
    for bucket in sorted(set(b.buckets) - set(a.buckets)):
        add(
            "rate-limit-bucket-added",
            f"rate_limit.buckets.{bucket}",
            new.location,
            None,
            bucket,
            f"now also draws from the shared bucket '{bucket}'",
        )
    for bucket in sorted(set(a.buckets) - set(b.buckets)):
        add(
            "rate-limit-bucket-removed",
            f"rate_limit.buckets.{bucket}",
            new.location,
            bucket,
            None,
            f"no longer draws from the shared bucket '{bucket}'",
        )


def _enum_values(shape: Shape) -> set[str]:
    return {str(v.value) for v in shape.enum}


def _compare_parameters(add: Any, old: Operation, new: Operation) -> None:
    before = {p.name: p for p in old.parameters}
    after = {p.name: p for p in new.parameters}
    for name in sorted(after.keys() - before.keys()):
        p = after[name]
        rule = "request-parameter-added-required" if p.required else "request-parameter-added-optional"
        add(
            rule,
            f"parameters.{name}",
            p.location,
            None,
            p.python_name,
            f"new {'required' if p.required else 'optional'} argument {p.python_name} ({name})",
        )
    for name in sorted(before.keys() - after.keys()):
        p = before[name]
        add(
            "request-parameter-removed",
            f"parameters.{name}",
            new.location,
            p.python_name,
            None,
            f"argument {p.python_name} ({name}) removed",
        )
    for name in sorted(before.keys() & after.keys()):
        _compare_parameter(add, before[name], after[name])


def _compare_parameter(add: Any, old: Parameter, new: Parameter) -> None:
    where = f"parameters.{new.name}"
    if old == new:
        return
    if old.required != new.required:
        rule = "request-parameter-became-required" if new.required else "request-parameter-became-optional"
        add(
            rule,
            where,
            new.location,
            old.required,
            new.required,
            f"argument {new.python_name} is now {'required' if new.required else 'optional'}",
        )
    if old.shape.type != new.shape.type:
        add(
            "request-parameter-type-changed",
            where,
            new.location,
            old.shape.type.value,
            new.shape.type.value,
            f"argument {new.python_name}: {old.shape.type.value} -> {new.shape.type.value}",
        )
    if old.location_in != new.location_in:
        add(
            "request-parameter-location-changed",
            where,
            new.location,
            old.location_in.value,
            new.location_in.value,
            f"argument {new.python_name} moved from {old.location_in.value} to {new.location_in.value}",
        )
    if old.python_name != new.python_name:
        add(
            "python-parameter-renamed",
            where,
            new.location,
            old.python_name,
            new.python_name,
            f"keyword argument {old.python_name} is now {new.python_name}",
        )
    for value in sorted(_enum_values(new.shape) - _enum_values(old.shape)):
        add(
            "request-parameter-enum-value-added",
            f"{where}.enum",
            new.location,
            None,
            value,
            f"argument {new.python_name} accepts {value}",
        )
    for value in sorted(_enum_values(old.shape) - _enum_values(new.shape)):
        add(
            "request-parameter-enum-value-removed",
            f"{where}.enum",
            new.location,
            value,
            None,
            f"argument {new.python_name} no longer accepts {value}",
        )
    old_style = old.list_style.value if old.list_style else None
    new_style = new.list_style.value if new.list_style else None
    if old_style != new_style:
        add(
            "request-parameter-list-changed",
            f"{where}.list",
            new.location,
            old_style,
            new_style,
            f"argument {new.python_name}: list style {old_style or 'none'} -> {new_style or 'none'}",
        )
    elif old_style is not None and old.max_items != new.max_items:
        _compare_max_items(
            add,
            "request-parameter",
            f"{where}.list.max_items",
            new.location,
            old.max_items,
            new.max_items,
            f"argument {new.python_name}",
        )
    if old.whole_body != new.whole_body:
        add(
            "request-body-shape-changed",
            where,
            new.location,
            old.whole_body,
            new.whole_body,
            f"the body is {'the bare array ' + new.python_name if new.whole_body else 'a JSON object'} now",
        )
    elif old.shape.max_items != new.shape.max_items:
        _compare_max_items(
            add,
            "request-parameter",
            f"{where}.max_items",
            new.location,
            old.shape.max_items,
            new.shape.max_items,
            f"argument {new.python_name}",
        )
    if old.location_in is ParameterLocation.BODY and new.location_in is ParameterLocation.BODY:
        _compare_request_shape(add, old.shape, new.shape, where, new.python_name)
    if (old.description, old.shape.unit) != (new.description, new.shape.unit):
        add(
            "documentation-changed",
            f"{where}.description",
            new.location,
            old.description,
            new.description,
            f"description of argument {new.python_name} changed",
        )


def _compare_rules(add: Any, old: tuple[Rule, ...], new: tuple[Rule, ...], where: str, location: Location) -> None:
    """Rules between members, compared by what they say (not where or in which words)."""

    def key(rule: Rule) -> tuple[str, tuple[str, ...], str | None, tuple[str, ...]]:
        return rule.kind.value, rule.members, rule.when, tuple(sorted(rule.values))

    before, after = {key(r): r for r in old}, {key(r): r for r in new}
    for added in (after[k] for k in after if k not in before):
        add("request-rule-added", where, added.location, None, added.describe(str), f"new rule: {added.describe(str)}")
    for removed in (before[k] for k in before if k not in after):
        add(
            "request-rule-removed",
            where,
            location,
            removed.describe(str),
            None,
            f"rule removed: {removed.describe(str)}",
        )


def _compare_max_items(
    add: Any, prefix: str, where: str, location: Location, before: int | None, after: int | None, what: str
) -> None:
    bigger = after is None or (before is not None and after > before)
    add(
        f"{prefix}-max-items-increased" if bigger else f"{prefix}-max-items-decreased",
        where,
        location,
        before,
        after,
        f"{what} takes at most {after or 'any number of'} items, was {before or 'any number'}",
    )


def _compare_request_shape(add: Any, old: Shape, new: Shape, where: str, shown: str) -> None:
    """The members of a body argument's objects, at any depth: what a caller may and must pass."""
    if old == new or old.type != new.type:
        return  # a changed type (or max_items) is reported for the argument or member itself
    if old.type is FieldType.ARRAY and old.items is not None and new.items is not None:
        if old.items.type != new.items.type:
            add(
                "request-member-type-changed",
                f"{where}[]",
                new.location,
                old.items.type.value,
                new.items.type.value,
                f"items of {shown}: {old.items.type.value} -> {new.items.type.value}",
            )
            return
        _compare_request_shape(add, old.items, new.items, f"{where}[]", f"{shown}[]")
        return
    if old.type is not FieldType.OBJECT:
        return
    _compare_rules(add, old.rules, new.rules, f"{where}.rules", new.location)
    if old.model != new.model and old.fields and new.fields:
        add("python-model-renamed", where, new.location, old.model, new.model, f"model {old.model} is now {new.model}")
    before = {name: f for f in old.fields for name in f.wire_names}
    after = {name: f for f in new.fields for name in f.wire_names}
    for member in new.fields:
        if _match_field(member, before) is None:
            kind = "required" if member.required else "optional"
            add(
                f"request-member-added-{kind}",
                f"{where}.{member.name}",
                member.location,
                None,
                member.python_name,
                f"{shown} takes a new {kind} member {member.python_name} ({member.name})",
            )
    for member in old.fields:
        counterpart = _match_field(member, after)
        if counterpart is None:
            add(
                "request-member-removed",
                f"{where}.{member.name}",
                new.location,
                member.python_name,
                None,
                f"{shown} no longer takes {member.python_name} ({member.name})",
            )
            continue
        place, name = f"{where}.{counterpart.name}", f"{shown}.{counterpart.python_name}"
        if member.required != counterpart.required:
            rule = "request-member-became-required" if counterpart.required else "request-member-became-optional"
            state = "required" if counterpart.required else "optional"
            add(rule, place, counterpart.location, member.required, counterpart.required, f"{name} is now {state}")
        if member.shape.type != counterpart.shape.type:
            add(
                "request-member-type-changed",
                place,
                counterpart.location,
                member.shape.type.value,
                counterpart.shape.type.value,
                f"{name}: {member.shape.type.value} -> {counterpart.shape.type.value}",
            )
            continue
        if member.shape.max_items != counterpart.shape.max_items:
            _compare_max_items(
                add,
                "request-member",
                f"{place}.max_items",
                counterpart.location,
                member.shape.max_items,
                counterpart.shape.max_items,
                name,
            )
        if member.python_name != counterpart.python_name:
            add(
                "python-attribute-renamed",
                place,
                counterpart.location,
                member.python_name,
                counterpart.python_name,
                f"{shown} member {member.python_name} is now {counterpart.python_name}",
            )
        for value in sorted(_enum_values(counterpart.shape) - _enum_values(member.shape)):
            add(
                "request-member-enum-value-added",
                f"{place}.enum",
                counterpart.location,
                None,
                value,
                f"{name} accepts {value}",
            )
        for value in sorted(_enum_values(member.shape) - _enum_values(counterpart.shape)):
            add(
                "request-member-enum-value-removed",
                f"{place}.enum",
                counterpart.location,
                value,
                None,
                f"{name} no longer accepts {value}",
            )
        if (member.shape.description, member.shape.unit) != (counterpart.shape.description, counterpart.shape.unit):
            add(
                "documentation-changed",
                f"{place}.description",
                counterpart.location,
                member.shape.description,
                counterpart.shape.description,
                f"description or unit of {name} changed",
            )
        _compare_request_shape(add, member.shape, counterpart.shape, place, name)


def _match_field(field_: Field, candidates: dict[str, Field]) -> Field | None:
    for name in field_.wire_names:
        if name in candidates:
            return candidates[name]
    return None


def _compare_shape(add: Any, old: Shape, new: Shape, where: str, *, root: bool = False) -> None:
    if old == new:
        return
    if old.type is FieldType.ARRAY and new.type is FieldType.ARRAY:
        assert old.items is not None and new.items is not None
        if old.items.type != new.items.type:
            add(
                "response-field-type-changed",
                f"{where}[]",
                new.location,
                old.items.type.value,
                new.items.type.value,
                f"{where}[] is now {new.items.type.value}, was {old.items.type.value}",
            )
            return
        _compare_shape(add, old.items, new.items, f"{where}[]")
        return
    if old.type is not FieldType.OBJECT or new.type is not FieldType.OBJECT:
        return
    if old.model != new.model and not root:
        add("python-model-renamed", where, new.location, old.model, new.model, f"model {old.model} is now {new.model}")
    if old.positional or new.positional:
        _compare_positions(add, old, new, where)
    before = {name: f for f in old.fields for name in f.wire_names}
    after = {name: f for f in new.fields for name in f.wire_names}
    for field_ in new.fields:
        if _match_field(field_, before) is None:
            add(
                "response-field-added",
                f"{where}.{field_.name}",
                field_.location,
                None,
                field_.shape.type.value,
                f"new field {where}.{field_.name} ({field_.python_name}: {field_.shape.type.value})",
            )
    for field_ in old.fields:
        counterpart = _match_field(field_, after)
        if counterpart is None:
            add(
                "response-field-removed",
                f"{where}.{field_.name}",
                new.location,
                field_.python_name,
                None,
                f"field {where}.{field_.name} ({field_.python_name}) removed",
            )
        else:
            _compare_field(add, field_, counterpart, f"{where}.{counterpart.name}")


def _compare_positions(add: Any, old: Shape, new: Shape, where: str) -> None:
    """A positional object may only gain positions at its end."""
    before = [f.name for f in old.fields]
    after = [f.name for f in new.fields]
    if old.positional != new.positional:
        form = "a JSON array of positions" if new.positional else "a JSON object"
        add("response-positions-changed", where, new.location, before, after, f"{where} now comes as {form}")
    elif after[: len(before)] != before:
        index = next(i for i, name in enumerate(before) if i >= len(after) or after[i] != name)
        now = f"'{after[index]}'" if index < len(after) else "nothing"
        add(
            "response-positions-changed",
            f"{where}[{index}]",
            new.location,
            before,
            after,
            f"position {index} of {where} was '{before[index]}', is now {now}",
        )


def _compare_field(add: Any, old: Field, new: Field, where: str) -> None:
    if old == new:
        return
    if old.shape.type != new.shape.type:
        add(
            "response-field-type-changed",
            where,
            new.location,
            old.shape.type.value,
            new.shape.type.value,
            f"{where} is now {new.shape.type.value}, was {old.shape.type.value}",
        )
        return
    if old.python_name != new.python_name:
        add(
            "python-attribute-renamed",
            where,
            new.location,
            old.python_name,
            new.python_name,
            f"attribute {old.python_name} is now {new.python_name}",
        )
    if new.shape.nullable and not old.shape.nullable:
        add("response-field-became-nullable", where, new.location, False, True, f"{where} may now be null")
    for value in sorted(_enum_values(new.shape) - _enum_values(old.shape)):
        add("response-field-enum-value-added", f"{where}.enum", new.location, None, value, f"{where} may be {value}")
    for value in sorted(_enum_values(old.shape) - _enum_values(new.shape)):
        add(
            "response-field-enum-value-removed",
            f"{where}.enum",
            new.location,
            value,
            None,
            f"{where} is no longer documented to be {value}",
        )
    for alias in sorted(set(new.aliases) - set(old.aliases) - {old.name}):
        add(
            "response-field-alias-added",
            f"{where}.aliases",
            new.location,
            None,
            alias,
            f"{where} is also read from {alias}",
        )
    for alias in sorted(set(old.aliases) - set(new.aliases) - {new.name}):
        add(
            "response-field-alias-removed",
            f"{where}.aliases",
            new.location,
            alias,
            None,
            f"{where} is no longer read from {alias}",
        )
    if (old.shape.description, old.shape.unit) != (new.shape.description, new.shape.unit):
        add(
            "documentation-changed",
            f"{where}.description",
            new.location,
            old.shape.description,
            new.shape.description,
            f"description or unit of {where} changed",
        )
    _compare_shape(add, old.shape, new.shape, where)
