"""Read models of « Transactions bancaires » and « Rapprochement »: the suggestions with the
movement they concern, the credits nobody matched, the open invoices to match by hand, the
latest allocations, the rejected suggestions, and the state of the last syncs (the progress
element polls it)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from verone.backoffice.domain import errors
from verone.backoffice.domain.banking import BankTransaction, TransactionSide
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.matching_text import name_tokens, normalize_iban
from verone.backoffice.domain.operations import SyncRun, SyncStatus
from verone.backoffice.domain.queries import MAX_PAGE_SIZE, DocumentFilter, Page, PageRequest
from verone.backoffice.domain.reconciliation import MatchKind, Proposal
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.backoffice.ports import UnitOfWork
from verone.backoffice.services import queries, reconciliation

OPEN_INVOICES = 200
#: The open invoices « Répartir » lists (the counterparty's customer's first).
SPLIT_INVOICES = 50
#: The open invoices one search of « Répartir » adds to its list, at most.
SPLIT_SEARCH = 20
#: Issued, unpaid invoices: what a payment may be matched with.
_OPEN = DocumentFilter(
    document_type=DocumentType.INVOICE, statuses=frozenset({DocumentStatus.FINALIZED})
)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What is proposed for one transfer: one proposal, or every part of a split proposal
    (the transfer quotes several invoices), which is accepted whole."""

    transaction: BankTransaction
    proposals: Sequence[Proposal]

    @property
    def proposal(self) -> Proposal:
        return self.proposals[0]

    @property
    def split(self) -> bool:
        return self.proposal.kind is MatchKind.SPLIT

    @property
    def amount(self) -> Decimal:
        return sum((p.amount for p in self.proposals), Decimal(0))


@dataclass(frozen=True, slots=True)
class ReconciliationQueue:
    suggestions: Sequence[Suggestion]
    unmatched: Page[BankTransaction]
    open_invoices: Sequence[FinancialDocument]
    allocations: Page[queries.AllocationView]
    rejected: Sequence[reconciliation.RejectedView]


def reconciliation_queue(uow: UnitOfWork, page: PageRequest) -> ReconciliationQueue:
    proposals = reconciliation.propose(uow)
    with uow:
        found = {p.transaction_id: uow.bank_transactions.get(p.transaction_id) for p in proposals}
        open_invoices = uow.documents.list(_OPEN, PageRequest(1, OPEN_INVOICES)).items
    return ReconciliationQueue(
        suggestions=_suggestions(proposals, found),
        unmatched=queries.unmatched_transactions(uow, page),
        open_invoices=open_invoices,
        allocations=queries.list_allocations(uow, PageRequest(1, 20)),
        rejected=reconciliation.list_rejected(uow),
    )


def _suggestions(
    proposals: Sequence[Proposal], transactions: Mapping[uuid.UUID, BankTransaction | None]
) -> list[Suggestion]:
    """Best score first; the parts of one split proposal together, in their order."""
    grouped: dict[tuple[uuid.UUID, uuid.UUID | None], list[Proposal]] = {}
    for p in sorted(proposals, key=lambda p: -p.score):
        key = (p.transaction_id, None if p.kind is MatchKind.SPLIT else p.invoice_id)
        grouped.setdefault(key, []).append(p)
    return [
        Suggestion(txn, parts)
        for (transaction_id, _), parts in grouped.items()
        if (txn := transactions.get(transaction_id)) is not None
    ]


@dataclass(frozen=True, slots=True)
class SplitForm:
    """« Répartir » one credit: what is left of it and the open invoices to spread it over
    (the counterparty's customer's first when the back office knows who it is)."""

    transaction: BankTransaction
    left: Decimal
    invoices: Sequence[FinancialDocument]
    customer_id: uuid.UUID | None = None
    customer_name: str | None = None


def _counterparty_customer(
    uow: UnitOfWork, transaction: BankTransaction
) -> tuple[uuid.UUID, str] | None:
    """The customer this credit comes from: its IBAN already paid them, else the
    counterparty's name is theirs, compared as the matcher compares names
    (``domain.matching_text``: accents, case and legal forms aside)."""
    iban = normalize_iban(transaction.counterparty_iban)
    if iban:
        for customer_id, ibans in uow.allocations.known_ibans().items():
            if iban in {normalize_iban(known) for known in ibans}:
                customer = uow.customers.get(customer_id)
                if customer is not None:
                    return customer.id, customer.display_name
    tokens = name_tokens(transaction.counterparty_name)
    words = (transaction.counterparty_name or "").split()
    if tokens and words:
        # a name may span two columns (« Camille Martin »): look it up by its longest word
        for customer in uow.customers.list(PageRequest(1, 50), search=max(words, key=len)).items:
            if name_tokens(customer.display_name) == tokens:
                return customer.id, customer.display_name
    return None


def split_form(uow: UnitOfWork, transaction_id: uuid.UUID) -> SplitForm:
    """The dialog of « Répartir » (nothing is written); 404 for a debit or an unknown id."""
    with uow:
        transaction = _credit(uow, transaction_id)
        left = transaction.amount - uow.allocations.allocated_from_transaction(transaction.id)
        customer = _counterparty_customer(uow, transaction)
        first: list[FinancialDocument] = []
        if customer is not None:
            own = replace(_OPEN, customer_id=customer[0])
            first = list(uow.documents.list(own, PageRequest(1, SPLIT_INVOICES)).items)
        taken = {doc.id for doc in first}
        others = uow.documents.list(_OPEN, PageRequest(1, SPLIT_INVOICES)).items
        invoices = [*first, *(doc for doc in others if doc.id not in taken)][:SPLIT_INVOICES]
    return SplitForm(
        transaction,
        left,
        invoices,
        customer[0] if customer else None,
        customer[1] if customer else None,
    )


def _credit(uow: UnitOfWork, transaction_id: uuid.UUID) -> BankTransaction:
    transaction = uow.bank_transactions.get(transaction_id)
    if transaction is None or transaction.side is not TransactionSide.CREDIT:
        raise errors.NotFound("Transaction introuvable.")
    return transaction


def split_search(
    uow: UnitOfWork, transaction_id: uuid.UUID, term: str, listed: Collection[uuid.UUID]
) -> list[FinancialDocument]:
    """« Chercher une facture » in « Répartir »: the open invoices whose number or customer
    matches ``term`` (the documents' own search), those the dialog already ``listed`` left
    out, ``SPLIT_SEARCH`` at most (nothing is written); 404 as ``split_form``."""
    with uow:
        _credit(uow, transaction_id)
        size = min(MAX_PAGE_SIZE, SPLIT_SEARCH + len(listed))
        found = uow.documents.list(replace(_OPEN, search=term), PageRequest(1, size)).items
    return [doc for doc in found if doc.id not in listed][:SPLIT_SEARCH]


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """The last runs and whether one is still going (« Synchroniser maintenant »)."""

    transactions: SyncRun | None
    documents: SyncRun | None

    @property
    def running(self) -> bool:
        return any(
            run is not None and run.status is SyncStatus.RUNNING
            for run in (self.transactions, self.documents)
        )


def sync_progress(uow: UnitOfWork) -> SyncProgress:
    status = queries.operations_status(uow)
    return SyncProgress(status.last_transactions_sync, status.last_documents_sync)
