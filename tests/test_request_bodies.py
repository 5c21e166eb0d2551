"""Request bodies of any shape, end to end: the specs (OKX Place order: an object body with the
nested attachAlgoOrds) plus a batch endpoint whose body is a bare JSON array of inline models
are generated; the generated tests (which send the documentation's body examples) pass; and, in
a fresh interpreter against the fake exchange, bodies go out exactly (documentation order,
decimals as strings, the signature over those bytes) and every bad argument is refused before
sending."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from fake_exchange import API_KEY, PASSPHRASE, SECRET, FakeExchange

from generator.cli import main
from generator.pipeline import generate

ALGO_FIELDS = """
          - {name: tpTriggerPx, type: decimal, description: Take-profit trigger price}
          - name: tpTriggerPxType
            type: string
            description: Take-profit trigger price type
            enum: [{value: last}, {value: index}, {value: mark}]
"""
ORDER_FIELDS = """
      - {name: instId, type: string, required: true, description: Instrument ID}
      - {name: tdMode, type: string, required: true, description: Trade mode, enum: [{value: cash}, {value: cross}, {value: isolated}]}
      - name: side
        type: string
        required: true
        description: Order side
        enum: [{value: buy}, {value: sell}]
        acknowledged: {example-enum-value: "The second example sends side hold, which the SDK refuses."}
      - name: sz
        type: decimal
        required: true
        description: Quantity to buy or sell
        acknowledged: {example-type-mismatch: "An example sends sz as a number; the SDK sends the documented string."}
      - {name: px, type: decimal, description: Order price}
      - {name: reduceOnly, type: boolean, table: {type: Boolean}, description: Reduce only}
      - name: attachAlgoOrds
        type: array
        description: TP/SL information attached when placing order
        max_items: 10
        items:
          type: object
          model: BatchAttachedAlgoOrder
          fields:""" + ALGO_FIELDS.replace("\n          ", "\n            ")
COMMON = """
doc_url: "#order-book-trading-trade"
description: A test endpoint.
permission: {level: trade, text: Trade}
rate_limit: {count: 60, window_seconds: 2, scope: uid, text: "60 requests per 2 seconds"}
response: {type: array, items: {type: object, model: OrderResult, fields: [{name: ordId, type: string, description: Order ID}]}}
"""
SPECS = {
    "okx/trade/place_multiple_orders.yaml": """
title: Place multiple orders
section: trade
method: POST
path: /api/v5/trade/batch-orders
parameters:
  - name: orders
    in: body
    whole_body: true
    type: array
    required: true
    max_items: 20
    description: The orders, at most 20
    items:
      type: object
      model: BatchOrder
      rules:
        - at_most_one_of: [px, reduceOnly]
          acknowledged: {example-breaks-rule: "The third example sends both; the SDK refuses it."}
      fields:"""
    + ORDER_FIELDS.replace("\n      ", "\n        ")
    + """
examples:
  requests:
    - text: |
        batch place order for SPOT
        POST /api/v5/trade/batch-orders
        body
        [{"instId":"BTC-USDT","tdMode":"cash","side":"buy","sz":"2","px":"2.15"},{"instId":"BTC-USDT","tdMode":"cash","side":"sell","sz":2,"px":"2.16"}]
    - text: |
        POST /api/v5/trade/batch-orders
        [{"instId":"BTC-USDT","tdMode":"cash","side":"hold","sz":"2"}]
    - text: |
        POST /api/v5/trade/batch-orders
        [{"instId":"BTC-USDT","tdMode":"cash","side":"buy","sz":"2","px":"1","reduceOnly":true}]
""",
}

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from decimal import Decimal
    from exchange_sdk import RequestValidationError
    from exchange_sdk.okx import OkxClient
    from exchange_sdk.okx.models import AttachAlgoOrder, BatchOrder  # the shared shape's, and an inline one

    url, key, secret, passphrase = sys.argv[1:5]
    refused = []
    with OkxClient(api_key=key, secret_key=secret, passphrase=passphrase, base_url=url, rate_limit=None) as okx:
        okx.trade.place_order(inst_id="BTC-USDT", td_mode="cash", side="buy", ord_type="limit", sz=1,
                              px=Decimal("30000.10"),
                              attach_algo_ords=[{"tp_trigger_px_type": "mark", "tp_trigger_px": "31000"},
                                                AttachAlgoOrder(attach_algo_cl_ord_id="a1", tp_trigger_px=Decimal("32000"))])
        okx.trade.place_multiple_orders(orders=[
            {"inst_id": "BTC-USDT", "td_mode": "cash", "side": "buy", "sz": "0.01", "px": "30000"},
            BatchOrder(inst_id="ETH-USDT", td_mode="cross", side="sell", sz=Decimal("0.5"), reduce_only=True),
        ])
        bad_calls = [
            dict(attach_algo_ords=[{"bogusKey": 1.5, "tp_trigger_px_type": "not-an-enum"}]),
            dict(sz=1.5),
            dict(px="1,5"),
            dict(side="hold"),
            dict(ord_type="limit"),  # the documented rules between members
            dict(ord_type="limit", px="1", px_usd="2"),
            dict(attach_algo_ords=[{"sl_trigger_px": "1", "sl_trigger_ratio": "0.1"}]),
        ]
        for bad in bad_calls:
            arguments = {**dict(inst_id="BTC-USDT", td_mode="cash", side="buy", ord_type="market", sz="1"), **bad}
            try:
                okx.trade.place_order(**arguments)
            except RequestValidationError as error:
                refused.append(str(error))
        for orders in ([{"inst_id": "BTC-USDT", "td_mode": "cash", "side": "buy"}],
                       [{"inst_id": "X", "td_mode": "cash", "side": "buy", "sz": "1"}] * 21,
                       [{"inst_id": "X", "td_mode": "cash", "side": "buy", "sz": "1",
                         "attach_algo_ords": [{}] * 11}]):
            try:
                okx.trade.place_multiple_orders(orders=orders)
            except RequestValidationError as error:
                refused.append(str(error))
    print(json.dumps(refused))
    """
)


@pytest.fixture(scope="module")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bodies")
    specs = root / "specs"
    import shutil

    shutil.copytree(Path(__file__).resolve().parents[1] / "specs", specs)
    for relative, text in SPECS.items():
        path = specs / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(COMMON + text)
    lint = CliRunner().invoke(main, ["lint", str(specs), "--strict"])
    assert lint.exit_code == 0, lint.output  # the body examples' contradictions are found and acknowledged
    assert "acknowledged [example-enum-value] body[].side: 'hold' is not one of the documented values" in lint.output
    assert "acknowledged [example-type-mismatch] body[].sz: the table types 'sz' as String" in lint.output
    assert "acknowledged [example-breaks-rule] body[]: the example breaks the rule: at most one of px, reduceOnly" in (
        lint.output
    )
    generate(specs, root / "generated")
    return root / "generated"


@pytest.mark.slow
def test_the_generated_tests_send_the_documented_bodies(sdk: Path) -> None:
    place = (sdk / "tests" / "okx" / "test_trade_place_order.py").read_text()
    assert 'assert_same_json(request.content, example["body"])' in place  # the page's example, sent
    test_file = sdk / "tests" / "okx" / "test_trade_place_multiple_orders.py"
    text = test_file.read_text()
    assert 'assert_same_json(request.content, example["body"])' in text
    assert 'assert "orders[0].side" in str(caught.value)' in text  # the second example breaks the enum
    assert text.count("with pytest.raises(RequestValidationError)") == 2  # and the third a rule
    fixture = json.loads((sdk / "fixtures" / "okx" / "trade" / "place_multiple_orders.request_0.json").read_text())
    assert fixture["body"][1]["sz"] == "2"  # the example's number, in the documented wire form
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/okx"],
        cwd=sdk,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(sdk)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed" in result.stdout and "failed" not in result.stdout


@pytest.mark.slow
def test_bodies_go_out_exactly_and_bad_arguments_never_leave(sdk: Path, tmp_path: Path) -> None:
    with FakeExchange() as fake:
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT, fake.url, API_KEY, SECRET, PASSPHRASE],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(sdk)},
            cwd=tmp_path,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        refused = json.loads(result.stdout)
        (order,) = fake.requests_to("/api/v5/trade/order")
        (batch,) = fake.requests_to("/api/v5/trade/batch-orders")
    assert order.verdict == "ok" and batch.verdict == "ok"  # signed over exactly these bytes
    assert order.body == (
        b'{"instId":"BTC-USDT","tdMode":"cash","side":"buy","ordType":"limit","sz":"1","px":"30000.10",'
        b'"attachAlgoOrds":[{"tpTriggerPx":"31000","tpTriggerPxType":"mark"},{"attachAlgoClOrdId":"a1","tpTriggerPx":"32000"}]}'
    )
    assert json.loads(batch.body) == [
        {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "sz": "0.01", "px": "30000"},
        {"instId": "ETH-USDT", "tdMode": "cross", "side": "sell", "sz": "0.5", "reduceOnly": True},
    ]
    assert len(refused) == 10, refused
    expected = [
        [
            "attach_algo_ords[0].tp_trigger_px_type 'not-an-enum' is not one of last, index, mark",
            "attach_algo_ords[0].bogusKey is not a documented member",
        ],
        ["sz must be a Decimal, int or str, not float (floats are not exact"],
        ["px must be a decimal number; got '1,5'"],
        ["side must be one of buy, sell; got 'hold'"],
        ["place_order (POST /api/v5/trade/order): px is required when ord_type is limit"],
        ["takes at most one of px, px_usd, px_vol; got px, px_usd"],
        ["attach_algo_ords[0] takes at most one of sl_trigger_px, sl_trigger_ratio; got sl_trigger_px, sl_trigger_ratio"],
        ["orders[0].sz is required"],
        ["orders takes at most 20 items; got 21"],
        ["orders[0].attach_algo_ords takes at most 10 items; got 11"],
    ]
    for message, parts in zip(refused, expected, strict=True):
        assert all(part in message for part in parts), (message, parts)
