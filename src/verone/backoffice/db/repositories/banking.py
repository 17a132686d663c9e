"""Bank accounts and transactions (upserted by Qonto id) and payment allocations."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import BigInteger, ColumnElement, func, select
from sqlalchemy.orm import Session

from verone.backoffice.db.tables_ops import bank_accounts, bank_transactions, payment_allocations
from verone.backoffice.domain.banking import (
    BankAccount,
    BankTransaction,
    PaymentAllocation,
    TransactionSide,
)
from verone.backoffice.domain.queries import Page, PageRequest
from verone.money import ZERO, from_cents

_TXN_FIELDS = ("amount", "currency", "side", "label", "status", "settled_at", "reference")


class BankAccountRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def by_qonto_id(self, qonto_id: str) -> BankAccount | None:
        query = select(BankAccount).where(bank_accounts.c.qonto_id == qonto_id)
        return self._session.scalars(query).first()

    def upsert(self, account: BankAccount) -> BankAccount:
        """Insert, or refresh the stored account with the same Qonto id; returns the stored one."""
        stored = self.by_qonto_id(account.qonto_id)
        if stored is None:
            self._session.add(account)
            return account
        stored.name, stored.iban, stored.currency = account.name, account.iban, account.currency
        stored.balance, stored.updated_at = account.balance, account.updated_at
        return stored

    def list(self) -> list[BankAccount]:
        return list(self._session.scalars(select(BankAccount).order_by(bank_accounts.c.name)))


class BankTransactionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, transaction_id: uuid.UUID) -> BankTransaction | None:
        return self._session.get(BankTransaction, transaction_id)

    def by_qonto_id(self, qonto_id: str) -> BankTransaction | None:
        query = select(BankTransaction).where(bank_transactions.c.qonto_id == qonto_id)
        return self._session.scalars(query).first()

    def upsert(self, transaction: BankTransaction) -> BankTransaction:
        """Insert, or update when Qonto's copy is newer; returns the stored transaction."""
        stored = self.by_qonto_id(transaction.qonto_id)
        if stored is None:
            self._session.add(transaction)
            return transaction
        if transaction.updated_at >= stored.updated_at:
            for name in _TXN_FIELDS:
                setattr(stored, name, getattr(transaction, name))
            stored.updated_at = transaction.updated_at
        return stored

    def list(
        self, page: PageRequest, bank_account_id: uuid.UUID | None = None
    ) -> Page[BankTransaction]:
        t = bank_transactions.c
        where = [] if bank_account_id is None else [t.bank_account_id == bank_account_id]
        total = self._session.scalar(
            select(func.count()).select_from(bank_transactions).where(*where)
        )
        query = (
            select(BankTransaction)
            .where(*where)
            .order_by(t.emitted_at.desc(), t.id)
            .offset(page.offset)
            .limit(page.per_page)
        )
        return Page(list(self._session.scalars(query)), total or 0, page.page, page.per_page)

    def unallocated_credits(
        self, page: PageRequest, *, since: date | None = None
    ) -> Page[BankTransaction]:
        """Incoming transactions with less allocated than their amount (the review queue)."""
        t, a = bank_transactions.c, payment_allocations.c
        allocated = (
            select(func.coalesce(func.sum(a.amount_cents), 0, type_=BigInteger))
            .where(a.transaction_id == t.id)
            .scalar_subquery()
        )
        where: list[ColumnElement[bool]] = [
            t.side == TransactionSide.CREDIT,
            allocated < t.amount_cents,
        ]
        if since is not None:
            where.append(t.emitted_at >= datetime.combine(since, time(), tzinfo=UTC))
        total = self._session.scalar(
            select(func.count()).select_from(bank_transactions).where(*where)
        )
        query = (
            select(BankTransaction)
            .where(*where)
            .order_by(t.emitted_at.desc(), t.id)
            .offset(page.offset)
            .limit(page.per_page)
        )
        return Page(list(self._session.scalars(query)), total or 0, page.page, page.per_page)

    def latest_update(self, bank_account_id: uuid.UUID) -> datetime | None:
        """The newest Qonto ``updated_at`` stored for an account (a sync's starting point)."""
        latest: datetime | None = self._session.scalar(
            select(func.max(bank_transactions.c.updated_at)).where(
                bank_transactions.c.bank_account_id == bank_account_id
            )
        )
        return latest


class AllocationRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, allocation: PaymentAllocation) -> None:
        self._session.add(allocation)

    def for_document(self, document_id: uuid.UUID) -> list[PaymentAllocation]:
        a = payment_allocations.c
        query = select(PaymentAllocation).where(a.document_id == document_id)
        return list(self._session.scalars(query.order_by(a.created_at, a.id)))

    def for_transaction(self, transaction_id: uuid.UUID) -> list[PaymentAllocation]:
        a = payment_allocations.c
        query = select(PaymentAllocation).where(a.transaction_id == transaction_id)
        return list(self._session.scalars(query.order_by(a.created_at, a.id)))

    def allocated_to_document(self, document_id: uuid.UUID) -> Decimal:
        return self._sum(payment_allocations.c.document_id == document_id)

    def allocated_from_transaction(self, transaction_id: uuid.UUID) -> Decimal:
        return self._sum(payment_allocations.c.transaction_id == transaction_id)

    def _sum(self, condition: ColumnElement[bool]) -> Decimal:
        cents = self._session.scalar(
            select(
                func.coalesce(func.sum(payment_allocations.c.amount_cents), 0, type_=BigInteger)
            ).where(condition)
        )
        return from_cents(int(cents)) if cents else ZERO

    def delete(self, allocation: PaymentAllocation) -> None:
        self._session.delete(allocation)

    def list(self, page: PageRequest) -> Page[PaymentAllocation]:
        """Every allocation, newest first."""
        a = payment_allocations.c
        total = self._session.scalar(select(func.count()).select_from(payment_allocations))
        query = (
            select(PaymentAllocation)
            .order_by(a.created_at.desc(), a.id)
            .offset(page.offset)
            .limit(page.per_page)
        )
        return Page(list(self._session.scalars(query)), total or 0, page.page, page.per_page)
