"""Bank sync: accounts (balances) and, per account, transactions incremental on ``updated_at``.

One run per account at a time (a lease, ``services.sync_runs``); each page committed on its
own, so no transaction is held across a Qonto call; items upserted by Qonto id; a malformed
item is skipped and reported; the cursor moves only when the run ends cleanly, never past a
skipped item; every run is logged with its completeness proof (balance continuity).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from verone.backoffice.domain import errors
from verone.backoffice.domain.banking import (
    BankAccount,
    ContinuityReport,
    TransactionSide,
    TransactionSnapshot,
    check_continuity,
)
from verone.backoffice.domain.operations import SyncStatus
from verone.backoffice.ports import (
    Clock,
    QontoSyncReader,
    RemoteBankAccount,
    RemoteTransaction,
    TransactionPage,
    UnitOfWork,
)
from verone.backoffice.services.common import NotFound
from verone.backoffice.services.sync_runs import (
    SyncLease,
    failure_message,
    record_failure,
    record_progress,
    start_run,
)
from verone.money import to_cents

TRANSACTIONS_SYNC = "transactions"
#: Re-read this much before the cursor: Qonto may stamp late writes slightly in the past.
OVERLAP = timedelta(minutes=10)
_ONE_MICROSECOND = timedelta(microseconds=1)

#: ``progress(page, total_pages, rows_seen)`` after each page is committed.
Progress = Callable[[int, int, int], None]


class MalformedTransaction(ValueError):
    """A transaction Qonto sent that cannot be mirrored as it is."""


@dataclass(frozen=True, slots=True)
class SkippedItem:
    qonto_id: str
    reason: str


@dataclass(slots=True)
class AccountSyncResult:
    account_qonto_id: str
    run_id: uuid.UUID
    full: bool
    status: SyncStatus = SyncStatus.RUNNING
    items_seen: int = 0
    items_written: int = 0
    skipped: list[SkippedItem] = field(default_factory=list)
    continuity: ContinuityReport | None = None
    closing_balance_matches: bool | None = None
    cursor: datetime | None = None
    error: str | None = None

    def report(self) -> str:
        """The run's report as stored in ``sync_runs.report`` (JSON)."""
        continuity = self.continuity
        return json.dumps(
            {
                "account": self.account_qonto_id,
                "full": self.full,
                "written": self.items_written,
                "skipped": [{"id": s.qonto_id, "reason": s.reason} for s in self.skipped],
                "continuity_checked": continuity.checked if continuity else 0,
                "gaps": [
                    {"id": b.qonto_id, "expected_cents": b.expected_cents, "actual": b.actual_cents}
                    for b in (continuity.breaks if continuity else ())
                ],
                "closing_balance_matches": self.closing_balance_matches,
                "cursor": self.cursor.isoformat() if self.cursor else None,
            },
            sort_keys=True,
        )


def cursor_name(account_qonto_id: str) -> str:
    return f"{TRANSACTIONS_SYNC}:{account_qonto_id}"


_SIDES = {side.value: side for side in TransactionSide}
#: Widths of the mirror's columns: a longer value is a malformed item, not a failed batch.
_ID_WIDTH, _STATUS_WIDTH, _CURRENCY_WIDTH = 64, 32, 3


def _cents(value: Decimal, what: str) -> int:
    scaled = value * 100
    cents = int(scaled)
    if cents != scaled:
        raise MalformedTransaction(f"{what} plus fin que le centime : {value}")
    return cents


def to_bank_transaction(item: RemoteTransaction, bank_account_id: uuid.UUID) -> TransactionSnapshot:
    """Check one item (required fields, ``amount`` = ``amount_cents``) and map it to a row.

    The ingest's hot path (docs/performance.md): integers and dictionary look-ups only.
    """
    cents, amount = item.amount_cents, item.amount
    if amount is not None:
        from_amount = _cents(amount, "montant")
        if cents is None:
            cents = from_amount
        elif cents != from_amount:
            raise MalformedTransaction(f"amount {amount} ≠ amount_cents {cents}")
    elif cents is None:
        raise MalformedTransaction("montant absent")
    if cents < 0:
        raise MalformedTransaction("montant négatif (le sens est donné par side)")
    side = _SIDES.get(item.side) if item.side is not None else None
    if side is None:
        raise MalformedTransaction(f"sens inconnu : {item.side!r}")
    emitted, updated, settled = item.emitted_at, item.updated_at, item.settled_at
    if emitted is None or updated is None:
        raise MalformedTransaction("dates emitted_at / updated_at absentes")
    if emitted.tzinfo is None or updated.tzinfo is None or (settled and settled.tzinfo is None):
        raise MalformedTransaction("date sans fuseau horaire")
    status = item.status
    if not status or len(status) > _STATUS_WIDTH:
        raise MalformedTransaction("statut absent ou illisible")
    qonto_id = item.qonto_id
    if not qonto_id or len(qonto_id) > _ID_WIDTH:
        raise MalformedTransaction("identifiant Qonto illisible")
    currency = item.currency or "EUR"
    if len(currency) != _CURRENCY_WIDTH:
        raise MalformedTransaction(f"devise illisible : {currency!r}")
    balance, stated = item.settled_balance_cents, item.settled_balance
    if stated is not None:
        from_balance = _cents(stated, "solde")
        if balance is None:
            balance = from_balance
        elif balance != from_balance:
            raise MalformedTransaction("settled_balance ≠ settled_balance_cents")
    name, reference, iban = item.counterparty_name, item.reference, item.counterparty_iban
    attachments = item.attachment_ids
    return TransactionSnapshot(
        qonto_id,
        bank_account_id,
        cents,
        currency,
        side,
        (item.label or name or "")[:255],
        status,
        emitted,
        updated,
        settled,
        reference[:255] if reference else None,
        name[:255] if name else None,
        iban[:34] if iban else None,
        balance,
        " ".join(attachments) if attachments else None,
    )


def sync_bank_accounts(
    uow: UnitOfWork, reader: QontoSyncReader, clock: Clock
) -> list[tuple[RemoteBankAccount, BankAccount]]:
    """Mirror every account (name, IBAN, balance); returns Qonto's and the stored copy."""
    remote = reader.bank_accounts()
    with uow:
        stored = [
            (
                account,
                uow.bank_accounts.upsert(
                    BankAccount(
                        qonto_id=account.qonto_id,
                        name=account.name,
                        iban=account.iban,
                        currency=account.currency,
                        balance=account.balance,
                        updated_at=account.updated_at or clock.now(),
                    )
                ),
            )
            for account in remote
        ]
        uow.commit()
    return stored


def sync_transactions(
    uow: UnitOfWork,
    reader: QontoSyncReader,
    clock: Clock,
    *,
    full: bool = False,
    account_qonto_id: str | None = None,
    progress: Callable[[str], Progress | None] | None = None,
) -> list[AccountSyncResult]:
    """Accounts first, then each account's transactions (or only ``account_qonto_id``'s)."""
    accounts = sync_bank_accounts(uow, reader, clock)
    chosen = [(r, s) for r, s in accounts if account_qonto_id in (None, r.qonto_id)]
    if account_qonto_id is not None and not chosen:
        raise NotFound(f"Compte bancaire inconnu : {account_qonto_id}.")
    return [
        sync_account(
            uow,
            reader,
            clock,
            remote,
            stored.id,
            full=full,
            progress=progress(remote.qonto_id) if progress else None,
        )
        for remote, stored in chosen
    ]


@dataclass(slots=True)
class CursorTracker:
    """What the pages taught: newest clean ``updated_at``, oldest skipped, oldest settlement."""

    newest: datetime | None = None
    oldest_skipped: datetime | None = None
    skipped_undated: bool = False
    earliest_settled: datetime | None = None

    def ok(self, txn: TransactionSnapshot) -> None:
        newest, settled = self.newest, txn.settled_at
        if newest is None or txn.updated_at > newest:
            self.newest = txn.updated_at
        if settled is not None and (
            self.earliest_settled is None or settled < self.earliest_settled
        ):
            self.earliest_settled = settled

    def failed(self, updated_at: datetime | None) -> None:
        """A skipped item holds the cursor before it (where it was, if it has no usable date)."""
        if updated_at is None or updated_at.tzinfo is None:
            self.skipped_undated = True
        elif self.oldest_skipped is None or updated_at < self.oldest_skipped:
            self.oldest_skipped = updated_at

    def next_cursor(self, previous: datetime | None) -> datetime | None:
        """Never past a skipped item; unchanged when a skipped item has no date at all."""
        if self.skipped_undated:
            return previous
        if self.oldest_skipped is not None:
            candidate = self.oldest_skipped - _ONE_MICROSECOND
            return candidate if previous is None or candidate > previous else previous
        return self.newest or previous


def check_page(
    page: TransactionPage,
    account_id: uuid.UUID,
    result: AccountSyncResult,
    tracker: CursorTracker,
) -> list[TransactionSnapshot]:
    """One page's rows: each item checked and mapped on its own; a malformed or unreadable
    item is recorded in the run's report and skipped, never written (not even in part)."""
    batch: list[TransactionSnapshot] = []
    append, ok = batch.append, tracker.ok
    for item in page.items:
        try:
            txn = to_bank_transaction(item, account_id)
        except (MalformedTransaction, ValueError, TypeError) as exc:
            result.skipped.append(SkippedItem(item.qonto_id, str(exc)))
            tracker.failed(item.updated_at)
            continue
        ok(txn)
        append(txn)
    for unreadable in page.unreadable:
        result.skipped.append(SkippedItem(unreadable.qonto_id, unreadable.reason))
        tracker.failed(None)
    result.items_seen += len(page.items) + len(page.unreadable)
    return batch


def _ingest(
    uow: UnitOfWork,
    reader: QontoSyncReader,
    lease: SyncLease,
    account_id: uuid.UUID,
    result: AccountSyncResult,
    updated_from: datetime | None,
    progress: Progress | None,
) -> CursorTracker:
    """Page after page: checks and mapping outside any transaction, then one short commit
    (upsert, progress, lease) per page; no transaction is open while Qonto is read."""
    tracker = CursorTracker()
    for page in reader.transaction_pages(result.account_qonto_id, updated_from=updated_from):
        batch = check_page(page, account_id, result, tracker)
        with uow:
            lease.renew(uow)
            result.items_written += uow.bank_transactions.upsert_many(batch)
            record_progress(uow, result.run_id, result.items_seen, len(result.skipped))
            uow.commit()
        if progress is not None:
            progress(page.number, page.total_pages, result.items_seen)
    return tracker


def sync_account(
    uow: UnitOfWork,
    reader: QontoSyncReader,
    clock: Clock,
    account: RemoteBankAccount,
    account_id: uuid.UUID,
    *,
    full: bool = False,
    progress: Progress | None = None,
) -> AccountSyncResult:
    """One account's run under its lease: fetch and commit page by page, prove continuity
    over everything the run touched, then (if clean) move the cursor, in the last commit."""
    name = cursor_name(account.qonto_id)
    with SyncLease(uow, clock, f"sync:{name}") as lease:
        run_id = start_run(uow, clock, TRANSACTIONS_SYNC, account.qonto_id)
        result = AccountSyncResult(account.qonto_id, run_id, full)
        try:
            with uow:
                stored = None if full else uow.sync.get_cursor(name)
            previous = datetime.fromisoformat(stored) if stored else None
            result.full = previous is None
            updated_from = None if previous is None else previous - OVERLAP
            tracker = _ingest(uow, reader, lease, account_id, result, updated_from, progress)
            with uow:  # the proof reads a snapshot and blocks no writer
                uow.reading()
                _prove(uow, account, account_id, result, tracker)
            with uow:
                lease.renew(uow)
                result.cursor = tracker.next_cursor(previous)
                if result.cursor is not None:
                    uow.sync.set_cursor(name, result.cursor.isoformat(), clock.now())
                _finish(uow, clock, result)
                uow.commit()
        except Exception as exc:  # the run is logged as failed whatever broke it, then re-raised
            result.status, result.error = SyncStatus.FAILED, failure_message(exc)
            record_failure(uow, clock, run_id, result.error, result.items_seen, result.report())
            raise
    return result


def _prove(
    uow: UnitOfWork,
    account: RemoteBankAccount,
    account_id: uuid.UUID,
    result: AccountSyncResult,
    tracker: CursorTracker,
) -> None:
    """Continuity from the earliest settlement this run touched (everything on a full run)."""
    since = None if result.full else tracker.earliest_settled
    if not result.full and since is None:
        result.continuity = ContinuityReport(0, None, ())
        return
    opening = 0 if since is None else uow.bank_transactions.balance_before(account_id, since)
    report = check_continuity(uow.bank_transactions.settled_chain(account_id, since), opening)
    result.continuity = report
    if report.closing_cents is not None:
        result.closing_balance_matches = report.closing_cents == to_cents(account.balance)


def _finish(uow: UnitOfWork, clock: Clock, result: AccountSyncResult) -> None:
    run = uow.sync.get_run(result.run_id)
    if run is None:  # pragma: no cover - added by this very run
        raise errors.DomainError("Journal de synchronisation introuvable.")
    run.finish(clock.now(), result.items_seen)
    run.items_failed = len(result.skipped)
    if result.continuity is not None and not result.continuity.ok:
        run.error = f"{len(result.continuity.breaks)} rupture(s) de continuité du solde"
    elif result.skipped:
        run.error = f"{len(result.skipped)} transaction(s) ignorée(s)"
    run.report = result.report()
    result.status = run.status


def summarize(results: Sequence[AccountSyncResult]) -> dict[str, object]:
    """A JSON-ready summary for the CLI and the API."""
    return {
        "accounts": [
            json.loads(r.report()) | {"status": str(r.status), "seen": r.items_seen}
            for r in results
        ]
    }
