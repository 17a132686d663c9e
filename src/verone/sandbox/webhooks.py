"""Webhook subscriptions and signed deliveries, sent from a background thread.

Each event is POSTed as Qonto's envelope with ``X-Qonto-Signature: t={unix},v1={hex}``, the
HMAC-SHA256 of ``"{t}.{raw body}"`` with the subscription's secret; non-2xx answers and
network errors are retried with back-off, and every attempt is recorded.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import secrets
import threading
import time
import uuid
from collections import deque
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

import httpx

from verone.qonto.types.webhooks import WebhookEvent, WebhookSubscription
from verone.sandbox.wire import attributes, build, dump, to_millisecond

if TYPE_CHECKING:
    from verone.sandbox.state import SandboxState

DELIVERY_TIMEOUT_SECONDS = 1.0
RETRY_DELAYS_SECONDS = (1.0, 5.0, 30.0)
DELIVERY_LOG_SIZE = 1000


@dataclass(slots=True)
class Subscription:
    id: str
    callback_url: str
    types: list[str]
    secret: str
    description: str | None
    created_at: str
    updated_at: str


@dataclass(slots=True)
class Delivery:
    event_id: str
    subscription_id: str
    url: str
    secret: str
    body: bytes
    attempt: int = 0
    not_before: float = field(default=0.0)


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


class WebhookHub:
    """Subscriptions, the delivery queue and its worker, and the log of attempts."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state
        self.subscriptions: dict[str, Subscription] = {}
        self.deliveries: deque[dict[str, object]] = deque(maxlen=DELIVERY_LOG_SIZE)
        self.retry_delays: tuple[float, ...] = RETRY_DELAYS_SECONDS
        self._queue: queue.Queue[Delivery | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ subscriptions

    def subscribe(
        self, callback_url: str, types: list[str], secret: str | None, description: str | None
    ) -> Subscription:
        stamp = _iso(self._state.now().timestamp())
        sub = Subscription(
            id=str(uuid.uuid4()),
            callback_url=callback_url,
            types=types,
            secret=secret or secrets.token_hex(24),
            description=description,
            created_at=stamp,
            updated_at=stamp,
        )
        self.subscriptions[sub.id] = sub
        return sub

    def replace(
        self,
        sub: Subscription,
        callback_url: str,
        types: list[str],
        secret: str | None,
        description: str | None,
    ) -> Subscription:
        sub.callback_url = callback_url
        sub.types = types
        sub.secret = secret or sub.secret
        sub.description = description
        sub.updated_at = _iso(self._state.now().timestamp())
        return sub

    def _organization_ids(self) -> dict[str, str]:
        """``organization_id`` and ``membership_id``, on every subscription and event."""
        org = self._state.banking.organization
        return {"organization_id": org.id, "membership_id": org.membership_id}

    def wire(self, sub: Subscription) -> WebhookSubscription:
        return build(
            WebhookSubscription,
            **attributes(sub, "id callback_url description secret"),
            **self._organization_ids(),
            types=list(sub.types),
            created_at=datetime.fromisoformat(sub.created_at),
            updated_at=datetime.fromisoformat(sub.updated_at),
        )

    # ------------------------------------------------------------------ events

    def emit(self, event_type: str, data: dict[str, object]) -> None:
        """Queue one signed delivery per subscription to ``event_type``."""
        created_at = to_millisecond(self._state.now())
        for sub in list(self.subscriptions.values()):
            if event_type not in sub.types:
                continue
            event_id = str(uuid.uuid4())
            envelope = build(
                WebhookEvent,
                **self._organization_ids(),
                id=event_id,
                subscription_id=sub.id,
                type=event_type,
                created_at=created_at,
                data=data,
            )
            body = json.dumps(dump(envelope), separators=(",", ":")).encode()
            self._enqueue(Delivery(event_id, sub.id, sub.callback_url, sub.secret, body))

    def _enqueue(self, delivery: Delivery) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="sandbox-webhooks", daemon=True
                )
                self._thread.start()
        self._queue.put(delivery)

    def _run(self) -> None:
        pending: list[Delivery] = []
        with httpx.Client(timeout=DELIVERY_TIMEOUT_SECONDS) as client:
            while True:
                wait = min((d.not_before for d in pending), default=None)
                timeout = None if wait is None else max(0.0, wait - time.monotonic())
                try:
                    item = self._queue.get(timeout=timeout)
                except queue.Empty:
                    item = None
                else:
                    if item is None:
                        return
                    pending.append(item)
                now = time.monotonic()
                due = [d for d in pending if d.not_before <= now]
                pending = [d for d in pending if d.not_before > now]
                for delivery in due:
                    if not self._attempt(client, delivery):
                        pending.append(delivery)

    def _attempt(self, client: httpx.Client, delivery: Delivery) -> bool:
        """One POST; True when finished (delivered, or retries exhausted)."""
        delivery.attempt += 1
        timestamp = int(self._state.now().timestamp())
        headers = {
            "Content-Type": "application/json",
            "X-Qonto-Signature": signature_header(delivery.secret, timestamp, delivery.body),
        }
        status: int | None = None
        error: str | None = None
        started = time.perf_counter()
        try:
            status = client.post(delivery.url, content=delivery.body, headers=headers).status_code
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        ok = status is not None and 200 <= status < 300
        self.deliveries.append(
            {
                "event_id": delivery.event_id,
                "subscription_id": delivery.subscription_id,
                "url": delivery.url,
                "attempt": delivery.attempt,
                "status_code": status,
                "error": error,
                "success": ok,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "attempted_at": _iso(self._state.now().timestamp()),
                "body": json.loads(delivery.body),
            }
        )
        if ok or delivery.attempt > len(self.retry_delays):
            return True
        delivery.not_before = time.monotonic() + self.retry_delays[delivery.attempt - 1]
        return False

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(timeout=5)

    def reset(self) -> None:
        self.close()
        self.subscriptions.clear()
        self.deliveries.clear()
        self._queue = queue.Queue()

    def to_snapshot(self) -> dict[str, object]:
        return {"subscriptions": [asdict(s) for s in self.subscriptions.values()]}

    def restore(self, data: dict[str, object]) -> None:
        self.reset()
        rows = data.get("subscriptions", [])
        assert isinstance(rows, list)
        for row in rows:
            assert isinstance(row, dict)
            sub = Subscription(**{str(k): v for k, v in row.items()})
            self.subscriptions[sub.id] = sub


def _iso(timestamp: float) -> str:
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(timestamp))
    return f"{whole}.{int(timestamp * 1000) % 1000:03d}Z"
