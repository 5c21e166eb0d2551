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


def test_timestamps_are_right_across_seconds():
    """The signers keep the last second's text (_signing._utc_second): moving forward, back and
    within a second still gives each millisecond's own time."""
    from datetime import UTC, datetime

    from exchange_sdk._runtime._signing import iso_milliseconds, iso_seconds

    for ms in (VECTOR_MS, VECTOR_MS + 999, VECTOR_MS + 1000, VECTOR_MS - 1, VECTOR_MS, 0, 1, 253_402_300_799_999):
        moment = datetime.fromtimestamp(ms // 1000, tz=UTC)
        assert iso_milliseconds(ms) == f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"
        assert iso_seconds(ms) == f"{moment:%Y-%m-%dT%H:%M:%S}"


def test_the_keyed_hmac_is_hmac_sha256_for_every_message():
    """Credentials.hmac_sha256 keys once and copies per message: the same as a fresh HMAC each time,
    for short keys, keys of a whole SHA-256 block and longer (hashed first), and non-ASCII ones."""
    import hashlib
    import hmac

    from exchange_sdk._runtime._credentials import CredentialInfo, Credentials

    for secret in ("s", "k" * 64, "k" * 65, "x" * 200, "s\u00e9cr\u00e8t"):
        credentials = Credentials(
            (CredentialInfo("secret_key", "UNSET_TEST_SECRET", secret=True),), {"secret_key": secret}
        )
        for message in (b"", b"GET/api/v5/account/balance", b"GET/api/v5/account/balance", b"m" * 1000):
            expected = hmac.new(secret.encode(), message, hashlib.sha256).digest()
            assert credentials.hmac_sha256("secret_key", message) == expected
