"""Managing users: list, create, deactivate, set a role, reset a password, revoke a user's
sessions and API tokens; and a user changing their own password.

Who may: an admin in an interactive session, or the operator through the CLI. An API token
never may (an admin's token could otherwise mint a user and finalize as them, SPEC §3).
Every change is audited; deactivating, resetting a password or revoking ends the user's
sessions and tokens at once; a password change ends the user's other sessions.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from verone.backoffice.domain import errors
from verone.backoffice.domain.users import Role, User
from verone.backoffice.ports import Clock, PasswordHasher, UnitOfWork
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.auth import UserNotFound, require_user_admin
from verone.backoffice.services.common import audit
from verone.backoffice.services.users import check_password, create_user


class WrongPassword(errors.InvalidDocument):
    code = "wrong_password"
    default_message = "Mot de passe actuel incorrect."


class LastAdmin(errors.DomainError):
    code = "last_admin"
    default_message = "Il doit rester au moins un administrateur actif."


@dataclass(frozen=True, slots=True)
class Revoked:
    user: User
    sessions: int
    tokens: int


_Result = TypeVar("_Result")


def _load(uow: UnitOfWork, user_id: uuid.UUID) -> User:
    user = uow.users.get(user_id)
    if user is None:
        raise UserNotFound()
    return user


def _keep_an_admin(uow: UnitOfWork, leaving: User) -> None:
    others = [u for u in uow.users.list() if u.id != leaving.id and u.has_role(Role.ADMIN)]
    if leaving.has_role(Role.ADMIN) and not others:
        raise LastAdmin()


def _revoke_everything(uow: UnitOfWork, clock: Clock, user: User) -> Revoked:
    now = clock.now()
    sessions = uow.user_sessions.revoke_all(user.id, now)
    tokens = 0
    for token in uow.api_tokens.for_user(user.id):
        if token.revoked_at is None:
            token.revoke(now)
            tokens += 1
    return Revoked(user, sessions, tokens)


def user_id_by_email(uow: UnitOfWork, actor: Actor, email: str) -> uuid.UUID:
    """The id of the user with this e-mail (for the CLI's commands), or ``UserNotFound``."""
    require_user_admin(uow, actor)
    with uow:
        user = uow.users.by_email(email.strip().lower())
    if user is None:
        raise UserNotFound(f"Aucun utilisateur {email.strip().lower()}.")
    return user.id


def list_users(uow: UnitOfWork, actor: Actor) -> list[User]:
    require_user_admin(uow, actor)
    with uow:
        return uow.users.list()


def add_user(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    actor: Actor,
    *,
    email: str,
    password: str,
    role: Role,
    display_name: str | None = None,
) -> User:
    """A new user (password policy of ``users.check_password``), audited with its creator."""
    by = require_user_admin(uow, actor)
    user = create_user(
        uow, hasher, clock, email=email, password=password, role=role, display_name=display_name
    )
    with uow:
        audit(uow, clock, by, "user.create", user, {"role": str(role)})
        uow.commit()
    return user


def set_role(uow: UnitOfWork, clock: Clock, actor: Actor, user_id: uuid.UUID, role: Role) -> User:
    by = require_user_admin(uow, actor)
    with uow:
        user = _load(uow, user_id)
        if role is not Role.ADMIN:
            _keep_an_admin(uow, user)
        previous, user.role = user.role, role
        audit(uow, clock, by, "user.set_role", user, {"role": str(role), "previous": str(previous)})
        uow.commit()
    return user


def _administer(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    user_id: uuid.UUID,
    action: str,
    change: Callable[[User], _Result],
) -> _Result:
    """An admin's act on a user: the admin checked, the user loaded, ``change`` made and
    audited as ``action``, one commit."""
    by = require_user_admin(uow, actor)
    with uow:
        user = _load(uow, user_id)
        result = change(user)
        audit(uow, clock, by, action, user)
        uow.commit()
    return result


def deactivate_user(uow: UnitOfWork, clock: Clock, actor: Actor, user_id: uuid.UUID) -> Revoked:
    """The user can no longer log in; their sessions and tokens end now."""

    def deactivate(user: User) -> Revoked:
        _keep_an_admin(uow, user)
        user.active = False
        return _revoke_everything(uow, clock, user)

    return _administer(uow, clock, actor, user_id, "user.deactivate", deactivate)


def reactivate_user(uow: UnitOfWork, clock: Clock, actor: Actor, user_id: uuid.UUID) -> User:
    def reactivate(user: User) -> User:
        user.active = True
        return user

    return _administer(uow, clock, actor, user_id, "user.reactivate", reactivate)


def revoke_access(uow: UnitOfWork, clock: Clock, actor: Actor, user_id: uuid.UUID) -> Revoked:
    """End every session and API token of a user (they may log in again)."""

    def revoke(user: User) -> Revoked:
        return _revoke_everything(uow, clock, user)

    return _administer(uow, clock, actor, user_id, "user.revoke_access", revoke)


def reset_password(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    actor: Actor,
    user_id: uuid.UUID,
    new_password: str,
) -> Revoked:
    """An admin sets a new password; every session and token of the user ends."""

    def reset(user: User) -> Revoked:
        check_password(new_password, email=user.email)
        user.password_hash = hasher.hash(new_password)
        return _revoke_everything(uow, clock, user)

    return _administer(uow, clock, actor, user_id, "user.reset_password", reset)


def change_own_password(
    uow: UnitOfWork,
    hasher: PasswordHasher,
    clock: Clock,
    actor: Actor,
    *,
    current_password: str,
    new_password: str,
    keep_session: uuid.UUID | None = None,
) -> int:
    """A logged-in user changes their password; their other sessions end (the count)."""
    if not actor.is_interactive or actor.user_id is None:
        raise errors.PermissionDenied("Changez votre mot de passe depuis votre session.")
    with uow:
        user = _load(uow, actor.user_id)
        if not hasher.verify(user.password_hash, current_password):
            raise WrongPassword()
        check_password(new_password, email=user.email)
        user.password_hash = hasher.hash(new_password)
        revoked = uow.user_sessions.revoke_all(user.id, clock.now(), keep=keep_session)
        audit(uow, clock, user.id, "user.change_password", user)
        uow.commit()
    return revoked
