"""Credential checks: API key, bearer tokens, staging token; OAuth token lifetimes."""

from __future__ import annotations

import pytest

from verone.sandbox.auth import check_credentials
from verone.sandbox.clock import Clock
from verone.sandbox.config import SandboxConfig
from verone.sandbox.oauth import OAuthError, OAuthStore
from verone.sandbox.state import SandboxState


@pytest.fixture
def state() -> SandboxState:
    return SandboxState(SandboxConfig(transactions=5, secret_key="s3cret"))


def test_api_key(state: SandboxState) -> None:
    assert check_credentials(state, "verone-4819:s3cret", None) is None
    assert check_credentials(state, "verone-4819:sandbox-secret-key", None) == "Invalid credentials"
    assert check_credentials(state, None, None) == "Missing Authorization header"


def test_bearer_token(state: SandboxState) -> None:
    token = state.oauth.client_credentials("organization.read").access_token
    assert isinstance(token, str)
    assert check_credentials(state, f"Bearer {token}", None) is None
    assert check_credentials(state, "Bearer forged", None) == "Invalid or expired access token"


def test_staging_token_checked_first(state: SandboxState) -> None:
    state.config.require_staging_token = True
    state.config.staging_token = "stg"
    assert check_credentials(state, "verone-4819:s3cret", None) is not None
    assert check_credentials(state, "verone-4819:s3cret", "stg") is None


def test_codes_are_single_use_and_expire() -> None:
    clock = Clock()
    store = OAuthStore(clock)
    code = store.issue_code("organization.read")
    assert store.exchange_code(code).scope == "organization.read"
    with pytest.raises(OAuthError):
        store.exchange_code(code)
    late = store.issue_code("")
    clock.advance(601)
    with pytest.raises(OAuthError):
        store.exchange_code(late)


def test_refresh_rotation_grace_and_snapshot() -> None:
    clock = Clock()
    store = OAuthStore(clock)
    first = store.client_credentials("")
    second = store.refresh_tokens(str(first.refresh_token))
    restored = OAuthStore.from_snapshot(store.to_snapshot(), clock)
    assert restored.check_access(str(second.access_token)) is not None
    clock.advance(61)
    with pytest.raises(OAuthError):
        restored.refresh_tokens(str(first.refresh_token))
    assert restored.refresh_tokens(str(second.refresh_token)).token_type == "bearer"
