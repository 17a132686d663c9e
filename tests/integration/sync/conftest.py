"""Fixtures of the sync tests: the sandbox in-process, the reader over it, a clock shared with
it, and the service-test world (users, customer, order)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.services.support import (
    SandboxClock,
    TestClient,
    in_process_sandbox,
    make_client,
    sandbox_state,
)
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.integrations.qonto_sync import QontoSyncClient
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
def reader(http: TestClient) -> QontoSyncClient:
    return QontoSyncClient(make_client(http), concurrency=4, per_page=20)


@pytest.fixture
def gateway(http: TestClient, clock: SandboxClock) -> QontoApiGateway:
    return QontoApiGateway(make_client(http), now=clock.now)
