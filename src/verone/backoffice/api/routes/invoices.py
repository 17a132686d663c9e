"""``/api/qonto/invoices``: the seed's 17 invoice routes plus ``finalize-preview``.

Thin: parse with pydantic, call one service, render. Creations answer 201
``{"localDocumentId", "document"}``; documents are always created as drafts (rule 1).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from verone.backoffice.api import parse, render
from verone.backoffice.api import schemas as s
from verone.backoffice.api import schemas_infra as si
from verone.backoffice.api.context import runtime
from verone.backoffice.api.deps import Accountant, Finalizer, Viewer
from verone.backoffice.api.errors import STANDARD_ERRORS
from verone.backoffice.api.params import Pagination
from verone.backoffice.api.routes.documents import (
    add_issue_routes,
    add_read_routes,
    add_send_route,
    document_ref,
    run_finalization,
)
from verone.backoffice.api.routes.reconciliation import render_applied
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.domain.queries import DocumentFilter
from verone.backoffice.domain.statuses import DocumentOrigin, DocumentType
from verone.backoffice.services import invoicing, payments, queries, quotes, reconciliation

KIND = DocumentType.INVOICE
#: ``{document_id}``: the local id or the Qonto id, resolved (404 otherwise) after the role check
LocalId = Annotated[uuid.UUID, Depends(document_ref(KIND))]
router = APIRouter(
    prefix="/api/qonto/invoices",
    tags=["invoices"],
    responses=STANDARD_ERRORS,
    route_class=AuditedRoute,
)


@router.post("", response_model=s.CreatedDocument, status_code=201)
def create_from_order(
    principal: Accountant, request: Request, body: s.InvoiceFromOrderIn
) -> s.CreatedDocument:
    """Invoice (draft) from a sales order; ``lines`` invoices part of it."""
    rt = runtime(request)
    document = invoicing.create_invoice_from_order(
        rt.unit_of_work(),
        rt.gateway,
        rt.clock,
        principal.actor,
        body.sales_order_id,
        quantities=parse.quantities(body.lines),
        issue_date=body.issue_date,
        notes=body.notes,
    )
    return render.created(document, rt.clock.today())


@router.get("/service", response_model=s.ListEnvelope[s.DocumentSummary])
def list_service_invoices(
    _: Viewer, request: Request, paging: Pagination
) -> s.ListEnvelope[s.DocumentSummary]:
    """Service invoices (manual lines, no order), newest first."""
    rt = runtime(request)
    today = rt.clock.today()
    found = queries.list_documents(
        rt.unit_of_work(),
        DocumentFilter(document_type=KIND, origin=DocumentOrigin.SERVICE),
        paging,
    )
    return render.page(found, lambda doc: render.summary(doc, today))


@router.post("/service", response_model=s.CreatedDocument, status_code=201)
def create_service_invoice(
    principal: Accountant, request: Request, body: s.ServiceInvoiceIn
) -> s.CreatedDocument:
    """Service invoice (draft) from manual lines: Qonto draft **and** local document."""
    rt = runtime(request)
    document = invoicing.create_service_invoice(
        rt.unit_of_work(),
        rt.gateway,
        rt.clock,
        principal.actor,
        body.customer_id,
        parse.items(body.items),
        issue_date=body.issue_date,
        due_date=body.due_date,
        notes=body.notes,
    )
    return render.created(document, rt.clock.today())


@router.get("/by-order/{order_id}", response_model=list[s.DocumentSummary])
def by_order(_: Viewer, request: Request, order_id: uuid.UUID) -> list[s.DocumentSummary]:
    """The invoices of a sales order, oldest first."""
    rt = runtime(request)
    found = queries.documents_of_order(rt.unit_of_work(), order_id)
    return render.documents([d for d in found if d.document_type is KIND], rt.clock.today())


add_read_routes(router, KIND, "invoices")
add_issue_routes(router, KIND, "invoices")
add_send_route(router, KIND, "invoices")


@router.post("/{document_id}/finalize-workflow", response_model=s.FinalizedOut)
def finalize_workflow(
    principal: Finalizer, request: Request, document_id: LocalId, body: s.FinalizeIn
) -> s.FinalizedOut:
    """The 3 steps: re-validate against Qonto → finalize → wait for the regenerated PDF."""
    return run_finalization(request, principal, KIND, document_id, body, wait_for_pdf=True)


@router.patch("/{document_id}", response_model=s.DocumentOut)
def update_invoice(
    principal: Accountant, request: Request, document_id: LocalId, body: s.InvoicePatchIn
) -> s.DocumentOut:
    """Edit a draft: ``items`` replace the lines; totals are recomputed and pushed to Qonto."""
    rt = runtime(request)
    document = invoicing.update_draft(
        rt.unit_of_work(),
        rt.gateway,
        rt.clock,
        principal.actor,
        document_id,
        items=None if body.items is None else parse.items(body.items),
        issue_date=body.issue_date,
        due_date=body.due_date,
        notes=body.notes,
    )
    return render.document(document, rt.clock.today())


@router.delete("/{document_id}/delete", response_model=s.DeletedOut)
def delete_invoice(principal: Accountant, request: Request, document_id: LocalId) -> s.DeletedOut:
    """Delete a draft or pending invoice (and its Qonto draft); issued invoices are kept."""
    rt = runtime(request)
    invoicing.delete_document(rt.unit_of_work(), rt.gateway, rt.clock, principal.actor, document_id)
    return s.DeletedOut(id=document_id)


@router.post("/{document_id}/validate-to-draft", response_model=s.DocumentOut)
def validate_to_draft(
    principal: Accountant, request: Request, document_id: LocalId
) -> s.DocumentOut:
    """A pending invoice is checked and pushed to Qonto as a draft."""
    rt = runtime(request)
    document = invoicing.validate_to_draft(
        rt.unit_of_work(), rt.gateway, rt.clock, principal.actor, document_id
    )
    return render.document(document, rt.clock.today())


@router.post("/{document_id}/sync-to-order", response_model=s.DocumentOut)
def sync_to_order(principal: Accountant, request: Request, document_id: LocalId) -> s.DocumentOut:
    """Bring Qonto's payment state home and refresh the order's invoicing status."""
    rt = runtime(request)
    document = invoicing.sync_to_order(
        rt.unit_of_work(), rt.gateway, rt.clock, principal.actor, document_id
    )
    return render.document(document, rt.clock.today())


@router.post("/{document_id}/mark-paid", response_model=s.DocumentOut)
def mark_paid(
    principal: Accountant,
    request: Request,
    document_id: LocalId,
    body: s.MarkPaidIn | None = None,
) -> s.DocumentOut:
    """Mark a finalized invoice paid, in Qonto and locally."""
    rt = runtime(request)
    document = payments.mark_paid(
        rt.unit_of_work(),
        rt.gateway,
        rt.clock,
        principal.actor,
        document_id,
        paid_at=None if body is None else body.paid_at,
    )
    return render.document(document, rt.clock.today())


@router.post("/{document_id}/unmark-paid", response_model=s.DocumentOut)
def unmark_paid(principal: Accountant, request: Request, document_id: LocalId) -> s.DocumentOut:
    """Undo a payment mark (back to finalized, unpaid)."""
    rt = runtime(request)
    document = payments.unmark_paid(
        rt.unit_of_work(), rt.gateway, rt.clock, principal.actor, document_id
    )
    return render.document(document, rt.clock.today())


@router.post("/{document_id}/cancel", response_model=s.CancelledOut)
def cancel(principal: Accountant, request: Request, document_id: LocalId) -> s.CancelledOut:
    """Cancel a finalized, unpaid invoice in Qonto (a credit note is usually preferable)."""
    rt = runtime(request)
    result = payments.cancel_invoice(
        rt.unit_of_work(), rt.gateway, rt.clock, principal.actor, document_id
    )
    return s.CancelledOut(
        document=render.document(result.document, rt.clock.today()),
        credit_note_recommended=result.credit_note_recommended,
        advice=result.advice,
    )


@router.post("/{document_id}/convert-to-quote", response_model=s.CreatedDocument, status_code=201)
def convert_to_quote(
    principal: Accountant, request: Request, document_id: LocalId
) -> s.CreatedDocument:
    """A quote (local draft) with this invoice's customer and lines."""
    rt = runtime(request)
    quote = quotes.quote_from_invoice(rt.unit_of_work(), rt.clock, principal.actor, document_id)
    return render.created(quote, rt.clock.today())


@router.post("/{document_id}/reconcile", response_model=si.AppliedMatchOut)
def reconcile(
    principal: Accountant, request: Request, document_id: LocalId, body: s.ReconcileIn
) -> si.AppliedMatchOut:
    """Allocate part of a bank transaction to this invoice; fully paid → marked paid in Qonto
    and locally, and its PDF attached to the transaction."""
    rt = runtime(request)
    applied = reconciliation.apply_match(
        rt.unit_of_work(),
        rt.gateway,
        rt.sync_reader,
        rt.clock,
        principal.actor,
        body.transaction_id,
        document_id,
        body.amount,
    )
    return render_applied(applied)
