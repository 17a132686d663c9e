"""Transactions sync against the in-process sandbox, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tests.integration.services.support import SandboxClock, TestClient
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.operations import SyncStatus
from verone.backoffice.integrations.qonto_sync import QontoSyncClient
from verone.backoffice.services.sync_transactions import (
    TRANSACTIONS_SYNC,
    cursor_name,
    sync_transactions,
)
from verone.sandbox.state import SandboxState


def _seed(http: TestClient, transactions: int = 120) -> None:
    answer = http.post("/_sandbox/seed", json={"seed": 7, "transactions": transactions})
    assert answer.status_code == 200


def _main_account(sandbox: SandboxState) -> str:
    return sandbox.banking.main_account.id


def test_full_then_incremental_sync_picks_up_a_new_transfer(
    uow: SqlAlchemyUnitOfWork,
    reader: QontoSyncClient,
    clock: SandboxClock,
    http: TestClient,
    sandbox: SandboxState,
) -> None:
    _seed(http)
    account = _main_account(sandbox)
    expected = len([t for t in sandbox.banking.all_transactions() if t.bank_account_id == account])
    pages: list[tuple[int, int]] = []
    [first] = sync_transactions(
        uow,
        reader,
        clock,
        account_qonto_id=account,
        progress=lambda _a: lambda n, t, _rows: pages.append((n, t)),
    )
    assert first.full
    assert first.status is SyncStatus.SUCCEEDED
    assert first.items_written == expected
    assert first.continuity is not None
    assert first.continuity.ok
    assert first.closing_balance_matches is True
    assert pages[-1][0] == pages[-1][1] > 1
    clock.advance(3600)
    booked = http.post(
        "/_sandbox/incoming-transfer",
        json={"amount": "150.25", "reference": "F-2026-001", "counterparty_name": "Élodie Martin"},
    )
    assert booked.status_code == 201
    [second] = sync_transactions(uow, reader, clock, account_qonto_id=account)
    assert not second.full
    assert 1 <= second.items_seen < expected  # only the overlap window and the new transfer
    assert second.closing_balance_matches is True
    with uow:
        stored = uow.bank_transactions.by_qonto_id(booked.json()["transaction_id"])
        assert stored is not None
        assert stored.amount == Decimal("150.25")
        assert stored.counterparty_name == "Élodie Martin"
        assert uow.bank_transactions.count() == expected + 1
        run = uow.sync.last_run(TRANSACTIONS_SYNC)
        assert run is not None
        assert run.status is SyncStatus.SUCCEEDED
        assert run.scope == account


def test_rerun_is_idempotent(
    uow: SqlAlchemyUnitOfWork,
    reader: QontoSyncClient,
    clock: SandboxClock,
    http: TestClient,
    sandbox: SandboxState,
) -> None:
    _seed(http, 60)
    account = _main_account(sandbox)
    sync_transactions(uow, reader, clock, account_qonto_id=account)
    with uow:
        before = uow.bank_transactions.count()
    [again] = sync_transactions(uow, reader, clock, account_qonto_id=account, full=True)
    assert again.items_written == before
    with uow:
        assert uow.bank_transactions.count() == before


def test_cursor_does_not_advance_on_a_failed_run(
    uow: SqlAlchemyUnitOfWork,
    reader: QontoSyncClient,
    clock: SandboxClock,
    http: TestClient,
    sandbox: SandboxState,
) -> None:
    _seed(http, 60)
    account = _main_account(sandbox)
    sync_transactions(uow, reader, clock, account_qonto_id=account)
    with uow:
        cursor = uow.sync.get_cursor(cursor_name(account))
    assert cursor is not None
    clock.advance(3600)
    http.post(
        "/_sandbox/incoming-transfer",
        json={"amount": "10.00", "reference": "x", "counterparty_name": "Dupont"},
    )
    faults = {"rules": [{"method": "GET", "path": "/v2/transactions", "error_status": 503}]}
    assert http.put("/_sandbox/faults", json=faults).status_code == 200
    with pytest.raises(errors.QontoUnavailable):
        sync_transactions(uow, reader, clock, account_qonto_id=account)
    with uow:
        assert uow.sync.get_cursor(cursor_name(account)) == cursor
        run = uow.sync.last_run(TRANSACTIONS_SYNC)
        assert run is not None
        assert run.status is SyncStatus.FAILED


def test_continuity_check_reports_a_gap(
    uow: SqlAlchemyUnitOfWork,
    reader: QontoSyncClient,
    clock: SandboxClock,
    http: TestClient,
    sandbox: SandboxState,
) -> None:
    _seed(http, 60)
    account = _main_account(sandbox)
    settled = [
        t
        for t in sandbox.banking.all_transactions()
        if t.bank_account_id == account and t.balance_cents is not None
    ]
    victim = settled[len(settled) // 2]
    assert victim.balance_cents is not None
    victim.balance_cents += 1_000  # Qonto's running balance jumps: something is missing
    sandbox.banking.touch(victim, victim.updated_ms)  # drop the sandbox's cached JSON of it
    [result] = sync_transactions(uow, reader, clock, account_qonto_id=account)
    assert result.continuity is not None
    assert [b.qonto_id for b in result.continuity.breaks][:1] == [victim.id]
    with uow:
        run = uow.sync.last_run(TRANSACTIONS_SYNC)
        assert run is not None
        assert run.report is not None
        assert json.loads(run.report)["gaps"][0]["id"] == victim.id
        assert run.error is not None
        assert "continuité" in run.error


def test_a_malformed_item_is_skipped_reported_and_holds_the_cursor(
    uow: SqlAlchemyUnitOfWork,
    reader: QontoSyncClient,
    clock: SandboxClock,
    http: TestClient,
    sandbox: SandboxState,
) -> None:
    _seed(http, 60)
    account = _main_account(sandbox)
    rows = [t for t in sandbox.banking.all_transactions() if t.bank_account_id == account]
    victim = rows[len(rows) // 2]
    original, victim.side = victim.side, "sideways"
    sandbox.banking.touch(victim, victim.updated_ms)  # drop the sandbox's cached JSON of it
    [result] = sync_transactions(uow, reader, clock, account_qonto_id=account)
    assert [s.qonto_id for s in result.skipped] == [victim.id]
    assert "sens inconnu" in result.skipped[0].reason
    assert result.items_written == len(rows) - 1
    assert result.cursor is not None
    assert result.cursor < datetime.fromtimestamp(victim.updated_ms / 1000, UTC)
    with uow:
        assert uow.bank_transactions.by_qonto_id(victim.id) is None
        run = uow.sync.last_run(TRANSACTIONS_SYNC)
        assert run is not None
        assert run.items_failed == 1
    victim.side = original
    sandbox.banking.touch(victim, victim.updated_ms)
    [again] = sync_transactions(uow, reader, clock, account_qonto_id=account)
    assert again.skipped == []
    assert again.continuity is not None
    assert again.continuity.ok
    with uow:
        assert uow.bank_transactions.by_qonto_id(victim.id) is not None
