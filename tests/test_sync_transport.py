"""PooledTransport (templates/runtime/_sync_transport.py) against small HTTP servers on 127.0.0.1.

The servers are tests/http_servers.py (asyncio.start_server in a background thread); the
client side is a plain `httpx.Client(transport=PooledTransport(...))` in the test's thread (or in
several threads).
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
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

_module = load_runtime_module("_sync_transport")
PooledTransport = _module.PooledTransport


def client(**options: Any) -> httpx.Client:
    return httpx.Client(transport=PooledTransport(**options))


# --- bodies ---------------------------------------------------------------------------------------


def test_content_length_body() -> None:
    body = bytes(range(256)) * 300  # 76 800 bytes: more than one socket read

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        writer.write(response(body, headers=(b"X-Test: yes",)))
        await writer.drain()
        await reader.read()

    with Server(handler) as server, client() as http:
        reply = http.get(server.url + "/a/b?c=d&e=f")
        assert reply.status_code == 200
        assert reply.reason_phrase == "OK"
        assert reply.http_version == "HTTP/1.1"
        assert reply.headers["x-test"] == "yes"
        assert reply.content == body
        assert reply.elapsed.total_seconds() >= 0
        line, headers, _ = server.requests[0]
        assert line == b"GET /a/b?c=d&e=f HTTP/1.1"
        assert headers[b"host"] == f"127.0.0.1:{server.port}".encode()


def test_chunked_body_in_pieces() -> None:
    with Server(chunked_in_pieces) as server:
        with client() as http:
            for _ in range(2):  # the second goes over the same connection: the first ended cleanly
                reply = http.get(server.url + "/chunked")
                assert reply.content == b'{"a": 12' + b"x" * 26 + b"}"
        assert server.connections == 1


def test_post_body_and_no_body_responses() -> None:
    with Server(body_cases) as server:
        with client() as http:
            reply = http.post(server.url + "/orders", json={"side": "buy"})
            assert reply.status_code == 201
            assert reply.content == b'{"side":"buy"}'[::-1]
            assert http.head(server.url + "/").content == b""
            assert http.get(server.url + "/empty").status_code == 204
            assert http.get(server.url + "/not-modified").status_code == 304
            assert http.get(server.url + "/continue").text == "after 100"
            assert http.get(server.url + "/gzip").content == b"unzipped" * 100
            assert http.post(server.url + "/again", content=b"xyz").content == b"zyx"
        assert server.connections == 1  # every response above left the connection reusable
        assert server.requests[0][2] == b'{"side":"buy"}'


def test_streamed_request_body_is_sent_chunked() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        assert b"transfer-encoding: chunked" in head.lower()
        body = await reader.readuntil(b"0\r\n\r\n")
        writer.write(response(body))
        await writer.drain()
        await reader.read()

    def pieces() -> Iterator[bytes]:
        yield b"ab"
        yield b"cd"

    with Server(handler) as server, client() as http:
        assert http.post(server.url + "/", content=pieces()).content == b"4\r\nabcd\r\n0\r\n\r\n"


# --- keep-alive and closing -----------------------------------------------------------------------


def test_keep_alive_reuses_one_connection() -> None:
    with Server(keep_alive) as server:
        with client() as http:
            for number in range(5):
                assert http.get(f"{server.url}/n/{number}").text == f"/n/{number}"
        assert server.connections == 1
        assert len(server.requests) == 5


def test_connection_close_response() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        line, _, _ = await server.read_request(reader) or (b"", {}, b"")
        if b"/http10" in line:  # HTTP/1.0, no Content-Length: the body ends when the server closes
            writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nold style body")
        elif b"/until-close" in line:  # HTTP/1.1 without a length: also delimited by the close
            writer.write(b"HTTP/1.1 200 OK\r\n\r\n" + b"y" * 100_000)
        else:
            writer.write(response(b"closing", headers=(b"Connection: close",)))
        await writer.drain()
        writer.close()

    with Server(handler) as server:
        with client() as http:
            for _ in range(3):
                assert http.get(server.url + "/").text == "closing"
            reply = http.get(server.url + "/http10")
            assert reply.text == "old style body"
            assert reply.http_version == "HTTP/1.0"
            assert http.get(server.url + "/until-close").content == b"y" * 100_000
            assert http.get(server.url + "/").text == "closing"
        assert server.connections == 6


def test_request_connection_close_is_honoured() -> None:
    with Server(keep_alive) as server:
        with client() as http:
            for _ in range(2):
                assert http.get(server.url + "/x", headers={"Connection": "close"}).text == "/x"
        assert server.connections == 2


def test_keepalive_expiry_closes_old_idle_connections() -> None:
    with Server(keep_alive) as server:
        with client(keepalive_expiry=0.1) as http:
            http.get(server.url + "/1")
            time.sleep(0.15)
            http.get(server.url + "/2")
            http.get(server.url + "/3")  # right after: reused
        assert server.connections == 2


def test_twenty_threads_ten_requests_each() -> None:
    results: dict[int, list[str]] = {}
    errors: list[Exception] = []

    def worker(http: httpx.Client, url: str, number: int) -> None:
        try:
            results[number] = [http.get(f"{url}/t/{number}/{n}").text for n in range(10)]
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    with Server(keep_alive) as server:
        with client(max_connections=8) as http:
            threads = [threading.Thread(target=worker, args=(http, server.url, n)) for n in range(20)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
        assert not errors
        assert results == {t: [f"/t/{t}/{n}" for n in range(10)] for t in range(20)}
        assert len(server.requests) == 200
        assert server.most_open <= 8
        assert server.connections <= 8  # connections are reused, never more than the cap opened


def test_max_connections_caps_open_connections() -> None:
    replies: dict[int, str] = {}
    with Server(slow) as server:
        with client(max_connections=3) as http:

            def get(number: int) -> None:
                replies[number] = http.get(f"{server.url}/{number}").text

            threads = [threading.Thread(target=get, args=(n,)) for n in range(20)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
        assert replies == {n: f"/{n}" for n in range(20)}
        assert server.most_open <= 3
        assert server.connections <= 3


def test_connections_to_other_origins_make_room() -> None:
    with Server(keep_alive) as first, Server(keep_alive) as second:
        with client(max_connections=1) as http:
            assert http.get(first.url + "/a").text == "/a"
            assert http.get(second.url + "/b").text == "/b"  # closes the idle one to `first`
            assert http.get(first.url + "/c").text == "/c"
            for _ in range(100):
                if first.open + second.open <= 1:
                    break
                time.sleep(0.01)
            assert first.open + second.open == 1
        assert (first.connections, second.connections) == (2, 1)


def test_pool_timeout() -> None:
    with Server(silent) as server, client(max_connections=1) as http:
        outcome: list[Exception] = []

        def first() -> None:
            try:
                http.get(server.url + "/", timeout=httpx.Timeout(5.0, read=0.5))
            except Exception as exc:  # noqa: BLE001 - checked by the main thread
                outcome.append(exc)

        thread = threading.Thread(target=first)
        thread.start()
        time.sleep(0.1)
        started = time.monotonic()
        with pytest.raises(httpx.PoolTimeout):
            http.get(server.url + "/", timeout=httpx.Timeout(5.0, pool=0.1))
        assert time.monotonic() - started < 0.4
        thread.join(5)
        assert isinstance(outcome[0], httpx.ReadTimeout)


def test_permit_is_released_after_errors() -> None:
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with Server(keep_alive) as server, client(max_connections=1) as http:
        for _ in range(3):
            with pytest.raises(httpx.ConnectError):
                http.get(f"http://127.0.0.1:{port}/", timeout=httpx.Timeout(5.0, pool=0.2))
        assert http.get(server.url + "/ok", timeout=httpx.Timeout(5.0, pool=0.2)).text == "/ok"


# --- failures -------------------------------------------------------------------------------------


def test_idle_connection_closed_by_server_is_replaced() -> None:
    with Server(close_when_idle) as server:
        with client() as http:
            assert http.get(server.url + "/").text == "first"
            time.sleep(0.2)
            assert http.post(server.url + "/", content=b"x").text == "first"  # even a POST: seen before sending
        assert server.connections == 2
        assert len(server.requests) == 2  # the closed connection was not written to


def test_request_on_connection_closed_while_idle_is_retried_once() -> None:
    """The race the retry exists for: the server closes an idle connection as the request goes out.

    The client cannot see the close before writing, so the request fails on the reused connection
    without a byte of response, and is sent again on a fresh connection.
    """
    with Server(drop_second_request) as server:
        with client() as http:
            assert http.get(server.url + "/").text == "ok 1"
            assert http.get(server.url + "/").text == "ok 2"
        assert server.connections == 2
        assert len(server.requests) == 3  # the second request was seen twice: once dropped, once answered


def test_post_on_connection_closed_while_idle_is_not_repeated() -> None:
    """A POST may have been acted on (an order placed) before the server closed the connection:
    the transport raises instead of sending it again; the client decides by the spec."""
    with Server(drop_second_request) as server:
        with client() as http:
            assert http.get(server.url + "/").text == "ok 1"
            with pytest.raises(httpx.RemoteProtocolError):
                http.post(server.url + "/order", content=b"{}")
            assert http.get(server.url + "/").text == "ok 2"  # the pool recovers on a fresh connection
        assert [line for line, _, _ in server.requests] == [
            b"GET / HTTP/1.1",
            b"POST /order HTTP/1.1",
            b"GET / HTTP/1.1",
        ]
        assert server.connections == 2


def test_request_on_reset_idle_connection_is_retried_once() -> None:
    with Server(reset_second_request) as server:
        with client() as http:
            for _ in range(3):
                assert http.get(server.url + "/").text == "ok"
        # Each connection answers one request and resets on the second, which is then retried on
        # a fresh connection: requests 2 and 3 each went out twice.
        assert server.connections == 3
        assert len(server.requests) == 5


def test_dropped_connection_without_response_raises_transport_error() -> None:
    with Server(close_without_answer) as server:
        with client() as http:
            with pytest.raises(httpx.TransportError) as caught:
                http.get(server.url + "/")
            assert isinstance(caught.value, (httpx.RemoteProtocolError, httpx.ReadError))
        assert server.connections == 1  # a fresh connection is not retried


def test_reset_connection_without_response_raises_transport_error() -> None:
    with Server(reset_without_answer) as server, client() as http, pytest.raises(httpx.ReadError, match="reset"):
        http.get(server.url + "/")


def test_disconnect_in_the_middle_of_the_body() -> None:
    async def short(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        writer.write(response(b"complete"))
        await writer.drain()
        await server.read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part")
        await writer.drain()

    with Server(short) as server:
        with client() as http:
            assert http.get(server.url + "/").text == "complete"
            with pytest.raises(httpx.RemoteProtocolError):  # a partial response is not retried
                http.get(server.url + "/")
        assert server.connections == 1


def test_read_timeout() -> None:
    with Server(silent) as server, client() as http:
        started = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            http.get(server.url + "/", timeout=httpx.Timeout(5.0, read=0.2))
        assert 0.15 < time.monotonic() - started < 2


def test_read_timeout_on_reused_connection_is_not_retried() -> None:
    async def answer_once(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await server.read_request(reader)
        writer.write(response(b"ok"))
        await writer.drain()
        await server.read_request(reader)
        await asyncio.sleep(10)

    with Server(answer_once) as server, client() as http:
        assert http.get(server.url + "/").text == "ok"
        with pytest.raises(httpx.ReadTimeout):
            http.get(server.url + "/", timeout=httpx.Timeout(5.0, read=0.2))
        assert server.connections == 1


def test_read_timeout_applies_per_read() -> None:
    """Like httpx: a slow body that keeps arriving within the read timeout is not cut off."""

    with Server(trickle) as server, client() as http:
        assert http.get(server.url + "/", timeout=httpx.Timeout(5.0, read=0.3)).text == "abcdef"


def test_write_timeout() -> None:
    async def not_reading(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(10)  # the request body fills the socket buffers and the write blocks

    with Server(not_reading) as server, client() as http, pytest.raises(httpx.WriteTimeout):
        http.post(server.url + "/", content=b"x" * 64_000_000, timeout=httpx.Timeout(5.0, write=0.3))


def test_connect_error() -> None:
    with socket.socket() as probe:  # a port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with client() as http:
        with pytest.raises(httpx.ConnectError):
            http.get(f"http://127.0.0.1:{port}/")
        with pytest.raises(httpx.ConnectError):  # DNS
            http.get("http://does-not-exist.invalid/")
        with pytest.raises(httpx.UnsupportedProtocol):
            http.get("ftp://127.0.0.1/")


def test_malformed_response_raises_protocol_error() -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
        while (request := await server.read_request(reader)) is not None:
            if b"/length" in request[0]:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: twelve\r\n\r\nhello world!")
            elif b"/status" in request[0]:
                writer.write(b"HTTP/1.1 OK\r\n\r\n")
            else:
                writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            await writer.drain()

    with Server(garbage) as server:
        with client() as http:
            for path in ("/length", "/status", "/chunk"):
                with pytest.raises(httpx.RemoteProtocolError):
                    http.get(server.url + path)
        assert server.connections == 3  # a connection that failed is never reused


def test_close_closes_idle_connections() -> None:
    with Server(keep_alive) as server:
        transport = PooledTransport()
        with httpx.Client(transport=transport) as http:
            http.get(server.url + "/")
            assert server.open == 1
        for _ in range(100):
            if server.open == 0:
                break
            time.sleep(0.01)
        assert server.open == 0


def test_tls_with_server_hostname(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl command not available")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    with Server(keep_alive, ssl_context=server_context) as server:
        trusting = ssl.create_default_context(cafile=str(cert))
        with client(ssl_context=trusting) as http:
            for number in range(3):
                assert http.get(f"https://localhost:{server.port}/tls/{number}").text == f"/tls/{number}"
        assert server.connections == 1
        # The default context does not trust a self-signed certificate.
        with client() as http, pytest.raises(httpx.ConnectError):
            http.get(f"https://localhost:{server.port}/")
