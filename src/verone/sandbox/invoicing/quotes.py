"""Quote use cases: create (numbered ``D-2026-001`` at once), update, delete, send, decide.

Quote VAT rates and percentage discounts accept fractions; values above 1 are percentages.
"""

from __future__ import annotations

from datetime import timedelta

from verone.sandbox.errors import QontoHTTPError, refused
from verone.sandbox.invoicing.invoices import (
    DOCUMENT_TEXTS,
    checked_items,
    copy_sent,
    discount_from,
    new_document_for,
    new_token,
    record_email,
    snapshot_client,
)
from verone.sandbox.invoicing.numbering import Series
from verone.sandbox.invoicing.params import QuoteIn, QuotePatch, SendIn
from verone.sandbox.invoicing.records import QuoteRecord
from verone.sandbox.invoicing.rules import (
    INVALID_TRANSITION,
    QuoteStatus,
    check_currency,
    quote_decision,
)
from verone.sandbox.state import SandboxState
from verone.sandbox.wire import attributes


def create_quote(state: SandboxState, body: QuoteIn) -> QuoteRecord:
    store = state.invoicing
    client = store.client(body.client_id)
    check_currency(body.currency, client.currency)
    if client.kind == "company" and not client.tax_identification_number:
        raise refused("client_id", "`tin_number` must have a value")
    if body.expiry_date < body.issue_date:
        _refuse_expiry()
    items = checked_items(body.items, body.currency, required=True, percent_scale=True)
    number = store.numbering.issue(Series.QUOTE, body.number, body.issue_date.year)
    if body.upload_id:
        store.upload(body.upload_id)
    now = state.clock.now()
    quote = QuoteRecord(
        **new_document_for(state, client),
        status=QuoteStatus.PENDING_APPROVAL,
        **attributes(body, f"issue_date expiry_date currency upload_id {DOCUMENT_TEXTS}"),
        number=number,
        items=items,
        discount=discount_from(body.discount, percent_scale=True),
        token=new_token(),
        created_at=now,
        updated_at=now,
        pdf_ready_at=now + timedelta(seconds=state.config.pdf_delay_seconds),
    )
    store.quotes[quote.id] = quote
    return quote


def _pdf_ready(state: SandboxState, quote: QuoteRecord) -> bool:
    ready = quote.pdf_ready_at
    return quote.attachment_id is not None or (ready is not None and state.clock.now() >= ready)


def _refuse_expiry() -> None:
    raise refused("expiry_date", "expiry_date must be on or after issue_date")


def _require_pending(quote: QuoteRecord, what: str) -> None:
    if quote.status != QuoteStatus.PENDING_APPROVAL:
        raise QontoHTTPError(
            422,
            INVALID_TRANSITION,
            f"Only pending quotes can be {what} (quote is {quote.status})",
        )


PDF_PRECONDITION = "quote_pdf_precondition"


def update_quote(state: SandboxState, quote: QuoteRecord, body: QuotePatch) -> None:
    """Partial update of a pending quote; ``items`` replaces the whole list.

    With the ``quote_pdf_precondition`` switch on, a quote whose PDF is not generated yet
    answers 412 ``quote_has_no_attachment``, as Qonto's sandbox does under load.
    """
    _require_pending(quote, "updated")
    if state.feature_enabled(PDF_PRECONDITION) and not _pdf_ready(state, quote):
        raise QontoHTTPError(
            412, "quote_has_no_attachment", "The quote has no attachment yet: retry later"
        )
    sent = body.model_fields_set
    if "client_id" in sent and body.client_id:
        quote.client = snapshot_client(state.invoicing.client(body.client_id))
        quote.client_id = quote.client.id
    if "currency" in sent or "client_id" in sent:
        currency = body.currency or quote.currency
        check_currency(currency, quote.client.currency)
        quote.currency = currency
    issue = body.issue_date or quote.issue_date
    expiry = body.expiry_date or quote.expiry_date
    if expiry < issue:
        _refuse_expiry()
    quote.issue_date, quote.expiry_date = issue, expiry
    if "items" in sent and body.items is not None:
        quote.items = checked_items(body.items, quote.currency, required=True, percent_scale=True)
    if "discount" in sent:
        quote.discount = discount_from(body.discount, percent_scale=True)
    copy_sent(quote, body, DOCUMENT_TEXTS)
    now = state.clock.now()
    quote.updated_at = now
    quote.attachment_id = None
    quote.pdf_ready_at = now + timedelta(seconds=state.config.pdf_delay_seconds)


def delete_quote(state: SandboxState, quote: QuoteRecord) -> None:
    """Deleting is refused once the quote was sent or decided."""
    if quote.sent_at is not None:
        raise QontoHTTPError(422, INVALID_TRANSITION, "A quote that was sent cannot be deleted")
    _require_pending(quote, "deleted")
    del state.invoicing.quotes[quote.id]


def send_quote(state: SandboxState, quote: QuoteRecord, body: SendIn) -> None:
    if quote.status == QuoteStatus.CANCELED:
        raise QontoHTTPError(422, INVALID_TRANSITION, "A canceled quote cannot be sent")
    record_email(state, body, document_id=quote.id, document_type="quote", number=quote.number)
    quote.sent_at = state.clock.now()


def decide_quote(state: SandboxState, quote: QuoteRecord, decision: str) -> None:
    """The client's answer on the public page: ``approve`` or ``decline``."""
    quote.status = quote_decision(quote.status, decision)
    now = state.clock.now()
    if quote.status == QuoteStatus.APPROVED:
        quote.approved_at = now
    else:
        quote.canceled_at = now
    quote.updated_at = now
