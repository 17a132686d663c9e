"""Domain objects → wire shapes (``schemas``); pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from pydantic import BaseModel

from verone.backoffice.api import schemas as s
from verone.backoffice.api import schemas_admin as sa
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.parties import Address, Customer, Product
from verone.backoffice.domain.queries import Page
from verone.backoffice.domain.users import ApiToken
from verone.backoffice.services.queries import OrderView

T = TypeVar("T")
U = TypeVar("U")
M = TypeVar("M", bound=BaseModel)


def page(found: Page[T], convert: Callable[[T], U]) -> s.ListEnvelope[U]:
    return s.ListEnvelope[U](
        items=[convert(item) for item in found.items],
        total=found.total,
        page=found.page,
        per_page=found.per_page,
    )


def fields(model: type[M], source: object, **computed: object) -> M:
    """``model`` from the attributes of ``source`` named like its fields; ``computed`` gives
    the fields that are renamed or derived (they are not read from ``source``)."""
    copied = {name: getattr(source, name) for name in model.model_fields if name not in computed}
    return model.model_validate(copied | computed)


def item(line: DocumentItem) -> s.DocumentItemOut:
    return fields(s.DocumentItemOut, line)


def _computed(doc: FinancialDocument, today: date) -> dict[str, object]:
    """What a document's answer says that is not one of its attributes."""
    return {
        "pdf_available": doc.is_issued
        and (doc.qonto_attachment_id is not None or doc.pdf_url is not None),
        "overdue": doc.is_overdue(today),
    }


def summary(doc: FinancialDocument, today: date) -> s.DocumentSummary:
    return fields(s.DocumentSummary, doc, **_computed(doc, today))


def document(doc: FinancialDocument, today: date) -> s.DocumentOut:
    lines = [item(line) for line in sorted(doc.items, key=lambda i: i.position)]
    return fields(s.DocumentOut, doc, **_computed(doc, today), items=lines)


def documents(docs: Sequence[FinancialDocument], today: date) -> list[s.DocumentSummary]:
    return [summary(doc, today) for doc in docs]


def created(doc: FinancialDocument, today: date) -> s.CreatedDocument:
    return s.CreatedDocument(local_document_id=doc.id, document=document(doc, today))


def order_summary(view: OrderView) -> s.OrderSummary:
    return fields(s.OrderSummary, view.order, **_order_computed(view))


def _order_computed(view: OrderView) -> dict[str, object]:
    return {
        "number": view.order.reference,
        "customer_name": view.customer_name,
        "total_amount": view.totals.total,
    }


def order(view: OrderView) -> s.OrderOut:
    lines = sorted(view.order.items, key=lambda i: i.position)
    return fields(
        s.OrderOut,
        view.order,
        **_order_computed(view),
        total_ht=view.totals.subtotal,
        total_vat=view.totals.vat,
        items=[fields(s.OrderItemOut, line) for line in lines],
    )


def _address(address: Address | None) -> s.AddressOut | None:
    return None if address is None else fields(s.AddressOut, address)


def customer(c: Customer) -> s.CustomerOut:
    return fields(
        s.CustomerOut,
        c,
        billing_address=_address(c.billing_address),
        delivery_address=_address(c.delivery_address),
        missing_for_invoicing=c.missing_for_invoicing(),
    )


def product(p: Product) -> s.ProductOut:
    return fields(s.ProductOut, p)


def token(t: ApiToken) -> sa.TokenOut:
    return fields(sa.TokenOut, t)
