"""Fixtures and test cases derived from the documentation's examples.

For each response example: a fixture holding the exact body text, and the assertions that the
parsed result carries every documented value of the example, exactly (decimals as Decimal,
timestamps as int, "" as None). For each request example: a fixture with the query it sends and
the Python arguments that must reproduce it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generator.examples import path_values
from generator.lint import fits_type, query_text_fits
from generator.model import (
    Exchange,
    Field,
    FieldType,
    ListStyle,
    Operation,
    PaginationStyle,
    ParameterLocation,
    RuleKind,
    Shape,
)
from generator.render.context import ExchangeContext
from generator.spec_types import spec_type

MAX_ASSERTIONS = 400  # per example; a larger example is checked on its first elements only


@dataclass
class ResponseCase:
    name: str
    title: str
    fixture: str
    assertions: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # wire paths of values the spec type cannot hold
    failed_items: list[int] = field(default_factory=list)  # items whose own result is a failure
    one_item: bool = False  # the response is one object carrying its result, not an array of them


@dataclass
class RequestCase:
    name: str
    title: str
    fixture: str
    arguments: dict[str, Any]
    query: list[tuple[str, str]]
    body: Any = None  # the JSON body the SDK must send (the example's, in the documented wire form)
    has_body: bool = False
    path: str = ""  # the path the SDK must request: the example's, placeholders it leaves filled in
    invalid: list[str] = field(default_factory=list)  # argument paths the SDK must refuse


@dataclass
class PagingCase:
    """Paging through a response example: it is the first page, the minimal response the last;
    the second request must carry the moving argument at `expected` (its text on the wire)."""

    name: str
    response: str  # the ResponseCase whose assertions the items must pass
    fixture: str
    arguments: dict[str, Any]
    parameter: str  # wire name of the moving argument
    in_body: bool
    expected: str


def fixture_name(operation: Operation, example: str) -> str:
    """Fixtures of one operation share a folder per section: fixtures/okx/account/get_balance.response_0.json."""
    return f"{operation.exchange}/{operation.section}/{operation.name}.{example}.json"


def _literal(shape: Shape, value: Any, context: ExchangeContext) -> str | None:
    """The Python expression the SDK must produce for `value`; None means `is None`."""
    if shape.enum:
        if value is None:
            return None
        aliases = {str(a): str(v.value) for v in shape.enum for a in v.aliases}
        wire = str(value)
        return repr(aliases.get(wire, wire))
    literal = spec_type(shape).literal
    assert literal is not None, f"{shape.type} is not a scalar type"
    return literal(value)


def _assertions(shape: Shape, value: Any, expression: str, context: ExchangeContext, out: list[str]) -> None:
    if len(out) >= MAX_ASSERTIONS:
        return
    if shape.type is FieldType.ARRAY:
        if value is None:
            out.append(f"assert {expression} is None")
            return
        out.append(f"assert len({expression}) == {len(value)}")
        assert shape.items is not None
        for index, item in enumerate(value):
            _assertions(shape.items, item, f"{expression}[{index}]", context, out)
        return
    if shape.type is FieldType.OBJECT:
        if value is None:
            out.append(f"assert {expression} is None")
            return
        value = shape.keyed(value)
        known = set()
        for member in shape.fields:
            for wire in member.wire_names:
                if wire in value:
                    known.add(wire)
                    _assertions(member.shape, value[wire], f"{expression}.{member.python_name}", context, out)
                    break
        for wire in value:
            if wire not in known:
                out.append(f"assert {expression}.model_extra[{wire!r}] == {value[wire]!r}")
        return
    literal = _literal(shape, value, context)
    out.append(f"assert {expression} is None" if literal is None else f"assert {expression} == {literal}")


def _invalid_paths(shape: Shape, value: Any, path: str) -> list[str]:
    """Wire paths (data[0].x) of example values the spec type cannot hold."""
    if value is None:
        return []
    if shape.type is FieldType.ARRAY and isinstance(value, list) and shape.items is not None:
        return [p for i, item in enumerate(value) for p in _invalid_paths(shape.items, item, f"{path}[{i}]")]
    if shape.type is FieldType.OBJECT and isinstance(shape.keyed(value), dict):
        value = shape.keyed(value)
        found = []
        for member in shape.fields:
            for wire in member.wire_names:
                if wire in value:
                    found += _invalid_paths(member.shape, value[wire], f"{path}.{wire}")
                    break
        return found
    return [] if fits_type(shape, value) else [path]


def response_cases(exchange: Exchange, operation: Operation, context: ExchangeContext) -> list[ResponseCase]:
    cases = []
    for index, example in enumerate(operation.response_examples):
        data = example.body.get(exchange.envelope_of(operation).data) if isinstance(example.body, dict) else None
        case = ResponseCase(
            name=f"response_{index}",
            title=f"Response example {index} ({example.title or 'untitled'}) of {operation.doc_url}",
            fixture=fixture_name(operation, f"response_{index}"),
        )
        case.invalid = _invalid_paths(operation.response, data, exchange.envelope_of(operation).data)
        if not case.invalid:
            _assertions(operation.response, data, "result", context, case.assertions)
            case.failed_items = _failed_items(operation, data)
            case.one_item = operation.response.type is not FieldType.ARRAY
        cases.append(case)
    return cases


def _failed_items(operation: Operation, data: Any) -> list[int]:
    """The indices of an example's items whose own result is a failure (the call raises
    PartialFailureError with every item): a code that is not a success code, or with no success
    codes, any code."""
    results = operation.item_results
    if results is None:
        return []
    items = data if isinstance(data, list) else [data]
    success = {str(code) for code in results.success_codes}
    return [
        index
        for index, item in enumerate(items)
        if isinstance(item, dict) and item.get(results.code) is not None and str(item[results.code]) not in success
    ]


def paging_cases(exchange: Exchange, operation: Operation, responses: list[ResponseCase]) -> list[PagingCase]:
    """A paging case per valid response example with items, when the operation pages: asked for
    pages as long as the example (so that it is not the last), the iterator must ask for the page
    after it and yield exactly the example's items."""
    pagination = operation.pagination
    items_shape = operation.response.items
    if pagination is None or items_shape is None:
        return []
    by_name = {p.name: p for p in operation.parameters}
    cases = []
    for index, (example, case) in enumerate(zip(operation.response_examples, responses, strict=True)):
        data = example.body.get(exchange.envelope_of(operation).data) if isinstance(example.body, dict) else None
        if case.invalid or not isinstance(data, list) or not data:
            continue
        arguments = default_arguments(operation)
        if pagination.size_parameter:
            arguments[by_name[pagination.size_parameter].python_name] = len(data)
        if pagination.style is PaginationStyle.PAGE:
            current = arguments.get(by_name[pagination.parameter].python_name)
            expected = str(int(current) + 1 if current is not None else pagination.first_page + 1)
        else:
            assert pagination.item_field is not None
            item_field = items_shape.field(pagination.item_field)
            last = items_shape.keyed(data[-1])
            assert item_field is not None
            value = last.get(pagination.item_field) if isinstance(last, dict) else None
            if value is None or value == "":
                continue
            if item_field.shape.type in (FieldType.INTEGER, FieldType.TIMESTAMP_MS):
                expected = str(int(value) + pagination.step)
            else:
                expected = str(value)
        cases.append(
            PagingCase(
                name=f"pages_{index}",
                response=case.name,
                fixture=case.fixture,
                arguments=arguments,
                parameter=pagination.parameter,
                in_body=by_name[pagination.parameter].location_in is ParameterLocation.BODY,
                expected=expected,
            )
        )
    return cases


def _documented_member(shape: Shape, key: str) -> Field | None:
    return next((member for member in shape.fields if key in member.wire_names), None)


def _argument(shape: Shape, value: Any, where: str, invalid: list[str]) -> Any:
    """The Python argument that sends `value` (a body example's value) for `shape`: objects keyed
    by Python names, decimals as their text. Members the spec does not know are left out (lint
    reports them); values the type cannot hold are kept as they are and noted in `invalid`."""
    if value is None:
        return None
    if shape.type is FieldType.OBJECT and shape.fields and isinstance(value, dict):
        found = {}
        for key, item in value.items():
            member = _documented_member(shape, key)
            if member is not None:
                found[member.python_name] = _argument(member.shape, item, f"{where}.{member.python_name}", invalid)
        for rule in shape.rules:
            if rule.broken(value):  # the SDK refuses it, naming the object (or, at the top, its members)
                first = next((m for m in shape.fields if m.name == rule.members[0]), None)
                invalid.append(where or f".{first.python_name if first else rule.members[0]}")
        return found
    if shape.type is FieldType.ARRAY and shape.items is not None and isinstance(value, list):
        return [_argument(shape.items, item, f"{where}[{index}]", invalid) for index, item in enumerate(value)]
    allowed = {str(w) for v in shape.enum for w in (v.value, *v.aliases)}
    if not fits_type(shape, value) or (allowed and str(value) not in allowed):
        invalid.append(where)
        return str(value) if isinstance(value, Decimal) else value
    if shape.type is FieldType.DECIMAL:
        return str(value)
    if shape.type in (FieldType.INTEGER, FieldType.TIMESTAMP_MS) and not isinstance(value, int):
        return int(value)
    return value


def _wire(shape: Shape, value: Any) -> Any:
    """What the SDK sends for a body example's value: wire names, documentation order, decimals
    as JSON strings, undocumented members left out."""
    if shape.type is FieldType.OBJECT and shape.fields and isinstance(value, dict):
        present = {key: item for key, item in value.items() if item is not None}
        found = {}
        for member in shape.fields:
            key = next((name for name in member.wire_names if name in present), None)
            if key is not None:
                found[member.name] = _wire(member.shape, present[key])
        return found
    if shape.type is FieldType.ARRAY and shape.items is not None and isinstance(value, list):
        return [_wire(shape.items, item) for item in value]
    if shape.type is FieldType.DECIMAL:
        return str(value)
    if shape.type in (FieldType.INTEGER, FieldType.TIMESTAMP_MS):
        return int(value)
    return value


def _body_arguments(operation: Operation, body: Any, invalid: list[str]) -> dict[str, Any]:
    whole = next((p for p in operation.parameters if p.whole_body), None)
    if whole is not None:
        return {whole.python_name: _argument(whole.shape, body, whole.python_name, invalid)}
    shape = operation.body_shape
    found = _argument(shape, body, "", invalid) if shape is not None and isinstance(body, dict) else {}
    invalid[:] = [where.lstrip(".") for where in invalid]
    return dict(found)


def _arguments_for(operation: Operation, query: list[tuple[str, str]], invalid: list[str]) -> dict[str, Any]:
    """The keyword arguments that send an example's query. A name the table lacks is left out (lint
    reports it); a value the type or the enum does not allow is kept as its text and noted in
    `invalid` (the SDK must refuse it)."""
    by_name = {p.name: p for p in operation.parameters if p.location_in is ParameterLocation.QUERY}
    arguments: dict[str, Any] = {}
    for name, value in query:
        parameter = by_name.get(name)
        if parameter is None:
            continue
        shape = parameter.shape.items if parameter.shape.items is not None else parameter.shape
        texts = value.split(",") if parameter.list_style is ListStyle.COMMA else [value]
        allowed = {str(w) for v in shape.enum for w in (v.value, *v.aliases)}
        values = []
        for text in texts:
            if (allowed and text not in allowed) or not query_text_fits(shape, text):
                invalid.append(parameter.python_name)
                values.append(text)
            else:
                values.append(spec_type(shape).argument_from_text(text))
        arguments[parameter.python_name] = values if parameter.list_style is ListStyle.COMMA else values[0]
    return arguments


def _placeholder(shape: Shape) -> Any:
    """A value the SDK accepts for `shape`: a documented enum value, the required members of an
    object, one item of an array."""
    if shape.enum:
        return str(shape.enum[0].value)
    if shape.type is FieldType.OBJECT:
        return {member.python_name: _placeholder(member.shape) for member in shape.fields if member.required}
    if shape.type is FieldType.ARRAY:
        return [_placeholder(shape.items)] if shape.items is not None else []
    return spec_type(shape).placeholder


def default_arguments(operation: Operation) -> dict[str, Any]:
    """Arguments for calls made only to exercise a response: the first valid request example's,
    plus a documented value for any required parameter it lacks."""
    valid = [case for case in request_cases(operation) if not case.invalid]
    arguments = dict(valid[0].arguments) if valid else {}
    for parameter in operation.parameters:
        if parameter.required and parameter.python_name not in arguments:
            arguments[parameter.python_name] = _placeholder(parameter.shape)
    by_name = {p.name: p for p in operation.parameters}
    for rule in operation.rules:  # an exactly-one-of with none given: its first member
        if rule.kind is RuleKind.EXACTLY_ONE_OF and all(by_name[m].python_name not in arguments for m in rule.members):
            first = by_name[rule.members[0]]
            arguments[first.python_name] = _placeholder(first.shape)
    return arguments


def _path_arguments(operation: Operation, path: str) -> tuple[dict[str, Any], str]:
    """The arguments of the path parameters an example's path gives (a required one it leaves as
    a placeholder gets a placeholder argument), and the path the SDK must then request."""
    given = path_values(operation.path, path)
    arguments: dict[str, Any] = {}
    concrete = operation.path
    for parameter in operation.path_parameters:
        text = given.get(parameter.name)
        value = (
            spec_type(parameter.shape).argument_from_text(text) if text is not None else _placeholder(parameter.shape)
        )
        arguments[parameter.python_name] = value
        concrete = concrete.replace(f"{{{parameter.name}}}", text if text is not None else str(value))
    return arguments, concrete


def request_cases(operation: Operation) -> list[RequestCase]:
    cases = []
    for index, example in enumerate(operation.request_examples):
        invalid: list[str] = []
        path_arguments, concrete_path = _path_arguments(operation, example.path)
        arguments = {**path_arguments, **_arguments_for(operation, list(example.query), invalid)}
        known = {p.name for p in operation.parameters if p.location_in is ParameterLocation.QUERY}
        has_body = example.body_value is not None
        shape = operation.body_shape
        has_body = has_body and shape is not None
        if has_body:
            arguments.update(_body_arguments(operation, example.body_value, invalid))
        cases.append(
            RequestCase(
                name=f"request_{index}",
                title=f"Request example {index}: {' '.join(example.text.split())[:100]}",
                fixture=fixture_name(operation, f"request_{index}"),
                arguments=arguments,
                query=[pair for pair in example.query if pair[0] in known],
                body=_wire(shape, example.body_value) if shape is not None and has_body else None,
                has_body=has_body,
                path=concrete_path,
                invalid=invalid,
            )
        )
    return cases


def minimal_fixture(header: str, exchange: Exchange, operation: Operation) -> str:
    """A successful response with empty data: what request tests are answered with."""
    response = operation.response
    empty: Any = [] if response.type is FieldType.ARRAY else {} if response.type is FieldType.OBJECT else None
    if empty is None:  # a scalar response (a server time, an order id): a value of its type
        empty = str(response.enum[0].value) if response.enum else spec_type(response).placeholder
    envelope = exchange.envelope_of(operation)
    body = json.dumps({envelope.code: envelope.success_codes[0], envelope.message: "", envelope.data: empty})
    return json.dumps({"//": header, "status": 200, "body": body}, indent=2, ensure_ascii=False) + "\n"


def response_fixture(header: str, operation: Operation, index: int) -> str:
    example = operation.response_examples[index]
    document = {"//": header, "status": example.status, "body": example.json_text}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def request_fixture(header: str, operation: Operation, case: RequestCase, index: int) -> str:
    example = operation.request_examples[index]
    document = {
        "//": header,
        "text": example.text,
        "method": example.method,
        "path": example.path,
        "query": [list(pair) for pair in case.query],
        "expected_path": case.path,
        "arguments": case.arguments,
    }
    if case.has_body:
        document["body"] = case.body
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"  # refused values keep their text
