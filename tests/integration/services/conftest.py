"""Fixtures of the service tests: the sandbox in-process as the gateway's HTTP client, the
clock shared with it, a world of users/customer/order in the test's database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.services.support import (
    SandboxClock,
    TestClient,
    World,
    in_process_sandbox,
    make_client,
    sandbox_state,
    seed_world,
)
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.sandbox.state import SandboxState


@pytest.fixture
def sandbox() -> Iterator[SandboxState]:
    state = sandbox_state()
    yield state
    state.close()


@pytest.fixture
def http(sandbox: SandboxState) -> Iterator[TestClient]:
    with in_process_sandbox(sandbox) as client:
        yield client


@pytest.fixture
def clock(sandbox: SandboxState) -> SandboxClock:
    return SandboxClock(sandbox)


@pytest.fixture
def gateway(http: TestClient, clock: SandboxClock) -> QontoApiGateway:
    return QontoApiGateway(make_client(http), now=clock.now)


@pytest.fixture
def world(uow: SqlAlchemyUnitOfWork, clock: SandboxClock) -> World:
    return seed_world(uow, clock.now())
