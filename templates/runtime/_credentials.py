"""Credentials held so that they never show in reprs, logs, tracebacks or error messages."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._errors import MIN_REDACTED, MissingCredentialsError, redact


class Secret:
    """A credential value. `str()` and `repr()` show *** ; `reveal()` returns the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> str | tuple[Any, ...]:
        raise TypeError("credentials cannot be pickled")


@dataclass(frozen=True, slots=True)
class CredentialInfo:
    """One credential of an exchange: its argument name, environment variable and secrecy."""

    name: str
    env: str
    secret: bool


class Credentials:
    """The credentials of one client, from arguments or else from the environment."""

    __slots__ = ("_macs", "_values")

    def __init__(self, infos: Sequence[CredentialInfo], given: Mapping[str, str | None]) -> None:
        values: dict[str, Secret] = {}
        for info in infos:
            value = given.get(info.name)
            if value is None:
                value = os.environ.get(info.env) or None
            if value is not None:
                values[info.name] = Secret(value)
        self._values = values
        self._macs: dict[str, Any] = {}  # hmac objects keyed with a credential, by its name

    def replaced(self, given: Mapping[str, str]) -> Credentials:
        """These credentials with the `given` values in place of theirs (no environment lookup)."""
        copy = Credentials((), {})
        copy._values = {**self._values, **{name: Secret(value) for name, value in given.items()}}
        return copy

    def get(self, name: str) -> str:
        return self._values[name].reveal()

    def hmac_sha256(self, name: str, message: bytes) -> bytes:
        """HMAC-SHA256 of `message`, keyed with the credential `name`. The key is set up once
        and copied for each message: a one-shot HMAC sets OpenSSL's up anew each time, which
        cost about 6 microseconds a signature among 50 concurrent calls (bench/README.md)."""
        keyed = self._macs.get(name)
        if keyed is None:
            keyed = self._macs[name] = hmac.new(self.get(name).encode("utf-8"), digestmod=hashlib.sha256)
        mac = keyed.copy()
        mac.update(message)
        return mac.digest()

    def require(self, infos: Sequence[CredentialInfo], operation: str) -> None:
        missing = [info for info in infos if info.name not in self._values]
        if missing:
            names = ", ".join(f"{info.name} (or ${info.env})" for info in missing)
            raise MissingCredentialsError(f"{operation} is a private endpoint and needs {names}")

    def secrets(self) -> list[str]:
        """Every credential value, for redaction."""
        return [secret.reveal() for secret in self._values.values()]

    def redact(self, text: str) -> str:
        """`text` with every credential value replaced by ***. Callers use this rather than holding
        the values in a local, which a traceback with captured locals would print."""
        return redact(text, self.secrets())

    def redact_bytes(self, content: bytes) -> bytes:
        """`content` with every credential value (UTF-8) replaced by ***."""
        for secret in self.secrets():
            if len(secret) >= MIN_REDACTED:
                content = content.replace(secret.encode(), b"***")
        return content

    def masked_key(self) -> str | None:
        key = self._values.get("api_key")
        if key is None:
            return None
        value = key.reveal()
        return value[:4] + "***" if len(value) > 8 else "***"

    def identity(self) -> str:
        """Names the account in rate-limit buckets without revealing the key: a digest of it, or
        "anonymous" without one (public endpoints only)."""
        key = self._values.get("api_key")
        if key is None:
            return "anonymous"
        return "key:" + hashlib.sha256(key.reveal().encode("utf-8")).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"Credentials({', '.join(sorted(self._values))})"
