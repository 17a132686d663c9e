"""The syncs commit page by page under a lease: one run at a time, a dead holder's lease
expires, a run that breaks midway keeps its committed pages but not the cursor."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.integration.services.support import SandboxClock, TestClient, World
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.banking import BankAccount, TransactionSide
from verone.backoffice.domain.operations import SyncStatus
from verone.backoffice.integrations.qonto_sync import QontoSyncClient, parse_transaction_page
from verone.backoffice.ports import TransactionPage
from verone.backoffice.services.sync_documents import sync_documents
from verone.backoffice.services.sync_runs import LEASE_TTL
from verone.backoffice.services.sync_transactions import (
    TRANSACTIONS_SYNC,
    AccountSyncResult,
    CursorTracker,
    check_page,
    cursor_name,
    sync_transactions,
)
from verone.sandbox.state import SandboxState


def _seed(http: TestClient, transactions: int = 80) -> None:
    assert http.post("/_sandbox/seed", json={"seed": 7, "transactions": transactions}).is_success


def _hold(uow: SqlAlchemyUnitOfWork, clock: SandboxClock, name: str) -> None:
    with uow:
        now = clock.now()
        assert uow.sync.take_lease(name, "another-worker", now=now, until=now + LEASE_TTL)
        uow.commit()


def test_a_second_run_is_refused_while_the_lease_is_held_then_takes_an_expired_one(
    uow: SqlAlchemyUnitOfWork,
    reader: QontoSyncClient,
    clock: SandboxClock,
    http: TestClient,
    sandbox: SandboxState,
) -> None:
    _seed(http)
    account = sandbox.banking.main_account.id
    _hold(uow, clock, f"sync:{cursor_name(account)}")
    with pytest.raises(errors.SyncInProgress):
        sync_transactions(uow, reader, clock, account_qonto_id=account)
    with uow:
        assert uow.bank_transactions.count() == 0
        assert uow.sync.get_cursor(cursor_name(account)) is None
    clock.advance((LEASE_TTL + timedelta(seconds=1)).total_seconds())  # the holder died
    [run] = sync_transactions(uow, reader, clock, account_qonto_id=account)
    assert run.status is SyncStatus.SUCCEEDED
    with uow:  # released at the end: the next run starts at once
        now = clock.now()
        assert uow.sync.take_lease(f"sync:{cursor_name(account)}", "x", now=now, until=now)


def test_the_document_sync_is_refused_while_its_lease_is_held(
    uow: SqlAlchemyUnitOfWork, reader: QontoSyncClient, clock: SandboxClock, world: World
) -> None:
    _hold(uow, clock, "sync:documents")
    with pytest.raises(errors.SyncInProgress):
        sync_documents(uow, reader, clock, world.admin.id)


class _BreaksAfterFirstPage:
    """A reader whose Qonto connection drops after the first page."""

    def __init__(self, inner: QontoSyncClient) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def transaction_pages(
        self, account_qonto_id: str, *, updated_from: datetime | None
    ) -> Iterator[TransactionPage]:
        pages = self._inner.transaction_pages(account_qonto_id, updated_from=updated_from)
        yield next(pages)
        raise errors.QontoUnavailable()


def test_a_run_broken_midway_keeps_its_pages_and_records_progress_not_the_cursor(
    uow: SqlAlchemyUnitOfWork,
    reader: QontoSyncClient,
    clock: SandboxClock,
    http: TestClient,
    sandbox: SandboxState,
) -> None:
    _seed(http)
    account = sandbox.banking.main_account.id
    broken = _BreaksAfterFirstPage(reader)
    with pytest.raises(errors.QontoUnavailable):
        sync_transactions(uow, broken, clock, account_qonto_id=account)  # type: ignore[arg-type]  # a QontoSyncReader by delegation
    with uow:
        assert uow.bank_transactions.count() == 20  # the first page, committed on its own
        assert uow.sync.get_cursor(cursor_name(account)) is None
        run = uow.sync.last_run(TRANSACTIONS_SYNC)
        assert run is not None
        assert run.status is SyncStatus.FAILED
        assert run.items_seen == 20
    [again] = sync_transactions(uow, reader, clock, account_qonto_id=account)
    assert again.status is SyncStatus.SUCCEEDED
    assert again.full  # no cursor yet: the whole account is read and proven again
    assert again.continuity is not None
    assert again.continuity.ok


def test_a_page_with_a_bad_row_in_the_middle_is_upserted_without_it(
    uow: SqlAlchemyUnitOfWork, clock: SandboxClock
) -> None:
    items = [_wire_item(n) for n in range(1, 8)]
    items[3] = _wire_item(4, side="sideways")
    body = json.dumps({"transactions": items, "meta": _META}).encode()
    with uow:
        account = uow.bank_accounts.upsert(
            BankAccount("acc-ingest", "Compte", "FR76", "EUR", Decimal(0), clock.now())
        )
        uow.commit()
    result = AccountSyncResult("acc-ingest", uuid.uuid4(), full=True)
    rows = check_page(parse_transaction_page(body), account.id, result, CursorTracker())
    with uow:
        assert uow.bank_transactions.upsert_many(rows) == 6
        uow.commit()
    with uow:
        assert uow.bank_transactions.by_qonto_id("ingest-004") is None
        stored = uow.bank_transactions.by_qonto_id("ingest-005")
        assert stored is not None
        assert stored.amount == Decimal("12.50")
        assert stored.side is TransactionSide.DEBIT
        assert stored.settled_balance == Decimal("-3.07")
        assert stored.emitted_at == datetime(2026, 3, 1, 10, 5, tzinfo=UTC)
        assert stored.settled_at == datetime(2026, 3, 1, 11, 5, 0, 250_000, tzinfo=UTC)
        assert stored.counterparty_iban == "FR7630004000031234567890143"
        assert stored.attachments == ("att-1", "att-2")
    older = [_wire_item(5, amount=99.0, amount_cents=9900, updated_at="2026-02-01T00:00:00Z")]
    body = json.dumps({"transactions": older, "meta": _META}).encode()
    rows = check_page(parse_transaction_page(body), account.id, result, CursorTracker())
    with uow:
        uow.bank_transactions.upsert_many(rows)  # an older copy never overwrites a newer one
        uow.commit()
    with uow:
        again = uow.bank_transactions.by_qonto_id("ingest-005")
        assert again is not None
        assert again.amount == Decimal("12.50")


_META = {"current_page": 1, "total_pages": 1, "total_count": 7, "per_page": 100}


def _wire_item(number: int, **changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "id": f"ingest-{number:03d}",
        "amount": 12.5,
        "amount_cents": 1250,
        "settled_balance": -3.07,
        "side": "debit",
        "currency": "EUR",
        "label": "Carte",
        "status": "completed",
        "emitted_at": f"2026-03-01T10:{number:02d}:00Z",
        "updated_at": f"2026-03-01T11:{number:02d}:00+00:00",
        "settled_at": f"2026-03-01T12:{number:02d}:00.250+01:00",
        "attachment_ids": ["att-1", "att-2"],
        "transfer": {
            "counterparty_account_number": "FR7630004000031234567890143",
            "counterparty_account_number_format": "IBAN",
        },
    }
    item.update(changes)
    return item
