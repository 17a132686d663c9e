"""Domain objects → wire shapes (``schemas``); pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from verone.backoffice.api import schemas as s
from verone.backoffice.api import schemas_admin as sa
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.parties import Address, Customer, Product
from verone.backoffice.domain.queries import Page
from verone.backoffice.domain.users import ApiToken
from verone.backoffice.services.queries import OrderView

T = TypeVar("T")
U = TypeVar("U")


def page(found: Page[T], convert: Callable[[T], U]) -> s.ListEnvelope[U]:
    return s.ListEnvelope[U](
        items=[convert(item) for item in found.items],
        total=found.total,
        page=found.page,
        per_page=found.per_page,
    )


def item(line: DocumentItem) -> s.DocumentItemOut:
    return s.DocumentItemOut(
        id=line.id,
        title=line.title,
        description=line.description,
        unit=line.unit,
        quantity=line.quantity,
        unit_price=line.unit_price,
        vat_rate=line.vat_rate,
        discount_kind=line.discount_kind,
        discount_value=line.discount_value,
        subtotal=line.subtotal,
        vat=line.vat,
        total=line.total,
        sales_order_item_id=line.sales_order_item_id,
        product_id=line.product_id,
    )


def _summary_fields(doc: FinancialDocument, today: date) -> dict[str, object]:
    return {
        "id": doc.id,
        "qonto_id": doc.qonto_id,
        "document_type": doc.document_type,
        "status": doc.status,
        "origin": doc.origin,
        "number": doc.number,
        "customer_id": doc.customer_id,
        "customer_name": doc.customer_name,
        "currency": doc.currency,
        "total_ht": doc.total_ht,
        "total_vat": doc.total_vat,
        "total_amount": doc.total_amount,
        "amount_paid": doc.amount_paid,
        "issue_date": doc.issue_date,
        "due_date": doc.due_date,
        "expiry_date": doc.expiry_date,
        "sales_order_id": doc.sales_order_id,
        "parent_document_id": doc.parent_document_id,
        "pdf_available": doc.is_issued
        and (doc.qonto_attachment_id is not None or doc.pdf_url is not None),
        "overdue": doc.is_overdue(today),
        "created_by": doc.created_by,
        "created_at": doc.created_at,
        "finalized_by": doc.finalized_by,
        "finalized_at": doc.finalized_at,
        "paid_at": doc.paid_at,
    }


def summary(doc: FinancialDocument, today: date) -> s.DocumentSummary:
    return s.DocumentSummary.model_validate(_summary_fields(doc, today))


def document(doc: FinancialDocument, today: date) -> s.DocumentOut:
    fields = _summary_fields(doc, today)
    fields["notes"] = doc.notes
    fields["purchase_order"] = doc.purchase_order
    fields["discount_kind"] = doc.discount_kind
    fields["discount_value"] = doc.discount_value
    fields["items"] = [item(line) for line in sorted(doc.items, key=lambda i: i.position)]
    return s.DocumentOut.model_validate(fields)


def documents(docs: Sequence[FinancialDocument], today: date) -> list[s.DocumentSummary]:
    return [summary(doc, today) for doc in docs]


def created(doc: FinancialDocument, today: date) -> s.CreatedDocument:
    return s.CreatedDocument(local_document_id=doc.id, document=document(doc, today))


def order_summary(view: OrderView) -> s.OrderSummary:
    order = view.order
    return s.OrderSummary(
        id=order.id,
        number=order.reference,
        customer_id=order.customer_id,
        customer_name=view.customer_name,
        status=order.status,
        order_date=order.order_date,
        currency=order.currency,
        total_amount=view.totals.total,
        invoicing_status=order.invoicing_status,
    )


def order(view: OrderView) -> s.OrderOut:
    order = view.order
    base = order_summary(view).model_dump()
    return s.OrderOut(
        **base,
        shipping_cost=order.shipping_cost,
        shipping_vat_rate=order.shipping_vat_rate,
        discount_kind=order.discount_kind,
        discount_value=order.discount_value,
        payment_terms_days=order.payment_terms_days,
        notes=order.notes,
        total_ht=view.totals.subtotal,
        total_vat=view.totals.vat,
        items=[
            s.OrderItemOut(
                id=line.id,
                title=line.title,
                description=line.description,
                unit=line.unit,
                product_id=line.product_id,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                discount_kind=line.discount_kind,
                discount_value=line.discount_value,
            )
            for line in sorted(order.items, key=lambda i: i.position)
        ],
    )


def _address(address: Address | None) -> s.AddressOut | None:
    if address is None:
        return None
    return s.AddressOut(
        street=address.street,
        postal_code=address.postal_code,
        city=address.city,
        country=address.country,
    )


def customer(c: Customer) -> s.CustomerOut:
    return s.CustomerOut(
        id=c.id,
        kind=str(c.kind),
        display_name=c.display_name,
        company_name=c.company_name,
        first_name=c.first_name,
        last_name=c.last_name,
        email=c.email,
        phone=c.phone,
        vat_number=c.vat_number,
        siren=c.siren,
        siret=c.siret,
        billing_address=_address(c.billing_address),
        delivery_address=_address(c.delivery_address),
        currency=c.currency,
        locale=c.locale,
        qonto_client_id=c.qonto_client_id,
        missing_for_invoicing=c.missing_for_invoicing(),
    )


def product(p: Product) -> s.ProductOut:
    return s.ProductOut(
        id=p.id,
        sku=p.sku,
        name=p.name,
        unit_price=p.unit_price,
        vat_rate=p.vat_rate,
        currency=p.currency,
        unit=p.unit,
        description=p.description,
        active=p.active,
    )


def token(t: ApiToken) -> sa.TokenOut:
    return sa.TokenOut(
        id=t.id,
        user_id=t.user_id,
        name=t.name,
        created_at=t.created_at,
        expires_at=t.expires_at,
        revoked_at=t.revoked_at,
        last_used_at=t.last_used_at,
    )
