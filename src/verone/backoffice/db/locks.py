"""Transaction-scoped locks: PostgreSQL advisory locks, and SQLite's whole-database write lock.

``advisory_xact_lock(session, "document:<id>")`` serializes work on one key until the end of
the current transaction. On SQLite every transaction starts with ``BEGIN IMMEDIATE`` (see
``session.py``), so opening the transaction is the lock.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a lock name (PostgreSQL's bigint)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def advisory_xact_lock(session: Session, name: str) -> None:
    """Wait for, then hold until commit/rollback, the lock called ``name``."""
    if is_postgresql(session):
        session.execute(select(func.pg_advisory_xact_lock(lock_key(name))))
    else:
        session.execute(select(1))  # begins the transaction: BEGIN IMMEDIATE holds the lock
