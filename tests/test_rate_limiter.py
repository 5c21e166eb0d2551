"""The rate limiter alone, on a fake clock: sliding windows, shared buckets, in-flight slots."""

from __future__ import annotations

from exchange_sdk import RateLimiter
from exchange_sdk._runtime._rate_limit import Draw


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


OWN_A = Draw("a", 3, 1.0)
OWN_B = Draw("b", 3, 1.0)
SHARED = Draw("shared", 4, 2.0)


def test_a_bucket_admits_count_calls_per_window_then_says_how_long_to_wait():
    clock = Clock()
    limiter = RateLimiter(safety_margin=0.0, clock=clock)
    for _ in range(3):
        wait, slot = limiter.try_acquire([OWN_A])
        assert wait == 0 and slot is not None
        limiter.release(slot)
    clock.now += 0.25
    wait, slot = limiter.try_acquire([OWN_A])
    assert slot is None and abs(wait - 0.75) < 1e-9
    clock.now += 0.75
    assert limiter.try_acquire([OWN_A])[0] == 0


def test_a_shared_bucket_limits_two_operations_together():
    clock = Clock()
    limiter = RateLimiter(safety_margin=0.0, clock=clock)
    for limits in ([OWN_A, SHARED], [OWN_B, SHARED], [OWN_A, SHARED], [OWN_B, SHARED]):
        wait, slot = limiter.try_acquire(limits)
        assert wait == 0 and slot is not None
        limiter.release(slot)
    wait, slot = limiter.try_acquire([OWN_B, SHARED])  # B has room of its own, the shared bucket has none
    assert slot is None and abs(wait - 2.0) < 1e-9
    assert limiter.try_acquire([Draw("c", 5, 1.0)])[0] == 0  # other buckets are unaffected


def test_slots_in_flight_hold_the_window_until_their_response_returns():
    clock = Clock()
    limiter = RateLimiter(safety_margin=0.0, poll=0.005, clock=clock)
    slots = [limiter.try_acquire([OWN_A])[1] for _ in range(3)]
    clock.now += 5.0  # long after the window, but all three calls are still in flight
    wait, slot = limiter.try_acquire([OWN_A])
    assert slot is None and wait == 0.005
    limiter.release(slots[0])  # the first response returns now: its window starts now
    assert limiter.try_acquire([OWN_A])[1] is None
    clock.now += 1.0
    assert limiter.try_acquire([OWN_A])[1] is not None


def test_the_safety_margin_extends_every_window():
    clock = Clock()
    limiter = RateLimiter(safety_margin=0.05, clock=clock)
    for _ in range(3):
        limiter.release(limiter.try_acquire([OWN_A])[1])
    clock.now += 1.0
    wait, _ = limiter.try_acquire([OWN_A])
    assert abs(wait - 0.05) < 1e-9
