"""Exports for the accountant: documents issued, and payments matched to invoices, over a
period, as rows of plain values (``verone export documents|payments``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from verone.backoffice.domain.queries import MAX_PAGE_SIZE, DocumentFilter, PageRequest
from verone.backoffice.ports import UnitOfWork
from verone.backoffice.services import queries

Row = dict[str, str]
DOCUMENT_COLUMNS = (
    "number", "type", "status", "issue_date", "due_date", "customer", "currency",
    "total_ht", "total_vat", "total_ttc", "amount_paid", "qonto_id", "local_id",
)  # fmt: skip
PAYMENT_COLUMNS = (
    "date", "invoice_number", "customer", "amount", "currency", "transaction_label",
    "transaction_id", "automatic", "allocation_id",
)  # fmt: skip


def _text(value: object) -> str:
    return "" if value is None else str(value)


def document_rows(uow: UnitOfWork, since: date, until: date) -> Iterator[Row]:
    """Issued documents (with a number) whose issue date is in ``[since, until]``."""
    criteria = DocumentFilter(issued_from=since, issued_to=until, descending=False)
    page = 1
    while True:
        found = queries.list_documents(uow, criteria, PageRequest(page, MAX_PAGE_SIZE))
        for document in found.items:
            if document.number is None:
                continue
            yield {
                "number": document.number,
                "type": str(document.document_type),
                "status": str(document.status),
                "issue_date": _text(document.issue_date),
                "due_date": _text(document.due_date),
                "customer": document.customer_name,
                "currency": document.currency,
                "total_ht": f"{document.total_ht:.2f}",
                "total_vat": f"{document.total_vat:.2f}",
                "total_ttc": f"{document.total_amount:.2f}",
                "amount_paid": f"{document.amount_paid:.2f}",
                "qonto_id": _text(document.qonto_id),
                "local_id": str(document.id),
            }
        if page * MAX_PAGE_SIZE >= found.total:
            return
        page += 1


def payment_rows(uow: UnitOfWork, since: date, until: date) -> Iterator[Row]:
    """Allocations of bank transactions to invoices settled (or made) in ``[since, until]``."""
    page = 1
    while True:
        found = queries.list_allocations(uow, PageRequest(page, MAX_PAGE_SIZE))
        for view in found.items:
            transaction, document = view.transaction, view.document
            moment = (transaction.settled_at or transaction.emitted_at) if transaction else None
            day = (moment or view.allocation.created_at).date()
            if not since <= day <= until:
                continue
            yield {
                "date": day.isoformat(),
                "invoice_number": _text(document.number if document else None),
                "customer": _text(document.customer_name if document else None),
                "amount": f"{view.allocation.amount:.2f}",
                "currency": view.allocation.currency,
                "transaction_label": _text(transaction.label if transaction else None),
                "transaction_id": str(view.allocation.transaction_id),
                "automatic": "yes" if view.allocation.automatic else "no",
                "allocation_id": str(view.allocation.id),
            }
        if page * MAX_PAGE_SIZE >= found.total:
            return
        page += 1
