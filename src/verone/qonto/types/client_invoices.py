"""Client invoices: response model, create/update params (always drafts), status actions."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from verone.qonto.types._base import (
    Amount,
    DecimalString,
    OrOther,
    ParamsModel,
    Timestamp,
    WireModel,
)
from verone.qonto.types.documents import (
    ClientSnapshot,
    DiscountDetails,
    DiscountParams,
    DocumentSettingsParams,
    InvoiceItem,
    InvoiceItemParams,
    OrganizationSnapshot,
)
from verone.qonto.types.pagination import PaginationMeta


class InvoiceStatus(StrEnum):
    DRAFT = "draft"
    UNPAID = "unpaid"
    PAID = "paid"
    CANCELED = "canceled"


class InvoiceType(StrEnum):
    STANDARD = "standard"
    DEPOSIT = "deposit"
    BALANCE = "balance"


class EInvoicingStatus(StrEnum):
    PENDING = "pending"
    SUBMITTED = "submitted"
    DECLINED = "declined"
    APPROVED = "approved"
    NOT_DELIVERED = "not_delivered"
    SUBMISSION_FAILED = "submission_failed"


InvoiceStatusValue = OrOther[InvoiceStatus]
InvoiceTypeValue = OrOther[InvoiceType]
EInvoicingStatusValue = OrOther[EInvoicingStatus]

DRAFT_STATUS: Literal["draft"] = "draft"
FINALIZED_STATUSES = frozenset({InvoiceStatus.UNPAID, InvoiceStatus.PAID, InvoiceStatus.CANCELED})


class PaymentMethod(WireModel):
    """How the client pays (a response lists them; a request gives one IBAN)."""

    type: str | None = None
    iban: str | None = None
    bic: str | None = None
    beneficiary_name: str | None = None


class EInvoicingLifecycleEvent(WireModel):
    status_code: int | None = None
    reason: str | None = None
    reason_message: str | None = None
    timestamp: Timestamp | None = None


class ClientInvoice(WireModel):
    """A client invoice as Qonto returns it (``{"client_invoice": {...}}``)."""

    id: str
    organization_id: str | None = None
    number: str | None = None
    invoice_number: str | None = None
    purchase_order: str | None = None
    status: InvoiceStatusValue
    invoice_type: InvoiceTypeValue | None = None
    quote_id: str | None = None
    invoice_url: str | None = None
    attachment_id: str | None = None
    contact_email: str | None = None
    terms_and_conditions: str | None = None
    header: str | None = None
    footer: str | None = None
    discount_conditions: str | None = None
    late_payment_penalties: str | None = None
    legal_fixed_compensation: str | None = None
    currency: str | None = None
    total_amount: Amount | None = None
    total_amount_cents: int | None = None
    vat_amount: Amount | None = None
    vat_amount_cents: int | None = None
    amount_paid: Amount | None = None
    discount: DiscountDetails | None = None
    issue_date: date | None = None
    due_date: date | None = None
    performance_date: date | None = None
    performance_start_date: date | None = None
    performance_end_date: date | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    finalized_at: Timestamp | None = None
    paid_at: Timestamp | None = None
    stamp_duty_amount: DecimalString | None = None
    items: list[InvoiceItem] | None = None
    client: ClientSnapshot | None = None
    payment_methods: list[PaymentMethod] | None = None
    credit_notes_ids: list[str] | None = None
    organization: OrganizationSnapshot | None = None
    einvoicing_status: EInvoicingStatusValue | None = None
    einvoicing_lifecycle_events: list[EInvoicingLifecycleEvent] | None = None

    @property
    def is_finalized(self) -> bool:
        """True once the invoice left the draft state (it has a number and may have Factur-X)."""
        return self.status in FINALIZED_STATUSES


class ClientInvoiceEnvelope(WireModel):
    client_invoice: ClientInvoice


class ClientInvoiceList(WireModel):
    client_invoices: list[ClientInvoice]
    meta: PaginationMeta | None = None


class PaymentMethodsParams(ParamsModel):
    """The IBAN the client pays to: one of the organization's Qonto accounts."""

    iban: str


class _InvoiceBasics(ParamsModel):
    """The first fields of an invoice's body: client, dates, currency, payment, lines, number."""

    client_id: str | None = None
    issue_date: date | None = None
    due_date: date | None = None
    currency: str | None = None
    payment_methods: PaymentMethodsParams | None = None
    items: list[InvoiceItemParams] | None = None
    number: str | None = None


class _InvoiceSources(ParamsModel):
    """What a new invoice may come from: a quote, an uploaded file (create only)."""

    quote_id: str | None = None
    upload_id: str | None = None


class _InvoiceTerms(ParamsModel):
    """The last fields of an invoice's body: performance period, texts, discount, settings."""

    performance_date: date | None = None
    performance_start_date: date | None = None
    performance_end_date: date | None = None
    purchase_order: str | None = None
    terms_and_conditions: str | None = Field(default=None, max_length=525)
    header: str | None = None
    footer: str | None = None
    discount: DiscountParams | None = None
    settings: DocumentSettingsParams | None = None


# The bodies below are made of the blocks above. pydantic orders fields from the last base to
# the first, so each body lists its blocks in reverse: the JSON keeps Qonto's order.


class ClientInvoiceCreateFields(_InvoiceTerms, _InvoiceSources, _InvoiceBasics):
    """The fields of ``POST /v2/client_invoices`` without ``status`` (flat body)."""

    client_id: str
    issue_date: date
    due_date: date
    currency: str
    payment_methods: PaymentMethodsParams
    items: list[InvoiceItemParams]


class ClientInvoiceCreateParams(ClientInvoiceCreateFields):
    """Create an invoice: always a draft. ``status`` can only be ``"draft"`` and is always sent,
    whatever the dump options (``exclude_unset``, ``exclude_none``, ``exclude``).

    Finalizing is a separate, explicit call (``POST …/finalize``); nothing here can say
    "finalized". (A simulator that must also accept Qonto's ``"unpaid"`` builds its own model
    on ``ClientInvoiceCreateFields``.)
    """

    status: Literal["draft"] = DRAFT_STATUS

    @model_serializer(mode="wrap")
    def _always_send_draft(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        data: dict[str, object] = handler(self)
        data["status"] = DRAFT_STATUS
        return data


class ClientInvoiceUpdateParams(_InvoiceTerms, _InvoiceBasics):
    """``PATCH /v2/client_invoices/{id}`` (drafts only): only the fields set are sent."""


class MarkAsPaidParams(ParamsModel):
    """``POST …/mark_as_paid``: the payment date (Qonto defaults to today)."""

    paid_at: date | None = None


class ClientInvoiceUpload(WireModel):
    """An external file uploaded for later use as ``upload_id``."""

    id: str
    organization_id: str | None = None
    filename: str | None = None
    content_type: str | None = None
    file_size: int | None = None
    url: str | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None


class ClientInvoiceUploadEnvelope(WireModel):
    client_invoice_upload: ClientInvoiceUpload
