"""Who a command's work is attributed to: the service decides, the CLI only passes the e-mail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain.errors import PermissionDenied
from verone.backoffice.domain.users import Role, User
from verone.backoffice.services.users import attributed_user_id


def test_the_named_user_is_found_by_e_mail_whatever_its_case(uow: SqlAlchemyUnitOfWork) -> None:
    user = User(
        email="import@verone.test",
        display_name="Import",
        role=Role.ACCOUNTANT,
        password_hash="x",
        created_at=datetime.now(UTC),
    )
    with uow:
        uow.users.add(user)
        uow.commit()
    assert attributed_user_id(uow, " Import@Verone.test ") == user.id


@pytest.mark.parametrize("email", [None, "", "nobody@verone.test"])
def test_nobody_named_or_unknown_is_refused_with_the_hint(
    uow: SqlAlchemyUnitOfWork, email: str | None
) -> None:
    with pytest.raises(PermissionDenied, match="--user EMAIL"):
        attributed_user_id(uow, email)
