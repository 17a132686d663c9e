"""The syncs commit page by page under a lease: one run at a time, a dead holder's lease
expires, a run that breaks midway keeps its committed pages but not the cursor."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from tests.integration.services.support import SandboxClock, TestClient, World
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.operations import SyncStatus
from verone.backoffice.integrations.qonto_sync import QontoSyncClient
from verone.backoffice.ports import TransactionPage
from verone.backoffice.services.sync_documents import sync_documents
from verone.backoffice.services.sync_runs import LEASE_TTL
from verone.backoffice.services.sync_transactions import (
    TRANSACTIONS_SYNC,
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
