# DO NOT EDIT: copied by sdkgen from templates/runtime/_transport.py
"""An HTTP/1.1 transport for httpx.AsyncClient whose connection pool costs O(1) per request.

Why: httpx's default async transport is httpcore's AsyncConnectionPool, and in httpcore 1.0.x
that pool is quadratic in the number of concurrent requests: every time a request is queued, a
connection is released or a response is closed, `_assign_requests_to_connections` walks every
connection and every queued request again, under one lock. A trading system sends bursts of tens
of concurrent calls, and for a burst of 50 that bookkeeping costs many times more than the HTTP
itself. The upstream fix lives only in a fork we may not depend on, so the generated SDK carries
this small transport instead (its runtime dependencies stay httpx and pydantic).

What: plain HTTP/1.1 on an `asyncio.Protocol` per connection (TLS through `ssl`, with
`httpx.create_ssl_context()` by default). Per origin (scheme, host, port) the pool keeps a LIFO
list of idle connections: taking one is a `list.pop()`, giving one back a `list.append()`. An
`asyncio.Semaphore` caps the requests in flight at `max_connections`, and idle connections of
other origins are closed when a new connection would take the connections open above that cap.
An idle connection older than `keepalive_expiry` seconds is closed rather than reused. Each
request goes out in one write (request line, headers, body); the response is parsed from the
connection's buffer as it arrives (status line and headers, then a Content-Length body, a chunked
body, or a body delimited by the server closing the connection) and returned complete. The SDK's
clients call `round_trip` with the request already encoded (`._wire`, `._sender`) and get a
`WireResponse`; as an httpx transport (`handle_async_request`) the request is encoded from the
httpx.Request and the response handed to httpx, which decodes Content-Encoding. A connection is
reused only after a complete response that allows keep-alive. A GET (or HEAD, OPTIONS) that fails
on a reused idle connection before any byte of a response arrived (the server closed the
connection while it was idle) is retried once on a fresh connection, as HTTP clients do; other
methods raise, since the server may have acted on them. Timeouts, connection failures and
protocol errors are raised as the httpx exceptions httpx's own transport raises; the read timeout
applies to each wait for more bytes, as in httpx.

Not supported: HTTP/2, proxies, Unix sockets, streaming a response body as it arrives (the whole
body is read before the response is returned) and streaming a request body (it is read whole and
sent in the same write as the headers).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time
from collections.abc import Mapping
from types import TracebackType
from typing import Self, cast

import httpx

from ._wire import (
    MAX_HEAD,
    SAFE_METHODS,
    NoResponse,
    Origin,
    WireRequest,
    WireResponse,
    body_framing,
    chunk_data,
    chunk_size,
    is_final,
    parse_head,
    take,
    wire_request_of,
)

__all__ = ["AsyncPooledTransport"]


def _expire(waiter: asyncio.Future[bool]) -> None:
    if not waiter.done():
        waiter.set_result(False)


class _Connection(asyncio.Protocol):
    """One open TCP (or TLS) connection to one origin, and the reading of its responses.

    The event loop appends what arrives to `buffer` and wakes the one coroutine waiting for it;
    the coroutine parses the response out of the buffer. No StreamReader, no task per read and no
    `asyncio.timeout` per read: a read timeout is one timer handle per wait.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.received = False  # a byte arrived since the current request was written
        self.closed = False  # the peer closed its side, or the connection was lost
        self.error: Exception | None = None  # why the connection was lost, if not a clean close
        self.lost: asyncio.Future[None] = loop.create_future()
        self.idle_since = 0.0
        self._waiter: asyncio.Future[bool] | None = None
        self._writable = True

    # --- asyncio.Protocol callbacks ---------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self.received = True
        self._wake()

    def eof_received(self) -> bool:
        self.closed = True
        self._wake()
        return False  # let the transport close itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if exc is not None and self.error is None:
            self.error = exc
        self._writable = True
        if not self.lost.done():
            self.lost.set_result(None)
        self._wake()

    def pause_writing(self) -> None:
        self._writable = False

    def resume_writing(self) -> None:
        self._writable = True
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            if not waiter.done():
                waiter.set_result(True)

    # --- used by the pool -----------------------------------------------------------------------

    def usable(self) -> bool:
        """False when the server closed the connection or sent bytes nobody asked for."""
        transport = self.transport
        return not self.closed and not self.buffer and transport is not None and not transport.is_closing()

    def close(self, *, abort: bool = False) -> None:
        """Close without waiting: safe on error and cancellation paths. `abort` drops what is still
        unsent at once (the connection is out of step after an error or a cancellation)."""
        transport = self.transport
        if transport is not None:
            with contextlib.suppress(Exception):  # closing a broken transport must not mask the real error
                if abort:
                    transport.abort()
                else:
                    transport.close()

    async def _wait(self, timeout: float | None) -> None:
        """Wait for the next event on the connection (bytes, close, writable) for up to `timeout` s."""
        waiter: asyncio.Future[bool] = self.loop.create_future()
        self._waiter = waiter
        timer = None if timeout is None else self.loop.call_later(timeout, _expire, waiter)
        try:
            if not await waiter:
                raise TimeoutError
        finally:
            if timer is not None:
                timer.cancel()
            self._waiter = None

    # --- one request ----------------------------------------------------------------------------

    async def send(self, message: bytes, timeout: float | None) -> None:
        """Write the whole request in one call, then wait while the transport's buffer is full."""
        transport = self.transport
        if transport is None or self.closed or transport.is_closing():
            raise httpx.WriteError("Connection closed before the request could be sent.")
        self.received = False
        transport.write(message)
        while not self._writable and not self.closed:
            try:
                await self._wait(timeout)
            except TimeoutError:
                raise httpx.WriteTimeout("Timed out sending the request.") from None

    async def _more(self, timeout: float | None) -> None:
        """Wait for more bytes of the response; raise if the connection ended or the timeout passed."""
        if self.closed:
            if self.error is not None:
                raise httpx.ReadError(f"Connection lost while reading the response: {self.error}")
            if not self.received:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            raise httpx.RemoteProtocolError("Server disconnected in the middle of the response.")
        try:
            await self._wait(timeout)
        except TimeoutError:
            raise httpx.ReadTimeout("Timed out reading the response.") from None

    async def _line(self, separator: bytes, timeout: float | None) -> bytes:
        """Remove and return the buffer up to and including `separator`, waiting for it as needed."""
        buffer = self.buffer
        start = 0
        while (index := buffer.find(separator, start)) < 0:
            if len(buffer) > MAX_HEAD:
                raise httpx.RemoteProtocolError("Response line or headers too long.")
            start = max(0, len(buffer) - len(separator) + 1)
            await self._more(timeout)
        end = index + len(separator)
        data = bytes(buffer[:end])
        del buffer[:end]
        return data

    async def _exactly(self, count: int, timeout: float | None) -> bytes:
        buffer = self.buffer
        while len(buffer) < count:
            await self._more(timeout)
        return take(buffer, count)

    async def _to_close(self, timeout: float | None) -> bytes:
        while not self.closed:
            try:
                await self._wait(timeout)
            except TimeoutError:
                raise httpx.ReadTimeout("Timed out reading the response.") from None
        if self.error is not None:
            raise httpx.ReadError(f"Connection lost while reading the response: {self.error}")
        data = bytes(self.buffer)
        self.buffer.clear()
        return data

    async def _chunked(self, timeout: float | None) -> bytes:
        parts: list[bytes] = []
        while size := chunk_size(await self._line(b"\r\n", timeout)):
            parts.append(chunk_data(await self._exactly(size + 2, timeout)))
        while await self._line(b"\r\n", timeout) != b"\r\n":  # trailer fields, ignored
            pass
        return b"".join(parts)

    async def receive(self, method: str, timeout: float | None) -> tuple[WireResponse, bool]:
        """Read one whole response; also say whether the connection may carry another request."""
        while not is_final((head := parse_head(await self._line(b"\r\n\r\n", timeout)))[0]):
            pass  # an informational response: the final one follows
        status, version, reason, headers = head
        framing, length, keep = body_framing(method, status, version, headers)
        if framing == "length":
            body = await self._exactly(length, timeout)
        elif framing == "chunked":
            body = await self._chunked(timeout)
        elif framing == "to-close":
            body = await self._to_close(timeout)
        else:
            body = b""
        if self.buffer:  # bytes beyond the response: the connection is out of step, do not reuse it
            keep = False
        return WireResponse(status, version, reason, headers, body), keep


class AsyncPooledTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 for `httpx.AsyncClient(transport=AsyncPooledTransport())`, pooled in O(1) per request.

    `max_connections` caps the requests in flight and the connections open at once; an idle
    connection is reused for at most `keepalive_expiry` seconds after its last response (None: no
    limit). TLS uses `ssl_context` (default `httpx.create_ssl_context()`). Timeouts come from the
    request, as httpx sets them: `connect`, `read`, `write` and `pool`, in seconds, None for none.
    Use one instance from one event loop.
    """

    def __init__(
        self,
        *,
        max_connections: int = 100,
        keepalive_expiry: float | None = 30.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if max_connections < 1:
            raise ValueError("max_connections must be at least 1")
        self._max_connections = max_connections
        self._keepalive_expiry = keepalive_expiry
        self._ssl_context = ssl_context
        self._idle: dict[Origin, list[_Connection]] = {}
        self._idle_count = 0
        self._open = 0  # connections open: in use plus idle
        self._semaphore: asyncio.Semaphore | None = None  # made on first use, in the running loop
        self._closed = False

    # --- httpx.AsyncBaseTransport ---------------------------------------------------------------

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` on a pooled connection and return the complete response."""
        response = await self.round_trip(wire_request_of(request, await request.aread()))
        return response.to_httpx(request)

    async def round_trip(self, request: WireRequest) -> WireResponse:
        """Send one encoded request on a pooled connection and return the whole response, its
        body still Content-Encoded. Raises the httpx transport errors described above."""
        origin, method, message = request.origin, request.method, request.message
        close, timeouts = request.close, request.timeouts
        semaphore = self._semaphore
        if semaphore is None:
            semaphore = self._semaphore = asyncio.Semaphore(self._max_connections)
        if semaphore.locked():
            try:
                async with asyncio.timeout(timeouts.get("pool")):
                    await semaphore.acquire()
            except TimeoutError:
                raise httpx.PoolTimeout("Timed out waiting for a connection from the pool.") from None
        else:
            await semaphore.acquire()  # does not suspend: a permit is free
        try:
            connection = self._take_idle(origin)
            if connection is not None:
                try:
                    return await self._exchange(connection, origin, method, message, close, timeouts, reused=True)
                except NoResponse:
                    # The server closed the idle connection, perhaps after reading the request:
                    # repeat it on a fresh connection only if repeating is harmless. Anything else
                    # (a POST that may have placed an order) goes up as a connection error, and the
                    # client retries it only if its spec marks it idempotent.
                    if method not in SAFE_METHODS:
                        raise httpx.RemoteProtocolError("Server disconnected without sending a response.") from None
            connection = await self._connect(origin, timeouts, request.server_hostname)
            return await self._exchange(connection, origin, method, message, close, timeouts, reused=False)
        finally:
            semaphore.release()

    async def aclose(self) -> None:
        """Close every idle connection; connections in use are closed when their response is done."""
        self._closed = True
        connections = [connection for idle in self._idle.values() for connection in idle]
        self._idle.clear()
        self._open -= len(connections)
        self._idle_count = 0
        for connection in connections:
            connection.close()
        if connections:
            try:
                async with asyncio.timeout(1.0):
                    await asyncio.gather(*(connection.lost for connection in connections))
            except TimeoutError:
                pass  # a peer slow to acknowledge the close does not hold up shutdown

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self.aclose()

    # --- the pool -----------------------------------------------------------------------------

    def _take_idle(self, origin: Origin) -> _Connection | None:
        """The most recently used idle connection to `origin` that is still fresh, or None."""
        idle = self._idle.get(origin)
        if not idle:
            return None
        expiry = self._keepalive_expiry
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            self._idle_count -= 1
            if expiry is not None and now - connection.idle_since > expiry:
                # LIFO: every connection below this one has been idle longer, so they expired too.
                self._discard(connection)
                for older in idle:
                    self._discard(older)
                self._idle_count -= len(idle)
                idle.clear()
                return None
            if connection.usable():
                return connection
            self._discard(connection)
        return None

    def _discard(self, connection: _Connection, *, abort: bool = False) -> None:
        """Close a connection that is in no idle list."""
        self._open -= 1
        connection.close(abort=abort)

    def _give_back(self, origin: Origin, connection: _Connection) -> None:
        if self._closed:
            self._discard(connection)
            return
        connection.idle_since = time.monotonic()
        idle = self._idle.get(origin)
        if idle is None:
            idle = self._idle[origin] = []
        idle.append(connection)
        self._idle_count += 1

    def _make_room(self) -> None:
        """Before opening a connection: close idle ones (of other origins) while the cap is reached.

        The caller holds a permit and found no idle connection to its own origin, so whenever the
        open connections reach the cap, at least one of them is idle and belongs to another origin.
        """
        while self._open >= self._max_connections and self._idle_count:
            for idle in self._idle.values():
                if idle:
                    self._idle_count -= 1
                    self._discard(idle.pop(0))  # the oldest of that origin
                    break

    async def _connect(
        self, origin: Origin, timeouts: Mapping[str, float | None], server_hostname: str | None
    ) -> _Connection:
        scheme, raw_host, port = origin
        host = raw_host.decode("ascii")
        self._make_room()
        context: ssl.SSLContext | None = None
        if scheme == b"https":
            context = self._ssl_context
            if context is None:
                context = self._ssl_context = httpx.create_ssl_context()
            server_hostname = server_hostname or host
        else:
            server_hostname = None
        loop = asyncio.get_running_loop()
        self._open += 1
        try:
            async with asyncio.timeout(timeouts.get("connect")):
                _, connection = await loop.create_connection(
                    lambda: _Connection(loop), host, port, ssl=context, server_hostname=server_hostname
                )
        except TimeoutError:
            self._open -= 1
            raise httpx.ConnectTimeout(f"Timed out connecting to {host}:{port}.") from None
        except OSError as exc:  # ssl.SSLError and socket.gaierror included
            self._open -= 1
            raise httpx.ConnectError(f"Could not connect to {host}:{port}: {exc}") from exc
        except BaseException:
            self._open -= 1
            raise
        return connection

    async def _exchange(
        self,
        connection: _Connection,
        origin: Origin,
        method: str,
        message: bytes,
        close: bool,
        timeouts: Mapping[str, float | None],
        *,
        reused: bool,
    ) -> WireResponse:
        """Write `message` and read the response; give the connection back to the pool, or close it."""
        complete = keep = False
        try:
            try:
                await connection.send(message, timeouts.get("write"))
                response, keep = await connection.receive(method, timeouts.get("read"))
            except httpx.TransportError as exc:
                if reused and not connection.received and not isinstance(exc, httpx.TimeoutException):
                    raise NoResponse(exc) from exc
                raise
            complete = True
            keep = keep and not close
            return response
        finally:  # also on cancellation: a connection whose exchange did not finish is never reused
            if keep:
                self._give_back(origin, connection)
            else:
                self._discard(connection, abort=not complete)
