"""Customers (companies or individuals) and the product catalogue."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from verone.backoffice.domain import errors
from verone.money import to_decimal


class CustomerKind(StrEnum):
    COMPANY = "company"
    INDIVIDUAL = "individual"


@dataclass(frozen=True, slots=True)
class Address:
    street: str
    postal_code: str
    city: str
    country: str = "FR"


@dataclass(eq=False, kw_only=True)
class CustomerFields:
    """What the back office writes of a customer (created and changed together; the names an
    update may change): its kind, names, contacts, identifiers, billing address and terms."""

    kind: CustomerKind
    company_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    vat_number: str | None = None
    siren: str | None = None
    siret: str | None = None
    billing_street: str | None = None
    billing_postal_code: str | None = None
    billing_city: str | None = None
    billing_country: str | None = None
    currency: str = "EUR"
    locale: str = "fr"


@dataclass(eq=False, kw_only=True)
class Customer(CustomerFields):
    created_at: datetime
    delivery_street: str | None = None
    delivery_postal_code: str | None = None
    delivery_city: str | None = None
    delivery_country: str | None = None
    qonto_client_id: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        if self.kind is CustomerKind.COMPANY and not (self.company_name or "").strip():
            raise errors.InvalidDocument("Une société a une raison sociale.")
        if self.kind is CustomerKind.INDIVIDUAL and not (self.last_name or "").strip():
            raise errors.InvalidDocument("Un particulier a un nom.")

    @property
    def display_name(self) -> str:
        if self.kind is CustomerKind.COMPANY:
            return self.company_name or ""
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def billing_address(self) -> Address | None:
        return _address(
            self.billing_street, self.billing_postal_code, self.billing_city, self.billing_country
        )

    @property
    def delivery_address(self) -> Address | None:
        return (
            _address(
                self.delivery_street,
                self.delivery_postal_code,
                self.delivery_city,
                self.delivery_country,
            )
            or self.billing_address
        )

    def set_billing_address(self, address: Address) -> None:
        self.billing_street, self.billing_postal_code = address.street, address.postal_code
        self.billing_city, self.billing_country = address.city, address.country

    def missing_for_invoicing(self) -> list[str]:
        """French labels of what Qonto needs and this customer lacks (empty when complete)."""
        missing = []
        if self.billing_address is None:
            missing.append("adresse de facturation")
        if not self.email:
            missing.append("e-mail")
        if self.kind is CustomerKind.COMPANY and not (self.vat_number or self.siren):
            missing.append("numéro de TVA ou SIREN")
        return missing


def _address(
    street: str | None, postal_code: str | None, city: str | None, country: str | None
) -> Address | None:
    if not (street and postal_code and city and country):
        return None
    return Address(street, postal_code, city, country)


@dataclass(eq=False)
class Product:
    sku: str
    name: str
    unit_price: Decimal
    vat_rate: Decimal
    created_at: datetime
    currency: str = "EUR"
    unit: str | None = None
    description: str | None = None
    active: bool = True
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def __post_init__(self) -> None:
        self.unit_price = to_decimal(self.unit_price)
        self.vat_rate = to_decimal(self.vat_rate)
        if not self.sku.strip() or not self.name.strip():
            raise errors.InvalidDocument("Un produit a une référence et un nom.")
        if self.unit_price < 0:
            raise errors.InvalidDocument("Le prix unitaire d'un produit ne peut pas être négatif.")
        if self.vat_rate < 0 or self.vat_rate > 1:
            raise errors.InvalidDocument("Le taux de TVA est une fraction entre 0 et 1.")
