"""Sliding-window rate limits per client IP, timed on the sandbox clock.

Qonto documents 1 000 requests / 10 s and 10 000 / 10 min per IP, answered with 429; the
``Retry-After`` header the sandbox adds is our choice (Qonto's headers are not documented).
"""

from __future__ import annotations

import math
import threading
from collections import deque

from verone.sandbox.clock import Clock
from verone.sandbox.config import RateLimit


class RateLimiter:
    """One deque of hit times per (IP, limit); ``hit`` admits or returns seconds to wait."""

    def __init__(self, clock: Clock, limits: tuple[RateLimit, ...]) -> None:
        self._clock = clock
        self.limits = limits
        self._hits: dict[str, list[deque[float]]] = {}
        self._lock = threading.Lock()

    def _windows(self, key: str) -> list[deque[float]]:
        windows = self._hits.get(key)
        if windows is None:
            windows = [deque() for _ in self.limits]
            self._hits[key] = windows
        return windows

    def retry_after(self, key: str, *, record: bool = True) -> int | None:
        """None when a request from ``key`` is allowed now (and counted if ``record``);
        otherwise the whole seconds until the tightest window frees a slot."""
        now = self._clock.now().timestamp()
        with self._lock:
            windows = self._windows(key)
            wait = 0.0
            for limit, hits in zip(self.limits, windows, strict=True):
                while hits and hits[0] <= now - limit.window_seconds:
                    hits.popleft()
                if len(hits) >= limit.requests:
                    wait = max(wait, hits[0] + limit.window_seconds - now)
            if wait > 0:
                return max(1, math.ceil(wait))
            if record:
                for hits in windows:
                    hits.append(now)
            return None

    def record(self, key: str) -> None:
        """Count one event for ``key`` without checking (e.g. a 401 answer)."""
        now = self._clock.now().timestamp()
        with self._lock:
            for hits in self._windows(key):
                hits.append(now)
