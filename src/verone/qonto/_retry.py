"""Retry policy (what to retry, how long to wait) and the idempotency-key ledger.

Pure logic with an injected clock and random source: the clients do the sleeping.
"""

from __future__ import annotations

import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

from verone.qonto._exceptions import QontoIdempotencyError

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
IDEMPOTENCY_WINDOW_SECONDS = 30 * 60.0
"""Qonto caches a key's answer for 30 minutes; after that the same key creates anew."""
KEY_SAFETY_MARGIN_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential back-off from ``initial_delay`` to ``max_delay`` with full jitter.

    ``max_retries`` counts retries after the first attempt; ``deadline`` bounds the total
    time spent on one call (attempts and waits); ``max_retry_after`` caps a server's
    ``Retry-After``.
    """

    max_retries: int = 3
    initial_delay: float = 0.5
    max_delay: float = 8.0
    deadline: float = 60.0
    max_retry_after: float = 60.0
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if not 0 < self.initial_delay <= self.max_delay:
            raise ValueError("need 0 < initial_delay <= max_delay")
        if self.deadline <= 0:
            raise ValueError("deadline must be > 0")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter is a fraction between 0 and 1")

    def backoff(self, retry_number: int, rng: random.Random | None = None) -> float:
        """Delay before retry ``retry_number`` (1-based), jittered down by up to ``jitter``."""
        base = min(self.max_delay, self.initial_delay * 2.0 ** (retry_number - 1))
        draw = rng.random() if rng is not None else random.random()  # noqa: S311
        return base * (1 - self.jitter * draw)

    def delay(
        self, retry_number: int, retry_after: float | None, rng: random.Random | None = None
    ) -> float:
        """The wait before a retry: the server's ``Retry-After`` (capped) or the back-off."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_retry_after)
        return self.backoff(retry_number, rng)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(when.timestamp() - current, 0.0)


@dataclass(slots=True)
class _KeyUse:
    body_hash: str
    first_used_at: float


@dataclass
class IdempotencyLedger:
    """Remembers which body each idempotency key was sent with, for Qonto's 30 minutes.

    Qonto replays a key's cached answer even when the body differs, so reusing a key with
    another body would silently return the wrong resource: ``register`` refuses it. It also
    refuses a key older than the window (Qonto would create a second resource).
    """

    clock: Callable[[], float] = time.monotonic
    window: float = IDEMPOTENCY_WINDOW_SECONDS
    max_keys: int = 10_000
    _uses: OrderedDict[str, _KeyUse] = field(default_factory=OrderedDict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def register(self, key: str, body_hash: str) -> float:
        """Record (or check) ``key`` for ``body_hash``; returns when the key was first used."""
        now = self.clock()
        with self._lock:
            use = self._uses.get(key)
            if use is None:
                self._uses[key] = _KeyUse(body_hash, now)
                while len(self._uses) > self.max_keys:
                    self._uses.popitem(last=False)
                return now
            if use.body_hash != body_hash:
                raise QontoIdempotencyError(
                    f"idempotency key {key} was already used with a different body; "
                    "Qonto would replay the first answer: use a new key for a new request"
                )
            if now > self.expires_at(use.first_used_at):
                raise QontoIdempotencyError(
                    f"idempotency key {key} is older than Qonto's 30-minute window: a retry "
                    "could apply the write twice; check the resource in Qonto first"
                )
            return use.first_used_at

    def expires_at(self, first_used_at: float) -> float:
        """The last moment a retry with this key is still safe (window minus a margin)."""
        return first_used_at + self.window - KEY_SAFETY_MARGIN_SECONDS
