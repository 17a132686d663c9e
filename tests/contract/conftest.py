"""Contract-test fixtures: a sandbox app in-process behind Starlette's TestClient."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from verone.sandbox.app import create_app
from verone.sandbox.config import DEFAULT_LOGIN, DEFAULT_SECRET_KEY, SandboxConfig
from verone.sandbox.state import SandboxState

__all__ = ["API_KEY", "AUTH", "TestClient"]

API_KEY = f"{DEFAULT_LOGIN}:{DEFAULT_SECRET_KEY}"
AUTH = {"Authorization": API_KEY}


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(transactions=300, seed=42)


@pytest.fixture
def sandbox_state(sandbox_config: SandboxConfig) -> Iterator[SandboxState]:
    state = SandboxState(sandbox_config)
    yield state
    state.close()


@pytest.fixture
def api(sandbox_state: SandboxState) -> Iterator[TestClient]:
    """A client of the sandbox sending the default API key on every call."""
    with TestClient(create_app(sandbox_state), headers=AUTH) as client:
        yield client


@pytest.fixture
def anon(sandbox_state: SandboxState) -> Iterator[TestClient]:
    """A client without credentials (control API, auth failures)."""
    with TestClient(create_app(sandbox_state)) as client:
        yield client
