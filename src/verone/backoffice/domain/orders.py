"""Sales orders, their lines, and how much of them has been invoiced."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.statuses import (
    ORDER_TRANSITIONS,
    DocumentStatus,
    DocumentType,
    InvoicingStatus,
    OrderStatus,
)
from verone.money import ZERO, DiscountKind, to_decimal


@dataclass(eq=False)
class SalesOrderItem:
    title: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    product_id: uuid.UUID | None = None
    description: str | None = None
    unit: str | None = None
    discount_kind: DiscountKind | None = None
    discount_value: Decimal | None = None
    position: int = 0
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.quantity = to_decimal(self.quantity)
        if self.quantity <= 0:
            raise errors.InvalidDocument("La quantité commandée doit être positive.")


@dataclass(eq=False)
class SalesOrder:
    reference: str
    customer_id: uuid.UUID
    order_date: date
    created_at: datetime
    currency: str = "EUR"
    status: OrderStatus = OrderStatus.DRAFT
    items: list[SalesOrderItem] = field(default_factory=list)
    shipping_cost: Decimal = ZERO
    shipping_vat_rate: Decimal = Decimal("0.2")
    discount_kind: DiscountKind | None = None
    discount_value: Decimal | None = None
    payment_terms_days: int = 30
    invoicing_status: InvoicingStatus = InvoicingStatus.NOT_INVOICED
    notes: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def move_to(self, target: OrderStatus) -> None:
        if target not in ORDER_TRANSITIONS[self.status]:
            raise errors.IllegalTransition("Ce changement de statut de commande est interdit.")
        self.status = target

    def item(self, item_id: uuid.UUID) -> SalesOrderItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise errors.InvalidDocument("Cette ligne n'appartient pas à la commande.")


BILLING_STATUSES = frozenset(
    {DocumentStatus.PENDING, DocumentStatus.DRAFT, DocumentStatus.FINALIZED, DocumentStatus.PAID}
)


def invoiced_quantities(invoices: Iterable[FinancialDocument]) -> dict[uuid.UUID, Decimal]:
    """Quantity invoiced per order line, over the order's live (non-cancelled) invoices."""
    totals: dict[uuid.UUID, Decimal] = {}
    for doc in invoices:
        if doc.document_type is not DocumentType.INVOICE or doc.status not in BILLING_STATUSES:
            continue
        for item in doc.items:
            if item.sales_order_item_id is not None:
                key = item.sales_order_item_id
                totals[key] = totals.get(key, ZERO) + item.quantity
    return totals


def check_invoicable(
    order: SalesOrder,
    already_invoiced: Mapping[uuid.UUID, Decimal],
    requested: Mapping[uuid.UUID, Decimal],
) -> None:
    """Partial invoicing is fine; invoicing more than ordered on any line is refused."""
    for item_id, quantity in requested.items():
        line = order.item(item_id)
        if quantity <= 0:
            raise errors.InvalidDocument("La quantité à facturer doit être positive.")
        if already_invoiced.get(item_id, ZERO) + quantity > line.quantity:
            raise errors.OverInvoicing(
                f"« {line.title} » : commandé {line.quantity}, déjà facturé "
                f"{already_invoiced.get(item_id, ZERO)}, demandé {quantity}."
            )


def derive_invoicing_status(
    order: SalesOrder, invoices: Iterable[FinancialDocument]
) -> InvoicingStatus:
    """not_invoiced / partially_invoiced / invoiced, and paid once every invoice is paid."""
    live = [
        d
        for d in invoices
        if d.document_type is DocumentType.INVOICE and d.status in BILLING_STATUSES
    ]
    done = invoiced_quantities(live)
    if not any(done.values()):
        return InvoicingStatus.NOT_INVOICED
    if any(done.get(item.id, ZERO) < item.quantity for item in order.items):
        return InvoicingStatus.PARTIALLY_INVOICED
    if all(d.status is DocumentStatus.PAID for d in live):
        return InvoicingStatus.PAID
    return InvoicingStatus.INVOICED
