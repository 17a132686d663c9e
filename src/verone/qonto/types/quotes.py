"""Quotes: response model and create/update params (approval happens on ``quote_url``)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

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


class QuoteStatus(StrEnum):
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    CANCELED = "canceled"


QuoteStatusValue = OrOther[QuoteStatus]


class Quote(WireModel):
    """A quote as Qonto returns it (``{"quote": {...}}``)."""

    id: str
    organization_id: str | None = None
    number: str | None = None
    status: QuoteStatusValue | None = None
    quote_url: str | None = None
    attachment_id: str | None = None
    contact_email: str | None = None
    terms_and_conditions: str | None = None
    header: str | None = None
    footer: str | None = None
    currency: str | None = None
    discount: DiscountDetails | None = None
    total_amount: Amount | None = None
    total_amount_cents: int | None = None
    vat_amount: Amount | None = None
    vat_amount_cents: int | None = None
    issue_date: date | None = None
    expiry_date: date | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    approved_at: Timestamp | None = None
    canceled_at: Timestamp | None = None
    stamp_duty_amount: DecimalString | None = None
    items: list[InvoiceItem] | None = None
    client: ClientSnapshot | None = None
    invoice_ids: list[str] | None = None
    organization: OrganizationSnapshot | None = None


class QuoteEnvelope(WireModel):
    quote: Quote


class QuoteList(WireModel):
    quotes: list[Quote]
    meta: PaginationMeta | None = None


class QuoteItemParams(InvoiceItemParams):
    """A quote line: an invoice line that may also name its currency."""

    currency: str | None = None


class QuoteUpdateParams(ParamsModel):
    """``PATCH /v2/quotes/{id}``: only the fields set are sent; ``items`` replaces all lines."""

    client_id: str | None = None
    issue_date: date | None = None
    expiry_date: date | None = None
    terms_and_conditions: str | None = Field(default=None, max_length=3000)
    currency: str | None = None
    items: list[QuoteItemParams] | None = None
    number: str | None = Field(default=None, max_length=40)
    header: str | None = Field(default=None, max_length=1000)
    footer: str | None = Field(default=None, max_length=1000)
    discount: DiscountParams | None = None
    upload_id: str | None = None
    settings: DocumentSettingsParams | None = None


class QuoteCreateParams(QuoteUpdateParams):
    """``POST /v2/quotes`` (flat body)."""

    client_id: str
    issue_date: date
    expiry_date: date
    terms_and_conditions: str = Field(max_length=3000)
    currency: str
    items: list[QuoteItemParams]
