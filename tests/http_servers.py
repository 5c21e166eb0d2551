"""Small HTTP/1.1 servers on 127.0.0.1 for the transport tests (test_sync_transport.py and
test_async_transport.py): each runs asyncio.start_server in its own event loop in a background
thread, and a handler serves each connection."""

from __future__ import annotations

import asyncio
import gzip
import socket
import ssl
import struct
import threading
from collections.abc import Awaitable, Callable
from typing import Any, Self

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, "Server"], Awaitable[None]]


class Server:
    """An HTTP server on 127.0.0.1 in a background thread; `handler` serves one connection."""

    def __init__(self, handler: Handler, ssl_context: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.ssl_context = ssl_context
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
        scheme = "https" if self.ssl_context else "http"
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        return self

    def __exit__(self, *exc_info: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()

    async def _start(self) -> int:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, backlog=256, ssl=self.ssl_context)
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
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
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


def reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP RST instead of a FIN."""
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


# --- handlers that both transports' tests use -------------------------------------------------------


async def chunked_in_pieces(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
    """Every request: a chunked body `{"a": 12xxx...x}` in pieces that split sizes, extensions and
    CRLFs across writes, then a trailer field."""
    while await server.read_request(reader) is not None:
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n")
        await writer.drain()
        for piece in (b'5\r\n{"a":\r\n', b"3;ext=1\r\n", b" 12\r", b"\n1A\r\n", b"x" * 26, b"\r\n", b"1\r\n}\r\n"):
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(0.005)
        writer.write(b"0\r\nX-Trailer: 1\r\n\r\n")
        await writer.drain()


async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
    """Every request: its target as the body, after 10 ms."""
    while (request := await server.read_request(reader)) is not None:
        await asyncio.sleep(0.01)
        writer.write(response(request[0].split(b" ")[1]))
        await writer.drain()


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
    """Reads the request and never answers."""
    await server.read_request(reader)
    await asyncio.sleep(10)


async def close_when_idle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
    """Answers one request, then closes the connection 50 ms later."""
    await server.read_request(reader)
    writer.write(response(b"first"))
    await writer.drain()
    await asyncio.sleep(0.05)


async def drop_second_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
    """Answers `ok N` (N: the connection's number), and closes without answering the connection's
    second request."""
    number = 0
    while await server.read_request(reader) is not None:
        number += 1
        if number == 2:
            return
        writer.write(response(b"ok %d" % server.connections))
        await writer.drain()


async def reset_second_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
    """Answers `ok`, and resets the connection (RST) on its second request."""
    number = 0
    while await server.read_request(reader) is not None:
        number += 1
        if number == 2:
            reset(writer)
            return
        writer.write(response(b"ok"))
        await writer.drain()


async def close_without_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
    """Reads the request and closes the connection (FIN) without answering."""
    await server.read_request(reader)


async def reset_without_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
    """Reads the request and resets the connection (RST) without answering."""
    await server.read_request(reader)
    reset(writer)


async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
    """A 6-byte body, one byte every 100 ms."""
    await server.read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n")
    for byte in b"abcdef":
        await asyncio.sleep(0.1)
        writer.write(bytes([byte]))
        await writer.drain()
    await reader.read()


async def body_cases(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, server: Server) -> None:
    """Every request by its target: HEAD with a Content-Length, 204, 304 with a Content-Length,
    100 Continue before the answer, a gzip body, else 201 with the request body reversed."""
    while (request := await server.read_request(reader)) is not None:
        line, _, body = request
        if line.startswith(b"HEAD"):
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        elif b"/empty" in line:
            writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        elif b"/not-modified" in line:
            writer.write(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n")
        elif b"/continue" in line:
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n" + response(b"after 100"))
        elif b"/gzip" in line:
            writer.write(response(gzip.compress(b"unzipped" * 100), headers=(b"Content-Encoding: gzip",)))
        else:
            writer.write(response(body[::-1], status=b"201 Created"))
        await writer.drain()
