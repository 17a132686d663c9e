"""The whole state of one simulated Qonto organization, and how it is created and saved.

Every store lives here, behind one re-entrant lock: routes take ``state.lock`` around any
read-modify-write so concurrent requests see a consistent organization. Each store knows how
to turn itself into plain JSON (``to_snapshot``) and back (``from_snapshot``), which gives the
control API's snapshot/restore and ``--state FILE`` persistence one mechanism.
"""

from __future__ import annotations

import os
import random
import threading
import time
import uuid
from collections import deque
from datetime import datetime, timedelta

from verone.sandbox.banking.attachments import AttachmentStore
from verone.sandbox.banking.store import BankingStore, Transaction
from verone.sandbox.banking.wire import transaction_wire
from verone.sandbox.clock import Clock
from verone.sandbox.config import RateLimit, SandboxConfig
from verone.sandbox.faults import FaultInjector
from verone.sandbox.idempotency import IdempotencyCache
from verone.sandbox.invoicing.store import InvoicingStore
from verone.sandbox.oauth import OAuthStore
from verone.sandbox.ratelimit import RateLimiter
from verone.sandbox.seeding.banking import generate_banking
from verone.sandbox.webhooks import WebhookHub
from verone.sandbox.wire import dump

REQUEST_LOG_SIZE = 2000
SNAPSHOT_VERSION = 1
TRANSACTION_EVENT = "v1/transactions"
OFF_BY_DEFAULT = frozenset({"quote_pdf_precondition"})
"""Switches that simulate a quirk of Qonto's sandbox: off unless ``PUT /_sandbox/features``."""


def new_id(rng: random.Random | None = None) -> str:
    """A UUIDv7-looking id (time-ordered, like Qonto's newer ids)."""
    millis = int(time.time() * 1000)
    rand = (rng.getrandbits(74) if rng else int.from_bytes(os.urandom(10), "big") >> 6) & (
        (1 << 74) - 1
    )
    value = (millis & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


class SandboxState:
    """One organization's data plus the sandbox's own machinery (clock, RNG, lock)."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.clock = Clock()
        self.rng = random.Random(self.config.seed)
        self.lock = threading.RLock()
        self.invoicing = InvoicingStore()
        self.banking = generate_banking(self.config.seed, self.now_ms(), self.config.transactions)
        self.attachments = AttachmentStore(
            self.config.secret_key, self.clock, self.config.attachment_url_ttl_seconds
        )
        self.webhooks = WebhookHub(self)
        self.oauth = OAuthStore(self.clock)
        self.idempotency = IdempotencyCache(self.clock, self.config.idempotency_ttl_seconds)
        self.rate_limiter = RateLimiter(self.clock, self.config.rate_limits)
        self.unauthorized = RateLimiter(self.clock, (self.config.unauthorized_limit,))
        self.faults = FaultInjector(self.config.seed, self.config.latency_ms)
        self.requests: deque[dict[str, object]] = deque(maxlen=REQUEST_LOG_SIZE)
        self.features: dict[str, bool] = dict(self.config.features)

    # ------------------------------------------------------------------ helpers

    @property
    def banking(self) -> BankingStore:
        return self._banking

    @banking.setter
    def banking(self, store: BankingStore) -> None:
        """Every banking store books on the sandbox clock and announces its transfers."""
        store.clock_ms = self.now_ms
        store.on_booked = self._transaction_booked
        self._banking = store

    def _transaction_booked(self, txn: Transaction) -> None:
        if self.webhooks.subscriptions:
            self.webhooks.emit(TRANSACTION_EVENT, dump(transaction_wire(txn)))

    def set_unauthorized_limit(self, limit: RateLimit) -> None:
        with self.lock:
            self.config.unauthorized_limit = limit
            self.unauthorized = RateLimiter(self.clock, (limit,))

    def new_id(self) -> str:
        return new_id()

    def now(self) -> datetime:
        return self.clock.now()

    def now_ms(self) -> int:
        return int(self.clock.now().timestamp() * 1000)

    def feature_enabled(self, name: str) -> bool:
        """Features are on unless ``PUT /_sandbox/features`` switched them off (the
        ``OFF_BY_DEFAULT`` ones are off unless switched on)."""
        return self.features.get(name, name not in OFF_BY_DEFAULT)

    def set_rate_limits(self, limits: tuple[RateLimit, ...]) -> None:
        with self.lock:
            self.config.rate_limits = limits
            self.rate_limiter = RateLimiter(self.clock, limits)

    # ------------------------------------------------------------------ lifecycle

    def reset(self) -> None:
        """Back to the freshly started organization (same config, clock kept)."""
        with self.lock:
            self.invoicing = InvoicingStore()
            self.banking = generate_banking(
                self.config.seed, self.now_ms(), self.config.transactions
            )
            self.attachments = AttachmentStore(
                self.config.secret_key, self.clock, self.config.attachment_url_ttl_seconds
            )
            self.webhooks.reset()
            self.oauth = OAuthStore(self.clock)
            self.idempotency.clear()
            self.rate_limiter = RateLimiter(self.clock, self.config.rate_limits)
            self.unauthorized = RateLimiter(self.clock, (self.config.unauthorized_limit,))
            self.faults.clear()
            self.requests.clear()
            self.features = dict(self.config.features)

    def close(self) -> None:
        """Stop background work (webhook deliveries)."""
        self.webhooks.close()

    def to_snapshot(self) -> dict[str, object]:
        """Everything needed to bring this organization back, as plain JSON."""
        with self.lock:
            return {
                "version": SNAPSHOT_VERSION,
                "clock_offset_seconds": self.clock.offset_seconds,
                "features": dict(self.features),
                "rate_limits": [[r.requests, r.window_seconds] for r in self.config.rate_limits],
                "banking": self.banking.to_snapshot(),
                "attachments": self.attachments.to_snapshot(),
                "webhooks": self.webhooks.to_snapshot(),
                "oauth": self.oauth.to_snapshot(),
                "idempotency": self.idempotency.to_snapshot(),
                "invoicing": self.invoicing.to_snapshot(),
            }

    def restore(self, data: dict[str, object]) -> None:
        """Replace every store with the content of a ``to_snapshot`` document."""
        if data.get("version") != SNAPSHOT_VERSION:
            raise ValueError("unsupported snapshot version")
        with self.lock:
            offset = _number(data.get("clock_offset_seconds", 0.0))
            self.clock = Clock(timedelta(seconds=offset))
            features = data.get("features", {})
            assert isinstance(features, dict)
            self.features = {str(k): bool(v) for k, v in features.items()}
            limits = data.get("rate_limits")
            if isinstance(limits, list) and limits:
                self.config.rate_limits = tuple(
                    RateLimit(int(_number(r[0])), _number(r[1])) for r in limits
                )
            self.banking = BankingStore.from_snapshot(_dict(data["banking"]))
            self.banking.set_id_factory(lambda _millis: new_id())
            self.attachments = AttachmentStore.from_snapshot(
                _dict(data["attachments"]), self.config.secret_key, self.clock
            )
            self.webhooks.restore(_dict(data["webhooks"]))
            self.oauth = OAuthStore.from_snapshot(_dict(data.get("oauth", {})), self.clock)
            self.idempotency = IdempotencyCache.from_snapshot(
                _dict(data.get("idempotency", {})), self.clock, self.config.idempotency_ttl_seconds
            )
            self.rate_limiter = RateLimiter(self.clock, self.config.rate_limits)
            self.unauthorized = RateLimiter(self.clock, (self.config.unauthorized_limit,))
            invoicing = data.get("invoicing")
            self.invoicing = (
                InvoicingStore.from_snapshot(_dict(invoicing)) if invoicing else InvoicingStore()
            )


def _dict(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise ValueError("malformed snapshot")
    return {str(k): v for k, v in value.items()}


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("malformed snapshot")
    return float(value)
