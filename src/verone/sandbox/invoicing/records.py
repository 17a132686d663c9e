"""Stored records of the invoicing side (clients, invoices, quotes, credit notes, uploads).

Plain pydantic models: ``model_dump(mode="json")`` is the snapshot, ``model_validate`` restores.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    """Base of every stored record: mutable, validated on assignment, strict about fields."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Identified(Record):
    """A record stored under its ``id``."""

    id: str


class AddressRecord(Record):
    street_address: str | None = None
    city: str | None = None
    zip_code: str | None = None
    province_code: str | None = None
    country_code: str | None = None


class PhoneRecord(Record):
    country_code: str | None = None
    number: str | None = None


class ClientRecord(Identified):
    kind: str
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    extra_emails: list[str] = Field(default_factory=list)
    phone: PhoneRecord | None = None
    vat_number: str | None = None
    tax_identification_number: str | None = None
    e_invoicing_address: str | None = None
    recipient_code: str | None = None
    billing_address: AddressRecord | None = None
    delivery_address: AddressRecord | None = None
    currency: str | None = None
    locale: str | None = None
    created_at: datetime
    updated_at: datetime

    def display_name(self) -> str:
        if self.kind == "company" and self.name:
            return self.name
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        return full or (self.name or "")


class DiscountRecord(Record):
    type: str
    value: Decimal


class ItemRecord(Record):
    title: str
    description: str | None = None
    quantity: Decimal
    unit: str | None = None
    unit_price: Decimal
    currency: str
    vat_rate: Decimal
    vat_exemption_reason: str | None = None
    discount: DiscountRecord | None = None


class DocumentRecord(Identified):
    """What an invoice, a quote and a credit note all hold: the client as it was when the
    document was written, its lines and texts, and its PDF."""

    client: ClientRecord
    issue_date: date
    currency: str
    items: list[ItemRecord] = Field(default_factory=list)
    discount: DiscountRecord | None = None
    header: str | None = None
    footer: str | None = None
    terms_and_conditions: str | None = None
    contact_email: str | None = None
    created_at: datetime
    pdf_ready_at: datetime | None = None
    attachment_id: str | None = None


class InvoiceRecord(DocumentRecord):
    client_id: str
    status: str
    number: str | None = None
    custom_number: bool = False
    due_date: date
    iban: str
    purchase_order: str | None = None
    performance_date: date | None = None
    performance_start_date: date | None = None
    performance_end_date: date | None = None
    quote_id: str | None = None
    upload_id: str | None = None
    imported: bool = False
    token: str
    updated_at: datetime
    finalized_at: datetime | None = None
    paid_at: datetime | None = None
    amount_paid: Decimal = Decimal(0)
    canceled_at: datetime | None = None
    credit_note_ids: list[str] = Field(default_factory=list)
    einvoicing_status: str | None = None


class QuoteRecord(DocumentRecord):
    client_id: str
    status: str
    number: str
    expiry_date: date
    upload_id: str | None = None
    token: str
    updated_at: datetime
    approved_at: datetime | None = None
    canceled_at: datetime | None = None
    sent_at: datetime | None = None
    invoice_ids: list[str] = Field(default_factory=list)


class CreditNoteRecord(DocumentRecord):
    invoice_id: str
    invoice_number: str | None = None
    invoice_issue_date: date
    invoice_token: str
    number: str
    reason: str
    finalized_at: datetime


class UploadRecord(Identified):
    filename: str
    content_type: str
    file_size: int
    attachment_id: str
    created_at: datetime
    updated_at: datetime


class EmailRecord(Record):
    to: list[str]
    copy_to_self: bool
    subject: str
    body: str | None = None
    document_id: str
    document_type: str
    document_number: str | None = None
    sent_at: datetime
