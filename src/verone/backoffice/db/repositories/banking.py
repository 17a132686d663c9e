"""Bank accounts and transactions (upserted by Qonto id), payment allocations, and the
reconciliation pairs a person rejected."""

from __future__ import annotations

import builtins
import secrets
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from time import time_ns
from typing import Protocol, TypeVar

import psycopg
from sqlalchemy import BigInteger, ColumnElement, func, select

from verone.backoffice.db.locks import is_postgresql
from verone.backoffice.db.repositories._base import EntityRepository, Repository
from verone.backoffice.db.tables import financial_documents
from verone.backoffice.db.tables_ops import (
    bank_accounts,
    bank_transactions,
    payment_allocations,
    rejected_matches,
)
from verone.backoffice.domain.banking import (
    BankAccount,
    BankTransaction,
    PaymentAllocation,
    SettledLink,
    TransactionSide,
    TransactionSnapshot,
)
from verone.backoffice.domain.queries import Page, PageRequest
from verone.backoffice.domain.reconciliation import Pair, RejectedMatch
from verone.money import ZERO, from_cents, to_cents

#: What an upsert copies from Qonto's copy onto the stored account or transaction.
_ACCOUNT_FIELDS = ("name", "iban", "currency", "balance", "updated_at")
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
    "updated_at",
)
#: The columns of ``TransactionSnapshot``, in its order: what the bulk upsert writes.
_SNAPSHOT_COLUMNS = TransactionSnapshot._fields
#: Refreshed when Qonto's copy is at least as new as the stored one (all but the keys).
_REFRESHED = tuple(c for c in _SNAPSHOT_COLUMNS if c not in ("qonto_id", "bank_account_id"))
_SET = ", ".join(f"{c} = excluded.{c}" for c in _REFRESHED)
_NEWER = "WHERE bank_transactions.updated_at <= excluded.updated_at"
#: SQLite: one prepared statement run for every row (``executemany``).
_SQLITE_UPSERT = (
    f"INSERT INTO bank_transactions (id, {', '.join(_SNAPSHOT_COLUMNS)}) "  # noqa: S608
    f"VALUES (?, {', '.join('?' for _ in _SNAPSHOT_COLUMNS)}) "
    f"ON CONFLICT (qonto_id) DO UPDATE SET {_SET} {_NEWER}"
)
#: PostgreSQL: the page is COPied into a session-private staging table, then merged by one
#: INSERT … SELECT (the last copy of a Qonto id wins inside a page).
_PG_STAGE = "bank_transactions_stage"
_PG_CREATE_STAGE = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_PG_STAGE} ("
    "id uuid, qonto_id varchar(64), bank_account_id uuid, amount_cents bigint, "
    "currency varchar(3), side varchar(32), label varchar(255), status varchar(32), "
    "emitted_at timestamptz, updated_at timestamptz, settled_at timestamptz, "
    "reference varchar(255), counterparty_name varchar(255), counterparty_iban varchar(34), "
    "settled_balance_cents bigint, attachment_ids text, seq bigserial)"
)
_PG_EMPTY_STAGE = f"DELETE FROM {_PG_STAGE}"  # noqa: S608 - a constant name
_PG_COPY = f"COPY {_PG_STAGE} (id, {', '.join(_SNAPSHOT_COLUMNS)}) FROM STDIN"
_PG_MERGE = (
    f"INSERT INTO bank_transactions (id, {', '.join(_SNAPSHOT_COLUMNS)}) "  # noqa: S608
    f"SELECT DISTINCT ON (qonto_id) id, {', '.join(_SNAPSHOT_COLUMNS)} "
    f"FROM {_PG_STAGE} ORDER BY qonto_id, seq DESC "
    f"ON CONFLICT (qonto_id) DO UPDATE SET {_SET} {_NEWER}"
)
#: The transaction lists' order: the latest emitted first.
_NEWEST_FIRST = (bank_transactions.c.emitted_at.desc(), bank_transactions.c.id)


class _Mirrored(Protocol):
    qonto_id: str
    updated_at: datetime


M = TypeVar("M", bound=_Mirrored)


class _MirrorRepository(EntityRepository[M]):
    """Entities mirrored from Qonto: found by their Qonto id, upserted by it."""

    def by_qonto_id(self, qonto_id: str) -> M | None:
        return self._first(self._table.c.qonto_id == qonto_id)

    def _upsert(self, item: M, fields: Sequence[str], *, newer_only: bool) -> M:
        """Insert ``item``, or copy its ``fields`` onto the stored entity with its Qonto id
        (with ``newer_only``, unless the stored copy is newer); returns the stored one."""
        stored = self.by_qonto_id(item.qonto_id)
        if stored is None:
            self.add(item)
            return item
        if not newer_only or item.updated_at >= stored.updated_at:
            for name in fields:
                setattr(stored, name, getattr(item, name))
        return stored


class BankAccountRepository(_MirrorRepository[BankAccount]):
    _entity, _table = BankAccount, bank_accounts

    def upsert(self, account: BankAccount) -> BankAccount:
        """Insert, or refresh the stored account with the same Qonto id; returns the stored one."""
        return self._upsert(account, _ACCOUNT_FIELDS, newer_only=False)

    def list(self) -> list[BankAccount]:
        return self._all(order_by=(bank_accounts.c.name,))


class BankTransactionRepository(_MirrorRepository[BankTransaction]):
    _entity, _table = BankTransaction, bank_transactions

    def upsert(self, transaction: BankTransaction) -> BankTransaction:
        """Insert, or update when Qonto's copy is newer; returns the stored transaction."""
        return self._upsert(transaction, _TXN_FIELDS, newer_only=True)

    def list(
        self, page: PageRequest, bank_account_id: uuid.UUID | None = None
    ) -> Page[BankTransaction]:
        t = bank_transactions.c
        where = [] if bank_account_id is None else [t.bank_account_id == bank_account_id]
        return self._page(BankTransaction, bank_transactions, where, _NEWEST_FIRST, page)

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
        return self._page(BankTransaction, bank_transactions, where, _NEWEST_FIRST, page)

    def latest_update(self, bank_account_id: uuid.UUID) -> datetime | None:
        """The newest Qonto ``updated_at`` stored for an account (a sync's starting point)."""
        latest: datetime | None = self._session.scalar(
            select(func.max(bank_transactions.c.updated_at)).where(
                bank_transactions.c.bank_account_id == bank_account_id
            )
        )
        return latest

    def upsert_many(self, transactions: Sequence[TransactionSnapshot]) -> int:
        """Bulk insert-or-refresh by Qonto id (newer ``updated_at`` wins), through the driver:
        no ORM object and no per-row bind processing (the rows are already checked)."""
        if not transactions:
            return 0
        connection = self._session.connection()
        if is_postgresql(self._session):
            _copy_upsert(connection.connection.driver_connection, transactions)
        else:
            connection.exec_driver_sql(_SQLITE_UPSERT, _sqlite_rows(transactions))
        return len(transactions)

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


def _new_ids(count: int) -> list[str]:
    """Ids for new rows, 32 hex digits, time-ordered (milliseconds, then 40 random bits, then
    a counter) so that the primary-key index grows at its end instead of everywhere."""
    prefix = f"{time_ns() // 1_000_000:012x}{secrets.randbits(40):010x}"
    return [f"{prefix}{n:010x}" for n in range(count)]


def _sqlite_time(value: datetime | None) -> str | None:
    """SQLite's storage of ``UTCDateTime``: naive UTC, always with microseconds."""
    if value is None:
        return None
    if value.utcoffset():
        value = value.astimezone(UTC)
    return value.isoformat(" ", "microseconds")[:26]


def _sqlite_rows(transactions: Sequence[TransactionSnapshot]) -> list[tuple[object, ...]]:
    hexes: dict[uuid.UUID, str] = {}
    rows: list[tuple[object, ...]] = []
    for new_id, (
        qonto_id, account, cents, currency, side, label, status, emitted, updated, settled,
        reference, name, iban, balance, attachments,
    ) in zip(_new_ids(len(transactions)), transactions, strict=True):  # fmt: skip
        account_hex = hexes.get(account) or hexes.setdefault(account, account.hex)
        rows.append(
            (
                new_id, qonto_id, account_hex, cents, currency, side.value, label, status,
                _sqlite_time(emitted), _sqlite_time(updated), _sqlite_time(settled),
                reference, name, iban, balance, attachments,
            )
        )  # fmt: skip
    return rows


def _copy_upsert(connection: object, transactions: Sequence[TransactionSnapshot]) -> None:
    """PostgreSQL: COPY the rows into the staging table, merge them, empty it."""
    assert isinstance(connection, psycopg.Connection)
    with connection.cursor() as cursor:
        cursor.execute(_PG_CREATE_STAGE)
        with cursor.copy(_PG_COPY) as copy:
            for new_id, row in zip(_new_ids(len(transactions)), transactions, strict=True):
                copy.write_row((new_id, *row))
        cursor.execute(_PG_MERGE)
        cursor.execute(_PG_EMPTY_STAGE)


#: Allocations in the order they were made.
_IN_ORDER = (payment_allocations.c.created_at, payment_allocations.c.id)


class AllocationRepository(EntityRepository[PaymentAllocation]):
    _entity, _table = PaymentAllocation, payment_allocations

    def for_document(self, document_id: uuid.UUID) -> list[PaymentAllocation]:
        a = payment_allocations.c
        return self._all(a.document_id == document_id, order_by=_IN_ORDER)

    def for_transaction(self, transaction_id: uuid.UUID) -> list[PaymentAllocation]:
        a = payment_allocations.c
        return self._all(a.transaction_id == transaction_id, order_by=_IN_ORDER)

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
        order = (a.created_at.desc(), a.id)
        return self._page(PaymentAllocation, payment_allocations, (), order, page)


class RejectionRepository(Repository):
    """Rejected (transaction, invoice) pairs; restoring one deletes its row."""

    def add(self, rejection: RejectedMatch) -> None:
        self._session.add(rejection)

    def get(self, transaction_id: uuid.UUID, document_id: uuid.UUID) -> RejectedMatch | None:
        r = rejected_matches.c
        query = select(RejectedMatch).where(
            r.transaction_id == transaction_id, r.document_id == document_id
        )
        return self._session.scalars(query).first()

    def delete(self, rejection: RejectedMatch) -> None:
        self._session.delete(rejection)

    def pairs(self) -> set[Pair]:
        """Every rejected (transaction id, invoice id): what the matcher must skip."""
        r = rejected_matches.c
        rows = self._session.execute(select(r.transaction_id, r.document_id))
        return {(transaction_id, document_id) for transaction_id, document_id in rows}

    def recent(self, limit: int) -> builtins.list[RejectedMatch]:
        """The latest rejections, newest first."""
        r = rejected_matches.c
        query = select(RejectedMatch).order_by(r.rejected_at.desc(), r.id).limit(limit)
        return list(self._session.scalars(query))
