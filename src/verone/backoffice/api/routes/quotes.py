"""``/api/qonto/quotes``: the seed's 12 quote routes plus ``finalize-preview``.

Quotes are local drafts until finalized (Qonto numbers a quote when it is created there);
accept / decline are recorded locally (the customer answers on Qonto's quote page).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from verone.backoffice.api import parse, render
from verone.backoffice.api import schemas as s
from verone.backoffice.api.context import runtime
from verone.backoffice.api.deps import Accountant, Viewer
from verone.backoffice.api.errors import STANDARD_ERRORS
from verone.backoffice.api.params import Pagination
from verone.backoffice.api.routes.documents import (
    add_issue_routes,
    add_read_routes,
    add_send_route,
    document_ref,
)
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.domain.queries import DocumentFilter
from verone.backoffice.domain.statuses import DocumentOrigin, DocumentType
from verone.backoffice.services import invoicing, queries, quotes

KIND = DocumentType.QUOTE
#: ``{document_id}``: the local id or the Qonto id, resolved (404 otherwise) after the role check
LocalId = Annotated[uuid.UUID, Depends(document_ref(KIND))]
router = APIRouter(
    prefix="/api/qonto/quotes", tags=["quotes"], responses=STANDARD_ERRORS, route_class=AuditedRoute
)


@router.post("", response_model=s.CreatedDocument, status_code=201)
def create_from_order(
    principal: Accountant, request: Request, body: s.QuoteFromOrderIn
) -> s.CreatedDocument:
    """Quote (local draft) from a sales order's remaining lines."""
    rt = runtime(request)
    document = quotes.create_quote_from_order(
        rt.unit_of_work(),
        rt.clock,
        principal.actor,
        body.sales_order_id,
        expiry_days=body.expiry_days,
    )
    return render.created(document, rt.clock.today())


@router.get("/service", response_model=s.ListEnvelope[s.DocumentSummary])
def list_service_quotes(
    _: Viewer, request: Request, paging: Pagination
) -> s.ListEnvelope[s.DocumentSummary]:
    """Service quotes (manual lines, no order), newest first."""
    rt = runtime(request)
    today = rt.clock.today()
    found = queries.list_documents(
        rt.unit_of_work(),
        DocumentFilter(document_type=KIND, origin=DocumentOrigin.SERVICE),
        paging,
    )
    return render.page(found, lambda doc: render.summary(doc, today))


@router.post("/service", response_model=s.CreatedDocument, status_code=201)
def create_service_quote(
    principal: Accountant, request: Request, body: s.ServiceQuoteIn
) -> s.CreatedDocument:
    """Service quote (local draft) from manual lines."""
    rt = runtime(request)
    document = quotes.create_service_quote(
        rt.unit_of_work(),
        rt.clock,
        principal.actor,
        body.customer_id,
        parse.items(body.items),
        expiry_date=body.expiry_date,
    )
    return render.created(document, rt.clock.today())


@router.post("/from-invoice/{invoice_id}", response_model=s.CreatedDocument, status_code=201)
def create_from_invoice(
    principal: Accountant, request: Request, invoice_id: uuid.UUID
) -> s.CreatedDocument:
    """Quote (local draft) with an invoice's customer and lines."""
    rt = runtime(request)
    queries.get_document(rt.unit_of_work(), invoice_id, DocumentType.INVOICE)
    document = quotes.quote_from_invoice(rt.unit_of_work(), rt.clock, principal.actor, invoice_id)
    return render.created(document, rt.clock.today())


add_read_routes(router, KIND, "quotes")
add_issue_routes(router, KIND, "quotes")
add_send_route(router, KIND, "quotes")


@router.patch("/{document_id}", response_model=s.DocumentOut)
def update_quote(
    principal: Accountant, request: Request, document_id: LocalId, body: s.QuotePatchIn
) -> s.DocumentOut:
    """Edit a draft quote: ``items`` replace the lines; totals are recomputed."""
    rt = runtime(request)
    document = invoicing.update_draft(
        rt.unit_of_work(),
        rt.gateway,
        rt.clock,
        principal.actor,
        document_id,
        items=None if body.items is None else parse.items(body.items),
        issue_date=body.issue_date,
        notes=body.notes,
    )
    return render.document(document, rt.clock.today())


@router.delete("/{document_id}", response_model=s.DeletedOut)
def delete_quote(principal: Accountant, request: Request, document_id: LocalId) -> s.DeletedOut:
    """Delete a draft quote; issued quotes are kept."""
    rt = runtime(request)
    invoicing.delete_document(rt.unit_of_work(), rt.gateway, rt.clock, principal.actor, document_id)
    return s.DeletedOut(id=document_id)


@router.get("/{document_id}/view", response_model=s.QuoteView)
def view_quote(_: Viewer, request: Request, document_id: LocalId) -> s.QuoteView:
    """The quote and, once issued, Qonto's public page where the customer answers."""
    rt = runtime(request)
    document = queries.get_document(rt.unit_of_work(), document_id, KIND)
    public_url = None
    if document.is_issued and document.qonto_id is not None:
        public_url = rt.qonto_client.quotes.get(document.qonto_id).quote_url
    return s.QuoteView(document=render.document(document, rt.clock.today()), public_url=public_url)


@router.post("/{document_id}/convert", response_model=s.CreatedDocument, status_code=201)
def convert_to_invoice(
    principal: Accountant, request: Request, document_id: LocalId
) -> s.CreatedDocument:
    """An issued or accepted quote becomes an invoice draft (the quote is ``converted``)."""
    rt = runtime(request)
    invoice = quotes.convert_quote_to_invoice(
        rt.unit_of_work(), rt.gateway, rt.clock, principal.actor, document_id
    )
    return render.created(invoice, rt.clock.today())


@router.post("/{document_id}/accept", response_model=s.DocumentOut)
def accept(principal: Accountant, request: Request, document_id: LocalId) -> s.DocumentOut:
    """Record the customer's acceptance."""
    rt = runtime(request)
    document = quotes.accept_quote(rt.unit_of_work(), rt.clock, principal.actor, document_id)
    return render.document(document, rt.clock.today())


@router.post("/{document_id}/decline", response_model=s.DocumentOut)
def decline(principal: Accountant, request: Request, document_id: LocalId) -> s.DocumentOut:
    """Record the customer's refusal."""
    rt = runtime(request)
    document = quotes.decline_quote(rt.unit_of_work(), rt.clock, principal.actor, document_id)
    return render.document(document, rt.clock.today())
