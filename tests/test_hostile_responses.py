"""Whatever an exchange sends, the generated clients return the parsed model (values exact,
unknowns kept) or raise a typed SDK error carrying the status, the exchange code if any and a
short excerpt; never a bare KeyError, TypeError or pydantic ValidationError."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import hypothesis.strategies as st
import pytest
from exchange_sdk import APIError, ExchangeSDKError, ResponseValidationError, ServerError
from exchange_sdk._runtime._errors import EXCERPT_CHARS
from exchange_sdk.bitget import BitgetClient
from exchange_sdk.htx import HtxClient
from exchange_sdk.okx import OkxClient
from hypothesis import given

CALLS = {
    "okx": (
        lambda t: OkxClient(api_key="k", secret_key="s", passphrase="p", transport=t, max_retries=0, rate_limit=None),
        lambda c: c.account.get_balance(),
    ),
    "bitget": (
        lambda t: BitgetClient(
            api_key="k", secret_key="s", passphrase="p", transport=t, max_retries=0, rate_limit=None
        ),
        lambda c: c.uta.get_account_assets(),
    ),
    "htx": (
        lambda t: HtxClient(api_key="k", secret_key="s", transport=t, max_retries=0, rate_limit=None),
        lambda c: c.account.get_account_balance(),
    ),
}


def call(exchange: str, body: bytes, status: int = 200) -> Any:
    make, run = CALLS[exchange]
    with make(httpx.MockTransport(lambda request: httpx.Response(status, content=body))) as client:
        return run(client)


@pytest.mark.parametrize(
    ("body", "status", "error", "words"),
    [
        (b"", 200, ResponseValidationError, "not JSON"),
        (b'{"code": "0", "msg": "", "data": [{"totalEq": "1"', 200, ResponseValidationError, "not JSON"),
        (b"<html><body>Welcome</body></html>", 200, ResponseValidationError, "Welcome"),
        (b"<html><body>Bad Gateway</body></html>", 502, ServerError, "Bad Gateway"),
        (b'[{"code": "0"}]', 200, ResponseValidationError, "without the envelope"),
        (b'{"code": "0", "msg": "", "data": {"totalEq": "1"}}', 200, ResponseValidationError, "data"),
        (b'{"code": "0", "msg": "", "data": null}', 200, ResponseValidationError, "data"),
        (b'{"code": "0", "msg": ""}', 200, ResponseValidationError, "no 'data'"),
        (b'{"code": "0", "msg": "", "data": [{"totalEq": "abc"}]}', 200, ResponseValidationError, "data[0].totalEq"),
        (b'{"code": "0", "msg": "", "data": [{"details": "not a list"}]}', 200, ResponseValidationError, "details"),
        (b'{"code": "987654", "msg": "brand new error", "data": []}', 200, APIError, "987654"),
        (b'{"code": null, "msg": null, "data": null}', 200, APIError, "None"),
        (b'{"code": {"nested": 1}, "msg": 5, "data": []}', 200, APIError, "nested"),
    ],
)
def test_each_hostile_body_gives_a_typed_error_with_status_and_excerpt(body, status, error, words):
    with pytest.raises(error) as caught:
        call("okx", body, status)
    assert words in str(caught.value)
    assert caught.value.status_code == status
    assert len(caught.value.body_excerpt) <= EXCERPT_CHARS


def test_nulls_in_every_position_parse_as_none():
    document = json.loads(
        (
            __import__("pathlib").Path(__file__).parent / "data/real_responses/okx_get_api_v5_account_balance.json"
        ).read_text()
    )
    for detail in document["data"][0]["details"]:
        for key in detail:
            detail[key] = None
    for key in document["data"][0]:
        if key != "details":
            document["data"][0][key] = None
    (balance,) = call("okx", json.dumps(document).encode())
    assert balance.total_eq is None and balance.u_time is None
    assert all(value is None for value in balance.details[0].model_dump().values())


def test_numbers_for_strings_and_strings_for_numbers():
    body = b'{"code": 200, "message": "ok", "data": {"equity": 12.5, "created_time": "1770293268881", "state": 1, "details": [{"currency": 7, "equity": "1e3"}]}, "ts": 1}'
    balance = call("htx", body)
    assert balance.equity == Decimal("12.5") and str(balance.equity) == "12.5"
    assert balance.created_time == 1770293268881
    assert balance.state == "1"  # documented value 1 (NORMAL), sent as a number
    assert balance.details[0].currency == "7" and balance.details[0].equity == Decimal("1E+3")


def test_very_long_decimals_and_huge_bodies():
    long = "1" * 60 + "." + "9" * 60
    body = json.dumps(
        {"code": "0", "msg": "", "data": [{"totalEq": long, "details": [{"ccy": "X", "eq": "1"}] * 20_000}]}
    )
    (balance,) = call("okx", body.encode())  # ~400 KB
    assert str(balance.total_eq) == long
    assert len(balance.details) == 20_000


def test_unknown_envelope_codes_of_htx_as_strings():
    with pytest.raises(APIError) as caught:
        call("htx", b'{"code": "api-signature-not-valid", "message": "Signature not valid", "ts": 1}')
    assert caught.value.code == "api-signature-not-valid" and type(caught.value).__name__ == "AuthenticationError"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6),
    max_leaves=30,
)


def _bodies(exchange: str) -> st.SearchStrategy[bytes]:
    code = {"okx": "0", "bitget": "00000", "htx": 200}[exchange]
    envelope = st.fixed_dictionaries(
        {"code": st.one_of(st.just(code), JSON), "msg": JSON, "message": JSON, "data": JSON}
    )
    return st.one_of(
        envelope.map(lambda d: json.dumps(d).encode()),
        JSON.map(lambda d: json.dumps(d).encode()),
        st.binary(max_size=200),
        st.text(max_size=200).map(str.encode),
    )


@pytest.mark.parametrize("exchange", sorted(CALLS))
@given(data=st.data(), status=st.sampled_from([200, 200, 200, 201, 400, 401, 403, 404, 429, 500, 502, 503]))
def test_any_body_gives_a_model_or_a_typed_error(exchange, data, status):
    body = data.draw(_bodies(exchange))
    try:
        call(exchange, body, status)
    except ExchangeSDKError as error:
        assert getattr(error, "status_code", status) == status
        assert "Traceback" not in str(error)
