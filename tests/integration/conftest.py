"""Databases for integration tests: SQLite (temp file) and PostgreSQL, migrated once each.

PostgreSQL tests use a dedicated schema dropped at the end, so reruns start clean. Each test
runs inside an outer transaction that is rolled back; sessions join it with savepoints, so
code under test may commit (SQLAlchemy 2.0's "join an external transaction" recipe).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from tests.integration.databases import postgres_url, with_search_path
from tests.integration.services.support import (
    SandboxClock,
    TestClient,
    World,
    in_process_sandbox,
    make_client,
    sandbox_state,
    seed_world,
)
from verone.backoffice.db.guards import install_guards
from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.orm import start_mappers
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.sandbox.state import SandboxState


@dataclass
class Database:
    name: str
    url: str
    engine: Engine


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[tuple[str, str]]:
    """A fresh PostgreSQL schema for this run: (schema, url with search_path set)."""
    schema = f"verone_it_{uuid.uuid4().hex[:10]}"
    admin = make_engine(postgres_url())
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema, with_search_path(postgres_url(), schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _migrated(name: str, url: str) -> Iterator[Database]:
    upgrade_database(url)
    engine = make_engine(url)
    start_mappers()
    try:
        yield Database(name, url, engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def postgres_database(postgres_schema_url: tuple[str, str]) -> Iterator[Database]:
    """The migrated PostgreSQL schema of this run (for PostgreSQL-only tests)."""
    yield from _migrated("postgres", postgres_schema_url[1])


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    yield from _migrated("sqlite", f"sqlite:///{tmp_path_factory.mktemp('db') / 'verone.db'}")


@pytest.fixture(
    scope="session",
    params=[pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)],
)
def database(request: pytest.FixtureRequest) -> Database:
    """Each integration test runs once per database."""
    result = request.getfixturevalue(f"{request.param}_database")
    assert isinstance(result, Database)
    return result


@pytest.fixture
def connection(database: Database) -> Iterator[Connection]:
    with database.engine.connect() as conn:
        outer = conn.begin()
        try:
            yield conn
        finally:
            outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    factory = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    install_guards(factory)
    return factory


@pytest.fixture
def uow(session_factory: sessionmaker[Session]) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(session_factory)


@pytest.fixture
def real_session_factory(database: Database) -> sessionmaker[Session]:
    """Sessions on their own connections, committing for real (clean up after yourself)."""
    return make_session_factory(database.engine)


# ------------------------------------------------- the Qonto sandbox in-process, for services


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
def gateway(http: TestClient, clock: SandboxClock) -> QontoApiGateway:
    return QontoApiGateway(make_client(http), now=clock.now)


@pytest.fixture
def world(uow: SqlAlchemyUnitOfWork, clock: SandboxClock) -> World:
    return seed_world(uow, clock.now())
