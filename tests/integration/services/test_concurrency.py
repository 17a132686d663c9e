"""Races on real sessions: two users finalizing the same draft at once (one finalize), two
allocations of one transfer to two invoices (never more than the transfer's amount)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests.integration.services.support import (
    CONFIRMATION_KEY,
    SandboxClock,
    TestClient,
    add_local_invoice,
    add_transfer,
    finalize_calls,
    make_client,
    private_postgres_schema,
    sandbox_state,
    seed_world,
    served_sandbox,
)
from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.repositories import AllocationRepository
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.statuses import DocumentStatus
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import common, finalization, invoicing, pdfs, reconciliation
from verone.backoffice.services.actors import Actor
from verone.sandbox.state import SandboxState

pytestmark = pytest.mark.postgres


@pytest.fixture
def live_sandbox() -> Iterator[tuple[SandboxState, str]]:
    state = sandbox_state(pdf_delay_seconds=0.0)
    with served_sandbox(state) as base_url:
        yield state, base_url
    state.close()


@pytest.fixture
def own_engine() -> Iterator[Engine]:
    with private_postgres_schema() as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def test_two_concurrent_finalizes_make_exactly_one_qonto_finalize(
    own_engine: Engine, live_sandbox: tuple[SandboxState, str]
) -> None:
    state, base_url = live_sandbox
    clock = SandboxClock(state)
    factory = make_session_factory(own_engine)
    with httpx.Client(base_url=base_url, timeout=10) as http:
        gateway = QontoApiGateway(make_client(http, base_url), now=clock.now)
        world = seed_world(SqlAlchemyUnitOfWork(factory), clock.now())
        document = invoicing.create_invoice_from_order(
            SqlAlchemyUnitOfWork(factory), gateway, clock, world.as_accountant, world.order.id
        )
        actors = [world.as_accountant, Actor.interactive(world.admin.id)]
        tokens = [
            finalization.preview_finalization(
                SqlAlchemyUnitOfWork(factory),
                gateway,
                clock,
                actor,
                document.id,
                confirmation_key=CONFIRMATION_KEY,
            ).confirmation_token
            for actor in actors
        ]
        barrier = threading.Barrier(2)
        outcomes: list[object] = []

        def run(index: int) -> None:
            barrier.wait()
            try:
                result = finalization.finalize_document(
                    SqlAlchemyUnitOfWork(factory),
                    gateway,
                    clock,
                    actors[index],
                    document.id,
                    tokens[index],
                    confirmation_key=CONFIRMATION_KEY,
                    pdf_wait=pdfs.PdfWait(timeout=2, initial_delay=0.05, max_delay=0.2),
                )
                outcomes.append(result.document.number)
            except errors.DomainError as exc:
                outcomes.append(exc)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert len(finalize_calls(http)) == 1
    numbers = [o for o in outcomes if isinstance(o, str)]
    refusals = [o for o in outcomes if isinstance(o, errors.DomainError)]
    assert len(numbers) == 1
    assert len(refusals) == 1
    assert isinstance(refusals[0], errors.IllegalTransition | errors.ContentChanged)
    with SqlAlchemyUnitOfWork(factory) as uow:
        stored = uow.documents.get(document.id)
        assert stored is not None
        assert stored.status is DocumentStatus.FINALIZED
        assert stored.number == numbers[0]
        assert uow.outbox.list_unsettled() == []


# ------------------------------------------- one transfer allocated to two invoices at once


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def racing_factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[sessionmaker[Session]]:
    """Sessions on their own connections, committing for real, on a database of their own."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'race.db'}"
        upgrade_database(url)
        engine = make_engine(url)
        try:
            yield make_session_factory(engine)
        finally:
            engine.dispose()
        return
    with private_postgres_schema() as url:
        engine = make_engine(url)
        try:
            yield make_session_factory(engine)
        finally:
            engine.dispose()


def test_two_concurrent_allocations_of_one_transfer_never_exceed_its_amount(
    racing_factory: sessionmaker[Session],
    gateway: QontoApiGateway,
    http: TestClient,
    clock: SandboxClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both allocations fit alone (300 € of 500 €), not together. Each unit of work waits,
    right after reading what the transfer already gave, until the other one has read it too
    (or 1.5 s): without the transfer's lock both read 0 € and both allocate (PostgreSQL; on
    SQLite ``BEGIN IMMEDIATE`` already serializes them); with it the second one waits, reads
    300 € and gets the clear error."""
    world = seed_world(SqlAlchemyUnitOfWork(racing_factory), clock.now())
    uow = SqlAlchemyUnitOfWork(racing_factory)
    now = clock.now()
    # a 500 € transfer, two finalized 300 € invoices (never in Qonto: a local payment)
    transaction_id = add_transfer(uow, now, "500.00", "VIR ATELIER DUPONT").id
    invoice_ids = [
        add_local_invoice(uow, world, now, f"F-2026-9{n:02d}", "250.00").id for n in range(2)
    ]
    arrived = [threading.Event(), threading.Event()]
    original = AllocationRepository.allocated_from_transaction
    who = threading.local()

    def allocated_then_meet(self: AllocationRepository, txn_id: uuid.UUID) -> Decimal:
        taken = original(self, txn_id)
        arrived[who.index].set()
        arrived[1 - who.index].wait(timeout=1.5)
        return taken

    monkeypatch.setattr(AllocationRepository, "allocated_from_transaction", allocated_then_meet)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def run(index: int) -> None:
        who.index = index
        barrier.wait()
        try:
            outcomes.append(
                reconciliation.apply_match(
                    SqlAlchemyUnitOfWork(racing_factory),
                    gateway,
                    clock,
                    world.as_accountant,
                    transaction_id,
                    invoice_ids[index],
                    Decimal("300.00"),
                )
            )
        except errors.DomainError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    monkeypatch.undo()
    with SqlAlchemyUnitOfWork(racing_factory) as uow:
        allocations = uow.allocations.for_transaction(transaction_id)
        assert sum(a.amount for a in allocations) <= Decimal("500.00")
        assert len(allocations) == 1
    applied = [o for o in outcomes if isinstance(o, reconciliation.AppliedMatch)]
    refusals = [o for o in outcomes if isinstance(o, errors.DomainError)]
    assert len(applied) == 1
    assert [type(r) for r in refusals] == [errors.PaymentExceedsInvoice]
    assert refusals[0].message == "Le montant dépasse ce qui reste de la transaction."
    assert applied[0].invoice_paid


def test_two_splits_sharing_invoices_in_opposite_orders_both_land(
    racing_factory: sessionmaker[Session],
    gateway: QontoApiGateway,
    clock: SandboxClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two transfers split over the same two invoices, listed in opposite orders. Each unit of
    work, once it holds its first invoice's lock, waits for the other to hold one too (or
    1.5 s): taken in the order of the request they would deadlock (PostgreSQL aborts one);
    sorted by id, the second waits for the first and both splits land (docs/sync.md)."""
    world = seed_world(SqlAlchemyUnitOfWork(racing_factory), clock.now())
    uow = SqlAlchemyUnitOfWork(racing_factory)
    now = clock.now()
    transfers = [add_transfer(uow, now, "1000.00", f"VIR LOT {n}").id for n in range(2)]
    one, two = (
        add_local_invoice(uow, world, now, f"F-2026-8{n:02d}", "250.00").id for n in range(2)
    )
    requests = [
        [(two, Decimal("100.00")), (one, Decimal("100.00"))],
        [(one, Decimal("100.00")), (two, Decimal("100.00"))],
    ]
    holding = [threading.Event(), threading.Event()]
    original = common.lock_document
    who = threading.local()

    def lock_then_meet(uow: SqlAlchemyUnitOfWork, document_id: uuid.UUID) -> object:
        document = original(uow, document_id)
        if not holding[who.index].is_set():
            holding[who.index].set()
            holding[1 - who.index].wait(timeout=1.5)
        return document

    monkeypatch.setattr(reconciliation, "lock_document", lock_then_meet)
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def run(index: int) -> None:
        who.index = index
        barrier.wait()
        try:
            outcomes.append(
                reconciliation.apply_split(
                    SqlAlchemyUnitOfWork(racing_factory),
                    gateway,
                    clock,
                    world.as_accountant,
                    transfers[index],
                    requests[index],
                )
            )
        except Exception as exc:  # a deadlock would land here
            outcomes.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    monkeypatch.undo()
    assert [type(o) for o in outcomes] == [reconciliation.SplitResult] * 2, outcomes
    with SqlAlchemyUnitOfWork(racing_factory) as check:
        for invoice_id in (one, two):
            amounts = [a.amount for a in check.allocations.for_document(invoice_id)]
            assert amounts == [Decimal("100.00")] * 2
