"""Operational records: the outbox of Qonto writes, webhook events, e-mails and sync runs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from verone.backoffice.domain import errors


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    AMBIGUOUS = "ambiguous"  # the call may or may not have reached Qonto


UNSETTLED_OUTBOX = frozenset({OutboxStatus.PENDING, OutboxStatus.AMBIGUOUS})


@dataclass(eq=False)
class OutboxEntry:
    """The intent of one Qonto write, stored before the call, settled after it."""

    operation: str
    idempotency_key: str
    request_hash: str
    created_at: datetime
    document_id: uuid.UUID | None = None
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    result: str | None = None
    error: str | None = None
    updated_at: datetime | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def settled(self) -> bool:
        return self.status not in UNSETTLED_OUTBOX

    def _settle(self, status: OutboxStatus, at: datetime) -> None:
        if self.settled:
            raise errors.OutboxNotPending()
        self.status, self.updated_at = status, at

    def record_attempt(self, at: datetime) -> None:
        if self.settled:
            raise errors.OutboxNotPending()
        self.attempts += 1
        self.updated_at = at

    def succeed(self, result: str, at: datetime) -> None:
        self._settle(OutboxStatus.SUCCEEDED, at)
        self.result, self.error = result, None

    def fail(self, error: str, at: datetime) -> None:
        self._settle(OutboxStatus.FAILED, at)
        self.error = error

    def mark_ambiguous(self, error: str, at: datetime) -> None:
        self._settle(OutboxStatus.AMBIGUOUS, at)
        self.error = error


@dataclass(eq=False)
class WebhookEvent:
    """A received Qonto webhook; ``event_id`` is unique so redeliveries are dropped."""

    event_id: str
    event_type: str
    payload: str
    received_at: datetime
    processed_at: datetime | None = None
    error: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def mark_processed(self, at: datetime) -> None:
        self.processed_at, self.error = at, None


class EmailStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


@dataclass(eq=False)
class Email:
    """An e-mail waiting in (or gone from) the back office's own mail outbox."""

    to_address: str
    subject: str
    body_text: str
    created_at: datetime
    document_id: uuid.UUID | None = None
    status: EmailStatus = EmailStatus.QUEUED
    attempts: int = 0
    sent_at: datetime | None = None
    error: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def mark_sent(self, at: datetime) -> None:
        if self.status is EmailStatus.SENT:
            raise errors.IllegalTransition("Cet e-mail est déjà envoyé.")
        self.status, self.sent_at, self.error = EmailStatus.SENT, at, None
        self.attempts += 1

    def mark_failed(self, error: str) -> None:
        if self.status is EmailStatus.SENT:
            raise errors.IllegalTransition("Cet e-mail est déjà envoyé.")
        self.status, self.error = EmailStatus.FAILED, error
        self.attempts += 1


class SyncStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(eq=False)
class SyncRun:
    kind: str
    started_at: datetime
    status: SyncStatus = SyncStatus.RUNNING
    finished_at: datetime | None = None
    items_seen: int = 0
    error: str | None = None
    scope: str | None = None  # e.g. the bank account a transactions run covered
    items_failed: int = 0
    report: str | None = None  # JSON: skipped items, continuity gaps, drift
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def finish(self, at: datetime, items_seen: int) -> None:
        self.status, self.finished_at, self.items_seen = SyncStatus.SUCCEEDED, at, items_seen

    def fail(self, at: datetime, error: str) -> None:
        self.status, self.finished_at, self.error = SyncStatus.FAILED, at, error
