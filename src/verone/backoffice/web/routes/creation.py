"""The creation dialogs: invoice or quote from an order (partial quantities), service
invoice or quote (lines editor with live totals), credit note from an invoice.

A document is always created as a draft (rule 1); the dialog ends on the new draft's page.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verone.backoffice.api import parse
from verone.backoffice.api import schemas as s
from verone.backoffice.domain.kinds import kind_of
from verone.backoffice.domain.queries import PageRequest
from verone.backoffice.domain.statuses import DocumentType
from verone.backoffice.services import (
    credit_notes,
    document_views,
    invoicing,
    queries,
    quotes,
)
from verone.backoffice.web import labels
from verone.backoffice.web.context import AccountantPage
from verone.backoffice.web.forms import read_form
from verone.backoffice.web.templating import hx_redirect_with_flash, render

router = APIRouter(include_in_schema=False)
DEFAULT_LINE = {"title": "", "quantity": "1", "unit_price": "", "vat_rate": "0.2"}


def _created(request: Request, document_id: uuid.UUID, message: str) -> Response:
    return hx_redirect_with_flash(request, f"/factures/{document_id}", message)


@router.get("/commandes/{order_id}/facturer")
def invoice_from_order_dialog(
    request: Request, ctx: AccountantPage, order_id: uuid.UUID
) -> Response:
    """The order's lines with what is left to invoice; lower a quantity to invoice part."""
    view = queries.get_order(ctx.uow, order_id)
    lines = document_views.order_lines_to_invoice(ctx.uow, order_id)
    context = {
        "view": view,
        "lines": lines,
        "totals": queries.order_totals(view.order),
        "today": ctx.clock.today(),
    }
    return render(request, ctx, "creation/_from_order.html", context)


@router.post("/commandes/{order_id}/facturer")
async def invoice_from_order(
    request: Request, ctx: AccountantPage, order_id: uuid.UUID
) -> Response:
    body = await read_form(
        request,
        s.InvoiceFromOrderIn,
        optional_rows=("lines", "quantity"),
        salesOrderId=str(order_id),
    )
    document = ctx.call(
        invoicing.create_invoice_from_order, body.sales_order_id, **parse.invoice_from_order(body)
    )
    return _created(request, document.id, "Brouillon créé dans Qonto.")


@router.get("/commandes/{order_id}/devis")
def quote_from_order_dialog(request: Request, ctx: AccountantPage, order_id: uuid.UUID) -> Response:
    view = queries.get_order(ctx.uow, order_id)
    context = {"view": view, "totals": queries.order_totals(view.order)}
    return render(request, ctx, "creation/_quote_from_order.html", context)


@router.post("/commandes/{order_id}/devis")
async def quote_from_order(request: Request, ctx: AccountantPage, order_id: uuid.UUID) -> Response:
    body = await read_form(request, s.QuoteFromOrderIn, salesOrderId=str(order_id))
    quote = ctx.call_local(
        quotes.create_quote_from_order,
        body.sales_order_id,
        expiry_days=body.expiry_days,
    )
    return _created(request, quote.id, "Brouillon de devis créé.")


def _kind(type_: str) -> DocumentType:
    """Service documents are invoices or quotes (a credit note starts from its invoice)."""
    kind = labels.TAB_KIND.get(type_, DocumentType.INVOICE)
    return kind if kind_of(kind).answerable else DocumentType.INVOICE


@router.get("/factures/nouvelle/service")
def service_dialog(
    request: Request,
    ctx: AccountantPage,
    type: str = "factures",
    client: uuid.UUID | None = None,
) -> Response:
    kind = _kind(type)
    customers = queries.list_customers(ctx.uow, PageRequest(1, 200)).items
    context = {
        "kind": kind,
        "tab": labels.TAB[kind],
        "customers": customers,
        "selected": client,
        "rows": [DEFAULT_LINE],
    }
    return render(request, ctx, "creation/_service.html", context)


@router.post("/factures/nouvelle/service")
async def create_service_document(
    request: Request,
    ctx: AccountantPage,
    type: str = "factures",
) -> Response:
    if kind_of(_kind(type)).answerable:  # a quote: answered by the customer, no due date
        quote_in = await read_form(request, s.ServiceQuoteIn)
        quote = ctx.call_local(
            quotes.create_service_quote, quote_in.customer_id, **parse.service_quote(quote_in)
        )
        return _created(request, quote.id, "Brouillon de devis créé.")
    body = await read_form(request, s.ServiceInvoiceIn)
    document = ctx.call(
        invoicing.create_service_invoice, body.customer_id, **parse.service_invoice(body)
    )
    return _created(request, document.id, "Brouillon créé dans Qonto.")


@router.get("/factures/{document_id}/avoir")
def credit_note_dialog(request: Request, ctx: AccountantPage, document_id: uuid.UUID) -> Response:
    """The invoice's lines pre-filled and editable, with their discounts and the invoice's,
    and what can still be credited."""
    details = queries.document_details(ctx.uow, document_id, DocumentType.INVOICE)
    invoice = details.document
    context = {
        "doc": invoice,
        "rows": sorted(invoice.items, key=lambda item: item.position),
        "doc_discount": invoice.discount,
        "carry_discount": True,
        "creditable": document_views.creditable_amount(details),
    }
    return render(request, ctx, "creation/_credit_note.html", context)


@router.post("/factures/{document_id}/avoir")
async def create_credit_note(
    request: Request, ctx: AccountantPage, document_id: uuid.UUID
) -> Response:
    body = await read_form(request, s.CreditNoteIn, invoiceId=str(document_id))
    note = ctx.call_local(
        credit_notes.create_credit_note, body.invoice_id, **parse.credit_note(body)
    )
    return _created(request, note.id, "Brouillon d'avoir créé.")
