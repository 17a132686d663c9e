"""Request shapes for writing customers and products (camelCase like ``schemas``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from verone.backoffice.api.schemas import DecimalIn, Email, LongText, RequestModel, Text
from verone.backoffice.domain.parties import CustomerKind

Short = Annotated[str, Field(min_length=1, max_length=200)]
Code = Annotated[str, Field(min_length=1, max_length=64)]
Phone = Annotated[str, Field(max_length=40)]
ShortCode = Annotated[str, Field(max_length=20)]
Siren = Annotated[str, Field(pattern=r"^[0-9]{9}$")]
Siret = Annotated[str, Field(pattern=r"^[0-9]{14}$")]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Locale = Annotated[str, Field(pattern=r"^[a-z]{2}$")]


class _CustomerFields(RequestModel):
    """What a customer's request may carry; every field optional (a change)."""

    kind: CustomerKind | None = None
    company_name: Short | None = None
    first_name: Short | None = None
    last_name: Short | None = None
    email: Email | None = None
    phone: Phone | None = None
    vat_number: ShortCode | None = None
    siren: Siren | None = None
    siret: Siret | None = None
    billing_street: Short | None = None
    billing_postal_code: ShortCode | None = None
    billing_city: Short | None = None
    billing_country: Country | None = None
    currency: Currency | None = None
    locale: Locale | None = None


class CustomerIn(_CustomerFields):
    kind: CustomerKind
    currency: Currency = "EUR"
    locale: Locale = "fr"


class CustomerPatchIn(_CustomerFields):
    """A partial change of a customer: only the fields sent change; ``null`` clears one."""

    def changes(self) -> dict[str, object]:
        """The fields sent, by their ``CustomerFields`` names."""
        return self.model_dump(exclude_unset=True)


#: The fields of the web form (``parties/_customer_form.html``): an emptied one is cleared.
CUSTOMER_FORM_FIELDS = (
    "kind",
    "company_name",
    "first_name",
    "last_name",
    "email",
    "vat_number",
    "siren",
    "billing_street",
    "billing_postal_code",
    "billing_city",
    "billing_country",
)


class ProductIn(RequestModel):
    sku: Code
    name: Text
    unit_price: DecimalIn
    vat_rate: DecimalIn
    unit: Annotated[str, Field(max_length=32)] | None = None
    description: LongText | None = None
    currency: Currency = "EUR"


class ProductPatchIn(RequestModel):
    name: Text | None = None
    unit_price: DecimalIn | None = None
    vat_rate: DecimalIn | None = None
    unit: Annotated[str, Field(max_length=32)] | None = None
    description: LongText | None = None
    active: bool | None = None
