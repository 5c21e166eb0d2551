"""`sdkgen lint`: where a spec's examples disagree with its own field table.

The spec records the documentation's table (field names, the type column via `table.type`,
nesting, and `table: {flattened: true}` where the table lists a member's fields at the wrong
level). Lint rebuilds that table, walks each response example and each request body example
against it (the body against the body parameters: a request may leave optional members out),
and reports every disagreement. A disagreement the spec acknowledges (`acknowledged: {rule: note}` on the field or
example) is reported as acknowledged; anything else is a warning. An acknowledgement that no
longer matches anything is a warning too, so notes cannot go stale silently.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.errors import Location
from generator.examples import ExampleError, parse_json
from generator.model import (
    Exchange,
    Field,
    FieldType,
    ListStyle,
    Operation,
    Parameter,
    ParameterLocation,
    RequestExample,
    ResponseExample,
    Shape,
    SpecSet,
)
from generator.spec_types import spec_type

RULES: dict[str, str] = {
    "example-invalid-json": "a response example is not valid JSON as the page prints it",
    "example-missing-data": "a success example has no member where the endpoint's data is read (data_member)",
    "example-undocumented-field": "an example has a field the table does not list",
    "example-missing-field": "the table lists a field the example does not have",
    "example-type-mismatch": "the table's type column disagrees with the example's JSON type",
    "example-invalid-value": "an example value does not fit the field's spec type",
    "example-enum-value": "an example value is not one of the documented enum values",
    "example-field-renamed": "the table and the example name the same field differently",
    "flattened-table": "the table lists a nested object's fields beside its parent's fields",
    "example-breaks-rule": "a request example breaks a documented rule between members (required-if, one-of)",
    "enum-value-listed-twice": "a table lists an enum value twice (with the same or another meaning)",
    "stale-acknowledgement": "an acknowledged disagreement that lint no longer finds",
    "unconfirmed-acknowledgement": "a drafted note (TODO) that no maintainer has confirmed against the page yet",
}


@dataclass(frozen=True)
class Finding:
    rule: str
    location: Location
    operation: str  # exchange.section.method
    path: str  # where in the response body, e.g. data[].details[].ccy
    message: str
    note: str | None = None  # the spec's acknowledgement, when it has one

    @property
    def severity(self) -> str:
        return "acknowledged" if self.note is not None else "warning"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "file": self.location.file,
            "line": self.location.line,
            "column": self.location.column,
            "operation": self.operation,
            "path": self.path,
            "message": self.message,
            "note": self.note,
        }


# The table's type column -> JSON value kinds it allows.
_JSON_KINDS = {
    "string": (str,),
    "array": (list,),
    "object": (dict,),
    "boolean": (bool,),
    "number": (int, float, Decimal),
}


def _documented_kind(type_text: str) -> str | None:
    word = type_text.strip().lower()
    if word.startswith(("array", "list")):
        return "array"
    if word in ("string", "str", "varchar", "char", "text"):
        return "string"
    if word in ("object", "map", "dict", "json"):
        return "object"
    if word in ("boolean", "bool"):
        return "boolean"
    if word in ("number", "integer", "int", "long", "float", "double", "decimal", "bigdecimal"):
        return "number"
    return None


def _table_type(field: Field) -> str:
    return field.table.type or spec_type(field.shape).table_type


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float, Decimal)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def fits_type(shape: Shape, value: Any) -> bool:
    """Can the SDK read `value` as `shape`? (`""` and null mean 'not applicable'.)"""
    return value is None or spec_type(shape).fits(value)


def _short(value: Any) -> str:
    text = repr(str(value)) if isinstance(value, Decimal) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


class _Walker:
    """Compares one example (a response, or a request body) with the table of one operation."""

    def __init__(self, operation: Operation, example: ResponseExample | RequestExample, request: bool = False) -> None:
        self.operation = operation
        self.example = example
        self.request = request
        self.findings: list[Finding] = []
        self.matched: set[tuple[Location, str]] = set()  # (field's place, rule) that found something

    def report(self, rule: str, path: str, message: str, field: Field | None) -> None:
        note = field.acknowledgement(rule) if field is not None else None
        if field is not None and note is not None:
            self.matched.add((field.location, rule))
        location = field.location if field is not None else self.example.location
        name = f"{self.operation.exchange}.{self.operation.section}.{self.operation.name}"
        self.findings.append(Finding(rule, location, name, path, message, note))

    def walk_value(self, shape: Shape, values: list[Any], path: str, displaced: frozenset[str] = frozenset()) -> None:
        """Descend into example values of a shape (objects and arrays).

        `displaced` names fields already reported as listed one level up (a flattened table).
        """
        if shape.type is FieldType.OBJECT:
            objects = [keyed for v in values if isinstance(keyed := shape.keyed(v), dict)]
            if objects:
                self.walk_object(shape, objects, path, displaced)
        elif shape.type is FieldType.ARRAY and shape.items is not None:
            elements = [e for v in values if isinstance(v, list) for e in v]
            self.walk_value(shape.items, elements, path + "[]", displaced)

    def walk_object(self, shape: Shape, objects: list[dict[str, Any]], path: str, displaced: frozenset[str]) -> None:
        keys: dict[str, None] = {}
        for obj in objects:
            keys.update(dict.fromkeys(obj))
        known = {name: field for field in shape.fields for name in field.wire_names}
        missing: list[Field] = []
        checks: list[tuple[Field, str]] = []
        for field in shape.fields:
            present = [n for n in field.wire_names if n in keys]
            if not field.table.listed:
                if present:
                    self.report(
                        "example-undocumented-field",
                        f"{path}.{present[0]}",
                        f"the example sends '{present[0]}', which the table does not list",
                        field,
                    )
            elif field.name not in keys and present:
                self.report(
                    "example-field-renamed",
                    f"{path}.{field.name}",
                    f"the table calls this field '{field.name}'; the example sends '{present[0]}'",
                    field,
                )
            elif not present and (field.required or not self.request):
                missing.append(field)
            checks += [(field, name) for name in present]
        undocumented = [k for k in keys if k not in known and k not in displaced]
        missing, moved = self.find_flattening(shape, objects, path, missing)
        for field, name in checks:
            self.check_values(
                field,
                [o[name] for o in objects if name in o],
                f"{path}.{name}",
                moved.get(field.name, frozenset()),
                # a field the table leaves out, or a position it does not type, has no table type
                typed=field.table.listed and (not shape.positional or field.table.type is not None),
            )
        for field in list(missing):
            similar = difflib.get_close_matches(field.name, undocumented, n=1, cutoff=0.85)
            if similar:
                self.report(
                    "example-field-renamed",
                    f"{path}.{field.name}",
                    f"the table lists '{field.name}', the example sends '{similar[0]}' instead; "
                    f"if they are the same field, add '{similar[0]}' to its aliases",
                    field,
                )
                undocumented.remove(similar[0])
                missing.remove(field)
        for field in missing:
            self.report(
                "example-missing-field",
                f"{path}.{field.name}",
                f"the table lists '{field.name}', but the example does not send it",
                field,
            )
        for rule in shape.rules:
            breaking = [obj for obj in objects if rule.broken(obj)]
            if breaking:
                note = dict(rule.acknowledged).get("example-breaks-rule")
                if note is not None:
                    self.matched.add((rule.location, "example-breaks-rule"))
                name = f"{self.operation.exchange}.{self.operation.section}.{self.operation.name}"
                message = f"the example breaks the rule: {rule.describe(str)}"
                self.findings.append(Finding("example-breaks-rule", rule.location, name, path, message, note))
        kept = "the SDK refuses it" if self.request else "the SDK keeps it as an extra field"
        for key in undocumented:
            self.report(
                "example-undocumented-field",
                f"{path}.{key}",
                f"the example sends '{key}', which the table does not list ({kept})",
                None,
            )

    def find_flattening(
        self, shape: Shape, objects: list[dict[str, Any]], path: str, missing: list[Field]
    ) -> tuple[list[Field], dict[str, frozenset[str]]]:
        """Report containers whose members the table lists at this level.

        Returns the fields still missing, and per container the names found displaced into it.
        """
        moved: dict[str, frozenset[str]] = {}
        for container in shape.fields:
            nested = _nested_keys([o.get(n) for o in objects for n in container.wire_names])
            if container.table.flattened:
                self.report(
                    "flattened-table",
                    f"{path}.{container.name}",
                    f"the table lists the members of '{container.name}' at this level, without nesting; "
                    f"the example nests them inside '{container.name}'",
                    container,
                )
                continue
            displaced = [f for f in missing if f.name in nested]
            if len(displaced) >= 2:
                names = ", ".join(f.name for f in displaced)
                self.report(
                    "flattened-table",
                    f"{path}.{container.name}",
                    f"the table lists {names} at this level, but the example has them inside '{container.name}'; "
                    f"nest them under '{container.name}' and mark it table: {{flattened: true}}",
                    container,
                )
                missing = [f for f in missing if f not in displaced]
                moved[container.name] = frozenset(f.name for f in displaced)
        return missing, moved

    def check_values(
        self, field: Field, values: list[Any], path: str, displaced: frozenset[str] = frozenset(), typed: bool = True
    ) -> None:
        present = [v for v in values if v is not None]
        documented = _documented_kind(_table_type(field)) if typed else None
        if documented is not None:
            wrong = [
                v
                for v in present
                if not isinstance(v, _JSON_KINDS[documented]) or (documented == "number" and isinstance(v, bool))
            ]
            if wrong:
                self.report(
                    "example-type-mismatch",
                    path,
                    f"the table types '{field.name}' as {_table_type(field)}, but the example sends "
                    f"{_json_kind(wrong[0])} {_short(wrong[0])}",
                    field,
                )
        invalid = [v for v in present if not fits_type(field.shape, v)]
        if invalid:
            self.report(
                "example-invalid-value",
                path,
                f"{_short(invalid[0])} is not a valid {field.shape.type.value} for '{field.name}'",
                field,
            )
        if field.shape.enum:
            allowed = {str(e.value) for e in field.shape.enum}
            outside = [v for v in present if not isinstance(v, (dict, list)) and str(v) not in allowed and v != ""]
            if outside:
                documented_values = ", ".join(str(e.value) for e in field.shape.enum)
                self.report(
                    "example-enum-value",
                    path,
                    f"{_short(outside[0])} is not one of the documented values ({documented_values})",
                    field,
                )
        self.walk_value(field.shape, present, path, displaced)


def _nested_keys(values: Iterable[Any]) -> set[str]:
    keys: set[str] = set()
    for value in values:
        if isinstance(value, dict):
            keys |= set(value)
        elif isinstance(value, list):
            keys |= {k for item in value if isinstance(item, dict) for k in item}
    return keys


def _fields(shape: Shape) -> Iterable[Field]:
    for field in shape.fields:
        yield field
        yield from _fields(field.shape)
    if shape.items is not None:
        yield from _fields(shape.items)


def _objects(shape: Shape) -> Iterable[Shape]:
    """`shape` and every shape inside it."""
    yield shape
    for field in shape.fields:
        yield from _objects(field.shape)
    if shape.items is not None:
        yield from _objects(shape.items)


def _lint_example(
    exchange: Exchange, operation: Operation, example: ResponseExample
) -> tuple[list[Finding], set[tuple[Location, str]]]:
    walker = _Walker(operation, example)
    name = f"{operation.exchange}.{operation.section}.{operation.name}"
    try:
        parse_json(example.text)
        verbatim_error = None
    except ExampleError as exc:
        verbatim_error = str(exc)
    note = dict(example.acknowledged).get("example-invalid-json")
    if verbatim_error:
        walker.findings.append(
            Finding("example-invalid-json", example.location, name, "", f"the example is {verbatim_error}", note)
        )
    elif note is not None:
        walker.findings.append(
            Finding(
                "stale-acknowledgement",
                example.location,
                name,
                "",
                "acknowledges example-invalid-json, but the example's text is valid JSON",
            )
        )
    body = example.body
    envelope = exchange.envelope_of(operation)
    data_key = envelope.data
    if isinstance(body, dict) and data_key in body:
        walker.walk_value(operation.response, [body[data_key]], data_key)
    elif isinstance(body, dict) and str(body.get(envelope.code)) in {str(c) for c in envelope.success_codes}:
        members = ", ".join(body) or "none"
        missing = dict(example.acknowledged).get("example-missing-data")
        message = f"the example succeeds but has no '{data_key}', where the SDK reads the data (members: {members})"
        walker.findings.append(Finding("example-missing-data", example.location, name, "", message, missing))
        if missing is not None:
            walker.matched.add((example.location, "example-missing-data"))
    return walker.findings, walker.matched


def query_text_fits(shape: Shape, text: str) -> bool:
    """Can the SDK send this query-string text of an example for a parameter of `shape`?"""
    try:
        spec_type(shape).argument_from_text(text)
    except (ValueError, ArithmeticError):
        return False
    return True


def _lint_request_example(
    operation: Operation, example: RequestExample
) -> tuple[list[Finding], set[tuple[Location, str]]]:
    """A request example against the parameter table: its query (names, types, enum values,
    acknowledged on the parameter, or on the example for a name the table lacks) and its body."""
    walker = _Walker(operation, example, request=True)
    name = f"{operation.exchange}.{operation.section}.{operation.name}"
    query = {p.name: p for p in operation.parameters if p.location_in is ParameterLocation.QUERY}

    def report(rule: str, where: str, message: str, parameter: Parameter | None) -> None:
        owner: Parameter | RequestExample = parameter if parameter is not None else example
        note = dict(owner.acknowledged).get(rule)
        if note is not None:
            walker.matched.add((owner.location, rule))
        walker.findings.append(Finding(rule, owner.location, name, where, message, note))

    for key, value in example.query:
        parameter = query.get(key)
        if parameter is None:
            message = f"the example sends '{key}', which the table does not list (the SDK cannot send it)"
            report("example-undocumented-field", f"query.{key}", message, None)
            continue
        items = value.split(",") if parameter.list_style is ListStyle.COMMA else [value]
        item_shape = parameter.shape.items if parameter.shape.items is not None else parameter.shape
        allowed = {str(w) for v in item_shape.enum for w in (v.value, *v.aliases)}
        for item in items:
            if allowed and item not in allowed:
                documented = ", ".join(str(v.value) for v in item_shape.enum)
                message = f"{item!r} is not one of the documented values ({documented})"
                report("example-enum-value", f"query.{key}", message, parameter)
            elif not query_text_fits(item_shape, item):
                message = f"{item!r} is not a valid {item_shape.type.value} for '{key}'"
                report("example-invalid-value", f"query.{key}", message, parameter)
    shape = operation.body_shape
    if shape is not None and example.body_value is not None:
        walker.walk_value(shape, [example.body_value], "body")
    return walker.findings, walker.matched


def _enum_shapes(operation: Operation) -> Iterable[tuple[str, Shape]]:
    """(where, shape) of every enum of the operation: parameters (a shared shape's members too),
    then the response."""
    for parameter in operation.parameters:
        for field in [None, *_fields(parameter.shape)]:
            shape = parameter.shape if field is None else field.shape
            where = parameter.name if field is None else field.name
            for inner in [shape, *([shape.items] if shape.items is not None else [])]:
                if inner.enum:
                    yield where, inner
    for field in _fields(operation.response):
        for inner in [field.shape, *([field.shape.items] if field.shape.items is not None else [])]:
            if inner.enum:
                yield field.name, inner


def _lint_enums(operation: Operation) -> tuple[list[Finding], set[tuple[Location, str]]]:
    """Values a table lists twice: one finding per repeat, acknowledged on the repeat itself."""
    name = f"{operation.exchange}.{operation.section}.{operation.name}"
    findings = []
    matched = set()
    for where, shape in _enum_shapes(operation):
        for value in shape.enum:
            for repeat in value.repeats:
                note = dict(repeat.acknowledged).get("enum-value-listed-twice")
                if note is not None:
                    matched.add((repeat.location, "enum-value-listed-twice"))
                same = repeat.description == value.description
                meaning = (
                    "with the same meaning" if same else f"as {repeat.description!r}, first as {value.description!r}"
                )
                message = f"the table lists {where} value {str(value.value)!r} twice, {meaning}"
                findings.append(Finding("enum-value-listed-twice", repeat.location, name, where, message, note))
    return findings, matched


def lint_operation(exchange: Exchange, operation: Operation) -> tuple[list[Finding], set[tuple[Location, str]]]:
    """The findings of one operation's examples and tables, and the acknowledgements they matched."""
    findings, matched = _lint_enums(operation)
    for example in operation.response_examples:
        found, hits = _lint_example(exchange, operation, example)
        findings += found
        matched |= hits
    for request in operation.request_examples:
        found, hits = _lint_request_example(operation, request)
        findings += found
        matched |= hits
    return findings, matched


def _stale(operation: Operation, matched: set[tuple[Location, str]], checked: set[Location]) -> list[Finding]:
    """Acknowledgements on the operation's fields that no example matched. A field of a shared
    shape is checked once, against the examples of every operation that uses it."""
    name = f"{operation.exchange}.{operation.section}.{operation.name}"
    body = operation.body_shape
    found = []
    for between in [r for shape in _objects(body) for r in shape.rules] if body is not None else []:
        if between.location in checked:
            continue
        checked.add(between.location)
        for lint_rule, _note in between.acknowledged:
            if (between.location, lint_rule) not in matched:
                message = f"the rule '{between.describe(str)}' acknowledges {lint_rule}, but no example shows that"
                found.append(Finding("stale-acknowledgement", between.location, name, "", message))
    owners: list[Parameter | RequestExample] = [
        *(p for p in operation.parameters if p.location_in is ParameterLocation.QUERY),
        *operation.request_examples,
    ]
    for owner in owners:
        for rule, _note in owner.acknowledged:
            if (owner.location, rule) not in matched:
                what = f"'{owner.name}'" if isinstance(owner, Parameter) else "the request example"
                message = f"{what} acknowledges {rule}, but no request example shows that disagreement"
                found.append(Finding("stale-acknowledgement", owner.location, name, "", message))
    for field in [*_fields(operation.response), *(_fields(body) if body is not None else [])]:
        if field.location in checked:
            continue
        checked.add(field.location)
        for rule, _note in field.acknowledged:
            if (field.location, rule) not in matched:
                found.append(
                    Finding(
                        "stale-acknowledgement",
                        field.location,
                        name,
                        field.name,
                        f"'{field.name}' acknowledges {rule}, but no example shows that disagreement",
                    )
                )
    return found


def _unique(findings: list[Finding]) -> list[Finding]:
    """One finding per rule and place, even when several examples show it."""
    seen: dict[tuple[str, str, str, int], Finding] = {}
    for finding in findings:
        seen.setdefault((finding.rule, finding.operation, finding.path, finding.location.line), finding)
    return sorted(seen.values(), key=lambda f: (f.location, f.rule, f.path))


def _unconfirmed(operation: Operation) -> list[Finding]:
    """What `sdkgen draft` left for a maintainer: notes starting with TODO, wherever they are."""
    name = f"{operation.exchange}.{operation.section}.{operation.name}"
    places: list[tuple[str, Location, tuple[tuple[str, str], ...]]] = []
    body = operation.body_shape
    for field in [*_fields(operation.response), *(_fields(body) if body is not None else [])]:
        places.append((field.name, field.location, field.acknowledged))
        places += [
            (f"{field.name}={value.value}", repeat.location, repeat.acknowledged)
            for value in field.shape.enum
            for repeat in value.repeats
        ]
    places += [(p.name, p.location, p.acknowledged) for p in operation.parameters]
    places += [("", e.location, e.acknowledged) for e in (*operation.request_examples, *operation.response_examples)]
    places += [("", r.location, r.acknowledged) for r in operation.rules]
    found = [
        Finding("unconfirmed-acknowledgement", location, name, where, f"{rule} is acknowledged by a draft's TODO note")
        for where, location, acknowledged in places
        for rule, note in acknowledged
        if note.startswith("TODO")
    ]
    texts = [
        *operation.notes,
        operation.permission.note or "",
        operation.rate_limit.text,
        operation.rate_limit.note or "",
        operation.doc_url,
    ]
    found += [
        Finding("unconfirmed-acknowledgement", operation.location, name, "", f"the draft says: {text[:120]}")
        for text in texts
        if "TODO" in text
    ]
    return found


def lint(specs: SpecSet) -> list[Finding]:
    """Every finding over all exchanges and operations, in file and line order."""
    findings: list[Finding] = []
    for exchange in specs.exchanges:
        matched: set[tuple[Location, str]] = set()
        for operation in exchange.operations:
            found, hits = lint_operation(exchange, operation)
            findings += found
            matched |= hits
        checked: set[Location] = set()
        for operation in exchange.operations:
            findings += _stale(operation, matched, checked)
            findings += _unconfirmed(operation)
    return sorted(_unique(findings), key=lambda f: (f.location, f.rule, f.path))
