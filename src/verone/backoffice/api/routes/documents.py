"""Routes shared by invoices, quotes and credit notes: list with filters, detail, enriched
details and by-kind lookups. Each kind's module adds its own writes before these (static paths
such as ``/service`` must be registered before ``/{document_id}``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response

from verone.backoffice.api import render
from verone.backoffice.api import schemas as s
from verone.backoffice.api.errors import STANDARD_ERRORS, ErrorResponse
from verone.backoffice.api.middleware import SAME_ORIGIN_FRAMING
from verone.backoffice.api.params import Pagination, Search
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.domain.queries import DocumentFilter, DocumentSort
from verone.backoffice.domain.statuses import DocumentOrigin, DocumentStatus, DocumentType
from verone.backoffice.edge.context import (
    AccountantContext,
    FinalizerContext,
    RequestContext,
    ViewerContext,
)
from verone.backoffice.edge.runtime import RequestUnitOfWork
from verone.backoffice.ports import UnitOfWork
from verone.backoffice.services import finalization, pdfs, queries, sending
from verone.qonto import QONTO_ID_PATTERN

ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse, "description": "Unknown document"},
    409: {"model": ErrorResponse, "description": "Refused in the document's current state"},
    422: {"model": ErrorResponse, "description": "Invalid request"},
    502: {"model": ErrorResponse, "description": "Qonto refused the call"},
    503: {"model": ErrorResponse, "description": "Qonto unreachable"},
}


class DocumentDetailsOut(s.ApiModel):
    document: s.DocumentOut
    parent: s.DocumentSummary | None
    children: list[s.DocumentSummary]
    credited_total: s.Amount
    allocated_total: s.Amount
    amount_due: s.Amount


REFERENCE_DOC = "The document's local id (UUID) or its Qonto id"
Reference = Annotated[
    str, Path(min_length=1, max_length=100, pattern=QONTO_ID_PATTERN, description=REFERENCE_DOC)
]


def document_ref(kind: DocumentType) -> Callable[[UnitOfWork, str], uuid.UUID]:
    """A dependency resolving ``{document_id}`` (local or Qonto id) to the local id, or 404.

    Declare it after the context: the role is checked before the lookup."""

    def resolve(uow: RequestUnitOfWork, document_id: Reference) -> uuid.UUID:
        return queries.resolve_document_id(uow, document_id, kind)

    return resolve


def kind_router(prefix: str, tag: str) -> APIRouter:
    """The router of one kind's routes: its own writes, then the shared ``add_*`` routes."""
    return APIRouter(prefix=prefix, tags=[tag], responses=STANDARD_ERRORS, route_class=AuditedRoute)


def document_filter(
    kind: DocumentType,
    statuses: list[DocumentStatus] | None,
    customer_id: uuid.UUID | None,
    sales_order_id: uuid.UUID | None,
    search: str | None,
    issued_from: date | None,
    issued_to: date | None,
    overdue_on: date | None,
    sort: DocumentSort,
    order: str,
) -> DocumentFilter:
    return DocumentFilter(
        document_type=kind,
        statuses=frozenset(statuses or ()),  # a status this kind never has matches nothing
        customer_id=customer_id,
        sales_order_id=sales_order_id,
        search=search,
        issued_from=issued_from,
        issued_to=issued_to,
        overdue_on=overdue_on,
        sort=sort,
        descending=order == "desc",
    )


def add_read_routes(router: APIRouter, kind: DocumentType, noun: str) -> None:
    """``GET ""`` (list), ``GET /{id}`` and ``GET /{id}/details`` for one kind."""
    _add_list(router, kind, noun)
    _add_detail(router, kind, noun)
    _add_details(router, kind, noun)


def add_service_list_route(router: APIRouter, kind: DocumentType, noun: str) -> None:
    """``GET /service``: the documents of one kind made from manual lines (no order)."""

    @router.get(
        "/service",
        response_model=s.ListEnvelope[s.DocumentSummary],
        summary=f"List service {noun}",
        operation_id=f"list_service_{kind}s",
    )
    def list_service_documents(
        ctx: ViewerContext, paging: Pagination
    ) -> s.ListEnvelope[s.DocumentSummary]:
        """Manual lines, no order; newest first."""
        today = ctx.today()
        criteria = DocumentFilter(document_type=kind, origin=DocumentOrigin.SERVICE)
        found = queries.list_documents(ctx.uow, criteria, paging)
        return render.page(found, lambda doc: render.summary(doc, today))


def _add_list(router: APIRouter, kind: DocumentType, noun: str) -> None:
    @router.get(
        "",
        response_model=s.ListEnvelope[s.DocumentSummary],
        summary=f"List {noun}",
        operation_id=f"list_{kind}s",
    )
    def list_documents(
        ctx: ViewerContext,
        paging: Pagination,
        search: Search = None,
        status: Annotated[list[DocumentStatus] | None, Query()] = None,
        customer_id: Annotated[uuid.UUID | None, Query(alias="customerId")] = None,
        sales_order_id: Annotated[uuid.UUID | None, Query(alias="salesOrderId")] = None,
        issued_from: Annotated[date | None, Query(alias="issuedFrom")] = None,
        issued_to: Annotated[date | None, Query(alias="issuedTo")] = None,
        overdue: bool = False,
        sort: DocumentSort = DocumentSort.CREATED_AT,
        order: Literal["asc", "desc"] = "desc",
    ) -> s.ListEnvelope[s.DocumentSummary]:
        today = ctx.today()
        criteria = document_filter(
            kind,
            status,
            customer_id,
            sales_order_id,
            search,
            issued_from,
            issued_to,
            today if overdue else None,
            sort,
            order,
        )
        found = queries.list_documents(ctx.uow, criteria, paging)
        return render.page(found, lambda doc: render.summary(doc, today))


def _add_detail(router: APIRouter, kind: DocumentType, noun: str) -> None:
    @router.get(
        "/{document_id}",
        response_model=s.DocumentOut,
        responses=ERRORS,
        summary=f"One {noun[:-1]} with its lines",
        operation_id=f"get_{kind}",
    )
    def get_document(ctx: ViewerContext, document_id: Reference) -> s.DocumentOut:
        local_id = queries.resolve_document_id(ctx.uow, document_id, kind)
        return render.document(queries.get_document(ctx.uow, local_id, kind), ctx.today())


def _add_details(router: APIRouter, kind: DocumentType, noun: str) -> None:
    @router.get(
        "/{document_id}/details",
        response_model=DocumentDetailsOut,
        responses=ERRORS,
        summary=f"One {noun[:-1]} with its parent, children and payments",
        operation_id=f"get_{kind}_details",
    )
    def get_details(ctx: ViewerContext, document_id: Reference) -> DocumentDetailsOut:
        today = ctx.today()
        local_id = queries.resolve_document_id(ctx.uow, document_id, kind)
        found = queries.document_details(ctx.uow, local_id, kind)
        allocated = sum((a.amount for a in found.allocations), start=Decimal(0))
        return DocumentDetailsOut(
            document=render.document(found.document, today),
            parent=None if found.parent is None else render.summary(found.parent, today),
            children=render.documents(found.children, today),
            credited_total=found.credited_total,
            allocated_total=allocated,
            amount_due=found.document.amount_due,
        )


PDF_RESPONSE: dict[int | str, dict[str, object]] = {
    200: {
        "description": "The issued document's PDF",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    },
}


def add_issue_routes(router: APIRouter, kind: DocumentType, noun: str) -> None:
    """``GET /{id}/pdf``, ``GET /{id}/finalize-preview`` and ``POST /{id}/finalize``."""
    _add_pdf(router, kind, noun)
    _add_preview(router, kind, noun)
    _add_finalize(router, kind, noun)


def _add_pdf(router: APIRouter, kind: DocumentType, noun: str) -> None:
    @router.get(
        "/{document_id}/pdf",
        response_class=Response,
        responses=PDF_RESPONSE,
        summary=f"PDF of an issued {noun[:-1]} (409 for a draft)",
        operation_id=f"get_{kind}_pdf",
    )
    def get_pdf(ctx: ViewerContext, document_id: Reference) -> Response:
        local_id = queries.resolve_document_id(ctx.uow, document_id, kind)
        document = queries.get_document(ctx.uow, local_id, kind)
        pdf = ctx.call(pdfs.get_document_pdf, local_id)
        filename = f"{document.number or document.id}.pdf"
        return Response(
            pdf.content,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="{filename}"',
                "X-Content-SHA256": pdf.sha256,
                **SAME_ORIGIN_FRAMING,
            },
        )


def _add_preview(router: APIRouter, kind: DocumentType, noun: str) -> None:
    @router.get(
        "/{document_id}/finalize-preview",
        response_model=s.FinalizePreview,
        summary=f"What finalizing this {noun[:-1]} will issue, and the confirmation token",
        operation_id=f"preview_{kind}_finalization",
    )
    def finalize_preview(ctx: FinalizerContext, document_id: Reference) -> s.FinalizePreview:
        local_id = queries.resolve_document_id(ctx.uow, document_id, kind)
        preview = ctx.call(
            finalization.preview_finalization, local_id, confirmation_key=ctx.confirmation_key
        )
        document = render.document(preview.document, ctx.today())
        return render.fields(s.FinalizePreview, preview, document=document)


def _add_finalize(router: APIRouter, kind: DocumentType, noun: str) -> None:
    @router.post(
        "/{document_id}/finalize",
        response_model=s.FinalizedOut,
        summary=f"Finalize this {noun[:-1]} (irreversible; needs the preview's token)",
        operation_id=f"finalize_{kind}",
    )
    def finalize(
        ctx: FinalizerContext, document_id: Reference, body: s.FinalizeIn
    ) -> s.FinalizedOut:
        return run_finalization(ctx, kind, document_id, body, wait_for_pdf=False)


def run_finalization(
    ctx: RequestContext,
    kind: DocumentType,
    reference: uuid.UUID | str,
    body: s.FinalizeIn,
    *,
    wait_for_pdf: bool,
) -> s.FinalizedOut:
    """Finalize through the service; ``wait_for_pdf`` polls for the regenerated PDF (bounded)."""
    document_id = queries.resolve_document_id(ctx.uow, str(reference), kind)
    result = ctx.call(
        finalization.finalize_document,
        document_id,
        body.confirmation_token,
        confirmation_key=ctx.confirmation_key,
        pdf_wait=ctx.runtime.pdf_wait if wait_for_pdf else pdfs.PdfWait(timeout=0.0),
    )
    document = result.document
    if result.pdf_stored:  # the PDF was stored after the issue: show the stored state
        document = queries.get_document(ctx.uow, document_id, kind)
    return render.fields(s.FinalizedOut, result, document=render.document(document, ctx.today()))


def add_send_route(router: APIRouter, kind: DocumentType, noun: str) -> None:
    """``POST /{id}/send``: Qonto sends invoices and quotes; credit notes go by our mailer."""

    @router.post(
        "/{document_id}/send",
        response_model=s.SentOut,
        summary=f"E-mail an issued {noun[:-1]} to the customer",
        operation_id=f"send_{kind}",
    )
    def send(
        ctx: AccountantContext, document_id: Reference, body: s.SendIn | None = None
    ) -> s.SentOut:
        local_id = queries.resolve_document_id(ctx.uow, document_id, kind)
        recipients = None if body is None else body.recipients
        result = ctx.call(sending.send_document, local_id, recipients=recipients)
        return render.fields(s.SentOut, result)
