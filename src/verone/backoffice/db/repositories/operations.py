"""Outbox, e-mails, sync runs and cursors, webhook events, and the shared rate budget."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, Table, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from verone.backoffice.db.locks import is_postgresql
from verone.backoffice.db.repositories._base import EntityRepository, Repository
from verone.backoffice.db.tables_ops import (
    emails,
    leases,
    outbox,
    rate_budget,
    sync_cursors,
    sync_runs,
    webhook_events,
)
from verone.backoffice.domain.operations import (
    UNSETTLED_OUTBOX,
    Email,
    EmailStatus,
    OutboxEntry,
    OutboxStatus,
    SyncRun,
    WebhookEvent,
)


def _insert_ignore(session: Session, table: Table, values: dict[str, object]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when a row was inserted (seen via RETURNING)."""
    dialect = postgresql if is_postgresql(session) else sqlite
    key = next(iter(table.primary_key.columns))
    statement = dialect.insert(table).values(**values).on_conflict_do_nothing().returning(key)
    return session.execute(statement).first() is not None


class OutboxRepository(EntityRepository[OutboxEntry]):
    _entity, _table = OutboxEntry, outbox

    def add_pending(self, entry: OutboxEntry) -> OutboxEntry:
        """Store the intent before the Qonto call (flushed: a duplicate key fails here)."""
        self.add(entry)
        self._session.flush()
        return entry

    def by_idempotency_key(self, key: str) -> OutboxEntry | None:
        return self._first(outbox.c.idempotency_key == key)

    def list_unsettled(self, older_than: datetime | None = None) -> list[OutboxEntry]:
        """Pending and ambiguous entries, oldest first (what the recovery job settles)."""
        query = select(OutboxEntry).where(outbox.c.status.in_(sorted(UNSETTLED_OUTBOX)))
        if older_than is not None:
            query = query.where(outbox.c.created_at < older_than)
        return list(self._session.scalars(query.order_by(outbox.c.created_at, outbox.c.id)))

    def needing_attention(self, limit: int) -> list[OutboxEntry]:
        """Pending, ambiguous and failed entries, newest first (the integration page)."""
        statuses = sorted({*UNSETTLED_OUTBOX, OutboxStatus.FAILED})
        query = select(OutboxEntry).where(outbox.c.status.in_(statuses))
        return list(self._session.scalars(query.order_by(outbox.c.created_at.desc()).limit(limit)))

    def for_document(self, document_id: uuid.UUID) -> list[OutboxEntry]:
        return self._all(outbox.c.document_id == document_id, order_by=(outbox.c.created_at,))


class EmailRepository(EntityRepository[Email]):
    _entity, _table = Email, emails

    def queued(self, limit: int = 50) -> list[Email]:
        query = (
            select(Email)
            .where(emails.c.status.in_([EmailStatus.QUEUED, EmailStatus.FAILED]))
            .order_by(emails.c.created_at)
            .limit(limit)
        )
        return list(self._session.scalars(query))


class SyncRepository(Repository):
    def add_run(self, run: SyncRun) -> None:
        self._session.add(run)

    def get_run(self, run_id: uuid.UUID) -> SyncRun | None:
        return self._session.get(SyncRun, run_id)

    def last_run(self, kind: str) -> SyncRun | None:
        query = (
            select(SyncRun)
            .where(sync_runs.c.kind == kind)
            .order_by(sync_runs.c.started_at.desc())
            .limit(1)
        )
        return self._session.scalars(query).first()

    def recent_runs(self, limit: int) -> list[SyncRun]:
        """The last runs of every kind, newest first."""
        query = select(SyncRun).order_by(sync_runs.c.started_at.desc()).limit(limit)
        return list(self._session.scalars(query))

    def get_cursor(self, name: str) -> str | None:
        return self._session.scalar(select(sync_cursors.c.value).where(sync_cursors.c.name == name))

    def set_cursor(self, name: str, value: str, at: datetime) -> None:
        if not _insert_ignore(
            self._session, sync_cursors, {"name": name, "value": value, "updated_at": at}
        ):
            self._session.execute(
                update(sync_cursors)
                .where(sync_cursors.c.name == name)
                .values(value=value, updated_at=at)
            )

    def take_lease(self, name: str, holder: str, *, now: datetime, until: datetime) -> bool:
        """Take (or renew) the lease ``name`` for ``holder`` until ``until``; False while
        another holder's lease has not expired. One short statement, no lock kept."""
        if _insert_ignore(
            self._session, leases, {"name": name, "holder": holder, "expires_at": until}
        ):
            return True
        c = leases.c
        taken = self._session.execute(
            update(leases)
            .where(c.name == name, or_(c.holder == holder, c.expires_at <= now))
            .values(holder=holder, expires_at=until)
        )
        assert isinstance(taken, CursorResult)
        return taken.rowcount == 1

    def release_lease(self, name: str, holder: str) -> None:
        self._session.execute(
            delete(leases).where(leases.c.name == name, leases.c.holder == holder)
        )


class WebhookEventRepository(EntityRepository[WebhookEvent]):
    _entity, _table = WebhookEvent, webhook_events

    def insert_if_new(self, event: WebhookEvent) -> bool:
        """Record the event unless its ``event_id`` was seen; True when it is new."""
        return _insert_ignore(
            self._session,
            webhook_events,
            {
                "id": event.id,
                "event_id": event.event_id,
                "event_type": event.event_type,
                "payload": event.payload,
                "received_at": event.received_at,
                "processed_at": event.processed_at,
                "error": event.error,
            },
        )

    def by_event_id(self, event_id: str) -> WebhookEvent | None:
        return self._first(webhook_events.c.event_id == event_id)

    def unprocessed(self) -> Sequence[WebhookEvent]:
        w = webhook_events.c
        return self._all(w.processed_at.is_(None), order_by=(w.received_at,))


class RateBudgetRepository(Repository):
    """Fixed-window budgets shared by every process talking to Qonto."""

    def take(
        self, bucket: str, *, capacity: int, window: timedelta, now: datetime, cost: int = 1
    ) -> bool:
        """Atomically spend ``cost`` from ``bucket``'s current window; False when exhausted."""
        seconds = max(1, int(window.total_seconds()))
        _insert_ignore(
            self._session,
            rate_budget,
            {
                "bucket": bucket,
                "capacity": capacity,
                "used": 0,
                "window_seconds": seconds,
                "window_started_at": now,
            },
        )
        query = select(rate_budget.c.used, rate_budget.c.window_started_at).where(
            rate_budget.c.bucket == bucket
        )
        if is_postgresql(self._session):
            query = query.with_for_update()
        used, started = self._session.execute(query).one()
        if now >= started + timedelta(seconds=seconds):
            used, started = 0, now
        if used + cost > capacity:
            return False
        self._session.execute(
            update(rate_budget)
            .where(rate_budget.c.bucket == bucket)
            .values(
                used=used + cost,
                window_started_at=started,
                capacity=capacity,
                window_seconds=seconds,
            )
        )
        return True

    def purge(self, prefix: str, started_before: datetime) -> int:
        """Delete the buckets named ``prefix…`` whose window started before
        ``started_before`` (a bucket is made again, empty, by its next ``take``)."""
        c = rate_budget.c
        result = self._session.execute(
            delete(rate_budget).where(
                c.bucket.startswith(prefix, autoescape=True),
                c.window_started_at < started_before,
            )
        )
        assert isinstance(result, CursorResult)
        return result.rowcount

    def give_back(self, bucket: str, cost: int = 1) -> None:
        """Return ``cost`` to the current window (never below zero)."""
        self._session.execute(
            update(rate_budget)
            .where(rate_budget.c.bucket == bucket)
            .values(used=case((rate_budget.c.used > cost, rate_budget.c.used - cost), else_=0))
        )
