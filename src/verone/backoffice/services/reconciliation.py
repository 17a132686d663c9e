"""Reconciliation use cases: propose (the pure matcher over the mirror), apply a match as a
payment allocation, reconcile automatically (dry run first), undo.

A fully paid invoice is marked paid in Qonto (``mark_as_paid`` through the outbox, with its
idempotency key) and locally, and its PDF is attached to the paying transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from verone.backoffice.domain import errors
from verone.backoffice.domain.banking import PaymentAllocation, check_allocation
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.queries import DocumentFilter, PageRequest
from verone.backoffice.domain.reconciliation import (
    DEFAULT_WINDOW_DAYS,
    OpenInvoice,
    Proposal,
    TransactionFacts,
    propose_matches,
)
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.backoffice.ports import Clock, QontoGateway, QontoSyncReader, UnitOfWork
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.common import NotFound, acting_user, audit, lock_document
from verone.backoffice.services.payments import adopt_remote_state
from verone.backoffice.services.writes import Operation, call_qonto, record_intent
from verone.money import ZERO

_PAGE = 200


@dataclass(frozen=True, slots=True)
class AppliedMatch:
    allocation_id: uuid.UUID
    transaction_id: uuid.UUID
    document_id: uuid.UUID
    amount: Decimal
    invoice_paid: bool
    pdf_attached: bool
    warning: str | None = None


@dataclass(slots=True)
class ReconciliationReport:
    """What a reconcile pass found (and, unless a dry run, applied)."""

    dry_run: bool
    proposals: list[Proposal] = field(default_factory=list)
    applied: list[AppliedMatch] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def automatic(self) -> list[Proposal]:
        return [p for p in self.proposals if p.automatic]

    @property
    def review(self) -> list[Proposal]:
        """Everything a person must decide (the review queue)."""
        return [p for p in self.proposals if not p.automatic]


def _open_invoices(uow: UnitOfWork) -> Iterator[FinancialDocument]:
    criteria = DocumentFilter(
        document_type=DocumentType.INVOICE, statuses=frozenset({DocumentStatus.FINALIZED})
    )
    number = 1
    while True:
        page = uow.documents.list(criteria, PageRequest(number, _PAGE))
        yield from page.items
        if number * _PAGE >= page.total:
            return
        number += 1


def load_facts(uow: UnitOfWork) -> tuple[list[TransactionFacts], list[OpenInvoice]]:
    """Open credits and open invoices of the mirror, net of what is already allocated."""
    allocated = uow.allocations.totals_by_document()
    ibans = uow.allocations.known_ibans()
    invoices = [
        OpenInvoice(
            id=doc.id,
            number=doc.number or "",
            customer_name=doc.customer_name,
            amount_due=doc.total_amount - allocated.get(doc.id, ZERO),
            currency=doc.currency,
            issue_date=doc.issue_date,
            due_date=doc.due_date,
            customer_ibans=tuple(sorted(ibans.get(doc.customer_id, ()))) if doc.customer_id else (),
            attachment_id=doc.qonto_attachment_id,
        )
        for doc in _open_invoices(uow)
        if doc.number
    ]
    transactions = [
        TransactionFacts(
            id=txn.id,
            amount=txn.amount - already,
            currency=txn.currency,
            booked_on=(txn.settled_at or txn.emitted_at).date(),
            label=txn.label,
            reference=txn.reference,
            counterparty_name=txn.counterparty_name,
            counterparty_iban=txn.counterparty_iban,
            attachment_ids=txn.attachments,
        )
        for txn, already in uow.bank_transactions.open_credits()
    ]
    return transactions, invoices


def propose(uow: UnitOfWork, *, window_days: int = DEFAULT_WINDOW_DAYS) -> list[Proposal]:
    """Scored, explained proposals for every open credit (nothing is written)."""
    with uow:
        transactions, invoices = load_facts(uow)
    return propose_matches(transactions, invoices, window_days=window_days)


def proposals_for_invoice(
    uow: UnitOfWork, document_id: uuid.UUID, *, window_days: int = DEFAULT_WINDOW_DAYS
) -> list[Proposal]:
    """The candidates for one invoice (``POST …/invoices/{id}/reconcile`` shows them)."""
    return [p for p in propose(uow, window_days=window_days) if p.invoice_id == document_id]


def reconcile(
    uow: UnitOfWork,
    gateway: QontoGateway,
    reader: QontoSyncReader,
    clock: Clock,
    *,
    dry_run: bool = True,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> ReconciliationReport:
    """Propose; unless ``dry_run``, apply the unambiguous confident ones automatically."""
    report = ReconciliationReport(dry_run, propose(uow, window_days=window_days))
    if dry_run:
        return report
    for proposal in report.automatic:
        try:
            report.applied.append(
                apply_match(
                    uow,
                    gateway,
                    reader,
                    clock,
                    None,
                    proposal.transaction_id,
                    proposal.invoice_id,
                    proposal.amount,
                    score=proposal.score,
                    reasons=proposal.reasons_text,
                )
            )
        except errors.DomainError as exc:
            report.errors.append(f"{proposal.invoice_number} : {exc.message}")
    return report


def apply_match(
    uow: UnitOfWork,
    gateway: QontoGateway,
    reader: QontoSyncReader,
    clock: Clock,
    actor: Actor | None,
    transaction_id: uuid.UUID,
    document_id: uuid.UUID,
    amount: Decimal,
    *,
    score: int | None = None,
    reasons: str | None = None,
) -> AppliedMatch:
    """Allocate ``amount`` of a transaction to an invoice (``actor`` None: automatic).

    When the invoice is then fully paid it is marked paid in Qonto and locally, and its PDF is
    attached to the transaction (a failure there is reported, the allocation stays).
    """
    with uow:
        user_id = None if actor is None else acting_user(uow, actor).id
        document = lock_document(uow, document_id)
        transaction = uow.bank_transactions.get(transaction_id)
        if transaction is None:
            raise NotFound("Transaction introuvable.")
        if document.document_type is not DocumentType.INVOICE or document.status not in (
            DocumentStatus.FINALIZED,
        ):
            raise errors.IllegalTransition(
                "Seule une facture émise non payée peut être rapprochée."
            )
        already = uow.allocations.allocated_to_document(document.id)
        check_allocation(document, already, amount, transaction.currency)
        if uow.allocations.allocated_from_transaction(transaction.id) + amount > transaction.amount:
            raise errors.PaymentExceedsInvoice("Le montant dépasse ce qui reste de la transaction.")
        allocation = PaymentAllocation(
            transaction_id=transaction.id,
            document_id=document.id,
            amount=amount,
            currency=transaction.currency,
            created_at=clock.now(),
            allocated_by=user_id,
            score=score,
            reasons=reasons,
        )
        uow.allocations.add(allocation)
        audit(uow, clock, user_id, "reconciliation.allocated", document, {"amount": str(amount)})
        fully_paid = already + amount == document.total_amount
        entry = None
        if fully_paid and document.qonto_id is not None:
            entry = record_intent(
                uow,
                clock,
                Operation.MARK_PAID,
                document_id=document.id,
                context={"by": "rapprochement"},
            )
        qonto_id, txn_qonto_id = document.qonto_id, transaction.qonto_id
        paid_on = (transaction.settled_at or transaction.emitted_at).date()
        uow.commit()
    if entry is None or qonto_id is None:
        return AppliedMatch(allocation.id, transaction_id, document_id, amount, False, False)
    remote = call_qonto(uow, clock, entry, lambda key: gateway.mark_paid(qonto_id, paid_on, key))
    paid = adopt_remote_state(uow, clock, document_id, remote, entry.id)
    attached, warning = _attach_pdf(gateway, reader, paid, txn_qonto_id, transaction_id)
    return AppliedMatch(
        allocation.id,
        transaction_id,
        document_id,
        amount,
        paid.status is DocumentStatus.PAID,
        attached,
        warning,
    )


def _attach_pdf(
    gateway: QontoGateway,
    reader: QontoSyncReader,
    document: FinancialDocument,
    transaction_qonto_id: str,
    transaction_id: uuid.UUID,
) -> tuple[bool, str | None]:
    """The invoice's PDF onto the transaction in Qonto, when the PDF exists."""
    try:
        attachment_id = document.qonto_attachment_id
        if attachment_id is None and document.qonto_id is not None:
            attachment_id = gateway.get_document(
                DocumentType.INVOICE, document.qonto_id
            ).attachment_id
        if attachment_id is None:
            return False, "PDF de la facture pas encore disponible : à joindre plus tard."
        link = gateway.attachment_link(attachment_id)
        content = gateway.download(link.url)
        key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"attach:{transaction_id}:{document.id}"))
        reader.attach_to_transaction(
            transaction_qonto_id, f"{document.number or 'facture'}.pdf", content, key
        )
    except errors.QontoFailure as exc:
        return False, f"PDF non joint à la transaction : {exc.message}"
    return True, None


def undo_allocation(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    actor: Actor | None,
    allocation_id: uuid.UUID,
) -> FinancialDocument:
    """Remove an allocation; an invoice it had paid goes back to unpaid (in Qonto too)."""
    with uow:
        user_id = None if actor is None else acting_user(uow, actor).id
        allocation = uow.allocations.get(allocation_id)
        if allocation is None:
            raise NotFound("Rapprochement introuvable.")
        document = lock_document(uow, allocation.document_id)
        uow.allocations.delete(allocation)
        audit(
            uow,
            clock,
            user_id,
            "reconciliation.undone",
            document,
            {"amount": str(allocation.amount)},
        )
        entry = None
        if document.status is DocumentStatus.PAID and document.qonto_id is not None:
            entry = record_intent(
                uow,
                clock,
                Operation.UNMARK_PAID,
                document_id=document.id,
                context={"by": "rapprochement"},
            )
        qonto_id, document_id = document.qonto_id, document.id
        uow.commit()
    if entry is None or qonto_id is None:
        return document
    remote = call_qonto(uow, clock, entry, lambda key: gateway.unmark_paid(qonto_id, key))
    return adopt_remote_state(uow, clock, document_id, remote, entry.id)
