"""Payment state of issued invoices: mark paid, unmark paid, cancel (with the UI's advice to
prefer a credit note). Qonto's answer is adopted locally in the transaction that settles the
outbox intent (``payment_state_write``, also used by the reconciliation).

``mark_paid(uow, gateway, clock, actor, document_id, *, paid_at=None)``,
``unmark_paid(...)``, ``cancel_invoice(...)`` → ``CancellationResult``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.statuses import DocumentStatus, QontoStatus
from verone.backoffice.ports import Clock, QontoGateway, RemoteDocument, UnitOfWork
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.common import (
    acting_user,
    audit,
    lock_document,
    refresh_order_status,
)
from verone.backoffice.services.outbox.write import Done, Intent, Operation, Outcome, settle, write

CREDIT_NOTE_ADVICE = (
    "Une facture émise s'annule normalement par un avoir : préférez « Créer un avoir », "
    "qui garde la trace comptable de la correction."
)


@dataclass(frozen=True, slots=True)
class CancellationResult:
    document: FinancialDocument
    credit_note_recommended: bool
    advice: str


def apply_payment_state(
    uow: UnitOfWork,
    clock: Clock,
    document_id: uuid.UUID,
    remote: RemoteDocument,
    *,
    audited: bool = True,
) -> FinancialDocument:
    """Inside an open unit of work: make the local invoice's payment state Qonto's
    (paid / unpaid / canceled), audited when it changes, and refresh its order."""
    document = lock_document(uow, document_id)
    status = document.status
    if remote.qonto_status == QontoStatus.PAID and status is DocumentStatus.FINALIZED:
        document.mark_paid(clock.now())
    elif remote.qonto_status == QontoStatus.UNPAID and status is DocumentStatus.PAID:
        document.unmark_paid()
    elif remote.qonto_status == QontoStatus.CANCELED and status is DocumentStatus.FINALIZED:
        document.cancel(clock.now())
    document.qonto_updated_at = remote.updated_at
    if audited and document.status is not status:
        audit(
            uow,
            clock,
            None,
            f"document.{document.status}",
            document,
            {"qonto_status": remote.qonto_status},
        )
    refresh_order_status(uow, document.sales_order_id)
    return document


def adopt_remote_state(
    uow: UnitOfWork,
    clock: Clock,
    document_id: uuid.UUID,
    remote: RemoteDocument,
    entry_id: uuid.UUID | None = None,
) -> FinancialDocument:
    """In a transaction of its own: adopt Qonto's payment state (a webhook, a sync), and
    settle the outbox entry ``entry_id`` with it when given."""
    outcome = {"qonto_status": remote.qonto_status}
    if entry_id is not None:
        return settle(
            uow,
            clock,
            entry_id,
            lambda: (apply_payment_state(uow, clock, document_id, remote), outcome),
        )
    with uow:
        document = apply_payment_state(uow, clock, document_id, remote)
        uow.commit()
    return document


@dataclass(frozen=True, slots=True)
class PaymentTarget:
    """The invoice a payment-state write is about, locally and in Qonto."""

    document_id: uuid.UUID
    qonto_id: str


def payment_state_write(
    uow: UnitOfWork,
    clock: Clock,
    operation: Operation,
    prepare: Callable[[], Intent[PaymentTarget] | Done[FinancialDocument]],
    call: Callable[[str, str], RemoteDocument],
) -> FinancialDocument:
    """Mark paid / unmark / cancel through the outbox: ``prepare`` stages the intent on the
    invoice; Qonto's answer is adopted locally when the entry is settled."""

    def apply(target: PaymentTarget, remote: RemoteDocument) -> tuple[FinancialDocument, Outcome]:
        document = apply_payment_state(uow, clock, target.document_id, remote)
        return document, {"qonto_status": remote.qonto_status}

    return write(uow, clock, operation, prepare, lambda t, key: call(t.qonto_id, key), apply)


def _change_state(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    document_id: uuid.UUID,
    operation: Operation,
    allowed: frozenset[DocumentStatus],
    call: Callable[[str, str], RemoteDocument],
    context: Mapping[str, str | None] | None = None,
) -> FinancialDocument:
    def prepare() -> Intent[PaymentTarget]:
        user = acting_user(uow, actor)
        document = lock_document(uow, document_id)
        if not document.kind.payable or document.qonto_id is None:
            raise errors.IllegalTransition("Action réservée aux factures émises.")
        if document.status not in allowed:
            raise errors.IllegalTransition()
        target = PaymentTarget(document.id, document.qonto_id)
        return Intent(target, document.id, {"by": str(user.id), **(context or {})})

    return payment_state_write(uow, clock, operation, prepare, call)


def mark_paid(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    actor: Actor,
    document_id: uuid.UUID,
    *,
    paid_at: date | None = None,
) -> FinancialDocument:
    """Finalized → paid, in Qonto (``mark_as_paid``) then locally."""
    day = paid_at or clock.today()
    return _change_state(
        uow,
        clock,
        actor,
        document_id,
        Operation.MARK_PAID,
        frozenset({DocumentStatus.FINALIZED}),
        lambda qonto_id, key: gateway.mark_paid(qonto_id, day, key),
        {"paid_at": day.isoformat()},
    )


def unmark_paid(
    uow: UnitOfWork, gateway: QontoGateway, clock: Clock, actor: Actor, document_id: uuid.UUID
) -> FinancialDocument:
    """Paid → finalized (unpaid), in Qonto then locally."""
    return _change_state(
        uow,
        clock,
        actor,
        document_id,
        Operation.UNMARK_PAID,
        frozenset({DocumentStatus.PAID}),
        gateway.unmark_paid,
    )


def cancel_invoice(
    uow: UnitOfWork, gateway: QontoGateway, clock: Clock, actor: Actor, document_id: uuid.UUID
) -> CancellationResult:
    """An unpaid finalized invoice → ``mark_as_canceled`` (irreversible); a credit note is
    the recommended correction, said in the result for the UI."""
    document = _change_state(
        uow,
        clock,
        actor,
        document_id,
        Operation.CANCEL,
        frozenset({DocumentStatus.FINALIZED}),
        gateway.cancel,
    )
    return CancellationResult(document, True, CREDIT_NOTE_ADVICE)
