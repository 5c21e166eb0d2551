# DO NOT EDIT: copied by sdkgen from templates/runtime/_sender.py
"""How a built, signed request reaches the exchange, and what comes back: through well-kept HTTP
libraries, never HTTP code of the SDK's own.

The clients build an `OutgoingRequest` (method, target, headers, body) and hand it to the sender of
its API family:

- `Urllib3Sender` (the sync default): one `urllib3.PoolManager` (a `ProxyManager` behind a proxy)
  for every family of a client, so each host keeps its own pool of keep-alive connections;
- `AiohttpSender` (the async default): one `aiohttp.ClientSession`, made in the running event loop
  on the first call;
- `HttpxSender` / `AsyncHttpxSender`: the caller's `httpx.Client` / `httpx.AsyncClient`
  (`http_client=`), or one made around the caller's httpx transport (`transport=`, e.g. a mock).

bench/README.md has the measurements behind the defaults. Every sender asks for gzip or deflate
only, reads at most `Limits.max_body_bytes` of decoded body (a compression bomb or a flooding
server is cut off there, not buffered) and refuses more than `Limits.max_encodings` chained
Content-Encodings before decoding any. Network failures come out as `TransportFailure`, which
says whether repeating the request can help: a certificate or TLS failure cannot.

A request's `deadline` (a `time.monotonic()` instant) bounds the attempt as a whole, not each
read: a server trickling its answer a byte at a time is cut off when it passes. The urllib3
sender's own connections read through `_DeadlineReader`, which gives every socket read only the
time left; the async clients cancel an attempt when its deadline passes (_deadline.py); a
caller's httpx or urllib3 client is bounded before each read of the body, and each of its reads
by its timeouts.
"""

from __future__ import annotations

import asyncio
import functools
import http.client
import io
import math
import os
import ssl
import time
import urllib.request
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from ._logging import redact_query_string

USER_AGENT = "exchange-sdk-python"
ACCEPTED_ENCODINGS = "gzip, deflate"
Timeouts = Mapping[str, float | None]
VerifyTypes = bool | str | ssl.SSLContext
_CHUNK = 65536


@dataclass(slots=True)
class OutgoingRequest:
    """One attempt of a call, signed: `target` is the path and query relative to the client's
    base URL, percent-encoded as signed (`/api/v5/account/balance?ccy=BTC`); `timeouts` overrides
    the client's (`connect`, `read`, `write`, `pool` in seconds) for this call; `deadline`, a
    `time.monotonic()` instant, is when the call's time runs out."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes = b""
    timeouts: Timeouts | None = None
    deadline: float | None = None

    def __repr__(self) -> str:  # no header value or query credential: tracebacks print locals' reprs
        shown = redact_query_string(self.target)
        return f"OutgoingRequest({self.method} {shown}, headers={sorted(self.headers)}, body={len(self.body)} bytes)"


@dataclass(slots=True)
class IncomingResponse:
    """The exchange's answer: status, headers, and the body with its Content-Encoding undone;
    `decode_error` says why the body did not decode or was refused (then `content` is empty)."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    decode_error: str | None = None

    def __repr__(self) -> str:  # the body is not shown: tracebacks print locals' reprs
        return f"IncomingResponse(status_code={self.status_code}, content={len(self.content)} bytes)"


@dataclass(frozen=True, slots=True)
class Limits:
    """What a response may cost: its decoded body at most `max_body_bytes`, at most
    `max_encodings` Content-Encodings (gzip and deflate; `gzip, gzip` is two)."""

    max_body_bytes: int = 32 * 1024 * 1024
    max_encodings: int = 2


class TransportFailure(Exception):
    """The request did not get a response: `timeout` when a timeout ran out, `retryable` False when
    repeating it cannot help (a certificate the client refuses, a TLS handshake that fails)."""

    def __init__(self, message: str, *, timeout: bool = False, retryable: bool = True) -> None:
        super().__init__(message)
        self.timeout = timeout
        self.retryable = retryable


class BodyRefused(Exception):
    """A response body over the limits: reported as a decode error of the response."""


class DeadlinePassed(TimeoutError):
    """The call's deadline passed while its response was read (a `socket.timeout` to the HTTP
    library, which reports it as a read timeout)."""


def time_left(deadline: float | None) -> float | None:
    """Seconds until `deadline` (a monotonic instant), at least 0; None without one."""
    return None if deadline is None else max(deadline - time.monotonic(), 0.0)


def _bounded(timeout: float | None, left: float | None) -> float | None:
    if left is None:
        return timeout
    return left if timeout is None else min(timeout, left)


def timeouts_of(timeout: float | httpx.Timeout | None) -> dict[str, float | None]:
    """The four timeouts (connect, read, write, pool) from a number of seconds or an httpx.Timeout."""
    return (timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)).as_dict()


def ssl_context(verify: VerifyTypes) -> ssl.SSLContext:
    """The TLS settings of `verify`: True the system's trust store (certifi's where the system has
    none), a path a CA bundle file (or directory), an SSLContext as it is, False no verification."""
    if isinstance(verify, ssl.SSLContext):
        return verify
    if verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if isinstance(verify, str | os.PathLike):
        path = os.fspath(verify)
        if os.path.isdir(path):
            return ssl.create_default_context(capath=path)
        if not os.path.isfile(path):
            raise ValueError(f"verify names no CA bundle file or directory: {path}")
        return ssl.create_default_context(cafile=path)
    context = ssl.create_default_context()
    if not context.get_ca_certs() and not ssl.get_default_verify_paths().cafile:
        import certifi  # a dependency of httpx: a trust store where the system has none

        context.load_verify_locations(certifi.where())
    return context


def proxy_for(url: str, proxy: str | None, trust_env: bool) -> str | None:
    """The proxy to reach `url` through: `proxy` when given, else (with `trust_env`) the
    environment's HTTPS_PROXY / HTTP_PROXY / ALL_PROXY unless NO_PROXY names the host."""
    if proxy is not None:
        return proxy or None
    if not trust_env:
        return None
    parts = urlsplit(url)
    if parts.hostname and urllib.request.proxy_bypass(parts.hostname):  # NO_PROXY (and the system's bypass list)
        return None
    found = urllib.request.getproxies_environment()
    return found.get(parts.scheme) or found.get("all")


def _encodings(headers: Mapping[str, str], limits: Limits) -> None:
    """Refuse a body encoded more times than the limit allows, before anything is decoded."""
    value = headers.get("content-encoding", "")
    codings = [c for c in (part.strip() for part in value.split(",")) if c and c.lower() != "identity"]
    if len(codings) > limits.max_encodings:
        raise BodyRefused(
            f"the body has {len(codings)} Content-Encodings ({value}); the client allows {limits.max_encodings}"
        )


def _too_large(limits: Limits) -> BodyRefused:
    return BodyRefused(f"the decoded body is larger than the client's limit of {limits.max_body_bytes} bytes")


def _headers(request: OutgoingRequest) -> dict[str, str]:
    return {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPTED_ENCODINGS, **request.headers}


def _is_tls_failure(exc: BaseException) -> bool:
    """A certificate refused or a handshake failed, anywhere in the exception's causes."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 10:
        if isinstance(current, ssl.SSLError | ssl.CertificateError):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


# --- sync: urllib3 --------------------------------------------------------------------------------

# The deadline of the call the current thread is reading a response for (set by Urllib3Sender.send).
_DEADLINE: ContextVar[float | None] = ContextVar("exchange_sdk_deadline", default=None)


class _DeadlineReader(io.RawIOBase):
    """A socket's reads, each given at most the time left before the call's deadline (and at most
    the read timeout the connection had): http.client reads the status line, headers and body
    through it, so a trickling server cannot hold a call past its deadline."""

    def __init__(self, sock: Any, deadline: float) -> None:
        self._raw = sock.makefile("rb", buffering=0)  # the socket's own unbuffered reader
        self._sock = sock
        self._read_timeout = sock.gettimeout()
        self._deadline = deadline
        self._shortened = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise DeadlinePassed("the call's deadline passed while reading the response")
        if self._read_timeout is None or left < self._read_timeout:
            self._sock.settimeout(left)
            self._shortened = True
        count: int | None = self._raw.readinto(buffer)
        return count

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
            if self._shortened and self._sock.fileno() != -1:  # the connection stays open for the next request
                self._sock.settimeout(self._read_timeout)
        super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock: Any, debuglevel: int = 0, method: str | None = None, url: str | None = None) -> None:
        deadline = _DEADLINE.get()
        if deadline is None:
            super().__init__(sock, debuglevel, method, url)
            return
        reader: Any = _Reading(io.BufferedReader(_DeadlineReader(sock, deadline)))
        super().__init__(reader, debuglevel, method, url)


class _Reading:
    """What http.client.HTTPResponse asks of its socket: a reader (`makefile("rb")`)."""

    def __init__(self, reader: io.BufferedReader[Any]) -> None:
        self._reader = reader

    def makefile(self, mode: str, *args: Any, **kwargs: Any) -> io.BufferedReader[Any]:
        return self._reader


@functools.cache
def _deadline_pools() -> dict[str, Any]:
    """urllib3's pool classes, with connections whose responses read within the call's deadline."""
    import urllib3
    from urllib3.connection import HTTPConnection, HTTPSConnection

    class DeadlineHTTPConnection(HTTPConnection):
        response_class = _DeadlineResponse

    class DeadlineHTTPSConnection(HTTPSConnection):
        response_class = _DeadlineResponse

    class DeadlineHTTPConnectionPool(urllib3.HTTPConnectionPool):
        ConnectionCls = DeadlineHTTPConnection

    class DeadlineHTTPSConnectionPool(urllib3.HTTPSConnectionPool):
        ConnectionCls = DeadlineHTTPSConnection

    return {"http": DeadlineHTTPConnectionPool, "https": DeadlineHTTPSConnectionPool}


def pool_manager(proxy: str | None, context: ssl.SSLContext, maxsize: int = 100) -> Any:
    """The urllib3 manager of a client's connections: pools per host, keep-alive, TLS by `context`,
    responses read within each call's deadline."""
    import urllib3

    options: dict[str, Any] = {
        "num_pools": 16,
        "maxsize": maxsize,
        "block": False,
        "ssl_context": context,
        "cert_reqs": "CERT_REQUIRED" if context.verify_mode != ssl.CERT_NONE else "CERT_NONE",
        "assert_hostname": None if context.check_hostname else False,
        "retries": False,
    }
    manager: Any
    if proxy is not None:
        manager = urllib3.ProxyManager(proxy, proxy_ssl_context=context, **options)
    else:
        manager = urllib3.PoolManager(**options)
    manager.pool_classes_by_scheme = dict(_deadline_pools())
    return manager


class Urllib3Sender:
    """Blocking requests through a urllib3 PoolManager (or ProxyManager)."""

    def __init__(
        self, manager: Any, base_url: str, timeout: float | httpx.Timeout, limits: Limits, owned: bool = True
    ) -> None:
        import urllib3

        self._urllib3 = urllib3
        self._manager = manager
        self._owned = owned  # a caller's manager (http_client=) is left open
        self._base_url = base_url.rstrip("/")
        self._prefix = urlsplit(self._base_url).path
        # Without a proxy, requests go straight to the host's pool (the manager's lookup costs a
        # URL parse per call); a ProxyManager needs the whole URL to forward or tunnel.
        self._pool = None if isinstance(manager, urllib3.ProxyManager) else manager.connection_from_url(base_url)
        self._timeouts = timeouts_of(timeout)
        self._timeout = self._timeout_of(self._timeouts)
        waits = (self._timeouts["connect"], self._timeouts["read"])
        self._longest = math.inf if None in waits else max(w for w in waits if w is not None)
        self._limits = limits

    def _timeout_of(self, timeouts: Timeouts, left: float | None = None) -> Any:
        return self._urllib3.Timeout(
            connect=_bounded(timeouts.get("connect"), left), read=_bounded(timeouts.get("read"), left)
        )

    def send(self, request: OutgoingRequest) -> IncomingResponse:
        if request.deadline is None:
            return self._send(request, self._timeout_of(request.timeouts) if request.timeouts else self._timeout)
        left = time_left(request.deadline)
        if not left:
            raise TransportFailure("the call's deadline passed before the request was sent", timeout=True)
        timeouts = request.timeouts or self._timeouts
        if request.timeouts is None and left >= self._longest:
            timeout = self._timeout  # the deadline is further than any timeout: the reader watches it
        else:
            timeout = self._timeout_of(timeouts, left)
        token = _DEADLINE.set(request.deadline)
        try:
            return self._send(request, timeout)
        finally:
            _DEADLINE.reset(token)

    def _send(self, request: OutgoingRequest, timeout: Any) -> IncomingResponse:
        urllib3 = self._urllib3
        pool = self._pool
        try:
            response = (pool or self._manager).urlopen(
                request.method,
                self._prefix + request.target if pool is not None else self._base_url + request.target,
                body=request.body or None,
                headers=_headers(request),
                retries=False,
                redirect=False,
                assert_same_host=False,
                preload_content=False,
                decode_content=True,
                timeout=timeout,
            )
        except urllib3.exceptions.HTTPError as exc:
            raise _urllib3_failure(urllib3, exc) from None
        # http.client decodes header bytes as latin-1; httpx.Headers would encode text as ASCII
        headers = httpx.Headers([(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.items()])
        try:
            _encodings(headers, self._limits)
            content = self._read(response)
        except BodyRefused as refused:
            response.close()  # the rest is never read: the connection is dropped, not reused
            return IncomingResponse(response.status, headers, b"", str(refused))
        except urllib3.exceptions.DecodeError as exc:
            response.close()
            return IncomingResponse(response.status, headers, b"", f"{headers.get('content-encoding')}: {exc}")
        except urllib3.exceptions.HTTPError as exc:
            response.close()
            raise _urllib3_failure(urllib3, exc) from None
        response.release_conn()
        return IncomingResponse(response.status, headers, content)

    def _read(self, response: Any) -> bytes:
        """The decoded body, read in one go up to one byte past the limit: urllib3 decodes as it
        reads and stops there, so a body that expands past the limit is never held whole."""
        encoded = "content-encoding" in response.headers  # without one, urllib3's decoder machinery is skipped
        content: bytes = response.read(self._limits.max_body_bytes + 1, decode_content=encoded)
        if len(content) > self._limits.max_body_bytes:
            raise _too_large(self._limits)
        return content

    def close(self) -> None:
        if self._owned:
            self._manager.clear()


def _urllib3_failure(urllib3: Any, exc: Exception) -> TransportFailure:
    errors = urllib3.exceptions
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, errors.SSLError) or _is_tls_failure(exc):
        return TransportFailure(f"TLS failed: {detail}", retryable=False)
    if isinstance(exc, errors.TimeoutError):
        return TransportFailure(detail, timeout=True)
    return TransportFailure(detail)


# --- async: aiohttp -------------------------------------------------------------------------------


class AiohttpSession:
    """The aiohttp session every family of an async client shares: made in the running loop on the
    first request (aiohttp binds a session to its loop), closed by the client's aclose()."""

    def __init__(self, proxy: str | None, trust_env: bool, context: ssl.SSLContext, session: Any = None) -> None:
        self._proxy, self._trust_env, self._context = proxy, trust_env, context
        self._session = session
        self._owned = session is None

    def get(self) -> Any:
        if self._session is None:
            import aiohttp

            connector: Any = aiohttp.TCPConnector(limit=100, ssl=self._context, keepalive_timeout=30.0)
            # aiohttp (3.14) goes on reading a pooled connection and queues every response that
            # arrives there for its next request: a server flooding an idle connection with
            # answers grew memory without bound, and the next call took one of them as its own.
            # Its connections refuse a response once the one a request asked for has come
            # (aio-libs/aiohttp#13656), and keep one read timer each (_connection_handler). This
            # reaches into aiohttp's internals: where they differ, connections stay aiohttp's own;
            # tests/test_sender.py floods the locked version and times its reads out.
            handler = _connection_handler()
            if handler is not None and hasattr(connector, "_factory"):
                connector._factory = functools.partial(handler, loop=asyncio.get_running_loop())
            # auto_decompress: aiohttp undoes gzip and deflate while the body is read, chunk by chunk
            self._session = aiohttp.ClientSession(connector=connector, auto_decompress=True, trust_env=False)
        return self._session

    def proxy_for(self, url: str) -> str | None:
        return proxy_for(url, self._proxy, self._trust_env)

    async def aclose(self) -> None:
        if self._session is not None and self._owned:
            await self._session.close()
            self._session = None


# What the SDK's connection protocol extends of aiohttp's: where one of them is missing, the
# connections stay aiohttp's own (the flood guard and the cheaper read timer are then off).
_HANDLER_METHODS = ("set_response_params", "feed_data", "_reschedule_timeout", "_drop_timeout", "_on_read_timeout")


@functools.cache
def _connection_handler() -> type | None:
    """aiohttp's protocol of a connection, with two changes:

    - One answer per request: a response after the request's final one (1xx come before it)
      closes the connection instead of being queued, so a connection the server writes to while
      it sits in the pool is dropped, never reused.
    - The same read timeout (`sock_read`: no data for that long while a response is awaited) on
      one timer per connection: aiohttp cancels its timer and makes a new one for every chunk
      that arrives, which cost about 18 microseconds a call (bench/README.md); here a chunk only
      moves the time by which the next must come, and the timer, when it comes, waits on if data
      came meanwhile.

    None when this aiohttp's protocol does not have the methods it extends."""
    try:
        from aiohttp.client_proto import ResponseHandler
    except ImportError:  # pragma: no cover - another aiohttp layout
        return None
    if not all(callable(getattr(ResponseHandler, name, None)) for name in _HANDLER_METHODS):
        return None  # pragma: no cover

    class ConnectionHandler(ResponseHandler):
        _sdk_answered = False
        _sdk_read_by: float | None = None  # loop time by which data must come; None: none awaited
        _sdk_timer_at = 0.0  # loop time the timer is set for

        def set_response_params(self, *args: Any, **params: Any) -> None:  # a request is about to go out
            self._sdk_answered = False
            super().set_response_params(*args, **params)

        def feed_data(self, data: Any, *args: Any, **kwargs: Any) -> None:  # a parsed response, its body
            if self._sdk_answered:
                if self.transport is not None:
                    self.transport.close()
                return
            code = data[0].code
            self._sdk_answered = code == 101 or not 100 <= code < 200
            super().feed_data(data, *args, **kwargs)

        def _reschedule_timeout(self) -> None:  # data came, or a response is now awaited
            timeout = self._read_timeout
            if not timeout:
                self._drop_timeout()
                return
            by = self._loop.time() + timeout
            self._sdk_read_by = by
            if self._read_timeout_handle is None or self._sdk_timer_at > by:  # none, or set for later
                self._sdk_set_timer(by)

        def _drop_timeout(self) -> None:  # no data awaited: the timer, when it comes, does nothing
            self._sdk_read_by = None

        def _sdk_set_timer(self, at: float) -> None:
            if self._read_timeout_handle is not None:
                self._read_timeout_handle.cancel()
            self._sdk_timer_at = at
            self._read_timeout_handle = self._loop.call_at(at, self._sdk_timer_came)

        def _sdk_timer_came(self) -> None:
            by = self._sdk_read_by
            if by is not None and by > self._sdk_timer_at:  # data came since the timer was set
                self._read_timeout_handle = None
                self._sdk_set_timer(by)
                return
            self._read_timeout_handle = None
            if by is not None:
                self._sdk_read_by = None
                self._on_read_timeout()

        def connection_lost(self, exc: BaseException | None) -> None:
            super().connection_lost(exc)
            if self._read_timeout_handle is not None:  # nothing is read from a closed connection
                self._read_timeout_handle.cancel()
                self._read_timeout_handle = None

    return ConnectionHandler


class AiohttpSender:
    """asyncio requests through an aiohttp ClientSession."""

    def __init__(self, session: AiohttpSession, base_url: str, timeout: float | httpx.Timeout, limits: Limits) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._proxy = session.proxy_for(base_url)
        self._timeout = self._timeout_of(timeouts_of(timeout))
        self._limits = limits

    @staticmethod
    def _timeout_of(timeouts: Timeouts) -> Any:
        import aiohttp

        return aiohttp.ClientTimeout(total=None, sock_connect=timeouts.get("connect"), sock_read=timeouts.get("read"))

    async def send(self, request: OutgoingRequest) -> IncomingResponse:
        import aiohttp
        import yarl

        timeout = self._timeout_of(request.timeouts) if request.timeouts else self._timeout
        try:
            async with self._session.get().request(
                request.method,
                # encoded: the target goes out byte for byte as it was signed (yarl would requote it)
                yarl.URL(self._base_url + request.target, encoded=True),
                data=request.body or None,
                headers=_headers(request),
                allow_redirects=False,
                timeout=timeout,
                proxy=self._proxy,
            ) as response:
                # The raw bytes, which httpx keeps as they are. A lookup in httpx.Headers scans them
                # and raises KeyError when the header is absent; aiohttp's multidict (C) says first
                # whether there is a Content-Encoding to count.
                headers = httpx.Headers(response.raw_headers)
                try:
                    if "Content-Encoding" in response.headers:
                        _encodings(headers, self._limits)
                    content = await self._read(response)
                except BodyRefused as refused:
                    response.close()
                    return IncomingResponse(response.status, headers, b"", str(refused))
                except aiohttp.ClientPayloadError as exc:
                    if "encod" in str(exc).lower() or "compress" in str(exc).lower():
                        return IncomingResponse(
                            response.status, headers, b"", f"{headers.get('content-encoding')}: {exc}"
                        )
                    raise
                return IncomingResponse(response.status, headers, content)
        except TimeoutError as exc:
            raise TransportFailure(str(exc) or "timed out", timeout=True) from None
        except aiohttp.ClientError as exc:
            raise _aiohttp_failure(aiohttp, exc) from None

    async def _read(self, response: Any) -> bytes:
        limit = self._limits.max_body_bytes
        length = response.content_length
        if length is not None and length <= limit and response.headers.get("Content-Encoding") is None:
            body: bytes = await response.read()  # as long as the header says, at most the limit: one read
            return body
        gathered = _Body(self._limits, None)  # the client bounds the attempt by its deadline
        while chunk := await response.content.read(_CHUNK):
            gathered.add(chunk)
        return gathered.content()

    async def aclose(self) -> None:
        await self._session.aclose()


def _aiohttp_failure(aiohttp: Any, exc: Exception) -> TransportFailure:
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError) or _is_tls_failure(exc):
        return TransportFailure(f"TLS failed: {detail}", retryable=False)
    if isinstance(exc, aiohttp.ServerTimeoutError):
        return TransportFailure(detail, timeout=True)
    return TransportFailure(detail)


# --- httpx: the caller's client or transport ------------------------------------------------------


def _httpx_request(client: httpx.Client | httpx.AsyncClient, base_url: str, request: OutgoingRequest) -> httpx.Request:
    built = client.build_request(
        request.method, base_url + request.target, headers=_headers(request), content=request.body or None
    )
    left = time_left(request.deadline)
    if left == 0:
        raise TransportFailure("the call's deadline passed before the request was sent", timeout=True)
    if request.timeouts is not None or left is not None:
        timeouts = request.timeouts or client.timeout.as_dict()
        built.extensions["timeout"] = {name: _bounded(value, left) for name, value in timeouts.items()}
    return built


def _httpx_failure(exc: httpx.TransportError) -> TransportFailure:
    detail = str(exc) or type(exc).__name__
    if _is_tls_failure(exc):
        return TransportFailure(f"TLS failed: {detail}", retryable=False)
    return TransportFailure(detail, timeout=isinstance(exc, httpx.TimeoutException))


class _Body:
    """A body gathered as its decoded chunks arrive: refused past the size limit, cut off past the
    call's deadline (checked at every chunk, so a trickling server is cut off too)."""

    def __init__(self, limits: Limits, deadline: float | None) -> None:
        self._limits, self._deadline = limits, deadline
        self._chunks: list[bytes] = []
        self._size = 0

    def add(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self._limits.max_body_bytes:
            raise _too_large(self._limits)
        if self._deadline is not None and time.monotonic() >= self._deadline:
            raise DeadlinePassed("the call's deadline passed while reading the response")
        self._chunks.append(chunk)

    def content(self) -> bytes:
        return b"".join(self._chunks)


class HttpxSender:
    """Blocking requests through an httpx.Client (the caller's, or one around the caller's transport)."""

    def __init__(self, client: httpx.Client, base_url: str, limits: Limits, owned: bool) -> None:
        self._client, self._base_url, self._limits, self._owned = client, base_url.rstrip("/"), limits, owned

    def send(self, request: OutgoingRequest) -> IncomingResponse:
        try:
            response = self._client.send(_httpx_request(self._client, self._base_url, request), stream=True)
        except httpx.TransportError as exc:
            raise _httpx_failure(exc) from None
        body = _Body(self._limits, request.deadline)
        try:
            _encodings(response.headers, self._limits)
            for chunk in response.iter_bytes():
                body.add(chunk)
        except BodyRefused as refused:
            return IncomingResponse(response.status_code, response.headers, b"", str(refused))
        except httpx.DecodingError as exc:
            return IncomingResponse(response.status_code, response.headers, b"", str(exc))
        except httpx.TransportError as exc:
            raise _httpx_failure(exc) from None
        except DeadlinePassed as exc:
            raise TransportFailure(str(exc), timeout=True) from None
        finally:
            response.close()
        return IncomingResponse(response.status_code, response.headers, body.content())

    def close(self) -> None:
        if self._owned:
            self._client.close()


class AsyncHttpxSender:
    """asyncio requests through an httpx.AsyncClient (the caller's, or one around the caller's transport)."""

    def __init__(self, client: httpx.AsyncClient, base_url: str, limits: Limits, owned: bool) -> None:
        self._client, self._base_url, self._limits, self._owned = client, base_url.rstrip("/"), limits, owned

    async def send(self, request: OutgoingRequest) -> IncomingResponse:
        try:
            response = await self._client.send(_httpx_request(self._client, self._base_url, request), stream=True)
        except httpx.TransportError as exc:
            raise _httpx_failure(exc) from None
        body = _Body(self._limits, request.deadline)
        try:
            _encodings(response.headers, self._limits)
            async for chunk in response.aiter_bytes():
                body.add(chunk)
        except BodyRefused as refused:
            return IncomingResponse(response.status_code, response.headers, b"", str(refused))
        except httpx.DecodingError as exc:
            return IncomingResponse(response.status_code, response.headers, b"", str(exc))
        except httpx.TransportError as exc:
            raise _httpx_failure(exc) from None
        except DeadlinePassed as exc:
            raise TransportFailure(str(exc), timeout=True) from None
        finally:
            await response.aclose()
        return IncomingResponse(response.status_code, response.headers, body.content())

    async def aclose(self) -> None:
        if self._owned:
            await self._client.aclose()


# --- one sender per API family --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Connection:
    """How a client reaches the exchange: the caller's HTTP client or httpx transport, else the
    default library's, through `proxy` (or the environment's, with `trust_env`), TLS by `verify`."""

    http_client: Any = None
    transport: Any = None
    proxy: str | None = None
    trust_env: bool = True
    verify: VerifyTypes = True
    limits: Limits = Limits()


def senders_for(
    connection: Connection, base_urls: Mapping[str, str], timeout: float | httpx.Timeout
) -> dict[str, Urllib3Sender | HttpxSender]:
    """A sender per API family (name -> base URL), all on one connection pool."""
    limits, client = connection.limits, connection.http_client
    if connection.transport is not None and client is None:
        client = httpx.Client(transport=connection.transport, timeout=timeout)
        return {name: HttpxSender(client, url, limits, owned=True) for name, url in base_urls.items()}
    if isinstance(client, httpx.Client):
        return {name: HttpxSender(client, url, limits, owned=False) for name, url in base_urls.items()}
    if client is not None and not _is_urllib3_manager(client):
        raise TypeError(f"http_client must be an httpx.Client or a urllib3.PoolManager, not {type(client).__name__}")
    context = ssl_context(connection.verify)
    managers: dict[str | None, Any] = {}
    senders: dict[str, Urllib3Sender | HttpxSender] = {}
    for name, url in base_urls.items():
        if client is not None:
            manager = client
        else:
            proxy = proxy_for(url, connection.proxy, connection.trust_env)
            manager = managers.get(proxy) or managers.setdefault(proxy, pool_manager(proxy, context))
        senders[name] = Urllib3Sender(manager, url, timeout, limits, owned=client is None)
    return senders


def async_senders_for(
    connection: Connection, base_urls: Mapping[str, str], timeout: float | httpx.Timeout
) -> dict[str, AiohttpSender | AsyncHttpxSender]:
    """The asyncio twin of `senders_for`."""
    limits, client = connection.limits, connection.http_client
    if connection.transport is not None and client is None:
        client = httpx.AsyncClient(transport=connection.transport, timeout=timeout)
        return {name: AsyncHttpxSender(client, url, limits, owned=True) for name, url in base_urls.items()}
    if isinstance(client, httpx.AsyncClient):
        return {name: AsyncHttpxSender(client, url, limits, owned=False) for name, url in base_urls.items()}
    if client is not None and not _is_aiohttp_session(client):
        raise TypeError(
            f"http_client must be an httpx.AsyncClient or an aiohttp.ClientSession, not {type(client).__name__}"
        )
    session = AiohttpSession(connection.proxy, connection.trust_env, ssl_context(connection.verify), client)
    return {name: AiohttpSender(session, url, timeout, limits) for name, url in base_urls.items()}


def _is_aiohttp_session(client: Any) -> bool:
    import aiohttp

    return isinstance(client, aiohttp.ClientSession)


def _is_urllib3_manager(client: Any) -> bool:
    try:
        import urllib3
    except ImportError:  # pragma: no cover - urllib3 is a dependency of the SDK
        return False
    return isinstance(client, urllib3.PoolManager)
