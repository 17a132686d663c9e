"""Quotes: local drafts from an order or manual lines, from an invoice; issued (numbered by
Qonto at creation) only through ``finalization.finalize_document``; accept / decline recorded
locally (Qonto has no endpoint: the customer answers on the quote page); quote → invoice with
``quote_id``.

``create_quote_from_order(uow, clock, actor, order_id, *, expiry_days=30)``,
``create_service_quote(uow, clock, actor, customer_id, items, *, expiry_date=None)``,
``quote_from_invoice(uow, clock, actor, invoice_id)``, ``accept_quote`` / ``decline_quote(uow,
clock, actor, quote_id)``, ``convert_quote_to_invoice(uow, gateway, clock, actor, quote_id)``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from verone.backoffice.domain import errors
from verone.backoffice.domain.credit_notes import copy_items
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.orders import check_invoicable, invoiced_quantities
from verone.backoffice.domain.parties import Customer
from verone.backoffice.domain.statuses import DocumentOrigin, DocumentStatus, DocumentType
from verone.backoffice.ports import Clock, QontoGateway, UnitOfWork
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.common import (
    acting_user,
    audit,
    get_customer,
    get_document,
    get_order,
    lock_document,
)
from verone.backoffice.services.invoicing import order_lines, pending_invoice
from verone.backoffice.services.outbox.clients import ensure_qonto_client
from verone.backoffice.services.outbox.drafts import DraftRequest, create_remote_draft

DEFAULT_EXPIRY_DAYS = 30


def _new_quote(
    clock: Clock,
    created_by: uuid.UUID,
    customer_id: uuid.UUID,
    customer_name: str,
    currency: str,
    items: list[DocumentItem],
    origin: DocumentOrigin,
    expiry_date: date,
) -> FinancialDocument:
    quote = FinancialDocument(
        document_type=DocumentType.QUOTE,
        origin=origin,
        customer_id=customer_id,
        customer_name=customer_name,
        currency=currency,
        created_by=created_by,
        created_at=clock.now(),
        items=items,
        issue_date=clock.today(),
        expiry_date=expiry_date,
    )
    quote.validate_for_qonto()
    return quote


def create_quote_from_order(
    uow: UnitOfWork, clock: Clock, actor: Actor, order_id: uuid.UUID, *, expiry_days: int = 30
) -> FinancialDocument:
    """A local quote draft with the order's lines (what is not invoiced yet)."""
    with uow:
        user = acting_user(uow, actor)
        order = get_order(uow, order_id)
        customer = get_customer(uow, order.customer_id)
        lines, _first = order_lines(order, uow.documents.by_order(order.id), None)
        quote = _new_quote(
            clock,
            user.id,
            customer.id,
            customer.display_name,
            order.currency,
            lines,
            DocumentOrigin.ORDER,
            clock.today() + timedelta(days=expiry_days),
        )
        quote.sales_order_id = order.id
        quote.discount_kind, quote.discount_value = order.discount_kind, order.discount_value
        quote.recompute_totals()
        uow.documents.add(quote)
        audit(uow, clock, user.id, "quote.drafted", quote)
        uow.commit()
    return quote


def create_service_quote(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    customer_id: uuid.UUID,
    items: Sequence[DocumentItem],
    *,
    expiry_date: date | None = None,
) -> FinancialDocument:
    with uow:
        user = acting_user(uow, actor)
        customer = get_customer(uow, customer_id)
        quote = _new_quote(
            clock,
            user.id,
            customer.id,
            customer.display_name,
            customer.currency,
            list(items),
            DocumentOrigin.SERVICE,
            expiry_date or clock.today() + timedelta(days=DEFAULT_EXPIRY_DAYS),
        )
        uow.documents.add(quote)
        audit(uow, clock, user.id, "quote.drafted", quote)
        uow.commit()
    return quote


def quote_from_invoice(
    uow: UnitOfWork, clock: Clock, actor: Actor, invoice_id: uuid.UUID
) -> FinancialDocument:
    """Invoice → quote (the seed's ``convert-to-quote``): a new local quote draft."""
    with uow:
        user = acting_user(uow, actor)
        invoice = get_document(uow, invoice_id)
        if not invoice.kind.payable or invoice.customer_id is None:
            raise errors.IllegalTransition("Seule une facture peut devenir un devis.")
        quote = _new_quote(
            clock,
            user.id,
            invoice.customer_id,
            invoice.customer_name,
            invoice.currency,
            copy_items(invoice),
            DocumentOrigin.INVOICE,
            clock.today() + timedelta(days=DEFAULT_EXPIRY_DAYS),
        )
        quote.parent_document_id = invoice.id
        uow.documents.add(quote)
        audit(uow, clock, user.id, "quote.drafted", quote, {"from_invoice": str(invoice.id)})
        uow.commit()
    return quote


def _answer(
    uow: UnitOfWork, clock: Clock, actor: Actor, quote_id: uuid.UUID, accepted: bool
) -> FinancialDocument:
    with uow:
        user = acting_user(uow, actor)
        quote = lock_document(uow, quote_id)
        if accepted:
            quote.accept()
        else:
            quote.decline()
        audit(uow, clock, user.id, f"quote.{quote.status}", quote)
        uow.commit()
    return quote


def accept_quote(
    uow: UnitOfWork, clock: Clock, actor: Actor, quote_id: uuid.UUID
) -> FinancialDocument:
    """Record the customer's acceptance (locally: Qonto has no endpoint for it)."""
    return _answer(uow, clock, actor, quote_id, accepted=True)


def decline_quote(
    uow: UnitOfWork, clock: Clock, actor: Actor, quote_id: uuid.UUID
) -> FinancialDocument:
    """Record the customer's refusal (locally: Qonto has no endpoint for it)."""
    return _answer(uow, clock, actor, quote_id, accepted=False)


def _invoice_from_quote(
    uow: UnitOfWork,
    clock: Clock,
    quote: FinancialDocument,
    customer: Customer,
    created_by: uuid.UUID,
) -> FinancialDocument:
    """The pending invoice of a quote: same lines (order links kept, over-invoicing checked)."""
    items = [
        DocumentItem.copy_of(item, sales_order_item_id=item.sales_order_item_id)
        for item in sorted(quote.items, key=lambda i: i.position)
    ]
    if quote.sales_order_id is not None:
        order = get_order(uow, quote.sales_order_id)
        requested = {i.sales_order_item_id: i.quantity for i in items if i.sales_order_item_id}
        check_invoicable(order, invoiced_quantities(uow.documents.by_order(order.id)), requested)
    return pending_invoice(
        clock,
        customer,
        created_by,
        DocumentOrigin.QUOTE,
        items,
        currency=quote.currency,
        sales_order_id=quote.sales_order_id,
        parent_document_id=quote.id,
        discount_kind=quote.discount_kind,
        discount_value=quote.discount_value,
    )


def convert_quote_to_invoice(
    uow: UnitOfWork, gateway: QontoGateway, clock: Clock, actor: Actor, quote_id: uuid.UUID
) -> FinancialDocument:
    """An issued or accepted quote → an invoice draft with ``quote_id``; the quote becomes
    ``converted``."""
    with uow:
        user = acting_user(uow, actor)
        quote = get_document(uow, quote_id)
        if not quote.kind.answerable or quote.status not in (
            DocumentStatus.FINALIZED,
            DocumentStatus.ACCEPTED,
        ):
            raise errors.IllegalTransition("Seul un devis émis ou accepté se convertit.")
        customer = get_customer(uow, quote.customer_id)
    with uow:  # over-invoicing is refused before Qonto is asked anything
        _invoice_from_quote(uow, clock, quote, customer, user.id)
    client_id = ensure_qonto_client(uow, gateway, clock, customer.id)

    def stage() -> DraftRequest:
        locked = lock_document(uow, quote_id)
        invoice = _invoice_from_quote(uow, clock, locked, customer, user.id)
        uow.documents.add(invoice)
        locked.mark_converted()
        audit(uow, clock, user.id, "quote.converted", locked, {"invoice": str(invoice.id)})
        return DraftRequest(invoice, client_id, locked.qonto_id)

    return create_remote_draft(uow, gateway, clock, stage, discard_on_rejection=False)
