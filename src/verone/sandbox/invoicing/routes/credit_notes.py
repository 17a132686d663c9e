"""``/v2/credit_notes``: list, retrieve, create (unless the feature is off), download the PDF."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from verone.qonto.types.credit_notes import CreditNoteEnvelope, CreditNoteList
from verone.sandbox.deps import StateDep
from verone.sandbox.errors import QontoHTTPError
from verone.sandbox.invoicing.credit_notes import create_credit_note
from verone.sandbox.invoicing.invoices import INVOICE_EVENT
from verone.sandbox.invoicing.params import CreditNoteIn
from verone.sandbox.invoicing.pdf_delivery import document_pdf
from verone.sandbox.invoicing.records import CreditNoteRecord
from verone.sandbox.invoicing.routes.common import JSON, in_range, parse_body, query_period
from verone.sandbox.invoicing.routes.documents import DocumentKind, newest_first
from verone.sandbox.invoicing.store import InvoicingStore
from verone.sandbox.invoicing.wire import credit_note_wire, invoice_wire
from verone.sandbox.state import SandboxState
from verone.sandbox.wire import build, dump

router = APIRouter()

CREATE_FEATURE = "credit_notes_create"


def render_credit_note(state: SandboxState, note: CreditNoteRecord) -> JSON:
    return dump(build(CreditNoteEnvelope, credit_note=credit_note_wire(state, note)))


CREDIT_NOTES = DocumentKind("/v2/credit_notes", InvoicingStore.credit_note, render_credit_note)


@router.get("/v2/credit_notes")
def list_credit_notes(request: Request, state: StateDep) -> JSON:
    created = query_period(request, "created_at")
    invoice_id = request.query_params.get("filter[invoice_id]")
    with state.lock:
        found = [
            n
            for n in state.invoicing.credit_notes.values()
            if in_range(n.created_at, *created) and (not invoice_id or n.invoice_id == invoice_id)
        ]
        chunk, meta = newest_first(request, found, max_per_page=100)
        notes = [credit_note_wire(state, n) for n in chunk]
        return dump(build(CreditNoteList, credit_notes=notes, meta=meta))


@router.get("/v2/credit_notes/{credit_note_id}")
def get_credit_note(credit_note_id: str, state: StateDep) -> JSON:
    return CREDIT_NOTES.read(state, credit_note_id)


@router.get("/v2/credit_notes/{credit_note_id}/file")
def credit_note_file(credit_note_id: str, state: StateDep) -> Response:
    with state.lock:
        note = state.invoicing.credit_note(credit_note_id)
        content = document_pdf(state, note)
    return Response(
        content,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{note.number}.pdf"'},
    )


@router.post("/v2/credit_notes", status_code=201)
async def create(request: Request, state: StateDep) -> JSON:
    if not state.feature_enabled(CREATE_FEATURE):
        raise QontoHTTPError(404, "not_found", "Not found")
    body = await parse_body(request, CreditNoteIn)
    with state.lock:
        note = create_credit_note(state, body)
        invoice = state.invoicing.invoice(note.invoice_id)
        state.webhooks.emit(INVOICE_EVENT, dump(invoice_wire(state, invoice)))
        return render_credit_note(state, note)
