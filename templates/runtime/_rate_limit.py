"""Client-side rate limiting from the specs' documented limits.

A sliding-window log per bucket. A call may go when every bucket it draws from (the endpoint's
own limit and any shared bucket) holds fewer than `count` calls in the last `window` seconds.
Each call's slot stays pending while the call is in flight and is then stamped with the time
its response came back: the exchange received the request before that moment, and the next
call goes only after its window has passed from there, so the documented limit holds for the
arrival times the exchange sees, in every window, however long requests take to get out.

Buckets are named by scope (see `Limit`): every client uses the process-wide SHARED_LIMITER
unless given its own, so IP limits hold for the whole process and UID limits for all clients of
one API key. A call of a batch endpoint weighs one unit per item, in the bucket of each item's
instrument where the limit is per instrument. Thread-safe, and usable from asyncio (waiting
never happens under the lock).
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

PENDING = math.inf  # the stamp of a slot whose call is still in flight


@dataclass(frozen=True, slots=True)
class Limit:
    """A documented limit: `count` units per `window` seconds, tracked under `key` (shared by every
    operation naming it), per `scope`:

    - "ip": one bucket for every client of the process (they share the machine's address);
    - "uid" and "api_key": one bucket per API key (the exchange counts per account or key);
    - "uid+instrument": one per API key and instrument, named by the wire member `instrument`
      (of each item of `per_item`'s array, or of the request itself).

    A call takes one unit, or with `per_item` (the wire name of an array body member, "" for a
    bare-array body) one per item.
    """

    key: str
    count: int
    window: float
    scope: str = "uid"
    instrument: str | None = None
    per_item: str | None = None

    def draws(self, identity: str, body: Any, query: Sequence[tuple[str, str]]) -> list[Draw]:
        """The units one call takes, by bucket: `identity` names the API key, `body` and `query`
        are the request as sent (wire names)."""
        bucket = f"ip|{self.key}" if self.scope == "ip" else f"{identity}|{self.key}"
        items: Any = None
        if self.per_item is not None:
            items = body if self.per_item == "" else body.get(self.per_item) if isinstance(body, dict) else None
            items = items if isinstance(items, list) else None
        if self.scope != "uid+instrument" or self.instrument is None:
            return [Draw(bucket, self.count, self.window, max(len(items), 1) if items is not None else 1)]
        if items is not None:
            counts = Counter(str(item.get(self.instrument)) if isinstance(item, dict) else "" for item in items)
        else:
            named = body.get(self.instrument) if isinstance(body, dict) else dict(query).get(self.instrument)
            counts = Counter([str(named)])
        return [Draw(f"{bucket}|{instrument}", self.count, self.window, n) for instrument, n in sorted(counts.items())]


@dataclass(slots=True)  # made for every call: not frozen (see RequestOptions)
class Draw:
    """What one call takes from one bucket: `weight` of its `count` units per `window` seconds."""

    key: str
    count: int
    window: float
    weight: int = 1


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

    def _wait_locked(self, draws: Sequence[Draw], now: float) -> float:
        wait = 0.0
        for draw in draws:
            stamps = self._stamps.get(draw.key)
            if not stamps:
                continue
            horizon = now - draw.window - self._margin
            stamps[:] = [s for s in stamps if s[0] > horizon]  # forget what left every window
            room = draw.count - draw.weight  # stamps that may stay in the window
            if len(stamps) <= room:
                continue
            ordered = sorted(s[0] for s in stamps)
            frees_at = ordered[len(ordered) - room - 1]  # when enough stamps will have left the window
            wait = max(wait, self._poll if frees_at == PENDING else frees_at + draw.window + self._margin - now)
        return wait

    def try_acquire(self, draws: Sequence[Draw]) -> tuple[float, Slot | None]:
        """Take pending slots (`weight` in each bucket), or take nothing and say how many seconds
        to wait. ValueError when a draw weighs more than its bucket ever holds."""
        for draw in draws:
            if draw.weight > draw.count:
                raise ValueError(f"{draw.weight} units exceed the documented {draw.count} per {draw.window:g} s")
        with self._lock:
            wait = self._wait_locked(draws, self._clock())
            if wait > 0:
                return wait, None
            taken = []
            for draw in draws:
                bucket = self._stamps.setdefault(draw.key, [])
                for _ in range(draw.weight):
                    stamp = [PENDING]
                    bucket.append(stamp)
                    taken.append(stamp)
            return 0.0, Slot(taken)

    def release(self, slot: Slot) -> None:
        """The call's response came back (or it failed): stamp its slots with the time now."""
        with self._lock:
            now = self._clock()
            for stamp in slot._stamps:
                stamp[0] = now


SHARED_LIMITER = RateLimiter()
"""The default limiter of every client: IP buckets are shared by all clients of the process, UID
and API-key buckets by the clients of one key (Limit.draws names them)."""
