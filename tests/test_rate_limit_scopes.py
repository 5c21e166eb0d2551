"""Rate limits as the pages document them, against the fake exchange's arrival times: per User ID
and instrument (Place order, 8 threads), per order of a batch (Place multiple orders, 50 asyncio
tasks), IP buckets shared by every client of the process, UID buckets by the clients of one key.
Each test starts with a fresh process-wide limiter (tests/conftest.py)."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from exchange_sdk import AuthenticationError, ClientRateLimitError, RequestValidationError
from exchange_sdk.okx import AsyncOkxClient, OkxClient
from fake_exchange import API_KEY, PASSPHRASE, SECRET, FakeExchange, most_in_any_window

ORDER = "/api/v5/trade/order"
BATCH = "/api/v5/trade/batch-orders"


def order(inst_id: str) -> dict[str, Any]:
    return {"inst_id": inst_id, "td_mode": "cash", "side": "buy", "ord_type": "market", "sz": "1"}


@pytest.fixture
def fake():
    with FakeExchange() as server:
        yield server


def okx(fake: FakeExchange, cls: type[Any] = OkxClient, **options: Any) -> Any:
    return cls(api_key=API_KEY, secret_key=SECRET, passphrase=PASSPHRASE, base_url=fake.url, **options)


def _arrivals(fake: FakeExchange, path: str) -> dict[str, list[float]]:
    """Arrival times per instrument, one per order (a batch's orders arrive together)."""
    found: dict[str, list[float]] = {}
    for record in fake.requests_to(path):
        body = json.loads(record.body)
        for item in body if isinstance(body, list) else [body]:
            found.setdefault(item["instId"], []).append(record.arrived)
    return found


def test_place_order_holds_60_per_2_seconds_per_instrument_under_8_threads(fake):
    with okx(fake) as client, ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: client.trade.place_order(**order("BTC-USDT" if i % 2 else "ETH-USDT")), range(140)))
    arrivals = _arrivals(fake, ORDER)
    assert sorted(len(times) for times in arrivals.values()) == [70, 70]
    for times in arrivals.values():
        assert most_in_any_window(times, 2.0) <= 60
    every = [t for times in arrivals.values() for t in times]
    assert most_in_any_window(every, 2.0) > 60  # instruments count apart: more than 60 went in one window


def test_batch_orders_count_each_order_under_50_asyncio_tasks(fake):
    async def main() -> None:
        async with okx(fake, AsyncOkxClient) as client:
            batch = [order("BTC-USDT")] * 10 + [order("ETH-USDT")] * 10
            await asyncio.gather(*(client.trade.place_multiple_orders(orders=batch) for _ in range(50)))

    asyncio.run(main())
    arrivals = _arrivals(fake, BATCH)
    assert sorted(len(times) for times in arrivals.values()) == [500, 500]
    for times in arrivals.values():
        assert most_in_any_window(times, 2.0) <= 300  # orders, not requests: 30 batches of 10 at most
    requests = [record.arrived for record in fake.requests_to(BATCH)]
    assert most_in_any_window(requests, 2.0) <= 30


def test_a_batch_larger_than_its_limit_is_refused_before_sending(fake):
    with okx(fake, rate_limit="raise") as client:
        with pytest.raises(RequestValidationError, match="at most 20"):
            client.trade.place_multiple_orders(orders=[order("BTC-USDT")] * 21)
    assert fake.requests_to(BATCH) == []


def test_ip_buckets_are_shared_by_every_client_of_the_process(fake):
    with OkxClient(base_url=fake.url, rate_limit="raise") as anonymous, okx(fake, rate_limit="raise") as keyed:
        for index in range(40):  # 40 requests per 2 seconds per IP
            (anonymous if index % 2 else keyed).market.get_candlesticks(inst_id="BTC-USDT")
        with pytest.raises(ClientRateLimitError):
            anonymous.market.get_candlesticks(inst_id="BTC-USDT")
        with pytest.raises(ClientRateLimitError):
            keyed.market.get_candlesticks(inst_id="BTC-USDT")


def test_uid_buckets_are_shared_by_the_clients_of_one_key_only(fake):
    other = OkxClient(
        api_key="another-key",
        secret_key=SECRET,
        passphrase=PASSPHRASE,
        base_url=fake.url,
        rate_limit="raise",
        max_retries=0,
    )
    with okx(fake, rate_limit="raise") as first, okx(fake, rate_limit="raise") as second, other:
        for index in range(10):  # 10 requests per 2 seconds per User ID
            (first if index % 2 else second).account.get_balance()
        with pytest.raises(ClientRateLimitError):
            second.account.get_balance()
        with pytest.raises(AuthenticationError):  # sent: another key has buckets of its own (the fake refuses it)
            other.account.get_balance()
