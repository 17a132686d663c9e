"""The one composition root: ``build_container(settings)`` wires what web, CLI, jobs and tests use.

Nothing is built at import; the container owns the engine and the Qonto client and releases
both in ``close()``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Self

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from verone.backoffice.config import Settings
from verone.backoffice.db.passwords import Argon2PasswordHasher
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain.users import Role
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.integrations.qonto_sync import QontoSyncClient
from verone.backoffice.integrations.smtp_mailer import SmtpMailer
from verone.backoffice.ports import Clock, Mailer, PasswordHasher, QontoGateway, QontoSyncReader
from verone.backoffice.services.diagnostics import QontoSetup, SchemaState
from verone.backoffice.services.pdfs import PdfWait
from verone.backoffice.services.users import UserAlreadyExists, create_user
from verone.qonto import QontoClient, get_qonto_client


class SystemClock:
    """``ports.Clock`` on the machine's clock, always timezone-aware UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().date()


@dataclass
class Container:
    """Every long-lived collaborator, built once per process from ``Settings``."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock
    password_hasher: PasswordHasher
    qonto_client: QontoClient
    gateway: QontoGateway
    mailer: Mailer
    #: The syncs' and reconciliation's paged reader (over ``qonto_client``), built once here.
    sync_reader: QontoSyncReader
    _closed: bool = False

    def unit_of_work(self) -> SqlAlchemyUnitOfWork:
        """A fresh unit of work (one per use case)."""
        return SqlAlchemyUnitOfWork(self.session_factory)

    @property
    def secret_key(self) -> str:
        """The key that signs sessions (never logged)."""
        return self.settings.session_secret.get_secret_value()

    @property
    def confirmation_key(self) -> bytes:
        """The HMAC key of finalize confirmations, derived from the secret key (never stored)."""
        secret = self.secret_key.encode()
        return hmac.new(secret, b"verone.finalize-confirmation", hashlib.sha256).digest()

    def qonto_setup(self) -> QontoSetup:
        """The integration's configuration for the diagnostics (no secret leaves)."""
        qonto = self.settings.qonto_settings
        return QontoSetup(
            base_url=qonto.base_url,
            auth_mode=qonto.auth_mode,
            organization_id=qonto.organization_id,
            api_key_configured=qonto.api_key is not None,
            rate_limits=qonto.rate_limits,
            timeout_seconds=qonto.timeout_seconds,
            simulated=self.settings.qonto_simulated,
            webhook_secret_configured=self.settings.webhook_secret is not None,
        )

    def schema_state(self) -> SchemaState:
        """Applied migrations and the code's heads (``verone diagnose``)."""
        from verone.backoffice.db.migrate import schema_revisions  # Alembic: ~0.4 s to import

        with self.engine.connect() as connection:
            current, heads = schema_revisions(connection)
        return SchemaState(current=current, heads=heads)

    @property
    def cookie_secure(self) -> bool:
        return self.settings.cookie_secure

    @property
    def pdf_wait(self) -> PdfWait:
        """How long ``finalize`` waits for Qonto's regenerated PDF (``VERONE_PDF_WAIT_*``)."""
        return PdfWait(
            timeout=self.settings.pdf_wait_timeout_seconds,
            initial_delay=self.settings.pdf_wait_interval_seconds,
        )

    @property
    def qonto_simulated(self) -> bool:
        return self.settings.qonto_simulated

    def close(self) -> None:
        """Close the Qonto client and dispose of the engine's connections (idempotent)."""
        if self._closed:
            return
        self._closed = True
        try:
            self.qonto_client.close()
        finally:
            self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def build_mailer(settings: Settings) -> SmtpMailer:
    """The SMTP mailer of the back office's own e-mails (credit notes), from ``VERONE_SMTP_*``."""
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        starttls=settings.smtp_starttls,
        username=settings.smtp_username,
        password=password,
    )


def build_container(
    settings: Settings,
    *,
    clock: Clock | None = None,
    http_client: httpx.Client | None = None,
) -> Container:
    """Wire everything from ``settings``; tests may pass a clock or the sandbox's client."""
    clock = clock or SystemClock()
    engine = make_engine(settings.database_url, busy_timeout_ms=settings.db_busy_timeout_ms)
    try:
        session_factory = make_session_factory(engine)
        client = get_qonto_client(settings.qonto_settings, http_client=http_client)
    except BaseException:
        engine.dispose()
        raise
    return Container(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        clock=clock,
        password_hasher=Argon2PasswordHasher(),
        qonto_client=client,
        gateway=QontoApiGateway(client, now=clock.now),
        mailer=build_mailer(settings),
        sync_reader=QontoSyncClient(client),
    )


@dataclass(frozen=True, slots=True)
class AdminCredentials:
    """The bootstrap admin; ``password`` is set only when it was generated just now."""

    email: str
    password: str | None = field(repr=False)


DEFAULT_ADMIN_EMAIL = "admin@verone.local"


def ensure_bootstrap_admin(container: Container) -> AdminCredentials | None:
    """Create the first admin when there is no user yet; ``None`` once users exist.

    E-mail and password come from ``VERONE_BOOTSTRAP_ADMIN_*``; without a password one is
    generated and returned, to be shown once.
    """
    settings = container.settings
    email = settings.bootstrap_admin_email or DEFAULT_ADMIN_EMAIL
    given = settings.bootstrap_admin_password
    password = given.get_secret_value() if given else secrets.token_urlsafe(12)
    with container.unit_of_work() as uow:
        if uow.users.list():
            return None
    try:
        create_user(
            container.unit_of_work(),
            container.password_hasher,
            container.clock,
            email=email,
            password=password,
            role=Role.ADMIN,
            display_name="Administrateur",
        )
    except UserAlreadyExists:
        return None  # another worker created it first
    return AdminCredentials(email, None if given else password)
