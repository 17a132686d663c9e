"""The back office's one settings object: ``VERONE_*`` variables plus the client's ``QONTO_*``.

``load_settings()`` validates everything at start-up and raises ``ConfigurationError`` whose
message names each faulty variable, in French and English, and never contains a secret.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from pathlib import Path
from typing import Literal, Self

from pydantic import (
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from verone.qonto._settings import (
    SANDBOX_LOGIN,
    SANDBOX_SECRET_KEY,
    QontoSettings,
    is_local_url,
)

Environment = Literal["embedded", "production"]

SECRET_KEY_FILE = "secret.key"  # noqa: S105  # a file name, not a secret
MIN_SECRET_KEY_LENGTH = 32
PLACEHOLDER_SECRETS = frozenset({"changeme", "change-me", "secret", "password", "dev", "test"})


class ConfigurationError(Exception):
    """The configuration is unusable; ``problems`` lists ``(variable, message)`` pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        lines = [f"- {variable}: {message}" for variable, message in problems]
        super().__init__("Configuration invalide / invalid configuration:\n" + "\n".join(lines))


class Settings(BaseSettings):
    """Everything the back office needs, from ``VERONE_*`` (and ``QONTO_*``) variables."""

    model_config = SettingsConfigDict(env_prefix="VERONE_", extra="ignore", frozen=True)

    environment: Environment = "embedded"
    database_url: str = "sqlite:///var/verone.sqlite3"
    #: SQLite: how long a write retries a locked database before the API answers 503.
    db_busy_timeout_ms: int = Field(default=5_000, ge=0, le=120_000)
    var_dir: Path = Path("var")
    secret_key: SecretStr | None = None
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8000, ge=0, le=65535)
    sandbox_port: int = Field(default=8100, ge=0, le=65535)
    demo_data: bool = True
    bootstrap_admin_email: str | None = None
    bootstrap_admin_password: SecretStr | None = None
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "facturation@verone.example"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    session_cookie_secure: bool | None = None
    pdf_wait_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    pdf_wait_interval_seconds: float = Field(default=1.0, gt=0, le=60)
    outbox_job_interval_seconds: float = Field(default=30.0, gt=0, le=3600)
    outbox_settle_after_seconds: float = Field(default=60.0, ge=0, le=86400)
    pdf_job_interval_seconds: float = Field(default=60.0, gt=0, le=3600)
    sync_job_interval_seconds: float = Field(default=900.0, gt=0, le=86400)
    jobs_enabled: bool = True
    webhook_secret: SecretStr | None = None  # the Qonto webhook subscription's secret
    # reverse proxies whose X-Forwarded-For is believed (comma-separated IPs or CIDR networks)
    trusted_proxies: str = ""
    # request body limits per route class (api/middleware.py), in bytes
    max_json_body_bytes: int = Field(default=1_000_000, ge=1024, le=100_000_000)
    max_webhook_body_bytes: int = Field(default=256_000, ge=1024, le=100_000_000)
    max_upload_body_bytes: int = Field(default=16_000_000, ge=1024, le=1_000_000_000)
    qonto: QontoSettings | None = None

    _qonto: QontoSettings | None = PrivateAttr(default=None)
    _secret: SecretStr | None = PrivateAttr(default=None)

    @field_validator("bootstrap_admin_email", "smtp_from")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if "@" not in value or value.startswith("@") or value.endswith("@"):
            raise ValueError("adresse e-mail invalide / not an e-mail address")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                try:
                    ipaddress.ip_network(part.strip(), strict=False)
                except ValueError:
                    raise ValueError(
                        f"{part.strip()!r} n'est pas une adresse IP ou un réseau / "
                        "not an IP address or network"
                    ) from None
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError:
            raise ValueError(
                "URL de base de données illisible / unreadable database URL "
                "(sqlite:///… or postgresql+psycopg://…)"
            ) from None
        if backend not in ("sqlite", "postgresql"):
            raise ValueError(
                f"base {backend!r} non prise en charge / unsupported backend: "
                "use sqlite or postgresql"
            )
        return value

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.environment == "production":
            self._check_production()
            self._secret = self.secret_key
        else:
            self._secret = self.secret_key or self._embedded_secret()
            self._prepare_sqlite_folder()
        self._qonto = self.qonto if self.qonto is not None else self._load_qonto()
        if self.environment == "production":
            self._check_production_qonto(self._qonto)
        return self

    # ------------------------------------------------------------------ production rules

    def _check_production(self) -> None:
        if self.backend != "postgresql":
            raise ValueError(
                "VERONE_DATABASE_URL: la production exige PostgreSQL / production requires "
                "PostgreSQL (postgresql+psycopg://…)"
            )
        key = self.secret_key.get_secret_value() if self.secret_key else ""
        if not key:
            raise ValueError(
                "VERONE_SECRET_KEY: obligatoire en production / required in production"
            )
        if len(key) < MIN_SECRET_KEY_LENGTH or key.lower() in PLACEHOLDER_SECRETS:
            raise ValueError(
                f"VERONE_SECRET_KEY: trop courte ou valeur d'exemple (au moins "
                f"{MIN_SECRET_KEY_LENGTH} caractères aléatoires) / too short or a placeholder"
            )

    @staticmethod
    def _check_production_qonto(qonto: QontoSettings) -> None:
        if is_local_url(qonto.base_url):
            raise ValueError(
                "QONTO_BASE_URL: adresse locale refusée en production / a loopback URL is "
                "refused in production (that is the sandbox)"
            )
        key = qonto.api_key.get_secret_value() if qonto.api_key else None
        if qonto.organization_id == SANDBOX_LOGIN or key == SANDBOX_SECRET_KEY:
            raise ValueError(
                "QONTO_ORGANIZATION_ID / QONTO_API_KEY: identifiants du bac à sable refusés en "
                "production / the sandbox credentials are refused in production"
            )

    # ------------------------------------------------------------------ embedded default

    def _embedded_secret(self) -> SecretStr:
        """The key generated on first start and kept in ``var/secret.key``."""
        path = self.var_dir / SECRET_KEY_FILE
        if path.exists():
            stored = path.read_text(encoding="utf-8").strip()
            if len(stored) >= MIN_SECRET_KEY_LENGTH:
                return SecretStr(stored)
        self.var_dir.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(48)
        path.write_text(value + "\n", encoding="utf-8")
        path.chmod(0o600)
        return SecretStr(value)

    def _prepare_sqlite_folder(self) -> None:
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)

    def _load_qonto(self) -> QontoSettings:
        try:
            if self.environment == "embedded":
                return QontoSettings(
                    auth_mode="api_key",
                    organization_id=SANDBOX_LOGIN,
                    api_key=SecretStr(SANDBOX_SECRET_KEY),
                    base_url=self.sandbox_url,
                )
            return QontoSettings()
        except ValidationError as exc:
            problems = describe_errors(exc.errors(), prefix="QONTO_")
            raise ValueError("; ".join(f"{var}: {msg}" for var, msg in problems)) from None

    # ------------------------------------------------------------------ derived values

    @property
    def backend(self) -> str:
        return make_url(self.database_url).get_backend_name()

    @property
    def is_embedded(self) -> bool:
        return self.environment == "embedded"

    @property
    def qonto_simulated(self) -> bool:
        """True when the Qonto side is the local sandbox (the banner on every page)."""
        return is_local_url(self.qonto_settings.base_url)

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.sandbox_port}"

    @property
    def sandbox_state_file(self) -> Path:
        return self.var_dir / "sandbox-state.json"

    @property
    def qonto_settings(self) -> QontoSettings:
        assert self._qonto is not None, "validated at construction"
        return self._qonto

    @property
    def session_secret(self) -> SecretStr:
        assert self._secret is not None, "validated at construction"
        return self._secret

    @property
    def webhook_signing_secret(self) -> SecretStr | None:
        """``VERONE_WEBHOOK_SECRET``, or on the embedded default a secret derived from the
        session key, which the back office gives its own sandbox subscription."""
        if self.webhook_secret is not None or not self.is_embedded:
            return self.webhook_secret
        key = self.session_secret.get_secret_value().encode()
        return SecretStr(hmac.new(key, b"verone.webhooks", hashlib.sha256).hexdigest())

    @property
    def trusted_proxy_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [
            ipaddress.ip_network(part.strip(), strict=False)
            for part in self.trusted_proxies.split(",")
            if part.strip()
        ]

    @property
    def cookie_secure(self) -> bool:
        if self.session_cookie_secure is not None:
            return self.session_cookie_secure
        return self.environment == "production"


def _variable(location: tuple[int | str, ...], prefix: str) -> str:
    fields = [str(part) for part in location if isinstance(part, str)]
    return (prefix + fields[0]).upper() if fields else ""


def describe_errors(errors: list[ErrorDetails], prefix: str) -> list[tuple[str, str]]:
    """``(variable, message)`` for each validation error: messages only, never input values."""
    problems: list[tuple[str, str]] = []
    for error in errors:
        message = str(error["msg"]).removeprefix("Value error, ")
        variable = _variable(error["loc"], prefix)
        if not variable:
            head, sep, rest = message.partition(": ")
            variable, message = (head, rest) if sep and head.isupper() else ("", message)
        if not variable:
            named = re.findall(rf"\b{prefix}[A-Z_]+", message)
            variable = named[0] if named else ""
        problems.append((variable or f"{prefix}*", message))
    return problems


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings; ``ConfigurationError`` names every bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]  # names and values checked at run time
    except ValidationError as exc:
        raise ConfigurationError(describe_errors(exc.errors(), prefix="VERONE_")) from None
