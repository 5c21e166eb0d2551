"""An HTTP/1.1 transport for httpx.Client that spends as little as possible per request.

Why: httpx's default sync transport is httpcore's ConnectionPool. For one small request on an
idle keep-alive connection it still builds a pool request object, walks every connection and
queued request under the pool lock (`_assign_requests_to_connections`, twice: on the request and
again when the response closes), drives an h11 state machine event by event, wraps the body in
two iterator layers, and goes through httpcore's network-stream and timeout-mapping context
managers on every read and write. On a 127.0.0.1 round trip that bookkeeping costs more than the
HTTP itself; a trading client making sequential REST calls pays it on every call. This module is
the blocking twin of `AsyncPooledTransport` in `._transport`: same wire format code (`._wire`),
same pool rules, same retry and error semantics.

What: plain HTTP/1.1 on a blocking `socket` per connection (TCP_NODELAY set; TLS through `ssl`,
with `httpx.create_ssl_context()` by default and `server_hostname` for SNI and certificate
checking). Per origin (scheme, host, port) the pool keeps a LIFO list of idle connections under
one `threading.Lock`: taking one is a `list.pop()`, giving one back a `list.append()`. A
`threading.Condition` on that same lock caps the requests in flight at `max_connections` (waiting
for a permit is bounded by the request's `pool` timeout, then `httpx.PoolTimeout`), and idle
connections of other origins are closed when a new connection would take the connections open
above that cap. An idle connection older than `keepalive_expiry` seconds is closed rather than
reused, and one that became readable while idle (the server closed it, or sent bytes nobody asked
for) is closed rather than written to. Each request goes out in one `sendall` (request line,
headers, body); the response is parsed from the connection's buffer as `recv` returns bytes
(status line and headers, then a Content-Length body, a chunked body, or a body delimited by the
server closing the connection; 1xx responses are skipped; HEAD, 204 and 304 have no body) and
returned complete: to the SDK's clients, which call `round_trip` with the request already encoded,
as a `WireResponse`; as an httpx transport (`handle_request`), to httpx, which decodes
Content-Encoding. A connection is reused only after a complete response that allows keep-alive
(HTTP/1.1 without `Connection: close`).

A GET (or HEAD, OPTIONS) that fails on a reused idle connection before any byte of a response
arrived (the server closed the connection while it was idle, racing our write) is retried once on
a fresh connection, as HTTP clients do; any other method raises `httpx.RemoteProtocolError`, since
the server may have acted on it (a POST may have placed an order). Timeouts are set with
`socket.settimeout` and apply to each connect, each `sendall` and each `recv`, as in httpx:
`httpx.ConnectTimeout`, `httpx.WriteTimeout`, `httpx.ReadTimeout`. Refused connections, DNS and
TLS failures raise `httpx.ConnectError`; a reset or EOF in the middle of a response raises
`httpx.ReadError` or `httpx.RemoteProtocolError`. On any error the connection is closed, never
given back to the pool.

Not supported: HTTP/2, proxies, Unix sockets, streaming a response body as it arrives (the whole
body is read before the response is returned), streaming a request body (it is read whole and
sent in the same write as the headers), and using a transport across `os.fork()`. The connect
timeout does not bound DNS resolution (`getaddrinfo` blocks), as in httpcore.
"""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import threading
import time
from collections.abc import Mapping

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

__all__ = ["PooledTransport"]

_READ_SIZE = 64 * 1024  # bytes asked of each recv


if hasattr(select, "poll"):

    def _readable(sock: socket.socket) -> bool:
        """True when a read would not block: EOF, a reset, or bytes nobody asked for."""
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))

else:  # pragma: no cover - Windows

    def _readable(sock: socket.socket) -> bool:
        """True when a read would not block: EOF, a reset, or bytes nobody asked for."""
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable)


class _Connection:
    """One open TCP (or TLS) socket to one origin, and the reading of its responses.

    Used by one thread at a time: a connection is either in an idle list (under the pool lock) or
    owned by the one request that took it.
    """

    __slots__ = ("_timeout", "buffer", "idle_since", "received", "sock")

    def __init__(self, sock: socket.socket, timeout: float | None) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.received = False  # a byte arrived since the current request was written
        self.idle_since = 0.0
        self._timeout = timeout  # what the socket's timeout is set to now

    def _set_timeout(self, timeout: float | None) -> None:
        # settimeout is a syscall (it toggles O_NONBLOCK); httpx's timeouts rarely change.
        if timeout != self._timeout:
            self.sock.settimeout(timeout)
            self._timeout = timeout

    # --- used by the pool -----------------------------------------------------------------------

    def usable(self) -> bool:
        """False when the server closed the idle connection or sent bytes nobody asked for."""
        if self.buffer:
            return False
        sock = self.sock
        if isinstance(sock, ssl.SSLSocket) and sock.pending():
            return False
        try:
            return not _readable(sock)
        except (OSError, ValueError):  # closed or otherwise broken
            return False

    def close(self) -> None:
        """Close without raising: safe on error paths (it must not mask the real error)."""
        with contextlib.suppress(Exception):
            self.sock.close()

    # --- one request ----------------------------------------------------------------------------

    def send(self, message: bytes, timeout: float | None) -> None:
        """Write the whole request in one call."""
        self.received = False
        self._set_timeout(timeout)
        try:
            self.sock.sendall(message)
        except TimeoutError:
            raise httpx.WriteTimeout("Timed out sending the request.") from None
        except OSError as exc:
            raise httpx.WriteError(f"Connection lost while sending the request: {exc}") from exc

    def _recv(self, timeout: float | None) -> bytes:
        """The next bytes from the socket, b"" at EOF."""
        self._set_timeout(timeout)
        try:
            data = self.sock.recv(_READ_SIZE)
        except TimeoutError:
            raise httpx.ReadTimeout("Timed out reading the response.") from None
        except OSError as exc:  # ssl.SSLError included
            raise httpx.ReadError(f"Connection lost while reading the response: {exc}") from exc
        if data:
            self.received = True
        return data

    def _more(self, timeout: float | None) -> None:
        """Append more bytes of the response to the buffer; raise if the connection ended."""
        data = self._recv(timeout)
        if not data:
            if not self.received:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            raise httpx.RemoteProtocolError("Server disconnected in the middle of the response.")
        self.buffer += data

    def _line(self, separator: bytes, timeout: float | None) -> bytes:
        """Remove and return the buffer up to and including `separator`, reading more as needed."""
        buffer = self.buffer
        start = 0
        while (index := buffer.find(separator, start)) < 0:
            if len(buffer) > MAX_HEAD:
                raise httpx.RemoteProtocolError("Response line or headers too long.")
            start = max(0, len(buffer) - len(separator) + 1)
            self._more(timeout)
        end = index + len(separator)
        data = bytes(buffer[:end])
        del buffer[:end]
        return data

    def _exactly(self, count: int, timeout: float | None) -> bytes:
        buffer = self.buffer
        while len(buffer) < count:
            self._more(timeout)
        return take(buffer, count)

    def _to_close(self, timeout: float | None) -> bytes:
        while data := self._recv(timeout):
            self.buffer += data
        data = bytes(self.buffer)
        self.buffer.clear()
        return data

    def _chunked(self, timeout: float | None) -> bytes:
        parts: list[bytes] = []
        while size := chunk_size(self._line(b"\r\n", timeout)):
            parts.append(chunk_data(self._exactly(size + 2, timeout)))
        while self._line(b"\r\n", timeout) != b"\r\n":  # trailer fields, ignored
            pass
        return b"".join(parts)

    def receive(self, method: str, timeout: float | None) -> tuple[WireResponse, bool]:
        """Read one whole response; also say whether the connection may carry another request."""
        while not is_final((head := parse_head(self._line(b"\r\n\r\n", timeout)))[0]):
            pass  # an informational response: the final one follows
        status, version, reason, headers = head
        framing, length, keep = body_framing(method, status, version, headers)
        if framing == "length":
            body = self._exactly(length, timeout)
        elif framing == "chunked":
            body = self._chunked(timeout)
        elif framing == "to-close":
            body = self._to_close(timeout)
        else:
            body = b""
        if self.buffer:  # bytes beyond the response: the connection is out of step, do not reuse it
            keep = False
        return WireResponse(status, version, reason, headers, body), keep


class PooledTransport(httpx.BaseTransport):
    """HTTP/1.1 for `httpx.Client(transport=PooledTransport())`, pooled in O(1) per request.

    `max_connections` caps the requests in flight and the connections open at once; an idle
    connection is reused for at most `keepalive_expiry` seconds after its last response (None: no
    limit). TLS uses `ssl_context` (default `httpx.create_ssl_context()`). Timeouts come from the
    request, as httpx sets them: `connect`, `read`, `write` and `pool`, in seconds, None for none.
    Safe to share between threads; each connection serves one request at a time.
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
        self._lock = threading.Lock()  # guards everything below
        self._permits = threading.Condition(self._lock)  # signalled when a request finishes
        self._in_flight = 0  # requests holding a permit
        self._waiting = 0  # threads waiting for a permit
        self._idle: dict[Origin, list[_Connection]] = {}
        self._idle_count = 0
        self._open = 0  # connections open: in use plus idle
        self._closed = False

    # --- httpx.BaseTransport ----------------------------------------------------------------------

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send `request` on a pooled connection and return the complete response."""
        response = self.round_trip(wire_request_of(request, request.read()))
        return response.to_httpx(request)

    def round_trip(self, request: WireRequest) -> WireResponse:
        """Send one encoded request on a pooled connection and return the whole response, its
        body still Content-Encoded. Raises the httpx transport errors described above."""
        origin, method, message = request.origin, request.method, request.message
        close, timeouts = request.close, request.timeouts
        connection = self._checkout(origin, timeouts.get("pool"))
        kept: _Connection | None = None
        try:
            while connection is not None and not connection.usable():
                self._discard(connection)
                connection = self._take_idle(origin)
            if connection is not None:
                try:
                    response, kept = self._exchange(connection, method, message, close, timeouts, reused=True)
                    return response
                except NoResponse:
                    # The server closed the idle connection, perhaps after reading the request:
                    # repeat it on a fresh connection only if repeating is harmless. Anything else
                    # (a POST that may have placed an order) goes up as a connection error, and the
                    # client retries it only if its spec marks it idempotent.
                    if method not in SAFE_METHODS:
                        raise httpx.RemoteProtocolError("Server disconnected without sending a response.") from None
            connection = self._connect(origin, timeouts, request.server_hostname)
            response, kept = self._exchange(connection, method, message, close, timeouts, reused=False)
            return response
        finally:
            self._checkin(origin, kept)

    def close(self) -> None:
        """Close every idle connection; connections in use are closed when their response is done."""
        with self._lock:
            self._closed = True
            connections = [connection for idle in self._idle.values() for connection in idle]
            self._idle.clear()
            self._open -= len(connections)
            self._idle_count = 0
        for connection in connections:
            connection.close()

    # --- the pool -------------------------------------------------------------------------------

    def _checkout(self, origin: Origin, timeout: float | None) -> _Connection | None:
        """Take a permit (waiting up to `timeout` s for one), and the freshest idle connection to
        `origin` if there is one: one lock acquisition on the common path."""
        with self._lock:
            if self._in_flight >= self._max_connections:
                self._wait_for_permit(timeout)
            self._in_flight += 1
            connection, expired = self._pop_idle(origin)
        for old in expired:
            old.close()
        return connection

    def _wait_for_permit(self, timeout: float | None) -> None:
        """With the lock held: wait until fewer than `max_connections` requests are in flight."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self._waiting += 1
        try:
            while self._in_flight >= self._max_connections:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise httpx.PoolTimeout("Timed out waiting for a connection from the pool.")
                self._permits.wait(remaining)
        finally:
            self._waiting -= 1

    def _take_idle(self, origin: Origin) -> _Connection | None:
        """Another idle connection to `origin` (after one proved unusable), still fresh, or None."""
        with self._lock:
            connection, expired = self._pop_idle(origin)
        for old in expired:
            old.close()
        return connection

    def _pop_idle(self, origin: Origin) -> tuple[_Connection | None, list[_Connection]]:
        """With the lock held: the most recently used idle connection to `origin` unless it expired,
        and the expired connections taken out of the pool, for the caller to close after the lock."""
        idle = self._idle.get(origin)
        if not idle:
            return None, []
        connection = idle.pop()
        self._idle_count -= 1
        expiry = self._keepalive_expiry
        if expiry is None or time.monotonic() - connection.idle_since <= expiry:
            return connection, []
        # LIFO: every connection below this one has been idle longer, so they expired too.
        expired = [connection, *idle]
        self._idle_count -= len(idle)
        self._open -= len(expired)
        idle.clear()
        return None, expired

    def _checkin(self, origin: Origin, connection: _Connection | None) -> None:
        """Give back the permit, and `connection` (if it may carry another request) to the idle list."""
        with self._lock:
            self._in_flight -= 1
            if self._waiting:
                self._permits.notify()
            if connection is not None:
                if self._closed:
                    self._open -= 1
                else:
                    connection.idle_since = time.monotonic()
                    idle = self._idle.get(origin)
                    if idle is None:
                        idle = self._idle[origin] = []
                    idle.append(connection)
                    self._idle_count += 1
                    return
        if connection is not None:  # the transport was closed while the request was in flight
            connection.close()

    def _discard(self, connection: _Connection) -> None:
        """Close a connection that is in no idle list."""
        with self._lock:
            self._open -= 1
        connection.close()

    def _reserve(self) -> None:
        """Count a connection about to be opened; first close idle ones (of other origins) while the
        cap is reached.

        The caller holds a permit and found no idle connection to its own origin, so whenever the
        open connections reach the cap, at least one of them is idle and belongs to another origin.
        """
        victims: list[_Connection] = []
        with self._lock:
            while self._open >= self._max_connections and self._idle_count:
                for idle in self._idle.values():
                    if idle:
                        self._idle_count -= 1
                        self._open -= 1
                        victims.append(idle.pop(0))  # the oldest of that origin
                        break
            self._open += 1
        for victim in victims:
            victim.close()

    def _connect(
        self, origin: Origin, timeouts: Mapping[str, float | None], server_hostname: str | None
    ) -> _Connection:
        scheme, raw_host, port = origin
        host = raw_host.decode("ascii")
        timeout = timeouts.get("connect")
        self._reserve()
        sock: socket.socket | None = None
        try:
            sock = socket.create_connection((host, port), timeout=timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if scheme == b"https":
                context = self._ssl_context
                if context is None:
                    context = self._ssl_context = httpx.create_ssl_context()
                sock = context.wrap_socket(sock, server_hostname=server_hostname or host)  # handshakes within `timeout`
        except BaseException as exc:
            if sock is not None:
                with contextlib.suppress(Exception):
                    sock.close()
            with self._lock:
                self._open -= 1
            if isinstance(exc, TimeoutError):
                raise httpx.ConnectTimeout(f"Timed out connecting to {host}:{port}.") from None
            if isinstance(exc, OSError):  # refused, unreachable, DNS (socket.gaierror), TLS (ssl.SSLError)
                raise httpx.ConnectError(f"Could not connect to {host}:{port}: {exc}") from exc
            raise
        return _Connection(sock, timeout)  # create_connection left the connect timeout on the socket

    def _exchange(
        self,
        connection: _Connection,
        method: str,
        message: bytes,
        close: bool,
        timeouts: Mapping[str, float | None],
        *,
        reused: bool,
    ) -> tuple[WireResponse, _Connection | None]:
        """Write `message` and read the response. Returns it with the connection if that may carry
        another request; otherwise (and on any error, interrupts included) the connection is closed."""
        try:
            try:
                connection.send(message, timeouts.get("write"))
                response, keep = connection.receive(method, timeouts.get("read"))
            except httpx.TransportError as exc:
                if reused and not connection.received and not isinstance(exc, httpx.TimeoutException):
                    raise NoResponse(exc) from exc
                raise
        except BaseException:  # a connection whose exchange did not finish is never reused
            self._discard(connection)
            raise
        if keep and not close:
            return response, connection
        self._discard(connection)
        return response, None
