"""AsyncPooledTransport (templates/runtime/_transport.py) against small HTTP servers on 127.0.0.1.

The servers are tests/http_servers.py (asyncio.start_server in a background thread); the
client side runs in `asyncio.run` in the test, through `httpx.AsyncClient(transport=...)`.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from http_servers import (
    Server,
    body_cases,
    chunked_in_pieces,
    close_when_idle,
    close_without_answer,
    drop_second_request,
    keep_alive,
    reset_second_request,
    reset_without_answer,
    response,
    silent,
    slow,
    trickle,
)
from runtime_templates import load_runtime_module

AsyncPooledTransport = load_runtime_module("_transport").AsyncPooledTransport


def run(test: Callable[[httpx.AsyncClient], Awaitable[None]], **options: Any) -> None:
    async def main() -> None:
        async with httpx.AsyncClient(transport=AsyncPooledTransport(**options)) as client:
            await test(client)

    asyncio.run(main())


# --- bodies ---------------------------------------------------------------------------------------


def test_content_length_body() -> None:
    body = bytes(range(256)) * 300  # 76 800 bytes: more than one socket read

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        writer.write(response(body, headers=(b"X-Test: yes",)))
        await writer.drain()
        await reader.read()

    with Server(handler) as server:

        async def test(client: httpx.AsyncClient) -> None:
            reply = await client.get(server.url + "/a/b?c=d&e=f")
            assert reply.status_code == 200
            assert reply.reason_phrase == "OK"
            assert reply.http_version == "HTTP/1.1"
            assert reply.headers["x-test"] == "yes"
            assert reply.content == body
            assert reply.elapsed.total_seconds() >= 0

        run(test)
        line, headers, _ = server.requests[0]
        assert line == b"GET /a/b?c=d&e=f HTTP/1.1"
        assert headers[b"host"] == f"127.0.0.1:{server.port}".encode()


def test_chunked_body_in_pieces() -> None:
    with Server(chunked_in_pieces) as server:

        async def test(client: httpx.AsyncClient) -> None:
            for _ in range(2):  # the second goes over the same connection: the first ended cleanly
                reply = await client.get(server.url + "/chunked")
                assert reply.content == b'{"a": 12' + b"x" * 26 + b"}"

        run(test)
        assert server.connections == 1


def test_post_body_and_no_body_responses() -> None:
    with Server(body_cases) as server:

        async def test(client: httpx.AsyncClient) -> None:
            reply = await client.post(server.url + "/orders", json={"side": "buy"})
            assert reply.status_code == 201
            assert reply.content == b'{"side":"buy"}'[::-1]
            assert (await client.head(server.url + "/")).content == b""
            assert (await client.get(server.url + "/empty")).status_code == 204
            assert (await client.get(server.url + "/continue")).text == "after 100"
            assert (await client.get(server.url + "/gzip")).content == b"unzipped" * 100
            assert (await client.post(server.url + "/again", content=b"xyz")).content == b"zyx"

        run(test)
        assert server.connections == 1  # every response above left the connection reusable
        assert server.requests[0][2] == b'{"side":"buy"}'


# --- keep-alive and closing -----------------------------------------------------------------------


def test_keep_alive_reuses_one_connection() -> None:
    with Server(keep_alive) as server:

        async def test(client: httpx.AsyncClient) -> None:
            for number in range(5):
                reply = await client.get(f"{server.url}/n/{number}")
                assert reply.text == f"/n/{number}"

        run(test)
        assert server.connections == 1
        assert len(server.requests) == 5


def test_connection_close_response() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        line, _, _ = await server.read_request(reader) or (b"", {}, b"")
        if b"/http10" in line:  # HTTP/1.0, no Content-Length: the body ends when the server closes
            writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nold style body")
        else:
            writer.write(response(b"closing", headers=(b"Connection: close",)))
        await writer.drain()
        writer.close()

    with Server(handler) as server:

        async def test(client: httpx.AsyncClient) -> None:
            for _ in range(3):
                assert (await client.get(server.url + "/")).text == "closing"
            reply = await client.get(server.url + "/http10")
            assert reply.text == "old style body"
            assert reply.http_version == "HTTP/1.0"
            assert (await client.get(server.url + "/")).text == "closing"

        run(test)
        assert server.connections == 5


def test_request_connection_close_is_honoured() -> None:
    with Server(keep_alive) as server:

        async def test(client: httpx.AsyncClient) -> None:
            for _ in range(2):
                assert (await client.get(server.url + "/x", headers={"Connection": "close"})).text == "/x"

        run(test)
        assert server.connections == 2


def test_keepalive_expiry_closes_old_idle_connections() -> None:
    with Server(keep_alive) as server:

        async def test(client: httpx.AsyncClient) -> None:
            await client.get(server.url + "/1")
            await asyncio.sleep(0.15)
            await client.get(server.url + "/2")
            await client.get(server.url + "/3")  # right after: reused

        run(test, keepalive_expiry=0.1)
        assert server.connections == 2


def test_fifty_concurrent_requests() -> None:
    with Server(keep_alive) as server:

        async def test(client: httpx.AsyncClient) -> None:
            for _ in range(3):
                replies = await asyncio.gather(*(client.get(f"{server.url}/item/{n}") for n in range(50)))
                assert [reply.text for reply in replies] == [f"/item/{n}" for n in range(50)]

        run(test)
        assert len(server.requests) == 150
        assert server.connections <= 50


def test_max_connections_caps_open_connections() -> None:
    with Server(slow) as server:

        async def test(client: httpx.AsyncClient) -> None:
            replies = await asyncio.gather(*(client.get(f"{server.url}/{n}") for n in range(20)))
            assert [reply.text for reply in replies] == [f"/{n}" for n in range(20)]

        run(test, max_connections=3)
        assert server.most_open <= 3
        assert server.connections <= 3


def test_pool_timeout() -> None:
    with Server(silent) as server:

        async def test(client: httpx.AsyncClient) -> None:
            first = asyncio.ensure_future(client.get(server.url + "/", timeout=httpx.Timeout(5.0)))
            await asyncio.sleep(0.05)
            with pytest.raises(httpx.PoolTimeout):
                await client.get(server.url + "/", timeout=httpx.Timeout(5.0, pool=0.1))
            first.cancel()
            with pytest.raises(asyncio.CancelledError):
                await first

        run(test, max_connections=1)


# --- failures -------------------------------------------------------------------------------------


def test_idle_connection_closed_by_server_is_replaced() -> None:
    with Server(close_when_idle) as server:

        async def test(client: httpx.AsyncClient) -> None:
            assert (await client.get(server.url + "/")).text == "first"
            await asyncio.sleep(0.2)
            assert (await client.get(server.url + "/")).text == "first"

        run(test)
        assert server.connections == 2


def test_request_on_connection_closed_while_idle_is_retried_once() -> None:
    """The race the retry exists for: the server closes an idle connection as the request goes out.

    The client cannot see the close before writing, so the request fails on the reused connection
    without a byte of response, and is sent again on a fresh connection.
    """
    with Server(drop_second_request) as server:

        async def test(client: httpx.AsyncClient) -> None:
            assert (await client.get(server.url + "/")).text == "ok 1"
            assert (await client.get(server.url + "/", headers={"X-Idempotency": "1"})).text == "ok 2"

        run(test)
        assert server.connections == 2
        assert len(server.requests) == 3  # the second request was seen twice: once dropped, once answered


def test_post_on_connection_closed_while_idle_is_not_repeated() -> None:
    """A POST may have been acted on (an order placed) before the server closed the connection:
    the transport raises instead of sending it again; the client decides by the spec."""
    with Server(drop_second_request) as server:

        async def test(client: httpx.AsyncClient) -> None:
            assert (await client.get(server.url + "/")).text == "ok 1"
            with pytest.raises(httpx.RemoteProtocolError):
                await client.post(server.url + "/order", content=b"{}")

        run(test)
        assert len(server.requests) == 2  # the POST went out once


def test_request_on_reset_idle_connection_is_retried_once() -> None:
    with Server(reset_second_request) as server:

        async def test(client: httpx.AsyncClient) -> None:
            for _ in range(3):
                assert (await client.get(server.url + "/")).text == "ok"

        run(test)
        # Each connection answers one request and resets on the second, which is then retried on
        # a fresh connection: requests 2 and 3 each went out twice.
        assert server.connections == 3
        assert len(server.requests) == 5


def test_dropped_connection_without_response_raises_transport_error() -> None:
    with Server(close_without_answer) as server:

        async def test(client: httpx.AsyncClient) -> None:
            with pytest.raises(httpx.TransportError) as caught:
                await client.get(server.url + "/")
            assert isinstance(caught.value, (httpx.RemoteProtocolError, httpx.ReadError))

        run(test)
        assert server.connections == 1  # a fresh connection is not retried


def test_reset_connection_without_response_raises_transport_error() -> None:
    with Server(reset_without_answer) as server:

        async def test(client: httpx.AsyncClient) -> None:
            with pytest.raises(httpx.ReadError, match="reset"):
                await client.get(server.url + "/")

        run(test)


def test_disconnect_in_the_middle_of_the_body() -> None:
    async def short(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        while await server.read_request(reader) is not None:
            writer.write(response(b"complete"))
            await writer.drain()
            await server.read_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part")
            await writer.drain()
            return

    with Server(short) as server:

        async def test(client: httpx.AsyncClient) -> None:
            assert (await client.get(server.url + "/")).text == "complete"
            with pytest.raises(httpx.RemoteProtocolError):  # a partial response is not retried
                await client.get(server.url + "/")

        run(test)
        assert server.connections == 1


def test_read_timeout() -> None:
    with Server(silent) as server:

        async def test(client: httpx.AsyncClient) -> None:
            started = time.monotonic()
            with pytest.raises(httpx.ReadTimeout):
                await client.get(server.url + "/", timeout=httpx.Timeout(5.0, read=0.2))
            assert 0.15 < time.monotonic() - started < 2

        run(test)


def test_read_timeout_applies_per_read() -> None:
    """Like httpx: a slow body that keeps arriving within the read timeout is not cut off."""

    with Server(trickle) as server:

        async def test(client: httpx.AsyncClient) -> None:
            reply = await client.get(server.url + "/", timeout=httpx.Timeout(5.0, read=0.3))
            assert reply.text == "abcdef"

        run(test)


def test_connect_error() -> None:
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def test(client: httpx.AsyncClient) -> None:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/")

    run(test)


def test_malformed_response_raises_protocol_error() -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: twelve\r\n\r\nhello world!")
        await writer.drain()
        await reader.read()

    with Server(garbage) as server:

        async def test(client: httpx.AsyncClient) -> None:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get(server.url + "/")

        run(test)


def test_cancellation_closes_the_connection() -> None:
    async def slow_then_fast(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        while (request := await server.read_request(reader)) is not None:
            if b"/slow" in request[0]:
                await asyncio.sleep(0.3)
            writer.write(response(request[0].split(b" ")[1]))
            await writer.drain()

    with Server(slow_then_fast) as server:

        async def test(client: httpx.AsyncClient) -> None:
            with pytest.raises(TimeoutError):
                async with asyncio.timeout(0.1):
                    await client.get(server.url + "/slow")
            # The cancelled request's connection is not reused: its late response must not be
            # read as the answer to the next request.
            assert (await client.get(server.url + "/fast")).text == "/fast"
            await asyncio.sleep(0.4)
            assert (await client.get(server.url + "/fast2")).text == "/fast2"

        run(test)
        assert server.connections == 2


def test_aclose_closes_idle_connections() -> None:
    with Server(keep_alive) as server:

        async def test() -> None:
            transport = AsyncPooledTransport()
            async with httpx.AsyncClient(transport=transport) as client:
                await asyncio.gather(*(client.get(server.url + "/") for _ in range(5)))
                assert server.open >= 1
            for _ in range(100):
                if server.open == 0:
                    break
                await asyncio.sleep(0.01)
            assert server.open == 0

        asyncio.run(test())
