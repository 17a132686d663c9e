"""An admin's acts on a user (deactivate, reactivate, revoke access, reset a password): the
admin checked, the change made with its audit entry in one commit, or nothing at all."""

from __future__ import annotations

import pytest

from tests.fakes import PrefixHasher
from tests.integration.services.support import SandboxClock, World
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.users import User
from verone.backoffice.services import auth, user_admin
from verone.backoffice.services.actors import Actor

SECRET = "test-session-secret-0123456789abcdef"


@pytest.fixture
def admin(uow: SqlAlchemyUnitOfWork, clock: SandboxClock, world: World) -> Actor:
    """The admin, acting on an accountant who has a session and an API token."""
    auth.open_session(uow, SECRET, world.accountant, clock.now())
    auth.create_api_token(
        uow, clock, Actor.cli(world.admin.id), name="ci", user_id=world.accountant.id
    )
    return Actor.cli(world.admin.id)


def _accountant(uow: SqlAlchemyUnitOfWork, world: World) -> tuple[User, list[str]]:
    """The accountant as stored, and the actions the admin is audited for on it."""
    with uow:
        stored = uow.users.get(world.accountant.id)
        entries = uow.audit.for_entity("user", str(world.accountant.id))
    assert stored is not None
    assert {entry.actor_id for entry in entries} <= {world.admin.id}
    return stored, [entry.action for entry in entries]


def test_deactivating_ends_sessions_and_tokens_and_is_audited_by_the_admin(
    uow: SqlAlchemyUnitOfWork, clock: SandboxClock, world: World, admin: Actor
) -> None:
    revoked = user_admin.deactivate_user(uow, clock, admin, world.accountant.id)
    assert (revoked.user.id, revoked.sessions, revoked.tokens) == (world.accountant.id, 1, 1)
    assert not _accountant(uow, world)[0].active
    assert user_admin.reactivate_user(uow, clock, admin, world.accountant.id).active
    stored, actions = _accountant(uow, world)
    assert (stored.active, actions) == (True, ["user.deactivate", "user.reactivate"])


def test_access_revoked_and_password_reset_end_what_is_left(
    uow: SqlAlchemyUnitOfWork, clock: SandboxClock, world: World, admin: Actor
) -> None:
    first = user_admin.revoke_access(uow, clock, admin, world.accountant.id)
    assert (first.sessions, first.tokens) == (1, 1)
    hasher = PrefixHasher()
    again = user_admin.reset_password(
        uow, hasher, clock, admin, world.accountant.id, "un mot de passe assez long 42"
    )
    assert (again.sessions, again.tokens) == (0, 0)
    stored, actions = _accountant(uow, world)
    assert hasher.verify(stored.password_hash, "un mot de passe assez long 42")
    assert actions == ["user.revoke_access", "user.reset_password"]


def test_the_last_admin_stays_and_a_non_admin_changes_nothing(
    uow: SqlAlchemyUnitOfWork, clock: SandboxClock, world: World
) -> None:
    with pytest.raises(user_admin.LastAdmin):
        user_admin.deactivate_user(uow, clock, Actor.cli(world.admin.id), world.admin.id)
    with pytest.raises(errors.PermissionDenied):
        user_admin.deactivate_user(
            uow, clock, Actor.interactive(world.accountant.id), world.viewer.id
        )
    with uow:
        assert all(user.active for user in uow.users.list())
        assert uow.audit.for_entity("user", str(world.admin.id)) == []
        assert uow.audit.for_entity("user", str(world.viewer.id)) == []
