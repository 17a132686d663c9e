"""Document kinds, statuses and the legal moves between them.

One ``DocumentStatus`` enum is shared by invoices, quotes and credit notes; which statuses and
moves each kind allows is spelled out in ``ALLOWED_STATUSES`` and ``TRANSITIONS``
(docs/rules.md, "Statuses").
"""

from __future__ import annotations

from enum import StrEnum

from verone.backoffice.domain.errors import IllegalTransition


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

ALLOWED_STATUSES: dict[DocumentType, frozenset[DocumentStatus]] = {
    DocumentType.INVOICE: frozenset({S.PENDING, S.DRAFT, S.FINALIZED, S.PAID, S.CANCELLED}),
    DocumentType.QUOTE: frozenset({S.DRAFT, S.FINALIZED, S.ACCEPTED, S.DECLINED, S.CONVERTED}),
    DocumentType.CREDIT_NOTE: frozenset({S.DRAFT, S.FINALIZED}),
}

#: Statuses a document may be created in (rule 1: never finalized at birth).
INITIAL_STATUSES: dict[DocumentType, frozenset[DocumentStatus]] = {
    DocumentType.INVOICE: frozenset({S.PENDING, S.DRAFT}),
    DocumentType.QUOTE: frozenset({S.DRAFT}),
    DocumentType.CREDIT_NOTE: frozenset({S.DRAFT}),
}

#: Statuses whose content can still change and which may be deleted.
EDITABLE_STATUSES = frozenset({S.PENDING, S.DRAFT})

TRANSITIONS: dict[DocumentType, dict[DocumentStatus, frozenset[DocumentStatus]]] = {
    DocumentType.INVOICE: {
        S.PENDING: frozenset({S.DRAFT}),
        S.DRAFT: frozenset({S.FINALIZED}),
        S.FINALIZED: frozenset({S.PAID, S.CANCELLED}),
        S.PAID: frozenset({S.FINALIZED}),  # "unmark paid"
        S.CANCELLED: frozenset(),
    },
    DocumentType.QUOTE: {
        S.DRAFT: frozenset({S.FINALIZED}),
        S.FINALIZED: frozenset({S.ACCEPTED, S.DECLINED, S.CONVERTED}),
        S.ACCEPTED: frozenset({S.CONVERTED}),
        S.DECLINED: frozenset(),
        S.CONVERTED: frozenset(),
    },
    DocumentType.CREDIT_NOTE: {
        S.DRAFT: frozenset({S.FINALIZED}),
        S.FINALIZED: frozenset(),
    },
}

STATUS_LABELS_FR: dict[DocumentStatus, str] = {
    S.PENDING: "En attente",
    S.DRAFT: "Brouillon",
    S.FINALIZED: "Finalisé",
    S.PAID: "Payée",
    S.CANCELLED: "Annulée",
    S.ACCEPTED: "Accepté",
    S.DECLINED: "Refusé",
    S.CONVERTED: "Converti",
}


def check_transition(kind: DocumentType, current: DocumentStatus, target: DocumentStatus) -> None:
    """Raise ``IllegalTransition`` unless ``current → target`` is legal for ``kind``."""
    if target not in TRANSITIONS[kind].get(current, frozenset()):
        raise IllegalTransition(
            f"Passage de « {STATUS_LABELS_FR[current]} » à « {STATUS_LABELS_FR[target]} » "
            "interdit pour ce document."
        )


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
