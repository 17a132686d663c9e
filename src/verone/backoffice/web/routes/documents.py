"""« Factures Qonto »: the list (tabs, chips, filters, totals, CSV) and a document's page."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from verone.backoffice.domain.errors import CustomerNotFound
from verone.backoffice.domain.queries import PageRequest
from verone.backoffice.services import audit, document_views, pdfs, queries
from verone.backoffice.web import formatting, labels
from verone.backoffice.web.context import ViewerPage
from verone.backoffice.web.listing import CHIPS, CHIPS_OF, DocumentQuery
from verone.backoffice.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
EXPORT_PAGE = 200
CUSTOMER_OPTIONS = 20  # suggestions under the customer filter


@router.get("/factures")
def list_documents(request: Request, ctx: ViewerPage) -> Response:
    query = DocumentQuery.from_request(request)
    today = ctx.clock.today()
    criteria = query.criteria(today)
    filtered = document_views.filtered_documents(ctx.uow, criteria, query.page_request())
    picked = _customer_name(ctx, query.customer)
    context = {
        "title": "Factures Qonto",
        "section": "documents",
        "query": query,
        "found": filtered.page,
        "totals": filtered.totals,
        "today": today,
        "customer_name": picked,
        "chips": [(chip, CHIPS[chip][0]) for chip in CHIPS_OF[query.kind]],
    }
    return render(request, ctx, "documents/list.html", context, partial="documents/_results.html")


def _customer_name(ctx: ViewerPage, customer_id: str) -> str:
    """The filtered customer's name for the filter's field; a customer deleted since the link
    was made shows as an empty field (its documents are still filtered by the link's id)."""
    if not customer_id:
        return ""
    try:
        return queries.get_customer(ctx.uow, uuid.UUID(customer_id)).display_name
    except CustomerNotFound:
        return ""


@router.get("/factures/clients")
def customer_options(request: Request, ctx: ViewerPage, nom: str = "") -> Response:
    """The customers whose name holds what was typed in the customer filter (its datalist,
    asked as the user types: any number of customers, never a list of all of them)."""
    if not is_htmx(request):
        return RedirectResponse("/factures", status_code=303)
    term = nom.strip()[:100]
    found = queries.list_customers(ctx.uow, PageRequest(1, CUSTOMER_OPTIONS), search=term or None)
    context = {"options": found.items}
    return render(
        request, ctx, "documents/list.html", context, partial="documents/_customer_options.html"
    )


@router.get("/factures/totaux")
def list_totals(request: Request, ctx: ViewerPage) -> Response:
    """The totals bar of a filtered set too large to sum while its page renders (the page
    loads it once shown; the same filters as ``/factures``, whose page a browser is sent to)."""
    query = DocumentQuery.from_request(request)
    if not is_htmx(request):
        return RedirectResponse(query.url(page=query.page), status_code=303)
    totals = document_views.filtered_totals(ctx.uow, query.criteria(ctx.clock.today()))
    context = {"totals": totals}
    return render(request, ctx, "documents/list.html", context, partial="documents/_totals.html")


@router.get("/factures/export.csv")
def export_documents(request: Request, ctx: ViewerPage) -> Response:
    """The filtered set as CSV (French formats, ``;`` separated, for a spreadsheet)."""
    query = DocumentQuery.from_request(request)
    today = ctx.clock.today()
    criteria = query.criteria(today)

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(
            ["Numéro", "Client", "Statut", "Date", "Échéance", "HT", "TVA", "TTC", "Reste à payer"]
        )
        page = 1
        while True:
            found = queries.list_documents(ctx.uow, criteria, PageRequest(page, EXPORT_PAGE))
            for doc in found.items:
                writer.writerow(
                    [
                        doc.number or "Brouillon",
                        doc.customer_name,
                        labels.badge(doc, today).label,
                        formatting.day(doc.issue_date),
                        formatting.day(doc.due_date),
                        formatting.decimal(doc.total_ht),
                        formatting.decimal(doc.total_vat),
                        formatting.decimal(doc.total_amount),
                        formatting.decimal(doc.amount_due),
                    ]
                )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if page >= found.pages:
                break
            page += 1

    filename = f"{query.tab}-{today.isoformat()}.csv"
    return StreamingResponse(
        rows(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/factures/{document_id}")
def document_page(request: Request, ctx: ViewerPage, document_id: uuid.UUID) -> Response:
    document = queries.get_document(ctx.uow, document_id)
    details = queries.document_details(ctx.uow, document_id, document.document_type)
    history = audit.document_history(ctx.uow, document_id)
    today = ctx.clock.today()
    context = {
        "title": f"{labels.KIND_TITLE[document.document_type]} {document.number or 'brouillon'}",
        "section": "documents",
        "doc": document,
        "details": details,
        "history": history,
        "people": audit.people(ctx.uow),
        "today": today,
        "actions": document_views.available_actions(document, ctx.user),
        "lines": document_views.lines_view(document),
        "tab": labels.TAB[document.document_type],
    }
    return render(request, ctx, "documents/detail.html", context)


@router.get("/factures/{document_id}/pdf-statut")
def pdf_status(
    request: Request,
    ctx: ViewerPage,
    document_id: uuid.UUID,
    essai: int = 0,
    apercu: int = 1,
) -> Response:
    """Polled every 2 s after finalization: one look at Qonto for the regenerated PDF each
    time (no waiting in the request), until it is stored; the page bounds it with ``essai``."""
    document = queries.get_document(ctx.uow, document_id)
    if document.is_issued and document.pdf_sha256 is None:
        if pdfs.wait_for_final_pdf(
            ctx.uow, ctx.gateway, ctx.clock, document_id, pdfs.PdfWait(timeout=0.0)
        ):
            document = queries.get_document(ctx.uow, document_id)
    context = {"doc": document, "attempt": essai + 1, "inline": apercu == 1}
    return render(request, ctx, "documents/_pdf.html", context)
