"""The unit of work: commit once, roll back otherwise; locks; it satisfies the services' port."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from tests.unit.domain.factories import make_user
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.ports import UnitOfWork


def count_users(uow: SqlAlchemyUnitOfWork) -> int:
    with uow:
        return len(uow.users.list())


def test_commit_persists(uow: SqlAlchemyUnitOfWork) -> None:
    with uow:
        uow.users.add(make_user())
        uow.commit()
    assert count_users(uow) == 1


def test_leaving_without_commit_rolls_back(uow: SqlAlchemyUnitOfWork) -> None:
    with uow:
        uow.users.add(make_user())
        uow.session.flush()
    assert count_users(uow) == 0


def test_an_exception_rolls_back(uow: SqlAlchemyUnitOfWork) -> None:
    class Boom(Exception):
        pass

    def add_then_fail() -> None:
        with uow:
            uow.users.add(make_user())
            uow.session.flush()
            raise Boom

    with pytest.raises(Boom):
        add_then_fail()
    assert count_users(uow) == 0


def test_explicit_rollback(uow: SqlAlchemyUnitOfWork) -> None:
    with uow:
        uow.users.add(make_user())
        uow.rollback()
        uow.commit()
    assert count_users(uow) == 0


def test_objects_read_inside_stay_readable(uow: SqlAlchemyUnitOfWork) -> None:
    user = make_user()
    with uow:
        uow.users.add(user)
        uow.commit()
    with uow:
        loaded = uow.users.get(user.id)
    assert loaded is not None
    assert loaded.email == user.email


def test_not_usable_outside_its_block(uow: SqlAlchemyUnitOfWork) -> None:
    with pytest.raises(RuntimeError, match="outside"):
        uow.commit()
    with uow, pytest.raises(RuntimeError, match="re-entrant"), uow:
        pass


def test_lock_can_be_taken_twice_in_one_transaction(uow: SqlAlchemyUnitOfWork) -> None:
    with uow:
        uow.lock("document:1")
        uow.lock("document:1")  # advisory locks are re-entrant within a transaction
        uow.users.add(make_user())
        uow.commit()
    assert count_users(uow) == 1


def test_it_is_the_port_the_services_use(session_factory: sessionmaker[Session]) -> None:
    port: UnitOfWork = SqlAlchemyUnitOfWork(session_factory)
    with port:
        assert port.users.list() == []
