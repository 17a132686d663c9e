"""The « Tableau de bord » figures: balances, receivables and their ageing, the money paid in
this month and over 12 months, and what needs attention (syncs, unsettled Qonto writes).

Ageing buckets count days past the due date; an invoice not yet due is in the first bucket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from verone.backoffice.domain.banking import BankAccount
from verone.backoffice.ports import Clock, UnitOfWork
from verone.backoffice.services.queries import OperationsStatus, operations_status
from verone.money import ZERO

AGEING_BUCKETS = ("0\u201330 j", "31\u201360 j", "61\u201390 j", "> 90 j")  # en dashes
MONTHS = 12


@dataclass(frozen=True, slots=True)
class Dashboard:
    accounts: Sequence[BankAccount]
    unpaid: Decimal
    overdue: Decimal
    paid_this_month: Decimal
    ageing: Sequence[tuple[str, Decimal]]
    cash_in: Sequence[tuple[date, Decimal]]  # first day of each month, oldest first
    operations: OperationsStatus


def _bucket(days_late: int) -> int:
    if days_late <= 30:
        return 0
    if days_late <= 60:
        return 1
    if days_late <= 90:
        return 2
    return 3


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _at(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def dashboard(uow: UnitOfWork, clock: Clock) -> Dashboard:
    today = clock.today()
    this_month = _month_start(today)
    first_month = _month_start(today, MONTHS - 1)
    with uow:
        accounts = uow.bank_accounts.list()
        receivables = uow.documents.receivables_by_due_date()
        paid = uow.documents.paid_between(_at(this_month), _at(_month_start(today, -1)))
        credits = uow.bank_transactions.credits_since(_at(first_month))
    ageing = [ZERO] * len(AGEING_BUCKETS)
    overdue = ZERO
    for due, amount in receivables:
        late = (today - due).days if due is not None else 0
        ageing[_bucket(late)] += amount
        if late > 0:
            overdue += amount
    months = [_month_start(today, back) for back in range(MONTHS - 1, -1, -1)]
    cash = dict.fromkeys(months, ZERO)
    for when, amount in credits:
        key = _month_start(when.date())
        if key in cash:
            cash[key] += amount
    return Dashboard(
        accounts=accounts,
        unpaid=sum((amount for _, amount in receivables), ZERO),
        overdue=overdue,
        paid_this_month=paid,
        ageing=list(zip(AGEING_BUCKETS, ageing, strict=True)),
        cash_in=list(cash.items()),
        operations=operations_status(uow),
    )
