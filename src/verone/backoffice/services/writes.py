"""Every Qonto write goes through here: the intent and its idempotency key are committed
before the call (``record_intent``), the outcome after (``call_qonto``, ``mark_succeeded``).

The intent's ``result`` holds its context (JSON) until the entry is settled; then it holds
the outcome. ``outbox.settle_outbox`` finishes what a crash or a timeout left open.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from typing import TypeVar

from verone.backoffice.domain import errors
from verone.backoffice.domain.confirmation import canonical_json
from verone.backoffice.domain.operations import OutboxEntry
from verone.backoffice.ports import Clock, UnitOfWork

T = TypeVar("T")

Context = Mapping[str, str | None]


class Operation:
    """Names of the outbox operations (one per kind of Qonto write)."""

    CREATE_CLIENT = "create_client"
    CREATE_DRAFT = "create_draft"
    UPDATE_DRAFT = "update_draft"
    DELETE_DRAFT = "delete_draft"
    FINALIZE = "finalize"
    ISSUE_QUOTE = "issue_quote"
    CREATE_CREDIT_NOTE = "create_credit_note"
    MARK_PAID = "mark_paid"
    UNMARK_PAID = "unmark_paid"
    CANCEL = "cancel"
    SEND = "send"


ISSUING = frozenset({Operation.FINALIZE, Operation.ISSUE_QUOTE, Operation.CREATE_CREDIT_NOTE})


def record_intent(
    uow: UnitOfWork,
    clock: Clock,
    operation: str,
    *,
    document_id: uuid.UUID | None,
    context: Context,
) -> OutboxEntry:
    """Add the intent of a write inside the open unit of work (the caller commits it)."""
    payload = {"operation": operation, **context}
    entry = OutboxEntry(
        operation=operation,
        idempotency_key=str(uuid.uuid4()),
        request_hash=hashlib.sha256(canonical_json(payload)).hexdigest(),
        created_at=clock.now(),
        document_id=document_id,
        result=json.dumps(dict(context), sort_keys=True),
    )
    return uow.outbox.add_pending(entry)


def intent_context(entry: OutboxEntry) -> dict[str, str | None]:
    """The context stored with an unsettled intent."""
    try:
        data: object = json.loads(entry.result or "{}")
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): None if v is None else str(v) for k, v in data.items()}


def _describe(exc: errors.QontoFailure) -> str:
    parts = [exc.code, exc.message]
    if exc.trace_id:
        parts.append(f"trace_id={exc.trace_id}")
    return " | ".join(parts)


def record_failure(
    uow: UnitOfWork, clock: Clock, entry_id: uuid.UUID, exc: errors.QontoFailure
) -> None:
    """Settle the entry after a failed call: ambiguous (look it up later) or failed."""
    with uow:
        entry = uow.outbox.get(entry_id)
        if entry is None or entry.settled:
            return
        if isinstance(exc, errors.QontoOutcomeUnknown):
            entry.mark_ambiguous(_describe(exc), clock.now())
        else:
            entry.fail(_describe(exc), clock.now())
        uow.commit()


def call_qonto(uow: UnitOfWork, clock: Clock, entry: OutboxEntry, send: Callable[[str], T]) -> T:
    """Make the call with the entry's key, outside any transaction; record a failure."""
    try:
        return send(entry.idempotency_key)
    except errors.QontoFailure as exc:
        record_failure(uow, clock, entry.id, exc)
        raise


def mark_succeeded(
    uow: UnitOfWork, clock: Clock, entry_id: uuid.UUID, outcome: Mapping[str, str | None]
) -> None:
    """Inside the unit of work that applies the outcome locally: settle the entry."""
    entry = uow.outbox.get(entry_id)
    if entry is not None and not entry.settled:
        entry.succeed(json.dumps(dict(outcome), sort_keys=True), clock.now())


def unsettled_for(uow: UnitOfWork, document_id: uuid.UUID, operations: frozenset[str]) -> bool:
    """Whether a write of one of ``operations`` on the document is still in flight."""
    return any(
        not e.settled and e.operation in operations for e in uow.outbox.for_document(document_id)
    )
