"""The client-side rate budget: never send more than Qonto's limits, sleep instead of a 429.

Each limit (``RateLimit(requests, per_seconds)``) is a token bucket whose tokens come back
exactly ``per_seconds`` after they were spent, so no window of that length ever sees more than
``requests`` calls, whatever the server's counting. The state lives in a ``RateBudgetStore``:
in memory by default, or shared across processes (the back office keeps it in its database).
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

_LIMIT_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*(s|m|min|h)?\s*$")
_UNITS = {None: 1.0, "s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0}


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``requests`` calls in any ``per_seconds`` window."""

    requests: int
    per_seconds: float

    def __post_init__(self) -> None:
        if self.requests < 1 or self.per_seconds <= 0:
            raise ValueError("a rate limit needs requests >= 1 and per_seconds > 0")

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """``"1000/10s"``, ``"100/1min"``, ``"10000/600"`` (seconds by default)."""
        match = _LIMIT_RE.match(text)
        if match is None:
            raise ValueError(f"not a rate limit: {text!r} (expected e.g. '1000/10s' or '100/1min')")
        count, span, unit = match.groups()
        return cls(int(count), float(span) * _UNITS[unit])


QONTO_LIMITS = (RateLimit(1_000, 10.0), RateLimit(10_000, 600.0))
"""Qonto's documented limits (per IP address)."""


class RateBudgetStore(Protocol):
    """Where spent tokens are recorded; shared by every client that uses the same budget.

    ``reserve`` must be atomic: it books one request for ``scope`` at the earliest moment
    ``>= now`` that respects every limit, and returns that moment (same clock as ``now``).
    """

    def reserve(self, scope: str, limits: Sequence[RateLimit], now: float) -> float: ...


@dataclass
class InMemoryRateBudgetStore:
    """A process-local store (thread-safe)."""

    _booked: dict[tuple[str, RateLimit], deque[float]] = field(default_factory=dict, init=False)
    _last: dict[str, float] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def reserve(self, scope: str, limits: Sequence[RateLimit], now: float) -> float:
        with self._lock:
            at = max(now, self._last.get(scope, now))
            queues = []
            for limit in limits:
                queue = self._booked.setdefault((scope, limit), deque(maxlen=limit.requests))
                if len(queue) == limit.requests:
                    at = max(at, queue[0] + limit.per_seconds)
                queues.append(queue)
            for queue in queues:
                queue.append(at)
            self._last[scope] = at
            return at


class RateBudget:
    """Books one slot per request in a store and says how long to wait for it.

    ``margin_seconds`` widens each window a little: Qonto counts a request when it arrives,
    and arrival lags the moment the slot was booked by a variable network delay.
    """

    def __init__(
        self,
        limits: Sequence[RateLimit] = QONTO_LIMITS,
        *,
        store: RateBudgetStore | None = None,
        scope: str = "qonto",
        clock: Callable[[], float] = time.time,
        margin_seconds: float = 0.05,
    ) -> None:
        self.limits = tuple(limits)
        self._booked_limits = tuple(
            RateLimit(limit.requests, limit.per_seconds + margin_seconds) for limit in self.limits
        )
        self.store: RateBudgetStore = store or InMemoryRateBudgetStore()
        self.scope = scope
        self.clock = clock

    def reserve(self) -> float:
        """Book the next slot; returns the seconds to wait before sending (0 if none)."""
        if not self.limits:
            return 0.0
        now = self.clock()
        return max(self.store.reserve(self.scope, self._booked_limits, now) - now, 0.0)

    def __repr__(self) -> str:
        limits = ", ".join(f"{r.requests}/{r.per_seconds:g}s" for r in self.limits)
        return f"RateBudget({limits}, scope={self.scope!r})"
