"""Credit-note use cases: issue a credit note on an invoice, final and numbered at creation.

Cumulative credit notes never exceed the invoice total; reaching it cancels the invoice.
"""

from __future__ import annotations

from datetime import timedelta

from verone.sandbox.errors import refused
from verone.sandbox.invoicing.invoices import (
    DOCUMENT_TEXTS,
    checked_items,
    discount_from,
    snapshot_client,
)
from verone.sandbox.invoicing.numbering import Series
from verone.sandbox.invoicing.params import CreditNoteIn
from verone.sandbox.invoicing.records import CreditNoteRecord
from verone.sandbox.invoicing.rules import (
    InvoiceAction,
    InvoiceStatus,
    check_credit_cap,
    invoice_transition,
    totals,
)
from verone.sandbox.state import SandboxState
from verone.sandbox.wire import attributes


def create_credit_note(state: SandboxState, body: CreditNoteIn) -> CreditNoteRecord:
    store = state.invoicing
    invoice = store.invoice(body.invoice_id)
    invoice_transition(invoice.status, InvoiceAction.CREDIT)
    if body.currency != invoice.currency:
        raise refused("currency", f"currency must be the invoice's currency ({invoice.currency})")
    items = checked_items(body.items, body.currency, required=True)
    discount = discount_from(body.discount)
    new_total = totals(items, discount).total
    invoice_total = totals(invoice.items, invoice.discount).total
    credited = [
        totals(store.credit_notes[i].items, store.credit_notes[i].discount).total
        for i in invoice.credit_note_ids
        if i in store.credit_notes
    ]
    fully_credited = check_credit_cap(invoice_total, credited, new_total)
    number = store.numbering.issue(Series.CREDIT_NOTE, body.number, body.issue_date.year)
    now = state.clock.now()
    note = CreditNoteRecord(
        id=state.new_id(),
        invoice_id=invoice.id,
        invoice_number=invoice.number,
        invoice_issue_date=invoice.issue_date,
        invoice_token=invoice.token,
        client=snapshot_client(invoice.client),
        **attributes(body, f"issue_date reason currency {DOCUMENT_TEXTS}"),
        number=number,
        items=items,
        discount=discount,
        created_at=now,
        finalized_at=now,
        pdf_ready_at=now + timedelta(seconds=state.config.pdf_delay_seconds),
    )
    store.credit_notes[note.id] = note
    invoice.credit_note_ids = [*invoice.credit_note_ids, note.id]
    invoice.updated_at = now
    if fully_credited:
        invoice.status = InvoiceStatus.CANCELED
        invoice.canceled_at = now
    return note
