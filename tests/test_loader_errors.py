"""A broken spec fails with the right file, line and a plain-words message; all errors are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.loader import load_specs

OKX = "okx/account/get_balance.yaml"
HTX = "htx/account/get_account_balance.yaml"


def _edit(root: Path, relative: str, old: str, new: str) -> int:
    """Replace `old` by `new` once and return the 1-based line where the change starts."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def _errors(root: Path) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_specs(root)
    return [str(issue) for issue in caught.value.issues]


def _one(errors: list[str], file: str, line: int, *words: str) -> None:
    hits = [e for e in errors if f"{file}:{line}:" in e and all(w in e for w in words)]
    assert hits, f"no error at {file}:{line} mentioning {words}; got:\n" + "\n".join(errors)


def test_bad_yaml(spec_copy):
    line = _edit(spec_copy, OKX, "section: account\n", "section: [account\n")
    _one(_errors(spec_copy), OKX, line + 1, "invalid YAML")


def test_unknown_key_with_suggestion(spec_copy):
    line = _edit(spec_copy, OKX, "method: GET\n", "methd: GET\n")
    errors = _errors(spec_copy)
    _one(errors, OKX, line, "unknown key 'methd'", "did you mean 'method'")
    title_line = (spec_copy / OKX).read_text().splitlines().index("title: Get balance") + 1
    _one(errors, OKX, title_line, "missing required key 'method'")  # the document starts there


def test_unknown_key_inside_a_nested_field(spec_copy):
    line = _edit(
        spec_copy, HTX, "          - name: currency\n", "          - name: currency\n            colour: red\n"
    )
    _one(_errors(spec_copy), HTX, line + 1, "unknown key 'colour'", "response.fields[10].items.fields[0]")


def test_wrong_type(spec_copy):
    line = _edit(spec_copy, OKX, "  count: 10\n", "  count: ten\n")
    _one(_errors(spec_copy), OKX, line, "rate_limit.count must be an integer", "'ten'")


def test_wrong_enum_value(spec_copy):
    line = _edit(
        spec_copy,
        HTX,
        "      type: timestamp_ms\n      unit: ms\n      required: true\n      description: Account creation time",
        "      type: timestamp\n      unit: ms\n      required: true\n      description: Account creation time",
    )
    _one(_errors(spec_copy), HTX, line, "must be one of", "'timestamp'")


def test_missing_required_key(spec_copy):
    line = _edit(spec_copy, OKX, "    required: false\n    list:", "    list:")
    _one(_errors(spec_copy), OKX, line - 3, "missing required key 'required'")


def test_dangling_bucket_reference(spec_copy):
    line = _edit(spec_copy, HTX, "buckets: [private, private-read]", "buckets: [private, private-reads]")
    _one(_errors(spec_copy), HTX, line, "'private-reads'", "does not define", "private-read")


def test_undeclared_path_parameter(spec_copy):
    line = _edit(spec_copy, OKX, "path: /api/v5/account/balance\n", "path: /api/v5/account/{accountId}/balance\n")
    errors = _errors(spec_copy)
    _one(errors, OKX, line, "path parameter '{accountId}' is not declared")


def test_declared_path_parameter_missing_from_path(spec_copy):
    line = _edit(spec_copy, OKX, "    in: query\n", "    in: path\n")
    errors = _errors(spec_copy)
    _one(errors, OKX, line - 1, "path parameter 'ccy' does not appear in the path")


def test_duplicate_key(spec_copy):
    line = _edit(spec_copy, OKX, "method: GET\n", "method: GET\nmethod: POST\n")
    _one(_errors(spec_copy), OKX, line + 1, "duplicate key 'method'", f"line {line}")


def test_invalid_json_example_without_correction(spec_copy):
    path = spec_copy / OKX
    text = path.read_text()
    start = text.index("      corrected: |")
    end = text.index("      acknowledged:", start)
    path.write_text(text[:start] + text[end:])
    line = text[: text.index('      text: |\n        {\n            "code": "0"')].count("\n") + 1
    _one(_errors(spec_copy), OKX, line, "not valid JSON at line 71", "add `corrected`")


def test_request_example_must_match_the_endpoint(spec_copy):
    line = _edit(
        spec_copy,
        OKX,
        "text: GET /api/v5/account/balance?ccy=BTC,ETH",
        "text: GET /api/v5/account/balances?currency=BTC",
    )
    errors = _errors(spec_copy)
    _one(errors, OKX, line, "does not match the endpoint's path")
    assert not any("currency" in error for error in errors)  # a query the table lacks is lint's (test_lint.py)


def test_duplicate_operation_name(spec_copy):
    target = spec_copy / "okx/account/get_balance_again.yaml"
    text = (spec_copy / OKX).read_text().replace("path: /api/v5/account/balance\n", "path: /api/v5/account/balance2\n")
    target.write_text(text.replace("text: GET /api/v5/account/balance", "text: GET /api/v5/account/balance2"))
    errors = _errors(spec_copy)
    assert any(
        "get_balance_again.yaml:3:1" in e and "operation name 'get_balance' is already used" in e for e in errors
    ), errors


def test_python_name_collision(spec_copy):
    line = _edit(
        spec_copy,
        OKX,
        "      - name: totalEq\n",
        "      - name: total_eq\n        type: decimal\n        description: x\n        table: false\n      - name: totalEq\n",
    )
    _one(_errors(spec_copy), OKX, line + 4, "both become the Python name 'total_eq'")


def test_spec_outside_an_exchange_folder(spec_copy):
    (spec_copy / "stray.yaml").write_text("title: x\n")
    errors = _errors(spec_copy)
    assert any(e.split(": error")[0].endswith("stray.yaml") and "not inside an exchange folder" in e for e in errors)


def test_every_error_of_a_run_is_reported(spec_copy):
    _edit(spec_copy, OKX, "method: GET\n", "methd: GET\n")
    _edit(spec_copy, HTX, "buckets: [private, private-read]", "buckets: [nope]")
    _edit(spec_copy, "bitget/exchange.yaml", "id: bitget\n", "id: bitgets\n")
    errors = _errors(spec_copy)
    files = {e.split(":")[0] for e in errors}
    assert any(f.endswith(OKX) for f in files)
    assert any(f.endswith(HTX) for f in files)
    assert any(f.endswith("bitget/exchange.yaml") for f in files)
    assert str(SpecError([])).endswith("0 errors in specs")


BATCH = "okx/trade/place_orders.yaml"
BATCH_SPEC = """title: Place orders
section: trade
method: POST
path: /api/v5/trade/batch-orders
doc_url: "#place-orders"
description: Place orders.
permission: {level: trade, text: Trade}
rate_limit: {count: 300, window_seconds: 2, scope: uid, text: 300 orders per 2 seconds}
parameters:
  - name: orders
    in: body
    whole_body: true
    type: array
    required: true
    description: The orders
    items: {type: object, model: BatchOrder, fields: [{name: instId, type: string, description: Instrument}]}
response: {type: array, items: {type: object, model: BatchResult, fields: [{name: ordId, type: string, description: Id}]}}
examples:
  requests:
    - text: |
        POST /api/v5/trade/batch-orders
        body
        [{"instId": "BTC-USDT"}]
"""


def _batch(spec_copy: Path) -> Path:
    """A made-up batch endpoint in place of the real one (which takes the shared OrderRequest)."""
    (spec_copy / "okx" / "trade" / "place_multiple_orders.yaml").unlink()
    (spec_copy / BATCH).write_text(BATCH_SPEC)
    return spec_copy


def test_the_batch_body_spec_loads(spec_copy):
    operation = next(
        op for op in load_specs(_batch(spec_copy)).operations if op.exchange == "okx" and op.name == "place_orders"
    )
    (example,) = operation.request_examples
    assert example.body_value == [{"instId": "BTC-USDT"}]


def test_a_whole_body_is_one_array_body_parameter(spec_copy):
    _batch(spec_copy)
    line = _edit(
        spec_copy,
        BATCH,
        "response: {",
        "  - {name: tag, in: body, type: string, required: false, description: Tag}\n"
        "  - {name: limit, in: query, type: integer, required: false, whole_body: true, description: Limit}\n"
        "response: {",
    )
    errors = _errors(spec_copy)
    _one(errors, BATCH, line, "the body is the bare array 'orders' (whole_body), so 'tag' cannot be a body member too")
    _one(errors, BATCH, line + 1, "whole_body is for a body parameter of type array")


def test_max_items_is_for_arrays(spec_copy):
    _batch(spec_copy)
    line = _edit(
        spec_copy, BATCH, "fields: [{name: instId, type: string,", "fields: [{name: instId, type: string, max_items: 2,"
    )
    _one(_errors(spec_copy), BATCH, line, "key 'max_items' is not allowed when type is string")


def test_a_request_body_that_is_not_json(spec_copy):
    _batch(spec_copy)
    line = _edit(spec_copy, BATCH, '[{"instId": "BTC-USDT"}]', "[{instId: BTC-USDT}]")
    _one(
        _errors(spec_copy),
        BATCH,
        line - 3,
        "request example: the body is not valid JSON",
        "give the body as JSON in `body`",
    )


def test_rules_name_members_and_documented_values(spec_copy):
    _batch(spec_copy)
    line = _edit(
        spec_copy,
        BATCH,
        "    items: {type: object, model: BatchOrder, fields: [{name: instId, type: string, description: Instrument}]}\n",
        "    items:\n"
        "      type: object\n"
        "      model: BatchOrder\n"
        "      rules:\n"
        "        - {required: [instID], when: {side: [hold]}}\n"
        "        - {at_most_one_of: [instId, sz]}\n"
        "      fields:\n"
        "        - {name: instId, type: string, description: Instrument}\n"
        "        - {name: side, type: string, description: Side, enum: [{value: buy}, {value: sell}]}\n",
    )
    errors = _errors(spec_copy)
    _one(errors, BATCH, line + 4, "the rule names 'instID', which is not a member here (did you mean 'instId'?)")
    _one(errors, BATCH, line + 4, "the rule's condition side = 'hold' is not one of its documented values")
    _one(errors, BATCH, line + 5, "the rule names 'sz', which is not a member here")


CANDLES = "okx/market/get_candlesticks.yaml"


def test_a_positional_object_names_each_position_once(spec_copy):
    line = _edit(
        spec_copy, CANDLES, "      - {name: o, type: decimal,", "      - {name: o, aliases: [open], type: decimal,"
    )
    _one(_errors(spec_copy), CANDLES, line, "'o' is a position of a positional object", "no other wire names")


def test_a_positional_object_needs_fields_and_is_a_response_shape(spec_copy):
    text = (spec_copy / CANDLES).read_text()
    start = text.index("    fields:\n      - name: ts")
    end = text.index("examples:")
    (spec_copy / CANDLES).write_text(text[:start] + text[end:])
    line = text[:start].count("\n")  # the `positional: true` line, just above the fields
    _one(_errors(spec_copy), CANDLES, line - 1, "needs its fields, one per position")
    order = "okx/shapes/order_request.yaml"
    line = _edit(
        spec_copy, order, "      model: AttachAlgoOrder\n", "      model: AttachAlgoOrder\n      positional: true\n"
    )
    _one(_errors(spec_copy), order, line + 1, "positional objects are response shapes")


def test_positional_is_for_objects(spec_copy):
    line = _edit(
        spec_copy,
        CANDLES,
        "        type: timestamp_ms\n        unit: ms\n        required: true\n",
        "        type: timestamp_ms\n        positional: true\n        unit: ms\n        required: true\n",
    )
    _one(_errors(spec_copy), CANDLES, line + 1, "key 'positional' is not allowed when type is timestamp_ms")


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("  parameter: after\n", "  parameter: cursor\n", ["pagination.parameter 'cursor' is not a parameter"]),
        (
            "  item_field: ts\n",
            "  item_field: tss\n",
            ["pagination.item_field 'tss' is not a field of the items", "ts, o, h"],
        ),
        ("  size: {parameter: limit,", "  size: {parameter: bar,", ["page size 'bar' must be an integer parameter"]),
        (
            "  size: {parameter: limit,",
            "  size: {parameter: count,",
            ["pagination.size.parameter 'count' is not a parameter"],
        ),
    ],
)
def test_pagination_names_parameters_and_fields_of_the_endpoint(spec_copy, old, new, words):
    line = _edit(spec_copy, CANDLES, old, new)
    _one(_errors(spec_copy), CANDLES, line, *words)


def test_pagination_needs_an_array_of_objects_and_an_optional_parameter(spec_copy):
    line = _edit(
        spec_copy,
        CANDLES,
        "pagination:\n  style: cursor\n  parameter: after\n",
        "pagination:\n  style: cursor\n  parameter: instId\n",
    )
    _one(_errors(spec_copy), CANDLES, line + 2, "'instId' is required; paging sets it")
    line = _edit(
        spec_copy, HTX, "parameters: []\n", "parameters: []\npagination: {style: page, parameter: page, text: x}\n"
    )
    errors = _errors(spec_copy)
    _one(errors, HTX, line + 1, "needs a response that is an array of objects")
    _one(errors, HTX, line + 1, "pagination.parameter 'page' is not a parameter")


def test_a_page_style_has_no_item_field(spec_copy):
    line = _edit(spec_copy, CANDLES, "  style: cursor\n", "  style: page\n")
    _one(_errors(spec_copy), CANDLES, line + 2, "in pagination: key 'item_field' is not allowed here")


def test_item_results_name_fields_of_the_items(spec_copy):
    batch = "okx/trade/place_multiple_orders.yaml"
    line = _edit(spec_copy, batch, "  code: sCode\n", "  code: sCod\n")
    _one(_errors(spec_copy), batch, line, "item_results.code 'sCod' is not a field of the items", "sCode")
    line = _edit(
        spec_copy,
        CANDLES,
        "pagination:\n",
        "item_results: {code: x, message: y, success_codes: ['0'], envelope_codes: ['0']}\npagination:\n",
    )
    _one(_errors(spec_copy), CANDLES, line, "item_results.code 'x' is not a field of the items")


def test_rate_limit_scopes_name_parameters_and_items(spec_copy):
    batch = "okx/trade/place_multiple_orders.yaml"
    line = _edit(spec_copy, batch, "  instrument: instId\n", "  instrument: instrument\n")
    errors = _errors(spec_copy)
    _one(errors, batch, line, "rate_limit.instrument 'instrument' is not a member of the items of 'orders'")
    line = _edit(spec_copy, batch, "  per_item: orders\n", "  per_item: order\n")
    _one(_errors(spec_copy), batch, line, "rate_limit.per_item 'order' is not an array body parameter")
    order = "okx/trade/place_order.yaml"
    line = _edit(spec_copy, order, "  instrument: instId\n", "")
    _one(_errors(spec_copy), order, line - 3, "rate_limit", "instrument")


def test_an_endpoint_names_a_family_of_its_exchange(spec_copy):
    spot = "htx/spot/get_account_balance.yaml"
    line = _edit(spec_copy, spot, "family: spot\n", "family: margin\n")
    _one(_errors(spec_copy), spot, line, "family 'margin' is not a family of", "(defined: linear_swap, spot)")
