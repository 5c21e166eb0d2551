"""Servers the transport tests start on 127.0.0.1 and stop: a forward proxy that records what it is
asked to reach (absolute-form requests for http://, CONNECT tunnels for https://), and the TLS
material of a throwaway CA (trustme) for an HTTPS fake exchange."""

from __future__ import annotations

import select
import socket
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

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
