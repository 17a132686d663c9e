"""A running back office for end-to-end API tests: the sandbox and the back office both served
by uvicorn on loopback ports, a migrated SQLite file with the demo data, one user per role,
an API token, and logged-in HTTP clients (cookie + CSRF header, or Bearer)."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import text

from tests.integration.databases import postgres_url
from verone.backoffice.app import create_app
from verone.backoffice.bootstrap import Container, build_container
from verone.backoffice.config import Settings
from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.session import make_engine
from verone.backoffice.demo import seed_demo_data
from verone.backoffice.domain.users import Role, User
from verone.backoffice.services import auth
from verone.backoffice.services.actors import Actor
from verone.sandbox.app import create_app as create_sandbox_app
from verone.sandbox.config import SandboxConfig
from verone.sandbox.state import SandboxState

PASSWORD = "correct horse battery staple"
CSRF_HEADER = "X-CSRF-Token"
WEBHOOK_SECRET = "e2e-webhook-secret"


@dataclass
class ManualClock:
    """The back office's clock in these tests: real time plus an offset tests can advance."""

    offset: timedelta = field(default_factory=timedelta)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def today(self) -> date:
        return self.now().date()

    def advance(self, delta: timedelta) -> None:
        self.offset += delta


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LiveServer:
    """An ASGI app served by uvicorn on a free loopback port, in a background thread."""

    def __init__(self, app: FastAPI, port: int | None = None) -> None:
        self.port = port or free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@dataclass
class Users:
    viewer: User
    accountant: User
    admin: User
    throttled: User


@dataclass
class Stack:
    """Everything a test may need: URLs, the container (db access), the clock, users."""

    url: str
    sandbox_url: str
    app: FastAPI
    container: Container
    clock: ManualClock
    users: Users
    accountant_token: str
    admin_token: str

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **kwargs)  # type: ignore[arg-type]  # kwargs are httpx.Client options

    @contextmanager
    def login(self, email: str, password: str = PASSWORD) -> Iterator[httpx.Client]:
        """A client holding a session cookie and sending the CSRF header on every request."""
        with self.client() as client:
            answer = client.post("/auth/login", json={"email": email, "password": password})
            assert answer.status_code == 200, answer.text
            client.headers[CSRF_HEADER] = answer.json()["csrfToken"]
            yield client

    def bearer(self, token: str) -> httpx.Client:
        return self.client(headers={"Authorization": f"Bearer {token}"})

    def sandbox(self) -> httpx.Client:
        return httpx.Client(base_url=self.sandbox_url, timeout=30)


def _user(container: Container, email: str, role: Role) -> User:
    user = User(
        email=email,
        display_name=email.split("@")[0].title(),
        role=role,
        password_hash=container.password_hasher.hash(PASSWORD),
        created_at=datetime.now(UTC),
    )
    with container.unit_of_work() as uow:
        uow.users.add(user)
        uow.commit()
    return user


@contextmanager
def running_stack(
    workdir: Path, database_url: str, *, busy_timeout_ms: int = 5_000
) -> Iterator[Stack]:
    """The sandbox and a back office on ``database_url`` (migrated, demo data, users)."""
    sandbox_state = SandboxState(SandboxConfig(seed=7, transactions=60, pdf_delay_seconds=10.0))
    with LiveServer(create_sandbox_app(sandbox_state)) as sandbox:
        upgrade_database(database_url)
        settings = Settings(
            environment="embedded",
            database_url=database_url,
            var_dir=workdir / "var",
            secret_key=SecretStr("e2e-" + "k" * 60),
            sandbox_port=sandbox.port,
            jobs_enabled=False,
            demo_data=False,
            webhook_secret=SecretStr(WEBHOOK_SECRET),
            trusted_proxies="127.0.0.1",  # tests speak for other addresses via X-Forwarded-For
            db_busy_timeout_ms=busy_timeout_ms,
        )
        clock = ManualClock()
        with build_container(settings, clock=clock) as container:
            seed_demo_data(container.unit_of_work(), clock)
            users = Users(
                viewer=_user(container, "viewer@verone.test", Role.VIEWER),
                accountant=_user(container, "accountant@verone.test", Role.ACCOUNTANT),
                admin=_user(container, "admin@verone.test", Role.ADMIN),
                throttled=_user(container, "throttled@verone.test", Role.ACCOUNTANT),
            )
            accountant_token = auth.create_api_token(
                container.unit_of_work(),
                clock,
                Actor.interactive(users.admin.id),
                name="e2e accountant",
                user_id=users.accountant.id,
            ).secret
            admin_token = auth.create_api_token(
                container.unit_of_work(), clock, Actor.interactive(users.admin.id), name="e2e admin"
            ).secret
            app = create_app(container, run_jobs=False)
            with LiveServer(app) as server:
                yield Stack(
                    url=server.url,
                    app=app,
                    sandbox_url=sandbox.url,
                    container=container,
                    clock=clock,
                    users=users,
                    accountant_token=accountant_token,
                    admin_token=admin_token,
                )


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir: Path = tmp_path_factory.mktemp("backoffice")
    with running_stack(workdir, f"sqlite:///{workdir / 'verone.sqlite3'}") as running:
        yield running


@pytest.fixture
def aligned_clock(stack: Stack) -> Iterator[None]:
    """The back office's clock on real time for one test, then as it was: earlier tests move it
    on (throttling windows), while the sandbox's answers and webhook signatures stay on real
    time."""
    saved = stack.clock.offset
    stack.clock.offset = timedelta()
    yield
    stack.clock.offset = saved


@pytest.fixture(scope="module")  # a session idles out when a test moves the clock on
def viewer(stack: Stack) -> Iterator[httpx.Client]:
    with stack.login(stack.users.viewer.email) as client:
        yield client


@pytest.fixture(scope="module")
def accountant(stack: Stack) -> Iterator[httpx.Client]:
    with stack.login(stack.users.accountant.email) as client:
        yield client


@pytest.fixture(scope="module")
def admin(stack: Stack) -> Iterator[httpx.Client]:
    with stack.login(stack.users.admin.email) as client:
        yield client


@pytest.fixture(scope="session")
def token_client(stack: Stack) -> Iterator[httpx.Client]:
    """An accountant's API token: reads and writes, never finalizes."""
    with stack.bearer(stack.accountant_token) as client:
        yield client


@pytest.fixture(scope="session")
def anonymous(stack: Stack) -> Iterator[httpx.Client]:
    with stack.client() as client:
        yield client


@pytest.fixture(scope="module")
def pg_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A back office on a fresh PostgreSQL schema (one per test module), dropped after."""
    base = postgres_url()
    schema = f"verone_api_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options=-csearch_path%3D{schema}"
    workdir: Path = tmp_path_factory.mktemp("backoffice-pg")
    try:
        with running_stack(workdir, url) as stack:
            yield stack
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def cli_environment(
    monkeypatch: pytest.MonkeyPatch, workdir: Path, sandbox_port: int, **extra: str
) -> str:
    """A migrated SQLite database and the ``VERONE_*`` variables of a command run against the
    sandbox on ``sandbox_port``; the database URL."""
    url = f"sqlite:///{workdir / 'verone.sqlite3'}"
    upgrade_database(url)
    for name, value in {
        "VERONE_ENVIRONMENT": "embedded",
        "VERONE_DATABASE_URL": url,
        "VERONE_VAR_DIR": str(workdir / "var"),
        "VERONE_SECRET_KEY": "cli-" + "k" * 60,
        "VERONE_SANDBOX_PORT": str(sandbox_port),
        "VERONE_JOBS_ENABLED": "false",
        "VERONE_DEMO_DATA": "false",
        **extra,
    }.items():
        monkeypatch.setenv(name, value)
    return url
