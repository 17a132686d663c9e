"""Engine and session factory: the only place connections are configured.

Parameters never appear in SQLAlchemy's error messages (``hide_parameters``: customer names
and e-mails stay out of logs); a new SQLite file is created with mode 0600.
SQLite gets foreign keys, WAL, a busy timeout and ``BEGIN IMMEDIATE`` transactions (writers
serialize, which is its row lock); PostgreSQL is reached through psycopg 3.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from verone.backoffice.db.guards import install_guards
from verone.backoffice.db.orm import start_mappers

SQLITE_BUSY_TIMEOUT_MS = 15_000


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: object, _record: object) -> None:
        # take transaction control away from pysqlite so BEGIN IMMEDIATE is ours to emit
        dbapi_connection.isolation_level = None  # type: ignore[attr-defined]  # sqlite3 conn
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]  # sqlite3 conn
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: object) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # type: ignore[attr-defined]  # Connection


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


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``sqlite:///…`` or ``postgresql+psycopg://…``."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _create_private_file(parsed.database)
        engine = create_engine(
            parsed,
            echo=echo,
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": 15},
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(parsed, echo=echo, hide_parameters=True, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; objects stay readable after commit."""
    start_mappers()
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    install_guards(factory)
    return factory
