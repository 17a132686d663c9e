"""Bank accounts and transactions mirrored from Qonto, and payments allocated to invoices."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

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
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    settled_balance: Decimal | None = None  # Qonto's running balance after this movement
    attachment_ids: str | None = None  # Qonto attachment ids, space-separated
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def attachments(self) -> tuple[str, ...]:
        return tuple(self.attachment_ids.split()) if self.attachment_ids else ()


class TransactionSnapshot(NamedTuple):
    """Qonto's copy of a transaction as the bulk upsert writes it: a plain row (no ORM
    entity on the ingest path), amounts in integer cents as stored, fields in column order."""

    qonto_id: str
    bank_account_id: uuid.UUID
    amount_cents: int  # always positive; ``side`` says which way
    currency: str
    side: TransactionSide
    label: str
    status: str
    emitted_at: datetime
    updated_at: datetime
    settled_at: datetime | None
    reference: str | None
    counterparty_name: str | None
    counterparty_iban: str | None
    settled_balance_cents: int | None
    attachment_ids: str | None


@dataclass(frozen=True, slots=True)
class SettledLink:
    """One settled movement as the continuity check reads it (cents, signed by side)."""

    qonto_id: str
    settled_at: datetime
    signed_cents: int
    balance_cents: int | None


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


@dataclass(frozen=True, slots=True)
class ContinuityBreak:
    """Where the running balance does not follow: ``expected`` (cents) vs what Qonto says."""

    qonto_id: str
    expected_cents: int
    actual_cents: int | None


@dataclass(frozen=True, slots=True)
class ContinuityReport:
    checked: int
    closing_cents: int | None
    breaks: tuple[ContinuityBreak, ...]

    @property
    def ok(self) -> bool:
        return not self.breaks


def check_continuity(links: Iterable[SettledLink], opening_cents: int | None) -> ContinuityReport:
    """Completeness proof: each settled balance is the previous one plus the signed amount.

    ``links`` come in settlement order; movements settled at the same instant are chained in
    whichever order makes the balances follow. A missing movement shows as a break, after
    which the chain resumes from the balance Qonto gives.
    """
    running = opening_cents
    checked, breaks = 0, []
    group: list[SettledLink] = []

    def drain(group: list[SettledLink]) -> None:
        nonlocal running, checked
        remaining = list(group)
        while remaining:
            pick = next(
                (
                    link
                    for link in remaining
                    if running is None or running + link.signed_cents == link.balance_cents
                ),
                remaining[0],
            )
            remaining.remove(pick)
            checked += 1
            if running is not None and running + pick.signed_cents != pick.balance_cents:
                breaks.append(
                    ContinuityBreak(pick.qonto_id, running + pick.signed_cents, pick.balance_cents)
                )
            running = pick.balance_cents if pick.balance_cents is not None else None

    for link in links:
        if group and link.settled_at != group[0].settled_at:
            drain(group)
            group = []
        group.append(link)
    drain(group)
    return ContinuityReport(checked, running, tuple(breaks))
