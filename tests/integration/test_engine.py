"""Engine set-up (SQLite pragmas, BEGIN IMMEDIATE) and the optimistic version check."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from tests.unit.domain.factories import NOW, make_document, make_user
from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.session import SQLITE_BUSY_TIMEOUT_MS, make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain.operations import OutboxEntry


def test_sqlite_connections_are_configured(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_TIMEOUT_MS
    finally:
        engine.dispose()


def test_sqlite_transactions_hold_the_write_lock_from_the_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lock.db'}"
    upgrade_database(url)
    engine = make_engine(url)
    try:
        with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
            uow.lock("document:1")  # only begins the transaction, which is BEGIN IMMEDIATE
            other = sqlite3.connect(tmp_path / "lock.db", timeout=0.05, isolation_level=None)
            try:
                other.execute("SELECT count(*) FROM users").fetchone()  # readers pass (WAL)
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
    finally:
        engine.dispose()


def test_a_reader_transaction_takes_no_write_lock(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'read.db'}"
    upgrade_database(url)
    engine = make_engine(url)
    try:
        with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
            uow.reading()
            assert uow.users.list() == []
            other = sqlite3.connect(tmp_path / "read.db", timeout=0.05, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")  # a writer is not blocked by the reader
                other.execute("ROLLBACK")
            finally:
                other.close()
    finally:
        engine.dispose()


def test_a_stale_copy_cannot_overwrite(session_factory: sessionmaker[Session]) -> None:
    user = make_user()
    document = make_document(user.id)
    with SqlAlchemyUnitOfWork(session_factory) as uow:
        uow.users.add(user)
        uow.documents.add(document)
        uow.commit()
    stale_uow = SqlAlchemyUnitOfWork(session_factory)
    with stale_uow:
        stale = stale_uow.documents.get(document.id)
        assert stale is not None
        with SqlAlchemyUnitOfWork(session_factory) as fresh_uow:
            fresh = fresh_uow.documents.get(document.id)
            assert fresh is not None
            fresh.notes = "première modification"
            fresh_uow.commit()
        stale.notes = "modification d'une copie périmée"
        with pytest.raises(StaleDataError):
            stale_uow.commit()


def test_deleting_a_draft_keeps_its_outbox_history(uow: SqlAlchemyUnitOfWork) -> None:
    user = make_user()
    document = make_document(user.id)
    entry = OutboxEntry("invoice.create", f"key-{uuid.uuid4()}", "a" * 64, NOW, document.id)
    with uow:
        uow.users.add(user)
        uow.documents.add(document)
        uow.outbox.add_pending(entry)
        uow.commit()
    with uow:
        stored = uow.documents.get(document.id)
        assert stored is not None
        uow.documents.delete(stored)
        uow.commit()
    with uow:
        kept = uow.outbox.by_idempotency_key(entry.idempotency_key)
        assert kept is not None
        assert kept.document_id is None
