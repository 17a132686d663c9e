"""The one road of a Qonto write (docs/adr/0004-outbox-write.md).

``write(uow, clock, operation, prepare, call, apply)`` runs three steps, each in its own
transaction or in none, never one transaction held open across the call:

1. **intent** — ``prepare()`` runs inside a transaction: it checks, locks and writes the
   local rows (a pending document, an allocation, …) and returns an ``Intent``; the outbox
   entry (operation, fresh idempotency key, request hash, context) is added and everything
   is committed together. When ``prepare`` returns ``Done(value)`` instead, nothing needs
   Qonto: its work is committed and ``value`` returned.
2. **call** — ``call(state, key)`` talks to Qonto outside any transaction. A failure settles
   the entry (``ambiguous`` when the outcome is unknown, ``failed`` otherwise), ``rejected``
   may undo what ``prepare`` wrote when Qonto refused, and the error propagates.
3. **outcome** — ``apply(state, answer)`` runs in a transaction that locks what it changes,
   applies Qonto's answer and marks the entry succeeded, in the same commit.

``write_each`` is the same road for a use case whose one local transaction stages several
writes of one operation (a transfer split across invoices marks each fully paid invoice
paid): every intent is committed with the local rows, then each is called and settled on
its own; a failure settles that entry and is returned with its state, the others go on.
``write`` is ``write_each`` of at most one intent, whose failure is raised.

The recovery (``outbox.recovery.settle_outbox``) finishes what a crash or a timeout left
between steps 1 and 3, with ``settle`` (step 3 alone).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from typing import Generic, TypeVar, cast

from verone.backoffice.domain import errors
from verone.backoffice.domain.confirmation import canonical_json
from verone.backoffice.domain.operations import OutboxEntry
from verone.backoffice.ports import Clock, UnitOfWork

S = TypeVar("S")
R = TypeVar("R")
T = TypeVar("T")
V = TypeVar("V")

Context = Mapping[str, str | None]
Outcome = Mapping[str, str | None]


class Operation(StrEnum):
    """The outbox operations: one per kind of Qonto write."""

    CREATE_CLIENT = "create_client"
    UPDATE_CLIENT = "update_client"
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
    ATTACH_PDF = "attach_pdf"
    UPLOAD_ATTACHMENT = "upload_attachment"
    DETACH_ATTACHMENT = "detach_attachment"


#: Writes that issue a document (a number is burned in Qonto): never re-sent by the recovery.
ISSUING = frozenset({Operation.FINALIZE, Operation.ISSUE_QUOTE, Operation.CREATE_CREDIT_NOTE})


@dataclass(frozen=True, slots=True)
class Intent(Generic[S]):
    """What ``prepare`` stages: the state the call and the outcome need, the document the
    write is about, and the context the recovery needs to finish it (stored as JSON)."""

    state: S
    document_id: uuid.UUID | None = None
    context: Context = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Done(Generic[T]):
    """What ``prepare`` returns when Qonto needs no write: the use case's result."""

    value: T


def record_intent(
    uow: UnitOfWork,
    clock: Clock,
    operation: Operation,
    *,
    document_id: uuid.UUID | None,
    context: Context,
) -> OutboxEntry:
    """Add the intent of a write inside the open unit of work (the caller commits it)."""
    payload = {"operation": str(operation), **context}
    entry = OutboxEntry(
        operation=str(operation),
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


def fail_entry(uow: UnitOfWork, clock: Clock, entry_id: uuid.UUID, reason: str) -> None:
    """Settle an entry as failed (nothing to finish: the user acts again)."""
    with uow:
        entry = uow.outbox.get(entry_id)
        if entry is not None and not entry.settled:
            entry.fail(reason, clock.now())
            uow.commit()


def settle(
    uow: UnitOfWork, clock: Clock, entry_id: uuid.UUID, apply: Callable[[], tuple[T, Outcome]]
) -> T:
    """Step 3: in one transaction, ``apply()`` Qonto's answer and mark the entry succeeded."""
    with uow:
        value, outcome = apply()
        entry = uow.outbox.get(entry_id)
        if entry is not None and not entry.settled:
            entry.succeed(json.dumps(dict(outcome), sort_keys=True), clock.now())
        uow.commit()
    return value


@dataclass(frozen=True, slots=True)
class Staged(Generic[S, V]):
    """What ``write_each``'s ``prepare`` stages: the local result and its intents (maybe
    none), all committed in the one transaction of step 1."""

    value: V
    intents: Sequence[Intent[S]] = ()


@dataclass(frozen=True, slots=True)
class Settled(Generic[S, T]):
    """One intent of ``write_each`` after its call: ``value`` from ``apply``, or the Qonto
    ``failure`` (its entry settled ambiguous or failed, for the recovery or the user)."""

    state: S
    value: T | None = None
    failure: errors.QontoFailure | None = None


def write_each(
    uow: UnitOfWork,
    clock: Clock,
    operation: Operation,
    prepare: Callable[[], Staged[S, V]],
    call: Callable[[S, str], R],
    apply: Callable[[S, R], tuple[T, Outcome]],
    *,
    rejected: Callable[[S], None] | None = None,
) -> tuple[V, list[Settled[S, T]]]:
    """Step 1 once (the local rows and every intent in one commit), then steps 2 and 3 for
    each intent in order; a Qonto failure is recorded on its entry and returned, not raised."""
    with uow:
        staged = prepare()
        entries = [
            (
                intent,
                record_intent(
                    uow, clock, operation, document_id=intent.document_id, context=intent.context
                ),
            )
            for intent in staged.intents
        ]
        uow.commit()
    settled: list[Settled[S, T]] = []
    for intent, entry in entries:
        state: S = intent.state
        try:
            answer = call(state, entry.idempotency_key)
        except errors.QontoFailure as exc:
            record_failure(uow, clock, entry.id, exc)
            if rejected is not None and isinstance(exc, errors.QontoRejected):
                rejected(state)
            settled.append(Settled(state, failure=exc))
            continue
        value = settle(uow, clock, entry.id, partial(apply, state, answer))
        settled.append(Settled(state, value))
    return staged.value, settled


def write(
    uow: UnitOfWork,
    clock: Clock,
    operation: Operation,
    prepare: Callable[[], Intent[S] | Done[T]],
    call: Callable[[S, str], R],
    apply: Callable[[S, R], tuple[T, Outcome]],
    *,
    rejected: Callable[[S], None] | None = None,
) -> T:
    """Intent → call → outcome (see the module's docstring); returns ``apply``'s value."""

    def stage() -> Staged[S, Done[T] | None]:
        staged = prepare()
        if isinstance(staged, Done):
            return Staged(staged)
        return Staged(None, (staged,))

    done, settled = write_each(uow, clock, operation, stage, call, apply, rejected=rejected)
    if done is not None:
        return done.value
    [one] = settled
    if one.failure is not None:
        raise one.failure
    return cast(T, one.value)  # apply's value (T may itself admit None)


def unsettled_for(
    uow: UnitOfWork, document_id: uuid.UUID, operations: frozenset[Operation]
) -> bool:
    """Whether a write of one of ``operations`` on the document is still in flight."""
    return any(
        not e.settled and e.operation in operations for e in uow.outbox.for_document(document_id)
    )
