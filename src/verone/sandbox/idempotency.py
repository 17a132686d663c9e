"""``X-Qonto-Idempotency-Key``: successful write responses replayed for 30 minutes.

As documented by Qonto, a repeat with the same key gets the first response back even if its
body differs; only successes are kept; after the TTL (sandbox clock) the key is new again.
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass

from verone.sandbox.clock import Clock

HEADER = "x-qonto-idempotency-key"
REPLAY_HEADER = "x-sandbox-idempotent-replay"
MAX_KEY_LENGTH = 255


@dataclass(slots=True)
class CachedResponse:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    expires_at: float


class IdempotencyCache:
    """Responses by (method, path, key); one asyncio lock per key serializes concurrent repeats."""

    def __init__(self, clock: Clock, ttl_seconds: float) -> None:
        self._clock = clock
        self.ttl_seconds = ttl_seconds
        self._entries: dict[str, CachedResponse] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    @staticmethod
    def cache_key(method: str, path: str, key: str) -> str:
        return f"{method} {path} {key}"

    def lock_for(self, cache_key: str) -> asyncio.Lock:
        lock = self._locks.get(cache_key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[cache_key] = lock
        return lock

    def release(self, cache_key: str, lock: asyncio.Lock) -> None:
        if not lock.locked() and self._locks.get(cache_key) is lock:
            del self._locks[cache_key]

    def get(self, cache_key: str) -> CachedResponse | None:
        entry = self._entries.get(cache_key)
        if entry is None:
            return None
        if entry.expires_at <= self._clock.now().timestamp():
            del self._entries[cache_key]
            return None
        return entry

    def put(
        self, cache_key: str, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        expires = self._clock.now().timestamp() + self.ttl_seconds
        self._entries[cache_key] = CachedResponse(status, headers, body, expires)

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def to_snapshot(self) -> dict[str, object]:
        return {
            key: {
                "status": e.status,
                "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in e.headers],
                "body": base64.b64encode(e.body).decode("ascii"),
                "expires_at": e.expires_at,
            }
            for key, e in self._entries.items()
        }

    @classmethod
    def from_snapshot(
        cls, data: dict[str, object], clock: Clock, ttl_seconds: float
    ) -> IdempotencyCache:
        cache = cls(clock, ttl_seconds)
        for key, raw in data.items():
            assert isinstance(raw, dict)
            headers = raw["headers"]
            assert isinstance(headers, list)
            cache._entries[key] = CachedResponse(
                status=int(raw["status"]),
                headers=[(str(k).encode("latin-1"), str(v).encode("latin-1")) for k, v in headers],
                body=base64.b64decode(str(raw["body"])),
                expires_at=float(raw["expires_at"]),
            )
        return cache
