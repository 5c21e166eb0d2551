# DO NOT EDIT: copied by sdkgen from templates/runtime/_sender.py
"""How a built, signed request reaches the exchange, and what comes back.

The clients build an `OutgoingRequest` (method, target, headers, body) and hand it to a sender:

- `DirectSender` / `AsyncDirectSender` (the default): the request is encoded as HTTP/1.1 bytes
  once and written by the SDK's own pooled transport (`PooledTransport`, `AsyncPooledTransport`);
  the response comes back as status, headers and body. No `httpx.Request`, `httpx.URL` or
  `httpx.Response` is built: on a burst of small calls that object work cost more than the HTTP
  (see bench/README.md). The bytes sent are exactly the bytes signed.
- `HttpxSender` / `AsyncHttpxSender`: when the caller passes any other httpx transport (a mock,
  a proxy, HTTP/2), the request goes through `httpx.Client.send` / `httpx.AsyncClient.send` with
  that transport, as before.

Both ask for gzip or deflate only, give an `IncomingResponse` with the body's Content-Encoding
undone (a body that does not decode is reported in `decode_error`, so that the client can raise it
with the status and request id), and raise `httpx.TransportError`s for the network, which the
clients turn into the SDK's typed errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from ._sync_transport import PooledTransport
from ._transport import AsyncPooledTransport
from ._wire import (
    ACCEPTED_ENCODINGS,
    DEFAULT_PORTS,
    Origin,
    WireRequest,
    WireResponse,
    decode_content,
    encode_request,
    header_value,
    origin_of,
)

USER_AGENT = "exchange-sdk-python"
_USER_AGENT = USER_AGENT.encode()
Timeouts = Mapping[str, float | None]


@dataclass(slots=True)
class OutgoingRequest:
    """One attempt of a call, signed: `target` is the path and query relative to the client's
    base URL, percent-encoded as signed (`/api/v5/account/balance?ccy=BTC`); `timeouts` overrides
    the client's (`connect`, `read`, `write`, `pool` in seconds) for this call."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes = b""
    timeouts: Timeouts | None = None


@dataclass(slots=True)
class IncomingResponse:
    """The exchange's answer: status, headers, and the body with its Content-Encoding undone;
    `decode_error` says why the body did not decode (then `content` is what could be read)."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    decode_error: str | None = None


def timeouts_of(timeout: float | httpx.Timeout | None) -> dict[str, float | None]:
    """httpx's four timeouts (connect, read, write, pool) from a number of seconds or an httpx.Timeout."""
    return (timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)).as_dict()


class _BaseURL:
    """The parts of the client's base URL the direct senders need, worked out once."""

    __slots__ = ("host_header", "origin", "path")

    def __init__(self, base_url: str) -> None:
        url = httpx.URL(base_url)
        self.origin: Origin = origin_of(url)
        scheme, host, port = self.origin
        if b":" in host:  # an IPv6 literal
            host = b"[" + host + b"]"
        self.host_header = host if port == DEFAULT_PORTS[scheme] else host + b":%d" % port
        self.path = url.raw_path.split(b"?", 1)[0].rstrip(b"/")


def _incoming(response: WireResponse) -> IncomingResponse:
    headers = httpx.Headers(response.headers)
    encoding = header_value(response.headers, b"content-encoding")
    if encoding is None:
        return IncomingResponse(response.status_code, headers, response.content)
    try:
        content = decode_content(encoding.decode("latin-1"), response.content)
    except httpx.DecodingError as exc:
        return IncomingResponse(response.status_code, headers, response.content, str(exc))
    return IncomingResponse(response.status_code, headers, content)


def _httpx_request(base_url: str, request: OutgoingRequest) -> httpx.Request:
    built = httpx.Request(
        request.method,
        base_url + request.target,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPTED_ENCODINGS.decode(), **request.headers},
        content=request.body or None,
    )
    if request.timeouts is not None:
        built.extensions["timeout"] = dict(request.timeouts)
    return built


class _DirectSender:
    """What both direct senders share: the base URL worked out once, and the encoding."""

    def __init__(self, base_url: str, timeout: float | httpx.Timeout) -> None:
        self._base = _BaseURL(base_url)
        self._timeouts = timeouts_of(timeout)

    def _encode(self, request: OutgoingRequest) -> WireRequest:
        base = self._base
        headers = [(b"Host", base.host_header), (b"User-Agent", _USER_AGENT), (b"Accept-Encoding", ACCEPTED_ENCODINGS)]
        try:
            headers += [(name.encode("ascii"), value.encode("ascii")) for name, value in request.headers.items()]
            target = base.path + request.target.encode("ascii")
        except UnicodeEncodeError as exc:
            raise httpx.LocalProtocolError(f"A request header or the target is not ASCII: {exc.reason}.") from None
        if request.body or request.method in ("POST", "PUT", "PATCH"):
            headers.append((b"Content-Length", b"%d" % len(request.body)))
        message, close = encode_request(request.method.encode("ascii"), target, headers, request.body)
        return WireRequest(base.origin, request.method, message, close, request.timeouts or self._timeouts)


class DirectSender(_DirectSender):
    """Blocking requests written straight to a `PooledTransport`."""

    def __init__(self, transport: PooledTransport, base_url: str, timeout: float | httpx.Timeout) -> None:
        super().__init__(base_url, timeout)
        self._transport = transport

    def send(self, request: OutgoingRequest) -> IncomingResponse:
        return _incoming(self._transport.round_trip(self._encode(request)))

    def close(self) -> None:
        self._transport.close()


class AsyncDirectSender(_DirectSender):
    """asyncio requests written straight to an `AsyncPooledTransport`."""

    def __init__(self, transport: AsyncPooledTransport, base_url: str, timeout: float | httpx.Timeout) -> None:
        super().__init__(base_url, timeout)
        self._transport = transport

    async def send(self, request: OutgoingRequest) -> IncomingResponse:
        return _incoming(await self._transport.round_trip(self._encode(request)))

    async def aclose(self) -> None:
        await self._transport.aclose()


class HttpxSender:
    """Blocking requests through `httpx.Client` with the caller's transport."""

    def __init__(self, transport: httpx.BaseTransport, base_url: str, timeout: float | httpx.Timeout) -> None:
        self._client = httpx.Client(transport=transport, timeout=timeout)
        self._base_url = base_url

    def send(self, request: OutgoingRequest) -> IncomingResponse:
        response = self._client.send(_httpx_request(self._base_url, request), stream=True)
        try:
            response.read()
        except httpx.DecodingError as exc:
            return IncomingResponse(response.status_code, response.headers, b"", str(exc))
        finally:
            response.close()
        return IncomingResponse(response.status_code, response.headers, response.content)

    def close(self) -> None:
        self._client.close()


class AsyncHttpxSender:
    """asyncio requests through `httpx.AsyncClient` with the caller's transport."""

    def __init__(self, transport: httpx.AsyncBaseTransport, base_url: str, timeout: float | httpx.Timeout) -> None:
        self._client = httpx.AsyncClient(transport=transport, timeout=timeout)
        self._base_url = base_url

    async def send(self, request: OutgoingRequest) -> IncomingResponse:
        response = await self._client.send(_httpx_request(self._base_url, request), stream=True)
        try:
            await response.aread()
        except httpx.DecodingError as exc:
            return IncomingResponse(response.status_code, response.headers, b"", str(exc))
        finally:
            await response.aclose()
        return IncomingResponse(response.status_code, response.headers, response.content)

    async def aclose(self) -> None:
        await self._client.aclose()


def sender_for(
    transport: httpx.BaseTransport | None, base_url: str, timeout: float | httpx.Timeout
) -> DirectSender | HttpxSender:
    """The direct sender on the SDK's own transport (made here when `transport` is None), else httpx."""
    if transport is None:
        transport = PooledTransport(max_connections=100, keepalive_expiry=30.0)
    if isinstance(transport, PooledTransport):
        return DirectSender(transport, base_url, timeout)
    return HttpxSender(transport, base_url, timeout)


def async_sender_for(
    transport: httpx.AsyncBaseTransport | None, base_url: str, timeout: float | httpx.Timeout
) -> AsyncDirectSender | AsyncHttpxSender:
    """The asyncio twin of `sender_for`."""
    if transport is None:
        transport = AsyncPooledTransport(max_connections=100, keepalive_expiry=30.0)
    if isinstance(transport, AsyncPooledTransport):
        return AsyncDirectSender(transport, base_url, timeout)
    return AsyncHttpxSender(transport, base_url, timeout)


def senders_for(
    transport: httpx.BaseTransport | None, base_urls: Mapping[str, str], timeout: float | httpx.Timeout
) -> dict[str, DirectSender | HttpxSender]:
    """A sender per API family (name -> base URL), all on one transport (made here when None)."""
    if transport is None:
        transport = PooledTransport(max_connections=100, keepalive_expiry=30.0)
    return {name: sender_for(transport, url, timeout) for name, url in base_urls.items()}


def async_senders_for(
    transport: httpx.AsyncBaseTransport | None, base_urls: Mapping[str, str], timeout: float | httpx.Timeout
) -> dict[str, AsyncDirectSender | AsyncHttpxSender]:
    """The asyncio twin of `senders_for`."""
    if transport is None:
        transport = AsyncPooledTransport(max_connections=100, keepalive_expiry=30.0)
    return {name: async_sender_for(transport, url, timeout) for name, url in base_urls.items()}
