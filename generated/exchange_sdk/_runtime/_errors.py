# DO NOT EDIT: copied by sdkgen from templates/runtime/_errors.py
"""The SDK's error hierarchy.

    ExchangeSDKError
    ├── RequestValidationError      arguments rejected before any request is sent
    ├── MissingCredentialsError     a private endpoint called without credentials
    ├── ClientRateLimitError        rate_limit="raise": the call would exceed a documented limit
    ├── APIConnectionError          the exchange could not be reached
    │   └── APITimeoutError
    ├── ResponseValidationError     a body that is not what the spec says
    └── APIError                    the exchange answered with an error
        ├── APIStatusError          ... with an HTTP status of 400 or more (also one of the kinds)
        ├── AuthenticationError, PermissionDeniedError, RateLimitError,
        ├── InvalidParameterError, TimestampError, ServerError,
        ├── InsufficientFundsError, NotFoundError
        └── PartialFailureError     some or all items of a batch failed (.results, .failures)

Every APIError has `.message` (what str() says), `.status_code`, `.code` (the exchange's),
`.exchange_message`, `.request_id`, `.body` (the response's JSON, numbers as Decimal; None when it
is not JSON) and `.response` (status, headers and content). An error an HTTP status of 400 or more
came with is an APIStatusError as well as its kind: `except RateLimitError` and `except
APIStatusError` both catch a 429.

Messages are built from the response and the operation only, never from credentials or
signed request parts, and pass through `redact` so that no secret can leak into them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

EXCERPT_CHARS = 200


MIN_REDACTED = 6  # shorter values cannot be told from ordinary text (real keys and secrets are far longer)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every occurrence of each secret (of at least MIN_REDACTED characters) replaced by ***."""
    for secret in secrets:
        if len(secret) >= MIN_REDACTED:
            text = text.replace(secret, "***")
    return text


def excerpt(body: bytes | str, limit: int = EXCERPT_CHARS) -> str:
    """A short, printable start of a response body."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ExchangeSDKError(Exception):
    """Base of every error this SDK raises."""


class RequestValidationError(ExchangeSDKError, ValueError):
    """An argument was rejected before any request was sent (wrong type, unknown enum value, too many items)."""


class MissingCredentialsError(ExchangeSDKError):
    """A private endpoint was called but a credential is not set (argument or environment variable)."""


class APIConnectionError(ExchangeSDKError):
    """The request did not get an HTTP response (connection refused, reset, DNS, TLS).

    `retryable` is False when repeating the request cannot help: a certificate the client refuses
    or a TLS handshake that fails is not retried.
    """

    def __init__(self, message: str, *, operation: str, retryable: bool = True) -> None:
        super().__init__(message)
        self.operation = operation
        self.retryable = retryable


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class ResponseValidationError(ExchangeSDKError):
    """The exchange answered, but the body is not what the spec describes (not JSON, no envelope,
    or data of the wrong shape). Carries the HTTP status, the exchange code if any and an excerpt."""

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        status_code: int,
        code: str | None = None,
        request_id: str | None = None,
        body_excerpt: str = "",
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.status_code = status_code
        self.code = code
        self.request_id = request_id
        self.body_excerpt = body_excerpt


class APIError(ExchangeSDKError):
    """The exchange reported an error: its code and message, the HTTP status and the request id."""

    def __init__(
        self,
        message: str,
        *,
        operation: str,
        status_code: int,
        code: str | None,
        exchange_message: str | None,
        request_id: str | None = None,
        body_excerpt: str = "",
        retryable: bool = False,
        retry_after: float | None = None,
        response: Any = None,
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.status_code = status_code
        self.code = code
        self.exchange_message = exchange_message
        self.request_id = request_id
        self.body_excerpt = body_excerpt
        self.retryable = retryable  # a transient condition: repeating the call may succeed
        self.retry_after = retry_after  # seconds, from a Retry-After header
        self.response = response  # the HTTP response: status_code, headers, content

    @property
    def message(self) -> str:
        """The error's message, as str() gives it."""
        return str(self.args[0]) if self.args else ""

    @property
    def body(self) -> Any:
        """The response body as JSON (numbers as Decimal), or None when it is not JSON."""
        content = getattr(self.response, "content", None)
        if not content:
            return None
        try:
            return json.loads(content, parse_float=Decimal)
        except ValueError:
            return None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(operation={self.operation!r}, status_code={self.status_code}, "
            f"code={self.code!r}, exchange_message={self.exchange_message!r}, request_id={self.request_id!r})"
        )


class AuthenticationError(APIError):
    """Invalid or expired key, signature or passphrase."""


class PermissionDeniedError(APIError):
    """The key lacks the permission, or the IP is not whitelisted."""


class RateLimitError(APIError):
    """Too many requests."""


class ClientRateLimitError(ExchangeSDKError):
    """Raised before sending, with rate_limit="raise", when the call would exceed a documented
    limit; `retry_after` says in how many seconds it may go. Nothing was sent, so the exchange did
    not answer: this is not an APIError."""

    def __init__(self, message: str, *, operation: str, retry_after: float) -> None:
        super().__init__(message)
        self.operation = operation
        self.retry_after = retry_after


class InvalidParameterError(APIError):
    """The exchange rejected a parameter."""


class TimestampError(APIError):
    """The signed timestamp is too far from the exchange's clock."""


class ServerError(APIError):
    """The exchange failed or is busy or in maintenance."""


class InsufficientFundsError(APIError):
    """Not enough balance or margin."""


class NotFoundError(APIError):
    """The requested object does not exist."""


@dataclass(frozen=True, slots=True)
class ItemFailure:
    """One item of a call with per-item results that the exchange did not carry out: its place in
    the request (and in `PartialFailureError.results`), the item as returned, its code and message,
    and the kind of error the exchange's table gives that code ("insufficient_funds", ...; "other"
    for a code the table does not list)."""

    index: int
    result: Any
    code: str
    message: str
    kind: str


class PartialFailureError(APIError):
    """Some or all items of a call with per-item results failed (an OKX batch whose orders were
    partly rejected). Nothing is lost: `.results` holds every item the exchange returned, typed, in
    request order (the ones carried out included), `.failures` each failed item with its code,
    message and error kind. `.code` and `.exchange_message` are the envelope's."""

    def __init__(self, message: str, *, results: list[Any], failures: list[ItemFailure], **details: Any) -> None:
        super().__init__(message, **details)
        self.results = results
        self.failures = failures

    @property
    def succeeded(self) -> list[Any]:
        """The items that were carried out."""
        failed = {failure.index for failure in self.failures}
        return [result for index, result in enumerate(self.results) if index not in failed]


class APIStatusError(APIError):
    """The exchange answered with an HTTP status of 400 or more. Raised as a class that is also the
    error's kind (`status_class(RateLimitError)`), so either can be caught."""


_STATUS_CLASSES: dict[type[APIError], type[APIError]] = {}


def status_class(kind: type[APIError]) -> type[APIError]:
    """The class of an error of `kind` that came with an HTTP error status: a subclass of both."""
    if issubclass(kind, APIStatusError):
        return kind
    found = _STATUS_CLASSES.get(kind)
    if found is None:
        found = _STATUS_CLASSES[kind] = type(
            kind.__name__, (kind, APIStatusError), {"__doc__": kind.__doc__, "__module__": kind.__module__}
        )
    return found


ERROR_CLASSES: dict[str, type[APIError]] = {
    "authentication": AuthenticationError,
    "permission": PermissionDeniedError,
    "rate_limit": RateLimitError,
    "timestamp": TimestampError,
    "invalid_parameter": InvalidParameterError,
    "server": ServerError,
    "insufficient_funds": InsufficientFundsError,
    "not_found": NotFoundError,
    "other": APIError,
}


def class_for_status(status_code: int) -> type[APIError]:
    """The error class an HTTP status implies when the body names no known code."""
    if status_code == 401:
        return AuthenticationError
    if status_code == 403:
        return PermissionDeniedError
    if status_code == 404:
        return NotFoundError
    if status_code == 429:
        return RateLimitError
    if status_code in (400, 422):
        return InvalidParameterError
    if status_code >= 500:
        return ServerError
    return APIError
