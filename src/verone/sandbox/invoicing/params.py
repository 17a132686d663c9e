"""Request bodies of the invoicing endpoints: the client's ``*Params`` models, widened where the
real Qonto accepts more than our client sends (``status: unpaid``, legacy client fields, unknown
top-level fields ignored). ``prepare_*`` functions normalise raw JSON before validation.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from verone.qonto.types.client_invoices import (
    ClientInvoiceCreateFields,
    ClientInvoiceUpdateParams,
    MarkAsPaidParams,
)
from verone.qonto.types.clients import ClientCreateParams, ClientUpdateParams
from verone.qonto.types.credit_notes import CreditNoteCreateParams
from verone.qonto.types.documents import SendParams
from verone.qonto.types.quotes import QuoteCreateParams, QuoteUpdateParams
from verone.sandbox.errors import refused

LENIENT = ConfigDict(extra="ignore", populate_by_name=True)
JSON = dict[str, object]


class ClientIn(ClientCreateParams):
    """Create body; ``currency`` is required (422 on ``/data/attributes/currency``)."""

    model_config = LENIENT

    currency: str = Field(min_length=3, max_length=3)
    address: str | None = None
    city: str | None = None
    zip_code: str | None = None
    province_code: str | None = None
    country_code: str | None = None


class ClientPatch(ClientUpdateParams):
    """Partial update: only the fields sent change."""

    model_config = LENIENT


class InvoiceIn(ClientInvoiceCreateFields):
    """``POST /v2/client_invoices``; ``status: unpaid`` finalizes at once (Qonto allows it)."""

    model_config = LENIENT

    status: Literal["draft", "unpaid"] = "draft"
    number: str | None = Field(default=None, min_length=1, max_length=40)
    contact_email: str | None = None


class InvoicePatch(ClientInvoiceUpdateParams):
    model_config = LENIENT

    number: str | None = Field(default=None, min_length=1, max_length=40)
    contact_email: str | None = None


class MarkAsPaidIn(MarkAsPaidParams):
    model_config = LENIENT


class SendIn(SendParams):
    model_config = LENIENT

    email_title: str = Field(min_length=1)


class QuoteIn(QuoteCreateParams):
    model_config = LENIENT

    terms_and_conditions: str = Field(min_length=1, max_length=3000)
    contact_email: str | None = None


class QuotePatch(QuoteUpdateParams):
    model_config = LENIENT

    contact_email: str | None = None


class CreditNoteIn(CreditNoteCreateParams):
    model_config = LENIENT

    reason: str = Field(min_length=1, max_length=500)
    header: str | None = None
    footer: str | None = None


def _discount_alias(discount: object) -> None:
    """Quotes: Qonto's ``amount`` discount type is our ``absolute``."""
    if isinstance(discount, dict) and discount.get("type") == "amount":
        discount["type"] = "absolute"


def prepare_quote(data: JSON) -> JSON:
    _discount_alias(data.get("discount"))
    items = data.get("items")
    if isinstance(items, list):
        for entry in items:
            if isinstance(entry, dict):
                _discount_alias(entry.get("discount"))
    return data


def _require_iban(data: JSON) -> None:
    methods = data.get("payment_methods")
    if not isinstance(methods, dict) or not methods.get("iban"):
        raise refused("payment_methods/iban", "IBAN is empty", "invalid_iban")


def prepare_invoice(data: JSON) -> JSON:
    """An invoice needs an IBAN ("IBAN is empty"); a draft may be created without items."""
    _require_iban(data)
    data.setdefault("items", [])
    return data


def prepare_invoice_patch(data: JSON) -> JSON:
    if "payment_methods" in data:
        _require_iban(data)
    return data


def prepare_client(data: JSON) -> JSON:
    """``type`` is the legacy name of ``kind`` (``kind`` wins)."""
    if "kind" not in data and "type" in data:
        data["kind"] = data["type"]
    return data
