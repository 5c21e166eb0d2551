"""Per-call options and the retry policy (templates/runtime/_options.py) through the clients: what
Retry-After may say, and client and per-call options checked before anything is sent."""

from __future__ import annotations

import asyncio
import email.utils
import time

import httpx
import pytest
from exchange_sdk import APIStatusError, ClientRateLimitError, RateLimitError, RequestValidationError
from exchange_sdk._runtime._options import RetryPolicy, retry_after_seconds
from exchange_sdk._runtime._rate_limit import RateLimiter
from exchange_sdk.htx import HtxClient
from exchange_sdk.okx import AsyncOkxClient, OkxClient
from fake_exchange import API_KEY, PASSPHRASE, SECRET, FakeExchange, Fault, rate_limit_fault

OKX_BALANCE = "/api/v5/account/balance"


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("3", 3.0), ("0", 0.0), ("0.25", 0.25), (" 12 ", 12.0), ("nan", None), ("inf", None), ("-1", None),
     ("1e9", None), ("soon", None), ("", None), ("99999999999", None)],
)  # fmt: skip
def test_retry_after_is_digits_or_an_http_date(value, seconds):
    assert retry_after_seconds(httpx.Headers({"Retry-After": value})) == seconds


def test_retry_after_as_an_http_date_counts_from_now():
    later = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 28 <= retry_after_seconds(httpx.Headers({"Retry-After": later})) <= 30
    assert retry_after_seconds(httpx.Headers({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})) == 0.0


def test_the_retry_policy_caps_what_retry_after_asks():
    assert RetryPolicy(max_retry_after=2.0).delay(1, 3600.0) == 2.0
    assert RetryPolicy().delay(1, 3600.0) == 60.0


@pytest.mark.parametrize("value", ["nan", "inf", "-5"])
def test_a_nonsense_retry_after_waits_the_backoff_sync_and_async(value):
    """Retry-After: nan made the sync client raise a bare ValueError and the async one never return."""
    policy = RetryPolicy(initial_delay=0.01, max_delay=0.02)
    with FakeExchange() as fake:
        fake.fail_next(OKX_BALANCE, rate_limit_fault("okx", value))
        options = {"api_key": API_KEY, "secret_key": SECRET, "passphrase": PASSPHRASE, "base_url": fake.url}
        with OkxClient(**options, retry_policy=policy) as client:
            assert client.account.get_balance()[0].total_eq is not None
        fake.fail_next(OKX_BALANCE, rate_limit_fault("okx", value))

        async def main() -> None:
            async with AsyncOkxClient(**options, retry_policy=policy) as client:
                await asyncio.wait_for(client.account.get_balance(), timeout=5)

        asyncio.run(main())
        assert len(fake.requests_to(OKX_BALANCE)) == 4


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"max_retries": "x"}, "max_retries must be a whole number of retries, 0 or more; got 'x'"),
        ({"max_retries": -1}, "max_retries must be a whole number"),
        ({"max_retries": True}, "max_retries must be a whole number"),
        ({"timeout": -1}, "timeout must be a number of seconds above 0"),
        ({"timeout": 0}, "timeout must be a number of seconds above 0"),
        ({"timeout": float("nan")}, "timeout must be a number of seconds above 0"),
        ({"timeout": "10"}, "timeout must be a number of seconds above 0"),
        ({"timeout": httpx.Timeout(5.0, read=-1.0)}, "timeout must be a number of seconds above 0"),
        ({"deadline": 0}, "deadline must be a number of seconds above 0, or None for no deadline; got 0"),
        ({"deadline": float("inf")}, "deadline must be a number of seconds above 0"),
        ({"deadline": "60"}, "deadline must be a number of seconds above 0"),
    ],
)
def test_client_options_are_checked(options, words):
    with pytest.raises(ValueError, match=words):
        OkxClient(**options)
    with pytest.raises(ValueError, match=words):
        AsyncOkxClient(**options)


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"max_retries": "x"}, "max_retries must be a whole number"),
        ({"timeout": -1}, "timeout must be a number"),
        ({"deadline": -1}, "deadline must be a number"),
        ({"deadline": float("nan")}, "deadline must be a number"),
    ],
)
def test_per_call_options_are_checked_before_sending(options, words):
    with FakeExchange() as fake:
        client = OkxClient(api_key=API_KEY, secret_key=SECRET, passphrase=PASSPHRASE, base_url=fake.url)
        with client, pytest.raises(RequestValidationError, match=words):
            client.account.get_balance(**options)
        assert fake.records == []


@pytest.mark.parametrize("value", ["..", ".", ""])
def test_a_path_parameter_cannot_leave_its_segment(value):
    with FakeExchange() as fake:
        client = HtxClient(api_key=API_KEY, secret_key=SECRET, base_urls={"spot": fake.url})
        with client, pytest.raises(RequestValidationError, match="is not a path segment"):
            client.spot.cancel_order(order_id=value)
        assert fake.records == []


# --- the deadline of a call ------------------------------------------------------------------------


def _okx_client(fake: FakeExchange, **options: object) -> OkxClient:
    return OkxClient(api_key=API_KEY, secret_key=SECRET, passphrase=PASSPHRASE, base_url=fake.url, **options)


def test_a_retry_whose_wait_would_outlast_the_deadline_is_not_made():
    """Retry-After: 5 with 1 s left: the 429 is raised at once rather than after waiting in vain."""
    with FakeExchange() as fake, _okx_client(fake, deadline=1.0) as client:
        fake.fail_next(OKX_BALANCE, rate_limit_fault("okx", "5"))
        started = time.monotonic()
        with pytest.raises(RateLimitError) as caught:
            client.account.get_balance()
        assert time.monotonic() - started < 0.5 and caught.value.retry_after == 5.0
        assert len(fake.requests_to(OKX_BALANCE)) == 1
        fake.fail_next(OKX_BALANCE, rate_limit_fault("okx", "0.1"))  # a wait that fits is made
        assert client.account.get_balance()[0].total_eq is not None
        assert len(fake.requests_to(OKX_BALANCE)) == 3


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_a_rate_limit_wait_that_would_outlast_the_deadline_raises_at_once(sync):
    """OKX allows 10 balance calls per 2 s per key: the 11th would wait about 2 s, past its
    deadline of 0.5 s, so it raises ClientRateLimitError (nothing sent) instead of waiting."""
    with FakeExchange() as fake:
        options = {"api_key": API_KEY, "secret_key": SECRET, "passphrase": PASSPHRASE, "base_url": fake.url}
        limiter = RateLimiter()

        def calls() -> None:
            with OkxClient(**options, limiter=limiter) as client:
                for _ in range(10):
                    client.account.get_balance()
                started = time.monotonic()
                with pytest.raises(ClientRateLimitError, match=r"past its deadline of 0\.5 s") as caught:
                    client.account.get_balance(deadline=0.5)
                assert time.monotonic() - started < 0.2 and 1.0 < caught.value.retry_after <= 2.1

        async def async_calls() -> None:
            async with AsyncOkxClient(**options, limiter=limiter) as client:
                for _ in range(10):
                    await client.account.get_balance()
                started = time.monotonic()
                with pytest.raises(ClientRateLimitError, match=r"past its deadline of 0\.5 s"):
                    await client.account.get_balance(deadline=0.5)
                assert time.monotonic() - started < 0.2

        calls() if sync else asyncio.run(async_calls())
        assert len(fake.requests_to(OKX_BALANCE)) == 10


def test_without_a_deadline_a_call_takes_what_its_attempts_take():
    policy = RetryPolicy(initial_delay=0.01, max_delay=0.01)
    with FakeExchange() as fake, _okx_client(fake, deadline=None, max_retries=1, retry_policy=policy) as client:
        slow = Fault(status=503, body=b"busy", delay=0.3)
        fake.fail_next(OKX_BALANCE, slow, slow)
        started = time.monotonic()
        with pytest.raises(APIStatusError, match="HTTP 503"):
            client.account.get_balance(timeout=1)
        assert time.monotonic() - started >= 0.6 and len(fake.requests_to(OKX_BALANCE)) == 2
