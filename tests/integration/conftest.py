"""Databases for integration tests: SQLite (temp file) and PostgreSQL, migrated once each.

PostgreSQL tests use a dedicated schema dropped at the end, so reruns start clean. Each test
runs inside an outer transaction that is rolled back; sessions join it with savepoints, so
code under test may commit (SQLAlchemy 2.0's "join an external transaction" recipe).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session, sessionmaker

from verone.backoffice.db.guards import install_guards
from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.orm import start_mappers
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    return os.environ.get("VERONE_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


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
