"""PDF documents of invoices, quotes and credit notes, and their delayed availability.

A finalized document's PDF exists only once ``config.pdf_delay_seconds`` of sandbox time has
passed; it is then rendered and stored as an attachment the first time the document is read.
"""

from __future__ import annotations

from datetime import datetime

from verone.sandbox.invoicing.pdf import (
    render_credit_note_pdf,
    render_invoice_pdf,
    render_quote_pdf,
)
from verone.sandbox.invoicing.records import CreditNoteRecord, InvoiceRecord, QuoteRecord
from verone.sandbox.invoicing.wire import (
    credit_note_wire,
    invoice_wire,
    organization_snapshot,
    quote_wire,
)
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
        return render_invoice_pdf(invoice_wire(state, document))
    if isinstance(document, QuoteRecord):
        return render_quote_pdf(quote_wire(state, document))
    note = credit_note_wire(state, document)
    return render_credit_note_pdf(note, organization_snapshot(state))


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
