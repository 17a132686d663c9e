"""Read models for the lists and detail pages: orders, customers, products, documents,
bank transactions and the reconciliation queue, with filters and pagination.

Read-only; everything goes through the unit of work's repositories. Each function opens and
closes its own unit of work and returns detached domain objects or small dataclasses.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from verone.backoffice.domain.banking import BankAccount, BankTransaction, PaymentAllocation
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.errors import (  # re-exported: the not-found tree is the domain's
    CustomerNotFound as CustomerNotFound,
)
from verone.backoffice.domain.errors import DocumentNotFound as DocumentNotFound
from verone.backoffice.domain.errors import NotFound as NotFound
from verone.backoffice.domain.errors import OrderNotFound as OrderNotFound
from verone.backoffice.domain.errors import ProductNotFound as ProductNotFound
from verone.backoffice.domain.operations import OutboxEntry, SyncRun
from verone.backoffice.domain.orders import SalesOrder
from verone.backoffice.domain.parties import Customer, Product
from verone.backoffice.domain.queries import DocumentFilter, Page, PageRequest
from verone.backoffice.domain.statuses import (
    DocumentStatus,
    DocumentType,
    InvoicingStatus,
    OrderStatus,
)
from verone.backoffice.domain.users import User
from verone.backoffice.ports import UnitOfWork
from verone.backoffice.services import common
from verone.money import ZERO, Discount, DocumentTotals, LineInput, document_totals

# ---------------------------------------------------------------------- orders


@dataclass(frozen=True, slots=True)
class OrderView:
    order: SalesOrder
    customer_name: str
    totals: DocumentTotals


@dataclass(frozen=True, slots=True)
class OrderFilter:
    customer_id: uuid.UUID | None = None
    status: OrderStatus | None = None
    invoicing_status: InvoicingStatus | None = None
    search: str | None = None


def order_totals(order: SalesOrder) -> DocumentTotals:
    """Lines, then shipping as one more line, with the order's discount (the one rule)."""
    lines = [
        LineInput(
            item.quantity,
            item.unit_price,
            item.vat_rate,
            None
            if item.discount_kind is None or item.discount_value is None
            else Discount(item.discount_kind, item.discount_value),
        )
        for item in sorted(order.items, key=lambda i: i.position)
    ]
    if order.shipping_cost > ZERO:
        lines.append(LineInput(Decimal(1), order.shipping_cost, order.shipping_vat_rate))
    discount = (
        None
        if order.discount_kind is None or order.discount_value is None
        else Discount(order.discount_kind, order.discount_value)
    )
    return document_totals(lines, discount)


def _order_view(uow: UnitOfWork, order: SalesOrder) -> OrderView:
    customer = uow.customers.get(order.customer_id)
    name = customer.display_name if customer is not None else ""
    return OrderView(order, name, order_totals(order))


def list_orders(uow: UnitOfWork, criteria: OrderFilter, page: PageRequest) -> Page[OrderView]:
    with uow:
        found = uow.orders.list(
            page,
            customer_id=criteria.customer_id,
            status=criteria.status,
            invoicing_status=criteria.invoicing_status,
            search=criteria.search,
        )
        views = [_order_view(uow, order) for order in found.items]
    return Page(views, found.total, found.page, found.per_page)


def get_order(uow: UnitOfWork, order_id: uuid.UUID) -> OrderView:
    with uow:
        return _order_view(uow, common.get_order(uow, order_id))


# ---------------------------------------------------------------------- parties


def list_customers(uow: UnitOfWork, page: PageRequest, search: str | None = None) -> Page[Customer]:
    with uow:
        return uow.customers.list(page, search=search)


def get_customer(uow: UnitOfWork, customer_id: uuid.UUID) -> Customer:
    with uow:
        return common.get_customer(uow, customer_id)


def list_products(
    uow: UnitOfWork, page: PageRequest, *, active_only: bool = True, search: str | None = None
) -> Page[Product]:
    with uow:
        return uow.products.list(page, active_only=active_only, search=search)


def get_product(uow: UnitOfWork, product_id: uuid.UUID) -> Product:
    with uow:
        product = uow.products.get(product_id)
    if product is None:
        raise ProductNotFound()
    return product


# ---------------------------------------------------------------------- documents


def list_documents(
    uow: UnitOfWork, criteria: DocumentFilter, page: PageRequest
) -> Page[FinancialDocument]:
    with uow:
        return uow.documents.list(criteria, page)


def get_document(
    uow: UnitOfWork, document_id: uuid.UUID, document_type: DocumentType | None = None
) -> FinancialDocument:
    """One document with its items; ``document_type`` guards the route's kind."""
    with uow:
        return _document_of_kind(uow, document_id, document_type)


def latest_issued_invoice(uow: UnitOfWork) -> FinancialDocument | None:
    """The invoice finalized last (the integration page checks its PDF)."""
    criteria = DocumentFilter(
        document_type=DocumentType.INVOICE,
        statuses=frozenset({DocumentStatus.FINALIZED, DocumentStatus.PAID}),
    )
    with uow:
        found = uow.documents.list(criteria, PageRequest(1, 1))
    return found.items[0] if found.items else None


def _of_kind(document: FinancialDocument, document_type: DocumentType | None) -> bool:
    """Whether ``document`` is of the kind a route serves (any kind for ``None``)."""
    return document_type is None or document.document_type is document_type


def _document_of_kind(
    uow: UnitOfWork, document_id: uuid.UUID, document_type: DocumentType | None
) -> FinancialDocument:
    """Inside an open unit of work: the document, if it is of ``document_type``'s kind."""
    document = common.get_document(uow, document_id)
    if not _of_kind(document, document_type):
        raise DocumentNotFound()
    return document


def documents_of_order(
    uow: UnitOfWork, order_id: uuid.UUID, document_type: DocumentType | None = None
) -> list[FinancialDocument]:
    """The documents of an order (of one kind if given; the order must exist)."""
    with uow:
        if uow.orders.get(order_id) is None:
            raise OrderNotFound()
        found = uow.documents.by_order(order_id)
    return [document for document in found if _of_kind(document, document_type)]


@dataclass(frozen=True, slots=True)
class DocumentDetails:
    """A document with what surrounds it: parent, children, payments."""

    document: FinancialDocument
    parent: FinancialDocument | None
    children: Sequence[FinancialDocument]
    allocations: Sequence[PaymentAllocation]
    credited_total: Decimal


def document_details(
    uow: UnitOfWork, document_id: uuid.UUID, document_type: DocumentType
) -> DocumentDetails:
    with uow:
        document = _document_of_kind(uow, document_id, document_type)
        parent = (
            uow.documents.get(document.parent_document_id)
            if document.parent_document_id is not None
            else None
        )
        return DocumentDetails(
            document=document,
            parent=parent,
            children=uow.documents.children(document.id),
            allocations=uow.allocations.for_document(document.id),
            credited_total=uow.documents.credited_total(document.id),
        )


# ---------------------------------------------------------------------- banking


def list_bank_accounts(uow: UnitOfWork) -> list[BankAccount]:
    with uow:
        return uow.bank_accounts.list()


def list_transactions(
    uow: UnitOfWork,
    page: PageRequest,
    *,
    bank_account_id: uuid.UUID | None = None,
) -> Page[BankTransaction]:
    with uow:
        return uow.bank_transactions.list(page, bank_account_id=bank_account_id)


@dataclass(frozen=True, slots=True)
class AllocationView:
    allocation: PaymentAllocation
    transaction: BankTransaction | None
    document: FinancialDocument | None


def list_allocations(uow: UnitOfWork, page: PageRequest) -> Page[AllocationView]:
    """Payments matched to invoices, newest first (the reconciliation history)."""
    with uow:
        found = uow.allocations.list(page)
        views = [
            AllocationView(
                allocation,
                uow.bank_transactions.get(allocation.transaction_id),
                uow.documents.get(allocation.document_id),
            )
            for allocation in found.items
        ]
    return Page(views, found.total, found.page, found.per_page)


def unmatched_transactions(
    uow: UnitOfWork, page: PageRequest, *, since: date | None = None
) -> Page[BankTransaction]:
    """Incoming transactions not (fully) allocated to any invoice: the review queue."""
    with uow:
        return uow.bank_transactions.unallocated_credits(page, since=since)


# ---------------------------------------------------------------------- operations

TRANSACTIONS_SYNC = "transactions"
DOCUMENTS_SYNC = "documents"


@dataclass(frozen=True, slots=True)
class OperationsStatus:
    last_transactions_sync: SyncRun | None
    last_documents_sync: SyncRun | None
    unsettled_outbox: Sequence[OutboxEntry]
    unprocessed_webhooks: int


def operations_status(uow: UnitOfWork) -> OperationsStatus:
    """Last sync runs, Qonto writes not yet settled, webhook events waiting."""
    with uow:
        return OperationsStatus(
            last_transactions_sync=uow.sync.last_run(TRANSACTIONS_SYNC),
            last_documents_sync=uow.sync.last_run(DOCUMENTS_SYNC),
            unsettled_outbox=uow.outbox.list_unsettled(),
            unprocessed_webhooks=len(uow.webhook_events.unprocessed()),
        )


def list_users(uow: UnitOfWork) -> list[User]:
    """Every user by e-mail (administration)."""
    with uow:
        return uow.users.list()


def resolve_document_id(uow: UnitOfWork, reference: str, document_type: DocumentType) -> uuid.UUID:
    """The local id of a document given its local id (UUID) or its Qonto id."""
    with uow:
        try:
            document = uow.documents.get(uuid.UUID(reference))
        except ValueError:
            document = None
        if document is None:  # Qonto's ids may be UUIDs too
            document = uow.documents.by_qonto_id(document_type, reference)
    if document is None or not _of_kind(document, document_type):
        raise DocumentNotFound()
    return document.id
