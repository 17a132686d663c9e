"""The idempotency cache: keyed per method, path and key; expiring on the sandbox clock."""

from __future__ import annotations

from verone.sandbox.clock import Clock
from verone.sandbox.idempotency import IdempotencyCache


def test_put_then_get_until_the_ttl() -> None:
    clock = Clock()
    cache = IdempotencyCache(clock, 1800)
    key = cache.cache_key("POST", "/v2/clients", "k1")
    cache.put(key, 201, [(b"content-type", b"application/json")], b'{"id":1}')
    hit = cache.get(key)
    assert hit is not None
    assert hit.status == 201
    assert hit.body == b'{"id":1}'
    clock.advance(1799)
    assert cache.get(key) is not None
    clock.advance(2)
    assert cache.get(key) is None
    assert len(cache) == 0


def test_keys_are_scoped_to_method_and_path() -> None:
    cache = IdempotencyCache(Clock(), 1800)
    cache.put(cache.cache_key("POST", "/v2/clients", "k"), 201, [], b"a")
    assert cache.get(cache.cache_key("POST", "/v2/quotes", "k")) is None
    assert cache.get(cache.cache_key("PATCH", "/v2/clients", "k")) is None


def test_snapshot_round_trip_keeps_bytes_and_expiry() -> None:
    clock = Clock()
    cache = IdempotencyCache(clock, 60)
    key = cache.cache_key("POST", "/v2/attachments", "k")
    cache.put(key, 200, [(b"x-a", b"\xe9")], b"\x00\xffbody")
    restored = IdempotencyCache.from_snapshot(cache.to_snapshot(), clock, 60)
    hit = restored.get(key)
    assert hit is not None
    assert hit.body == b"\x00\xffbody"
    assert hit.headers == [(b"x-a", b"\xe9")]
    clock.advance(61)
    assert restored.get(key) is None
