"""The errors the clients raise (templates/runtime/_errors.py), from the fake exchange's answers:
every APIError's attributes, APIStatusError for HTTP error statuses, the documented text of a code
whose body has no message, and the errors raised before sending outside APIError."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from exchange_sdk import (
    APIError,
    APIStatusError,
    AuthenticationError,
    ClientRateLimitError,
    ExchangeSDKError,
    InvalidParameterError,
    MissingCredentialsError,
    RequestValidationError,
)
from exchange_sdk.htx import HtxClient
from exchange_sdk.okx import OkxClient
from fake_exchange import API_KEY, PASSPHRASE, SECRET, FakeExchange, Fault

OKX_BALANCE = "/api/v5/account/balance"
SPOT_BALANCE = "/v1/account/accounts/1000001/balance"


@pytest.fixture
def fake():
    with FakeExchange() as server:
        yield server


def _okx(fake: FakeExchange) -> OkxClient:
    return OkxClient(api_key=API_KEY, secret_key=SECRET, passphrase=PASSPHRASE, base_url=fake.url, max_retries=0)


def test_an_error_with_an_http_error_status_is_an_api_status_error_of_its_kind(fake):
    body = {"code": "50113", "msg": "Invalid signature.", "data": []}
    fake.fail_next(OKX_BALANCE, Fault(401, json.dumps(body)))
    with _okx(fake) as client, pytest.raises(AuthenticationError) as caught:
        client.account.get_balance()
    error = caught.value
    assert isinstance(error, APIStatusError) and type(error).__name__ == "AuthenticationError"
    assert (error.status_code, error.code, error.exchange_message) == (401, "50113", "Invalid signature.")
    assert error.message == str(error) and "OKX error 50113: Invalid signature. (HTTP 401)" in error.message
    assert error.body == body and error.response.status_code == 401 and error.request_id is None
    assert json.loads(error.response.content) == body


def test_an_error_code_in_a_200_is_not_an_api_status_error(fake):
    fake.fail_next(OKX_BALANCE, Fault(200, '{"code": "51000", "msg": "Parameter ccy error", "data": [], "x": 1.50}'))
    with _okx(fake) as client, pytest.raises(InvalidParameterError) as caught:
        client.account.get_balance()
    assert not isinstance(caught.value, APIStatusError) and caught.value.status_code == 200
    assert caught.value.body["x"] == Decimal("1.50")  # numbers exact


def test_a_status_without_an_envelope_is_an_api_status_error(fake):
    fake.fail_next(OKX_BALANCE, Fault(502, "<html>Bad Gateway</html>"))
    with _okx(fake) as client, pytest.raises(APIStatusError) as caught:
        client.account.get_balance()
    assert caught.value.status_code == 502 and caught.value.body is None and caught.value.code is None


def test_an_htx_error_without_a_message_gets_the_documented_text_of_its_code(fake):
    fake.fail_next(SPOT_BALANCE, Fault(200, json.dumps({"status": "error", "err-code": "api-signature-not-valid"})))
    client = HtxClient(api_key=API_KEY, secret_key=SECRET, base_urls={"spot": fake.url}, max_retries=0)
    with client, pytest.raises(AuthenticationError) as caught:
        client.spot.get_account_balance(account_id=1000001)
    assert caught.value.exchange_message == "Signature not valid: Incorrect Access key"


def test_errors_raised_before_sending_are_not_api_errors(fake):
    with OkxClient(base_url=fake.url, max_retries=0) as client, pytest.raises(MissingCredentialsError) as missing:
        client.account.get_balance()
    with _okx(fake) as client, pytest.raises(RequestValidationError) as invalid:
        client.account.get_balance(ccy=42)
    assert fake.records == []
    for error in (missing.value, invalid.value):
        assert isinstance(error, ExchangeSDKError) and not isinstance(error, APIError)
    assert not issubclass(ClientRateLimitError, APIError) and issubclass(ClientRateLimitError, ExchangeSDKError)
