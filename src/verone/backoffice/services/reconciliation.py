"""Reconciliation use cases: propose (the pure matcher over the mirror), apply a match as a
payment allocation, reconcile automatically (dry run first), undo; reject a suggestion (the
pair is proposed, applied and accepted by hand no more) and restore it (docs/sync.md).

A fully paid invoice is marked paid in Qonto (``mark_as_paid`` through the outbox, with its
idempotency key) and locally, and its PDF is attached to the paying transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from verone.backoffice.domain import errors
from verone.backoffice.domain.banking import BankTransaction, PaymentAllocation, check_allocation
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.queries import DocumentFilter, PageRequest
from verone.backoffice.domain.reconciliation import (
    DEFAULT_WINDOW_DAYS,
    OpenInvoice,
    Proposal,
    RejectedMatch,
    TransactionFacts,
    best_per_transaction,
    propose_matches,
)
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.backoffice.ports import (
    Clock,
    QontoGateway,
    RemoteDocument,
    UnitOfWork,
)
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.common import NotFound, acting_user, audit, lock_document
from verone.backoffice.services.outbox.recovery import pdf_content
from verone.backoffice.services.outbox.write import (
    Done,
    Intent,
    Operation,
    Outcome,
    Staged,
    write,
    write_each,
)
from verone.backoffice.services.payments import (
    PaymentTarget,
    apply_payment_state,
    payment_state_write,
)
from verone.money import ZERO, format_money_fr

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
    #: the Qonto failure marking the invoice paid (the allocation stays; the recovery settles)
    failure: errors.QontoFailure | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class SplitResult:
    """A transfer split across invoices: one applied match per part (in the request's
    order) and what is left of the transfer afterwards."""

    transaction_id: uuid.UUID
    applied: list[AppliedMatch]
    left: Decimal
    currency: str = "EUR"

    @property
    def allocated(self) -> Decimal:
        return sum((a.amount for a in self.applied), ZERO)


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
    """Scored, explained proposals for every open credit, the rejected pairs left out (nothing
    is written). The page, the API's listing and ``reconcile`` all start here."""
    with uow:
        transactions, invoices = load_facts(uow)
        rejected = uow.rejections.pairs()
    return propose_matches(transactions, invoices, window_days=window_days, rejected=rejected)


def proposals_for_invoice(
    uow: UnitOfWork, document_id: uuid.UUID, *, window_days: int = DEFAULT_WINDOW_DAYS
) -> list[Proposal]:
    """The candidates for one invoice (``POST …/invoices/{id}/reconcile`` shows them)."""
    return [p for p in propose(uow, window_days=window_days) if p.invoice_id == document_id]


def reconcile(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    *,
    dry_run: bool = True,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> ReconciliationReport:
    """Propose; unless ``dry_run``, apply the unambiguous confident ones automatically
    (``apply_automatic``)."""
    report = ReconciliationReport(dry_run, propose(uow, window_days=window_days))
    if not dry_run:
        applied = apply_automatic(uow, gateway, clock, report.automatic)
        report.applied, report.errors = applied.applied, applied.errors
    return report


def apply_automatic(
    uow: UnitOfWork, gateway: QontoGateway, clock: Clock, proposals: Sequence[Proposal]
) -> ReconciliationReport:
    """Apply automatic proposals without a person, one ``apply_split`` per transaction (in
    their order): a split proposal stands or falls whole, a single one is a split of one.

    Every part applied is in ``applied``; a refused transaction (a part no longer fits:
    the proposals are stale) writes nothing and its refusal is in ``errors`` with its
    invoice numbers, as is a Qonto failure marking one of them paid (that part stays
    applied; the recovery settles it)."""
    report = ReconciliationReport(dry_run=False, proposals=list(proposals))
    for transaction_id, group in best_per_transaction(proposals).items():
        numbers = ", ".join(p.invoice_number for p in group)
        try:
            result = apply_split(
                uow,
                gateway,
                clock,
                None,
                transaction_id,
                [(p.invoice_id, p.amount) for p in group],
                score=group[0].score,
                reasons=group[0].reasons_text,
            )
        except errors.DomainError as exc:
            report.errors.append(f"{numbers} : {exc.message}")
            continue
        report.applied.extend(result.applied)
        number = {p.invoice_id: p.invoice_number for p in group}
        report.errors.extend(
            f"{number[a.document_id]} : {a.failure.message}"
            for a in result.applied
            if a.failure is not None
        )
    return report


@dataclass(frozen=True, slots=True)
class _Allocated:
    allocation_id: uuid.UUID
    fully_paid: bool
    document_id: uuid.UUID
    invoice_qonto_id: str | None
    transaction_qonto_id: str
    paid_on: date
    amount: Decimal


def _transaction_lock(transaction_id: uuid.UUID) -> str:
    """The lock of a bank transaction's allocations (taken after the invoice's lock)."""
    return f"bank_transaction:{transaction_id}"


#: A split without any part (the « Répartir » dialog says it too when no amount is typed)
NO_PART = "Indiquez au moins une facture et son montant."


def _check_parts(parts: Sequence[tuple[uuid.UUID, Decimal]]) -> None:
    if not parts:
        raise errors.InvalidSplit(NO_PART)
    ids = [document_id for document_id, _ in parts]
    if len(set(ids)) != len(ids):
        raise errors.InvalidSplit("Une facture ne peut figurer qu'une fois dans la répartition.")


def _check_match(
    document: FinancialDocument,
    transaction: BankTransaction,
    taken: Decimal,
    amount: Decimal,
    over: str,
) -> None:
    if not document.kind.payable or (document.status is not DocumentStatus.FINALIZED):
        raise errors.IllegalTransition("Seule une facture émise non payée peut être rapprochée.")
    if taken + amount > transaction.amount:
        raise errors.PaymentExceedsInvoice(over)


def _over_message(
    transaction: BankTransaction, taken: Decimal, parts: Sequence[tuple[uuid.UUID, Decimal]]
) -> str:
    if len(parts) == 1:
        return "Le montant dépasse ce qui reste de la transaction."
    total = sum((amount for _, amount in parts), ZERO)
    left = transaction.amount - taken
    return (
        f"La répartition ({format_money_fr(total, transaction.currency)}) dépasse ce qui reste "
        f"du virement ({format_money_fr(left, transaction.currency)})."
    )


def _allocate(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor | None,
    transaction_id: uuid.UUID,
    parts: Sequence[tuple[uuid.UUID, Decimal]],
    score: int | None,
    reasons: str | None,
) -> Staged[_Allocated, tuple[list[_Allocated], Decimal, str]]:
    """Every allocation of the parts in the one transaction of the caller, or none; the
    intents to mark paid in Qonto the invoices that are now fully paid."""
    _check_parts(parts)
    user_id = None if actor is None else acting_user(uow, actor).id
    # Lock order, always: the invoices (by id), then the bank transaction (docs/sync.md,
    # "Reconciliation"). An invoice's lock keeps it within its total, the transaction's
    # keeps two invoices from sharing more than the transfer brought.
    locked = {i: lock_document(uow, i) for i in sorted(document_id for document_id, _ in parts)}
    uow.lock(_transaction_lock(transaction_id))
    transaction = uow.bank_transactions.get(transaction_id)
    if transaction is None:
        raise NotFound("Transaction introuvable.")
    taken = uow.allocations.allocated_from_transaction(transaction.id)
    over = _over_message(transaction, taken, parts)
    matched = {a.document_id for a in uow.allocations.for_transaction(transaction.id)}
    checked: list[tuple[FinancialDocument, Decimal, Decimal]] = []
    for document_id, amount in parts:  # everything is checked before anything is written
        document = locked[document_id]
        if uow.rejections.get(transaction.id, document.id) is not None:
            raise errors.MatchRejected()
        _check_match(document, transaction, taken, amount, over)
        already = uow.allocations.allocated_to_document(document.id)
        check_allocation(document, already, amount, transaction.currency)
        if document.id in matched:  # one allocation per pair (docs/sync.md)
            raise errors.IllegalTransition(
                f"Ce virement est déjà rapproché de la facture {document.number or ''} : "
                "annulez ce rapprochement pour en changer le montant."
            )
        taken += amount
        checked.append((document, already, amount))
    done: list[_Allocated] = []
    intents: list[Intent[_Allocated]] = []
    paid_on = (transaction.settled_at or transaction.emitted_at).date()
    for document, already, amount in checked:
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
        allocated = _Allocated(
            allocation.id,
            fully_paid,
            document.id,
            document.qonto_id,
            transaction.qonto_id,
            paid_on,
            amount,
        )
        done.append(allocated)
        if fully_paid and document.qonto_id is not None:
            context = {"by": "rapprochement", "paid_at": paid_on.isoformat()}
            intents.append(Intent(allocated, document.id, context))
        elif fully_paid:  # never in Qonto: only the local mirror changes
            document.mark_paid(clock.now())
        else:
            document.record_allocated(already + amount)
    return Staged((done, transaction.amount - taken, transaction.currency), intents)


def apply_split(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    actor: Actor | None,
    transaction_id: uuid.UUID,
    parts: Sequence[tuple[uuid.UUID, Decimal]],
    *,
    score: int | None = None,
    reasons: str | None = None,
) -> SplitResult:
    """Allocate parts of one transaction to several invoices, ``[(invoice_id, amount), …]``
    (« Répartir »; ``actor`` None: automatic), in part order.

    Every allocation is written in one transaction, or none (a refused part refuses the
    split): each invoice open, payable, not twice, not a rejected pair, each amount positive
    and within what the invoice still owes, their sum within what is left of the transfer.
    Each invoice then fully paid is marked paid in Qonto (one ``mark_as_paid`` outbox write
    each) and locally, and its PDF attached to the transaction. A Qonto failure on one
    leaves its allocation (the recovery settles the entry) and is its ``warning``.
    """
    (done, left, currency), settled = write_each(
        uow,
        clock,
        Operation.MARK_PAID,
        lambda: _allocate(uow, clock, actor, transaction_id, parts, score, reasons),
        partial(_mark_paid, gateway),
        partial(_apply_paid, uow, clock),
    )
    outcomes = {s.state.document_id: s for s in settled}
    applied = []
    for part in done:
        outcome = outcomes.get(part.document_id)
        if outcome is None:  # nothing to ask Qonto
            applied.append(_applied(part, transaction_id, part.fully_paid, False))
        elif outcome.failure is not None:
            note = f"Facture non marquée payée dans Qonto : {outcome.failure.message}"
            applied.append(_applied(part, transaction_id, False, False, note, outcome.failure))
        else:
            paid = outcome.value
            assert paid is not None
            attached, warning = _attach_pdf(uow, gateway, clock, paid, part.transaction_qonto_id)
            is_paid = paid.status is DocumentStatus.PAID
            applied.append(_applied(part, transaction_id, is_paid, attached, warning))
    return SplitResult(transaction_id, applied, left, currency)


def _mark_paid(gateway: QontoGateway, done: _Allocated, key: str) -> RemoteDocument:
    assert done.invoice_qonto_id is not None
    return gateway.mark_paid(done.invoice_qonto_id, done.paid_on, key)


def _apply_paid(
    uow: UnitOfWork, clock: Clock, done: _Allocated, remote: RemoteDocument
) -> tuple[FinancialDocument, Outcome]:
    return apply_payment_state(uow, clock, done.document_id, remote), {
        "qonto_status": remote.qonto_status
    }


def _applied(
    part: _Allocated,
    transaction_id: uuid.UUID,
    paid: bool,
    attached: bool,
    warning: str | None = None,
    failure: errors.QontoFailure | None = None,
) -> AppliedMatch:
    return AppliedMatch(
        part.allocation_id,
        transaction_id,
        part.document_id,
        part.amount,
        paid,
        attached,
        warning,
        failure,
    )


def apply_match(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    actor: Actor | None,
    transaction_id: uuid.UUID,
    document_id: uuid.UUID,
    amount: Decimal,
    *,
    score: int | None = None,
    reasons: str | None = None,
) -> AppliedMatch:
    """Allocate ``amount`` of a transaction to an invoice (``actor`` None: automatic): the
    split of one part (``apply_split``).

    When the invoice is then fully paid it is marked paid in Qonto (``mark_as_paid`` through
    the outbox) and locally, and its PDF is attached to the transaction (a failure there is
    reported; the allocation and the payment stay). A Qonto failure marking it paid is
    raised (the allocation stays; the recovery settles the entry).
    """
    [applied] = apply_split(
        uow,
        gateway,
        clock,
        actor,
        transaction_id,
        [(document_id, amount)],
        score=score,
        reasons=reasons,
    ).applied
    if applied.failure is not None:
        raise applied.failure
    return applied


def _attach_pdf(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    document: FinancialDocument,
    transaction_qonto_id: str,
) -> tuple[bool, str | None]:
    """The invoice's PDF onto the transaction in Qonto (through the outbox), when it exists."""
    filename = f"{document.number or 'facture'}.pdf"
    try:
        content = pdf_content(gateway, document)
        if content is None:
            return False, "PDF de la facture pas encore disponible : à joindre plus tard."
        context = {"transaction_qonto_id": transaction_qonto_id, "filename": filename}
        write(
            uow,
            clock,
            Operation.ATTACH_PDF,
            lambda: Intent(content, document.id, context),
            lambda pdf, key: gateway.attach_to_transaction(
                transaction_qonto_id, filename, pdf, key
            ),
            lambda _pdf, _answer: (None, {"transaction_qonto_id": transaction_qonto_id}),
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

    def prepare() -> Intent[PaymentTarget] | Done[FinancialDocument]:
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
        if document.status is DocumentStatus.PAID and document.qonto_id is not None:
            target = PaymentTarget(document.id, document.qonto_id)
            return Intent(target, document.id, {"by": "rapprochement"})
        if document.status is DocumentStatus.FINALIZED:
            document.record_allocated(uow.allocations.allocated_to_document(document.id))
        return Done(document)

    return payment_state_write(uow, clock, Operation.UNMARK_PAID, prepare, gateway.unmark_paid)


# ---------------------------------------------------------------------- rejected suggestions


@dataclass(frozen=True, slots=True)
class RejectedView:
    """A rejected pair with its transaction and invoice (« Suggestions rejetées »)."""

    rejection: RejectedMatch
    transaction: BankTransaction | None
    document: FinancialDocument | None
    rejected_by_name: str | None = None


def _lock_pair(
    uow: UnitOfWork, transaction_id: uuid.UUID, document_id: uuid.UUID
) -> tuple[BankTransaction, FinancialDocument]:
    """The invoice's lock, then the transaction's: the order of ``_allocate``."""
    document = lock_document(uow, document_id)
    if not document.kind.payable:
        raise errors.DocumentNotFound("Facture introuvable.")
    uow.lock(_transaction_lock(transaction_id))
    transaction = uow.bank_transactions.get(transaction_id)
    if transaction is None:
        raise NotFound("Transaction introuvable.")
    return transaction, document


def reject_match(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    transaction_id: uuid.UUID,
    document_id: uuid.UUID,
) -> RejectedView:
    """« Rejeter »: this transfer does not pay this invoice. The pair is proposed no more
    (the page, the API, ``reconcile``) and ``apply_match`` refuses it until it is restored."""
    with uow:
        user = acting_user(uow, actor)
        transaction, document = _lock_pair(uow, transaction_id, document_id)
        if uow.rejections.get(transaction.id, document.id) is not None:
            raise errors.MatchAlreadyRejected()
        if any(
            a.document_id == document.id for a in uow.allocations.for_transaction(transaction.id)
        ):
            raise errors.IllegalTransition(
                "Ce virement est déjà rapproché de cette facture : "
                "annulez le rapprochement d'abord."
            )
        rejection = RejectedMatch(transaction.id, document.id, user.id, clock.now())
        uow.rejections.add(rejection)
        details = {"transaction_id": str(transaction.id), "transaction": transaction.label}
        audit(uow, clock, user.id, "reconciliation.rejected", document, details)
        uow.commit()
    return RejectedView(rejection, transaction, document, user.display_name)


def restore_match(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    transaction_id: uuid.UUID,
    document_id: uuid.UUID,
) -> RejectedView:
    """« Rétablir »: the rejected pair may be proposed and applied again (returns what was
    removed; the audit entry keeps who had rejected it and when)."""
    with uow:
        user = acting_user(uow, actor)
        transaction, document = _lock_pair(uow, transaction_id, document_id)
        rejection = uow.rejections.get(transaction.id, document.id)
        if rejection is None:
            raise errors.RejectionNotFound()
        uow.rejections.delete(rejection)
        details = {
            "transaction_id": str(transaction.id),
            "rejected_by": str(rejection.rejected_by),
            "rejected_at": rejection.rejected_at.isoformat(),
        }
        audit(uow, clock, user.id, "reconciliation.restored", document, details)
        by = uow.users.get(rejection.rejected_by)
        uow.commit()
    return RejectedView(rejection, transaction, document, by.display_name if by else None)


def list_rejected(uow: UnitOfWork, *, limit: int = 50) -> list[RejectedView]:
    """The latest rejected pairs, newest first, with their transaction and invoice."""
    with uow:
        views = []
        for rejection in uow.rejections.recent(limit):
            by = uow.users.get(rejection.rejected_by)
            views.append(
                RejectedView(
                    rejection,
                    uow.bank_transactions.get(rejection.transaction_id),
                    uow.documents.get(rejection.document_id),
                    by.display_name if by else None,
                )
            )
        return views
