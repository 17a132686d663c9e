"""``QontoSettings`` (read from ``QONTO_*`` variables) and the one factory that builds clients.

This is the only place of ``verone.qonto`` that reads the environment, and only when a
``QontoSettings()`` is created. It refuses to point sandbox credentials at production, and
real credentials at a local sandbox.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Literal, Self, TypedDict
from urllib.parse import urlsplit

import httpx
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from verone.qonto._async_client import AsyncQontoClient
from verone.qonto._auth import QONTO_TOKEN_URL, ApiKeyAuth, AuthStrategy, OAuth2Auth
from verone.qonto._base import DEFAULT_BASE_URL
from verone.qonto._client import QontoClient
from verone.qonto._ratelimit import RateBudget, RateBudgetStore, RateLimit
from verone.qonto._retry import RetryPolicy

SANDBOX_LOGIN = "verone-4819"
SANDBOX_SECRET_KEY = "sandbox-secret-key"  # noqa: S105  # the documented local sandbox credential
PRODUCTION_HOSTS = frozenset({"thirdparty.qonto.com", "oauth.qonto.com"})
LOCAL_HOSTS = frozenset({"localhost", "testserver"})


def is_local_url(url: str) -> bool:
    """True for a loopback address (where the local sandbox runs)."""
    host = (urlsplit(url).hostname or "").lower()
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_production_url(url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() in PRODUCTION_HOSTS


class QontoSettings(BaseSettings):
    """Everything needed to talk to Qonto, from ``QONTO_*`` variables (or arguments)."""

    model_config = SettingsConfigDict(env_prefix="QONTO_", extra="ignore", frozen=True)

    auth_mode: Literal["api_key", "oauth"] = "api_key"
    organization_id: str | None = Field(
        default=None, description="the organization login used with the API key, e.g. acme-1234"
    )
    api_key: SecretStr | None = None
    base_url: str = DEFAULT_BASE_URL
    staging_token: SecretStr | None = None
    oauth_client_id: str | None = None
    oauth_client_secret: SecretStr | None = None
    oauth_refresh_token: SecretStr | None = None
    oauth_token_url: str = QONTO_TOKEN_URL
    rate_limits: str = Field(
        default="1000/10s,10000/600s",
        description="comma-separated 'requests/period' budgets, e.g. '100/1min'",
    )
    max_retries: int = Field(default=3, ge=0, le=10)
    retry_deadline_seconds: float = Field(default=60.0, gt=0, le=1800)
    timeout_seconds: float = Field(default=30.0, gt=0, le=300)

    @field_validator("base_url", "oauth_token_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        if parts.scheme == "http" and not is_local_url(value):
            raise ValueError("plain http is only allowed for a loopback sandbox; use https")
        return value.rstrip("/")

    @field_validator("rate_limits")
    @classmethod
    def _limits(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                RateLimit.parse(part)
        return value

    @model_validator(mode="after")
    def _complete_and_safe(self) -> Self:
        if self.auth_mode == "api_key":
            missing = [
                name
                for name, val in (
                    ("QONTO_ORGANIZATION_ID", self.organization_id),
                    ("QONTO_API_KEY", self.api_key),
                )
                if not val
            ]
            if missing:
                raise ValueError(f"QONTO_AUTH_MODE=api_key needs {' and '.join(missing)}")
        else:
            missing = [
                name
                for name, val in (
                    ("QONTO_OAUTH_CLIENT_ID", self.oauth_client_id),
                    ("QONTO_OAUTH_CLIENT_SECRET", self.oauth_client_secret),
                    ("QONTO_OAUTH_REFRESH_TOKEN", self.oauth_refresh_token),
                )
                if not val
            ]
            if missing:
                raise ValueError(f"QONTO_AUTH_MODE=oauth needs {', '.join(missing)}")
        self._guard_environments()
        return self

    def _uses_sandbox_credentials(self) -> bool:
        key = self.api_key.get_secret_value() if self.api_key else None
        return self.organization_id == SANDBOX_LOGIN or key == SANDBOX_SECRET_KEY

    def _guard_environments(self) -> None:
        sandbox_creds = self._uses_sandbox_credentials()
        if is_production_url(self.base_url) and sandbox_creds:
            raise ValueError(
                "refusing the production Qonto URL with the local sandbox credentials "
                f"({SANDBOX_LOGIN}); set QONTO_BASE_URL to the sandbox, or use real credentials"
            )
        if is_local_url(self.base_url) and self.auth_mode == "api_key":
            key = self.api_key.get_secret_value() if self.api_key else None
            if self.organization_id != SANDBOX_LOGIN or key != SANDBOX_SECRET_KEY:
                raise ValueError(
                    "refusing to send non-sandbox credentials to a local (loopback) URL; "
                    f"the local sandbox uses {SANDBOX_LOGIN} and its documented key"
                )

    def parsed_rate_limits(self) -> tuple[RateLimit, ...]:
        return tuple(RateLimit.parse(p) for p in self.rate_limits.split(",") if p.strip())

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(max_retries=self.max_retries, deadline=self.retry_deadline_seconds)

    def build_auth(self, on_refresh_token: Callable[[str], None] | None = None) -> AuthStrategy:
        if self.auth_mode == "api_key":
            assert self.organization_id is not None
            assert self.api_key is not None
            return ApiKeyAuth(self.organization_id, self.api_key)
        assert self.oauth_client_id is not None
        assert self.oauth_client_secret is not None
        assert self.oauth_refresh_token is not None
        return OAuth2Auth(
            client_id=self.oauth_client_id,
            client_secret=self.oauth_client_secret,
            refresh_token=self.oauth_refresh_token,
            token_url=self.oauth_token_url,
            on_refresh_token=on_refresh_token,
        )


class _ClientArguments(TypedDict):
    auth: AuthStrategy
    base_url: str
    staging_token: SecretStr | None
    timeout: float
    retry: RetryPolicy
    rate_budget: RateBudget


def _client_arguments(
    settings: QontoSettings | None,
    rate_store: RateBudgetStore | None,
    on_refresh_token: Callable[[str], None] | None,
) -> _ClientArguments:
    """What both clients are built from (settings read from ``QONTO_*`` when not given)."""
    settings = settings if settings is not None else QontoSettings()
    return _ClientArguments(
        auth=settings.build_auth(on_refresh_token),
        base_url=settings.base_url,
        staging_token=settings.staging_token,
        timeout=settings.timeout_seconds,
        retry=settings.retry_policy(),
        rate_budget=RateBudget(settings.parsed_rate_limits(), store=rate_store),
    )


def get_qonto_client(
    settings: QontoSettings | None = None,
    *,
    rate_store: RateBudgetStore | None = None,
    on_refresh_token: Callable[[str], None] | None = None,
    http_client: httpx.Client | None = None,
) -> QontoClient:
    """The one factory of the sync client (settings read from ``QONTO_*`` when not given).

    ``rate_store`` shares the rate budget (e.g. through a database); ``on_refresh_token``
    persists each rotated OAuth refresh token; ``http_client`` is injected, not closed.
    """
    arguments = _client_arguments(settings, rate_store, on_refresh_token)
    return QontoClient(**arguments, http_client=http_client)


def get_async_qonto_client(
    settings: QontoSettings | None = None,
    *,
    rate_store: RateBudgetStore | None = None,
    on_refresh_token: Callable[[str], None] | None = None,
    http_client: httpx.AsyncClient | None = None,
) -> AsyncQontoClient:
    """The one factory of the async client (same settings and guards)."""
    arguments = _client_arguments(settings, rate_store, on_refresh_token)
    return AsyncQontoClient(**arguments, http_client=http_client)
