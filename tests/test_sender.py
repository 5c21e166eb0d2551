"""The clients' ways to the network (templates/runtime/_sender.py), through the SDK's clients against
real local servers: urllib3 (the sync default), aiohttp (the async default) and httpx (a caller's
transport or client). Every way sends the same request, decodes the same bodies, refuses the same
bodies and headers, times out, verifies TLS (a local HTTPS server with a throwaway CA) and goes
through a proxy (a local one that must see the request) the same way, and none of them lets a
server flooding an idle pooled connection cost memory or answer the next call."""

from __future__ import annotations

import asyncio
import gc
import gzip
import ssl
import time
import tracemalloc
import zlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import aiohttp
import httpx
import pytest
import urllib3
from exchange_sdk import (
    APIConnectionError,
    APITimeoutError,
    RequestValidationError,
    ResponseValidationError,
    TimestampError,
)
from exchange_sdk._runtime._options import RetryPolicy
from exchange_sdk._runtime._sender import Limits
from exchange_sdk.bitget import AsyncBitgetClient, BitgetClient
from exchange_sdk.htx import AsyncHtxClient, HtxClient
from exchange_sdk.okx import AsyncOkxClient, OkxClient
from fake_exchange import API_KEY, PASSPHRASE, SECRET, FakeExchange, Fault, Record
from http_servers import FloodServer, Proxy, authority

OKX_BALANCE = "/api/v5/account/balance"
OKX_BODY = b'{"code":"0","msg":"","data":[{"totalEq":"41624.32","details":[{"ccy":"BTC","eq":"1.5"}]}]}'
# Connection management headers a library adds on its own; everything else must be the same.
LIBRARY_ONLY = {"connection", "keep-alive"}
WAYS = ["urllib3", "aiohttp", "httpx", "httpx-async"]

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


def _run(way: str, classes: tuple[type, type], options: dict[str, Any], call: Callable[[Any], Any]) -> Any:
    """Make the client of `way`, make the call, close the client; the call's result."""
    sync_class, async_class = classes
    if way in ("urllib3", "httpx"):
        extra = {"transport": httpx.HTTPTransport()} if way == "httpx" else {}
        with sync_class(**options, **extra) as client:
            return call(client)

    async def main() -> Any:
        extra = {"transport": httpx.AsyncHTTPTransport()} if way == "httpx-async" else {}
        async with async_class(**options, **extra) as client:
            return await call(client)

    return asyncio.run(main())


def _okx_options(fake: FakeExchange, **more: Any) -> dict[str, Any]:
    return {
        "api_key": API_KEY,
        "secret_key": SECRET,
        "passphrase": PASSPHRASE,
        "base_url": fake.url,
        "max_retries": 0,
        **more,
    }


def _okx(way: str, fake: FakeExchange, call: Callable[[Any], Any], **more: Any) -> Any:
    return _run(way, (OkxClient, AsyncOkxClient), _okx_options(fake, **more), call)


def _comparable(record: Record) -> tuple[Any, ...]:
    headers = {k: v for k, v in record.headers.items() if k not in LIBRARY_ONLY}
    return record.method, record.path, record.query, headers, record.body, record.verdict


@pytest.fixture
def fake():
    with FakeExchange() as server:
        server.bodies[("GET", "/api/v2/mix/account/accounts")] = (
            '{"code":"00000","msg":"success","requestTime":1,"data":[{"marginCoin":"USDT","available":"10.5"}]}'
        )
        yield server


@pytest.mark.parametrize("index", range(len(SEED_CALLS)))
def test_every_way_sends_the_same_request(fake, index):
    sync_class, async_class, extra, call = SEED_CALLS[index]
    now = int(time.time() * 1000)
    # Clients of one key share its rate-limit buckets; waiting for them is not what this compares.
    options = {"api_key": API_KEY, "secret_key": SECRET, "base_url": fake.url, "clock": lambda: now, "rate_limit": None}
    results = [_run(way, (sync_class, async_class), {**options, **extra}, call) for way in WAYS]
    records = [_comparable(record) for record in fake.records]
    assert len(records) == 4 and records[0][-1] == "ok", records
    assert records[1:] == [records[0]] * 3, records
    assert results[1:] == [results[0]] * 3


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
@pytest.mark.parametrize("way", WAYS)
def test_compressed_bodies_are_decoded(fake, encoding, way):
    body = gzip.compress(OKX_BODY) if encoding == "gzip" else zlib.compress(OKX_BODY)
    fake.fail_next(OKX_BALANCE, Fault(body=body, headers={"Content-Encoding": encoding}))
    raw = _okx(way, fake, lambda c: c.with_raw_response.account.get_balance())
    assert fake.records[0].headers["accept-encoding"] == "gzip, deflate"
    assert raw.content == OKX_BODY and raw.headers["content-encoding"] == encoding
    assert raw.parsed[0].total_eq == Decimal("41624.32") and raw.parsed[0].details[0].eq == Decimal("1.5")


@pytest.mark.parametrize(
    ("encoding", "body"),
    [("gzip", b"this is not gzip"), ("deflate", b"nor deflate"), ("gzip", gzip.compress(OKX_BODY)[:-10])],
)
@pytest.mark.parametrize("way", WAYS)
def test_a_body_that_does_not_decode_is_a_typed_error(fake, encoding, body, way):
    """Whichever library decodes, the caller gets a ResponseValidationError with the status (a
    truncated gzip body may come out short and then is not JSON)."""
    fake.fail_next(OKX_BALANCE, Fault(status=200, body=body, headers={"Content-Encoding": encoding}))
    with pytest.raises(ResponseValidationError) as caught:
        _okx(way, fake, lambda c: c.account.get_balance())
    assert caught.value.status_code == 200 and caught.value.operation.startswith("okx.account.get_balance")


@pytest.mark.parametrize("way", WAYS)
def test_a_compression_bomb_is_cut_off_at_the_body_limit(fake, way):
    """64 MiB of zeros in a 64 KB gzip body: refused once the decoded body passes the limit, and on
    the default ways without ever holding much more than the limit."""
    bomb = gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    fake.fail_next(OKX_BALANCE, Fault(body=bomb, headers={"Content-Encoding": "gzip"}))
    tracemalloc.start()
    try:
        with pytest.raises(ResponseValidationError, match="larger than the client's limit of 1048576 bytes"):
            _okx(way, fake, lambda c: c.account.get_balance(), limits=Limits(max_body_bytes=1024 * 1024))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    if way in ("urllib3", "aiohttp"):  # the defaults decode chunk by chunk; httpx decodes a whole received chunk
        assert peak < 16 * 1024 * 1024, f"peak {peak} bytes while refusing a 64 MiB body"


@pytest.mark.parametrize("way", WAYS)
def test_more_content_encodings_than_allowed_are_refused_before_decoding(fake, way):
    body = gzip.compress(gzip.compress(gzip.compress(OKX_BODY)))
    fake.fail_next(OKX_BALANCE, Fault(body=body, headers={"Content-Encoding": "gzip, gzip, gzip"}))
    with pytest.raises(ResponseValidationError, match=r"3 Content-Encodings \(gzip, gzip, gzip\); the client allows 2"):
        _okx(way, fake, lambda c: c.account.get_balance())


@pytest.mark.parametrize(
    ("headers", "words"),
    [
        ({"X-Note": "a\r\nOK-ACCESS-KEY: stolen"}, "CR, LF or NUL"),
        ({"X-Note": "line\nbreak"}, "CR, LF or NUL"),
        ({"X-Note": "nul\x00"}, "CR, LF or NUL"),
        ({"X-Note": "caf\u00e9"}, "non-ASCII"),
        ({"X-Bad Name": "1"}, "not a valid HTTP header name"),
        ({"Host": "evil.example"}, "frames the request"),
        ({"Content-Length": "0"}, "frames the request"),
        ({"transfer-encoding": "chunked"}, "frames the request"),
        ({"Connection": "close"}, "frames the request"),
    ],
)
@pytest.mark.parametrize("way", ["urllib3", "aiohttp"])
def test_a_header_that_would_break_the_request_is_refused_before_sending(fake, headers, words, way):
    with pytest.raises(RequestValidationError, match=words) as caught:
        _okx(way, fake, lambda c: c.account.get_balance(extra_headers=headers), max_retries=2)
    assert fake.records == [] and SECRET not in str(caught.value)


@pytest.mark.parametrize(
    "way",
    WAYS,
)
def test_a_response_header_with_a_non_ascii_byte_is_read_as_latin_1(fake, way):
    fake.fail_next(OKX_BALANCE, Fault(body=OKX_BODY, headers={"X-Note": "caf\u00e9"}))  # sent as latin-1
    raw = _okx(way, fake, lambda c: c.with_raw_response.account.get_balance())
    assert raw.headers["x-note"] == "caf\u00e9" and raw.parsed[0].total_eq == Decimal("41624.32")


@pytest.mark.parametrize("way", WAYS)
def test_a_call_times_out_as_asked_and_the_next_one_works(fake, way):
    fake.fail_next(OKX_BALANCE, Fault(delay=0.5, body=OKX_BODY))

    def call(client: Any) -> Any:
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="timed out"):
            client.account.get_balance(timeout=0.1)
        assert time.monotonic() - started < 0.45
        return client.account.get_balance()

    async def async_call(client: Any) -> Any:
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="timed out"):
            await client.account.get_balance(timeout=0.1)
        assert time.monotonic() - started < 0.45
        return await client.account.get_balance()

    result = _okx(way, fake, call if way in ("urllib3", "httpx") else async_call)
    assert result[0].total_eq is not None  # a fresh connection after the one that timed out


def _raises_within(
    way: str, fake: FakeExchange, fault: Fault, match: str, seconds: tuple[float, float], **call: Any
) -> Any:
    """Make a first call (its connection is pooled), then one with `call`'s arguments that the
    server answers with `fault`, which must raise APITimeoutError matching `match` after between
    `seconds` of waiting; the two calls' records."""

    def calls(client: Any) -> None:
        client.account.get_balance()
        fake.fail_next(OKX_BALANCE, fault)
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match=match):
            client.account.get_balance(**call)
        assert seconds[0] < time.monotonic() - started < seconds[1]

    async def async_calls(client: Any) -> None:
        await client.account.get_balance()
        fake.fail_next(OKX_BALANCE, fault)
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match=match):
            await client.account.get_balance(**call)
        assert seconds[0] < time.monotonic() - started < seconds[1]

    _okx(way, fake, calls if way in ("urllib3", "httpx") else async_calls)
    return fake.requests_to(OKX_BALANCE)


@pytest.mark.parametrize("way", WAYS)
def test_a_shorter_timeout_holds_on_a_connection_a_longer_one_was_read_with(fake, way):
    """The first call reads its connection with the client's 10 s; the second asks 0.1 s on the
    same pooled connection, and the server takes 0.5 s (async: the connection's read timer, set
    for 10 s on, must be brought forward)."""
    slow = Fault(delay=0.5, body=OKX_BODY)
    first, second = _raises_within(way, fake, slow, "timed out", (0.08, 0.45), timeout=0.1)
    assert first.peer == second.peer  # one connection


@pytest.mark.parametrize("way", WAYS)
def test_a_body_that_stops_coming_is_a_read_timeout(fake, way):
    """The headers come at once, then the body's bytes 0.4 s apart: a read waits longer than the
    call's 0.15 s and times out (not the 60 s deadline)."""
    stopping = Fault(body=OKX_BODY, trickle=0.4, trickle_body_only=True)
    _raises_within(way, fake, stopping, "timed out", (0.12, 0.38), timeout=0.15)


@pytest.mark.parametrize("way", WAYS)
def test_bytes_that_keep_coming_within_the_read_timeout_are_read_until_the_deadline(fake, way):
    """The body's bytes 0.05 s apart, with a read timeout of 0.25 s: no read times out, so the call
    goes on until its deadline of 0.9 s (async: the read timer, set when the headers came, finds
    data came meanwhile and waits on)."""
    trickling = Fault(body=OKX_BODY, trickle=0.05, trickle_body_only=True)
    deadline = r"did not finish within its deadline of 0\.9 s"
    _raises_within(way, fake, trickling, deadline, (0.85, 1.4), timeout=0.25, deadline=0.9)


def test_a_closed_async_client_leaves_no_connection_behind_in_a_read_timer(fake):
    """A connection's read timer outlives a response (it is set for 10 s on); once the connection
    is closed, nothing of it stays alive waiting for the timer."""

    async def main() -> list[Any]:
        async with AsyncOkxClient(**_okx_options(fake)) as client:
            await asyncio.gather(*(client.account.get_balance() for _ in range(3)))
        for _ in range(3):  # aiohttp reports the closed connections on the next turns of the loop
            await asyncio.sleep(0)
        gc.collect()
        return [kept for kept in gc.get_objects() if type(kept).__name__ == "ConnectionHandler"]

    assert asyncio.run(main()) == []


# The whole answer trickled a byte at a time (status line, headers, body), or only its body. Every
# byte comes within the read timeout, so only the call's deadline can end the call; a caller's
# httpx.Client is bounded only once its headers are in (the sync httpx way, see _sender.py).
TRICKLES = [(way, False) for way in WAYS if way != "httpx"] + [(way, True) for way in WAYS]


@pytest.mark.parametrize(("way", "body_only"), TRICKLES, ids=[f"{w}-{'body' if b else 'whole'}" for w, b in TRICKLES])
def test_a_trickling_server_is_cut_off_at_the_calls_deadline(fake, way, body_only):
    """A server sending a byte every 50 ms (its answer would take about 10 s) held a call with
    timeout=1 for as long as it trickled: each read came in time."""
    fake.fail_next(OKX_BALANCE, Fault(body=OKX_BODY, trickle=0.05, trickle_body_only=body_only))

    def call(client: Any) -> Any:
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match=r"did not finish within its deadline of 0\.6 s \(1 attempt\)"):
            client.account.get_balance(deadline=0.6)
        assert 0.55 < time.monotonic() - started < 1.2
        return client.account.get_balance()

    async def async_call(client: Any) -> Any:
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match=r"did not finish within its deadline of 0\.6 s \(1 attempt\)"):
            await client.account.get_balance(deadline=0.6)
        assert 0.55 < time.monotonic() - started < 1.2
        return await client.account.get_balance()

    result = _okx(way, fake, call if way in ("urllib3", "httpx") else async_call, timeout=1)
    assert result[0].total_eq is not None  # the next call gets a fresh connection and its answer


@pytest.mark.parametrize("way", WAYS)
def test_the_deadline_spans_every_attempt_and_the_waits_between(fake, way):
    """Three slow 503s: the first attempt takes 0.4 s, the second is cut off when 0.7 s of the call
    have passed; no third attempt is made."""
    slow = Fault(status=503, body=b"busy", delay=0.4)
    fake.fail_next(OKX_BALANCE, slow, slow, slow)
    policy = RetryPolicy(initial_delay=0.01, max_delay=0.01)

    def call(client: Any) -> Any:
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match=r"deadline of 0\.7 s \(2 attempts\)"):
            client.account.get_balance()
        return time.monotonic() - started

    async def async_call(client: Any) -> float:
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match=r"deadline of 0\.7 s \(2 attempts\)"):
            await client.account.get_balance()
        return time.monotonic() - started

    sync = way in ("urllib3", "httpx")
    elapsed = _okx(way, fake, call if sync else async_call, deadline=0.7, max_retries=2, retry_policy=policy)
    assert 0.65 < elapsed < 1.0
    time.sleep(0.5)  # the server finishes answering the cut-off attempt
    assert len(fake.requests_to(OKX_BALANCE)) == 2


@pytest.mark.parametrize("way", WAYS)
def test_the_clock_resync_after_a_timestamp_error_ends_at_the_calls_deadline(fake, way):
    """A timestamp error (the exchange's clock is 45 s ahead), then a server time that takes 1.5 s:
    the resync is cut off at the call's deadline of 0.5 s, and the call raises the timestamp error
    with the deadline as its cause; no second attempt is made."""
    fake.skew_ms["okx"] = 45_000
    fake.fail_next("/api/v5/public/time", Fault(delay=1.5, body=b'{"code":"0","msg":"","data":[{"ts":"1"}]}'))

    def call(client: Any) -> float:
        started = time.monotonic()
        with pytest.raises(TimestampError) as caught:
            client.account.get_balance()
        assert isinstance(caught.value.__cause__, APITimeoutError)
        assert "did not finish within its deadline of 0.5 s" in str(caught.value.__cause__)
        return time.monotonic() - started

    async def async_call(client: Any) -> float:
        started = time.monotonic()
        with pytest.raises(TimestampError) as caught:
            await client.account.get_balance()
        assert isinstance(caught.value.__cause__, APITimeoutError)
        assert "did not finish within its deadline of 0.5 s" in str(caught.value.__cause__)
        return time.monotonic() - started

    elapsed = _okx(way, fake, call if way in ("urllib3", "httpx") else async_call, deadline=0.5)
    assert 0.4 < elapsed < 0.9
    assert [record.verdict for record in fake.records] == ["bad-timestamp", "public"]
    time.sleep(1.1)  # the server finishes answering the cut-off resync


@pytest.mark.parametrize("way", WAYS)
def test_a_dropped_connection_is_retried_for_a_get(fake, way):
    fake.fail_next(OKX_BALANCE, Fault(drop=True), Fault(drop=True))
    result = _okx(way, fake, lambda c: c.account.get_balance(), max_retries=2, retry_policy=None)
    assert result[0].total_eq is not None and len(fake.requests_to(OKX_BALANCE)) == 3


# --- a server flooding an idle pooled connection ---------------------------------------------------

# Whole answers nobody asked for, with another balance: one taken as the next call's answer shows.
UNASKED_BODY = OKX_BODY.replace(b"41624.32", b"66666666")
UNASKED = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(UNASKED_BODY),
    UNASKED_BODY,
)
FLOOD_MEMORY_BOUND = 32 * 1024 * 1024


@pytest.mark.parametrize("way", WAYS)
def test_a_server_flooding_an_idle_pooled_connection_costs_no_memory_and_never_answers_the_next_call(way):
    """After answering a first call on a keep-alive connection, the server (another process: its
    allocations are not traced) floods that idle pooled connection with whole HTTP answers, as fast
    as the client takes them, for up to 2 s (less once the client stops taking bytes or drops the
    connection); the client sits idle, then calls again. What the client allocates meanwhile
    (tracemalloc's peak) stays under 32 MiB, and the second call gets the right balance on a new
    connection: the flooded one is dropped, its bytes never parsed as the next answer."""
    with FloodServer(OKX_BODY, UNASKED, seconds=2.0) as server:

        def calls(client: Any) -> Any:
            first = client.account.get_balance()
            tracemalloc.start()
            try:
                flood = server.flood()
                second = client.account.get_balance(timeout=5)
                return first, second, flood, tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

        async def async_calls(client: Any) -> Any:
            first = await client.account.get_balance()
            tracemalloc.start()
            try:
                flood = await asyncio.to_thread(server.flood)  # the event loop runs on meanwhile
                # aiohttp reading an unasked answer's endless body never times out: fail, not hang
                second = await asyncio.wait_for(client.account.get_balance(timeout=5), 10)
                return first, second, flood, tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

        first, second, flood, peak = _okx(way, server, calls if way in ("urllib3", "httpx") else async_calls)
        assert flood.sent >= len(UNASKED), flood  # the flood did reach the client's end
        assert peak < FLOOD_MEMORY_BOUND, f"{peak} bytes allocated while {flood}"
        assert first[0].total_eq == second[0].total_eq == Decimal("41624.32"), (second, flood)
        assert [number for number, _ in server.requests()] == [0, 1], server.requests()


# --- TLS --------------------------------------------------------------------------------------------


@pytest.fixture
def tls_fake(tmp_path):
    """An HTTPS fake exchange whose certificate a throwaway CA issued; `handshakes` counts ClientHellos."""
    ca = authority(tmp_path)
    handshakes: list[str | None] = []
    ca.server.sni_callback = lambda sock, name, context: handshakes.append(name)
    with FakeExchange(tls=ca.server) as server:
        yield server, ca, handshakes


@pytest.mark.parametrize("way", ["urllib3", "aiohttp"])
def test_a_certificate_the_client_does_not_trust_is_refused_and_not_retried(tls_fake, way):
    fake, _, handshakes = tls_fake
    with pytest.raises(APIConnectionError, match="TLS failed") as caught:
        _okx(way, fake, lambda c: c.account.get_balance(), max_retries=2)
    assert caught.value.retryable is False and not isinstance(caught.value, APITimeoutError)
    assert len(handshakes) == 1 and fake.records == []  # one handshake, no retry, nothing answered


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")  # verify=False: urllib3 warns
@pytest.mark.parametrize("way", ["urllib3", "aiohttp"])
def test_verify_takes_a_ca_file_a_context_or_false(tls_fake, way):
    fake, ca, _ = tls_fake
    context = ssl.create_default_context(cafile=str(ca.ca_file))
    for verify in (str(ca.ca_file), context, False):
        result = _okx(way, fake, lambda c: c.account.get_balance(), verify=verify)
        assert result[0].total_eq is not None
    assert len(fake.records) == 3 and all(record.verdict == "ok" for record in fake.records)


def test_verify_names_a_missing_ca_file(tmp_path):
    with pytest.raises(ValueError, match="verify names no CA bundle file or directory"):
        OkxClient(verify=str(tmp_path / "missing.pem"))


# --- proxies ----------------------------------------------------------------------------------------


@pytest.fixture
def proxy():
    with Proxy() as server:
        yield server


@pytest.mark.parametrize("way", ["urllib3", "aiohttp"])
def test_the_environments_proxy_is_used_unless_no_proxy_names_the_host(fake, proxy, monkeypatch, way):
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert _okx(way, fake, lambda c: c.account.get_balance())[0].total_eq is not None
    assert len(proxy.seen) == 1 and proxy.seen[0].startswith(f"GET {fake.url}{OKX_BALANCE} ")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    _okx(way, fake, lambda c: c.account.get_balance())
    assert len(proxy.seen) == 1 and len(fake.records) == 2  # the second call went direct
    monkeypatch.delenv("NO_PROXY")
    _okx(way, fake, lambda c: c.account.get_balance(), trust_env=False)
    _okx(way, fake, lambda c: c.account.get_balance(), proxy="")
    assert len(proxy.seen) == 1 and len(fake.records) == 4  # trust_env=False and proxy="" go direct


@pytest.mark.parametrize("way", ["urllib3", "aiohttp"])
def test_proxy_sends_every_request_through_the_proxy(fake, proxy, way):
    _okx(way, fake, lambda c: c.account.get_balance(), proxy=proxy.url)
    assert len(proxy.seen) == 1 and fake.records[0].verdict == "ok"


@pytest.mark.parametrize("way", ["urllib3", "aiohttp"])
def test_https_goes_through_the_proxy_in_a_connect_tunnel(tls_fake, proxy, monkeypatch, way):
    fake, ca, _ = tls_fake
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    result = _okx(way, fake, lambda c: c.account.get_balance(), verify=str(ca.ca_file))
    port = fake.url.rsplit(":", 1)[1]
    assert result[0].total_eq is not None and len(proxy.seen) == 1
    assert proxy.seen[0].startswith(f"CONNECT 127.0.0.1:{port} HTTP/1.")


# --- the caller's own HTTP client -------------------------------------------------------------------


def test_a_callers_http_client_is_used_and_left_open(fake):
    with httpx.Client(headers={"X-Mine": "1"}) as mine:
        with OkxClient(**_okx_options(fake), http_client=mine) as client:
            client.account.get_balance()
        assert not mine.is_closed and fake.records[-1].headers["x-mine"] == "1"
    manager = urllib3.PoolManager(headers={"X-Pool": "2"})
    with OkxClient(**_okx_options(fake), http_client=manager) as client:
        assert client.account.get_balance()[0].total_eq is not None
    assert len(manager.pools) == 1  # left open: its pool (and keep-alive connection) is still there

    async def main() -> None:
        async with aiohttp.ClientSession(headers={"X-Session": "3"}) as session:
            async with AsyncOkxClient(**_okx_options(fake), http_client=session) as client:
                await client.account.get_balance()
            assert not session.closed
        async with httpx.AsyncClient() as mine_async:
            async with AsyncOkxClient(**_okx_options(fake), http_client=mine_async) as client:
                await client.account.get_balance()
            assert not mine_async.is_closed

    asyncio.run(main())
    assert fake.records[-2].headers["x-session"] == "3" and len(fake.records) == 4


def test_an_http_client_of_another_kind_is_refused():
    with pytest.raises(TypeError, match="http_client must be an httpx.Client or a urllib3.PoolManager"):
        OkxClient(http_client=httpx.AsyncClient())
    with pytest.raises(TypeError, match="http_client must be an httpx.AsyncClient or an aiohttp.ClientSession"):
        AsyncOkxClient(http_client=httpx.Client())


def test_a_base_url_must_be_http_or_https():
    with pytest.raises(ValueError, match="not an http or https URL"):
        OkxClient(api_key=API_KEY, secret_key=SECRET, passphrase=PASSPHRASE, base_url="ftp://example.com")


@pytest.mark.parametrize("way", WAYS)
def test_default_headers_go_with_every_request_and_extra_headers_win(fake, way):
    def calls(client: Any) -> Any:
        client.account.get_balance()
        return client.account.get_balance(extra_headers={"X-Desk": "b"})

    async def async_calls(client: Any) -> Any:
        await client.account.get_balance()
        return await client.account.get_balance(extra_headers={"X-Desk": "b"})

    headers = {"X-Desk": "a", "X-Team": "rates"}
    _okx(way, fake, calls if way in ("urllib3", "httpx") else async_calls, default_headers=headers)
    assert [(r.headers["x-desk"], r.headers["x-team"]) for r in fake.records] == [("a", "rates"), ("b", "rates")]
    assert all(r.verdict == "ok" for r in fake.records)


def test_default_headers_that_frame_the_request_are_refused():
    with pytest.raises(ValueError, match="frames the request"):
        OkxClient(default_headers={"Host": "evil.example"})
