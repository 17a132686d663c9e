"""Clients (customers) of the organization: response model and create/update params."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from verone.qonto.types._base import OrOther, ParamsModel, Timestamp, WireModel
from verone.qonto.types.pagination import PaginationMeta


class ClientKind(StrEnum):
    INDIVIDUAL = "individual"
    COMPANY = "company"
    FREELANCER = "freelancer"


ClientKindValue = OrOther[ClientKind]


class Address(WireModel):
    """A postal address (``billing_address``, ``delivery_address``); country code upper-case."""

    street_address: str | None = None
    city: str | None = None
    zip_code: str | None = None
    province_code: str | None = None
    country_code: str | None = None


class Phone(WireModel):
    country_code: str | None = None
    number: str | None = None


class Client(WireModel):
    """A client as Qonto returns it (``{"client": {...}}``)."""

    id: str
    kind: ClientKindValue | None = None
    type: ClientKindValue | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    extra_emails: list[str] | None = None
    phone_number: str | None = None
    phone: Phone | None = None
    vat_number: str | None = None
    tax_identification_number: str | None = None
    e_invoicing_address: str | None = None
    e_invoicing_reachable: bool | None = None
    address: str | None = None
    city: str | None = None
    zip_code: str | None = None
    province_code: str | None = None
    country_code: str | None = None
    billing_address: Address | None = None
    delivery_address: Address | None = None
    recipient_code: str | None = None
    currency: str | None = None
    locale: str | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None


class ClientEnvelope(WireModel):
    client: Client


class ClientList(WireModel):
    clients: list[Client]
    meta: PaginationMeta | None = None


class AddressParams(ParamsModel):
    """An address in a request (Qonto's limits: street 250, city 50, zip 20 characters)."""

    street_address: str | None = Field(default=None, max_length=250)
    city: str | None = Field(default=None, max_length=50)
    zip_code: str | None = Field(default=None, max_length=20)
    province_code: str | None = None
    country_code: str | None = None


class PhoneParams(ParamsModel):
    country_code: str | None = None
    number: str | None = None


class ClientUpdateParams(ParamsModel):
    """``PATCH /v2/clients/{id}``: only the fields set are sent."""

    kind: ClientKind | None = None
    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    extra_emails: list[str] | None = None
    phone: PhoneParams | None = None
    e_invoicing_address: str | None = None
    vat_number: str | None = None
    tax_identification_number: str | None = None
    billing_address: AddressParams | None = None
    delivery_address: AddressParams | None = None
    recipient_code: str | None = None
    currency: str | None = None
    locale: str | None = None


class ClientCreateParams(ClientUpdateParams):
    """``POST /v2/clients`` (flat body); ``kind`` is required."""

    kind: ClientKind
