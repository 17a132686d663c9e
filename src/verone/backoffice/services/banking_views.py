"""Read models of « Transactions bancaires » and « Rapprochement »: the suggestions with the
movement they concern, the credits nobody matched, the open invoices to match by hand, the
latest allocations, the rejected suggestions, and the state of the last syncs (the progress
element polls it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from verone.backoffice.domain.banking import BankTransaction
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.operations import SyncRun, SyncStatus
from verone.backoffice.domain.queries import DocumentFilter, Page, PageRequest
from verone.backoffice.domain.reconciliation import Proposal
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.backoffice.ports import UnitOfWork
from verone.backoffice.services import queries, reconciliation

OPEN_INVOICES = 200


@dataclass(frozen=True, slots=True)
class Suggestion:
    proposal: Proposal
    transaction: BankTransaction


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
        open_invoices = uow.documents.list(
            DocumentFilter(
                document_type=DocumentType.INVOICE,
                statuses=frozenset({DocumentStatus.FINALIZED}),
            ),
            PageRequest(1, OPEN_INVOICES),
        ).items
    suggestions = [
        Suggestion(p, txn)
        for p in sorted(proposals, key=lambda p: -p.score)
        if (txn := found.get(p.transaction_id)) is not None
    ]
    return ReconciliationQueue(
        suggestions=suggestions,
        unmatched=queries.unmatched_transactions(uow, page),
        open_invoices=open_invoices,
        allocations=queries.list_allocations(uow, PageRequest(1, 20)),
        rejected=reconciliation.list_rejected(uow),
    )


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
