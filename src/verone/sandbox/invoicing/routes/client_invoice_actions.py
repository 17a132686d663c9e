"""Client-invoice status actions (finalize, paid, canceled, send) and invoice uploads."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from fastapi import APIRouter, Request, Response
from starlette.datastructures import UploadFile

from verone.qonto.types.client_invoices import (
    ClientInvoiceEnvelope,
    ClientInvoiceUploadEnvelope,
)
from verone.sandbox.banking.attachments import sniff_content_type
from verone.sandbox.deps import StateDep
from verone.sandbox.errors import refused
from verone.sandbox.invoicing.invoices import (
    INVOICE_EVENT,
    finalize_invoice,
    mark_as_canceled,
    mark_as_paid,
    send_by_einvoice,
    send_invoice,
    unmark_as_paid,
)
from verone.sandbox.invoicing.params import MarkAsPaidIn, SendIn
from verone.sandbox.invoicing.records import InvoiceRecord, UploadRecord
from verone.sandbox.invoicing.routes.common import JSON, parse_body
from verone.sandbox.invoicing.routes.documents import DocumentKind
from verone.sandbox.invoicing.store import InvoicingStore
from verone.sandbox.invoicing.wire import invoice_wire, upload_wire
from verone.sandbox.state import SandboxState
from verone.sandbox.wire import build, dump

router = APIRouter()

UPLOAD_FIELD = "client_invoices_upload"
MAX_UPLOAD_BYTES = 15 * 1024 * 1024


def render_invoice(state: SandboxState, invoice: InvoiceRecord) -> JSON:
    """``{"client_invoice": {...}}``."""
    return dump(build(ClientInvoiceEnvelope, client_invoice=invoice_wire(state, invoice)))


def publish(state: SandboxState, invoice: InvoiceRecord) -> JSON:
    """The invoice's envelope; the invoice is also sent to ``v1/client-invoices`` subscribers."""
    answer = render_invoice(state, invoice)
    data = answer["client_invoice"]
    assert isinstance(data, dict)
    state.webhooks.emit(INVOICE_EVENT, data)
    return answer


INVOICES = DocumentKind("/v2/client_invoices", InvoicingStore.invoice, render_invoice, publish)


def _render_upload(state: SandboxState, upload: UploadRecord) -> JSON:
    wire = upload_wire(state, upload)
    return dump(build(ClientInvoiceUploadEnvelope, client_invoice_upload=wire))


@router.post("/v2/client_invoices/uploads", status_code=201)
async def create_upload(request: Request, state: StateDep) -> JSON:
    async with request.form() as form:
        file = form.get(UPLOAD_FIELD)
        if not isinstance(file, UploadFile):
            raise refused(UPLOAD_FIELD, f"{UPLOAD_FIELD} is required", "blank")
        content = await file.read()
        declared, filename = file.content_type, file.filename or "upload"
    content_type = sniff_content_type(content, declared)
    if not content or content_type is None:
        raise refused(UPLOAD_FIELD, "the file must be a PDF, JPEG or PNG", "invalid_file_type")
    if len(content) > MAX_UPLOAD_BYTES:
        raise refused(UPLOAD_FIELD, "the file is too large", "file_too_large")
    with state.lock:
        now = state.clock.now()
        upload = UploadRecord(
            id=state.new_id(),
            filename=filename,
            content_type=content_type,
            file_size=len(content),
            attachment_id=state.attachments.add(content, filename, content_type),
            created_at=now,
            updated_at=now,
        )
        state.invoicing.uploads[upload.id] = upload
        return _render_upload(state, upload)


@router.get("/v2/client_invoices/uploads/{upload_id}")
def get_upload(upload_id: str, state: StateDep) -> JSON:
    with state.lock:
        upload = state.invoicing.upload(upload_id)
        return _render_upload(state, upload)


def _changing(use: Callable[[SandboxState, InvoiceRecord], None]) -> Callable[..., JSON]:
    """The route of a status action without a body: ``use`` runs, the invoice is published."""

    def route(invoice_id: str, state: StateDep) -> JSON:
        return INVOICES.act(state, invoice_id, use)

    return route


for _action, _use in (
    ("finalize", finalize_invoice),
    ("unmark_as_paid", unmark_as_paid),
    ("mark_as_canceled", mark_as_canceled),
):
    router.post(f"/v2/client_invoices/{{invoice_id}}/{_action}")(_changing(_use))


@router.post("/v2/client_invoices/{invoice_id}/mark_as_paid")
async def paid(invoice_id: str, request: Request, state: StateDep) -> JSON:
    raw = await request.body()
    body = await parse_body(request, MarkAsPaidIn) if raw.strip() else MarkAsPaidIn()
    return INVOICES.act(state, invoice_id, mark_as_paid, body.paid_at)


@router.post("/v2/client_invoices/{invoice_id}/send_by_einvoice", status_code=204)
def send_einvoice(invoice_id: str, state: StateDep) -> Response:
    """No body; 204 = accepted for the e-invoicing network (``einvoicing_status`` changes)."""
    INVOICES.act(state, invoice_id, send_by_einvoice)
    return Response(status_code=204)


@router.post("/v2/client_invoices/{invoice_id}/send", status_code=204)
async def send(invoice_id: str, request: Request, state: StateDep) -> Response:
    body = await parse_body(request, SendIn)
    return INVOICES.quietly(state, invoice_id, partial(send_invoice, body=body))
