"""A new endpoint added to specs/ gets rate limiting, retries, demo mode, signing and error
mapping with no change outside specs/: generate from a spec tree with three more endpoints,
then drive that SDK, in a fresh interpreter, against the fake exchange."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fake_exchange import API_KEY, PASSPHRASE, SECRET, FakeExchange, Fault

from generator.pipeline import generate

ROOT = Path(__file__).resolve().parents[1]
COMMON = """
doc_url: "#order-book-trading-trade"
description: A test endpoint.
permission: {level: trade, text: Trade}
"""
NEW_SPECS = {
    "okx/account/get_positions.yaml": """
title: Get positions
section: account
method: GET
path: /api/v5/account/positions
rate_limit: {count: 2, window_seconds: 1, scope: uid, text: "2 requests per second"}
parameters:
  - name: instType
    in: query
    type: string
    required: false
    description: Instrument type
    enum: [{value: SWAP}, {value: FUTURES}]
response: {type: array, items: {type: object, fields: [{name: instId, type: string, description: Instrument ID}]}}
""",
    "okx/trade/place_order.yaml": """
title: Place order
section: trade
method: POST
path: /api/v5/trade/order
rate_limit: {count: 60, window_seconds: 2, scope: uid, text: "60 requests per 2 seconds"}
parameters:
  - {name: instId, in: body, type: string, required: true, description: Instrument ID}
  - {name: sz, in: body, type: decimal, required: true, description: Quantity}
  - {name: side, in: body, type: string, required: true, description: Side, enum: [{value: buy}, {value: sell}]}
response: {type: array, items: {type: object, model: NewOrder, fields: [{name: ordId, type: string, description: Order ID}]}}
""",
    "okx/trade/amend_order.yaml": """
title: Amend order
section: trade
method: POST
path: /api/v5/trade/amend-order
idempotent: true
rate_limit: {count: 60, window_seconds: 2, scope: uid, text: "60 requests per 2 seconds"}
parameters:
  - {name: clOrdId, in: body, type: string, required: true, description: Client order ID (deduplicates)}
response: {type: array, items: {type: object, model: AmendedOrder, fields: [{name: ordId, type: string, description: Order ID}]}}
""",
}

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from decimal import Decimal
    from exchange_sdk import ClientRateLimitError, InvalidParameterError, RetryPolicy, ServerError
    from exchange_sdk.okx import OkxClient

    url, key, secret, passphrase = sys.argv[1:5]
    fast = RetryPolicy(initial_delay=0.01, max_delay=0.02)
    results = {}
    with OkxClient(api_key=key, secret_key=secret, passphrase=passphrase, base_url=url, retry_policy=fast,
                   rate_limit="raise") as okx:
        okx.account.get_positions(inst_type="SWAP")
        okx.account.get_positions()
        try:
            okx.account.get_positions()
        except ClientRateLimitError as error:
            results["raised"] = error.retry_after > 0
    with OkxClient(api_key=key, secret_key=secret, passphrase=passphrase, base_url=url, retry_policy=fast,
                   demo=True) as okx:
        for call in ("place", "amend"):
            try:
                if call == "place":
                    okx.trade.place_order(inst_id="BTC-USDT", sz=Decimal("0.01"), side="buy")
                else:
                    okx.trade.amend_order(cl_ord_id="abc")
            except ServerError:
                results[call] = "ServerError"
        try:
            okx.trade.place_order(inst_id="BTC-USDT", sz="1", side="buy")
        except InvalidParameterError as error:
            results["mapped"] = error.code
    print(json.dumps(results))
    """
)


@pytest.mark.slow
def test_a_new_endpoint_gets_the_whole_runtime_from_its_spec_alone(tmp_path, spec_copy):
    for relative, text in NEW_SPECS.items():
        path = spec_copy / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(COMMON + text)
    out = tmp_path / "generated"
    generate(spec_copy, out)
    assert (out / "exchange_sdk" / "okx" / "trade.py").is_file()

    with FakeExchange() as fake:
        busy = Fault(503, "<html>busy</html>", {"Content-Type": "text/html"})
        fake.fail_next(
            "/api/v5/trade/order",
            busy,
            Fault(200, json.dumps({"code": "51000", "msg": "Parameter sz error", "data": []})),
        )
        fake.fail_next("/api/v5/trade/amend-order", busy, busy, busy)
        env = {**os.environ, "PYTHONPATH": str(out)}
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT, fake.url, API_KEY, SECRET, PASSPHRASE],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        results = json.loads(result.stdout)
        assert results == {"raised": True, "place": "ServerError", "amend": "ServerError", "mapped": "51000"}
        positions = fake.requests_to("/api/v5/account/positions")
        assert len(positions) == 2 and all(r.verdict == "ok" for r in positions)  # limited to 2 per second
        assert positions[0].query == [("instType", "SWAP")]
        orders = fake.requests_to("/api/v5/trade/order")
        assert len(orders) == 2  # the 503 was not retried: a POST that is not idempotent
        assert orders[1].verdict == "ok" and json.loads(orders[1].body) == {
            "instId": "BTC-USDT",
            "sz": "1",
            "side": "buy",
        }
        assert all(r.headers["x-simulated-trading"] == "1" for r in orders)
        assert len(fake.requests_to("/api/v5/trade/amend-order")) == 3  # idempotent: retried up to the cap
