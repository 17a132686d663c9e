"""``/api/qonto/invoices``: the seed's 17 invoice routes plus ``finalize-preview``.

Thin: parse with pydantic, call one service, render. Creations answer 201
``{"localDocumentId", "document"}``; documents are always created as drafts (rule 1).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from verone.backoffice.api import parse, render
from verone.backoffice.api import schemas as s
from verone.backoffice.api import schemas_infra as si
from verone.backoffice.api.routes.documents import (
    add_issue_routes,
    add_read_routes,
    add_send_route,
    add_service_list_route,
    document_ref,
    kind_router,
    run_finalization,
)
from verone.backoffice.api.routes.reconciliation import render_applied
from verone.backoffice.domain.statuses import DocumentType
from verone.backoffice.edge.context import AccountantContext, FinalizerContext, ViewerContext
from verone.backoffice.services import invoicing, payments, queries, quotes, reconciliation

KIND = DocumentType.INVOICE
#: ``{document_id}``: the local id or the Qonto id, resolved (404 otherwise) after the role check
LocalId = Annotated[uuid.UUID, Depends(document_ref(KIND))]
router = kind_router("/api/qonto/invoices", "invoices")


@router.post("", response_model=s.CreatedDocument, status_code=201)
def create_from_order(ctx: AccountantContext, body: s.InvoiceFromOrderIn) -> s.CreatedDocument:
    """Invoice (draft) from a sales order; ``lines`` invoices part of it."""
    document = ctx.call(
        invoicing.create_invoice_from_order,
        body.sales_order_id,
        **parse.invoice_from_order(body),
        purchase_order=body.purchase_order,
    )
    return render.created(document, ctx.today())


add_service_list_route(router, KIND, "invoices")


@router.post("/service", response_model=s.CreatedDocument, status_code=201)
def create_service_invoice(ctx: AccountantContext, body: s.ServiceInvoiceIn) -> s.CreatedDocument:
    """Service invoice (draft) from manual lines: Qonto draft **and** local document."""
    document = ctx.call(
        invoicing.create_service_invoice,
        body.customer_id,
        **parse.service_invoice(body),
        purchase_order=body.purchase_order,
    )
    return render.created(document, ctx.today())


@router.get("/by-order/{order_id}", response_model=list[s.DocumentSummary])
def by_order(ctx: ViewerContext, order_id: uuid.UUID) -> list[s.DocumentSummary]:
    """The invoices of a sales order, oldest first."""
    return render.documents(queries.documents_of_order(ctx.uow, order_id, KIND), ctx.today())


add_read_routes(router, KIND, "invoices")
add_issue_routes(router, KIND, "invoices")
add_send_route(router, KIND, "invoices")


@router.post("/{document_id}/finalize-workflow", response_model=s.FinalizedOut)
def finalize_workflow(
    ctx: FinalizerContext, document_id: LocalId, body: s.FinalizeIn
) -> s.FinalizedOut:
    """The 3 steps: re-validate against Qonto → finalize → wait for the regenerated PDF."""
    return run_finalization(ctx, KIND, document_id, body, wait_for_pdf=True)


@router.patch("/{document_id}", response_model=s.DocumentOut)
def update_invoice(
    ctx: AccountantContext, document_id: LocalId, body: s.InvoicePatchIn
) -> s.DocumentOut:
    """Edit a draft: ``items`` replace the lines; totals are recomputed and pushed to Qonto."""
    document = ctx.call(invoicing.update_draft, document_id, **parse.draft_changes(body))
    return render.document(document, ctx.today())


@router.delete("/{document_id}/delete", response_model=s.DeletedOut)
def delete_invoice(ctx: AccountantContext, document_id: LocalId) -> s.DeletedOut:
    """Delete a draft or pending invoice (and its Qonto draft); issued invoices are kept."""
    ctx.call(invoicing.delete_document, document_id)
    return s.DeletedOut(id=document_id)


@router.post("/{document_id}/validate-to-draft", response_model=s.DocumentOut)
def validate_to_draft(ctx: AccountantContext, document_id: LocalId) -> s.DocumentOut:
    """A pending invoice is checked and pushed to Qonto as a draft."""
    return render.document(ctx.call(invoicing.validate_to_draft, document_id), ctx.today())


@router.post("/{document_id}/sync-to-order", response_model=s.DocumentOut)
def sync_to_order(ctx: AccountantContext, document_id: LocalId) -> s.DocumentOut:
    """Bring Qonto's payment state home and refresh the order's invoicing status."""
    return render.document(ctx.call(invoicing.sync_to_order, document_id), ctx.today())


@router.post("/{document_id}/mark-paid", response_model=s.DocumentOut)
def mark_paid(
    ctx: AccountantContext, document_id: LocalId, body: s.MarkPaidIn | None = None
) -> s.DocumentOut:
    """Mark a finalized invoice paid, in Qonto and locally."""
    paid_at = None if body is None else body.paid_at
    return render.document(ctx.call(payments.mark_paid, document_id, paid_at=paid_at), ctx.today())


@router.post("/{document_id}/unmark-paid", response_model=s.DocumentOut)
def unmark_paid(ctx: AccountantContext, document_id: LocalId) -> s.DocumentOut:
    """Undo a payment mark (back to finalized, unpaid)."""
    return render.document(ctx.call(payments.unmark_paid, document_id), ctx.today())


@router.post("/{document_id}/cancel", response_model=s.CancelledOut)
def cancel(ctx: AccountantContext, document_id: LocalId) -> s.CancelledOut:
    """Cancel a finalized, unpaid invoice in Qonto (a credit note is usually preferable)."""
    result = ctx.call(payments.cancel_invoice, document_id)
    document = render.document(result.document, ctx.today())
    return render.fields(s.CancelledOut, result, document=document)


@router.post("/{document_id}/convert-to-quote", response_model=s.CreatedDocument, status_code=201)
def convert_to_quote(ctx: AccountantContext, document_id: LocalId) -> s.CreatedDocument:
    """A quote (local draft) with this invoice's customer and lines."""
    return render.created(ctx.call_local(quotes.quote_from_invoice, document_id), ctx.today())


@router.post("/{document_id}/reconcile", response_model=si.AppliedMatchOut)
def reconcile(
    ctx: AccountantContext, document_id: LocalId, body: s.ReconcileIn
) -> si.AppliedMatchOut:
    """Allocate part of a bank transaction to this invoice; fully paid → marked paid in Qonto
    and locally, and its PDF attached to the transaction."""
    applied = reconciliation.apply_match(
        ctx.uow,
        ctx.gateway,
        ctx.clock,
        ctx.actor,
        body.transaction_id,
        document_id,
        body.amount,
    )
    return render_applied(applied)
