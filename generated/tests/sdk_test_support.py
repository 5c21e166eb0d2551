# DO NOT EDIT: copied by sdkgen from templates/tests/sdk_test_support.py
"""Support for the generated tests: fixtures, a recording mock transport, and signature checks.

The signature checks are written independently of the SDK's signers: they rebuild each
exchange's string to sign from the request as it went on the wire (raw path and query, headers,
body bytes), following the exchanges' documentation, and compare.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CLOCK_MS = 1_700_000_000_000  # 2023-11-14T22:13:20.000Z, the time of the signing vectors
# The test value of each credential an auth scheme takes, whatever the exchange.
CREDENTIALS: dict[str, str] = {"api_key": "test-api-key", "secret_key": "test-secret", "passphrase": "test-passphrase"}


def clock() -> int:
    return CLOCK_MS


def load_fixture(relative: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / relative).read_text(encoding="utf-8"))
    return loaded


class Recorder:
    """An httpx.MockTransport handler that records every request and answers them with the
    fixtures in turn (the last one again once they run out)."""

    def __init__(self, *fixtures: dict[str, Any]) -> None:
        assert fixtures, "a Recorder needs a fixture to answer with"
        self.fixtures = fixtures
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        fixture = self.fixtures[min(len(self.requests), len(self.fixtures)) - 1]
        return httpx.Response(
            fixture.get("status", 200),
            content=fixture["body"].encode("utf-8"),
            headers={"Content-Type": "application/json"},
        )

    def single(self) -> httpx.Request:
        assert len(self.requests) == 1, f"expected one request, got {len(self.requests)}"
        return self.requests[0]


def assert_same_json(content: bytes, expected: Any) -> None:
    """The body sent is `expected`: the same values, and object members in the same order."""
    sent = json.loads(content)
    assert sent == expected, f"sent {sent!r}, expected {expected!r}"
    assert json.dumps(sent) == json.dumps(expected), f"members in another order: sent {sent!r}, expected {expected!r}"


def _hmac(secret: str, text: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode()


def _split_target(request: httpx.Request) -> tuple[str, str]:
    target = request.url.raw_path.decode("ascii")
    path, _, query = target.partition("?")
    return path, query


def query_pairs(request: httpx.Request) -> list[tuple[str, str]]:
    """The query as sent, decoded, in wire order."""
    _, query = _split_target(request)
    pairs = []
    for part in query.split("&") if query else []:
        name, _, value = part.partition("=")
        pairs.append((unquote(name), unquote(value)))
    return pairs


def verify_signature(scheme: str, request: httpx.Request) -> None:
    """Assert that the request carries the signature its auth scheme documents, at CLOCK_MS (a
    new exchange on a known scheme needs nothing here)."""
    secret = CREDENTIALS["secret_key"]
    path, query = _split_target(request)
    body = request.content.decode("utf-8")
    moment = datetime.fromtimestamp(CLOCK_MS / 1000, tz=UTC)
    if scheme == "okx-hmac-sha256":
        timestamp = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{CLOCK_MS % 1000:03d}Z"
        assert request.headers["OK-ACCESS-TIMESTAMP"] == timestamp
        assert request.headers["OK-ACCESS-KEY"] == CREDENTIALS["api_key"]
        assert request.headers["OK-ACCESS-PASSPHRASE"] == CREDENTIALS["passphrase"]
        prehash = timestamp + request.method + path + (f"?{query}" if query else "") + body
        assert request.headers["OK-ACCESS-SIGN"] == _hmac(secret, prehash)
    elif scheme == "bitget-hmac-sha256":
        timestamp = str(CLOCK_MS)
        assert request.headers["ACCESS-TIMESTAMP"] == timestamp
        assert request.headers["ACCESS-KEY"] == CREDENTIALS["api_key"]
        assert request.headers["ACCESS-PASSPHRASE"] == CREDENTIALS["passphrase"]
        assert request.headers["Content-Type"] == "application/json"
        names = [name for name, _ in query_pairs(request)]
        assert names == sorted(names), "Bitget wants the query sorted by key"
        prehash = timestamp + request.method + path + (f"?{query}" if query else "") + body
        assert request.headers["ACCESS-SIGN"] == _hmac(secret, prehash)
    elif scheme == "htx-hmac-sha256-v2":
        parts = query.split("&")
        signature = [p for p in parts if p.startswith("Signature=")]
        assert len(signature) == 1 and parts[-1] == signature[0], "Signature must be the last query parameter"
        canonical = parts[:-1]
        assert canonical == sorted(canonical), "HTX wants the canonical query sorted by name"
        pairs = dict(query_pairs(request))
        assert pairs["AccessKeyId"] == CREDENTIALS["api_key"]
        assert pairs["SignatureMethod"] == "HmacSHA256" and pairs["SignatureVersion"] == "2"
        assert pairs["Timestamp"] == moment.strftime("%Y-%m-%dT%H:%M:%S")
        prehash = "\n".join([request.method, request.url.host.lower(), path, "&".join(canonical)])
        assert unquote(signature[0].split("=", 1)[1]) == _hmac(secret, prehash)
    else:  # pragma: no cover - a new auth scheme (a new signer in the runtime) needs its check here
        raise AssertionError(f"no signature check for the auth scheme {scheme}")


def assert_round_trips(result: Any) -> None:
    """Every model of a result survives JSON and back: Model.model_validate_json(
    m.model_dump_json(by_alias=True)) == m (a list's items each, a scalar trivially)."""
    from pydantic import BaseModel

    for model in result if isinstance(result, list) else [result]:
        if isinstance(model, BaseModel):
            restored = type(model).model_validate_json(model.model_dump_json(by_alias=True))
            assert restored == model, (type(model).__name__, restored, model)
