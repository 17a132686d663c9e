"""Invoice use cases: from an order, service invoice, update / delete a draft, validate a
pending invoice to a Qonto draft, and sync an invoice's state back to its order.

Signatures: ``create_invoice_from_order(uow, gateway, clock, actor, order_id, *, quantities=None,
issue_date=None, notes=None)``, ``create_service_invoice(uow, gateway, clock, actor,
customer_id, items, *, issue_date=None, due_date=None, notes=None)``, ``update_draft(...)``,
``delete_document(...)``, ``validate_to_draft(...)``, ``sync_to_order(...)``; each returns the
``FinancialDocument`` (``document.id`` is the seed's ``localDocumentId``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.orders import (
    BILLING_STATUSES,
    SalesOrder,
    check_invoicable,
    invoiced_quantities,
)
from verone.backoffice.domain.parties import Customer
from verone.backoffice.domain.statuses import (
    DocumentOrigin,
    DocumentStatus,
    DocumentType,
)
from verone.backoffice.ports import Clock, QontoGateway, RemoteDocument, UnitOfWork
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.common import (
    acting_user,
    get_customer,
    get_document,
    get_order,
    lock_document,
    refresh_order_status,
)
from verone.backoffice.services.outbox.clients import ensure_qonto_client
from verone.backoffice.services.outbox.drafts import DraftRequest, create_remote_draft
from verone.backoffice.services.outbox.recovery import delete_remote_draft
from verone.backoffice.services.outbox.write import (
    ISSUING,
    Done,
    Intent,
    Operation,
    Outcome,
    unsettled_for,
    write,
)
from verone.backoffice.services.payments import apply_payment_state
from verone.money import ZERO, DiscountKind

SHIPPING_TITLE = "Frais de port"
DEFAULT_PAYMENT_DAYS = 30


def _remaining(order: SalesOrder, done: Mapping[uuid.UUID, Decimal]) -> dict[uuid.UUID, Decimal]:
    left = {item.id: item.quantity - done.get(item.id, ZERO) for item in order.items}
    return {item_id: qty for item_id, qty in left.items() if qty > 0}


def order_lines(
    order: SalesOrder,
    invoices: Sequence[FinancialDocument],
    quantities: Mapping[uuid.UUID, Decimal] | None,
) -> tuple[list[DocumentItem], bool]:
    """The invoice lines for ``quantities`` of the order (all that remains by default).

    Returns the lines and whether this is the order's first live invoice (shipping and an
    absolute discount go on the first invoice only). Over-invoicing is refused.
    """
    done = invoiced_quantities(invoices)
    requested = dict(quantities) if quantities else _remaining(order, done)
    if not requested:
        raise errors.OverInvoicing("La commande est déjà entièrement facturée.")
    check_invoicable(order, done, requested)
    first = not any(d.kind.payable and d.status in BILLING_STATUSES for d in invoices)
    lines = [
        DocumentItem.copy_of(item, quantity=requested[item.id], sales_order_item_id=item.id)
        for item in sorted(order.items, key=lambda i: i.position)
        if item.id in requested
    ]
    if first and order.shipping_cost > 0:
        lines.append(
            DocumentItem(
                title=SHIPPING_TITLE,
                quantity=Decimal(1),
                unit_price=order.shipping_cost,
                vat_rate=order.shipping_vat_rate,
            )
        )
    return lines, first


def pending_invoice(
    clock: Clock,
    customer: Customer,
    created_by: uuid.UUID,
    origin: DocumentOrigin,
    items: list[DocumentItem],
    *,
    currency: str,
    issue_date: date | None = None,
    due_date: date | None = None,
    payment_days: int = DEFAULT_PAYMENT_DAYS,
    sales_order_id: uuid.UUID | None = None,
    parent_document_id: uuid.UUID | None = None,
    discount_kind: DiscountKind | None = None,
    discount_value: Decimal | None = None,
    notes: str | None = None,
    purchase_order: str | None = None,
) -> FinancialDocument:
    """A new invoice for ``customer``, pending until Qonto has its draft: issued
    ``issue_date`` (today by default), due ``due_date`` or else ``payment_days`` later."""
    issued = issue_date or clock.today()
    return FinancialDocument(
        document_type=DocumentType.INVOICE,
        origin=origin,
        customer_id=customer.id,
        customer_name=customer.display_name,
        currency=currency,
        created_by=created_by,
        created_at=clock.now(),
        status=DocumentStatus.PENDING,
        items=items,
        issue_date=issued,
        due_date=due_date or issued + timedelta(days=payment_days),
        sales_order_id=sales_order_id,
        parent_document_id=parent_document_id,
        discount_kind=discount_kind,
        discount_value=discount_value,
        notes=notes,
        purchase_order=purchase_order,
    )


def _order_invoice(
    order: SalesOrder,
    customer: Customer,
    lines: list[DocumentItem],
    first: bool,
    created_by: uuid.UUID,
    clock: Clock,
    issue_date: date | None,
) -> FinancialDocument:
    """The pending invoice for these order lines (an absolute discount on the first only)."""
    absolute = order.discount_kind is DiscountKind.ABSOLUTE
    keep_discount = order.discount_kind is not None and (first or not absolute)
    return pending_invoice(
        clock,
        customer,
        created_by,
        DocumentOrigin.ORDER,
        lines,
        currency=order.currency,
        issue_date=issue_date,
        payment_days=order.payment_terms_days,
        sales_order_id=order.id,
        discount_kind=order.discount_kind if keep_discount else None,
        discount_value=order.discount_value if keep_discount else None,
    )


def create_invoice_from_order(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    actor: Actor,
    order_id: uuid.UUID,
    *,
    quantities: Mapping[uuid.UUID, Decimal] | None = None,
    issue_date: date | None = None,
    notes: str | None = None,
    purchase_order: str | None = None,
) -> FinancialDocument:
    """Order + lines + customer → Qonto client → Qonto draft → local document (one per call).

    Partial invoicing through ``quantities`` (order line id → quantity); over-invoicing is
    refused before Qonto is asked anything. Raises ``QontoUnavailable``/``QontoOutcomeUnknown``
    with the invoice kept pending.
    """
    with uow:
        user = acting_user(uow, actor)
        order = get_order(uow, order_id)
        customer = get_customer(uow, order.customer_id)
        lines, first = order_lines(order, uow.documents.by_order(order.id), quantities)
        _order_invoice(
            order, customer, lines, first, user.id, clock, issue_date
        ).validate_for_qonto()
    client_id = ensure_qonto_client(uow, gateway, clock, order.customer_id)

    def stage() -> DraftRequest:  # checked again under the order's lock
        uow.lock(f"order:{order_id}")
        locked = get_order(uow, order_id, for_update=True)
        customer = get_customer(uow, locked.customer_id)
        lines, first = order_lines(locked, uow.documents.by_order(locked.id), quantities)
        document = _order_invoice(locked, customer, lines, first, user.id, clock, issue_date)
        document.notes = notes
        document.purchase_order = purchase_order
        document.validate_for_qonto()
        uow.documents.add(document)
        refresh_order_status(uow, locked.id)
        return DraftRequest(document, client_id)

    return create_remote_draft(uow, gateway, clock, stage, discard_on_rejection=True)


def create_service_invoice(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    actor: Actor,
    customer_id: uuid.UUID,
    items: Sequence[DocumentItem],
    *,
    issue_date: date | None = None,
    due_date: date | None = None,
    notes: str | None = None,
    purchase_order: str | None = None,
) -> FinancialDocument:
    """Manual lines for a customer → Qonto draft **and** the local insert (the seed's bug)."""
    with uow:
        user = acting_user(uow, actor)
        customer = get_customer(uow, customer_id)
        document = pending_invoice(
            clock,
            customer,
            user.id,
            DocumentOrigin.SERVICE,
            list(items),
            currency=customer.currency,
            issue_date=issue_date,
            due_date=due_date,
            notes=notes,
            purchase_order=purchase_order,
        )
        document.validate_for_qonto()
    client_id = ensure_qonto_client(uow, gateway, clock, customer_id)

    def stage() -> DraftRequest:
        uow.documents.add(document)
        return DraftRequest(document, client_id)

    return create_remote_draft(uow, gateway, clock, stage, discard_on_rejection=True)


def _refuse_if_issuing(uow: UnitOfWork, document: FinancialDocument) -> None:
    if unsettled_for(uow, document.id, ISSUING):
        raise errors.DocumentNotEditable("Une finalisation de ce document est en cours.")


def update_draft(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    actor: Actor,
    document_id: uuid.UUID,
    *,
    items: Sequence[DocumentItem] | None = None,
    issue_date: date | None = None,
    due_date: date | None = None,
    notes: str | None = None,
    purchase_order: str | None = None,
) -> FinancialDocument:
    """Edit a pending or draft document; a Qonto draft is updated too (PATCH)."""

    def prepare() -> Intent[tuple[FinancialDocument, str]] | Done[FinancialDocument]:
        acting_user(uow, actor)
        document = lock_document(uow, document_id)
        _refuse_if_issuing(uow, document)
        document.update_header(
            customer_id=document.customer_id,
            customer_name=document.customer_name,
            issue_date=issue_date or document.issue_date,
            due_date=due_date or document.due_date,
            expiry_date=document.expiry_date,
            notes=notes if notes is not None else document.notes,
        )
        if purchase_order is not None:
            document.purchase_order = purchase_order or None
        if items is not None:
            document.replace_items(list(items))
        if document.qonto_id is None or not document.kind.drafts_in_qonto:
            return Done(document)
        client_id = get_customer(uow, document.customer_id).qonto_client_id or ""
        return Intent((document, client_id), document.id, {"client_id": client_id})

    def call(state: tuple[FinancialDocument, str], key: str) -> RemoteDocument:
        return gateway.update_draft(state[0], state[1], key)

    def apply(
        state: tuple[FinancialDocument, str], remote: RemoteDocument
    ) -> tuple[FinancialDocument, Outcome]:
        document = lock_document(uow, document_id)
        document.qonto_updated_at = remote.updated_at
        return document, {"qonto_id": remote.qonto_id}

    return write(uow, clock, Operation.UPDATE_DRAFT, prepare, call, apply)


def delete_document(
    uow: UnitOfWork, gateway: QontoGateway, clock: Clock, actor: Actor, document_id: uuid.UUID
) -> None:
    """Delete a pending or draft document (its Qonto draft too); anything issued is refused."""

    def prepare() -> Intent[tuple[DocumentType, str]] | Done[None]:
        acting_user(uow, actor)
        document = lock_document(uow, document_id)
        document.ensure_deletable()
        _refuse_if_issuing(uow, document)
        qonto_id, kind = document.qonto_id, document.document_type
        if qonto_id is not None and document.kind.deletable_in_qonto:
            return Intent((kind, qonto_id), document.id)
        _delete_local(uow, document)
        return Done(None)

    def call(state: tuple[DocumentType, str], key: str) -> None:
        delete_remote_draft(gateway, *state)

    def apply(state: tuple[DocumentType, str], _answer: None) -> tuple[None, Outcome]:
        _delete_local(uow, lock_document(uow, document_id))
        return None, {"deleted": state[1]}

    write(uow, clock, Operation.DELETE_DRAFT, prepare, call, apply)


def _delete_local(uow: UnitOfWork, document: FinancialDocument) -> None:
    order_id = document.sales_order_id
    uow.documents.delete(document)
    refresh_order_status(uow, order_id)


def validate_to_draft(
    uow: UnitOfWork, gateway: QontoGateway, clock: Clock, actor: Actor, document_id: uuid.UUID
) -> FinancialDocument:
    """A pending invoice (import, automation, Qonto was unreachable) → checked → Qonto draft."""
    with uow:
        acting_user(uow, actor)
        document = get_document(uow, document_id)
        if document.status is not DocumentStatus.PENDING:
            raise errors.IllegalTransition("Seule une facture en attente peut être validée.")
        document.validate_for_qonto()
        customer = get_customer(uow, document.customer_id)
        missing = customer.missing_for_invoicing()
        if missing:
            raise errors.InvalidDocument("Client incomplet : " + ", ".join(missing) + ".")
        if unsettled_for(uow, document.id, frozenset({Operation.CREATE_DRAFT})):
            raise errors.IllegalTransition(
                "Un envoi vers Qonto est déjà en cours ; il sera vérifié automatiquement."
            )
    client_id = ensure_qonto_client(uow, gateway, clock, customer.id)

    def stage() -> DraftRequest:
        document = lock_document(uow, document_id)
        if document.status is not DocumentStatus.PENDING:
            raise errors.IllegalTransition("Seule une facture en attente peut être validée.")
        return DraftRequest(document, client_id)

    return create_remote_draft(uow, gateway, clock, stage, discard_on_rejection=False)


def sync_to_order(
    uow: UnitOfWork, gateway: QontoGateway, clock: Clock, actor: Actor, document_id: uuid.UUID
) -> FinancialDocument:
    """Bring Qonto's payment state of an issued invoice home and refresh its order's status."""
    with uow:
        acting_user(uow, actor)
        document = get_document(uow, document_id)
    if document.qonto_id is None or not document.kind.payable:
        raise errors.IllegalTransition("Seule une facture Qonto peut être synchronisée.")
    remote = gateway.get_document(document.document_type, document.qonto_id)
    with uow:
        document = apply_payment_state(uow, clock, document_id, remote, audited=False)
        uow.commit()
    return document
