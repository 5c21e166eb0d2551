"""Shared shapes (specs/<exchange>/shapes/*.yaml): defined once, referenced from any endpoint's
body or response with `shape:`, expanded into keyword arguments with `members_of:`; one class
each (models/_shapes.py); reported by diff for every endpoint that uses them; cached correctly."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from generator.cache import NO_CACHE, BuildCache
from generator.diff import diff_specs
from generator.errors import SpecError
from generator.lint import lint
from generator.loader import load_specs
from generator.pipeline import build, generate

ROOT = Path(__file__).resolve().parents[1]
# The real shape (specs/okx/shapes/order_request.yaml) and Place order use it with members_of;
# this batch endpoint refers to it with `shape:`.
BATCH = """title: Place multiple orders
section: trade
method: POST
path: /api/v5/trade/batch-orders
doc_url: "#order-book-trading-trade-post-place-multiple-orders"
description: A test endpoint.
permission: {level: trade, text: Trade}
rate_limit: {count: 300, window_seconds: 2, scope: uid, text: "300 orders per 2 seconds"}
parameters:
  - name: orders
    in: body
    whole_body: true
    type: array
    required: true
    max_items: 20
    description: The orders
    items: {shape: OrderRequest}
response: {type: array, items: {type: object, model: BatchPlacedOrder, fields: [{name: ordId, type: string, description: Id}]}}
examples:
  requests:
    - text: |
        POST /api/v5/trade/batch-orders
        body
        [{"instId":"BTC-USDT","tdMode":"cash","side":"buy","ordType":"market","sz":2},
         {"instId":"ETH-USDT","tdMode":"cash","side":"sell","ordType":"limit","sz":"1","px":"2.15"}]
"""
SHAPE_FILE = "okx/shapes/order_request.yaml"
ACKNOWLEDGED_SZ = """  - name: sz
    type: decimal
    required: true
    acknowledged: {example-type-mismatch: "The batch example sends sz as a number; the SDK sends a string."}
"""


def _tree(root: Path) -> Path:
    specs = root / "specs"
    shutil.copytree(ROOT / "specs", specs)
    (specs / "okx" / "trade" / "place_multiple_orders.yaml").write_text(BATCH)
    shape = specs / SHAPE_FILE
    shape.write_text(
        shape.read_text().replace("  - name: sz\n    type: decimal\n    required: true\n", ACKNOWLEDGED_SZ)
    )
    return specs


def _operations(specs: Path) -> dict[str, object]:
    return {op.name: op for op in load_specs(specs).operations}


def test_members_of_and_shape_references_resolve_to_the_one_shape(tmp_path):
    operations = _operations(_tree(tmp_path))
    place, batch = operations["place_order"], operations["place_multiple_orders"]
    assert [(p.name, p.python_name, p.required) for p in place.parameters][:9] == [
        ("instId", "inst_id", True),
        ("tdMode", "td_mode", True),
        ("ccy", "ccy", False),
        ("clOrdId", "cl_ord_id", False),
        ("tag", "tag", False),
        ("side", "side", True),
        ("posSide", "pos_side", False),
        ("ordType", "ord_type", True),
        ("sz", "sz", True),
    ]
    assert place.parameters[-1].name == "attachAlgoOrds" and len(place.parameters) == 20
    items = batch.parameters[0].shape.items
    assert items.shared == "request" and items.model == "OrderRequest"
    assert [f.name for f in items.fields] == [p.name for p in place.parameters]


def test_an_acknowledgement_in_a_shared_shape_counts_for_every_endpoint_using_it(tmp_path):
    findings = lint(load_specs(_tree(tmp_path)))
    shared = [f for f in findings if "order_request.yaml" in f.location.file]
    assert [(f.rule, f.operation, f.severity) for f in shared] == [
        ("example-type-mismatch", "okx.trade.place_multiple_orders", "acknowledged")
    ]  # matched by the batch example only, and not stale for place_order


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("items: {shape: OrderRequest}", "items: {shape: OrderRequests}", "no shared shape 'OrderRequests'"),
        ("items: {shape: OrderRequest}", "items: {shape: OrderRequests}", "did you mean 'OrderRequest'?"),
        (
            "use: request",
            "use: response",
            "shared shape 'OrderRequest' is a response shape; it cannot be used in a request",
        ),
    ],
)
def test_bad_references_are_located(tmp_path, old, new, words):
    specs = _tree(tmp_path)
    for path in (
        specs / "okx" / "shapes" / "order_request.yaml",
        specs / "okx" / "trade" / "place_multiple_orders.yaml",
    ):
        path.write_text(path.read_text().replace(old, new))
    with pytest.raises(SpecError) as caught:
        load_specs(specs)
    assert any(words in str(issue) for issue in caught.value.issues), caught.value.report()
    assert "okx/trade/place_" in caught.value.report()


def test_circular_and_duplicate_shapes_are_refused(tmp_path):
    specs = _tree(tmp_path)
    shapes = specs / "okx" / "shapes"
    (shapes / "a.yaml").write_text(
        "name: Alpha\nuse: request\ntype: object\ndescription: A\nfields:\n"
        "  - {name: beta, description: B, shape: Beta}\n"
    )
    (shapes / "b.yaml").write_text(
        "name: Beta\nuse: request\ntype: object\ndescription: B\nfields:\n"
        "  - {name: alpha, description: A, shape: Alpha}\n"
    )
    (shapes / "c.yaml").write_text((specs / SHAPE_FILE).read_text())
    with pytest.raises(SpecError) as caught:
        load_specs(specs)
    report = caught.value.report()
    assert "a.yaml:1:7: error: shared shape 'Alpha' and the shapes it uses (Beta) contain each other" in report
    assert "b.yaml:1:7: error: shared shape 'Beta' and the shapes it uses (Alpha) contain each other" in report
    assert "shared shape 'OrderRequest' is defined twice" in report


def test_one_class_per_shape_and_calls_with_keywords_or_instances(tmp_path):
    specs = _tree(tmp_path)
    out = tmp_path / "generated"
    generate(specs, out)
    shapes = (out / "exchange_sdk" / "okx" / "models" / "_shapes.py").read_text()
    first = shapes.split("\n", 1)[0]
    assert first.startswith("# DO NOT EDIT: generated by sdkgen from the specs okx/exchange.yaml, okx/shapes/")
    assert "okx/shapes/order_request.yaml" in first and "okx/shapes/placed_order.yaml" in first
    assert shapes.count("class OrderRequest(RequestModel):") == 1 and "class AttachAlgoOrder(RequestModel):" in shapes
    trade_models = (out / "exchange_sdk" / "okx" / "models" / "trade.py").read_text()
    assert shapes.count("class PlacedOrder(ResponseModel):") == 1  # the response items of both order endpoints
    assert "class OrderRequest" not in trade_models and "class PlacedOrder" not in trade_models
    script = textwrap.dedent(
        """
        import httpx, json
        from exchange_sdk.okx import OkxClient
        from exchange_sdk.okx.models import AttachAlgoOrder, OrderRequest
        sent = []
        def answer(request):
            sent.append(json.loads(request.content))
            return httpx.Response(200, content=b'{"code":"0","msg":"","data":[]}')
        okx = OkxClient(api_key="k", secret_key="s", passphrase="p", transport=httpx.MockTransport(answer))
        okx.trade.place_order(inst_id="BTC-USDT", td_mode="cash", side="buy", ord_type="market", sz=1,
                              attach_algo_ords=[{"tp_trigger_px": "3"}])
        okx.trade.place_multiple_orders(orders=[OrderRequest(
            inst_id="X", td_mode="cross", side="sell", ord_type="limit", sz="2", px="3",
            attach_algo_ords=[AttachAlgoOrder(tp_trigger_px_type="mark")])])
        print(json.dumps(sent))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(out)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {
            "instId": "BTC-USDT",
            "tdMode": "cash",
            "side": "buy",
            "ordType": "market",
            "sz": "1",
            "attachAlgoOrds": [{"tpTriggerPx": "3"}],
        },
        [
            {
                "instId": "X",
                "tdMode": "cross",
                "side": "sell",
                "ordType": "limit",
                "sz": "2",
                "px": "3",
                "attachAlgoOrds": [{"tpTriggerPxType": "mark"}],
            }
        ],
    ]
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/okx"],
        cwd=out,
        capture_output=True,
        text=True,
        env=env,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr


def test_a_change_to_a_shared_shape_is_reported_for_each_endpoint_using_it(tmp_path):
    old = _tree(tmp_path / "old")
    new = _tree(tmp_path / "new")
    shape = new / SHAPE_FILE
    shape.write_text(
        shape.read_text().replace("      - {value: spot_isolated, description: Only for SPOT lead trading}\n", "")
    )
    changes = diff_specs(load_specs(old), load_specs(new))
    assert sorted((c.rule, c.operation) for c in changes) == [
        ("request-member-enum-value-removed", "okx.trade.place_multiple_orders"),
        ("request-parameter-enum-value-removed", "okx.trade.place_order"),  # a member is an argument there
    ]


def test_a_cached_build_follows_an_edit_of_a_shape_file(tmp_path):
    specs = _tree(tmp_path)
    cache = BuildCache(tmp_path / "cache")
    build(specs, cache)
    shape = specs / SHAPE_FILE
    shape.write_text(shape.read_text().replace("Quantity to buy or sell:", "Quantity, in base currency:"))
    cached, uncached = build(specs, cache), build(specs, NO_CACHE)
    assert cached == uncached
    assert "Quantity, in base currency:" in cached["exchange_sdk/okx/trade.py"]  # the keyword argument's docstring
