"""The clients' two ways to the network (templates/runtime/_sender.py), against a real local server
(tests/fake_exchange.py): the default direct path on the SDK's own transport, and httpx.Client with
a caller's transport. Both must send the same request for every seed operation, decode compressed
bodies the same way, and fail the same typed way."""

from __future__ import annotations

import asyncio
import gzip
import time
import zlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from exchange_sdk import APIConnectionError, ResponseValidationError
from exchange_sdk.bitget import AsyncBitgetClient, BitgetClient
from exchange_sdk.htx import AsyncHtxClient, HtxClient
from exchange_sdk.okx import AsyncOkxClient, OkxClient
from fake_exchange import API_KEY, PASSPHRASE, SECRET, FakeExchange, Fault, Record

OKX_BALANCE = "/api/v5/account/balance"
OKX_BODY = b'{"code":"0","msg":"","data":[{"totalEq":"41624.32","details":[{"ccy":"BTC","eq":"1.5"}]}]}'
# Headers httpx adds on its own (connection management); everything else must be the same.
HTTPX_ONLY = {"connection"}

# (client classes, their keyword arguments, the five seed calls) per exchange
SEED_CALLS: list[tuple[type, type, dict[str, str], Callable[[Any], Any]]] = [
    (OkxClient, AsyncOkxClient, {"passphrase": PASSPHRASE}, lambda c: c.account.get_balance(ccy=["BTC", "ETH"])),
    (
        BitgetClient,
        AsyncBitgetClient,
        {"passphrase": PASSPHRASE},
        lambda c: c.contract.get_account_list(product_type="USDT-FUTURES"),
    ),
    (
        BitgetClient,
        AsyncBitgetClient,
        {"passphrase": PASSPHRASE},
        lambda c: c.contract.get_subaccount_assets(product_type="USDT-FUTURES"),
    ),
    (BitgetClient, AsyncBitgetClient, {"passphrase": PASSPHRASE}, lambda c: c.uta.get_account_assets()),
    (HtxClient, AsyncHtxClient, {}, lambda c: c.account.get_account_balance()),
]


def _comparable(record: Record) -> tuple[Any, ...]:
    headers = {k: v for k, v in record.headers.items() if k not in HTTPX_ONLY}
    return record.method, record.path, record.query, headers, record.body, record.verdict


@pytest.fixture
def fake():
    with FakeExchange() as server:
        server.bodies[("GET", "/api/v2/mix/account/accounts")] = (
            '{"code":"00000","msg":"success","requestTime":1,"data":[{"marginCoin":"USDT","available":"10.5"}]}'
        )
        yield server


@pytest.mark.parametrize("index", range(len(SEED_CALLS)))
def test_direct_and_httpx_paths_send_the_same_request(fake, index):
    sync_class, async_class, extra, call = SEED_CALLS[index]
    now = int(time.time() * 1000)
    # Four clients of one key share its rate-limit buckets; waiting for them is not what this compares.
    options = {
        "api_key": API_KEY,
        "secret_key": SECRET,
        "base_url": fake.url,
        "clock": lambda: now,
        "rate_limit": None,
        **extra,
    }
    with sync_class(**options) as direct:
        direct_result = call(direct)
    with sync_class(**options, transport=httpx.HTTPTransport()) as through_httpx:
        httpx_result = call(through_httpx)

    async def both_async() -> tuple[Any, Any]:
        async with async_class(**options) as direct_async:
            first = await call(direct_async)
        async with async_class(**options, transport=httpx.AsyncHTTPTransport()) as httpx_async:
            second = await call(httpx_async)
        return first, second

    async_results = asyncio.run(both_async())
    records = [_comparable(record) for record in fake.records]
    assert len(records) == 4 and records[0][-1] == "ok", records
    assert records[1] == records[0] and records[2] == records[0] and records[3] == records[0]
    assert direct_result == httpx_result == async_results[0] == async_results[1]


def _compressed(encoding: str) -> bytes:
    return gzip.compress(OKX_BODY) if encoding == "gzip" else zlib.compress(OKX_BODY)


def _okx(fake: FakeExchange, transport: Any = None) -> OkxClient:
    return OkxClient(
        api_key=API_KEY, secret_key=SECRET, passphrase=PASSPHRASE, base_url=fake.url, transport=transport, max_retries=0
    )


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
@pytest.mark.parametrize("through_httpx", [False, True], ids=["direct", "httpx"])
def test_compressed_bodies_are_decoded(fake, encoding, through_httpx):
    fake.fail_next(OKX_BALANCE, Fault(body=_compressed(encoding), headers={"Content-Encoding": encoding}))
    with _okx(fake, httpx.HTTPTransport() if through_httpx else None) as client:
        raw = client.with_raw_response.account.get_balance()
    assert fake.records[0].headers["accept-encoding"] == "gzip, deflate"
    assert raw.content == OKX_BODY and raw.headers["content-encoding"] == encoding
    assert raw.parsed[0].total_eq == Decimal("41624.32") and raw.parsed[0].details[0].eq == Decimal("1.5")


@pytest.mark.parametrize(
    ("encoding", "body"),
    [("gzip", b"this is not gzip"), ("br", b"\x0b\x02\x80{}\x03"), ("gzip", gzip.compress(OKX_BODY)[:-10])],
)
@pytest.mark.parametrize("through_httpx", [False, True], ids=["direct", "httpx"])
def test_a_body_that_does_not_decode_is_a_typed_error(fake, encoding, body, through_httpx):
    """The direct path refuses what it did not ask for (br) and what does not decode to the end. Through
    httpx, httpx's decoders decide (br if brotli is installed; a truncated gzip body comes out short and
    then is not JSON); either way the caller gets a ResponseValidationError with the status."""
    fake.fail_next(OKX_BALANCE, Fault(status=200, body=body, headers={"Content-Encoding": encoding}))
    with (
        _okx(fake, httpx.HTTPTransport() if through_httpx else None) as client,
        pytest.raises(ResponseValidationError) as caught,
    ):
        client.account.get_balance()
    assert caught.value.status_code == 200 and caught.value.operation.startswith("okx.account.get_balance")
    if not through_httpx:
        assert "does not decode" in str(caught.value)


@pytest.mark.parametrize(
    "headers",
    [{"X-Note": "a\r\nOK-ACCESS-KEY: stolen"}, {"X-Note": "line\nbreak"}, {"X-Bad Name": "1"}, {"X-Note": "caf\u00e9"}],
)
def test_a_header_that_would_break_the_request_is_refused_before_sending(fake, headers):
    with _okx(fake) as client, pytest.raises(APIConnectionError, match="request header|not ASCII") as caught:
        client.account.get_balance(extra_headers=headers)
    assert fake.records == [] and SECRET not in str(caught.value)


def test_the_async_direct_path_times_out_as_asked(fake):
    fake.fail_next(OKX_BALANCE, Fault(delay=0.5, body=OKX_BODY))

    async def main() -> None:
        async with AsyncOkxClient(
            api_key=API_KEY, secret_key=SECRET, passphrase=PASSPHRASE, base_url=fake.url, max_retries=0
        ) as client:
            started = time.monotonic()
            with pytest.raises(APIConnectionError, match="timed out"):
                await client.account.get_balance(timeout=0.1)
            assert time.monotonic() - started < 0.45
            assert (await client.account.get_balance())[0].total_eq is not None  # a fresh connection

    asyncio.run(main())


def test_a_base_url_must_be_http_or_https():
    with pytest.raises(ValueError, match="not an http or https URL"):
        OkxClient(api_key=API_KEY, secret_key=SECRET, passphrase=PASSPHRASE, base_url="ftp://example.com")
