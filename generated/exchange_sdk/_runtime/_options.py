# DO NOT EDIT: copied by sdkgen from templates/runtime/_options.py
"""Per-call options, retry policy, and the raw-response view."""

from __future__ import annotations

import datetime
import email.utils
import json
import math
import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final, Generic, TypeVar

import httpx

T = TypeVar("T")
TimeoutTypes = float | httpx.Timeout


class NotGiven:
    """The default of `with_options()` arguments: keep the client's setting (None may mean
    something, e.g. `deadline=None` for no deadline)."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()


# The records every call makes (these options, PreparedArguments, SigningInput, Signed, Draw) are
# slotted dataclasses that nothing changes once made, not frozen ones: a frozen dataclass sets
# each field through object.__setattr__, which cost about 0.5 microseconds a record.
@dataclass(slots=True)
class RequestOptions:
    """What a single call may override: `timeout` (each wait for the network), `max_retries`,
    extra headers or query parameters (sent, and signed, with the call) and `deadline` (seconds
    the whole call may take, retries and waits included)."""

    timeout: TimeoutTypes | None = None
    max_retries: int | None = None
    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, str] | None = None
    deadline: float | None = None


NO_OPTIONS = RequestOptions()


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Capped exponential backoff with full jitter: the n-th retry waits a random time up to
    min(max_delay, initial_delay * 2**(n-1)) seconds, or what Retry-After says."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0  # a longer Retry-After is waited only this long

    def delay(self, retry_number: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        ceiling = min(self.max_delay, self.initial_delay * 2 ** (retry_number - 1))
        return random.uniform(ceiling / 2, ceiling)


_DELTA_SECONDS = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,6})?")


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """Seconds from a Retry-After header: delta-seconds (digits, as RFC 9110 says, with a fraction
    tolerated) or an HTTP date; None for anything else (`nan`, `inf`, `-1`, `1e9`, text), which
    then waits the retry policy's backoff."""
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    if _DELTA_SECONDS.fullmatch(value):
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # an HTTP date is in GMT
        moment = moment.replace(tzinfo=datetime.UTC)
    return max(moment.timestamp() - time.time(), 0.0)


def checked_retries(value: object, where: str) -> int:
    """`value` as a number of retries, or ValueError naming `where`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{where} must be a whole number of retries, 0 or more; got {value!r}")
    return value


def checked_timeout(value: object, where: str) -> TimeoutTypes:
    """`value` as a timeout (seconds above 0, or an httpx.Timeout whose set parts are), or
    ValueError naming `where`."""
    parts = list(value.as_dict().values()) if isinstance(value, httpx.Timeout) else [value]
    for part in parts:
        if part is None and isinstance(value, httpx.Timeout):
            continue
        if isinstance(part, bool) or not isinstance(part, int | float) or not math.isfinite(part) or part <= 0:
            raise ValueError(f"{where} must be a number of seconds above 0 (or an httpx.Timeout); got {value!r}")
    assert isinstance(value, int | float | httpx.Timeout)
    return value


def checked_deadline(value: object, where: str) -> float | None:
    """`value` as a deadline (seconds above 0, or None for none), or ValueError naming `where`."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{where} must be a number of seconds above 0, or None for no deadline; got {value!r}")
    return float(value)


@dataclass(frozen=True, slots=True)
class RawResponse(Generic[T]):
    """A call's HTTP response with its parsed data: what `client.with_raw_response...` returns.

    `rate_limit` holds the exchange's rate-limit headers (limit, remaining, reset, interval) when
    it sends them; `attempts` counts the requests made, retries included; `envelope` the body's
    members beside the data (`data_member`).
    """

    status_code: int
    headers: httpx.Headers
    content: bytes
    parsed: T
    request_id: str | None = None
    rate_limit: Mapping[str, str] = field(default_factory=dict)
    attempts: int = 1
    data_member: str = "data"

    @property
    def envelope(self) -> dict[str, Any]:
        """The body's members beside the data (OKX `inTime`/`outTime`, Bitget `requestTime`, the
        code and message), as JSON values with numbers kept exact; empty when the body is not a
        JSON object."""
        try:
            body = json.loads(self.content, parse_float=Decimal)
        except ValueError:
            return {}
        return {key: value for key, value in body.items() if key != self.data_member} if isinstance(body, dict) else {}
