"""The audit log: append (hash-chained, serialized by a lock) and read in order; nothing else."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from datetime import datetime

from sqlalchemy import ColumnElement, select

from verone.backoffice.db.locks import advisory_xact_lock
from verone.backoffice.db.repositories._base import Repository
from verone.backoffice.db.tables_ops import audit_log
from verone.backoffice.domain.audit import AuditEntry, AuditValue, next_entry
from verone.backoffice.domain.queries import AuditFilter, Page, PageRequest

AUDIT_LOCK = "audit_log"


class AuditRepository(Repository):
    """Append-only by construction: there is no update and no delete here."""

    def last(self) -> AuditEntry | None:
        query = select(AuditEntry).order_by(audit_log.c.seq.desc()).limit(1)
        return self._session.scalars(query).first()

    def append(
        self,
        *,
        at: datetime,
        actor_id: uuid.UUID | None,
        action: str,
        entity_type: str,
        entity_id: str,
        details: Mapping[str, AuditValue] | None = None,
    ) -> AuditEntry:
        advisory_xact_lock(self._session, AUDIT_LOCK)
        entry = next_entry(
            self.last(),
            at=at,
            actor_id=actor_id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            details=details,
        )
        self._session.add(entry)
        self._session.flush()
        return entry

    def entries(self, batch_size: int = 500) -> Iterator[AuditEntry]:
        """Every entry in chain order, fetched in batches."""
        after = 0
        while True:
            query = (
                select(AuditEntry)
                .where(audit_log.c.seq > after)
                .order_by(audit_log.c.seq)
                .limit(batch_size)
            )
            batch = list(self._session.scalars(query))
            yield from batch
            if len(batch) < batch_size:
                return
            after = batch[-1].seq

    def search(self, criteria: AuditFilter, page: PageRequest) -> Page[AuditEntry]:
        """Entries newest first (the « Journal d'audit » page)."""
        where: list[ColumnElement[bool]] = []
        if criteria.actor_id is not None:
            where.append(audit_log.c.actor_id == criteria.actor_id)
        if criteria.action and criteria.action.endswith("."):
            where.append(audit_log.c.action.startswith(criteria.action, autoescape=True))
        elif criteria.action:
            where.append(audit_log.c.action == criteria.action)
        if criteria.entity_id:
            where.append(audit_log.c.entity_id == criteria.entity_id)
        if criteria.at_from is not None:
            where.append(audit_log.c.at >= criteria.at_from)
        if criteria.at_to is not None:
            where.append(audit_log.c.at < criteria.at_to)
        return self._page(AuditEntry, audit_log, where, (audit_log.c.seq.desc(),), page)

    def actions(self) -> list[str]:
        """Every action code the journal holds, sorted (the filter's choices)."""
        query = select(audit_log.c.action).distinct().order_by(audit_log.c.action)
        return list(self._session.scalars(query))

    def for_entity(self, entity_type: str, entity_id: str) -> list[AuditEntry]:
        query = (
            select(AuditEntry)
            .where(audit_log.c.entity_type == entity_type, audit_log.c.entity_id == entity_id)
            .order_by(audit_log.c.seq)
        )
        return list(self._session.scalars(query))
