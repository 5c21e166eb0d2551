"""HTTP/1.1 messages as bytes: what the SDK's own transports write and read.

Shared by the asyncio transport (`._transport`), the blocking one (`._sync_transport`) and the
clients' direct path (`._sender`): a request is one bytes object (request line, headers, body)
written in one call; a response is parsed into a `WireResponse` (status, version, reason, raw
header pairs, complete body). Nothing here does I/O.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import httpx

Origin = tuple[bytes, bytes, int]
"""(scheme, host, port) of a connection: b"https", b"www.okx.com", 443."""

DEFAULT_PORTS = {b"http": 80, b"https": 443}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # repeating them cannot change anything
NO_BODY_STATUS = frozenset({204, 304})
MAX_HEAD = 64 * 1024  # the longest status line plus headers, or chunk-size line, accepted
HEX_DIGITS = b"0123456789abcdefABCDEF"
ACCEPTED_ENCODINGS = b"gzip, deflate"  # what `decode_content` can undo
_FORBIDDEN_IN_HEADERS = (b"\r", b"\n", b"\0")


@dataclass(slots=True)
class WireRequest:
    """One request encoded for the wire (`encode_request`), and where and how to send it.

    `close`: the request asked for `Connection: close`. `timeouts`: `connect`, `read`, `write`,
    `pool` in seconds (missing or None: none). `server_hostname`: the TLS name to check, if not
    the origin's host.
    """

    origin: Origin
    method: str
    message: bytes
    close: bool
    timeouts: Mapping[str, float | None]
    server_hostname: str | None = None


@dataclass(slots=True)
class WireResponse:
    """A complete HTTP response as read from the connection; `content` is still encoded
    (Content-Encoding) as the server sent it."""

    status_code: int
    http_version: bytes
    reason_phrase: bytes
    headers: list[tuple[bytes, bytes]]
    content: bytes

    def to_httpx(self, request: httpx.Request) -> httpx.Response:
        """The same response as an `httpx.Response` for `request` (httpx decodes Content-Encoding)."""
        return httpx.Response(
            self.status_code,
            headers=self.headers,
            stream=httpx.ByteStream(self.content),
            request=request,
            extensions={"http_version": self.http_version, "reason_phrase": self.reason_phrase},
        )


class NoResponse(Exception):
    """A reused connection failed before any byte of a response arrived: the request may be retried
    (raised inside the transports, which retry or raise `error`)."""

    def __init__(self, error: httpx.TransportError) -> None:
        super().__init__(str(error))
        self.error = error


def origin_of(url: httpx.URL) -> Origin:
    """(scheme, host, port) of an absolute http or https URL; httpx.UnsupportedProtocol otherwise."""
    scheme = url.raw_scheme
    if scheme not in DEFAULT_PORTS:
        raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol '{scheme.decode()}://'.")
    if not url.raw_host:
        raise httpx.UnsupportedProtocol("Request URL is missing a host.")
    return scheme, url.raw_host, url.port or DEFAULT_PORTS[scheme]


def encode_request(method: bytes, target: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[bytes, bool]:
    """Request line, `headers` in order and body as one bytes object; and whether the request
    itself asks to close the connection after the response.

    Raises httpx.LocalProtocolError for a request line or a header that would break the message
    (spaces or line breaks in the method or target, line breaks or NUL in a header, a colon or a
    space in a header name): no value can smuggle a second header or request onto the wire.
    """
    parts = [method, b" ", target, b" HTTP/1.1\r\n"]
    chunked = close = False
    for name, value in headers:
        if not name or b":" in name or b" " in name:
            raise httpx.LocalProtocolError(f"Invalid request header name {name[:100]!r}.")
        lowered = name.lower()
        if lowered == b"connection":
            close = close or b"close" in tokens(value)
        elif lowered == b"transfer-encoding":
            chunked = chunked or tokens(value)[-1:] == [b"chunked"]
        parts += (name, b": ", value, b"\r\n")
    parts.append(b"\r\n")
    head = b"".join(parts)
    # Exactly one CR LF per line (request line, each header, the blank line), no NUL, and a method
    # and target without spaces: checked on the whole head at once, as it is on every request.
    lines = len(headers) + 2
    if (
        head.count(b"\n") != lines
        or head.count(b"\r") != lines
        or b"\0" in head
        or not method
        or not target
        or b" " in method
        or b" " in target
    ):
        raise httpx.LocalProtocolError(_first_invalid(method, target, headers))
    if chunked:  # a streamed request body, read whole by now: send it as one chunk
        tail = (b"%x\r\n" % len(body) + body + b"\r\n" if body else b"") + b"0\r\n\r\n"
        return head + tail, close
    return head + body, close


def _first_invalid(method: bytes, target: bytes, headers: list[tuple[bytes, bytes]]) -> str:
    """What `encode_request` refuses, in words (the slow path, taken only on a bad request)."""
    if not method or not target or any(c in method or c in target for c in (b" ", *_FORBIDDEN_IN_HEADERS)):
        return f"Invalid request line {method[:20]!r} {target[:100]!r}."
    for name, value in headers:
        if any(c in name or c in value for c in _FORBIDDEN_IN_HEADERS):
            return f"Invalid request header {name[:100]!r}: line break or NUL."
    return "Invalid request."


def wire_request_of(request: httpx.Request, body: bytes) -> WireRequest:
    """An httpx.Request (its whole `body` read) as a `WireRequest`, with the headers httpx set on
    it (Host included), its timeouts and its `sni_hostname` extension."""
    message, close = encode_request(
        request.method.encode("ascii"), request.url.raw_path, list(request.headers.raw), body
    )
    sni = request.extensions.get("sni_hostname")
    return WireRequest(
        origin_of(request.url),
        request.method,
        message,
        close,
        request.extensions.get("timeout", {}),
        sni.decode("ascii") if isinstance(sni, bytes) else sni,
    )


def take(buffer: bytearray, count: int) -> bytes:
    """Remove the first `count` bytes of `buffer` and return them, copied once."""
    if len(buffer) == count:  # the usual case: the body is all that was buffered
        data = bytes(buffer)
        buffer.clear()
        return data
    with memoryview(buffer) as view:
        data = bytes(view[:count])
    del buffer[:count]
    return data


def tokens(value: bytes) -> list[bytes]:
    return [token.strip().lower() for token in value.split(b",") if token.strip()]


def header_tokens(headers: list[tuple[bytes, bytes]], name: bytes) -> list[bytes]:
    """The comma-separated tokens of every `name` header (lower-case name), lower-cased."""
    return [token for key, value in headers if key.lower() == name for token in tokens(value)]


def header_value(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    """The first `name` header's value (lower-case name), or None."""
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def parse_head(head: bytes) -> tuple[int, bytes, bytes, list[tuple[bytes, bytes]]]:
    """Status code, HTTP version, reason phrase and headers from the bytes up to the blank line."""
    lines = head[:-4].split(b"\r\n")
    status_line = lines[0]
    parts = status_line.split(b" ", 2)
    if len(parts) < 2 or len(parts[1]) != 3 or not parts[1].isdigit():
        raise httpx.RemoteProtocolError(f"Malformed status line {status_line[:100]!r}.")
    version = parts[0]
    if version not in (b"HTTP/1.1", b"HTTP/1.0"):
        raise httpx.RemoteProtocolError(f"Unsupported HTTP version {version[:20]!r}.")
    reason = parts[2] if len(parts) == 3 else b""
    headers: list[tuple[bytes, bytes]] = []
    for line in lines[1:]:
        if line[:1] in (b" ", b"\t"):  # obsolete line folding: continues the previous value
            if not headers:
                raise httpx.RemoteProtocolError("Malformed response header.")
            name, value = headers[-1]
            headers[-1] = (name, value + b" " + line.strip())
            continue
        name, colon, value = line.partition(b":")
        if not colon or not name or name != name.strip() or b"\n" in line:
            raise httpx.RemoteProtocolError(f"Malformed response header {line[:100]!r}.")
        headers.append((name, value.strip()))
    return int(parts[1]), version, reason, headers


def content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    values = set(header_tokens(headers, b"content-length"))
    if not values:
        return None
    if len(values) != 1:
        raise httpx.RemoteProtocolError("Conflicting Content-Length headers.")
    value = values.pop()
    if not value.isdigit() or len(value) > 18:
        raise httpx.RemoteProtocolError(f"Invalid Content-Length {value[:40]!r}.")
    return int(value)


def is_final(status: int) -> bool:
    """False for a 1xx informational response (100 Continue, 103 Early Hints), after which the
    final response follows. Raises for 101, as neither transport switches protocols."""
    if status == 101:
        raise httpx.RemoteProtocolError("Server switched protocols; not supported by this transport.")
    return status >= 200


BodyFraming = Literal["none", "length", "chunked", "to-close"]


def body_framing(
    method: str, status: int, version: bytes, headers: list[tuple[bytes, bytes]]
) -> tuple[BodyFraming, int, bool]:
    """How a response's body is delimited, its length (for "length"), and whether the connection
    may carry another request after it (bytes left over after the body also rule that out)."""
    keep = version == b"HTTP/1.1" and b"close" not in header_tokens(headers, b"connection")
    if method == "HEAD" or status in NO_BODY_STATUS:
        return "none", 0, keep
    encodings = header_tokens(headers, b"transfer-encoding")
    if encodings:
        return ("chunked", 0, keep) if encodings[-1] == b"chunked" else ("to-close", 0, False)
    length = content_length(headers)
    if length is None:
        return "to-close", 0, False
    return "length", length, keep


def chunk_size(line: bytes) -> int:
    """The size in a chunk-size line (ending with CRLF; chunk extensions are ignored)."""
    size_text = line[:-2].split(b";", 1)[0].strip()
    if not size_text or len(size_text) > 16 or size_text.strip(HEX_DIGITS):
        raise httpx.RemoteProtocolError(f"Malformed chunk size {size_text[:40]!r}.")
    return int(size_text, 16)


def chunk_data(chunk: bytes) -> bytes:
    """A chunk's data, from the chunk read with the CRLF that must follow it."""
    if chunk[-2:] != b"\r\n":
        raise httpx.RemoteProtocolError("Chunk not followed by CRLF.")
    return chunk[:-2]


def decode_content(content_encoding: str, content: bytes) -> bytes:
    """The body with its Content-Encoding (the header's value) undone: gzip, deflate, identity,
    several in the order applied.

    Raises httpx.DecodingError for an encoding not asked for, or a body that does not decode.
    """
    encodings = tokens(content_encoding.encode("latin-1"))
    for encoding in reversed(encodings):
        if encoding == b"identity":
            continue
        if encoding in (b"gzip", b"x-gzip"):
            window = zlib.MAX_WBITS | 16
        elif encoding == b"deflate":
            window = zlib.MAX_WBITS if content[:1] == b"\x78" else -zlib.MAX_WBITS  # zlib-wrapped, or raw
        else:
            raise httpx.DecodingError(f"Unsupported Content-Encoding {encoding[:40]!r}.")
        try:
            decoder = zlib.decompressobj(window)
            content = decoder.decompress(content) + decoder.flush()
        except zlib.error as exc:
            raise httpx.DecodingError(f"The body does not decode as {encoding.decode('latin-1')}: {exc}") from None
        if not decoder.eof:
            raise httpx.DecodingError(f"The {encoding.decode('latin-1')} body is truncated.")
    return content
