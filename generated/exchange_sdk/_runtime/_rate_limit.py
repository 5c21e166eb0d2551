# DO NOT EDIT: copied by sdkgen from templates/runtime/_rate_limit.py
"""Client-side rate limiting from the specs' documented limits.

A sliding-window log per bucket. A call may go when every bucket it draws from (the endpoint's
own limit and any shared bucket) holds fewer than `count` calls in the last `window` seconds.
Each call's slot stays pending while the call is in flight and is then stamped with the time
its response came back: the exchange received the request before that moment, and the next
call goes only after its window has passed from there, so the documented limit holds for the
arrival times the exchange sees, in every window, however long requests take to get out.

One limiter holds one UID's buckets; give the same limiter to several clients of one account
to share them. Thread-safe, and usable from asyncio (waiting never happens under the lock).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

PENDING = math.inf  # the stamp of a slot whose call is still in flight


@dataclass(frozen=True, slots=True)
class Limit:
    """`count` calls per `window` seconds, tracked under `key` (shared by every operation naming it)."""

    key: str
    count: int
    window: float


class Slot:
    """The places one call took in its buckets; `RateLimiter.release` stamps them."""

    __slots__ = ("_stamps",)

    def __init__(self, stamps: list[list[float]]) -> None:
        self._stamps = stamps


class RateLimiter:
    """Remembers when calls went, per bucket, and says how long the next one must wait.

    `safety_margin` (seconds) is added to every window, for clock granularity on either side.
    `poll` is how long a caller waits when a bucket is full of calls still in flight.
    """

    def __init__(
        self, *, safety_margin: float = 0.01, poll: float = 0.005, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._lock = threading.Lock()
        self._stamps: dict[str, list[list[float]]] = {}
        self._margin = safety_margin
        self._poll = poll
        self._clock = clock

    def _wait_locked(self, limits: Sequence[Limit], now: float) -> float:
        wait = 0.0
        for limit in limits:
            stamps = self._stamps.get(limit.key)
            if not stamps:
                continue
            horizon = now - limit.window - self._margin
            stamps[:] = [s for s in stamps if s[0] > horizon]  # forget what left every window
            if len(stamps) < limit.count:
                continue
            ordered = sorted(s[0] for s in stamps)
            frees_at = ordered[len(ordered) - limit.count]  # when enough slots will have left the window
            wait = max(wait, self._poll if frees_at == PENDING else frees_at + limit.window + self._margin - now)
        return wait

    def try_acquire(self, limits: Sequence[Limit]) -> tuple[float, Slot | None]:
        """Take a pending slot in every bucket, or take nothing and say how many seconds to wait."""
        with self._lock:
            wait = self._wait_locked(limits, self._clock())
            if wait > 0:
                return wait, None
            taken = []
            for limit in limits:
                stamp = [PENDING]
                self._stamps.setdefault(limit.key, []).append(stamp)
                taken.append(stamp)
            return 0.0, Slot(taken)

    def release(self, slot: Slot) -> None:
        """The call's response came back (or it failed): stamp its slots with the time now."""
        with self._lock:
            now = self._clock()
            for stamp in slot._stamps:
                stamp[0] = now
