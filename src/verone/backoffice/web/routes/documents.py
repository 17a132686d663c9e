"""« Factures Qonto »: the list (tabs, chips, filters, totals, CSV) and a document's page."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from verone.backoffice.domain.queries import PageRequest
from verone.backoffice.services import audit, document_views, queries
from verone.backoffice.web import formatting, labels
from verone.backoffice.web.context import PageViewer, Runtime
from verone.backoffice.web.listing import CHIPS, CHIPS_OF, DocumentQuery
from verone.backoffice.web.templating import render

router = APIRouter(include_in_schema=False)
EXPORT_PAGE = 200


@router.get("/factures")
def list_documents(request: Request, viewer: PageViewer, container: Runtime) -> Response:
    query = DocumentQuery.from_request(request)
    today = container.clock.today()
    criteria = query.criteria(today)
    found = queries.list_documents(container.unit_of_work(), criteria, query.page_request())
    totals = document_views.document_totals(container.unit_of_work(), criteria)
    customers = queries.list_customers(container.unit_of_work(), PageRequest(1, 200))
    context = {
        "title": "Factures Qonto",
        "section": "documents",
        "query": query,
        "found": found,
        "totals": totals,
        "today": today,
        "customers": customers.items,
        "chips": [(chip, CHIPS[chip][0]) for chip in CHIPS_OF[query.kind]],
    }
    return render(
        request, viewer, "documents/list.html", context, partial="documents/_results.html"
    )


@router.get("/factures/export.csv")
def export_documents(request: Request, viewer: PageViewer, container: Runtime) -> Response:
    """The filtered set as CSV (French formats, ``;`` separated, for a spreadsheet)."""
    query = DocumentQuery.from_request(request)
    today = container.clock.today()
    criteria = query.criteria(today)

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(
            ["Numéro", "Client", "Statut", "Date", "Échéance", "HT", "TVA", "TTC", "Reste à payer"]
        )
        page = 1
        while True:
            found = queries.list_documents(
                container.unit_of_work(), criteria, PageRequest(page, EXPORT_PAGE)
            )
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
def document_page(
    request: Request, viewer: PageViewer, container: Runtime, document_id: uuid.UUID
) -> Response:
    document = queries.get_document(container.unit_of_work(), document_id)
    details = queries.document_details(
        container.unit_of_work(), document_id, document.document_type
    )
    history = audit.document_history(container.unit_of_work(), document_id)
    today = container.clock.today()
    context = {
        "title": f"{labels.KIND_TITLE[document.document_type]} {document.number or 'brouillon'}",
        "section": "documents",
        "doc": document,
        "details": details,
        "history": history,
        "people": audit.people(container.unit_of_work()),
        "today": today,
        "actions": document_views.available_actions(document, viewer.user),
        "vat_rates": document_views.vat_breakdown(document),
        "tab": labels.TAB[document.document_type],
    }
    return render(request, viewer, "documents/detail.html", context)


@router.get("/factures/{document_id}/pdf-statut")
def pdf_status(
    request: Request,
    viewer: PageViewer,
    container: Runtime,
    document_id: uuid.UUID,
    essai: int = 0,
) -> Response:
    """Polled every 2 s after finalization until the PDF is stored (bounded by ``essai``)."""
    document = queries.get_document(container.unit_of_work(), document_id)
    context = {"doc": document, "attempt": essai + 1}
    return render(request, viewer, "documents/_pdf.html", context)
