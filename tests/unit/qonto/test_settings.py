"""``QontoSettings`` and the one factory: validation, and the production/sandbox guard."""

from __future__ import annotations

import os

import pytest
from pydantic import SecretStr, ValidationError

from verone.qonto import (
    ApiKeyAuth,
    AsyncQontoClient,
    OAuth2Auth,
    QontoClient,
    QontoSettings,
    RateLimit,
    get_async_qonto_client,
    get_qonto_client,
)

SANDBOX_URL = "http://127.0.0.1:8100"


def _env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for key in list(os.environ):
        if key.startswith("QONTO_"):
            monkeypatch.delenv(key)
    for key, value in values.items():
        monkeypatch.setenv(f"QONTO_{key.upper()}", value)


def test_reads_the_seed_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    _env(
        monkeypatch,
        auth_mode="api_key",
        organization_id="acme-1234",
        api_key="live-key",
        staging_token="stg",
        rate_limits="100/1min",
        max_retries="5",
    )
    settings = QontoSettings()
    assert settings.base_url == "https://thirdparty.qonto.com"
    assert settings.parsed_rate_limits() == (RateLimit(100, 60.0),)
    assert settings.retry_policy().max_retries == 5
    client = get_qonto_client()
    assert isinstance(client, QontoClient)
    assert isinstance(client.core.auth, ApiKeyAuth)
    assert client.core.auth.login == "acme-1234"
    assert "live-key" not in repr(settings)
    assert "live-key" not in repr(client)
    client.close()


def test_api_key_mode_needs_login_and_key(monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, auth_mode="api_key")
    with pytest.raises(ValidationError, match="QONTO_ORGANIZATION_ID and QONTO_API_KEY"):
        QontoSettings()


def test_oauth_mode_needs_client_and_refresh_token(monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, auth_mode="oauth", oauth_client_id="app")
    with pytest.raises(ValidationError, match="QONTO_OAUTH_CLIENT_SECRET, QONTO_OAUTH_REFRESH"):
        QontoSettings()


def test_unknown_auth_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    _env(monkeypatch, auth_mode="basic")
    with pytest.raises(ValidationError, match="api_key"):
        QontoSettings()


def test_bad_rate_limits_say_what_is_expected() -> None:
    with pytest.raises(ValidationError, match=r"expected e\.g\. '1000/10s'"):
        QontoSettings(organization_id="acme-1", api_key=SecretStr("k"), rate_limits="lots")


def test_oauth_settings_build_an_oauth_client() -> None:
    settings = QontoSettings(
        auth_mode="oauth",
        oauth_client_id="app",
        oauth_client_secret=SecretStr("s"),
        oauth_refresh_token=SecretStr("r"),
        oauth_token_url="http://127.0.0.1:8100/oauth2/token",
        base_url=SANDBOX_URL,
    )
    client = get_async_qonto_client(settings)
    assert isinstance(client, AsyncQontoClient)
    assert isinstance(client.core.auth, OAuth2Auth)
    assert client.core.auth.token_url == "http://127.0.0.1:8100/oauth2/token"
    sync = get_qonto_client(settings)
    assert isinstance(sync.core.auth, OAuth2Auth)
    sync.close()
    assert get_async_qonto_client(settings).core.base_url == SANDBOX_URL


class TestEnvironmentGuard:
    def test_production_url_with_sandbox_credentials_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="refusing the production Qonto URL"):
            QontoSettings(organization_id="verone-4819", api_key=SecretStr("sandbox-secret-key"))

    def test_production_url_with_the_sandbox_key_alone_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="refusing the production"):
            QontoSettings(organization_id="acme-1234", api_key=SecretStr("sandbox-secret-key"))

    def test_loopback_url_with_real_credentials_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="non-sandbox credentials to a local"):
            QontoSettings(
                organization_id="acme-1234", api_key=SecretStr("live-key"), base_url=SANDBOX_URL
            )

    def test_loopback_url_with_sandbox_credentials_is_fine(self) -> None:
        settings = QontoSettings(
            organization_id="verone-4819",
            api_key=SecretStr("sandbox-secret-key"),
            base_url=SANDBOX_URL,
        )
        assert get_qonto_client(settings).core.base_url == SANDBOX_URL

    def test_plain_http_is_refused_off_loopback(self) -> None:
        with pytest.raises(ValidationError, match="plain http"):
            QontoSettings(
                organization_id="a-1", api_key=SecretStr("k"), base_url="http://qonto.example"
            )

    def test_error_messages_never_show_the_key(self) -> None:
        with pytest.raises(ValidationError) as caught:
            QontoSettings(
                organization_id="acme-1234", api_key=SecretStr("live-key-XYZ"), base_url=SANDBOX_URL
            )
        assert "live-key-XYZ" not in str(caught.value)
