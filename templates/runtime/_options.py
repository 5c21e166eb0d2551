"""Per-call options, retry policy, and the raw-response view."""

from __future__ import annotations

import email.utils
import json
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")
TimeoutTypes = float | httpx.Timeout


@dataclass(frozen=True, slots=True)
class RequestOptions:
    """What a single call may override: `timeout`, `max_retries`, and extra headers or query
    parameters (sent, and signed, with the call)."""

    timeout: TimeoutTypes | None = None
    max_retries: int | None = None
    extra_headers: Mapping[str, str] | None = None
    extra_query: Mapping[str, str] | None = None


NO_OPTIONS = RequestOptions()


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Capped exponential backoff with full jitter: the n-th retry waits a random time up to
    min(max_delay, initial_delay * 2**(n-1)) seconds, or what Retry-After says."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, retry_number: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), 60.0)
        ceiling = min(self.max_delay, self.initial_delay * 2 ** (retry_number - 1))
        return random.uniform(ceiling / 2, ceiling)


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), if any."""
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - time.time(), 0.0)


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
