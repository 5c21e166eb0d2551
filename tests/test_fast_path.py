"""The clients parse a response straight from its bytes (the fast path) and fall back to a careful
parse of `json.loads` output that also explains every problem. The fast path's validators differ
from the careful ones (see exchange_sdk/_runtime/_types.py), so this checks, value by value and
for every scalar type, that a call returns exactly what the careful path alone returns, or that
both raise ResponseValidationError."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import hypothesis.strategies as st
import pytest
from exchange_sdk import ResponseValidationError
from exchange_sdk.okx import OkxClient
from exchange_sdk.okx.account import GET_BALANCE
from hypothesis import example, given

REAL = json.loads((Path(__file__).parent / "data/real_responses/okx_get_api_v5_account_balance.json").read_text())

# (where in the first balance record, the spec type there)
FIELDS = {
    "decimal": ("totalEq",),
    "timestamp_ms": ("uTime",),
    "string": ("details", 0, "ccy"),
    "integer": ("details", 0, "twap"),
    "boolean": ("details", 0, "collateralEnabled"),
}

TRICKY_TEXTS = [
    "",
    "0",
    "-0",
    "00",
    "1.0",
    "1.5",
    "1e3",
    "1E+3",
    " 1",
    "1 ",
    "+1",
    "1_000",
    "0x1f",
    "NaN",
    "nan",
    "Infinity",
    "-inf",
    "true",
    "false",
    "True",
    "yes",
    "no",
    "on",
    "1",
    "null",
    "\u0663",
    "12345678901234567890123",
]
VALUES = st.one_of(
    st.sampled_from(TRICKY_TEXTS),
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.just({}),
    st.just({"a": "1"}),
    st.just([]),
    st.just(["1"]),
)


def _client(body: bytes) -> OkxClient:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    return OkxClient(api_key="k", secret_key="s", passphrase="p", transport=transport, max_retries=0, rate_limit=None)


def _outcome(body: bytes, *, careful_only: bool) -> Any:
    with _client(body) as client:
        if careful_only:
            client._parse_fast = lambda operation, content: None  # type: ignore[method-assign]
        try:
            balances = client.account.get_balance()
        except ResponseValidationError as error:
            return ("error", type(error).__name__)
    # model_dump loses the Python types that tell 1 from True and 1 from Decimal(1): keep them
    return [_typed(balance.model_dump()) for balance in balances]


def _typed(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return (type(value).__name__, str(value))


def _body_with(path: tuple[str | int, ...], value: Any) -> bytes:
    document = copy.deepcopy(REAL)
    target: Any = document["data"][0]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(document).encode()


@pytest.mark.parametrize("kind", sorted(FIELDS))
@given(value=VALUES)
@example(value={"a": "1"})  # unhashable where a decimal belongs: the fast path's lookup raises TypeError
@example(value=1.5)  # a float: the fast path must hand over to exact decimals
@example(value="")
@example(value=3.863145272702011e16)  # an integer written as a float: its last digits are lost in a float
def test_a_call_returns_what_the_careful_path_returns(kind: str, value: Any) -> None:
    body = _body_with(FIELDS[kind], value)
    assert _outcome(body, careful_only=False) == _outcome(body, careful_only=True)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (None, None),
        ("decimal", ""),
        ("decimal", "0"),
        ("decimal", 7),
        ("timestamp_ms", ""),
        ("integer", ""),
        ("integer", "12"),
        ("boolean", ""),
        ("boolean", True),
    ],
)
def test_usual_values_take_the_fast_path(kind: str | None, value: Any) -> None:
    """Guards the test above: the fast path really answers for the values exchanges send."""
    body = json.dumps(REAL).encode() if kind is None else _body_with(FIELDS[kind], value)
    with _client(body) as client:
        assert client._parse_fast(GET_BALANCE, body) is not None
