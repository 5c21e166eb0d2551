"""A new exchange, with two API families and a public endpoint, needs nothing but its specs: an
SDK generated for a made-up exchange passes its own generated tests (signatures, hosts per
family, envelopes, paging, request examples), with no edit to the runtime or the test templates."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator.pipeline import generate

EXCHANGE = """
id: zeta
name: Zeta
doc_base_url: https://docs.zeta.invalid/api/
hosts: {production: https://api.zeta.invalid}
auth:
  scheme: okx-hmac-sha256
  credentials:
    - {name: api_key, env: ZETA_API_KEY, secret: false, description: The API key.}
    - {name: secret_key, env: ZETA_SECRET_KEY, secret: true, description: The API secret.}
    - {name: passphrase, env: ZETA_PASSPHRASE, secret: true, description: The passphrase.}
envelope: {code: code, message: msg, data: data, success_codes: ["0"]}
request_id: {headers: [X-Request-Id, X-Trace-Id], source: Made up for this test.}
errors:
  - {code: "1001", kind: authentication, message: Bad key}
families:
  spot:
    description: The spot API, on its own host.
    hosts: {production: https://spot.zeta.invalid}
    envelope: {code: status, message: err-msg, error_code: err-code, data: data, success_codes: ["ok"]}
    errors:
      - {code: "bad-symbol", kind: invalid_parameter, message: Unknown symbol}
"""
WALLET = """
title: Get wallet
section: account
method: GET
path: /v1/wallet/{wallet-id}
doc_url: "#get-wallet"
description: One wallet.
permission: {level: read, text: Read}
rate_limit: {count: 5, window_seconds: 1, scope: uid, text: 5 per second}
parameters:
  - {name: wallet-id, in: path, type: integer, required: true, description: The wallet}
  - {name: ccy, in: query, type: string, required: false, description: Currency}
response:
  type: object
  model: Wallet
  fields:
    - {name: id, type: integer, description: Wallet id}
    - {name: bal, type: decimal, description: Balance}
examples:
  requests:
    - text: GET /v1/wallet/42?ccy=BTC
  responses:
    - text: '{"code": "0", "msg": "", "data": {"id": 42, "bal": "1.5"}}'
"""
TRADES = """
title: Get trades
section: market
family: spot
auth: public
method: GET
path: /spot/trades
doc_url: "#get-trades"
description: Recent trades, newest first.
permission: {level: none}
rate_limit: {count: 20, window_seconds: 1, scope: ip, text: 20 per second per IP}
pagination: {style: cursor, parameter: before, item_field: tradeId, size: {parameter: limit}, text: Older than before}
parameters:
  - {name: symbol, in: query, type: string, required: true, description: Symbol}
  - {name: before, in: query, type: string, required: false, description: Trades older than this id}
  - {name: limit, in: query, type: integer, required: false, description: Page size}
response:
  type: array
  items:
    type: object
    model: Trade
    positional: true
    fields:
      - {name: tradeId, type: string, description: Trade id}
      - {name: px, type: decimal, description: Price}
      - {name: ts, type: timestamp_ms, description: Time}
examples:
  requests:
    - text: GET /spot/trades?symbol=BTC-USDT&limit=2
  responses:
    - text: '{"status": "ok", "data": [["9", "100.5", "1700000000000"], ["8", "100.4", "1699999999000"]]}'
"""

ORDERS = """
title: Get orders
section: account
method: GET
path: /v1/orders
doc_url: "#get-orders"
description: Orders, a page at a time.
permission: {level: read, text: Read}
rate_limit: {count: 5, window_seconds: 1, scope: api_key, text: 5 per second per key}
pagination: {style: page, parameter: page, first_page: 1, size: {parameter: pageSize, default: 50}, text: Page number}
parameters:
  - {name: page, in: query, type: integer, required: false, description: Page number}
  - {name: pageSize, in: query, type: integer, required: false, description: Page size}
response:
  type: array
  items: {type: object, model: Order, fields: [{name: orderId, type: string, description: Order id}]}
examples:
  requests:
    - text: GET /v1/orders?page=3&pageSize=2
  responses:
    - text: '{"code": "0", "msg": "", "data": [{"orderId": "7"}, {"orderId": "6"}]}'
"""
FILLS = """
title: Get fills
section: account
method: GET
path: /v1/fills
doc_url: "#get-fills"
description: Fills, newest first, in windows of time.
permission: {level: read, text: Read}
rate_limit: {count: 5, window_seconds: 1, scope: uid, text: 5 per second}
pagination: {style: time_window, parameter: endTime, item_field: ts, step: -1, size: {parameter: limit}, text: "Until endTime, inclusive"}
parameters:
  - {name: endTime, in: query, type: timestamp_ms, required: false, description: "Latest fill time, inclusive"}
  - {name: limit, in: query, type: integer, required: false, description: Page size}
response:
  type: array
  items: {type: object, model: Fill, fields: [{name: ts, type: timestamp_ms, description: Fill time}]}
examples:
  responses:
    - text: '{"code": "0", "msg": "", "data": [{"ts": "1700000000500"}, {"ts": "1700000000100"}]}'
"""


@pytest.mark.slow
def test_a_made_up_exchange_passes_its_generated_tests(tmp_path, spec_copy):
    zeta = spec_copy / "zeta"
    (zeta / "account").mkdir(parents=True)
    (zeta / "market").mkdir()
    (zeta / "exchange.yaml").write_text(EXCHANGE)
    (zeta / "account" / "get_wallet.yaml").write_text(WALLET)
    (zeta / "market" / "get_trades.yaml").write_text(TRADES)
    (zeta / "account" / "get_orders.yaml").write_text(ORDERS)
    (zeta / "account" / "get_fills.yaml").write_text(FILLS)
    out = tmp_path / "generated"
    generate(spec_copy, out)
    tests = sorted(p.name for p in (out / "tests" / "zeta").iterdir())
    assert tests == [
        "test_account_get_fills.py",
        "test_account_get_orders.py",
        "test_account_get_wallet.py",
        "test_market_get_trades.py",
    ]
    orders_test = (out / "tests" / "zeta" / "test_account_get_orders.py").read_text()
    assert '["page"] == "4"' in orders_test  # the page after the example's page 3
    fills_test = (out / "tests" / "zeta" / "test_account_get_fills.py").read_text()
    assert '["endTime"] == "1700000000099"' in fills_test  # the last fill's ts, minus the step
    trades_test = (out / "tests" / "zeta" / "test_market_get_trades.py").read_text()
    assert 'request.url.host == "spot.zeta.invalid"' in trades_test and "def test_pages_0" in trades_test
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/zeta"],
        capture_output=True,
        text=True,
        cwd=out,
        env={**os.environ, "PYTHONPATH": str(out)},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # each endpoint: its response example (sync and async) and request example; each pager: a second page
    assert "17 passed" in result.stdout, result.stdout
    errors = subprocess.run(
        [sys.executable, "-c", REQUEST_ID_SCRIPT], capture_output=True, text=True, cwd=out,
        env={**os.environ, "PYTHONPATH": str(out)}, timeout=120,
    )  # fmt: skip
    assert errors.returncode == 0 and errors.stdout.split() == ["trace-7", "req-9", "Bad", "key"], errors.stderr


# The request id comes from the first header of exchange.yaml's request_id the response has; an
# error body without a message gets the documented text of its code.
REQUEST_ID_SCRIPT = """
import httpx
from exchange_sdk import APIStatusError, AuthenticationError
from exchange_sdk.zeta import ZetaClient

def answer(request):
    headers = {"X-Trace-Id": "trace-7"} if "wallet" in request.url.path else {"X-Request-Id": "req-9", "X-Trace-Id": "t"}
    return httpx.Response(401, json={"code": "1001", "msg": "", "data": []}, headers=headers)

client = ZetaClient(api_key="k", secret_key="s", passphrase="p", transport=httpx.MockTransport(answer), max_retries=0)
for call in (lambda: client.account.get_wallet(wallet_id=1), client.account.get_orders):
    try:
        call()
    except AuthenticationError as error:
        assert isinstance(error, APIStatusError) and error.status_code == 401 and error.body["code"] == "1001"
        assert error.response.status_code == 401 and error.message == str(error)
        print(error.request_id)
        text = error.exchange_message
print(text)
"""
