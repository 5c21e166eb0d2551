"""The base clients: build and sign the request, send it, unwrap the envelope, raise typed errors.

`SyncAPIClient` and `AsyncAPIClient` differ only in how they send; everything else is shared
by `BaseClient` so both behave identically.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import TracebackType
from typing import Any, Self, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import TypeAdapter, ValidationError

from ._credentials import Credentials
from ._errors import (
    ERROR_CLASSES,
    APIConnectionError,
    APIError,
    APITimeoutError,
    ResponseValidationError,
    class_for_status,
    excerpt,
    redact,
)
from ._params import json_body, prepare_arguments
from ._profile import ExchangeProfile, OperationInfo
from ._signing import SIGNERS, SigningInput

T = TypeVar("T")
Clock = Callable[[], int]
DEFAULT_TIMEOUT = 10.0


def system_clock() -> int:
    """The current time in epoch milliseconds."""
    return time.time_ns() // 1_000_000


class BaseClient:
    """State and logic shared by the sync and async clients of one exchange."""

    def __init__(
        self,
        profile: ExchangeProfile,
        *,
        credentials: Mapping[str, str | None],
        base_url: str | None,
        clock: Clock | None,
    ) -> None:
        self._profile = profile
        self._credentials = Credentials(profile.credentials, credentials)
        self._base_url = (base_url or profile.production_host).rstrip("/")
        host = urlsplit(self._base_url).hostname
        if not host:
            raise ValueError(f"base_url {self._base_url!r} has no host")
        self._host = host.lower()
        self._clock: Clock = clock or system_clock
        self._signer = SIGNERS[profile.auth_scheme]
        self._adapters: dict[int, TypeAdapter[Any]] = {}

    @property
    def base_url(self) -> str:
        return self._base_url

    def __repr__(self) -> str:
        key = self._credentials.masked_key()
        return f"{type(self).__name__}(base_url={self._base_url!r}, api_key={key!r})"

    # --- request -----------------------------------------------------------------------------

    def _build_request(self, operation: OperationInfo[Any], arguments: Mapping[str, Any]) -> httpx.Request:
        prepared = prepare_arguments(operation.display, operation.path, operation.parameters, arguments)
        body = b""
        headers = {"Accept": "application/json"}
        if prepared.body is not None or operation.method in ("POST", "PUT"):
            body = json_body(prepared.body or {})
            headers["Content-Type"] = "application/json"
        if operation.private:
            self._credentials.require(self._profile.credentials, operation.display)
            signed = self._signer.sign(
                SigningInput(operation.method, self._host, prepared.path, prepared.query, body),
                self._credentials,
                self._clock(),
            )
            headers.update(self._profile.private_headers)
            headers.update(signed.headers)
            query = signed.query
        else:
            query = self._signer.encode_query(prepared.query)
        url = self._base_url + prepared.path + (f"?{query}" if query else "")
        return httpx.Request(operation.method, url, headers=headers, content=body or None)

    # --- response ----------------------------------------------------------------------------

    def _adapter(self, operation: OperationInfo[Any]) -> TypeAdapter[Any]:
        adapter = self._adapters.get(id(operation))
        if adapter is None:
            adapter = self._adapters[id(operation)] = TypeAdapter(operation.response)
        return adapter

    def _parse_response(self, operation: OperationInfo[T], response: httpx.Response) -> T:
        envelope = self._profile.envelope
        status = response.status_code
        request_id = response.headers.get(envelope.request_id_header) if envelope.request_id_header else None
        content = response.content
        secrets = self._credentials.secrets()
        snippet = redact(excerpt(content), secrets)
        try:
            body = json.loads(content, parse_float=Decimal)
        except ValueError:
            body = None
        if not isinstance(body, dict) or envelope.code not in body:
            if status >= 400:
                raise self._status_error(operation, status, request_id, snippet)
            what = "not JSON" if body is None else f"JSON without the envelope's '{envelope.code}'"
            raise ResponseValidationError(
                f"{operation.display}: the response body is {what} (HTTP {status}): {snippet}",
                operation=operation.display,
                status_code=status,
                request_id=request_id,
                body_excerpt=snippet,
            )
        code = str(body[envelope.code])
        message = body.get(envelope.message)
        if code not in envelope.success_codes:
            raise self._api_error(operation, status, code, message, request_id, snippet)
        if status >= 400:
            raise self._status_error(operation, status, request_id, snippet)
        if envelope.data not in body:
            raise ResponseValidationError(
                f"{operation.display}: the response has no '{envelope.data}' (HTTP {status}): {snippet}",
                operation=operation.display,
                status_code=status,
                code=code,
                request_id=request_id,
                body_excerpt=snippet,
            )
        try:
            parsed: T = self._adapter(operation).validate_python(body[envelope.data])
        except ValidationError as exc:
            problems = "; ".join(
                f"{envelope.data}{''.join(f'[{p}]' if isinstance(p, int) else f'.{p}' for p in error['loc'])}: "
                f"{error['msg']}"
                for error in exc.errors(include_url=False, include_input=False)[:5]
            )
            raise ResponseValidationError(
                redact(f"{operation.display}: the response does not match the spec: {problems}", secrets),
                operation=operation.display,
                status_code=status,
                code=code,
                request_id=request_id,
                body_excerpt=snippet,
            ) from None
        return parsed

    def _api_error(
        self,
        operation: OperationInfo[Any],
        status: int,
        code: str,
        message: Any,
        request_id: str | None,
        snippet: str,
    ) -> APIError:
        known = self._profile.errors.get(code)
        cls = ERROR_CLASSES[known.kind] if known else class_for_status(status)
        text = redact(str(message) if message is not None else "", self._credentials.secrets())
        suffix = f", request id {request_id}" if request_id else ""
        return cls(
            f"{operation.display} failed: {self._profile.name} error {code}: {text} (HTTP {status}{suffix})",
            operation=operation.display,
            status_code=status,
            code=code,
            exchange_message=text,
            request_id=request_id,
            body_excerpt=snippet,
            retryable=bool(known and known.retryable),
        )

    def _status_error(self, operation: OperationInfo[Any], status: int, request_id: str | None, snippet: str) -> APIError:
        cls = class_for_status(status)
        return cls(
            f"{operation.display} failed: HTTP {status}: {snippet}",
            operation=operation.display,
            status_code=status,
            code=None,
            exchange_message=None,
            request_id=request_id,
            body_excerpt=snippet,
            retryable=status == 429 or status >= 500,
        )

    def _connection_error(self, operation: OperationInfo[Any], exc: httpx.TransportError) -> APIConnectionError:
        detail = redact(str(exc) or type(exc).__name__, self._credentials.secrets())
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(f"{operation.display} timed out: {detail}", operation=operation.display)
        return APIConnectionError(f"{operation.display} could not connect: {detail}", operation=operation.display)


class SyncAPIClient(BaseClient):
    """A blocking client; use it as a context manager or call close()."""

    def __init__(
        self,
        profile: ExchangeProfile,
        *,
        credentials: Mapping[str, str | None],
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Clock | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(profile, credentials=credentials, base_url=base_url, clock=clock)
        self._http = httpx.Client(transport=transport, timeout=timeout)

    def request(self, operation: OperationInfo[T], arguments: Mapping[str, Any]) -> T:
        """Send one call of `operation` and return the envelope's data as the spec's models."""
        request = self._build_request(operation, arguments)
        try:
            response = self._http.send(request)
        except httpx.TransportError as exc:
            raise self._connection_error(operation, exc) from None
        return self._parse_response(operation, response)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class AsyncAPIClient(BaseClient):
    """An asyncio client; use it with `async with` or call `await aclose()`."""

    def __init__(
        self,
        profile: ExchangeProfile,
        *,
        credentials: Mapping[str, str | None],
        base_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(profile, credentials=credentials, base_url=base_url, clock=clock)
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout)

    async def request(self, operation: OperationInfo[T], arguments: Mapping[str, Any]) -> T:
        """Send one call of `operation` and return the envelope's data as the spec's models."""
        request = self._build_request(operation, arguments)
        try:
            response = await self._http.send(request)
        except httpx.TransportError as exc:
            raise self._connection_error(operation, exc) from None
        return self._parse_response(operation, response)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()
