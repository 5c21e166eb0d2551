"""Client-side rate limiting from the specs' documented limits.

A sliding-window log per bucket: a call may go when every bucket it draws from (the endpoint's
own limit and any shared bucket) has had fewer than `count` calls in the last `window` seconds,
so the documented limit holds in every window, not only on average. One limiter holds one
UID's buckets; give the same limiter to several clients of one account to share them.
Thread-safe, and usable from asyncio (waiting never happens while the lock is held).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limit:
    """`count` calls per `window` seconds, tracked under `key` (shared by every operation naming it)."""

    key: str
    count: int
    window: float


class RateLimiter:
    """Remembers when calls went, per bucket, and says how long the next one must wait.

    `safety_margin` (seconds) is added to every window: the exchange counts arrival times, which
    jitter by a few milliseconds around the send times this limiter sees.
    """

    def __init__(self, *, safety_margin: float = 0.05, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._sent: dict[str, deque[float]] = {}
        self._margin = safety_margin
        self._clock = clock

    def _wait_locked(self, limits: Sequence[Limit], now: float) -> float:
        wait = 0.0
        for limit in limits:
            sent = self._sent.get(limit.key)
            if sent is None or len(sent) < limit.count:
                continue
            oldest = sent[len(sent) - limit.count]
            wait = max(wait, oldest + limit.window + self._margin - now)
        return wait

    def try_acquire(self, limits: Sequence[Limit]) -> float:
        """Take a slot in every bucket and return 0, or take nothing and return the seconds to wait."""
        with self._lock:
            now = self._clock()
            wait = self._wait_locked(limits, now)
            if wait > 0:
                return wait
            for limit in limits:
                sent = self._sent.setdefault(limit.key, deque())
                sent.append(now)
                while len(sent) > limit.count:
                    sent.popleft()
            return 0.0

    def acquire(self, limits: Sequence[Limit]) -> None:
        """Block until a call may go, then take its slots."""
        while (wait := self.try_acquire(limits)) > 0:
            time.sleep(wait)

    async def acquire_async(self, limits: Sequence[Limit]) -> None:
        """Await (without blocking the event loop) until a call may go, then take its slots."""
        while (wait := self.try_acquire(limits)) > 0:
            await asyncio.sleep(wait)
