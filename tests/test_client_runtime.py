"""The generated clients end to end against a mock transport: the five calls of the issue,
argument checking before sending, envelopes, typed errors, and secrets kept out of sight."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import httpx
import pytest
from exchange_sdk import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    InvalidParameterError,
    MissingCredentialsError,
    PermissionDeniedError,
    RateLimitError,
    RequestValidationError,
    ResponseValidationError,
    ServerError,
    TimestampError,
)
from exchange_sdk.bitget import AsyncBitgetClient, BitgetClient
from exchange_sdk.bitget.models import FuturesAccount, ProductType
from exchange_sdk.htx import AsyncHtxClient, HtxClient
from exchange_sdk.htx.models import State
from exchange_sdk.okx import AsyncOkxClient, OkxClient
from exchange_sdk.okx.account import GET_BALANCE
from fake_exchange import API_KEY, FakeExchange, Fault
from fake_exchange import PASSPHRASE as FAKE_PASSPHRASE
from fake_exchange import SECRET as FAKE_SECRET

SECRET = "s3cr3t-VALUE-never-shown"
PASSPHRASE = "pass-PHRASE-never-shown"
OK_OKX = '{"code": "0", "msg": "", "data": [{"totalEq": "1.5", "details": []}]}'
OK_BITGET_LIST = (
    '{"code": "00000", "msg": "success", "requestTime": 1, "data": [{"marginCoin": "USDT", "available": "2"}]}'
)
OK_BITGET_UTA = '{"code": "00000", "msg": "success", "requestTime": "1", "data": {"accountEquity": "3", "assets": []}}'
OK_HTX = '{"code": "200", "message": "Success", "data": {"state": "normal", "equity": "4"}, "ts": "1"}'


class Server:
    """A mock transport answering every request with one status and body, recording requests."""

    def __init__(self, body: str | bytes, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self.body = body.encode() if isinstance(body, str) else body
        self.status = status
        self.headers = headers or {}
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, content=self.body, headers=self.headers)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


# Retries and rate limits have their own tests (test_trading_runtime.py); here every call is one request.
def okx(server: Server) -> OkxClient:
    return OkxClient(
        api_key="key-1234567890", secret_key=SECRET, passphrase=PASSPHRASE, transport=server.transport, max_retries=0
    )


def bitget(server: Server) -> BitgetClient:
    return BitgetClient(
        api_key="key-1234567890", secret_key=SECRET, passphrase=PASSPHRASE, transport=server.transport, max_retries=0
    )


def htx(server: Server) -> HtxClient:
    return HtxClient(api_key="key-1234567890", secret_key=SECRET, transport=server.transport, max_retries=0)


# --- the five calls, exactly as the issue writes them ------------------------------------------


def test_the_five_calls_sync():
    server = Server(OK_OKX)
    with okx(server) as client:
        balances = client.account.get_balance(ccy=["BTC", "ETH"])
        client.account.get_balance(ccy="BTC")
        client.account.get_balance(ccy="BTC,ETH")
    assert [r.url.raw_path for r in server.requests] == [
        b"/api/v5/account/balance?ccy=BTC,ETH",
        b"/api/v5/account/balance?ccy=BTC",
        b"/api/v5/account/balance?ccy=BTC,ETH",
    ]
    assert isinstance(balances, list) and balances[0].total_eq == Decimal("1.5")

    server = Server(OK_BITGET_LIST)
    with bitget(server) as client:
        accounts = client.contract.get_account_list(product_type="USDT-FUTURES")
        client.contract.get_subaccount_assets(product_type="USDT-FUTURES")
    assert isinstance(accounts[0], FuturesAccount) and accounts[0].available == Decimal("2")
    assert server.requests[0].url.raw_path == b"/api/v2/mix/account/accounts?productType=USDT-FUTURES"
    assert server.requests[1].url.raw_path == b"/api/v2/mix/account/sub-account-assets?productType=USDT-FUTURES"

    server = Server(OK_BITGET_UTA)
    with bitget(server) as client:
        assets = client.uta.get_account_assets()
    assert assets.account_equity == Decimal("3") and assets.assets == []

    server = Server(OK_HTX)
    with htx(server) as client:
        balance = client.account.get_account_balance()
    assert balance.state is State.NORMAL and balance.equity == Decimal("4")


def test_the_five_calls_async():
    async def main() -> None:
        async with AsyncOkxClient(
            api_key="k", secret_key=SECRET, passphrase=PASSPHRASE, transport=Server(OK_OKX).transport
        ) as c:
            assert (await c.account.get_balance(ccy=["BTC", "ETH"]))[0].total_eq == Decimal("1.5")
        server = Server(OK_BITGET_LIST)
        async with AsyncBitgetClient(
            api_key="k", secret_key=SECRET, passphrase=PASSPHRASE, transport=server.transport
        ) as c:
            assert (await c.contract.get_account_list(product_type="USDT-FUTURES"))[0].margin_coin == "USDT"
            await c.contract.get_subaccount_assets(product_type=ProductType.USDT_FUTURES)
        assert server.requests[1].url.params["productType"] == "USDT-FUTURES"
        async with AsyncBitgetClient(
            api_key="k", secret_key=SECRET, passphrase=PASSPHRASE, transport=Server(OK_BITGET_UTA).transport
        ) as c:
            assert (await c.uta.get_account_assets()).account_equity == Decimal("3")
        async with AsyncHtxClient(api_key="k", secret_key=SECRET, transport=Server(OK_HTX).transport) as c:
            assert (await c.account.get_account_balance()).equity == Decimal("4")

    asyncio.run(main())


# --- arguments are checked before anything is sent ---------------------------------------------


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda c: c.contract.get_account_list(product_type="USDT-FUTURE"), "must be one of"),
        (lambda c: c.contract.get_account_list(product_type=1), "must be one of"),
    ],
)
def test_bad_arguments_are_rejected_before_sending(call, words):
    server = Server(OK_BITGET_LIST)
    with bitget(server) as client, pytest.raises(RequestValidationError) as caught:
        call(client)
    assert words in str(caught.value) and "product_type" in str(caught.value)
    assert server.requests == []


def test_missing_required_parameter_is_a_type_error():
    server = Server(OK_BITGET_LIST)
    with bitget(server) as client, pytest.raises(TypeError):
        client.contract.get_account_list()  # type: ignore[call-arg]
    assert server.requests == []


def test_list_parameters_are_checked():
    server = Server(OK_OKX)
    with okx(server) as client:
        with pytest.raises(RequestValidationError, match="at most 20 items"):
            client.account.get_balance(ccy=[f"C{i}" for i in range(21)])
        with pytest.raises(RequestValidationError, match="must be a str"):
            client.account.get_balance(ccy=[1, 2])  # type: ignore[list-item]
    assert server.requests == []


def test_enum_members_and_documented_strings_are_accepted():
    server = Server(OK_BITGET_LIST)
    with bitget(server) as client:
        client.contract.get_account_list(product_type=ProductType.SUSDT_FUTURES)
        client.contract.get_account_list(product_type="COIN-FUTURES")
    assert [r.url.params["productType"] for r in server.requests] == ["SUSDT-FUTURES", "COIN-FUTURES"]


def test_private_call_without_credentials_fails_before_sending(monkeypatch):
    for name in ("OKX_API_KEY", "OKX_SECRET_KEY", "OKX_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    server = Server(OK_OKX)
    with OkxClient(api_key="k", transport=server.transport) as client, pytest.raises(MissingCredentialsError) as caught:
        client.account.get_balance()
    assert "secret_key (or $OKX_SECRET_KEY)" in str(caught.value)
    assert server.requests == []


def test_credentials_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("HTX_API_KEY", "env-key")
    monkeypatch.setenv("HTX_SECRET_KEY", "env-secret")
    server = Server(OK_HTX)
    with HtxClient(transport=server.transport) as client:
        client.account.get_account_balance()
    assert server.requests[0].url.params["AccessKeyId"] == "env-key"


# --- envelopes and typed errors ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "error", "code"),
    [
        (401, '{"code": "50113", "msg": "Invalid signature.", "data": []}', AuthenticationError, "50113"),
        (200, '{"code": "50011", "msg": "Rate limit reached.", "data": []}', RateLimitError, "50011"),
        (401, '{"code": "50102", "msg": "Timestamp request expired.", "data": []}', TimestampError, "50102"),
        (200, '{"code": "50110", "msg": "Your IP is not included", "data": []}', PermissionDeniedError, "50110"),
        (400, '{"code": "51000", "msg": "Parameter ccy error", "data": []}', InvalidParameterError, "51000"),
        (503, '{"code": "50001", "msg": "Service temporarily unavailable.", "data": []}', ServerError, "50001"),
    ],
)
def test_exchange_codes_map_to_typed_errors(status, body, error, code):
    server = Server(body, status=status)
    with okx(server) as client, pytest.raises(error) as caught:
        client.account.get_balance()
    assert caught.value.code == code
    assert caught.value.status_code == status
    assert caught.value.exchange_message == json.loads(body)["msg"]
    assert code in str(caught.value) and f"HTTP {status}" in str(caught.value)


def test_success_is_decided_by_the_envelope_not_the_status():
    server = Server('{"code": "40009", "msg": "sign signature error", "requestTime": 1, "data": null}', status=200)
    with bitget(server) as client, pytest.raises(AuthenticationError):
        client.uta.get_account_assets()
    server = Server('{"code": 1032, "message": "The number of access exceeded the limit.", "ts": 1}', status=200)
    with htx(server) as client, pytest.raises(RateLimitError) as caught:
        client.account.get_account_balance()
    assert caught.value.code == "1032"
    for body in ('{"code": 200, "message": "Success", "data": {}, "ts": 1}', OK_HTX):
        with htx(Server(body)) as client:
            client.account.get_account_balance()  # 200 and "200" both succeed


def test_unknown_code_falls_back_to_the_http_status():
    server = Server('{"code": "59999", "msg": "new error", "data": []}', status=429)
    with okx(server) as client, pytest.raises(RateLimitError) as caught:
        client.account.get_balance()
    assert caught.value.code == "59999"


def test_html_error_page_is_a_server_error_with_an_excerpt():
    server = Server("<html><body>502 Bad Gateway</body></html>", status=502)
    with okx(server) as client, pytest.raises(ServerError) as caught:
        client.account.get_balance()
    assert caught.value.status_code == 502 and "502 Bad Gateway" in caught.value.body_excerpt


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("<html>maintenance</html>", "not JSON"),
        ('{"msg": "no code"}', "without the envelope's 'code'"),
        ('{"code": "0", "msg": ""}', "has no 'data'"),
        ('{"code": "0", "msg": "", "data": [{"totalEq": "abc"}]}', "data[0].totalEq"),
        ('{"code": "0", "msg": "", "data": {"totalEq": "1"}}', "data"),
    ],
)
def test_a_body_that_is_not_what_the_spec_says_is_a_response_validation_error(body, words):
    with okx(Server(body)) as client, pytest.raises(ResponseValidationError) as caught:
        client.account.get_balance()
    assert words in str(caught.value)
    assert caught.value.status_code == 200


def test_connection_failures_are_typed():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out")

    with OkxClient(api_key="k", secret_key=SECRET, passphrase=PASSPHRASE, transport=httpx.MockTransport(refuse)) as c:
        with pytest.raises(APIConnectionError):
            c.account.get_balance()
    with OkxClient(api_key="k", secret_key=SECRET, passphrase=PASSPHRASE, transport=httpx.MockTransport(slow)) as c:
        with pytest.raises(APITimeoutError):
            c.account.get_balance()


# --- models ------------------------------------------------------------------------------------


def test_models_keep_unknown_fields_and_map_blank_to_none():
    body = '{"code": "0", "msg": "", "data": [{"totalEq": "", "isoEq": null, "brandNewField": "x", "uTime": "1705474164160"}]}'
    with okx(Server(body)) as client:
        (balance,) = client.account.get_balance()
    assert balance.total_eq is None and balance.iso_eq is None
    assert balance.u_time == 1705474164160
    assert balance.model_extra == {"brandNewField": "x"}


def test_open_enums_accept_unknown_and_aliased_values():
    body = '{"code": 200, "message": "Success", "data": {"state": "liquidating"}, "ts": 1}'
    with htx(Server(body)) as client:
        balance = client.account.get_account_balance()
    assert balance.state == "liquidating" and isinstance(balance.state, State) and not balance.state.documented
    assert State("normal") is State.NORMAL and State.NORMAL.documented


# --- secrets ------------------------------------------------------------------------------------


def test_no_secret_in_reprs_or_errors():
    body = f'{{"code": "50113", "msg": "bad sign for {SECRET}", "data": []}}'
    client = okx(Server(body, status=401))
    assert SECRET not in repr(client) and PASSPHRASE not in repr(client)
    assert "key-***" in repr(client)
    with pytest.raises(AuthenticationError) as caught:
        client.account.get_balance()
    for text in (str(caught.value), repr(caught.value), caught.value.body_excerpt, str(caught.value.exchange_message)):
        assert SECRET not in text and PASSPHRASE not in text
    assert repr(client._credentials) == "Credentials(api_key, passphrase, secret_key)"
    client.close()


# --- exact numbers: the fast path falls back to exact decimals when a JSON number could lose digits ---


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("0.12345678901234567890123456789", "0.12345678901234567890123456789"),
        ("123456789012345678901234567890.5", "123456789012345678901234567890.5"),
        ("1e-30", "1E-30"),
        ("2.50", "2.50"),
        ("7", "7"),
    ],
)
def test_json_number_literals_keep_every_digit(literal, expected):
    body = '{"code": "0", "msg": "", "data": [{"totalEq": %s, "newNumber": %s, "details": [{"ccy": %s}]}]}' % (
        literal,
        literal,
        literal,
    )
    with okx(Server(body)) as client:
        (balance,) = client.account.get_balance()
    assert str(balance.total_eq) == expected
    assert balance.total_eq.as_tuple() == Decimal(expected).as_tuple()
    assert balance.model_extra["newNumber"] == Decimal(expected)  # unknown fields keep exact numbers too
    assert balance.details[0].ccy == literal  # a number where a string is documented keeps its text


def test_the_fast_path_and_the_exact_path_agree_on_the_real_responses():
    from pathlib import Path

    raw = (Path(__file__).parent / "data" / "real_responses" / "okx_get_api_v5_account_balance.json").read_bytes()
    with okx(Server(raw)) as client:
        fast = client.account.get_balance()
        exact = client._adapter(GET_BALANCE).validate_python(json.loads(raw, parse_float=Decimal)["data"])
    assert [m.model_dump() for m in fast] == [m.model_dump() for m in exact]


# --- with_options: configured copies sharing the connection pool --------------------------------


def test_a_copy_changes_only_what_it_is_given_and_shares_the_connections():
    with FakeExchange() as fake:
        client = OkxClient(
            api_key=API_KEY, secret_key=FAKE_SECRET, passphrase=FAKE_PASSPHRASE, base_url=fake.url,
            default_headers={"X-Team": "a"},
        )  # fmt: skip
        with client:
            copy = client.with_options(timeout=0.1, max_retries=0, default_headers={"X-Desk": "b"})
            assert type(copy) is OkxClient and copy.account is not client.account
            assert copy.account._client is copy and copy.with_raw_response._client is copy
            fake.fail_next("/api/v5/account/balance", Fault(delay=0.5, body=OK_OKX))
            with pytest.raises(APITimeoutError):
                copy.account.get_balance()  # the copy's timeout, and no retry
            assert copy.account.get_balance()[0].total_eq is not None
            assert client.account.get_balance()[0].total_eq is not None
            fake.fail_next("/api/v5/account/balance", Fault(delay=0.3, body=OK_OKX))
            assert client.account.get_balance()[0].total_eq is not None  # the client's own timeout
            copy.close()  # closes nothing: the pool is the client's
            assert client.account.get_balance()[0].total_eq is not None
        records = fake.requests_to("/api/v5/account/balance")
        assert [r.headers.get("x-desk") for r in records] == ["b", "b", None, None, None]
        assert {r.headers["x-team"] for r in records} == {"a"}
        # after the timed-out connection, the copy and the client took turns on one connection
        assert len({r.peer for r in records[1:]}) == 1 and all(r.verdict == "ok" for r in records)


def test_a_copy_with_another_key_signs_with_it():
    with FakeExchange() as fake:
        with OkxClient(
            api_key=API_KEY, secret_key=FAKE_SECRET, passphrase=FAKE_PASSPHRASE, base_url=fake.url
        ) as client:
            copy = client.with_options(api_key="other-key-0987654321", secret_key="other-secret-value")
            with pytest.raises(AuthenticationError):  # the fake knows only the first key's secret
                copy.account.get_balance()
            assert "other-key" not in repr(copy) and repr(copy).startswith("OkxClient(") and "othe***" in repr(copy)
            assert client.account.get_balance()[0].total_eq is not None
        first, second = fake.requests_to("/api/v5/account/balance")
        assert first.headers["ok-access-key"] == "other-key-0987654321" and first.verdict == "bad-signature"
        assert first.headers["ok-access-passphrase"] == FAKE_PASSPHRASE  # not given: kept
        assert second.headers["ok-access-key"] == API_KEY and second.verdict == "ok"


def test_an_async_copy_shares_the_session_and_closing_it_closes_nothing():
    async def main() -> None:
        with FakeExchange() as fake:
            async with AsyncOkxClient(
                api_key=API_KEY, secret_key=FAKE_SECRET, passphrase=FAKE_PASSPHRASE, base_url=fake.url
            ) as client:
                copy = client.with_options(deadline=0.3, rate_limit="raise")
                fake.fail_next("/api/v5/account/balance", Fault(delay=0.6, body=OK_OKX))
                with pytest.raises(APITimeoutError, match="deadline of 0.3 s"):
                    await copy.account.get_balance()
                await copy.aclose()
                assert (await client.account.get_balance())[0].total_eq is not None
                assert (await copy.account.get_balance())[0].total_eq is not None

    asyncio.run(main())


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"timeout": -1}, "timeout must be a number of seconds above 0"),
        ({"deadline": 0}, "deadline must be a number of seconds above 0"),
        ({"max_retries": "2"}, "max_retries must be a whole number"),
        ({"rate_limit": "later"}, "rate_limit must be 'wait', 'raise' or None"),
        ({"api_key": ""}, "api_key must be a non-empty string"),
        ({"default_headers": {"Host": "evil"}}, "frames the request"),
    ],
)
def test_a_copy_checks_its_settings_as_the_client_does(options, words):
    client = OkxClient(api_key="key-1234567890", secret_key=SECRET, passphrase=PASSPHRASE)
    with client, pytest.raises(ValueError, match=words):
        client.with_options(**options)
