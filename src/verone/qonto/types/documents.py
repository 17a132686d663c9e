"""Pieces shared by invoices, quotes and credit notes: items, discounts, snapshots, send."""

from __future__ import annotations

from pydantic import Field

from verone.money import DiscountKind
from verone.qonto.types._base import (
    Amount,
    AmountParam,
    DecimalString,
    OrOther,
    ParamsModel,
    WireModel,
)
from verone.qonto.types.clients import Address, ClientKindValue

DiscountKindValue = OrOther[DiscountKind]


class DiscountDetails(WireModel):
    """A discount as returned: percentage ``value`` is a fraction (``"0.1"`` = 10 %)."""

    type: DiscountKindValue | None = None
    value: DecimalString | None = None
    amount: Amount | None = None
    amount_cents: int | None = None


class InvoiceItem(WireModel):
    """A line of an invoice, quote or credit note, with its computed totals."""

    title: str | None = None
    description: str | None = None
    quantity: DecimalString | None = None
    unit: str | None = None
    unit_price: Amount | None = None
    unit_price_cents: int | None = None
    vat_rate: DecimalString | None = None
    vat_exemption_reason: str | None = None
    discount: DiscountDetails | None = None
    subtotal: Amount | None = None
    subtotal_cents: int | None = None
    total_vat: Amount | None = None
    total_vat_cents: int | None = None
    total_amount: Amount | None = None
    total_amount_cents: int | None = None


class ClientSnapshot(WireModel):
    """The client as embedded in a document (flat ``country_code`` lower-case)."""

    id: str | None = None
    type: ClientKindValue | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    vat_number: str | None = None
    tax_identification_number: str | None = None
    address: str | None = None
    city: str | None = None
    zip_code: str | None = None
    province_code: str | None = None
    country_code: str | None = None
    recipient_code: str | None = None
    locale: str | None = None
    billing_address: Address | None = None
    delivery_address: Address | None = None

    def display_name(self) -> str:
        """The company name, or first and last name of a person."""
        if self.name:
            return self.name
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class OrganizationSnapshot(WireModel):
    """The issuing organization as embedded in a document (legal mentions)."""

    id: str | None = None
    legal_name: str | None = None
    legal_number: str | None = None
    legal_country: str | None = None
    address_line_1: str | None = None
    address_line_2: str | None = None
    address_zipcode: str | None = None
    address_city: str | None = None
    address_country: str | None = None
    company_leadership: str | None = None
    district_court: str | None = None
    commercial_register_number: str | None = None
    vat_number: str | None = None
    tax_number: str | None = None
    legal_capital_share: Amount | None = None
    transaction_type: str | None = None
    vat_payment_condition: str | None = None


class DiscountParams(ParamsModel):
    """A discount in a request: ``percentage`` value is a fraction, ``absolute`` an amount."""

    type: DiscountKind
    value: DecimalString


class InvoiceItemParams(ParamsModel):
    """A line in a request: quantity and VAT rate (a fraction) are decimal strings."""

    title: str = Field(max_length=40)
    description: str | None = Field(default=None, max_length=1800)
    quantity: DecimalString
    unit: str | None = Field(default=None, max_length=20)
    unit_price: AmountParam
    vat_rate: DecimalString
    vat_exemption_reason: str | None = None
    discount: DiscountParams | None = None


class DocumentSettingsParams(ParamsModel):
    """Per-document override of the organization's legal mentions."""

    vat_number: str | None = None
    company_leadership: str | None = None
    district_court: str | None = None
    commercial_register_number: str | None = None
    tax_number: str | None = None
    legal_capital_share: AmountParam | None = None
    transaction_type: str | None = None
    vat_payment_condition: str | None = None
    discount_conditions: str | None = None
    late_payment_penalties: str | None = None
    legal_fixed_compensation: str | None = None


class SendParams(ParamsModel):
    """``POST …/send`` of an invoice or a quote: the e-mail to send."""

    send_to: list[str] = Field(min_length=1)
    email_title: str
    email_body: str | None = None
    copy_to_self: bool = True
