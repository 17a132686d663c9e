"""Bank accounts and transactions (upserted by Qonto id) and payment allocations."""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import BigInteger, ColumnElement, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from verone.backoffice.db.locks import is_postgresql
from verone.backoffice.db.tables import financial_documents
from verone.backoffice.db.tables_ops import bank_accounts, bank_transactions, payment_allocations
from verone.backoffice.domain.banking import (
    BankAccount,
    BankTransaction,
    PaymentAllocation,
    SettledLink,
    TransactionSide,
    TransactionSnapshot,
)
from verone.backoffice.domain.queries import Page, PageRequest
from verone.money import ZERO, from_cents, to_cents

_TXN_FIELDS = (
    "amount",
    "currency",
    "side",
    "label",
    "status",
    "settled_at",
    "reference",
    "counterparty_name",
    "counterparty_iban",
    "settled_balance",
    "attachment_ids",
)
#: Columns a bulk upsert refreshes when Qonto's copy is at least as new as the stored one.
_UPSERT_COLUMNS = (
    "amount_cents",
    "currency",
    "side",
    "label",
    "status",
    "emitted_at",
    "settled_at",
    "updated_at",
    "reference",
    "counterparty_name",
    "counterparty_iban",
    "settled_balance_cents",
    "attachment_ids",
)


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

    def credits_since(self, since: datetime) -> builtins.list[tuple[datetime, Decimal]]:
        """(date, amount) of every incoming movement since ``since`` (the cash-in chart)."""
        t = bank_transactions.c
        when = func.coalesce(t.settled_at, t.emitted_at)
        rows = self._session.execute(
            select(t.emitted_at, t.settled_at, t.amount_cents).where(
                t.side == TransactionSide.CREDIT, when >= since
            )
        )
        return [(settled or emitted, amount) for emitted, settled, amount in rows]

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

    def upsert_many(self, transactions: Sequence[TransactionSnapshot]) -> int:
        """Bulk insert-or-refresh by Qonto id in one statement (newer ``updated_at`` wins)."""
        if not transactions:
            return 0
        rows = [_row(t) for t in transactions]
        dialect = postgresql if is_postgresql(self._session) else sqlite
        statement = dialect.insert(bank_transactions)
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=[bank_transactions.c.qonto_id],
            set_={name: excluded[name] for name in _UPSERT_COLUMNS},
            where=bank_transactions.c.updated_at <= excluded.updated_at,
        )
        self._session.execute(statement, rows)
        return len(rows)

    def settled_chain(
        self, bank_account_id: uuid.UUID, since: datetime | None = None
    ) -> Iterator[SettledLink]:
        """Settled movements of an account in settlement order, streamed (for continuity)."""
        t = bank_transactions.c
        query = (
            select(t.qonto_id, t.settled_at, t.side, t.amount_cents, t.settled_balance_cents)
            .where(t.bank_account_id == bank_account_id, t.settled_at.is_not(None))
            .order_by(t.settled_at, t.settled_balance_cents, t.qonto_id)
        )
        if since is not None:
            query = query.where(t.settled_at >= since)
        rows = self._session.execute(query.execution_options(yield_per=2_000))
        for qonto_id, settled_at, side, amount, balance in rows:
            cents = to_cents(amount)
            yield SettledLink(
                qonto_id,
                settled_at,
                cents if side == TransactionSide.CREDIT else -cents,
                None if balance is None else to_cents(balance),
            )

    def balance_before(self, bank_account_id: uuid.UUID, at: datetime) -> int | None:
        """Running balance (cents) of the last settled movement strictly before ``at``."""
        t = bank_transactions.c
        query = (
            select(t.settled_balance_cents)
            .where(t.bank_account_id == bank_account_id, t.settled_at < at)
            .order_by(t.settled_at.desc(), t.settled_balance_cents.desc())
            .limit(1)
        )
        value = self._session.scalar(query)
        return None if value is None else to_cents(value)

    def count(self, bank_account_id: uuid.UUID | None = None) -> int:
        query = select(func.count()).select_from(bank_transactions)
        if bank_account_id is not None:
            query = query.where(bank_transactions.c.bank_account_id == bank_account_id)
        return int(self._session.scalar(query) or 0)

    def open_credits(self, limit: int = 50_000) -> builtins.list[tuple[BankTransaction, Decimal]]:
        """Settled incoming transactions not fully allocated, with what is already allocated."""
        t, a = bank_transactions.c, payment_allocations.c
        allocated = (
            select(func.coalesce(func.sum(a.amount_cents), 0, type_=BigInteger))
            .where(a.transaction_id == t.id)
            .scalar_subquery()
        )
        query = (
            select(BankTransaction, allocated)
            .where(t.side == TransactionSide.CREDIT, t.status != "declined")
            .where(allocated < t.amount_cents)
            .order_by(t.emitted_at, t.id)
            .limit(limit)
        )
        return [(txn, from_cents(int(cents))) for txn, cents in self._session.execute(query)]


def _row(t: TransactionSnapshot) -> dict[str, object]:
    return {
        "id": uuid.uuid4(),
        "qonto_id": t.qonto_id,
        "bank_account_id": t.bank_account_id,
        "amount_cents": t.amount,
        "currency": t.currency,
        "side": t.side,
        "label": t.label,
        "status": t.status,
        "emitted_at": t.emitted_at,
        "settled_at": t.settled_at,
        "updated_at": t.updated_at,
        "reference": t.reference,
        "counterparty_name": t.counterparty_name,
        "counterparty_iban": t.counterparty_iban,
        "settled_balance_cents": t.settled_balance,
        "attachment_ids": t.attachment_ids,
    }


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

    def get(self, allocation_id: uuid.UUID) -> PaymentAllocation | None:
        return self._session.get(PaymentAllocation, allocation_id)

    def totals_by_document(self) -> dict[uuid.UUID, Decimal]:
        """Allocated amount per document (every document with at least one allocation)."""
        a = payment_allocations.c
        query = select(a.document_id, func.sum(a.amount_cents, type_=BigInteger)).group_by(
            a.document_id
        )
        return {doc: from_cents(int(cents)) for doc, cents in self._session.execute(query)}

    def known_ibans(self) -> dict[uuid.UUID, set[str]]:
        """Counterparty IBANs that already paid each customer (through allocations)."""
        a, t, d = payment_allocations.c, bank_transactions.c, financial_documents.c
        query = (
            select(d.customer_id, t.counterparty_iban)
            .select_from(payment_allocations)
            .join(bank_transactions, t.id == a.transaction_id)
            .join(financial_documents, d.id == a.document_id)
            .where(t.counterparty_iban.is_not(None), d.customer_id.is_not(None))
            .distinct()
        )
        known: dict[uuid.UUID, set[str]] = {}
        for customer_id, iban in self._session.execute(query):
            known.setdefault(customer_id, set()).add(iban)
        return known

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
