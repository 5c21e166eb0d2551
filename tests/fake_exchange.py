"""A small fake of OKX, Bitget and HTX on 127.0.0.1 for the runtime tests.

It verifies every signature from the raw request as each exchange documents it (written here,
independently of the SDK's signers), keeps its own clock (which tests can skew) and rejects
timestamps outside each exchange's tolerance with that exchange's error, serves its public
server-time endpoints and the specs' response examples, records every request with its arrival
time, and injects faults on request: any status, body and headers (429 with Retry-After, 5xx,
HTML, malformed JSON), a delay (for timeouts) or a dropped connection.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import ssl
import sys
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from generator.examples import path_pattern
from generator.loader import load_specs

ROOT = Path(__file__).resolve().parents[1]
API_KEY = "fake-api-key-0123456789"
SECRET = "fake-SECRET-do-not-leak"
PASSPHRASE = "fake-PASSPHRASE-do-not-leak"

TOLERANCE_MS = {"okx": 30_000, "bitget": 30_000, "htx": 300_000}
AUTH_ERRORS = {
    "okx": (401, {"code": "50113", "msg": "Invalid signature.", "data": []}),
    "bitget": (400, {"code": "40009", "msg": "sign signature error", "requestTime": 0, "data": None}),
    "htx": (200, {"code": 1253, "message": "Error in signature verification.", "ts": 0}),
}
TIMESTAMP_ERRORS = {
    "okx": (401, {"code": "50102", "msg": "Timestamp request expired.", "data": []}),
    "bitget": (400, {"code": "40008", "msg": "Request timestamp expired", "requestTime": 0, "data": None}),
    "htx": (200, {"code": 12001, "message": "Invalid submission time.", "ts": 0}),
}
RATE_LIMIT_BODIES = {
    "okx": {"code": "50011", "msg": "Rate limit reached.", "data": []},
    "bitget": {"code": "429", "msg": "Too many requests", "requestTime": 0, "data": None},
    "htx": {"code": 1032, "message": "The number of access exceeded the limit.", "ts": 0},
}
EMPTY_SUCCESS = {
    "okx": {"code": "0", "msg": "", "data": []},
    "bitget": {"code": "00000", "msg": "success", "requestTime": 0, "data": []},
    "htx": {"code": 200, "message": "Success", "data": {}, "ts": 0},
}
HTX_RATE_LIMIT_HEADERS = {
    "ratelimit-limit": "72",
    "ratelimit-remaining": "71",
    "ratelimit-reset": "3000",
    "ratelimit-interval": "3000",
}


@dataclass
class Fault:
    """What to do instead of the normal answer, once."""

    status: int = 200
    body: str | bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (use with a short client timeout)
    drop: bool = False  # close the connection without an answer
    trickle: float = 0.0  # seconds between the bytes of the answer, from its status line on
    trickle_body_only: bool = False  # trickle only the body: the status line and headers at once


@dataclass
class Record:
    arrived: float  # time.monotonic()
    exchange: str
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    verdict: str  # ok, bad-signature, bad-timestamp, or public (unsigned)
    faulted: bool  # answered with an injected fault
    peer: tuple[str, int] = ("", 0)  # the client's address and port: one per connection


def _hmac(text: str) -> str:
    return base64.b64encode(hmac.new(SECRET.encode(), text.encode(), hashlib.sha256).digest()).decode()


def _pairs(query: str) -> list[tuple[str, str]]:
    found = []
    for part in query.split("&") if query else []:
        name, _, value = part.partition("=")
        found.append((unquote(name), unquote(value)))
    return found


SERVER_TIME_PATHS = ("/api/v5/public/time", "/api/v2/public/time", "/api/v1/timestamp")


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]  # the endpoint's path, its {placeholders} matching any segment
    body: str  # the first response example, else a success with empty data in the family's envelope
    public: bool


def _routes() -> list[_Route]:
    """What the fake answers for every endpoint of the specs."""
    routes = []
    for exchange in load_specs(ROOT / "specs").exchanges:
        for operation in exchange.operations:
            if operation.response_examples:
                body = operation.response_examples[0].json_text
            else:
                envelope = exchange.envelope_of(operation)
                empty: Any = [] if operation.response.type.value == "array" else {}
                body = json.dumps(
                    {envelope.code: envelope.success_codes[0], envelope.message: "", envelope.data: empty}
                )
            pattern = re.compile(path_pattern(operation.path))
            routes.append(_Route(operation.method, pattern, body, not operation.is_private))
    return routes


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default backlog of 5 drops connections when 72 tasks connect at once

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out and closed its end is expected (timeout tests): not worth a traceback.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeExchange:
    """Start with `with FakeExchange() as fake:`; clients use `fake.url` as base_url."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.records: list[Record] = []
        self.skew_ms: dict[str, int] = defaultdict(int)
        self.bodies: dict[tuple[str, str], str] = {}  # (method, concrete path) -> body, set by tests
        self.routes = _routes()
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self._scheme = "http"
        if tls is not None:  # HTTPS: every accepted connection does the TLS handshake first
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            self._scheme = "https"
        # A short poll interval: shutdown() waits for the loop to notice, 0.5 s by default.
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host}:{port}"

    def __enter__(self) -> FakeExchange:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def fail_next(self, path: str, *faults: Fault) -> None:
        """Answer the next requests to `path` with these faults, in order."""
        with self._lock:
            self._faults[path].extend(faults)

    def now_ms(self, exchange: str) -> int:
        return time.time_ns() // 1_000_000 + self.skew_ms[exchange]

    def requests_to(self, path: str) -> list[Record]:
        return [r for r in self.records if r.path == path]

    # --- request handling --------------------------------------------------------------------------

    @staticmethod
    def exchange_of(path: str) -> str:
        if path.startswith("/api/v5/"):
            return "okx"
        if path.startswith(("/api/v2/", "/api/v3/")):
            return "bitget"
        return "htx"

    def _verify(
        self, exchange: str, method: str, host: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> str:
        """'ok', 'bad-signature' or 'bad-timestamp', checked as each exchange documents."""
        text = body.decode("utf-8")
        try:
            if exchange == "okx":
                stamp = headers["ok-access-timestamp"]
                sent = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
                sent_ms = int(sent.timestamp() * 1000)
                good = (
                    headers["ok-access-key"] == API_KEY
                    and headers["ok-access-passphrase"] == PASSPHRASE
                    and headers["ok-access-sign"]
                    == _hmac(stamp + method + path + (f"?{query}" if query else "") + text)
                )
            elif exchange == "bitget":
                stamp = headers["access-timestamp"]
                sent_ms = int(stamp)
                names = [n for n, _ in _pairs(query)]
                good = (
                    headers["access-key"] == API_KEY
                    and headers["access-passphrase"] == PASSPHRASE
                    and names == sorted(names)
                    and headers["access-sign"] == _hmac(stamp + method + path + (f"?{query}" if query else "") + text)
                )
            else:
                parts = query.split("&")
                signature = parts[-1]
                canonical = parts[:-1]
                values = dict(_pairs("&".join(canonical)))
                sent = datetime.strptime(values["Timestamp"], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
                sent_ms = int(sent.timestamp() * 1000)
                prehash = "\n".join([method, host.lower(), path, "&".join(canonical)])
                good = (
                    signature.startswith("Signature=")
                    and canonical == sorted(canonical)
                    and values["AccessKeyId"] == API_KEY
                    and values["SignatureMethod"] == "HmacSHA256"
                    and values["SignatureVersion"] == "2"
                    and unquote(signature.split("=", 1)[1]) == _hmac(prehash)
                )
        except (KeyError, ValueError, IndexError):
            return "bad-signature"
        if not good:
            return "bad-signature"
        if abs(sent_ms - self.now_ms(exchange)) > TOLERANCE_MS[exchange]:
            return "bad-timestamp"
        return "ok"

    def _server_time(self, exchange: str) -> dict[str, Any]:
        now = self.now_ms(exchange)
        if exchange == "okx":
            return {"code": "0", "msg": "", "data": [{"ts": str(now)}]}
        if exchange == "bitget":
            return {"code": "00000", "msg": "success", "requestTime": now, "data": {"serverTime": str(now)}}
        return {"status": "ok", "ts": now}

    def answer(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        target = handler.path
        path, _, query = target.partition("?")
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in handler.headers.items()}
        exchange = self.exchange_of(path)
        arrived = time.monotonic()
        route = next((r for r in self.routes if r.method == method and r.pattern.match(path)), None)
        public = path in SERVER_TIME_PATHS or (route is not None and route.public)
        with self._lock:
            fault = self._faults[path].popleft() if self._faults[path] else None
        host = headers.get("host", "").split(":")[0]
        verdict = "public" if public else self._verify(exchange, method, host, path, query, headers, body)
        self.records.append(
            Record(
                arrived,
                exchange,
                method,
                path,
                _pairs(query),
                headers,
                body,
                verdict,
                fault is not None,
                tuple(handler.client_address[:2]),
            )
        )
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.drop:
                handler.close_connection = True
                return
            if fault.trickle:
                self._trickle(handler, fault)
                return
            self._send(handler, fault.status, fault.body or b"", fault.headers)
            return
        if path in SERVER_TIME_PATHS:
            self._send(handler, 200, json.dumps(self._server_time(exchange)), {})
        elif verdict == "bad-signature":
            status, document = AUTH_ERRORS[exchange]
            self._send(handler, status, json.dumps(document), {})
        elif verdict == "bad-timestamp":
            status, document = TIMESTAMP_ERRORS[exchange]
            self._send(handler, status, json.dumps(document), {})
        else:
            text = self.bodies.get((method, path)) or (route.body if route else json.dumps(EMPTY_SUCCESS[exchange]))
            self._send(handler, 200, text, HTX_RATE_LIMIT_HEADERS if exchange == "htx" else {})

    @staticmethod
    def _trickle(handler: BaseHTTPRequestHandler, fault: Fault) -> None:
        """The fault's answer a byte at a time, `fault.trickle` seconds apart, until it is whole or
        the client hangs up: bytes closer together than the client's read timeout keep every read
        in time, farther apart they are a read that times out."""
        content = fault.body.encode("utf-8") if isinstance(fault.body, str) else fault.body or b""
        head = (
            f"HTTP/1.1 {fault.status} OK\r\nContent-Type: application/json\r\n"
            + "".join(f"{name}: {value}\r\n" for name, value in fault.headers.items())
            + f"Content-Length: {len(content)}\r\n\r\n"
        ).encode("latin-1")
        handler.close_connection = True
        try:
            if fault.trickle_body_only:
                handler.wfile.write(head)
            for byte in content if fault.trickle_body_only else head + content:
                time.sleep(fault.trickle)
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
        except OSError:  # the client gave up
            return

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: str | bytes, headers: dict[str, str]) -> None:
        content = body.encode("utf-8") if isinstance(body, str) else body
        handler.send_response(status)
        handler.send_header("Content-Type", headers.pop("Content-Type", "application/json"))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(content)))
        handler.end_headers()
        handler.wfile.write(content)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                fake.answer(self, "GET")

            def do_POST(self) -> None:  # noqa: N802
                fake.answer(self, "POST")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr
                pass

        return Handler


def rate_limit_fault(exchange: str, retry_after: str = "0.2") -> Fault:
    return Fault(429, json.dumps(RATE_LIMIT_BODIES[exchange]), {"Retry-After": retry_after})


def most_in_any_window(times: list[float], window: float) -> int:
    """The largest number of times inside any half-open interval of `window` seconds."""
    ordered = sorted(times)
    best = 0
    start = 0
    for end, moment in enumerate(ordered):
        while moment - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best
