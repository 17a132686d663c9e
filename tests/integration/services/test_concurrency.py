"""Two users finalizing the same draft at once, on real PostgreSQL sessions: one finalize."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine

from tests.integration.services.support import (
    CONFIRMATION_KEY,
    SandboxClock,
    finalize_calls,
    make_client,
    private_postgres_schema,
    sandbox_state,
    seed_world,
    served_sandbox,
)
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.statuses import DocumentStatus
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.services import finalization, invoicing, pdfs
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
