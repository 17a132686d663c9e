"""Credit notes: final at creation, always linked to an invoice."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from verone.qonto.types._base import Amount, DecimalString, ParamsModel, Timestamp, WireModel
from verone.qonto.types.client_invoices import EInvoicingStatusValue
from verone.qonto.types.documents import (
    ClientSnapshot,
    DiscountDetails,
    DiscountParams,
    InvoiceItem,
    InvoiceItemParams,
)
from verone.qonto.types.pagination import PaginationMeta


class CreditNote(WireModel):
    """A credit note as Qonto returns it (``{"credit_note": {...}}``); it has no status."""

    id: str
    invoice_id: str | None = None
    attachment_id: str | None = None
    number: str | None = None
    reason: str | None = None
    issue_date: date | None = None
    invoice_issue_date: date | None = None
    terms_and_conditions: str | None = None
    header: str | None = None
    footer: str | None = None
    currency: str | None = None
    discount: DiscountDetails | None = None
    vat_amount: Amount | None = None
    vat_amount_cents: int | None = None
    total_amount: Amount | None = None
    total_amount_cents: int | None = None
    created_at: Timestamp | None = None
    finalized_at: Timestamp | None = None
    contact_email: str | None = None
    invoice_url: str | None = None
    einvoicing_status: EInvoicingStatusValue | None = None
    stamp_duty_amount: DecimalString | None = None
    items: list[InvoiceItem] | None = None
    client: ClientSnapshot | None = None


class CreditNoteEnvelope(WireModel):
    credit_note: CreditNote


class CreditNoteList(WireModel):
    credit_notes: list[CreditNote]
    meta: PaginationMeta | None = None


class CreditNoteCreateParams(ParamsModel):
    """``POST /v2/credit_notes``: quantities positive, VAT rates fractions."""

    invoice_id: str
    issue_date: date
    reason: str = Field(max_length=500)
    currency: str
    items: list[InvoiceItemParams]
    number: str | None = None
    terms_and_conditions: str | None = None
    contact_email: str | None = None
    discount: DiscountParams | None = None
