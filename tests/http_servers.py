"""Servers the transport tests start on 127.0.0.1 and stop: a forward proxy that records what it is
asked to reach (absolute-form requests for http://, CONNECT tunnels for https://), the TLS
material of a throwaway CA (trustme) for an HTTPS fake exchange, and a keep-alive server in another
process that floods an idle connection."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import select
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Self

import trustme


@dataclass
class Authority:
    """A CA, the server context of a certificate it issued for 127.0.0.1, and its PEM file."""

    ca: trustme.CA
    server: ssl.SSLContext
    ca_file: Path


def authority(folder: Path) -> Authority:
    ca = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server)
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return Authority(ca, server, ca_file)


@dataclass
class Proxy:
    """`with Proxy() as proxy:` then `proxy.url`; `proxy.seen` lists the first line of each
    connection it served ("CONNECT 127.0.0.1:4443 HTTP/1.1", "GET http://127.0.0.1:8080/... HTTP/1.1")."""

    seen: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)  # so that the accept loop notices the stop
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = client.recv(65536)
                if not chunk:
                    return
                head += chunk
            line = head.split(b"\r\n", 1)[0].decode("latin-1")
            self.seen.append(line)
            method, target, _ = line.split(" ", 2)
            if method == "CONNECT":
                host, port = target.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)))
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                rest = head.split(b"\r\n\r\n", 1)[1]
            else:  # absolute form: send the request on in origin form
                authority, _, path = target.removeprefix("http://").partition("/")
                host, port = authority.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)))
                rest = head.replace(target.encode(), b"/" + path.encode(), 1)
            with upstream:
                upstream.sendall(rest)
                _pipe(client, upstream)


def _pipe(one: socket.socket, other: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""
    sockets = [one, other]
    while True:
        readable, _, _ = select.select(sockets, [], [], 5.0)
        if not readable:
            return
        for source in readable:
            data = source.recv(65536)
            if not data:
                return
            (other if source is one else one).sendall(data)


# --- a server that floods an idle keep-alive connection ---------------------------------------------


@dataclass(frozen=True)
class Flood:
    """What a flood did: the bytes the client's end took, and why it ended: "closed" (the client
    dropped the connection), "held off" (the client's end took nothing for the stall time: its
    socket buffers are full and nothing reads them) or "ran" (it took bytes the whole time)."""

    sent: int
    ended: str


class FloodServer:
    """`with FloodServer(answer, flood) as server:` then `server.url`: a keep-alive HTTP/1.1 server
    in another process (what it allocates is not the client's), answering every request with 200
    and `answer`. After the first answer on its first connection it waits for `server.flood()`,
    then sends `flood` over that connection again and again, whole copies in order, as fast as the
    client's end takes them, for up to `seconds` (less when the client closes the connection or
    takes nothing for `stall` seconds); then it serves that connection's requests again.
    `requests()` lists (connection number, request line) of every request, in order."""

    def __init__(self, answer: bytes, flood: bytes, seconds: float = 2.0, stall: float = 0.5) -> None:
        context = multiprocessing.get_context("spawn")  # a fork of a process with threads can deadlock
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_flood_server, args=(child, answer, flood, seconds, stall), daemon=True)
        self._seconds = seconds
        self._events: list[tuple[Any, ...]] = []
        self.url = ""

    def __enter__(self) -> Self:
        self._process.start()
        self.url = f"http://127.0.0.1:{self._next('port')[1]}"
        return self

    def __exit__(self, *exc: object) -> None:
        self._process.kill()
        self._process.join(timeout=5)
        self._pipe.close()

    def flood(self) -> Flood:
        """Start the flood and wait for its end."""
        self._pipe.send("flood")
        _, sent, ended = self._next("flooded", timeout=self._seconds + 10)
        return Flood(sent, ended)

    def requests(self) -> list[tuple[int, str]]:
        while self._pipe.poll():
            self._events.append(self._pipe.recv())
        return [(event[1], event[2]) for event in self._events if event[0] == "request"]

    def _next(self, kind: str, timeout: float = 10.0) -> tuple[Any, ...]:
        deadline = time.monotonic() + timeout
        while self._pipe.poll(max(0.0, deadline - time.monotonic())):
            event = self._pipe.recv()
            self._events.append(event)
            if event[0] == kind:
                return event
        raise TimeoutError(f"the flood server sent no {kind!r} event in {timeout} s")


def _flood_server(pipe: Connection, answer: bytes, flood: bytes, seconds: float, stall: float) -> None:
    """The server process: reports ("port", port), ("request", connection, line) before answering
    each request, and ("flooded", bytes, ended) after the flood; the parent sends "flood"."""
    lock = threading.Lock()
    go = threading.Event()

    def report(*event: Any) -> None:
        with lock:
            pipe.send(event)

    def commands() -> None:
        while True:
            try:
                command = pipe.recv()
            except (EOFError, OSError):  # the parent is gone
                os._exit(0)
            if command == "flood":
                go.set()

    def serve(connection: socket.socket, number: int) -> None:
        reply = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(answer)
        pending = b""
        with connection:
            for answered in itertools.count():
                try:
                    line, pending = _request_line(connection, pending)
                    if line is None:
                        return
                    report("request", number, line)
                    connection.sendall(reply + answer)
                except OSError:
                    return
                if number == 0 and answered == 0:
                    go.wait()
                    report("flooded", *_flood(connection, flood, seconds, stall))

    listener = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=commands, daemon=True).start()
    report("port", listener.getsockname()[1])
    for number in itertools.count():
        connection, _ = listener.accept()
        threading.Thread(target=serve, args=(connection, number), daemon=True).start()


def _request_line(connection: socket.socket, pending: bytes) -> tuple[str | None, bytes]:
    """The first line of the next request (its body skipped) and what came after it; None at EOF."""
    while b"\r\n\r\n" not in pending:
        data = connection.recv(65536)
        if not data:
            return None, b""
        pending += data
    head, _, rest = pending.partition(b"\r\n\r\n")
    length = 0
    for header in head.split(b"\r\n")[1:]:
        name, _, value = header.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        data = connection.recv(65536)
        if not data:
            return None, b""
        rest += data
    return head.split(b"\r\n", 1)[0].decode("latin-1"), rest[length:]


def _flood(connection: socket.socket, flood: bytes, seconds: float, stall: float) -> tuple[int, str]:
    """Send copies of `flood` in order (a partial send goes on where it stopped) until `seconds` are
    up, the peer closes, or it takes nothing for `stall` seconds."""
    chunk = memoryview(flood * max(1, 65536 // len(flood)))
    position = sent = 0
    started = taken = time.monotonic()
    connection.settimeout(0.05)
    try:
        while (now := time.monotonic()) - started < seconds:
            if now - taken >= stall:
                return sent, "held off"
            try:
                count = connection.send(chunk[position:])
            except TimeoutError:
                continue
            except OSError:
                return sent, "closed"
            sent += count
            position = (position + count) % len(chunk)
            taken = time.monotonic()
        return sent, "ran"
    finally:
        connection.settimeout(None)
