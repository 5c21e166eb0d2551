"""The base clients: limit, sign, send, retry, resync the clock, unwrap the envelope, raise typed errors.

`SyncAPIClient` and `AsyncAPIClient` differ only in how they wait and send; every decision
(what to sign, whether and how long to wait before a retry, what error to raise) is made by
`BaseClient`, so both behave identically.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from types import TracebackType
from typing import Any, Literal, Self, TypeVar, cast
from urllib.parse import unquote, urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, create_model

from ._credentials import Credentials
from ._deadline import DeadlineWatch
from ._errors import (
    ERROR_CLASSES,
    APIConnectionError,
    APIError,
    APITimeoutError,
    ClientRateLimitError,
    ExchangeSDKError,
    ItemFailure,
    PartialFailureError,
    RequestValidationError,
    ResponseValidationError,
    TimestampError,
    class_for_status,
    excerpt,
    status_class,
)
from ._logging import logger
from ._options import (
    NO_OPTIONS,
    NOT_GIVEN,
    NotGiven,
    RawResponse,
    RequestOptions,
    RetryPolicy,
    TimeoutTypes,
    checked_deadline,
    checked_retries,
    checked_timeout,
    retry_after_seconds,
)
from ._pagination import Pagination
from ._params import PreparedArguments, json_body, prepare_arguments
from ._profile import Envelope, ErrorInfo, ExchangeProfile, OperationInfo
from ._rate_limit import SHARED_LIMITER, Draw, RateLimiter, Slot
from ._raw_response import RAW_RESPONSE
from ._sender import (
    AiohttpSender,
    AsyncHttpxSender,
    Connection,
    IncomingResponse,
    Limits,
    OutgoingRequest,
    TransportFailure,
    VerifyTypes,
    async_senders_for,
    senders_for,
    time_left,
    timeouts_of,
)
from ._signing import SIGNERS, SigningInput
from ._types import JsonNumber, lossy_floats

T = TypeVar("T")
Clock = Callable[[], int]
RateLimitMode = Literal["wait", "raise"] | None
DEFAULT_TIMEOUT = 10.0  # seconds, for each wait for the network (connect, each read)
DEFAULT_DEADLINE = 60.0  # seconds a call may take in all: rate-limit waits, attempts, backoff
# Headers that frame the request on the wire: the HTTP library writes them, a caller cannot.
FRAMING_HEADERS = frozenset(
    {"host", "content-length", "transfer-encoding", "connection", "keep-alive", "te", "trailer", "upgrade"}
)
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _checked_headers(display: str, headers: Mapping[str, str]) -> Mapping[str, str]:
    """The caller's extra headers, or RequestValidationError (nothing is sent) for a name that is
    not an HTTP token, a value holding CR, LF or NUL, or a header that frames the request."""
    for name, value in headers.items():
        if not isinstance(name, str) or not name or not set(name) <= _TOKEN:
            raise RequestValidationError(f"{display}: extra header name {name!r} is not a valid HTTP header name")
        if name.lower() in FRAMING_HEADERS:
            raise RequestValidationError(
                f"{display}: extra header {name} frames the request; the HTTP library sets it, a caller cannot"
            )
        if not isinstance(value, str) or not all(" " <= c <= "~" or c == "\t" for c in value):
            raise RequestValidationError(
                f"{display}: extra header {name}'s value must be printable ASCII text; it holds CR, LF or NUL, "
                "another control character, or non-ASCII text"
            )
    return headers


_MISSING: Any = object()  # the envelope had no data member


def system_clock() -> int:
    """The current time in epoch milliseconds."""
    return time.time_ns() // 1_000_000


def _json_pointer(document: Any, pointer: str) -> Any:
    for part in pointer.lstrip("/").split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        document = document[int(key)] if isinstance(document, list) else document[key]
    return document


@dataclass(frozen=True)
class _Route:
    """Where the operations of one API family go (base URL, and its host, which is signed) and how
    their responses read (envelope, error table)."""

    base_url: str
    host: str
    envelope: Envelope
    errors: Mapping[str, ErrorInfo]


def _route(name: str, url: str, envelope: Envelope, errors: Mapping[str, ErrorInfo]) -> _Route:
    base_url = url.rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{name} {base_url!r} is not an http or https URL with a host")
    return _Route(base_url, parts.hostname.lower(), envelope, errors)


def _pagination_of(operation: OperationInfo[Any], max_items: int | None) -> Pagination:
    if operation.pagination is None:
        raise ValueError(f"{operation.display} does not page")
    if max_items is not None and (isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 1):
        raise ValueError(f"max_items must be a positive int or None, not {max_items!r}")
    return operation.pagination


@dataclass(slots=True)
class _Attempt:
    """Where a call is in its life: how many requests went, retries left, clock resynced yet, and
    when its time runs out (`expires`, a time.monotonic() instant, after `deadline` seconds)."""

    number: int = 0
    retries_left: int = 0
    resynced: bool = False
    deadline: float | None = None
    expires: float | None = None

    def left(self) -> float | None:
        """Seconds left before the deadline (0 once it passed), None without one."""
        return time_left(self.expires)


@dataclass(frozen=True)
class _Retry:
    resync: bool
    delay: float


class BaseClient:
    """State and decisions shared by the sync and async clients of one exchange."""

    def __init__(
        self,
        profile: ExchangeProfile,
        *,
        credentials: Mapping[str, str | None],
        base_url: str | None,
        base_urls: Mapping[str, str] | None,
        clock: Clock | None,
        demo: bool,
        rate_limit: RateLimitMode,
        limiter: RateLimiter | None,
        max_retries: int,
        retry_policy: RetryPolicy | None,
        default_headers: Mapping[str, str] | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
    ) -> None:
        if demo and profile.demo_headers is None:
            raise ValueError(f"{profile.name} has no documented demo-trading mechanism: {profile.demo_note}")
        if rate_limit not in ("wait", "raise", None):
            raise ValueError(f"rate_limit must be 'wait', 'raise' or None, not {rate_limit!r}")
        checked_retries(max_retries, "max_retries")
        self._deadline = checked_deadline(deadline, "deadline")
        self._timeouts: dict[str, float | None] | None = None  # None: the senders' (the client's timeout)
        self._owns_connection = True  # False in a copy made by with_options()
        # sent with every request, before each call's extra_headers; checked as those are
        self._default_headers = dict(_checked_headers(type(self).__name__, default_headers or {}))
        self._profile = profile
        self._credentials = Credentials(profile.credentials, credentials)
        unknown = sorted(set(base_urls or {}) - set(profile.families))
        if unknown:
            known = ", ".join(sorted(profile.families)) or "none"
            raise ValueError(f"base_urls names {', '.join(unknown)}; {profile.name}'s API families are: {known}")
        self._routes = {"": _route("base_url", base_url or profile.production_host, profile.envelope, profile.errors)}
        for name, family in profile.families.items():
            url = (base_urls or {}).get(name) or family.production_host
            self._routes[name] = _route(f"base_urls[{name!r}]", url, family.envelope, family.errors)
        self._base_url = self._routes[""].base_url
        self._clock: Clock = clock or system_clock
        self._offset_ms = 0
        self._demo = demo
        self._rate_limit: RateLimitMode = rate_limit
        self._limiter = limiter if limiter is not None else SHARED_LIMITER
        self._identity = self._credentials.identity()
        policy = retry_policy or RetryPolicy()
        self._retry = RetryPolicy(max_retries, policy.initial_delay, policy.max_delay, policy.max_retry_after)
        self._signer = SIGNERS[profile.auth_scheme]
        self._adapters: dict[int, TypeAdapter[Any]] = {}
        self._envelopes: dict[int, type[BaseModel]] = {}

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def demo(self) -> bool:
        """True when requests go to demo trading."""
        return self._demo

    @property
    def limiter(self) -> RateLimiter:
        """The rate limiter (by default the process-wide one, see _rate_limit.py)."""
        return self._limiter

    @property
    def clock_offset_ms(self) -> int:
        """Exchange time minus local time, as measured by the last sync_time()."""
        return self._offset_ms

    def _copy_with(
        self,
        credentials: Mapping[str, str | NotGiven],
        *,
        default_headers: Mapping[str, str] | NotGiven = NOT_GIVEN,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        deadline: float | None | NotGiven = NOT_GIVEN,
        rate_limit: RateLimitMode | NotGiven = NOT_GIVEN,
        limiter: RateLimiter | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        retry_policy: RetryPolicy | NotGiven = NOT_GIVEN,
    ) -> Self:
        """What the clients' `with_options()` returns: a copy with the given settings, sharing this
        client's connection pool (its senders), rate limiter (unless `limiter` is given), parse
        caches and clock offset as measured so far. ValueError for a setting __init__ refuses."""
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        for cls in type(self).__mro__:  # sections and raw views are bound to the client they came from
            for name, attribute in vars(cls).items():
                if isinstance(attribute, cached_property):
                    clone.__dict__.pop(name, None)
        clone._owns_connection = False
        given = {name: value for name, value in credentials.items() if not isinstance(value, NotGiven)}
        for name, value in given.items():
            if not isinstance(value, str) or not value:
                raise ValueError(f"{name} must be a non-empty string")
        if given:
            clone._credentials = self._credentials.replaced(given)
            clone._identity = clone._credentials.identity()
        if not isinstance(default_headers, NotGiven):
            headers = _checked_headers(type(self).__name__, default_headers)
            clone._default_headers = {**self._default_headers, **headers}
        if not isinstance(timeout, NotGiven):
            clone._timeouts = timeouts_of(checked_timeout(timeout, "timeout"))
        if not isinstance(deadline, NotGiven):
            clone._deadline = checked_deadline(deadline, "deadline")
        if not isinstance(rate_limit, NotGiven):
            if rate_limit not in ("wait", "raise", None):
                raise ValueError(f"rate_limit must be 'wait', 'raise' or None, not {rate_limit!r}")
            clone._rate_limit = rate_limit
        if not isinstance(limiter, NotGiven):
            clone._limiter = limiter
        if not isinstance(max_retries, NotGiven) or not isinstance(retry_policy, NotGiven):
            policy = self._retry if isinstance(retry_policy, NotGiven) else retry_policy
            retries = self._retry.max_retries if isinstance(max_retries, NotGiven) else max_retries
            checked_retries(retries, "max_retries")
            clone._retry = RetryPolicy(retries, policy.initial_delay, policy.max_delay, policy.max_retry_after)
        return clone

    def __repr__(self) -> str:
        key = self._credentials.masked_key()
        mode = "demo" if self._demo else "live"
        return f"{type(self).__name__}(base_url={self._base_url!r}, api_key={key!r}, mode={mode!r})"

    # --- building a request --------------------------------------------------------------------

    def _prepare(self, operation: OperationInfo[Any], arguments: Mapping[str, Any]) -> PreparedArguments:
        display = operation.display
        prepared = prepare_arguments(display, operation.path, operation.parameters, arguments, operation.rules)
        if operation.private:
            self._credentials.require(self._profile.credentials, display)
        return prepared

    def _now_ms(self) -> int:
        return self._clock() + self._offset_ms

    def _build_request(
        self, operation: OperationInfo[Any], prepared: PreparedArguments, options: RequestOptions, state: _Attempt
    ) -> OutgoingRequest:
        """The request for one attempt, signed now (every attempt gets a fresh timestamp)."""
        query = prepared.query  # read, never changed, by the signer
        if options.extra_query:
            query = [*query, *((str(k), str(v)) for k, v in options.extra_query.items())]
        body = b""
        headers: dict[str, str] = {"Accept": "application/json", **self._default_headers}
        if options.extra_headers:
            headers.update(_checked_headers(operation.display, options.extra_headers))
        if self._demo and self._profile.demo_headers:
            headers.update(self._profile.demo_headers)
        if prepared.body is not None or operation.method in ("POST", "PUT"):
            body = json_body(prepared.body or {})
            headers["Content-Type"] = "application/json"
        if operation.private:
            signed = self._signer.sign(
                SigningInput(operation.method, self._routes[operation.family].host, prepared.path, query, body),
                self._credentials,
                self._now_ms(),
            )
            headers.update(self._profile.private_headers)
            headers.update(signed.headers)
            query_string = signed.query
        else:
            query_string = self._signer.encode_query(query)
        target = prepared.path + (f"?{query_string}" if query_string else "")
        timeouts = timeouts_of(options.timeout) if options.timeout is not None else self._timeouts
        return OutgoingRequest(operation.method, target, headers, body, timeouts, state.expires)

    def _log_request(self, operation: OperationInfo[Any], request: OutgoingRequest, attempt: int) -> None:
        if not logger.isEnabledFor(logging.DEBUG):
            return
        sensitive_query = self._signer.sensitive_query
        target, _, query = request.target.partition("?")
        shown = "&".join(
            f"{name}=***" if unquote(name) in sensitive_query else f"{name}={value}"
            for name, _, value in (part.partition("=") for part in query.split("&") if part)
        )
        sensitive = self._signer.sensitive_headers
        headers = {k: ("***" if k.lower() in sensitive else v) for k, v in request.headers.items()}
        logger.debug(
            "%s attempt %d: %s %s%s%s headers=%s",
            operation.display,
            attempt,
            request.method,
            self._routes[operation.family].base_url,
            target,
            f"?{shown}" if shown else "",
            self._credentials.redact(str(headers)),
        )

    def _log_response(self, operation: OperationInfo[Any], response: IncomingResponse, attempt: int) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s response %d: HTTP %d, %d bytes",
                operation.display,
                attempt,
                response.status_code,
                len(response.content),
            )

    # --- rate limiting and retries ---------------------------------------------------------------

    def _draws(self, operation: OperationInfo[Any], prepared: PreparedArguments) -> list[Draw]:
        """The rate-limit units one call takes, by bucket (its scope, key, instrument and items)."""
        if self._rate_limit is None:
            return []
        draws = [
            draw for limit in operation.limits for draw in limit.draws(self._identity, prepared.body, prepared.query)
        ]
        for draw in draws:
            if draw.weight > draw.count:
                raise RequestValidationError(
                    f"{operation.display}: {draw.weight} items in one call exceed the documented limit of "
                    f"{draw.count} per {draw.window:g} s"
                )
        return draws

    def _take_slot(
        self, operation: OperationInfo[Any], draws: list[Draw], state: _Attempt
    ) -> tuple[float, Slot | None]:
        """(0, slot) when the call may go now, else (seconds to wait, None); raises in 'raise' mode,
        and when the wait would outlast the call's deadline."""
        if not draws:
            return 0.0, None
        wait, slot = self._limiter.try_acquire(draws)
        if wait > 0 and self._rate_limit == "raise":
            raise ClientRateLimitError(
                f"{operation.display} would exceed its documented rate limit; it may go in {wait:.3f} s",
                operation=operation.display,
                retry_after=wait,
            )
        left = state.left()
        if wait > 0 and left is not None and wait >= left:
            raise ClientRateLimitError(
                f"{operation.display} may go in {wait:.3f} s by its documented rate limit, past its deadline "
                f"of {state.deadline:g} s ({left:.3f} s left)",
                operation=operation.display,
                retry_after=wait,
            )
        return wait, slot

    def _release(self, slot: Slot | None) -> None:
        if slot is not None:
            self._limiter.release(slot)

    def _start(self, operation: OperationInfo[Any], options: RequestOptions) -> _Attempt:
        """The retry state of a call, its deadline running from now; RequestValidationError
        (nothing sent) for a bad per-call option."""
        try:
            retries = (
                self._retry.max_retries
                if options.max_retries is None
                else checked_retries(options.max_retries, "max_retries")
            )
            if options.timeout is not None:
                checked_timeout(options.timeout, "timeout")
            deadline = self._deadline if options.deadline is None else checked_deadline(options.deadline, "deadline")
        except ValueError as exc:
            raise RequestValidationError(f"{operation.display}: {exc}") from None
        expires = None if deadline is None else time.monotonic() + deadline
        return _Attempt(retries_left=retries, deadline=deadline, expires=expires)

    def _deadline_passed(self, display: str, state: _Attempt) -> APITimeoutError:
        return APITimeoutError(
            f"{display} did not finish within its deadline of {state.deadline:g} s "
            f"({state.number} attempt{'s' if state.number != 1 else ''})",
            operation=display,
        )

    def _next_attempt(self, operation: OperationInfo[Any], error: ExchangeSDKError, state: _Attempt) -> _Retry | None:
        """How to repeat the call after `error` (resync the clock, or wait), or None to raise it.

        A timestamp error gets one clock resync and one more attempt, for any method: the exchange
        rejected the signature, so nothing ran. Other errors are repeated only when transient
        (connection failures, timeouts, 429, 5xx, rate-limit and busy codes), only for operations
        that are safe to repeat, and at most `max_retries` times.
        """
        if isinstance(error, TimestampError) and not state.resynced and self._profile.server_time is not None:
            state.resynced = True
            logger.debug("%s: timestamp rejected (%s); resyncing the clock", operation.display, error.code)
            return _Retry(resync=True, delay=0.0)
        retryable = isinstance(error, APIConnectionError | APIError) and error.retryable
        if not retryable or not operation.idempotent or state.retries_left <= 0:
            return None
        state.retries_left -= 1
        retry_after = error.retry_after if isinstance(error, APIError) else None
        delay = self._retry.delay(state.number, retry_after)
        left = state.left()
        if left is not None and delay >= left:
            logger.debug(
                "%s: not retrying after attempt %d: the wait of %.3f s would outlast the deadline (%.3f s left)",
                operation.display,
                state.number,
                delay,
                left,
            )
            return None
        logger.debug(
            "%s: retrying after attempt %d in %.3f s (%s; %d retries left)",
            operation.display,
            state.number,
            delay,
            type(error).__name__ + (f" {error.code}" if isinstance(error, APIError) and error.code else ""),
            state.retries_left,
        )
        return _Retry(resync=False, delay=delay)

    def _server_time_request(self, state: _Attempt | None) -> OutgoingRequest:
        """The server-time request; within the deadline of the call `state` is of, for a resync."""
        assert self._profile.server_time is not None
        deadline = None if state is None else state.expires
        return OutgoingRequest("GET", self._profile.server_time.path, {"Accept": "application/json"}, deadline=deadline)

    def _apply_server_time(self, response: IncomingResponse, sent_ms: int, received_ms: int) -> int:
        assert self._profile.server_time is not None
        operation = f"{self._profile.id}.sync_time"
        self._check_decoded(operation, response, None)
        content = response.content
        try:
            server_ms = int(_json_pointer(json.loads(content), self._profile.server_time.pointer))
        except (ValueError, KeyError, IndexError, TypeError):
            raise ResponseValidationError(
                f"{self._profile.name} server time: no epoch-ms time at {self._profile.server_time.pointer} "
                f"(HTTP {response.status_code}): {excerpt(content)}",
                operation=operation,
                status_code=response.status_code,
                body_excerpt=excerpt(content),
            ) from None
        self._offset_ms = server_ms - (sent_ms + received_ms) // 2
        logger.debug("%s clock offset is now %d ms", self._profile.name, self._offset_ms)
        return self._offset_ms

    # --- reading a response ------------------------------------------------------------------------

    def _adapter(self, operation: OperationInfo[Any]) -> TypeAdapter[Any]:
        adapter = self._adapters.get(id(operation))
        if adapter is None:
            adapter = self._adapters[id(operation)] = TypeAdapter(operation.response)
        return adapter

    def _envelope(self, operation: OperationInfo[Any]) -> Envelope:
        """Where an operation's responses keep code, message and data: its family's envelope, with
        the operation's own data member when it has one (HTX market data under `tick`)."""
        envelope = self._routes[operation.family].envelope
        if operation.data_member and operation.data_member != envelope.data:
            return replace(envelope, data=operation.data_member)
        return envelope

    def _envelope_model(self, operation: OperationInfo[Any]) -> type[BaseModel]:
        model = self._envelopes.get(id(operation))
        if model is None:
            envelope = self._envelope(operation)
            model = create_model(
                f"{operation.name}_envelope",
                __config__=ConfigDict(extra="ignore"),
                code=(Any, Field(alias=envelope.code)),
                data=(operation.response, Field(default=_MISSING, alias=envelope.data)),
            )
            self._envelopes[id(operation)] = model
        return model

    def _parse_fast(self, operation: OperationInfo[T], content: bytes) -> T | None:
        """The data of a successful, well-formed response, parsed straight from its bytes.

        None when the fast path cannot vouch for the result: not an object, not a success code,
        no data, a validation problem, or a JSON number literal that a float may have cut short
        (the careful path parses those with exact decimals and reports problems precisely).
        """
        flag = lossy_floats()
        token = flag.set(False)
        try:
            # the model's validator itself: model_validate_json() adds a Python layer of checks
            parsed = self._envelope_model(operation).__pydantic_validator__.validate_json(content)
            lossy = flag.get()
        except (ValidationError, TypeError):  # TypeError: see DecimalValue
            return None
        finally:
            flag.reset(token)
        values = parsed.__dict__  # the fields of a model built at run time (code, data)
        data = values["data"]
        success = self._routes[operation.family].envelope.success_codes
        if lossy or data is _MISSING or str(values["code"]) not in success:
            return None
        result: T = data
        return result

    def _parse_response(
        self, operation: OperationInfo[T], response: IncomingResponse, attempts: int, raw: bool = True
    ) -> RawResponse[T] | T:
        """The envelope's data as the spec's models (the RawResponse with them when `raw`), or the
        typed error the response stands for."""
        envelope = self._envelope(operation)
        status = response.status_code
        request_id = None
        for name in self._profile.request_id_headers:
            if name in response.headers:
                request_id = response.headers[name]
                break
        if response.decode_error is not None:
            self._check_decoded(operation.display, response, request_id)
        content = response.content
        if 200 <= status < 300:
            fast = self._parse_fast(operation, content)
            if fast is not None:
                if operation.item_results is not None:
                    self._check_items(operation, fast, response, None, None, request_id)
                return self._raw(operation, response, fast, request_id, attempts) if raw else fast
        if not 200 <= status < 300:
            # An error status: a body that echoes a credential is redacted before anything reads it,
            # so that neither the error (.body, .response) nor a traceback's locals can show it.
            response = replace(response, content=self._credentials.redact_bytes(content))
            content = response.content
        snippet = self._credentials.redact(excerpt(content))
        retry_after = retry_after_seconds(response.headers)
        try:
            body = json.loads(content, parse_float=JsonNumber)
        except ValueError:
            body = None
        if not isinstance(body, dict) or envelope.code not in body:
            if status >= 400:
                raise self._status_error(operation, response, request_id, snippet, retry_after)
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
        items = operation.item_results
        per_item = items is not None and code in items.envelope_codes and bool(body.get(envelope.data))
        if code not in envelope.success_codes and not per_item:
            if envelope.error_code is not None and body.get(envelope.error_code) is not None:
                code = str(body[envelope.error_code])  # HTX spot: status "error", the code in err-code
            raise self._api_error(operation, response, code, message, request_id, snippet, retry_after)
        if status >= 400:
            raise self._status_error(operation, response, request_id, snippet, retry_after)
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
                self._credentials.redact(f"{operation.display}: the response does not match the spec: {problems}"),
                operation=operation.display,
                status_code=status,
                code=code,
                request_id=request_id,
                body_excerpt=snippet,
            ) from None
        if items is not None:
            self._check_items(operation, parsed, response, code, message, request_id)
        return self._raw(operation, response, parsed, request_id, attempts) if raw else parsed

    def _check_items(
        self,
        operation: OperationInfo[Any],
        parsed: Any,
        response: IncomingResponse,
        code: str | None,
        message: Any,
        request_id: str | None,
    ) -> None:
        """PartialFailureError when an item of a per-item response failed, with every item."""
        items = operation.item_results
        assert items is not None
        route = self._routes[operation.family]
        results = list(parsed) if isinstance(parsed, list) else [parsed]
        failures = []
        for index, result in enumerate(results):
            item_code = getattr(result, items.code, None)
            if item_code is None or str(item_code) in items.success_codes:
                continue
            known = route.errors.get(str(item_code))
            text = self._credentials.redact(str(getattr(result, items.message, None) or ""))
            failures.append(ItemFailure(index, result, str(item_code), text, known.kind if known else "other"))
        if not failures:
            if code is not None and code not in route.envelope.success_codes:
                snippet = self._credentials.redact(excerpt(response.content))
                raise self._api_error(operation, response, code, message, request_id, snippet, None)
            return
        if code is None:  # the fast path read only the data: the envelope's code and message
            body = json.loads(response.content, parse_float=JsonNumber)
            code, message = str(body[route.envelope.code]), body.get(route.envelope.message)
        shown = "; ".join(f"[{f.index}] {f.code} {f.message}".rstrip() for f in failures[:5])
        suffix = f", request id {request_id}" if request_id else ""
        envelope_text = self._credentials.redact(str(message) if message is not None else "")
        raise PartialFailureError(
            f"{operation.display}: {len(failures)} of {len(results)} items failed "
            f"({self._profile.name} code {code}{suffix}): {shown}",
            results=results,
            failures=failures,
            operation=operation.display,
            status_code=response.status_code,
            code=code,
            exchange_message=envelope_text,
            request_id=request_id,
            body_excerpt=self._credentials.redact(excerpt(response.content)),
            response=replace(response, content=self._credentials.redact_bytes(response.content)),
        )

    def _check_decoded(self, display: str, response: IncomingResponse, request_id: str | None) -> None:
        """ResponseValidationError if the body's Content-Encoding could not be undone."""
        if response.decode_error is None:
            return
        raise ResponseValidationError(
            f"{display}: the response body does not decode: {response.decode_error} (HTTP {response.status_code})",
            operation=display,
            status_code=response.status_code,
            request_id=request_id,
        )

    def _raw(
        self,
        operation: OperationInfo[Any],
        response: IncomingResponse,
        parsed: T,
        request_id: str | None,
        attempts: int,
    ) -> RawResponse[T]:
        limits = {
            name: response.headers[header]
            for name, header in self._profile.rate_limit_headers.items()
            if header in response.headers
        }
        return RawResponse(
            response.status_code,
            response.headers,
            response.content,
            parsed,
            request_id,
            limits,
            attempts,
            self._envelope(operation).data,
        )

    def _api_error(
        self,
        operation: OperationInfo[Any],
        response: IncomingResponse,
        code: str,
        message: Any,
        request_id: str | None,
        snippet: str,
        retry_after: float | None,
    ) -> APIError:
        status = response.status_code
        known = self._routes[operation.family].errors.get(code)
        cls = ERROR_CLASSES[known.kind] if known else class_for_status(status)
        if status >= 400:
            cls = status_class(cls)
        text = self._credentials.redact(str(message) if message is not None else "")
        if not text.strip() and known is not None and known.message:
            text = known.message  # no message in the body (HTX): the documented text of the code
        suffix = f", request id {request_id}" if request_id else ""
        retryable = bool(known and (known.retryable or known.kind == "rate_limit")) or (
            known is None and (status == 429 or status >= 500)
        )
        return cls(
            f"{operation.display} failed: {self._profile.name} error {code}: {text} (HTTP {status}{suffix})",
            operation=operation.display,
            status_code=status,
            code=code,
            exchange_message=text,
            request_id=request_id,
            body_excerpt=snippet,
            retryable=retryable,
            retry_after=retry_after,
            response=replace(response, content=self._credentials.redact_bytes(response.content)),
        )

    def _status_error(
        self,
        operation: OperationInfo[Any],
        response: IncomingResponse,
        request_id: str | None,
        snippet: str,
        retry_after: float | None,
    ) -> APIError:
        status = response.status_code
        return status_class(class_for_status(status))(
            f"{operation.display} failed: HTTP {status}: {snippet}",
            operation=operation.display,
            status_code=status,
            code=None,
            exchange_message=None,
            request_id=request_id,
            body_excerpt=snippet,
            retryable=status == 429 or status >= 500,
            retry_after=retry_after,
            response=response,
        )

    def _connection_error(
        self, display: str, failure: TransportFailure, state: _Attempt | None = None
    ) -> APIConnectionError:
        if failure.timeout and state is not None and state.left() == 0:
            return self._deadline_passed(display, state)
        detail = self._credentials.redact(str(failure))
        if failure.timeout:
            return APITimeoutError(f"{display} timed out: {detail}", operation=display)
        return APIConnectionError(
            f"{display} could not connect: {detail}", operation=display, retryable=failure.retryable
        )


class SyncAPIClient(BaseClient):
    """A blocking client; use it as a context manager or call close(). Thread-safe."""

    def __init__(
        self,
        profile: ExchangeProfile,
        *,
        credentials: Mapping[str, str | None],
        base_url: str | None = None,
        base_urls: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        http_client: Any = None,
        proxy: str | None = None,
        trust_env: bool = True,
        verify: VerifyTypes = True,
        limits: Limits | None = None,
        default_headers: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        deadline: float | None = DEFAULT_DEADLINE,
        demo: bool = False,
        rate_limit: RateLimitMode = "wait",
        limiter: RateLimiter | None = None,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        super().__init__(
            profile,
            credentials=credentials,
            base_url=base_url,
            base_urls=base_urls,
            clock=clock,
            demo=demo,
            rate_limit=rate_limit,
            limiter=limiter,
            max_retries=max_retries,
            retry_policy=retry_policy,
            default_headers=default_headers,
            deadline=deadline,
        )
        # One connection pool for every API family: urllib3's, or the caller's client (_sender.py).
        checked_timeout(timeout, "timeout")
        connection = Connection(http_client, transport, proxy, trust_env, verify, limits or Limits())
        self._senders = senders_for(connection, {name: route.base_url for name, route in self._routes.items()}, timeout)
        self._sender = self._senders[""]

    def request_raw(
        self, operation: OperationInfo[T], arguments: Mapping[str, Any], options: RequestOptions = NO_OPTIONS
    ) -> RawResponse[T]:
        """Call `operation` and return the HTTP response with the parsed data."""
        token = RAW_RESPONSE.set(True)
        try:
            return cast(RawResponse[T], self.request(operation, arguments, options))
        finally:
            RAW_RESPONSE.reset(token)

    def request(
        self, operation: OperationInfo[T], arguments: Mapping[str, Any], options: RequestOptions = NO_OPTIONS
    ) -> T:
        """Call `operation` and return the envelope's data as the spec's models (the RawResponse
        for a call through `with_raw_response`, see _raw_response.py)."""
        raw = RAW_RESPONSE.get()
        prepared = self._prepare(operation, arguments)
        draws = self._draws(operation, prepared)
        state = self._start(operation, options)
        while True:
            while (taken := self._take_slot(operation, draws, state))[0] > 0:
                time.sleep(taken[0])
            state.number += 1
            try:
                try:
                    request = self._build_request(operation, prepared, options, state)
                    self._log_request(operation, request, state.number)
                    response = self._senders[operation.family].send(request)
                except TransportFailure as failure:
                    raise self._connection_error(operation.display, failure, state) from None
                finally:
                    self._release(taken[1])
                self._log_response(operation, response, state.number)
                return cast(T, self._parse_response(operation, response, state.number, raw))
            except ExchangeSDKError as error:
                retry = self._next_attempt(operation, error, state)
                if retry is None:
                    raise
                if retry.resync:
                    try:
                        self._sync_time(state)
                    except ExchangeSDKError as sync_error:
                        raise error from sync_error
                time.sleep(retry.delay)

    def paginate(
        self,
        operation: OperationInfo[Any],
        arguments: Mapping[str, Any],
        options: RequestOptions = NO_OPTIONS,
        max_items: int | None = None,
    ) -> Iterator[Any]:
        """Every item of every page of `operation`, in order, at most `max_items`: each page is a
        call like `request` (signed, rate limited, retried), the next one's arguments come from
        the operation's pagination (see _pagination.py)."""
        pagination = _pagination_of(operation, max_items)
        left = max_items
        while True:
            page = self.request(operation, arguments, options)
            for item in page:
                yield item
                if left is not None and (left := left - 1) == 0:
                    return
            following = pagination.next_arguments(arguments, page)
            if following is None:
                return
            arguments = following

    def sync_time(self) -> int:
        """Measure the exchange's clock and apply the offset to every later signature.

        Returns the offset in milliseconds (exchange minus local). Raises APIConnectionError or
        ResponseValidationError; ValueError when the exchange documents no server-time endpoint.
        """
        return self._sync_time(None)

    def _sync_time(self, state: _Attempt | None) -> int:
        """sync_time(); for a resync within a call, bounded by that call's deadline (`state`)."""
        if self._profile.server_time is None:
            raise ValueError(f"{self._profile.name} documents no server-time endpoint")
        sent = self._clock()
        try:
            response = self._sender.send(self._server_time_request(state))
        except TransportFailure as failure:
            raise self._connection_error(f"{self._profile.name} server time", failure, state) from None
        return self._apply_server_time(response, sent, self._clock())

    def close(self) -> None:
        """Close the connection pool (of this client and its with_options() copies); closing a
        copy closes nothing."""
        if not self._owns_connection:
            return
        for sender in self._senders.values():  # they share one pool; closing it again is harmless
            sender.close()

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
        base_urls: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: Any = None,
        proxy: str | None = None,
        trust_env: bool = True,
        verify: VerifyTypes = True,
        limits: Limits | None = None,
        default_headers: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        timeout: TimeoutTypes = DEFAULT_TIMEOUT,
        deadline: float | None = DEFAULT_DEADLINE,
        demo: bool = False,
        rate_limit: RateLimitMode = "wait",
        limiter: RateLimiter | None = None,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
    ) -> None:
        super().__init__(
            profile,
            credentials=credentials,
            base_url=base_url,
            base_urls=base_urls,
            clock=clock,
            demo=demo,
            rate_limit=rate_limit,
            limiter=limiter,
            max_retries=max_retries,
            retry_policy=retry_policy,
            default_headers=default_headers,
            deadline=deadline,
        )
        # One aiohttp session for every API family, or the caller's client (_sender.py).
        checked_timeout(timeout, "timeout")
        connection = Connection(http_client, transport, proxy, trust_env, verify, limits or Limits())
        self._senders = async_senders_for(
            connection, {name: route.base_url for name, route in self._routes.items()}, timeout
        )
        self._sender = self._senders[""]
        self._deadlines = DeadlineWatch()  # shared with the copies, as the senders are

    async def request_raw(
        self, operation: OperationInfo[T], arguments: Mapping[str, Any], options: RequestOptions = NO_OPTIONS
    ) -> RawResponse[T]:
        """Call `operation` and return the HTTP response with the parsed data."""
        token = RAW_RESPONSE.set(True)
        try:
            return cast(RawResponse[T], await self.request(operation, arguments, options))
        finally:
            RAW_RESPONSE.reset(token)

    async def request(
        self, operation: OperationInfo[T], arguments: Mapping[str, Any], options: RequestOptions = NO_OPTIONS
    ) -> T:
        """Call `operation` and return the envelope's data as the spec's models (the RawResponse
        for a call through `with_raw_response`)."""
        raw = RAW_RESPONSE.get()
        prepared = self._prepare(operation, arguments)
        draws = self._draws(operation, prepared)
        state = self._start(operation, options)
        while True:
            while (taken := self._take_slot(operation, draws, state))[0] > 0:
                await asyncio.sleep(taken[0])
            state.number += 1
            try:
                try:
                    request = self._build_request(operation, prepared, options, state)
                    self._log_request(operation, request, state.number)
                    response = await self._send_in_time(self._senders[operation.family], request)
                except TransportFailure as failure:
                    raise self._connection_error(operation.display, failure, state) from None
                finally:
                    self._release(taken[1])
                self._log_response(operation, response, state.number)
                return cast(T, self._parse_response(operation, response, state.number, raw))
            except ExchangeSDKError as error:
                retry = self._next_attempt(operation, error, state)
                if retry is None:
                    raise
                if retry.resync:
                    try:
                        await self._sync_time(state)
                    except ExchangeSDKError as sync_error:
                        raise error from sync_error
                await asyncio.sleep(retry.delay)

    async def paginate(
        self,
        operation: OperationInfo[Any],
        arguments: Mapping[str, Any],
        options: RequestOptions = NO_OPTIONS,
        max_items: int | None = None,
    ) -> AsyncIterator[Any]:
        """Every item of every page of `operation`, in order, at most `max_items` (see the sync client)."""
        pagination = _pagination_of(operation, max_items)
        left = max_items
        while True:
            page = await self.request(operation, arguments, options)
            for item in page:
                yield item
                if left is not None and (left := left - 1) == 0:
                    return
            following = pagination.next_arguments(arguments, page)
            if following is None:
                return
            arguments = following

    async def sync_time(self) -> int:
        """Measure the exchange's clock and apply the offset to every later signature (see the sync client)."""
        return await self._sync_time(None)

    async def _sync_time(self, state: _Attempt | None) -> int:
        """sync_time(); for a resync within a call, bounded by that call's deadline (`state`)."""
        if self._profile.server_time is None:
            raise ValueError(f"{self._profile.name} documents no server-time endpoint")
        sent = self._clock()
        try:
            response = await self._send_in_time(self._sender, self._server_time_request(state))
        except TransportFailure as failure:
            raise self._connection_error(f"{self._profile.name} server time", failure, state) from None
        return self._apply_server_time(response, sent, self._clock())

    def _send_in_time(
        self, sender: AiohttpSender | AsyncHttpxSender, request: OutgoingRequest
    ) -> Awaitable[IncomingResponse]:
        """The sender's answer to `request`, cut off when the request's deadline passes
        (_deadline.py). A plain function returning the awaitable, so a call has no extra coroutine layer."""
        if request.deadline is None:
            return sender.send(request)
        if time_left(request.deadline) == 0:
            raise TransportFailure("the call's deadline passed before the request was sent", timeout=True)
        return self._deadlines.bound(sender.send(request), request.deadline)

    async def aclose(self) -> None:
        """Close the aiohttp session (of this client and its with_options() copies); closing a
        copy closes nothing."""
        if not self._owns_connection:
            return
        for sender in self._senders.values():  # they share one session; closing it again is harmless
            await sender.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()
