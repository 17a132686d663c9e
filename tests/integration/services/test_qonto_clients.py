"""One Qonto client per customer: find-or-create under the customer's lock, on real parallel
sessions (SQLite file, PostgreSQL schema), and no Qonto write before a request is known
valid and confirmed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.integration.services.support import (
    CONFIRMATION_KEY,
    SandboxClock,
    TestClient,
    World,
    make_client,
    private_postgres_schema,
    recorded,
    sandbox_state,
    seed_world,
    served_sandbox,
    service_items,
)
from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import finalization, invoicing, quotes
from verone.sandbox.state import SandboxState

PARALLEL = 4
AUTH = {"Authorization": "verone-4819:sandbox-secret-key"}


@contextmanager
def _database(kind: str, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'clients.db'}"
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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    with _database(str(request.param), tmp_path) as session_factory:
        yield session_factory


@pytest.fixture
def live() -> Iterator[tuple[SandboxState, httpx.Client, QontoApiGateway]]:
    state = sandbox_state(pdf_delay_seconds=0.0)
    with served_sandbox(state) as base_url, httpx.Client(base_url=base_url, timeout=10) as http:
        yield state, http, QontoApiGateway(make_client(http, base_url), now=state.clock.now)
    state.close()


def _in_parallel(calls: list[Callable[[], object]]) -> list[object]:
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = []
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            result: object = call()
        except errors.DomainError as exc:
            result = exc
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == len(calls)
    return outcomes


def _qonto_clients(http: httpx.Client) -> list[dict[str, object]]:
    body = http.get("/v2/clients", params={"per_page": 100}, headers=AUTH).json()
    clients = body["clients"]
    assert isinstance(clients, list)
    return clients


def _client_creates(http: httpx.Client) -> list[dict[str, object]]:
    return [r for r in recorded(http) if r["method"] == "POST" and r["path"] == "/v2/clients"]


def test_parallel_first_invoices_of_one_customer_make_exactly_one_qonto_client(
    factory: sessionmaker[Session], live: tuple[SandboxState, httpx.Client, QontoApiGateway]
) -> None:
    state, http, gateway = live
    clock = SandboxClock(state)
    world = seed_world(SqlAlchemyUnitOfWork(factory), clock.now())

    outcomes = _in_parallel(
        [
            lambda: invoicing.create_service_invoice(
                SqlAlchemyUnitOfWork(factory),
                gateway,
                clock,
                world.as_accountant,
                world.customer.id,
                service_items(),
            )
            for _ in range(PARALLEL)
        ]
    )

    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert len(_client_creates(http)) == 1
    (client,) = _qonto_clients(http)
    with SqlAlchemyUnitOfWork(factory) as uow:
        customer = uow.customers.get(world.customer.id)
        assert customer is not None
        assert customer.qonto_client_id == client["id"]
        assert uow.outbox.list_unsettled() == []


def test_parallel_invoices_of_one_order_refused_but_one_make_one_qonto_client(
    factory: sessionmaker[Session], live: tuple[SandboxState, httpx.Client, QontoApiGateway]
) -> None:
    state, http, gateway = live
    clock = SandboxClock(state)
    world = seed_world(SqlAlchemyUnitOfWork(factory), clock.now())

    outcomes = _in_parallel(
        [
            lambda: invoicing.create_invoice_from_order(
                SqlAlchemyUnitOfWork(factory), gateway, clock, world.as_accountant, world.order.id
            )
            for _ in range(PARALLEL)
        ]
    )

    refused = [o for o in outcomes if isinstance(o, errors.OverInvoicing)]
    assert len(refused) == PARALLEL - 1  # one invoice per order, the others 409
    assert len(_client_creates(http)) == 1
    assert len(_qonto_clients(http)) == 1


def test_a_quote_finalize_with_a_garbage_token_writes_nothing_to_qonto(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    quote = quotes.create_service_quote(
        uow, clock, world.as_accountant, world.customer.id, service_items()
    )
    with pytest.raises(errors.ConfirmationInvalid):
        finalization.finalize_document(
            uow,
            gateway,
            clock,
            world.as_accountant,
            quote.id,
            "garbage",
            confirmation_key=CONFIRMATION_KEY,
        )

    assert [r for r in recorded(http) if r["method"] != "GET"] == []
    with uow:
        customer = uow.customers.get(world.customer.id)
        assert customer is not None
        assert customer.qonto_client_id is None
        assert uow.outbox.list_unsettled() == []


def test_an_over_invoicing_request_writes_nothing_to_qonto(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    invoicing.create_invoice_from_order(uow, gateway, clock, world.as_accountant, world.order.id)
    with uow:
        customer = uow.customers.get(world.customer.id)
        assert customer is not None
        customer.qonto_client_id = None  # as if the customer had never been pushed
        uow.commit()
    writes_before = [r for r in recorded(http) if r["method"] != "GET"]

    with pytest.raises(errors.OverInvoicing):
        invoicing.create_invoice_from_order(
            uow, gateway, clock, world.as_accountant, world.order.id
        )

    assert [r for r in recorded(http) if r["method"] != "GET"] == writes_before
