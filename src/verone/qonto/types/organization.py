"""The organization and its bank accounts (banking domain: JSON numbers in major units)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from verone.qonto.types._base import DecimalNumber, OrOther, Timestamp, WireModel
from verone.qonto.types.clients import Address
from verone.qonto.types.pagination import PaginationMeta


class BankAccountStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


BankAccountStatusValue = OrOther[BankAccountStatus]


class BankAccount(WireModel):
    """A Qonto account; balances are numbers in major units plus ``*_cents`` twins."""

    id: str
    slug: str | None = None
    name: str | None = None
    iban: str | None = None
    bic: str | None = None
    currency: str | None = None
    balance: DecimalNumber | None = None
    balance_cents: int | None = None
    authorized_balance: DecimalNumber | None = None
    authorized_balance_cents: int | None = None
    status: BankAccountStatusValue | None = None
    main: bool | None = None
    organization_id: str | None = None
    is_external_account: bool | None = None
    account_number: str | None = None
    updated_at: Timestamp | None = None


class Organization(WireModel):
    """``GET /v2/organization``: legal identity and bank accounts."""

    id: str
    name: str | None = None
    slug: str | None = None
    legal_name: str | None = None
    locale: str | None = None
    legal_share_capital: DecimalNumber | None = None
    legal_country: str | None = None
    legal_registration_date: date | None = None
    legal_form: str | None = None
    legal_address: str | None = None
    address: Address | None = None
    legal_sector: str | None = None
    legal_number: str | None = None
    contract_signed_at: Timestamp | None = None
    bank_accounts: list[BankAccount] | None = None


class OrganizationEnvelope(WireModel):
    organization: Organization


class BankAccountEnvelope(WireModel):
    bank_account: BankAccount


class BankAccountList(WireModel):
    bank_accounts: list[BankAccount]
    meta: PaginationMeta | None = None
