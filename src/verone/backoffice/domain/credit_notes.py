"""Credit notes against a finalized invoice: the cumulative cap and the full-credit rule."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.statuses import DocumentOrigin, DocumentStatus, DocumentType
from verone.money import Discount, format_money_fr

CREDITABLE_STATUSES = frozenset({DocumentStatus.FINALIZED, DocumentStatus.PAID})


def check_credit_cap(
    invoice: FinancialDocument, already_credited: Decimal, credit: Decimal
) -> None:
    """Cumulative credit (finalized credit notes + this one) may not exceed the invoice TTC."""
    if credit <= 0:
        raise errors.InvalidDocument("Un avoir a un montant positif.")
    if already_credited + credit > invoice.total_amount:
        cur = invoice.currency
        raise errors.CreditExceedsInvoice(
            f"Déjà crédité : {format_money_fr(already_credited, cur)} ; "
            f"cet avoir : {format_money_fr(credit, cur)} ; "
            f"facture : {format_money_fr(invoice.total_amount, cur)}."
        )


def copy_items(invoice: FinancialDocument) -> list[DocumentItem]:
    """The invoice's lines as fresh, editable credit-note lines."""
    return [DocumentItem.copy_of(item) for item in sorted(invoice.items, key=lambda i: i.position)]


def draft_credit_note(
    invoice: FinancialDocument,
    *,
    already_credited: Decimal,
    created_by: uuid.UUID,
    at: datetime,
    items: Sequence[DocumentItem] | None = None,
    discount: Discount | None = None,
) -> FinancialDocument:
    """A local credit-note draft for a finalized invoice. Without ``items`` it copies the
    invoice's lines and document discount; given lines come with their own document
    ``discount`` (None: none)."""
    if invoice.document_type is not DocumentType.INVOICE or invoice.status not in (
        CREDITABLE_STATUSES
    ):
        raise errors.CreditNoteRequiresFinalizedInvoice()
    if not items:
        items, discount = copy_items(invoice), invoice.discount
    note = FinancialDocument(
        document_type=DocumentType.CREDIT_NOTE,
        origin=DocumentOrigin.INVOICE,
        customer_id=invoice.customer_id,
        customer_name=invoice.customer_name,
        currency=invoice.currency,
        created_by=created_by,
        created_at=at,
        issue_date=at.date(),
        sales_order_id=invoice.sales_order_id,
        parent_document_id=invoice.id,
        discount_kind=discount.kind if discount else None,
        discount_value=discount.value if discount else None,
        items=list(items),
    )
    check_credit_cap(invoice, already_credited, note.total_amount)
    return note


def apply_credit(invoice: FinancialDocument, credited_total: Decimal, at: datetime) -> bool:
    """After a credit note is finalized: a full credit cancels the invoice. Returns whether."""
    if credited_total > invoice.total_amount:
        raise errors.CreditExceedsInvoice()
    if credited_total < invoice.total_amount or invoice.status is DocumentStatus.CANCELLED:
        return False
    if invoice.status not in CREDITABLE_STATUSES:
        raise errors.CreditNoteRequiresFinalizedInvoice()
    invoice.status = DocumentStatus.CANCELLED  # fully credited: the one move from paid too
    invoice.cancelled_at = at
    return True
