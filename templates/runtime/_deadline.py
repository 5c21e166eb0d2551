"""Deadlines of the async clients' calls: one timer for all the attempts in flight.

An attempt of an async call must end when its call's deadline passes, however slowly the server
answers. `asyncio.timeout` does that with a timer per attempt, which cost about 18 microseconds
a call among 50 concurrent ones (bench/README.md): each timer is pushed on the event loop's heap
and cancelled again, as nearly all calls end long before their deadline. `DeadlineWatch` keeps
the attempts in a dict instead, and one timer, set for the earliest deadline; when it fires it
cancels the attempts whose deadline passed and sets itself for the next one. The attempt then
raises `TransportFailure(timeout=True)` in place of the cancellation, unless the task was also
cancelled by someone else (that cancellation goes on, as with `asyncio.timeout`).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable
from typing import Any, TypeVar

from ._sender import TransportFailure

T = TypeVar("T")


class DeadlineWatch:
    """The attempts of one async client (and its copies) in flight, by task, with their deadlines."""

    def __init__(self) -> None:
        self._deadlines: dict[asyncio.Task[Any], float] = {}  # time.monotonic() instants
        self._expired: set[asyncio.Task[Any]] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf
        self._loop: asyncio.AbstractEventLoop | None = None

    async def bound(self, attempt: Awaitable[T], deadline: float) -> T:
        """What `attempt` returns, or TransportFailure(timeout=True) once `deadline` (a
        time.monotonic() instant) passes."""
        task = asyncio.current_task()
        if task is None:  # pragma: no cover - not in a task: asyncio.timeout needs one too
            raise RuntimeError("an async call must run in an asyncio task")
        cancelling = task.cancelling()
        self._watch(task, deadline)
        try:
            result = await attempt
        except asyncio.CancelledError:
            if self._forget(task) and task.uncancel() <= cancelling:
                raise TransportFailure("the call's deadline passed", timeout=True) from None
            raise
        except BaseException:
            self._forget(task)
            raise
        if self._forget(task):  # cancelled as the answer came, and the attempt kept it: take it back
            task.uncancel()
        return result

    def _watch(self, task: asyncio.Task[Any], deadline: float) -> None:
        self._deadlines[task] = deadline
        loop = asyncio.get_running_loop()
        if deadline < self._timer_at or loop is not self._loop:
            self._arm(loop, deadline)

    def _forget(self, task: asyncio.Task[Any]) -> bool:
        """Stop watching `task`; True when the watch cancelled it."""
        self._deadlines.pop(task, None)
        if task in self._expired:
            self._expired.discard(task)
            return True
        return False

    def _arm(self, loop: asyncio.AbstractEventLoop, deadline: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._loop, self._timer_at = loop, deadline
        self._timer = loop.call_at(loop.time() + max(deadline - time.monotonic(), 0.0), self._fire)

    def _fire(self) -> None:
        self._timer, self._timer_at = None, math.inf
        now = time.monotonic()
        for task, deadline in list(self._deadlines.items()):
            if deadline <= now:
                del self._deadlines[task]
                self._expired.add(task)
                task.cancel()
        if self._deadlines and self._loop is not None and not self._loop.is_closed():
            self._arm(self._loop, min(self._deadlines.values()))
