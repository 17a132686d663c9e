"""Engine and session factory: the only place connections are configured.

SQLite gets foreign keys, WAL, a short busy timeout (SQLite's own retry of a locked
database) and ``BEGIN IMMEDIATE`` transactions (writers serialize, which is its row lock),
except a transaction opened as a reader (``READ_ONLY``): a deferred ``BEGIN`` that reads a
WAL snapshot and never waits for, nor blocks, a writer. PostgreSQL is reached through
psycopg 3. ``is_database_busy`` tells a locked database (a 503 for the user) from a bug.
Parameters never appear in SQLAlchemy's error messages (``hide_parameters``: customer
names and e-mails stay out of logs); a new SQLite file is created with mode 0600.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from verone.backoffice.db.guards import install_guards
from verone.backoffice.db.orm import start_mappers

#: How long SQLite retries a locked database before giving up (then the API answers 503).
SQLITE_BUSY_TIMEOUT_MS = 5_000
#: Execution option of a connection whose transaction only reads (see ``UnitOfWork.reading``).
READ_ONLY = "verone_read_only"
#: PostgreSQL's "try again" states: lock not available, deadlock, serialization failure.
_PG_BUSY_STATES = frozenset({"55P03", "40P01", "40001"})


def is_database_busy(exc: BaseException) -> bool:
    """A locked or saturated database (worth a retry later), as opposed to any other error."""
    if isinstance(exc, PoolTimeout):
        return True
    if isinstance(exc, OperationalError) and "database is locked" in str(exc.orig):
        return True
    if isinstance(exc, DBAPIError):
        return getattr(exc.orig, "sqlstate", None) in _PG_BUSY_STATES
    return False


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: object, _record: object) -> None:
        # take transaction control away from pysqlite so BEGIN IMMEDIATE is ours to emit
        dbapi_connection.isolation_level = None  # type: ignore[attr-defined]  # sqlite3 conn
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]  # sqlite3 conn
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        reader = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if reader else "BEGIN IMMEDIATE")


def _create_private_file(database: str | None) -> None:
    """Create a new SQLite file readable by its owner only (0600, like ``secret.key``); SQLite
    gives its ``-wal`` and ``-shm`` files the database file's mode."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)
    path.chmod(0o600)  # whatever the umask


def make_engine(
    url: str, *, echo: bool = False, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS
) -> Engine:
    """An engine for ``sqlite:///…`` or ``postgresql+psycopg://…``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _create_private_file(parsed.database)
        engine = create_engine(
            parsed,
            echo=echo,
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        )
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    return create_engine(parsed, echo=echo, hide_parameters=True, pool_pre_ping=True)


#: index entries ANALYZE reads per index on SQLite: enough for the planner's choices, and a
#: bounded cost whatever the table's size (about 0.1 s at 100 000 documents)
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_planner_statistics(engine: Engine) -> None:
    """Fresh table statistics for SQLite's query planner (docs/performance.md).

    SQLite keeps none until ``ANALYZE`` runs. Without them it believes ``document_type = ?``
    narrows a list, and walks that index over every document where the search's trigram
    table would have named a handful of rows. PostgreSQL's autovacuum keeps its own.
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.begin() as connection:
        connection.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        connection.exec_driver_sql("ANALYZE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit."""
    start_mappers()
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    install_guards(factory)
    return factory
