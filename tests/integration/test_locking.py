"""Row locks and advisory locks with two real PostgreSQL sessions (threads, no timing asserts).

PostgreSQL only: SQLite has no row locks (its transactions take the whole database's write
lock at ``BEGIN IMMEDIATE``). The second session's wait is seen in ``pg_stat_activity``
(``wait_event_type = 'Lock'``) before the first commits: the order of events is the proof.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session, sessionmaker

from tests.integration.conftest import Database
from tests.unit.domain.factories import make_document, make_user
from verone.backoffice.db.session import make_session_factory
from verone.backoffice.db.tables import financial_documents, users
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork

pytestmark = pytest.mark.postgres

WAIT_LIMIT = 2_000  # polls of pg_stat_activity before giving up (each a round trip)


@pytest.fixture
def committed_document(postgres_database: Database) -> Iterator[uuid.UUID]:
    """A draft committed for real (the two sessions must both see it), removed afterwards."""
    factory = make_session_factory(postgres_database.engine)
    user = make_user()
    document = make_document(user.id)
    with SqlAlchemyUnitOfWork(factory) as uow:
        uow.users.add(user)
        uow.documents.add(document)
        uow.commit()
    yield document.id
    with postgres_database.engine.begin() as conn:
        conn.execute(delete(financial_documents).where(financial_documents.c.id == document.id))
        conn.execute(delete(users).where(users.c.id == user.id))


def wait_until_blocked(factory: sessionmaker[Session], pid: int) -> None:
    with factory() as session:
        for _ in range(WAIT_LIMIT):
            state = session.execute(
                text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"),
                {"pid": pid},
            ).scalar()
            if state == "Lock":
                return
            session.rollback()
        raise AssertionError("the second session never waited for the lock")


def run_two_sessions(
    factory: sessionmaker[Session],
    first_takes: Callable[[SqlAlchemyUnitOfWork], None],
    second_takes: Callable[[SqlAlchemyUnitOfWork], str],
) -> list[str]:
    events: list[str] = []
    first_locked = threading.Event()
    second_pid: list[int] = []
    errors: list[BaseException] = []

    def second() -> None:
        try:
            first_locked.wait(timeout=30)
            with SqlAlchemyUnitOfWork(factory) as uow:
                second_pid.append(
                    int(uow.session.execute(select(text("pg_backend_pid()"))).scalar_one())
                )
                barrier.wait(timeout=30)
                seen = second_takes(uow)
                events.append(f"second locked, saw {seen}")
                uow.commit()
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)
            barrier.abort()

    barrier = threading.Barrier(2)
    thread = threading.Thread(target=second)
    thread.start()
    with SqlAlchemyUnitOfWork(factory) as uow:
        first_takes(uow)
        events.append("first locked")
        first_locked.set()
        barrier.wait(timeout=30)
        wait_until_blocked(factory, second_pid[0])
        events.append("second is waiting")
        events.append("first commits")  # before commit(): the second is still blocked
        uow.commit()
    thread.join(timeout=30)
    if errors:
        raise errors[0]
    return events


def test_get_for_update_makes_the_second_session_wait(
    postgres_database: Database, committed_document: uuid.UUID
) -> None:
    factory = make_session_factory(postgres_database.engine)

    def first(uow: SqlAlchemyUnitOfWork) -> None:
        document = uow.documents.get_for_update(committed_document)
        assert document is not None
        document.notes = "édité par la première session"

    def second(uow: SqlAlchemyUnitOfWork) -> str:
        document = uow.documents.get_for_update(committed_document)
        assert document is not None
        return str(document.notes)

    events = run_two_sessions(factory, first, second)
    assert events == [
        "first locked",
        "second is waiting",
        "first commits",
        "second locked, saw édité par la première session",
    ]


def test_advisory_lock_serializes_a_key(postgres_database: Database) -> None:
    factory = make_session_factory(postgres_database.engine)
    key = f"account:{uuid.uuid4()}"

    def first(uow: SqlAlchemyUnitOfWork) -> None:
        uow.lock(key)

    def second(uow: SqlAlchemyUnitOfWork) -> str:
        uow.lock(key)
        return "the key"

    events = run_two_sessions(factory, first, second)
    assert events == [
        "first locked",
        "second is waiting",
        "first commits",
        "second locked, saw the key",
    ]
