"""Bank transactions (banking domain: JSON numbers in major units plus ``*_cents``)."""

from __future__ import annotations

from enum import StrEnum

from verone.qonto.types._base import DecimalNumber, OrOther, ParamsModel, Timestamp, WireModel
from verone.qonto.types.attachments import Attachment
from verone.qonto.types.pagination import PaginationMeta


class TransactionStatus(StrEnum):
    PENDING = "pending"
    DECLINED = "declined"
    COMPLETED = "completed"


class TransactionSide(StrEnum):
    CREDIT = "credit"
    DEBIT = "debit"


TransactionStatusValue = OrOther[TransactionStatus]
TransactionSideValue = OrOther[TransactionSide]


class TransferDetails(WireModel):
    """The counterparty of a transfer."""

    counterparty_account_number: str | None = None
    counterparty_account_number_format: str | None = None
    counterparty_bank_identifier: str | None = None
    counterparty_bank_identifier_format: str | None = None


class CashflowCategory(WireModel):
    name: str | None = None


class TransactionLabel(WireModel):
    id: str
    name: str | None = None
    parent_id: str | None = None


class Transaction(WireModel):
    """One movement on a bank account, as listed by ``GET /v2/transactions``."""

    id: str
    transaction_id: str | None = None
    bank_account_id: str | None = None
    amount: DecimalNumber | None = None
    amount_cents: int | None = None
    settled_balance: DecimalNumber | None = None
    settled_balance_cents: int | None = None
    local_amount: DecimalNumber | None = None
    local_amount_cents: int | None = None
    side: TransactionSideValue | None = None
    operation_type: str | None = None
    currency: str | None = None
    local_currency: str | None = None
    label: str | None = None
    clean_counterparty_name: str | None = None
    reference: str | None = None
    note: str | None = None
    status: TransactionStatusValue | None = None
    settled_at: Timestamp | None = None
    emitted_at: Timestamp | None = None
    created_at: Timestamp | None = None
    updated_at: Timestamp | None = None
    vat_amount: DecimalNumber | None = None
    vat_amount_cents: int | None = None
    vat_rate: DecimalNumber | None = None
    initiator_id: str | None = None
    card_last_digits: str | None = None
    category: str | None = None
    cashflow_category: CashflowCategory | None = None
    cashflow_subcategory: CashflowCategory | None = None
    subject_type: str | None = None
    is_external_transaction: bool | None = None
    attachment_ids: list[str] | None = None
    attachment_lost: bool | None = None
    attachment_required: bool | None = None
    label_ids: list[str] | None = None
    labels: list[TransactionLabel] | None = None
    attachments: list[Attachment] | None = None
    transfer: TransferDetails | None = None


class TransactionEnvelope(WireModel):
    transaction: Transaction


class TransactionList(WireModel):
    transactions: list[Transaction]
    meta: PaginationMeta | None = None


class TransactionUpdateParams(ParamsModel):
    """``PATCH /v2/transactions/{id}``."""

    attachment_required: bool | None = None
