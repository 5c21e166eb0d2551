"""The HTTP/1.1 message code the SDK's transports and direct senders share (templates/runtime/_wire.py):
requests are encoded byte for byte and refuse anything that could smuggle a header or a second
request; bodies are decoded from gzip and deflate, and anything else is refused in words."""

from __future__ import annotations

import gzip
import zlib

import httpx
import pytest
from runtime_templates import load_runtime_module

wire = load_runtime_module("_wire")

HEADERS = [(b"Host", b"www.okx.com"), (b"OK-ACCESS-KEY", b"key"), (b"Accept", b"application/json")]


def test_a_request_is_encoded_byte_for_byte():
    message, close = wire.encode_request(b"GET", b"/api/v5/account/balance?ccy=BTC,ETH", HEADERS, b"")
    assert message == (
        b"GET /api/v5/account/balance?ccy=BTC,ETH HTTP/1.1\r\n"
        b"Host: www.okx.com\r\nOK-ACCESS-KEY: key\r\nAccept: application/json\r\n\r\n"
    )
    assert close is False
    body = b'{"instId":"BTC-USDT"}'
    message, close = wire.encode_request(
        b"POST", b"/api/v5/trade/order", [(b"Content-Length", b"21"), (b"Connection", b"close")], body
    )
    assert message.endswith(b"Connection: close\r\n\r\n" + body) and close is True


def test_a_chunked_request_body_is_sent_as_one_chunk():
    message, _ = wire.encode_request(b"POST", b"/p", [(b"Transfer-Encoding", b"chunked")], b"hello")
    assert message.endswith(b"\r\n\r\n5\r\nhello\r\n0\r\n\r\n")


@pytest.mark.parametrize(
    ("method", "target", "headers", "words"),
    [
        (b"GET", b"/a b", [], "request line"),
        (b"GET", b"/a\r\nX-Evil: 1", [], "request line"),
        (b"GET", b"", [], "request line"),
        (b"GE T", b"/", [], "request line"),
        (b"GET", b"/", [(b"X-Test", b"a\r\nX-Evil: 1")], "X-Test"),
        (b"GET", b"/", [(b"X-Test", b"a\nX-Evil: 1")], "X-Test"),
        (b"GET", b"/", [(b"X-Test", b"a\rb")], "X-Test"),
        (b"GET", b"/", [(b"X-Test", b"a\0b")], "X-Test"),
        (b"GET", b"/", [(b"X-Test: 1\r\nX-Evil", b"1")], "name"),
        (b"GET", b"/", [(b"X Test", b"1")], "name"),
        (b"GET", b"/", [(b"", b"1")], "name"),
    ],
)
def test_nothing_can_smuggle_a_header_or_a_request(method, target, headers, words):
    with pytest.raises(httpx.LocalProtocolError, match=words):
        wire.encode_request(method, target, [*HEADERS, *headers], b"")


def test_an_httpx_request_becomes_a_wire_request_with_its_own_headers_and_options():
    request = httpx.Request("GET", "https://127.0.0.1:8443/x?y=1", headers={"A": "b"})
    request.extensions.update(timeout={"read": 2.0}, sni_hostname=b"www.okx.com")
    encoded = wire.wire_request_of(request, b"")
    assert encoded.message.startswith(b"GET /x?y=1 HTTP/1.1\r\nHost: 127.0.0.1:8443\r\n")
    assert b"A: b\r\n" in encoded.message and encoded.close is False
    assert encoded.origin == (b"https", b"127.0.0.1", 8443) and encoded.method == "GET"
    assert encoded.timeouts == {"read": 2.0} and encoded.server_hostname == "www.okx.com"
    with pytest.raises(httpx.UnsupportedProtocol):
        wire.wire_request_of(httpx.Request("GET", "ftp://example.com/"), b"")


def test_take_removes_what_it_returns():
    buffer = bytearray(b"0123456789")
    assert wire.take(buffer, 4) == b"0123" and buffer == bytearray(b"456789")
    assert wire.take(buffer, 6) == b"456789" and buffer == bytearray()


BODY = b'{"code":"0","msg":"","data":[{"totalEq":"1.5"}]}'


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "content"),
    [
        ("gzip", gzip.compress(BODY)),
        ("x-gzip", gzip.compress(BODY)),
        ("deflate", zlib.compress(BODY)),
        ("deflate", _raw_deflate(BODY)),
        ("identity", BODY),
        ("gzip, identity", gzip.compress(BODY)),
        ("deflate, gzip", gzip.compress(zlib.compress(BODY))),
        ("GZIP", gzip.compress(BODY)),
    ],
)
def test_bodies_are_decoded(encoding, content):
    assert wire.decode_content(encoding, content) == BODY


@pytest.mark.parametrize(
    ("encoding", "content", "words"),
    [
        ("br", b"\x0b\x02\x80", "Unsupported Content-Encoding b'br'"),
        ("gzip", b"not gzip at all", "does not decode as gzip"),
        ("gzip", gzip.compress(BODY)[:-12], "truncated"),
        ("deflate", b"\x78\x9c garbage", "does not decode as deflate"),
    ],
)
def test_bodies_that_do_not_decode_are_refused_in_words(encoding, content, words):
    with pytest.raises(httpx.DecodingError, match=words):
        wire.decode_content(encoding, content)


def test_response_heads_are_parsed():
    status, version, reason, headers = wire.parse_head(
        b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nX-Long: a\r\n b\r\n\r\n"
    )
    assert (status, version, reason) == (429, b"HTTP/1.1", b"Too Many Requests")
    assert headers == [(b"Retry-After", b"1"), (b"X-Long", b"a b")]
    assert wire.header_value(headers, b"retry-after") == b"1" and wire.header_value(headers, b"nope") is None
    with pytest.raises(httpx.RemoteProtocolError, match="status line"):
        wire.parse_head(b"HTTP/1.1 2000 OK\r\n\r\n")


# --- how a response's body is delimited (both transports read responses through these) ------------

OK_HEADERS = [(b"Content-Length", b"12")]


@pytest.mark.parametrize(
    ("method", "status", "version", "headers", "expected"),
    [
        ("GET", 200, b"HTTP/1.1", OK_HEADERS, ("length", 12, True)),
        ("GET", 200, b"HTTP/1.0", OK_HEADERS, ("length", 12, False)),  # 1.0: no keep-alive
        ("GET", 200, b"HTTP/1.1", [*OK_HEADERS, (b"Connection", b"keep-alive, close")], ("length", 12, False)),
        ("HEAD", 200, b"HTTP/1.1", OK_HEADERS, ("none", 0, True)),  # the length is the GET's
        ("GET", 204, b"HTTP/1.1", [], ("none", 0, True)),
        ("GET", 304, b"HTTP/1.1", OK_HEADERS, ("none", 0, True)),
        ("GET", 200, b"HTTP/1.1", [(b"Transfer-Encoding", b"gzip, chunked"), *OK_HEADERS], ("chunked", 0, True)),
        ("GET", 200, b"HTTP/1.1", [(b"Transfer-Encoding", b"gzip")], ("to-close", 0, False)),
        ("GET", 200, b"HTTP/1.1", [], ("to-close", 0, False)),  # no length: the body ends with the connection
    ],
)
def test_body_framing(method, status, version, headers, expected):
    assert wire.body_framing(method, status, version, headers) == expected


def test_conflicting_or_invalid_content_length_is_a_protocol_error():
    for headers in ([(b"Content-Length", b"1"), (b"Content-Length", b"2")], [(b"Content-Length", b"-1")]):
        with pytest.raises(httpx.RemoteProtocolError, match="Content-Length"):
            wire.body_framing("GET", 200, b"HTTP/1.1", headers)


def test_informational_responses_are_skipped_and_101_refused():
    assert not wire.is_final(100) and not wire.is_final(103) and wire.is_final(200) and wire.is_final(404)
    with pytest.raises(httpx.RemoteProtocolError, match="switched protocols"):
        wire.is_final(101)


@pytest.mark.parametrize(("line", "size"), [(b"1A\r\n", 26), (b"3;ext=1\r\n", 3), (b" 0 \r\n", 0)])
def test_chunk_sizes(line, size):
    assert wire.chunk_size(line) == size


@pytest.mark.parametrize("line", [b"\r\n", b"xyz\r\n", b"-1\r\n", b"1" * 17 + b"\r\n"])
def test_malformed_chunk_sizes_are_protocol_errors(line):
    with pytest.raises(httpx.RemoteProtocolError, match="chunk size"):
        wire.chunk_size(line)


def test_a_chunk_must_end_with_crlf():
    assert wire.chunk_data(b"abc\r\n") == b"abc"
    with pytest.raises(httpx.RemoteProtocolError, match="CRLF"):
        wire.chunk_data(b"abcd\r")
