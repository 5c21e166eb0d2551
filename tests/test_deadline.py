"""The async clients' deadline watch (templates/runtime/_deadline.py): one timer for every attempt
in flight, each attempt cut off when its own deadline passes, and cancellations that are not the
watch's left as they are. The clients' deadlines end to end are in test_sender.py and test_options.py."""

from __future__ import annotations

import asyncio
import time

import pytest
from exchange_sdk._runtime._deadline import DeadlineWatch
from exchange_sdk._runtime._sender import TransportFailure


async def _answer(after: float, value: str) -> str:
    await asyncio.sleep(after)
    return value


def test_each_attempt_ends_at_its_own_deadline_and_the_others_finish():
    async def main() -> list[object]:
        watch = DeadlineWatch()
        now = time.monotonic()
        attempts = [
            watch.bound(_answer(0.05, "quick"), now + 5),
            watch.bound(_answer(5, "too slow"), now + 0.2),
            watch.bound(_answer(5, "slower than its deadline"), now + 0.4),
            watch.bound(_answer(0.3, "in time"), now + 5),
        ]
        started = time.monotonic()
        results = await asyncio.gather(*attempts, return_exceptions=True)
        assert time.monotonic() - started < 1.0
        assert watch._deadlines == {} and watch._expired == set()  # nothing left behind
        return results

    quick, slow, slower, in_time = asyncio.run(main())
    assert (quick, in_time) == ("quick", "in time")
    for failure in (slow, slower):
        assert isinstance(failure, TransportFailure) and failure.timeout


def test_a_cancellation_that_is_not_the_watchs_goes_on():
    async def main() -> None:
        watch = DeadlineWatch()
        task = asyncio.create_task(watch.bound(_answer(5, "never"), time.monotonic() + 10))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert watch._deadlines == {}

    asyncio.run(main())


def test_a_caller_cancelling_as_the_deadline_passes_still_cancels():
    """Both the watch and the caller cancelled the task: the caller's cancellation wins, as with
    asyncio.timeout; the task is not told that its deadline passed."""

    async def main() -> None:
        watch = DeadlineWatch()

        async def attempt() -> str:
            try:
                return await _answer(5, "never")
            finally:
                await asyncio.sleep(0)

        task = asyncio.create_task(watch.bound(attempt(), time.monotonic() + 0.1))

        def cancel_too() -> None:
            watch._fire()  # the deadline's timer
            task.cancel()  # and the caller, in the same turn of the loop

        await asyncio.sleep(0.02)
        for cell in list(watch._deadlines):
            watch._deadlines[cell] = time.monotonic()  # the deadline is now
        asyncio.get_running_loop().call_soon(cancel_too)
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())


def test_one_watch_serves_one_event_loop_after_another():
    watch = DeadlineWatch()

    async def cut_off() -> None:
        with pytest.raises(TransportFailure):
            await watch.bound(_answer(5, "never"), time.monotonic() + 0.1)

    started = time.monotonic()
    asyncio.run(cut_off())
    asyncio.run(cut_off())  # the timer of the first loop is gone with it; the second sets its own
    assert time.monotonic() - started < 1.5


def test_many_attempts_in_flight_share_one_timer():
    async def main() -> None:
        watch = DeadlineWatch()
        loop = asyncio.get_running_loop()
        before = len(loop._scheduled)  # type: ignore[attr-defined]
        deadline = time.monotonic() + 60
        gathered = asyncio.gather(*(watch.bound(_answer(0.05, "ok"), deadline + i) for i in range(50)))
        await asyncio.sleep(0.01)
        # 50 sleeps, and one timer for all 50 deadlines
        assert len([h for h in loop._scheduled if not h.cancelled()]) - before == 51  # type: ignore[attr-defined]
        assert await gathered == ["ok"] * 50

    asyncio.run(main())
