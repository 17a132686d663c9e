"""``/api/qonto/quotes``: the seed's 12 quote routes plus ``finalize-preview``.

Quotes are local drafts until finalized (Qonto numbers a quote when it is created there);
accept / decline are recorded locally (the customer answers on Qonto's quote page).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from verone.backoffice.api import parse, render
from verone.backoffice.api import schemas as s
from verone.backoffice.api.routes.documents import (
    add_issue_routes,
    add_read_routes,
    add_send_route,
    add_service_list_route,
    document_ref,
    kind_router,
)
from verone.backoffice.domain.statuses import DocumentType
from verone.backoffice.edge.context import AccountantContext, ViewerContext
from verone.backoffice.services import invoicing, qonto_live, queries, quotes

KIND = DocumentType.QUOTE
#: ``{document_id}``: the local id or the Qonto id, resolved (404 otherwise) after the role check
LocalId = Annotated[uuid.UUID, Depends(document_ref(KIND))]
router = kind_router("/api/qonto/quotes", "quotes")


@router.post("", response_model=s.CreatedDocument, status_code=201)
def create_from_order(ctx: AccountantContext, body: s.QuoteFromOrderIn) -> s.CreatedDocument:
    """Quote (local draft) from a sales order's remaining lines."""
    document = ctx.call_local(
        quotes.create_quote_from_order, body.sales_order_id, expiry_days=body.expiry_days
    )
    return render.created(document, ctx.today())


add_service_list_route(router, KIND, "quotes")


@router.post("/service", response_model=s.CreatedDocument, status_code=201)
def create_service_quote(ctx: AccountantContext, body: s.ServiceQuoteIn) -> s.CreatedDocument:
    """Service quote (local draft) from manual lines."""
    document = ctx.call_local(
        quotes.create_service_quote, body.customer_id, **parse.service_quote(body)
    )
    return render.created(document, ctx.today())


@router.post("/from-invoice/{invoice_id}", response_model=s.CreatedDocument, status_code=201)
def create_from_invoice(ctx: AccountantContext, invoice_id: uuid.UUID) -> s.CreatedDocument:
    """Quote (local draft) with an invoice's customer and lines."""
    queries.get_document(ctx.uow, invoice_id, DocumentType.INVOICE)
    return render.created(ctx.call_local(quotes.quote_from_invoice, invoice_id), ctx.today())


add_read_routes(router, KIND, "quotes")
add_issue_routes(router, KIND, "quotes")
add_send_route(router, KIND, "quotes")


@router.patch("/{document_id}", response_model=s.DocumentOut)
def update_quote(
    ctx: AccountantContext, document_id: LocalId, body: s.QuotePatchIn
) -> s.DocumentOut:
    """Edit a draft quote: ``items`` replace the lines; totals are recomputed."""
    document = ctx.call(invoicing.update_draft, document_id, **parse.draft_changes(body))
    return render.document(document, ctx.today())


@router.delete("/{document_id}", response_model=s.DeletedOut)
def delete_quote(ctx: AccountantContext, document_id: LocalId) -> s.DeletedOut:
    """Delete a draft quote; issued quotes are kept."""
    ctx.call(invoicing.delete_document, document_id)
    return s.DeletedOut(id=document_id)


@router.get("/{document_id}/view", response_model=s.QuoteView)
def view_quote(ctx: ViewerContext, document_id: LocalId) -> s.QuoteView:
    """The quote and, once issued, Qonto's public page where the customer answers."""
    page = qonto_live.quote_public_page(ctx.uow, ctx.gateway, document_id)
    document = render.document(page.document, ctx.today())
    return render.fields(s.QuoteView, page, document=document)


@router.post("/{document_id}/convert", response_model=s.CreatedDocument, status_code=201)
def convert_to_invoice(ctx: AccountantContext, document_id: LocalId) -> s.CreatedDocument:
    """An issued or accepted quote becomes an invoice draft (the quote is ``converted``)."""
    return render.created(ctx.call(quotes.convert_quote_to_invoice, document_id), ctx.today())


@router.post("/{document_id}/accept", response_model=s.DocumentOut)
def accept(ctx: AccountantContext, document_id: LocalId) -> s.DocumentOut:
    """Record the customer's acceptance."""
    return render.document(ctx.call_local(quotes.accept_quote, document_id), ctx.today())


@router.post("/{document_id}/decline", response_model=s.DocumentOut)
def decline(ctx: AccountantContext, document_id: LocalId) -> s.DocumentOut:
    """Record the customer's refusal."""
    return render.document(ctx.call_local(quotes.decline_quote, document_id), ctx.today())
