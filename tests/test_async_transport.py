"""AsyncPooledTransport (templates/runtime/_transport.py) against small HTTP servers on 127.0.0.1.

Each server is an asyncio.start_server running in its own event loop in a background thread; the
client side runs in `asyncio.run` in the test, through `httpx.AsyncClient(transport=...)`.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import struct
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Self

import httpx
import pytest
from runtime_templates import load_runtime_module

ROOT = Path(__file__).resolve().parents[1]


AsyncPooledTransport = load_runtime_module("_transport").AsyncPooledTransport

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, "Server"], Awaitable[None]]


class Server:
    """An HTTP server on 127.0.0.1 in a background thread; `handler` serves one connection."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0  # connections accepted
        self.open = 0  # connections open now
        self.most_open = 0
        self.requests: list[tuple[bytes, dict[bytes, bytes], bytes]] = []
        self.state: dict[str, Any] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        self.port = asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(5)
        self.url = f"http://127.0.0.1:{self.port}"
        return self

    def __exit__(self, *exc_info: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _start(self) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=256)
        return int(self._server.sockets[0].getsockname()[1])

    async def _stop(self) -> None:
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self.connections += 1
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        try:
            await self.handler(reader, writer, self)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.open -= 1
            writer.close()
            self._tasks.discard(task)

    async def read_request(self, reader: asyncio.StreamReader) -> tuple[bytes, dict[bytes, bytes], bytes] | None:
        """The next request on the connection (request line, headers, body), or None at EOF."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if not exc.partial:
                return None
            raise
        line, *lines = head[:-4].split(b"\r\n")
        headers = {}
        for header in lines:
            name, _, value = header.partition(b":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get(b"content-length", b"0")))
        self.requests.append((line, headers, body))
        return line, headers, body


def response(body: bytes, status: bytes = b"200 OK", headers: tuple[bytes, ...] = ()) -> bytes:
    extra = b"".join(header + b"\r\n" for header in headers)
    return b"HTTP/1.1 " + status + b"\r\nContent-Length: %d\r\n" % len(body) + extra + b"\r\n" + body


async def keep_alive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
    """Answers every request on the connection with its own request target as the body."""
    while (request := await server.read_request(reader)) is not None:
        line, _, body = request
        target = line.split(b" ")[1]
        writer.write(response(target + (b" " + body if body else b""), headers=(b"Content-Type: text/plain",)))
        await writer.drain()


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
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        while await server.read_request(reader) is not None:
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n")
            await writer.drain()
            for piece in (b'5\r\n{"a":\r\n', b"3;ext=1\r\n", b" 12\r", b"\n1A\r\n", b"x" * 26, b"\r\n", b"1\r\n}\r\n"):
                writer.write(piece)
                await writer.drain()
                await asyncio.sleep(0.005)
            writer.write(b"0\r\nX-Trailer: 1\r\n\r\n")
            await writer.drain()

    with Server(handler) as server:

        async def test(client: httpx.AsyncClient) -> None:
            for _ in range(2):  # the second goes over the same connection: the first ended cleanly
                reply = await client.get(server.url + "/chunked")
                assert reply.content == b'{"a": 12' + b"x" * 26 + b"}"

        run(test)
        assert server.connections == 1


def test_post_body_and_no_body_responses() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        while (request := await server.read_request(reader)) is not None:
            line, _, body = request
            if line.startswith(b"HEAD"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
            elif b"/empty" in line:
                writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
            elif b"/continue" in line:
                writer.write(b"HTTP/1.1 100 Continue\r\n\r\n" + response(b"after 100"))
            elif b"/gzip" in line:
                writer.write(response(gzip.compress(b"unzipped" * 100), headers=(b"Content-Encoding: gzip",)))
            else:
                writer.write(response(body[::-1], status=b"201 Created"))
            await writer.drain()

    with Server(handler) as server:

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
    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        while (request := await server.read_request(reader)) is not None:
            await asyncio.sleep(0.01)
            writer.write(response(request[0].split(b" ")[1]))
            await writer.drain()

    with Server(slow) as server:

        async def test(client: httpx.AsyncClient) -> None:
            replies = await asyncio.gather(*(client.get(f"{server.url}/{n}") for n in range(20)))
            assert [reply.text for reply in replies] == [f"/{n}" for n in range(20)]

        run(test, max_connections=3)
        assert server.most_open <= 3
        assert server.connections <= 3


def test_pool_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        await asyncio.sleep(10)

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
    async def close_when_idle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        writer.write(response(b"first"))
        await writer.drain()
        await asyncio.sleep(0.05)  # then closes the idle keep-alive connection (no Connection: close)

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

    async def drop_second_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        number = 0
        while await server.read_request(reader) is not None:
            number += 1
            if number == 2:
                return  # closes without answering
            writer.write(response(b"ok %d" % server.connections))
            await writer.drain()

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

    async def drop_second_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        number = 0
        while await server.read_request(reader) is not None:
            number += 1
            if number == 2:
                return  # closes without answering
            writer.write(response(b"ok"))
            await writer.drain()

    with Server(drop_second_request) as server:

        async def test(client: httpx.AsyncClient) -> None:
            assert (await client.get(server.url + "/")).text == "ok"
            with pytest.raises(httpx.RemoteProtocolError):
                await client.post(server.url + "/order", content=b"{}")

        run(test)
        assert len(server.requests) == 2  # the POST went out once


def test_request_on_reset_idle_connection_is_retried_once() -> None:
    async def reset_second_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        number = 0
        while await server.read_request(reader) is not None:
            number += 1
            if number == 2:
                _reset(writer)
                return
            writer.write(response(b"ok"))
            await writer.drain()

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
    async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)

    with Server(drop) as server:

        async def test(client: httpx.AsyncClient) -> None:
            with pytest.raises(httpx.TransportError) as caught:
                await client.get(server.url + "/")
            assert isinstance(caught.value, (httpx.RemoteProtocolError, httpx.ReadError))

        run(test)
        assert server.connections == 1  # a fresh connection is not retried


def test_reset_connection_without_response_raises_transport_error() -> None:
    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        _reset(writer)

    with Server(reset) as server:

        async def test(client: httpx.AsyncClient) -> None:
            with pytest.raises(httpx.TransportError):
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
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        await asyncio.sleep(10)

    with Server(silent) as server:

        async def test(client: httpx.AsyncClient) -> None:
            started = time.monotonic()
            with pytest.raises(httpx.ReadTimeout):
                await client.get(server.url + "/", timeout=httpx.Timeout(5.0, read=0.2))
            assert 0.15 < time.monotonic() - started < 2

        run(test)


def test_read_timeout_applies_per_read() -> None:
    """Like httpx: a slow body that keeps arriving within the read timeout is not cut off."""

    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n")
        for byte in b"abcdef":
            await asyncio.sleep(0.1)
            writer.write(bytes([byte]))
            await writer.drain()
        await reader.read()

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


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST instead of a FIN."""
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
