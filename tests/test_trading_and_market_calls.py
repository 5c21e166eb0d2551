"""The trading and market-data endpoints of the real pages against the fake exchange, sync and
async: order bodies and their checks, a batch as a bare JSON array, per-item failures, envelope
members beside the data, positional candles, paging through bills, HTX's spot family beside its
futures one, and a Bitget futures order."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest
from exchange_sdk import (
    AuthenticationError,
    InsufficientFundsError,
    PartialFailureError,
    RequestValidationError,
    ResponseValidationError,
)
from exchange_sdk.bitget import AsyncBitgetClient, BitgetClient
from exchange_sdk.htx import AsyncHtxClient, HtxClient
from exchange_sdk.okx import AsyncOkxClient, OkxClient
from exchange_sdk.okx.models import Candle
from fake_exchange import API_KEY, PASSPHRASE, SECRET, FakeExchange, Fault

ORDER = "/api/v5/trade/order"
BATCH = "/api/v5/trade/batch-orders"
CANDLES = "/api/v5/market/candles"
BILLS = "/api/v5/account/bills"
LIMIT_ORDER = {
    "inst_id": "BTC-USDT",
    "td_mode": "cash",
    "side": "buy",
    "ord_type": "limit",
    "sz": "0.01",
    "px": "30000",
}


@pytest.fixture
def fake():
    with FakeExchange() as server:
        yield server


def _client(fake: FakeExchange, cls: type[Any]) -> Any:
    return cls(api_key=API_KEY, secret_key=SECRET, passphrase=PASSPHRASE, base_url=fake.url)


def run_sync(fake: FakeExchange, call: Callable[[Any], Any]) -> Any:
    with _client(fake, OkxClient) as client:
        return call(client)


def run_async(fake: FakeExchange, call: Callable[[Any], Any]) -> Any:
    async def main() -> Any:
        async with _client(fake, AsyncOkxClient) as client:
            result = call(client)
            if hasattr(result, "__aiter__"):
                return [item async for item in result]
            return await result

    return asyncio.run(main())


RUNS = pytest.mark.parametrize("run", [run_sync, run_async], ids=["sync", "async"])


def _okx_body(code: str, msg: str, data: list[dict[str, Any]]) -> str:
    return json.dumps(
        {"code": code, "msg": msg, "data": data, "inTime": "1695190491421339", "outTime": "1695190491423240"}
    )


def _placed(client_id: str, order_id: str, code: str = "0", message: str = "") -> dict[str, Any]:
    return {
        "clOrdId": client_id,
        "ordId": order_id,
        "tag": "",
        "ts": "1695190491421",
        "sCode": code,
        "sMsg": message,
        "subCode": "",
    }


@RUNS
def test_a_limit_order_goes_out_as_the_documented_json_object(fake, run):
    placed = run(fake, lambda c: c.trade.place_order(**LIMIT_ORDER))
    (record,) = fake.requests_to(ORDER)
    assert record.verdict == "ok"
    assert (
        record.body == b'{"instId":"BTC-USDT","tdMode":"cash","side":"buy","ordType":"limit","sz":"0.01","px":"30000"}'
    )
    assert placed[0].ord_id == "312269865356374016" and placed[0].s_code == "0"


@RUNS
def test_order_checks_refuse_before_sending(fake, run):
    without_price = {key: value for key, value in LIMIT_ORDER.items() if key != "px"}
    with pytest.raises(RequestValidationError, match="px is required when ord_type is limit"):
        run(fake, lambda c: c.trade.place_order(**without_price))
    algo = [{"tp_trigger_px": "31000", "tp_ord_px": "-1", "bogus_key": 1}]
    with pytest.raises(RequestValidationError, match=r"attach_algo_ords\[0\]\.bogus_key"):
        run(fake, lambda c: c.trade.place_order(**LIMIT_ORDER, attach_algo_ords=algo))
    assert fake.requests_to(ORDER) == []


@RUNS
def test_a_batch_is_a_bare_json_array_and_keeps_the_envelope_members(fake, run):
    second = {**LIMIT_ORDER, "inst_id": "ETH-USDT", "sz": Decimal("0.5"), "px": 2000}
    raw = run(fake, lambda c: c.with_raw_response.trade.place_multiple_orders(orders=[LIMIT_ORDER, second]))
    (record,) = fake.requests_to(BATCH)
    assert record.verdict == "ok"
    sent = json.loads(record.body)
    assert isinstance(sent, list) and [order["instId"] for order in sent] == ["BTC-USDT", "ETH-USDT"]
    assert sent[1]["sz"] == "0.5" and sent[1]["px"] == "2000"  # decimals as the documented strings
    assert [order.cl_ord_id for order in raw.parsed] == ["oktswap6", "oktswap7"]
    assert raw.envelope == {"code": "0", "msg": "", "inTime": "1695190491421339", "outTime": "1695190491423240"}


@RUNS
def test_a_partly_rejected_batch_raises_with_every_item(fake, run):
    rejected = _placed("b16", "", "51008", "Order failed. Insufficient USDT balance in account.")
    fake.fail_next(
        BATCH, Fault(200, _okx_body("2", "Bulk operation partially succeeded.", [_placed("b15", "1"), rejected]))
    )
    with pytest.raises(PartialFailureError) as caught:
        run(fake, lambda c: c.trade.place_multiple_orders(orders=[LIMIT_ORDER, {**LIMIT_ORDER, "cl_ord_id": "b16"}]))
    error = caught.value
    assert error.code == "2" and error.exchange_message == "Bulk operation partially succeeded."
    assert [result.cl_ord_id for result in error.results] == ["b15", "b16"]  # request order, the placed one kept
    assert [result.ord_id for result in error.succeeded] == ["1"]
    (failure,) = error.failures
    assert (failure.index, failure.code, failure.kind) == (1, "51008", "insufficient_funds")
    assert failure.message == "Order failed. Insufficient USDT balance in account."
    assert failure.result is error.results[1]
    assert "1 of 2 items failed" in str(error) and "[1] 51008" in str(error)


@RUNS
def test_a_rejected_single_order_raises_partial_failure_with_its_reason(fake, run):
    rejected = _placed("b15", "", "51008", "Order failed. Insufficient USDT balance in account.")
    fake.fail_next(ORDER, Fault(200, _okx_body("1", "Operation failed.", [rejected])))
    with pytest.raises(PartialFailureError) as caught:
        run(fake, lambda c: c.trade.place_order(**LIMIT_ORDER))
    assert caught.value.code == "1" and [f.code for f in caught.value.failures] == ["51008"]


@RUNS
def test_an_envelope_error_without_items_is_the_typed_error_of_its_code(fake, run):
    fake.fail_next(BATCH, Fault(200, _okx_body("51008", "Order failed. Insufficient USDT balance in account.", [])))
    with pytest.raises(InsufficientFundsError):
        run(fake, lambda c: c.trade.place_multiple_orders(orders=[LIMIT_ORDER]))


@RUNS
def test_candles_come_with_named_typed_fields(fake, run):
    candles = run(fake, lambda c: c.market.get_candlesticks(inst_id="BTC-USDT", bar="1m"))
    (record,) = fake.requests_to(CANDLES)
    assert record.verdict == "public" and "ok-access-key" not in record.headers  # a public endpoint
    assert record.query == [("instId", "BTC-USDT"), ("bar", "1m")]
    first = candles[0]
    assert isinstance(first, Candle)
    assert first.ts == 1597026383085 and isinstance(first.ts, int)
    assert (first.o, first.h, first.l, first.c) == (
        Decimal("3.721"),
        Decimal("3.743"),
        Decimal("3.677"),
        Decimal("3.708"),
    )
    assert first.vol == Decimal("8422410") and first.vol_ccy_quote == Decimal("12698348.04828491")
    assert first.confirm == "0" and candles[1].confirm == "1"


def test_a_public_endpoint_needs_no_credentials(fake):
    with OkxClient(base_url=fake.url) as client:
        assert len(client.market.get_candlesticks(inst_id="BTC-USDT")) == 2


def _bill(bill_id: str) -> dict[str, Any]:
    return {
        "billId": bill_id,
        "ccy": "USDT",
        "balChg": "1",
        "bal": "10",
        "ts": "1695033476167",
        "type": "2",
        "subType": "1",
    }


@RUNS
def test_bills_one_page_and_every_page(fake, run):
    bills = run(fake, lambda c: c.account.get_bills(inst_type="SPOT"))
    assert [bill.bill_id for bill in bills] == ["623950854533513219"]
    pages = [_okx_body("0", "", [_bill("30"), _bill("29")]), _okx_body("0", "", [_bill("28")])]
    fake.fail_next(BILLS, *(Fault(200, page) for page in pages))
    every = run(fake, lambda c: c.account.iter_bills(inst_type="SPOT", limit=2))
    assert [bill.bill_id for bill in every] == ["30", "29", "28"]
    first, second = fake.requests_to(BILLS)[1:]
    assert ("after", "29") not in first.query and ("after", "29") in second.query  # the last billId of page 1
    assert all(record.verdict == "ok" for record in fake.requests_to(BILLS))


@RUNS
def test_paging_stops_at_max_items(fake, run):
    fake.fail_next(BILLS, Fault(200, _okx_body("0", "", [_bill("30"), _bill("29")])))
    assert [b.bill_id for b in run(fake, lambda c: c.account.iter_bills(limit=2, max_items=1))] == ["30"]
    assert len(fake.requests_to(BILLS)) == 1


# --- HTX: the spot family beside the futures one ----------------------------------------------------

SPOT_BALANCE = "/v1/account/accounts/1000001/balance"


def _htx(fake: FakeExchange, cls: type[Any] = HtxClient) -> Any:
    return cls(api_key=API_KEY, secret_key=SECRET, base_url=fake.url, base_urls={"spot": fake.url}, max_retries=0)


def test_htx_spot_and_futures_share_one_client_sync_and_async(fake):
    with _htx(fake) as client:
        spot = client.spot.get_account_balance(account_id=1000001)
        futures = client.account.get_account_balance()

    async def main() -> Any:
        async with _htx(fake, AsyncHtxClient) as client:
            return await client.spot.get_account_balance(account_id=1000001)

    again = asyncio.run(main())
    records = fake.requests_to(SPOT_BALANCE)
    assert len(records) == 2 and all(record.verdict == "ok" for record in records)  # signed with the spot host
    assert spot == again and spot.id_ == 1000001 and spot.type_ == "spot" and spot.state == "working"
    assert [(b.currency, b.type_, b.balance) for b in spot.list_] == [
        ("usdt", "trade", Decimal("91.850043797676510303")),
        ("usdt", "frozen", Decimal("5.160000000000000015")),
        ("poly", "trade", Decimal("147.928994082840236")),
    ]
    assert futures is not None and fake.requests_to("/v5/account/balance")[0].verdict == "ok"


def test_htx_spot_errors_read_the_spot_envelope(fake):
    body = {"status": "error", "err-code": "api-signature-not-valid", "err-msg": "Signature not valid", "data": None}
    fake.fail_next(SPOT_BALANCE, Fault(200, json.dumps(body)))
    with _htx(fake) as client, pytest.raises(AuthenticationError) as caught:
        client.spot.get_account_balance(account_id=1000001)
    assert caught.value.code == "api-signature-not-valid" and caught.value.exchange_message == "Signature not valid"


def test_htx_market_data_is_read_from_tick_sync_and_async(fake):
    """The order book's data is under `tick` (the spec's data_member), not the spot envelope's
    `data`: the page's example, served by the fake, comes back typed; the call is unsigned."""
    with _htx(fake) as client:
        book = client.spot.get_order_book(symbol="btcusdt", depth=5, type_="step0")
        raw = client.with_raw_response.spot.get_ticker(symbol="ethusdt")

    async def main() -> Any:
        async with _htx(fake, AsyncHtxClient) as client:
            return await client.spot.get_order_book(symbol="btcusdt", depth=5, type_="step0")

    assert asyncio.run(main()) == book
    assert book.version == 136107114472 and len(book.bids) == len(book.asks) == 5
    assert (book.bids[0].price, book.bids[0].size) == (Decimal("49790.87"), Decimal("0.779876"))
    assert (book.asks[-1].price, book.asks[-1].size) == (Decimal("49793.23"), Decimal("0.043103"))
    record = fake.requests_to("/market/depth")[0]
    assert record.verdict == "public" and sorted(record.query) == [
        ("depth", "5"),
        ("symbol", "btcusdt"),
        ("type", "step0"),
    ]
    ticker = raw.parsed
    assert (ticker.bid.price, ticker.ask.size, ticker.count) == (Decimal("49819.48"), Decimal("0.002411"), 420573)
    assert raw.envelope["ch"] == "market.btcusdt.detail.merged" and "tick" not in raw.envelope


def test_an_integer_enum_takes_ints_and_refuses_undocumented_values(fake):
    with _htx(fake) as client:
        client.spot.get_order_book(symbol="btcusdt", depth=20)
        with pytest.raises(RequestValidationError, match=r"depth must be one of 5, 10, 20; got 7"):
            client.spot.get_order_book(symbol="btcusdt", depth=7)
        with pytest.raises(RequestValidationError, match=r"depth must be one of 5, 10, 20; got True"):
            client.spot.get_order_book(symbol="btcusdt", depth=True)
    assert [dict(r.query)["depth"] for r in fake.requests_to("/market/depth")] == ["20"]


def test_htx_market_data_without_tick_is_a_response_error(fake):
    body = {"ch": "market.btcusdt.depth.step0", "status": "ok", "ts": 1629790438801, "data": {"bids": [], "asks": []}}
    fake.fail_next("/market/depth", Fault(200, json.dumps(body)))
    with _htx(fake) as client, pytest.raises(ResponseValidationError, match="the response has no 'tick'"):
        client.spot.get_order_book(symbol="btcusdt")


def test_each_family_goes_to_its_own_production_host():
    hosts = []

    def answer(request: httpx.Request) -> httpx.Response:
        hosts.append((request.url.host, request.url.path))
        body = (
            {"status": "ok", "data": {"id": 7, "list": []}}
            if request.url.host == "api.huobi.pro"
            else {"code": 200, "message": "Success", "data": {}, "ts": 0}
        )
        return httpx.Response(200, json=body)

    with HtxClient(api_key=API_KEY, secret_key=SECRET, transport=httpx.MockTransport(answer)) as client:
        client.spot.get_account_balance(account_id=7)
        client.account.get_account_balance()
    assert hosts == [("api.huobi.pro", "/v1/account/accounts/7/balance"), ("api.hbdm.com", "/v5/account/balance")]
    with pytest.raises(ValueError, match="base_urls names margin; HTX's API families are: linear_swap, spot"):
        HtxClient(base_urls={"margin": "https://example.invalid"})


# --- Bitget futures: Place Order -----------------------------------------------------------------

BITGET_ORDER = {
    "symbol": "BTCUSDT",
    "product_type": "USDT-FUTURES",
    "margin_mode": "isolated",
    "margin_coin": "USDT",
    "size": "0.01",
    "side": "buy",
    "order_type": "limit",
    "price": "30000",
}


@pytest.mark.parametrize("client_class", [BitgetClient, AsyncBitgetClient], ids=["sync", "async"])
def test_a_bitget_futures_order(fake, client_class):
    def place(**arguments: Any) -> Any:
        client = client_class(api_key=API_KEY, secret_key=SECRET, passphrase=PASSPHRASE, base_url=fake.url)
        if client_class is BitgetClient:
            with client:
                return client.contract.place_order(**arguments)

        async def main() -> Any:
            async with client:
                return await client.contract.place_order(**arguments)

        return asyncio.run(main())

    placed = place(**BITGET_ORDER)
    (record,) = fake.requests_to("/api/v2/mix/order/place-order")
    assert record.verdict == "ok"
    assert json.loads(record.body) == {
        "symbol": "BTCUSDT",
        "productType": "USDT-FUTURES",
        "marginMode": "isolated",
        "marginCoin": "USDT",
        "size": "0.01",
        "price": "30000",
        "side": "buy",
        "orderType": "limit",
    }
    assert placed.order_id == "121211212122" and placed.client_oid == "121211212122"
    without_price = {key: value for key, value in BITGET_ORDER.items() if key != "price"}
    with pytest.raises(RequestValidationError, match="price is required when order_type is limit"):
        place(**without_price)
    assert len(fake.requests_to("/api/v2/mix/order/place-order")) == 1
