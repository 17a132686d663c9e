"""The audit log as the CLI and the API see it: append an entry to the hash chain, verify it.

``record_audit(uow, clock, actor, action, entity_type, entity_id, details=None)`` and
``verify_audit_log(uow)`` → ``AuditVerification`` (``ok``, ``entries``, ``first_break``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from verone.backoffice.domain.audit import AuditEntry, AuditValue, ChainBreak, verify_chain
from verone.backoffice.domain.queries import AuditFilter, Page, PageRequest
from verone.backoffice.domain.statuses import DocumentType
from verone.backoffice.domain.users import User
from verone.backoffice.ports import Clock, UnitOfWork
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.common import DOCUMENT_ENTITY


@dataclass(frozen=True, slots=True)
class AuditVerification:
    entries: int
    first_break: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def record_audit(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor | User,
    action: str,
    entity_type: str,
    entity_id: str,
    details: Mapping[str, AuditValue] | None = None,
) -> AuditEntry:
    """Append one entry (its own unit of work) by ``actor``, or by a ``User`` the edge
    authenticated."""
    with uow:
        entry = uow.audit.append(
            at=clock.now(),
            actor_id=actor.id if isinstance(actor, User) else actor.user_id,
            action=action,
            entity_type=entity_type,
            entity_id=entity_id,
            details=details,
        )
        uow.commit()
    return entry


def verify_audit_log(uow: UnitOfWork) -> AuditVerification:
    """Walk the whole chain in order; report the first broken link, if any."""
    seen = [0]

    def counting(entries: Iterator[AuditEntry]) -> Iterator[AuditEntry]:
        for entry in entries:
            seen[0] += 1
            yield entry

    with uow:
        first_break = verify_chain(counting(uow.audit.entries()))
    return AuditVerification(seen[0], first_break)


def document_history(uow: UnitOfWork, document_id: uuid.UUID) -> list[AuditEntry]:
    """Every audit entry of one document, oldest first (its « Historique » tab)."""
    with uow:
        return uow.audit.for_entity(DOCUMENT_ENTITY, str(document_id))


def people(uow: UnitOfWork) -> dict[uuid.UUID, str]:
    """User id → display name, to say who did what in histories and the journal."""
    with uow:
        return {user.id: user.display_name for user in uow.users.list()}


def search_audit_log(uow: UnitOfWork, criteria: AuditFilter, page: PageRequest) -> Page[AuditEntry]:
    """The journal, newest first, filtered by who, what, which entity and when."""
    with uow:
        return uow.audit.search(criteria, page)


def audit_actions(uow: UnitOfWork) -> list[str]:
    """The action codes present in the journal (the « Action » filter's choices)."""
    with uow:
        return uow.audit.actions()


def document_entity(uow: UnitOfWork, reference: str) -> str | None:
    """The audit entity id of a document given its number (``F-2026-004``) or its local id."""
    try:
        return str(uuid.UUID(reference))
    except ValueError:
        pass
    with uow:
        for kind in DocumentType:
            found = uow.documents.by_number(kind, reference)
            if found is not None:
                return str(found.id)
    return None
