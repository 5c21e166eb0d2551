"""The generated clients against a real local HTTP server (tests/fake_exchange.py): signatures,
rate limits under concurrency, retries and their limits, clock resync, demo mode, per-call
options, raw responses, and no secret in any log record."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from decimal import Decimal
from typing import Any

import pytest
from exchange_sdk import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ClientRateLimitError,
    RateLimiter,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TimestampError,
)
from exchange_sdk._runtime._profile import OperationInfo
from exchange_sdk.bitget import AsyncBitgetClient, BitgetClient
from exchange_sdk.htx import AsyncHtxClient, HtxClient
from exchange_sdk.okx import AsyncOkxClient, OkxClient
from fake_exchange import API_KEY, PASSPHRASE, SECRET, FakeExchange, Fault, most_in_any_window, rate_limit_fault

FAST_RETRIES = RetryPolicy(initial_delay=0.01, max_delay=0.05)
VALID_ACCOUNT_LIST = json.dumps(
    {"code": "00000", "msg": "success", "requestTime": 1, "data": [{"marginCoin": "USDT", "available": "10.5"}]}
)
ACCOUNTS = "/api/v2/mix/account/accounts"
OKX_BALANCE = "/api/v5/account/balance"
HTX_BALANCE = "/v5/account/balance"


@pytest.fixture
def fake():
    with FakeExchange() as server:
        server.bodies[("GET", ACCOUNTS)] = VALID_ACCOUNT_LIST  # the page's own example has "111,1"
        yield server


def okx(fake: FakeExchange, **options: Any) -> OkxClient:
    return OkxClient(
        api_key=API_KEY,
        secret_key=SECRET,
        passphrase=PASSPHRASE,
        base_url=fake.url,
        retry_policy=FAST_RETRIES,
        **options,
    )


def bitget(fake: FakeExchange, **options: Any) -> BitgetClient:
    return BitgetClient(
        api_key=API_KEY,
        secret_key=SECRET,
        passphrase=PASSPHRASE,
        base_url=fake.url,
        retry_policy=FAST_RETRIES,
        **options,
    )


def htx(fake: FakeExchange, **options: Any) -> HtxClient:
    return HtxClient(api_key=API_KEY, secret_key=SECRET, base_url=fake.url, retry_policy=FAST_RETRIES, **options)


# --- signatures on a real socket -------------------------------------------------------------------


def test_every_endpoint_is_signed_as_documented_sync_and_async(fake):
    with okx(fake) as o, bitget(fake) as b, htx(fake) as h:
        o.account.get_balance()
        o.account.get_balance(ccy=["BTC", "ETH"])
        b.contract.get_account_list(product_type="USDT-FUTURES")
        b.contract.get_subaccount_assets(product_type="COIN-FUTURES")
        b.uta.get_account_assets()
        h.account.get_account_balance()

    async def main() -> None:
        async with AsyncOkxClient(api_key=API_KEY, secret_key=SECRET, passphrase=PASSPHRASE, base_url=fake.url) as o:
            await o.account.get_balance(ccy="BTC", extra_query={"note": "a b:c"})
        async with AsyncHtxClient(api_key=API_KEY, secret_key=SECRET, base_url=fake.url) as h:
            await h.account.get_account_balance()
        async with AsyncBitgetClient(api_key=API_KEY, secret_key=SECRET, passphrase=PASSPHRASE, base_url=fake.url) as b:
            await b.uta.get_account_assets()

    asyncio.run(main())
    assert len(fake.records) == 9
    assert [r.verdict for r in fake.records] == ["ok"] * 9
    assert fake.records[6].query == [("ccy", "BTC"), ("note", "a b:c")]


def test_a_wrong_secret_is_rejected_by_the_server(fake):
    with OkxClient(api_key=API_KEY, secret_key="wrong", passphrase=PASSPHRASE, base_url=fake.url) as client:
        with pytest.raises(Exception) as caught:
            client.account.get_balance()
    assert type(caught.value).__name__ == "AuthenticationError"
    assert fake.records[0].verdict == "bad-signature"


# --- rate limits ------------------------------------------------------------------------------------


def test_limits_hold_under_threads(fake):
    calls = 24
    with bitget(fake) as client:

        def worker(count: int) -> None:
            for _ in range(count):
                client.contract.get_account_list(product_type="USDT-FUTURES")

        started = time.monotonic()
        threads = [threading.Thread(target=worker, args=(calls // 6,)) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    times = [r.arrived for r in fake.requests_to(ACCOUNTS)]
    assert len(times) == calls
    assert most_in_any_window(times, 1.0) <= 10  # Bitget documents 10 times/1s (uid)
    assert elapsed >= 2.0  # 24 calls at 10 per second cannot finish sooner


def test_limits_hold_under_asyncio_tasks_and_shared_buckets(fake):
    async def main() -> float:
        async with AsyncHtxClient(api_key=API_KEY, secret_key=SECRET, base_url=fake.url) as client:
            started = time.monotonic()
            await asyncio.gather(*(client.account.get_account_balance() for _ in range(80)))
            return time.monotonic() - started

    elapsed = asyncio.run(main())
    times = [r.arrived for r in fake.requests_to(HTX_BALANCE)]
    assert len(times) == 80
    assert most_in_any_window(times, 3.0) <= 72  # HTX's shared read bucket: 72 per 3 s per UID
    assert elapsed >= 3.0


def test_event_loop_is_not_blocked_while_waiting_for_a_slot(fake):
    async def main() -> int:
        ticks = 0
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0.05)

        async with AsyncBitgetClient(api_key=API_KEY, secret_key=SECRET, passphrase=PASSPHRASE, base_url=fake.url) as c:
            task = asyncio.create_task(ticker())
            await asyncio.gather(*(c.contract.get_account_list(product_type="USDT-FUTURES") for _ in range(15)))
            stop.set()
            await task
        return ticks

    assert asyncio.run(main()) >= 8  # ~0.5 s of waiting for slots, ticking every 50 ms


def test_two_clients_share_buckets_through_one_limiter(fake):
    limiter = RateLimiter()
    with bitget(fake, limiter=limiter) as first, bitget(fake, limiter=limiter) as second:
        threads = [
            threading.Thread(
                target=lambda c=c: [c.contract.get_account_list(product_type="USDT-FUTURES") for _ in range(8)]
            )
            for c in (first, second)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert most_in_any_window([r.arrived for r in fake.requests_to(ACCOUNTS)], 1.0) <= 10


def test_rate_limit_raise_mode_raises_before_sending(fake):
    with bitget(fake, rate_limit="raise") as client:
        for _ in range(10):
            client.contract.get_account_list(product_type="USDT-FUTURES")
        with pytest.raises(ClientRateLimitError) as caught:
            client.contract.get_account_list(product_type="USDT-FUTURES")
    assert 0 < caught.value.retry_after <= 1.1
    # nothing was sent, so the exchange did not answer: not an APIError (nor a RateLimitError)
    assert not isinstance(caught.value, APIError | RateLimitError)
    assert len(fake.requests_to(ACCOUNTS)) == 10


def test_rate_limit_none_switches_limiting_off(fake):
    with bitget(fake, rate_limit=None) as client:
        started = time.monotonic()
        for _ in range(15):
            client.contract.get_account_list(product_type="USDT-FUTURES")
        assert time.monotonic() - started < 1.0
    assert len(fake.requests_to(ACCOUNTS)) == 15


# --- retries ----------------------------------------------------------------------------------------


def test_429_with_retry_after_is_retried_after_that_delay(fake):
    fake.fail_next(OKX_BALANCE, rate_limit_fault("okx", retry_after="0.3"))
    with okx(fake) as client:
        result = client.with_raw_response.account.get_balance()
    records = fake.requests_to(OKX_BALANCE)
    assert len(records) == 2 and result.attempts == 2
    assert records[1].arrived - records[0].arrived >= 0.3
    assert result.parsed[0].total_eq == Decimal("55837.43556134779")


@pytest.mark.parametrize(
    "fault",
    [
        Fault(503, "<html>Service Unavailable</html>", {"Content-Type": "text/html"}),
        Fault(200, json.dumps({"code": "50013", "msg": "Systems are busy. Please try again later.", "data": []})),
        Fault(drop=True),
        Fault(delay=0.5),
    ],
    ids=["http-503-html", "system-busy-code", "dropped-connection", "timeout"],
)
def test_transient_faults_are_retried_for_get(fake, fault):
    fake.fail_next(OKX_BALANCE, fault, fault)
    with okx(fake, timeout=0.25) as client:
        balances = client.account.get_balance()
    assert len(fake.requests_to(OKX_BALANCE)) == 3
    assert balances[0].total_eq == Decimal("55837.43556134779")


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(502, "<html>Bad Gateway</html>", {"Content-Type": "text/html"}), ServerError),
        (Fault(drop=True), APIConnectionError),
        (Fault(delay=0.5), APITimeoutError),
    ],
)
def test_retries_stop_at_the_cap(fake, fault, error):
    fake.fail_next(OKX_BALANCE, fault, fault, fault, fault)
    with okx(fake, timeout=0.25) as client, pytest.raises(error):
        client.account.get_balance()
    assert len(fake.requests_to(OKX_BALANCE)) == 3  # the call and max_retries=2 retries


def test_max_retries_per_client_and_per_call(fake):
    fake.fail_next(OKX_BALANCE, *[Fault(503, "busy")] * 6)
    with okx(fake, max_retries=0) as client, pytest.raises(ServerError):
        client.account.get_balance()
    assert len(fake.requests_to(OKX_BALANCE)) == 1
    with okx(fake, max_retries=0) as client, pytest.raises(ServerError):
        client.account.get_balance(max_retries=3)
    assert len(fake.requests_to(OKX_BALANCE)) == 5


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (Fault(200, "<html><body>maintenance</body></html>", {"Content-Type": "text/html"}), "not JSON"),
        (Fault(200, '{"code": "0", "msg": "", "data": [{"totalEq": '), "not JSON"),
        (Fault(401, json.dumps({"code": "50113", "msg": "Invalid signature.", "data": []})), "50113"),
    ],
)
def test_permanent_failures_are_not_retried(fake, fault, words):
    fake.fail_next(OKX_BALANCE, fault, fault, fault)
    with okx(fake) as client, pytest.raises(Exception) as caught:
        client.account.get_balance()
    assert words in str(caught.value)
    assert len(fake.requests_to(OKX_BALANCE)) == 1


def _post_operation(idempotent: bool) -> OperationInfo[Any]:
    return OperationInfo(
        exchange="okx",
        section="trade",
        name="place_order",
        method="POST",
        path="/api/v5/trade/order",
        private=True,
        doc_url="https://www.okx.com/docs-v5/en/",
        response=list[dict[str, Any]],
        idempotent=idempotent,
    )


@pytest.mark.parametrize(("idempotent", "requests"), [(False, 1), (True, 3)])
def test_post_is_retried_only_when_the_spec_marks_it_idempotent(fake, idempotent, requests):
    path = "/api/v5/trade/order"
    fake.fail_next(path, Fault(503, "busy"), Fault(503, "busy"), Fault(503, "busy"))
    with okx(fake) as client, pytest.raises(ServerError):
        client.request(_post_operation(idempotent), {})
    assert len(fake.requests_to(path)) == requests
    assert all(r.method == "POST" and r.body == b"{}" for r in fake.requests_to(path))


def test_every_retry_is_logged_at_debug_with_attempt_and_reason(fake, caplog):
    fake.fail_next(OKX_BALANCE, Fault(503, "busy"))
    with caplog.at_level(logging.DEBUG, logger="exchange_sdk"), okx(fake) as client:
        client.account.get_balance()
    retries = [r.getMessage() for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 1
    assert "after attempt 1" in retries[0] and "ServerError" in retries[0] and "1 retries left" in retries[0]


# --- clock --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("exchange", "skew_ms", "call", "time_path"),
    [
        ("okx", 45_000, lambda f: okx(f).account.get_balance(), "/api/v5/public/time"),
        ("bitget", -40_000, lambda f: bitget(f).uta.get_account_assets(), "/api/v2/public/time"),
        ("htx", 400_000, lambda f: htx(f).account.get_account_balance(), "/api/v1/timestamp"),
    ],
)
def test_a_timestamp_error_resyncs_the_clock_once_and_retries(fake, exchange, skew_ms, call, time_path):
    fake.skew_ms[exchange] = skew_ms
    call(fake)
    verdicts = [(r.path == time_path, r.verdict) for r in fake.records]
    assert verdicts == [(False, "bad-timestamp"), (True, "public"), (False, "ok")]


def test_the_offset_applies_to_every_later_signature_and_sync_time_on_demand(fake):
    fake.skew_ms["okx"] = 60_000
    with okx(fake) as client:
        offset = client.sync_time()
        assert abs(offset - 60_000) < 1_000
        assert client.clock_offset_ms == offset
        for _ in range(3):
            client.account.get_balance()
    assert [r.verdict for r in fake.records] == ["public", "ok", "ok", "ok"]


def test_a_persisting_timestamp_error_is_raised_after_one_resync(fake):
    fake.skew_ms["okx"] = 45_000
    local_now = str(time.time_ns() // 1_000_000)  # a server-time answer that hides the skew
    fake.fail_next("/api/v5/public/time", Fault(200, json.dumps({"code": "0", "msg": "", "data": [{"ts": local_now}]})))
    with okx(fake) as client, pytest.raises(TimestampError) as caught:
        client.account.get_balance()
    assert caught.value.code == "50102"
    assert [(r.verdict, r.faulted) for r in fake.records] == [
        ("bad-timestamp", False),
        ("public", True),
        ("bad-timestamp", False),
    ]


def test_async_clock_resync(fake):
    fake.skew_ms["htx"] = -400_000

    async def main() -> None:
        async with AsyncHtxClient(api_key=API_KEY, secret_key=SECRET, base_url=fake.url) as client:
            await client.account.get_account_balance()
            assert abs(client.clock_offset_ms + 400_000) < 1_000

    asyncio.run(main())
    assert [r.verdict for r in fake.records] == ["bad-timestamp", "public", "ok"]


# --- demo trading ----------------------------------------------------------------------------------


def test_demo_mode_sends_the_documented_headers(fake):
    with okx(fake, demo=True) as demo_okx, bitget(fake, demo=True) as demo_bitget, okx(fake) as live:
        demo_okx.account.get_balance()
        demo_bitget.uta.get_account_assets()
        live.account.get_balance()
        assert "mode='demo'" in repr(demo_okx) and "mode='live'" in repr(live)
    first, second, third = fake.records
    assert first.headers["x-simulated-trading"] == "1"
    assert second.headers["paptrading"] == "1"
    assert "x-simulated-trading" not in third.headers


def test_demo_mode_without_a_documented_mechanism_is_refused():
    with pytest.raises(ValueError, match="HTX has no documented demo-trading mechanism"):
        HtxClient(api_key=API_KEY, secret_key=SECRET, demo=True)


# --- per-call options and the raw response ------------------------------------------------------------


def test_extra_headers_and_query_are_sent_and_signed(fake):
    with bitget(fake) as client:
        client.contract.get_account_list(
            product_type="USDT-FUTURES", extra_headers={"X-Trace": "abc"}, extra_query={"marginCoin": "USDT"}
        )
    (record,) = fake.records
    assert record.verdict == "ok"
    assert record.headers["x-trace"] == "abc"
    assert record.query == [("marginCoin", "USDT"), ("productType", "USDT-FUTURES")]  # sorted, as Bitget wants


def test_per_call_timeout(fake):
    fake.fail_next(OKX_BALANCE, Fault(delay=0.6))
    with okx(fake, timeout=5.0) as client, pytest.raises(APITimeoutError):
        client.account.get_balance(timeout=0.2, max_retries=0)


def test_raw_response_has_status_headers_body_and_parsed(fake):
    with htx(fake) as client:
        raw = client.with_raw_response.account.get_account_balance()
    assert raw.status_code == 200
    assert raw.rate_limit == {"limit": "72", "remaining": "71", "reset": "3000", "interval": "3000"}
    assert raw.headers["ratelimit-remaining"] == "71"
    assert json.loads(raw.content)["data"]["state"] == "normal"
    assert raw.parsed.equity == Decimal("74999.9030801324")

    async def main() -> None:
        async with AsyncOkxClient(api_key=API_KEY, secret_key=SECRET, passphrase=PASSPHRASE, base_url=fake.url) as c:
            raw_okx = await c.with_raw_response.account.get_balance(ccy="BTC")
            assert raw_okx.status_code == 200 and raw_okx.parsed[0].total_eq == Decimal("55837.43556134779")

    asyncio.run(main())


# --- secrets ----------------------------------------------------------------------------------------


def test_no_secret_or_signature_in_logs_errors_or_reprs(fake, caplog):
    fake.fail_next(OKX_BALANCE, Fault(503, f"error for {SECRET}"), Fault(drop=True))
    fake.fail_next(HTX_BALANCE, Fault(200, json.dumps({"code": 1032, "message": f"limit {SECRET}", "ts": 1})))
    fake.skew_ms["bitget"] = 50_000
    texts: list[str] = []
    with caplog.at_level(logging.DEBUG):
        with okx(fake) as o, htx(fake, max_retries=0) as h, bitget(fake) as b:
            o.account.get_balance(ccy=["BTC"])
            b.uta.get_account_assets()
            texts += [repr(o), repr(h), repr(b), str(o._credentials)]
            try:
                h.account.get_account_balance()
            except RateLimitError as error:
                texts += [str(error), repr(error), error.body_excerpt]
    texts += [record.getMessage() for record in caplog.records]
    signatures = [r.headers.get("ok-access-sign") or r.headers.get("access-sign") for r in fake.records]
    signatures += [dict(r.query).get("Signature") for r in fake.records]
    forbidden = [SECRET, PASSPHRASE, API_KEY] + [s for s in signatures if s]
    assert any("attempt" in t for t in texts)  # debug logging was on and wrote something
    for text in texts:
        for value in forbidden:
            assert value not in text, (value, text)


def test_logging_redacts_headers_and_query_credentials(fake, caplog):
    with caplog.at_level(logging.DEBUG, logger="exchange_sdk"), htx(fake) as client:
        client.account.get_account_balance()
    (line,) = [r.getMessage() for r in caplog.records if "attempt 1" in r.getMessage()]
    assert "AccessKeyId=***" in line and "Signature=***" in line and "SignatureVersion=2" in line
    with caplog.at_level(logging.DEBUG, logger="exchange_sdk"), okx(fake) as client:
        client.account.get_balance()
    line = [r.getMessage() for r in caplog.records if "okx" in r.getMessage() and "attempt 1" in r.getMessage()][0]
    assert (
        "'OK-ACCESS-SIGN': '***'" in line
        and "'OK-ACCESS-PASSPHRASE': '***'" in line
        and "'OK-ACCESS-KEY': '***'" in line
        and "'OK-ACCESS-TIMESTAMP': '20" in line
    )
