"""Document kinds, statuses and the legal moves between them.

One ``DocumentStatus`` enum is shared by invoices, quotes and credit notes; which statuses and
moves each kind allows is spelled out by the kind's policy in ``domain/kinds.py``
(docs/rules.md, "Statuses").
"""

from __future__ import annotations

from enum import StrEnum


class DocumentType(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"
    QUOTE = "quote"


class DocumentStatus(StrEnum):
    PENDING = "pending"  # prepared locally, not yet in Qonto (invoices only)
    DRAFT = "draft"
    FINALIZED = "finalized"  # invoice: Qonto "unpaid"; quote: "pending_approval"
    PAID = "paid"
    CANCELLED = "cancelled"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CONVERTED = "converted"


class DocumentOrigin(StrEnum):
    ORDER = "order"
    SERVICE = "service"
    QUOTE = "quote"
    INVOICE = "invoice"
    QONTO_IMPORT = "qonto_import"


S = DocumentStatus

#: Statuses whose content can still change and which may be deleted (every kind).
EDITABLE_STATUSES = frozenset({S.PENDING, S.DRAFT})

#: Which statuses and moves each kind allows: ``domain/kinds.py``.


class OrderStatus(StrEnum):
    DRAFT = "draft"
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.DRAFT: frozenset({OrderStatus.CONFIRMED, OrderStatus.CANCELLED}),
    OrderStatus.CONFIRMED: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}


class InvoicingStatus(StrEnum):
    NOT_INVOICED = "not_invoiced"
    PARTIALLY_INVOICED = "partially_invoiced"
    INVOICED = "invoiced"
    PAID = "paid"


class QontoStatus(StrEnum):
    """Qonto's own status words for the documents the back office mirrors."""

    DRAFT = "draft"
    UNPAID = "unpaid"
    PAID = "paid"
    CANCELED = "canceled"
    PENDING_APPROVAL = "pending_approval"
    FINALIZED = "finalized"  # a credit note: issued at creation
