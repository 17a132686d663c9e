"""The JSON API's wire shapes: camelCase on the wire, snake_case in Python (pydantic aliases).

Amounts and rates are decimal strings (``"1234.50"``, ``"0.2"``), dates ISO; request bodies
forbid unknown fields, so ``{"autoFinalize": true}`` is a 422 rather than silently ignored.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from verone.backoffice.domain.confirmation import CONFIRMATION_TOKEN_PATTERN
from verone.backoffice.domain.statuses import (
    DocumentOrigin,
    DocumentStatus,
    DocumentType,
    InvoicingStatus,
    OrderStatus,
)
from verone.money import DiscountKind, quantize
from verone.qonto import QONTO_ID_PATTERN

T = TypeVar("T")

DECIMAL_PATTERN = r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$"
MAX_DECIMAL_PLACES = 6
MAX_INTEGER_DIGITS = 12
#: Dates the back office accepts on input: billing dates, far from ``date.min``/``date.max``.
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2099, 12, 31)
_DECIMAL_TEXT = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,6})?")
#: C0 and C1 control characters (NUL included) and the Unicode separators that break lines;
#: multi-line texts keep tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _parse_decimal(value: object) -> Decimal:
    """A decimal of at most 12 integer digits and 6 decimal places, from a string or an int.

    The text is matched before ``Decimal`` sees it, so exponents (``"1e-400"``), 5 000-digit
    numbers and non-ASCII digits are refused without any arithmetic on them.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise ValueError('a decimal string is expected, e.g. "1234.50"')
    text = value.strip() if isinstance(value, str) else str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("a finite decimal is expected")
        text = f"{value:f}"
    if len(text) > 40 or not _DECIMAL_TEXT.fullmatch(text):
        raise ValueError(
            f"a decimal of at most {MAX_INTEGER_DIGITS} digits before the point and "
            f'{MAX_DECIMAL_PLACES} after is expected, e.g. "1234.50"'
        )
    return Decimal(text)


def _plain_text(value: str) -> str:
    if _CONTROL_OR_NEWLINE.search(value):
        raise ValueError("control characters (NUL, line breaks, …) are not allowed here")
    return value


def _no_control(value: object) -> object:
    """Every string of a request body, also inside lists: tab and line breaks only."""
    if isinstance(value, str):
        if _CONTROL.search(value):
            raise ValueError("control characters (NUL, …) are not allowed")
    elif isinstance(value, list | tuple | set | frozenset):
        for element in value:
            _no_control(element)
    return value


def _bounded_date(value: date) -> date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"a date between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}")
    return value


def _money_text(value: Decimal) -> str:
    return f"{quantize(value):f}"


def _exact_text(value: Decimal) -> str:
    normalized = value.normalize()
    return f"{normalized:f}" if normalized == normalized.to_integral() else str(normalized)


_DECIMAL_SCHEMA = WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN})

#: An input decimal (string or integer on the wire; never a float).
DecimalIn = Annotated[Decimal, BeforeValidator(_parse_decimal), _DECIMAL_SCHEMA]
#: Money out: always two decimals, as a string.
Amount = Annotated[
    Decimal,
    PlainSerializer(_money_text, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN}, mode="serialization"),
]
#: A quantity or a rate out: exact, as a string (``"0.2"``, ``"3"``).
Exact = Annotated[
    Decimal,
    PlainSerializer(_exact_text, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN}, mode="serialization"),
]
#: One line of text: no control character, no line break.
SingleLine = Annotated[str, AfterValidator(_plain_text)]
Text = Annotated[SingleLine, Field(min_length=1, max_length=500)]
LongText = Annotated[str, Field(max_length=5000)]
Email = Annotated[
    SingleLine, Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
]
#: A date on input, between 2000-01-01 and 2099-12-31.
DateIn = Annotated[date, AfterValidator(_bounded_date)]
#: A Qonto resource id as it may appear in a Qonto path (UUIDs and the like, never ``..``).
QontoId = Annotated[str, Field(min_length=1, max_length=100, pattern=QONTO_ID_PATTERN)]
#: The customer's purchase-order reference, printed on the invoice ("" clears it on a patch).
PurchaseOrder = Annotated[SingleLine, Field(max_length=120)]


class ApiModel(BaseModel):
    """Responses: camelCase aliases, built from Python names."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class RequestModel(ApiModel):
    """Request bodies: unknown fields are an error, and no string carries a control
    character (NUL, escape, …) whatever its declared type."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_control_characters(cls, value: object) -> object:
        return _no_control(value)


class ListEnvelope(ApiModel, Generic[T]):
    """Every list answers ``{"items", "total", "page", "perPage"}``."""

    items: list[T]
    total: int
    page: int
    per_page: int


# ---------------------------------------------------------------------- documents


class DocumentItemOut(ApiModel):
    id: uuid.UUID
    title: str
    description: str | None
    unit: str | None
    quantity: Exact
    unit_price: Amount
    vat_rate: Exact
    discount_kind: DiscountKind | None
    discount_value: Exact | None
    subtotal: Amount
    vat: Amount
    total: Amount
    sales_order_item_id: uuid.UUID | None
    product_id: uuid.UUID | None


class DocumentSummary(ApiModel):
    id: uuid.UUID
    qonto_id: str | None
    document_type: DocumentType
    status: DocumentStatus
    origin: DocumentOrigin
    number: str | None
    customer_id: uuid.UUID | None
    customer_name: str
    currency: str
    total_ht: Amount
    total_vat: Amount
    total_amount: Amount
    amount_paid: Amount
    issue_date: date | None
    due_date: date | None
    expiry_date: date | None
    sales_order_id: uuid.UUID | None
    parent_document_id: uuid.UUID | None
    pdf_available: bool
    overdue: bool
    created_by: uuid.UUID
    created_at: datetime
    finalized_by: uuid.UUID | None
    finalized_at: datetime | None
    paid_at: datetime | None


class DocumentOut(DocumentSummary):
    notes: str | None
    purchase_order: str | None = None
    discount_kind: DiscountKind | None = None  # the document discount, spread over the lines
    discount_value: Exact | None = None
    items: list[DocumentItemOut]


class DocumentEnvelope(ApiModel):
    document: DocumentOut


class CreatedDocument(ApiModel):
    local_document_id: uuid.UUID
    document: DocumentOut


class FinalizePreview(ApiModel):
    confirmation_token: str
    content_hash: str
    document: DocumentOut


class ItemIn(RequestModel):
    title: Text
    quantity: DecimalIn
    unit_price: DecimalIn
    vat_rate: DecimalIn
    unit: Annotated[str, Field(max_length=50)] | None = None
    description: LongText | None = None
    discount_kind: DiscountKind | None = None
    discount_value: DecimalIn | None = None


class OrderLineIn(RequestModel):
    """Part of an order line to invoice (partial invoicing)."""

    sales_order_item_id: uuid.UUID
    quantity: DecimalIn


class InvoiceFromOrderIn(RequestModel):
    sales_order_id: uuid.UUID
    issue_date: DateIn | None = None
    lines: list[OrderLineIn] | None = Field(default=None, min_length=1, max_length=500)
    notes: LongText | None = None
    purchase_order: PurchaseOrder | None = None


class ServiceInvoiceIn(RequestModel):
    customer_id: uuid.UUID
    items: list[ItemIn] = Field(min_length=1, max_length=500)
    issue_date: DateIn | None = None
    due_date: DateIn | None = None
    notes: LongText | None = None
    purchase_order: PurchaseOrder | None = None


class InvoicePatchIn(RequestModel):
    """Edit a draft: ``items`` replace the whole list; totals are recomputed."""

    items: list[ItemIn] | None = Field(default=None, min_length=1, max_length=500)
    issue_date: DateIn | None = None
    due_date: DateIn | None = None
    notes: LongText | None = None
    purchase_order: PurchaseOrder | None = None


class QuoteFromOrderIn(RequestModel):
    sales_order_id: uuid.UUID
    expiry_days: int = Field(default=30, ge=1, le=365)


class ServiceQuoteIn(RequestModel):
    customer_id: uuid.UUID
    items: list[ItemIn] = Field(min_length=1, max_length=500)
    expiry_date: DateIn | None = None


class QuotePatchIn(RequestModel):
    """Edit a local quote draft: ``items`` replace the whole list."""

    items: list[ItemIn] | None = Field(default=None, min_length=1, max_length=500)
    issue_date: DateIn | None = None
    notes: LongText | None = None


class QuoteView(ApiModel):
    """A quote and the customer's public page (approve / decline), once issued."""

    document: DocumentOut
    public_url: str | None


class CreditNotePatchIn(RequestModel):
    items: list[ItemIn] | None = Field(default=None, min_length=1, max_length=500)
    reason: Text | None = None


class CreditNoteIn(RequestModel):
    """Without ``items`` the invoice's lines and document discount are copied; given
    ``items`` carry the document discount given here (none when absent)."""

    invoice_id: uuid.UUID
    reason: Text
    items: list[ItemIn] | None = Field(default=None, min_length=1, max_length=500)
    discount_kind: DiscountKind | None = None
    discount_value: DecimalIn | None = None


class FinalizedOut(ApiModel):
    document: DocumentOut
    pdf_stored: bool


class FinalizeIn(RequestModel):
    confirmation_token: Annotated[
        str, Field(min_length=1, max_length=200, pattern=CONFIRMATION_TOKEN_PATTERN)
    ]


class MarkPaidIn(RequestModel):
    paid_at: DateIn | None = None


class SendIn(RequestModel):
    recipients: list[Email] | None = Field(default=None, min_length=1, max_length=20)


class SentOut(ApiModel):
    document_id: uuid.UUID
    recipients: list[str]
    channel: str  # "qonto" or "email_outbox" (credit notes, by the back office's mailer)


class ReconcileIn(RequestModel):
    """Allocate ``amount`` of a mirrored bank transaction to the invoice."""

    transaction_id: uuid.UUID
    amount: DecimalIn


class SplitPartIn(RequestModel):
    """One invoice of a split and the amount of the transfer it receives (more than 0)."""

    invoice_id: uuid.UUID
    amount: Annotated[DecimalIn, Field(gt=0)]


def _distinct_invoices(parts: list[SplitPartIn]) -> list[SplitPartIn]:
    seen: set[uuid.UUID] = set()
    for part in parts:
        if part.invoice_id in seen:
            raise PydanticCustomError(
                "duplicate_invoice",
                "Une facture ne peut figurer qu'une fois dans la répartition ({invoice_id}).",
                {"invoice_id": str(part.invoice_id)},
            )
        seen.add(part.invoice_id)
    return parts


class SplitIn(RequestModel):
    """One transfer split across invoices: at least one part, each invoice once."""

    parts: Annotated[
        list[SplitPartIn], Field(min_length=1, max_length=100), AfterValidator(_distinct_invoices)
    ]


class RejectionIn(RequestModel):
    """A (bank transaction, invoice) pair: the suggestion to reject, or to restore."""

    transaction_id: uuid.UUID
    invoice_id: uuid.UUID


class CancelledOut(ApiModel):
    document: DocumentOut
    credit_note_recommended: bool
    advice: str


class DeletedOut(ApiModel):
    id: uuid.UUID
    deleted: Literal[True] = True


# ---------------------------------------------------------------------- orders, parties


class OrderSummary(ApiModel):
    id: uuid.UUID
    number: str
    customer_id: uuid.UUID
    customer_name: str
    status: OrderStatus
    order_date: date
    currency: str
    total_amount: Amount
    invoicing_status: InvoicingStatus


class OrderItemOut(ApiModel):
    id: uuid.UUID
    title: str
    description: str | None
    unit: str | None
    product_id: uuid.UUID | None
    quantity: Exact
    unit_price: Amount
    vat_rate: Exact
    discount_kind: DiscountKind | None
    discount_value: Exact | None


class OrderOut(OrderSummary):
    shipping_cost: Amount
    shipping_vat_rate: Exact
    discount_kind: DiscountKind | None
    discount_value: Exact | None
    payment_terms_days: int
    notes: str | None
    total_ht: Amount
    total_vat: Amount
    items: list[OrderItemOut]


class AddressOut(ApiModel):
    street: str
    postal_code: str
    city: str
    country: str


class CustomerOut(ApiModel):
    id: uuid.UUID
    kind: str
    display_name: str
    company_name: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    vat_number: str | None
    siren: str | None
    siret: str | None
    billing_address: AddressOut | None
    delivery_address: AddressOut | None
    currency: str
    locale: str
    qonto_client_id: str | None
    missing_for_invoicing: list[str]


class ProductOut(ApiModel):
    id: uuid.UUID
    sku: str
    name: str
    unit_price: Amount
    vat_rate: Exact
    currency: str
    unit: str | None
    description: str | None
    active: bool
