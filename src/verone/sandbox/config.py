"""Settings of one sandbox instance (from the command line or the tests)."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_LOGIN = "verone-4819"
DEFAULT_SECRET_KEY = "sandbox-secret-key"  # noqa: S105  # the documented sandbox credential


@dataclass(frozen=True, slots=True)
class RateLimit:
    requests: int
    window_seconds: float


@dataclass(slots=True)
class SandboxConfig:
    login: str = DEFAULT_LOGIN
    secret_key: str = DEFAULT_SECRET_KEY
    staging_token: str | None = None
    require_staging_token: bool = False
    seed: int = 42
    transactions: int = 400
    latency_ms: int = 0
    pdf_delay_seconds: float = 10.0
    rate_limits: tuple[RateLimit, ...] = (RateLimit(1_000, 10.0), RateLimit(10_000, 600.0))
    unauthorized_limit: RateLimit = RateLimit(200, 3600.0)
    idempotency_ttl_seconds: float = 1800.0
    attachment_url_ttl_seconds: float = 1800.0
    public_base_url: str = "http://127.0.0.1:8100"
    state_file: str | None = None
    oauth_client_id: str = "sandbox-client"
    oauth_client_secret: str = "sandbox-client-secret"  # noqa: S105  # documented sandbox value
    features: dict[str, bool] = field(default_factory=dict)
