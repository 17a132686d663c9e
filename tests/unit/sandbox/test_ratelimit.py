"""Sliding-window rate limiter on the sandbox clock."""

from __future__ import annotations

from verone.sandbox.clock import Clock
from verone.sandbox.config import RateLimit
from verone.sandbox.ratelimit import RateLimiter


def test_admits_up_to_the_limit_then_asks_to_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(clock, (RateLimit(3, 10.0),))
    assert [limiter.retry_after("ip") for _ in range(3)] == [None, None, None]
    wait = limiter.retry_after("ip")
    assert wait is not None
    assert 1 <= wait <= 10


def test_window_slides_with_the_clock() -> None:
    clock = Clock()
    limiter = RateLimiter(clock, (RateLimit(2, 10.0),))
    limiter.retry_after("ip")
    clock.advance(6)
    limiter.retry_after("ip")
    assert limiter.retry_after("ip") == 4
    clock.advance(4.5)
    assert limiter.retry_after("ip") is None  # the first hit left the window
    assert limiter.retry_after("ip") is not None


def test_limits_are_per_key() -> None:
    limiter = RateLimiter(Clock(), (RateLimit(1, 60.0),))
    assert limiter.retry_after("a") is None
    assert limiter.retry_after("b") is None
    assert limiter.retry_after("a") is not None


def test_refused_requests_do_not_count() -> None:
    clock = Clock()
    limiter = RateLimiter(clock, (RateLimit(1, 10.0),))
    limiter.retry_after("ip")
    for _ in range(5):
        assert limiter.retry_after("ip") is not None
    clock.advance(10.1)
    assert limiter.retry_after("ip") is None


def test_record_and_peek_for_401_throttling() -> None:
    limiter = RateLimiter(Clock(), (RateLimit(2, 3600.0),))
    assert limiter.retry_after("ip", record=False) is None
    limiter.record("ip")
    limiter.record("ip")
    assert limiter.retry_after("ip", record=False) == 3600


def test_a_frozen_clock_moves_only_when_advanced() -> None:
    clock = Clock()
    start = clock.freeze()
    assert clock.frozen
    limiter = RateLimiter(clock, (RateLimit(1, 10.0),))
    assert limiter.retry_after("ip") is None
    assert clock.now() == start
    clock.advance(9.5)
    assert (clock.now() - start).total_seconds() == 9.5
    assert limiter.retry_after("ip") == 1
    clock.advance(0.5)
    assert limiter.retry_after("ip") is None
