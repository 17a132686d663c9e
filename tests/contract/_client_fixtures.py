"""Fixtures of the Qonto client's contract tests: the client wired to an in-process sandbox.

Test modules load them with ``pytest_plugins = ["tests.contract._client_fixtures"]``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract._client_helpers import BASE_URL, LiveSandbox, SandboxTime, TestClient
from verone.qonto import QontoClient, RateBudget, RetryPolicy
from verone.sandbox.app import create_app
from verone.sandbox.config import DEFAULT_LOGIN, DEFAULT_SECRET_KEY, SandboxConfig
from verone.sandbox.state import SandboxState


@pytest.fixture
def qonto_state() -> Iterator[SandboxState]:
    state = SandboxState(SandboxConfig(transactions=250, seed=7, pdf_delay_seconds=10.0))
    yield state
    state.close()


@pytest.fixture
def sandbox_http(qonto_state: SandboxState) -> Iterator[TestClient]:
    with TestClient(create_app(qonto_state), base_url=BASE_URL) as http:
        yield http


@pytest.fixture
def sandbox_time(qonto_state: SandboxState) -> SandboxTime:
    return SandboxTime(qonto_state)


@pytest.fixture
def qonto(sandbox_http: TestClient, sandbox_time: SandboxTime) -> Iterator[QontoClient]:
    """The sync client on the sandbox; its sleeps move the sandbox clock (no waiting)."""
    client = QontoClient(
        login=DEFAULT_LOGIN,
        secret_key=DEFAULT_SECRET_KEY,
        base_url=BASE_URL,
        http_client=sandbox_http,
        retry=RetryPolicy(max_retries=4, deadline=600.0),
        rate_budget=RateBudget(clock=sandbox_time.clock),
        sleep=sandbox_time.sleep,
        clock=sandbox_time.clock,
    )
    with client:
        yield client


@pytest.fixture(scope="module")
def live_sandbox() -> Iterator[LiveSandbox]:
    state = SandboxState(SandboxConfig(transactions=300, seed=11, pdf_delay_seconds=10.0))
    live = LiveSandbox(state)
    live.start()
    yield live
    live.stop()
    state.close()
