"""Client-invoice use cases of the simulated Qonto: create, update, finalize, pay, cancel, send.

Each function takes ``state`` and a parsed body, applies ``rules`` and mutates the store.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from verone.qonto.types.documents import DiscountParams, InvoiceItemParams
from verone.sandbox.errors import QontoHTTPError, refused
from verone.sandbox.invoicing.numbering import Series, number_taken
from verone.sandbox.invoicing.params import InvoiceIn, InvoicePatch, SendIn
from verone.sandbox.invoicing.records import (
    ClientRecord,
    DiscountRecord,
    EmailRecord,
    InvoiceRecord,
    ItemRecord,
    Record,
)
from verone.sandbox.invoicing.rules import (
    INVALID_TRANSITION,
    InvoiceAction,
    InvoiceStatus,
    check_currency,
    check_due_date,
    check_iban,
    check_items,
    e_invoicing_reachable,
    invoice_transition,
    quote_rate,
)
from verone.sandbox.state import SandboxState
from verone.sandbox.wire import attributes

INVOICE_EVENT = "v1/client-invoices"


def new_token() -> str:
    """An unguessable token for a public page."""
    return secrets.token_urlsafe(24)


def discount_from(
    body: DiscountParams | None, *, percent_scale: bool = False
) -> DiscountRecord | None:
    if body is None:
        return None
    kind = "absolute" if body.type == "absolute" else "percentage"
    value = quote_rate(body.value) if percent_scale and kind == "percentage" else body.value
    return DiscountRecord(type=kind, value=value)


def items_from(
    bodies: Sequence[InvoiceItemParams], currency: str, *, percent_scale: bool = False
) -> list[ItemRecord]:
    """Stored items; ``percent_scale`` (quotes) reads rates above 1 as percentages."""
    return [
        ItemRecord(
            **attributes(b, "title description quantity unit vat_exemption_reason"),
            unit_price=b.unit_price.value,
            currency=b.unit_price.currency or currency,
            vat_rate=quote_rate(b.vat_rate) if percent_scale else b.vat_rate,
            discount=discount_from(b.discount, percent_scale=percent_scale),
        )
        for b in bodies
    ]


def checked_items(
    bodies: Sequence[InvoiceItemParams],
    currency: str,
    *,
    required: bool,
    percent_scale: bool = False,
) -> list[ItemRecord]:
    """``items_from``, refused unless ``check_items`` accepts them."""
    items = items_from(bodies, currency, percent_scale=percent_scale)
    check_items(items, required=required)
    return items


def new_document_for(state: SandboxState, client: ClientRecord) -> dict[str, Any]:
    """The first fields of a new invoice or quote: a fresh id and a copy of its client."""
    return {"id": state.new_id(), "client_id": client.id, "client": snapshot_client(client)}


DOCUMENT_TEXTS = "header footer terms_and_conditions contact_email"
"""The free texts every document takes as they are sent."""


def copy_sent(record: Record, body: BaseModel, names: str) -> None:
    """Each of the space-separated ``names`` that the (partial) ``body`` sent, set on ``record``."""
    for name in names.split():
        if name in body.model_fields_set:
            setattr(record, name, getattr(body, name))


def snapshot_client(client: ClientRecord) -> ClientRecord:
    return client.model_copy(deep=True)


def _check_custom_number(state: SandboxState, number: str, except_id: str | None = None) -> None:
    store = state.invoicing
    if store.numbering.is_used(Series.INVOICE, number) or store.draft_number_taken(
        number, except_id=except_id
    ):
        raise number_taken(Series.INVOICE, number)


_PERFORMANCE = "performance_date performance_start_date performance_end_date"


def create_invoice(state: SandboxState, body: InvoiceIn) -> InvoiceRecord:
    """A new draft (or, with ``status: unpaid``, an invoice finalized at once)."""
    store = state.invoicing
    client = store.client(body.client_id)
    check_currency(body.currency, client.currency)
    check_due_date(body.issue_date, body.due_date)
    iban = check_iban(
        body.payment_methods.iban if body.payment_methods else None,
        state.banking.organization_ibans(),
    )
    items = checked_items(body.items or [], body.currency, required=body.status == "unpaid")
    if body.number:
        _check_custom_number(state, body.number)
    quote = store.quote(body.quote_id) if body.quote_id else None
    now = state.clock.now()
    invoice = InvoiceRecord(
        **new_document_for(state, client),
        status=InvoiceStatus.DRAFT,
        **attributes(body, f"number issue_date due_date currency {DOCUMENT_TEXTS}"),
        **attributes(body, f"purchase_order quote_id upload_id {_PERFORMANCE}"),
        custom_number=body.number is not None,
        iban=iban,
        items=items,
        discount=discount_from(body.discount),
        token=new_token(),
        created_at=now,
        updated_at=now,
    )
    if body.upload_id:
        store.upload(body.upload_id)
    store.invoices[invoice.id] = invoice
    if quote is not None:
        quote.invoice_ids = [*quote.invoice_ids, invoice.id]
    if body.status == "unpaid":
        finalize_invoice(state, invoice)
    return invoice


def update_invoice(state: SandboxState, invoice: InvoiceRecord, body: InvoicePatch) -> None:
    """Partial update of a draft; ``items`` replaces the list."""
    invoice_transition(invoice.status, InvoiceAction.UPDATE)
    store = state.invoicing
    sent = body.model_fields_set
    if "client_id" in sent and body.client_id:
        invoice.client = snapshot_client(store.client(body.client_id))
        invoice.client_id = invoice.client.id
    currency = body.currency or invoice.currency
    if "currency" in sent or "client_id" in sent:
        check_currency(currency, invoice.client.currency)
        invoice.currency = currency
    issue = body.issue_date or invoice.issue_date
    due = body.due_date or invoice.due_date
    check_due_date(issue, due)
    invoice.issue_date, invoice.due_date = issue, due
    if "payment_methods" in sent:
        iban = body.payment_methods.iban if body.payment_methods else None
        invoice.iban = check_iban(iban, state.banking.organization_ibans())
    if "items" in sent:
        invoice.items = checked_items(body.items or [], invoice.currency, required=False)
    if "number" in sent and body.number:
        _check_custom_number(state, body.number, except_id=invoice.id)
        invoice.number, invoice.custom_number = body.number, True
    if "discount" in sent:
        invoice.discount = discount_from(body.discount)
    copy_sent(invoice, body, f"{_PERFORMANCE} purchase_order {DOCUMENT_TEXTS}")
    invoice.updated_at = state.clock.now()


def delete_invoice(state: SandboxState, invoice: InvoiceRecord) -> None:
    invoice_transition(invoice.status, InvoiceAction.DELETE)
    store = state.invoicing
    del store.invoices[invoice.id]
    if invoice.quote_id and invoice.quote_id in store.quotes:
        quote = store.quotes[invoice.quote_id]
        quote.invoice_ids = [i for i in quote.invoice_ids if i != invoice.id]


def finalize_invoice(state: SandboxState, invoice: InvoiceRecord) -> None:
    """Draft → unpaid: the number is burned and the PDF scheduled after the configured delay."""
    invoice_transition(invoice.status, InvoiceAction.FINALIZE)
    check_items(invoice.items, required=True)
    numbering = state.invoicing.numbering
    custom = invoice.number if invoice.custom_number else None
    invoice.number = numbering.issue(Series.INVOICE, custom, invoice.issue_date.year)
    now = state.clock.now()
    invoice.status = InvoiceStatus.UNPAID
    invoice.finalized_at = now
    invoice.updated_at = now
    invoice.attachment_id = None
    invoice.pdf_ready_at = now + timedelta(seconds=state.config.pdf_delay_seconds)


def mark_as_paid(state: SandboxState, invoice: InvoiceRecord, paid_at: date | None) -> None:
    """``unpaid``/``paid`` → ``paid``; ``paid_at`` defaults to today and cannot be in the future."""
    after = invoice_transition(invoice.status, InvoiceAction.MARK_AS_PAID)
    now = state.clock.now()
    day = paid_at or now.date()
    if day > now.date():
        raise refused("paid_at", "paid_at cannot be in the future")
    invoice.status = after
    invoice.paid_at = datetime.combine(day, now.timetz()) if paid_at else now
    invoice.updated_at = now


def unmark_as_paid(state: SandboxState, invoice: InvoiceRecord) -> None:
    invoice.status = invoice_transition(invoice.status, InvoiceAction.UNMARK_AS_PAID)
    invoice.paid_at = None
    invoice.amount_paid = Decimal(0)
    invoice.updated_at = state.clock.now()


def mark_as_canceled(state: SandboxState, invoice: InvoiceRecord) -> None:
    invoice.status = invoice_transition(invoice.status, InvoiceAction.MARK_AS_CANCELED)
    now = state.clock.now()
    invoice.canceled_at = now
    invoice.updated_at = now


def pay_online(state: SandboxState, invoice: InvoiceRecord, total: Decimal) -> str:
    """The public page's "pay": an incoming transfer on the account, then the invoice is paid."""
    after = invoice_transition(invoice.status, InvoiceAction.PAY)
    transaction_id = state.banking.book_incoming_transfer(
        total, invoice.number or invoice.id, invoice.client.display_name(), now_ms=state.now_ms()
    )
    now = state.clock.now()
    invoice.status = after
    invoice.paid_at = now
    invoice.amount_paid = total
    invoice.updated_at = now
    return transaction_id


def record_email(
    state: SandboxState, body: SendIn, *, document_id: str, document_type: str, number: str | None
) -> None:
    email = EmailRecord(
        to=body.send_to,
        copy_to_self=body.copy_to_self,
        subject=body.email_title,
        body=body.email_body,
        document_id=document_id,
        document_type=document_type,
        document_number=number,
        sent_at=state.clock.now(),
    )
    state.invoicing.emails.append(email.model_dump(mode="json"))


def send_invoice(state: SandboxState, invoice: InvoiceRecord, body: SendIn) -> None:
    invoice_transition(invoice.status, InvoiceAction.SEND)
    record_email(
        state, body, document_id=invoice.id, document_type="client_invoice", number=invoice.number
    )


EINVOICE_SUBMITTED = "submitted"


def send_by_einvoice(state: SandboxState, invoice: InvoiceRecord) -> None:
    """Accept a finalized invoice for the e-invoicing network: ``einvoicing_status`` becomes
    ``submitted``; the invoice's own status is unchanged."""
    invoice_transition(invoice.status, InvoiceAction.SEND_BY_EINVOICE)
    if invoice.einvoicing_status is not None:
        raise QontoHTTPError(
            422,
            INVALID_TRANSITION,
            f"The invoice was already sent by e-invoice (e-invoicing status is "
            f"{invoice.einvoicing_status})",
        )
    if not e_invoicing_reachable(invoice.client):
        raise QontoHTTPError(
            422,
            "client_not_reachable",
            "The client is not reachable on the e-invoicing network",
        )
    invoice.einvoicing_status = EINVOICE_SUBMITTED
    invoice.updated_at = state.clock.now()
