# DO NOT EDIT: copied by sdkgen from templates/runtime/_signing.py
"""Request signing, one signer per auth scheme (the schemes: docs/signing.md in the sdkgen repository).

Every signer builds the query string that goes on the wire and signs exactly those bytes: the
order and percent-encoding of the signed query are the order and encoding sent.
"""

from __future__ import annotations

import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar, Protocol
from urllib.parse import quote

from ._credentials import Credentials

UNRESERVED = "-_.~"


@dataclass(slots=True)  # made for every request: not frozen (see RequestOptions)
class SigningInput:
    """What a signature covers: method, host (lower case, no port), path, query pairs, body."""

    method: str
    host: str
    path: str
    query: Sequence[tuple[str, str]]
    body: bytes


@dataclass(slots=True)  # made for every request: not frozen (see RequestOptions)
class Signed:
    query: str  # the encoded query string to send, without "?"
    headers: dict[str, str]

    def __repr__(self) -> str:  # signatures and keys stay out of tracebacks' locals
        return f"Signed(headers={sorted(self.headers)})"


class Signer(Protocol):
    credential_names: ClassVar[tuple[str, ...]]
    sensitive_headers: ClassVar[frozenset[str]]  # lower-case names, redacted in logs
    sensitive_query: ClassVar[frozenset[str]]

    def encode_query(self, pairs: Sequence[tuple[str, str]]) -> str: ...

    def sign(self, request: SigningInput, credentials: Credentials, timestamp_ms: int) -> Signed: ...


def hmac_sha256_base64(credentials: Credentials, name: str, message: str) -> str:
    """Base64 of the HMAC-SHA256 of `message` keyed with the credential `name`."""
    return binascii.b2a_base64(credentials.hmac_sha256(name, message.encode("utf-8")), newline=False).decode("ascii")


_SECOND: tuple[int, str] = (0, "1970-01-01T00:00:00")  # the last second formatted, replaced whole


def _utc_second(seconds: int) -> str:
    """`2023-11-14T22:13:20` for an epoch second, UTC. A client signs many requests a second, and
    formatting a datetime took about 2 of a signature's 7 microseconds: the last second is kept."""
    global _SECOND
    last = _SECOND
    if last[0] != seconds:
        last = _SECOND = (seconds, f"{datetime.fromtimestamp(seconds, tz=UTC):%Y-%m-%dT%H:%M:%S}")
    return last[1]


def iso_milliseconds(timestamp_ms: int) -> str:
    """`2023-11-14T22:13:20.000Z` (OKX)."""
    seconds, millis = divmod(timestamp_ms, 1000)
    return f"{_utc_second(seconds)}.{millis:03d}Z"


def iso_seconds(timestamp_ms: int) -> str:
    """`2023-11-14T22:13:20` (HTX: whole seconds, no zone suffix)."""
    return _utc_second(timestamp_ms // 1000)


def _join(pairs: Sequence[tuple[str, str]], safe: str) -> str:
    if not pairs:
        return ""
    return "&".join(f"{quote(name, safe=UNRESERVED)}={quote(value, safe=safe)}" for name, value in pairs)


class OkxSigner:
    """OK-ACCESS-SIGN = Base64(HMAC-SHA256(secret, timestamp + METHOD + path?query + body))."""

    credential_names: ClassVar[tuple[str, ...]] = ("api_key", "secret_key", "passphrase")
    sensitive_headers: ClassVar[frozenset[str]] = frozenset({"ok-access-key", "ok-access-sign", "ok-access-passphrase"})
    sensitive_query: ClassVar[frozenset[str]] = frozenset()

    def encode_query(self, pairs: Sequence[tuple[str, str]]) -> str:
        # Parameters in declared order; commas of comma-separated lists stay literal (ccy=BTC,ETH).
        return _join(pairs, UNRESERVED + ",")

    def sign(self, request: SigningInput, credentials: Credentials, timestamp_ms: int) -> Signed:
        query = self.encode_query(request.query)
        timestamp = iso_milliseconds(timestamp_ms)
        target = request.path + (f"?{query}" if query else "")
        prehash = timestamp + request.method.upper() + target + request.body.decode("utf-8")
        return Signed(
            query,
            {
                "OK-ACCESS-KEY": credentials.get("api_key"),
                "OK-ACCESS-SIGN": hmac_sha256_base64(credentials, "secret_key", prehash),
                "OK-ACCESS-TIMESTAMP": timestamp,
                "OK-ACCESS-PASSPHRASE": credentials.get("passphrase"),
            },
        )


class BitgetSigner:
    """ACCESS-SIGN = Base64(HMAC-SHA256(secret, timestamp + METHOD + path + "?" + sorted query + body))."""

    credential_names: ClassVar[tuple[str, ...]] = ("api_key", "secret_key", "passphrase")
    sensitive_headers: ClassVar[frozenset[str]] = frozenset({"access-key", "access-sign", "access-passphrase"})
    sensitive_query: ClassVar[frozenset[str]] = frozenset()

    def encode_query(self, pairs: Sequence[tuple[str, str]]) -> str:
        # Sorted by key, ascending, as the documentation asks; sent in the same order.
        return _join(sorted(pairs, key=lambda pair: pair[0]), UNRESERVED + ",")

    def sign(self, request: SigningInput, credentials: Credentials, timestamp_ms: int) -> Signed:
        query = self.encode_query(request.query)
        timestamp = str(timestamp_ms)
        prehash = (
            timestamp
            + request.method.upper()
            + request.path
            + (f"?{query}" if query else "")
            + request.body.decode("utf-8")
        )
        return Signed(
            query,
            {
                "ACCESS-KEY": credentials.get("api_key"),
                "ACCESS-SIGN": hmac_sha256_base64(credentials, "secret_key", prehash),
                "ACCESS-TIMESTAMP": timestamp,
                "ACCESS-PASSPHRASE": credentials.get("passphrase"),
            },
        )


class HtxSigner:
    """Signature (a query parameter) = Base64(HMAC-SHA256(secret, METHOD\\nhost\\npath\\ncanonical query)).

    The canonical query holds AccessKeyId, SignatureMethod, SignatureVersion and Timestamp, plus
    the request's own parameters for GET; sorted by name, RFC 3986 percent-encoded (upper-case hex).
    """

    credential_names: ClassVar[tuple[str, ...]] = ("api_key", "secret_key")
    sensitive_headers: ClassVar[frozenset[str]] = frozenset()
    sensitive_query: ClassVar[frozenset[str]] = frozenset({"AccessKeyId", "Signature"})

    def encode_query(self, pairs: Sequence[tuple[str, str]]) -> str:
        return _join(sorted(pairs), UNRESERVED)

    def sign(self, request: SigningInput, credentials: Credentials, timestamp_ms: int) -> Signed:
        auth = [
            ("AccessKeyId", credentials.get("api_key")),
            ("SignatureMethod", "HmacSHA256"),
            ("SignatureVersion", "2"),
            ("Timestamp", iso_seconds(timestamp_ms)),
        ]
        own = list(request.query) if request.method.upper() == "GET" else []
        canonical = self.encode_query([*own, *auth])
        prehash = "\n".join([request.method.upper(), request.host.lower(), request.path, canonical])
        signature = hmac_sha256_base64(credentials, "secret_key", prehash)
        query = canonical + "&Signature=" + quote(signature, safe=UNRESERVED)
        if request.method.upper() != "GET" and request.query:
            query = self.encode_query(request.query) + "&" + query
        return Signed(query, {})


SIGNERS: dict[str, Signer] = {
    "okx-hmac-sha256": OkxSigner(),
    "bitget-hmac-sha256": BitgetSigner(),
    "htx-hmac-sha256-v2": HtxSigner(),
}
