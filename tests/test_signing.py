"""The runtime signers reproduce the three vectors of docs/signing.md, through the clients."""

from __future__ import annotations

import httpx
from exchange_sdk.bitget import BitgetClient
from exchange_sdk.htx import HtxClient
from exchange_sdk.okx import OkxClient

KEYS = {"api_key": "test-api-key", "secret_key": "test-secret"}
VECTOR_MS = 1_700_000_000_000  # 2023-11-14T22:13:20.000Z


class Capture:
    def __init__(self, body: str) -> None:
        self.body = body
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, content=self.body.encode())


def test_okx_vector():
    capture = Capture('{"code": "0", "msg": "", "data": []}')
    with OkxClient(
        **KEYS, passphrase="test-passphrase", transport=httpx.MockTransport(capture), clock=lambda: VECTOR_MS
    ) as okx:
        okx.account.get_balance()
    (request,) = capture.requests
    assert request.url.raw_path == b"/api/v5/account/balance"
    assert request.headers["OK-ACCESS-TIMESTAMP"] == "2023-11-14T22:13:20.000Z"
    assert request.headers["OK-ACCESS-SIGN"] == "nL0Rh7FxukzVHJnSqNEksLaq26Lwl5UDLeMjLtg2/pU="
    assert request.headers["OK-ACCESS-KEY"] == "test-api-key"
    assert request.headers["OK-ACCESS-PASSPHRASE"] == "test-passphrase"


def test_bitget_vector():
    capture = Capture('{"code": "00000", "msg": "success", "requestTime": 1, "data": {}}')
    with BitgetClient(
        **KEYS, passphrase="test-passphrase", transport=httpx.MockTransport(capture), clock=lambda: VECTOR_MS
    ) as bitget:
        bitget.uta.get_account_assets()
    (request,) = capture.requests
    assert request.headers["ACCESS-TIMESTAMP"] == "1700000000000"
    assert request.headers["ACCESS-SIGN"] == "yVUzNktSL9rd4P/HLvFgZNQsPnGPruukQ4D2RL13nq4="
    assert request.headers["locale"] == "en-US"


def test_htx_vector():
    capture = Capture('{"code": 200, "message": "Success", "data": {}, "ts": 1}')
    with HtxClient(**KEYS, transport=httpx.MockTransport(capture), clock=lambda: VECTOR_MS) as htx:
        htx.account.get_account_balance()
    (request,) = capture.requests
    assert request.url.raw_path == (
        b"/v5/account/balance?AccessKeyId=test-api-key&SignatureMethod=HmacSHA256&SignatureVersion=2"
        b"&Timestamp=2023-11-14T22%3A13%3A20&Signature=UmwnjRkY4HhpS6cQTitDhVOzpW5ntjM7lCgF8qAOmTU%3D"
    )


def test_htx_signature_depends_on_the_host():
    signatures = []
    for base_url in ("https://api.hbdm.com", "https://api.hbdm.vn"):
        capture = Capture('{"code": 200, "message": "Success", "data": {}, "ts": 1}')
        with HtxClient(
            **KEYS, base_url=base_url, transport=httpx.MockTransport(capture), clock=lambda: VECTOR_MS
        ) as htx:
            htx.account.get_account_balance()
        signatures.append(capture.requests[0].url.params["Signature"])
    assert signatures[0] == "UmwnjRkY4HhpS6cQTitDhVOzpW5ntjM7lCgF8qAOmTU="
    assert signatures[1] != signatures[0]


def test_signed_query_is_the_query_on_the_wire():
    capture = Capture('{"code": "0", "msg": "", "data": []}')
    with OkxClient(**KEYS, passphrase="p", transport=httpx.MockTransport(capture), clock=lambda: VECTOR_MS) as okx:
        okx.account.get_balance(ccy=["BTC", "ETH"])
    (request,) = capture.requests
    assert request.url.raw_path == b"/api/v5/account/balance?ccy=BTC,ETH"
    import base64
    import hashlib
    import hmac

    prehash = "2023-11-14T22:13:20.000ZGET/api/v5/account/balance?ccy=BTC,ETH"
    expected = base64.b64encode(hmac.new(b"test-secret", prehash.encode(), hashlib.sha256).digest()).decode()
    assert request.headers["OK-ACCESS-SIGN"] == expected
