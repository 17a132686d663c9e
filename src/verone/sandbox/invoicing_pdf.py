"""PDF documents of invoices, quotes and credit notes, and their delayed availability.

A finalized document's PDF exists only once ``config.pdf_delay_seconds`` of sandbox time has
passed; it is then rendered and stored as an attachment the first time the document is read.
"""

from __future__ import annotations

from datetime import datetime

from verone.qonto.types.client_invoices import ClientInvoice
from verone.qonto.types.credit_notes import CreditNote
from verone.qonto.types.documents import OrganizationSnapshot
from verone.qonto.types.quotes import Quote
from verone.sandbox.invoicing_records import CreditNoteRecord, InvoiceRecord, QuoteRecord
from verone.sandbox.invoicing_wire import (
    credit_note_wire,
    invoice_wire,
    organization_wire,
    quote_wire,
)
from verone.sandbox.pdf import render_credit_note_pdf, render_invoice_pdf, render_quote_pdf
from verone.sandbox.state import SandboxState

Document = InvoiceRecord | QuoteRecord | CreditNoteRecord


def _title(document: Document) -> str:
    if isinstance(document, QuoteRecord):
        return "devis"
    if isinstance(document, CreditNoteRecord):
        return "avoir"
    return "facture"


def document_pdf(state: SandboxState, document: Document) -> bytes:
    """The document's PDF, rendered from its wire form (Factur-X once finalized)."""
    if isinstance(document, InvoiceRecord):
        return render_invoice_pdf(ClientInvoice.model_validate(invoice_wire(state, document)))
    if isinstance(document, QuoteRecord):
        return render_quote_pdf(Quote.model_validate(quote_wire(state, document)))
    organization = OrganizationSnapshot.model_validate(organization_wire(state))
    note = CreditNote.model_validate(credit_note_wire(state, document))
    return render_credit_note_pdf(note, organization)


def ensure_pdf(state: SandboxState, document: Document) -> None:
    """Create the attachment once the PDF is ready; drafts never have one."""
    if document.attachment_id is not None or document.pdf_ready_at is None:
        return
    now: datetime = state.clock.now()
    if now < document.pdf_ready_at:
        return
    content = document_pdf(state, document)
    name = f"{_title(document)}-{document.number or document.id}.pdf"
    document.attachment_id = state.attachments.add(content, name, "application/pdf")
