"""Bank accounts and transactions mirrored from Qonto, and payments allocated to invoices."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import FinancialDocument
from verone.money import ZERO


@dataclass(eq=False)
class BankAccount:
    qonto_id: str
    name: str
    iban: str
    currency: str
    balance: Decimal
    updated_at: datetime
    id: uuid.UUID = field(default_factory=uuid.uuid4)


class TransactionSide(StrEnum):
    CREDIT = "credit"
    DEBIT = "debit"


@dataclass(eq=False)
class BankTransaction:
    qonto_id: str
    bank_account_id: uuid.UUID
    amount: Decimal  # always positive; ``side`` says which way
    currency: str
    side: TransactionSide
    label: str
    status: str
    emitted_at: datetime
    updated_at: datetime
    settled_at: datetime | None = None
    reference: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)


@dataclass(eq=False)
class PaymentAllocation:
    """Part of a bank transaction matched to an invoice, by a user or automatically."""

    transaction_id: uuid.UUID
    document_id: uuid.UUID
    amount: Decimal
    currency: str
    created_at: datetime
    allocated_by: uuid.UUID | None = None  # None: automatic
    score: int | None = None
    reasons: str | None = None
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def automatic(self) -> bool:
        return self.allocated_by is None


def check_allocation(
    invoice: FinancialDocument, already_allocated: Decimal, amount: Decimal, currency: str
) -> None:
    """An allocation is positive, in the invoice's currency, within what remains due."""
    if currency != invoice.currency:
        raise errors.CurrencyMismatch()
    if amount <= ZERO or already_allocated + amount > invoice.total_amount:
        raise errors.PaymentExceedsInvoice()
