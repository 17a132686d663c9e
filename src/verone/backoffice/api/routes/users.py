"""``/api/users``: the back office's users, managed by an admin's interactive session (never an
API token): list, create, set a role, deactivate or reactivate, reset a password, and revoke a
user's sessions and tokens. Every change is audited with the admin who made it."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from verone.backoffice.api import parse, render
from verone.backoffice.api import schemas_admin as sa
from verone.backoffice.api.errors import STANDARD_ERRORS
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.domain.users import User
from verone.backoffice.edge.context import InteractiveAdminContext
from verone.backoffice.services import user_admin

router = APIRouter(
    prefix="/api/users", tags=["users"], responses=STANDARD_ERRORS, route_class=AuditedRoute
)


def _user(user: User) -> sa.UserOut:
    return render.fields(sa.UserOut, user)


def _revoked(result: user_admin.Revoked) -> sa.RevokedOut:
    return sa.RevokedOut(
        user=_user(result.user), sessions_revoked=result.sessions, tokens_revoked=result.tokens
    )


@router.get("", response_model=sa.UserList)
def list_users(ctx: InteractiveAdminContext) -> sa.UserList:
    found = user_admin.list_users(ctx.uow, ctx.actor)
    return sa.UserList(items=[_user(u) for u in found])


@router.post("", response_model=sa.UserOut, status_code=201)
def create_user(ctx: InteractiveAdminContext, body: sa.UserIn) -> sa.UserOut:
    """A new user; the password must pass the policy (12 characters and not guessable)."""
    hasher = ctx.runtime.password_hasher
    return _user(user_admin.add_user(ctx.uow, hasher, ctx.clock, ctx.actor, **parse.new_user(body)))


@router.put("/{user_id}/role", response_model=sa.UserOut)
def set_role(ctx: InteractiveAdminContext, user_id: uuid.UUID, body: sa.RoleIn) -> sa.UserOut:
    return _user(user_admin.set_role(ctx.uow, ctx.clock, ctx.actor, user_id, body.role))


@router.post("/{user_id}/deactivate", response_model=sa.RevokedOut)
def deactivate(ctx: InteractiveAdminContext, user_id: uuid.UUID) -> sa.RevokedOut:
    """The user can no longer log in; their sessions and API tokens end now."""
    return _revoked(user_admin.deactivate_user(ctx.uow, ctx.clock, ctx.actor, user_id))


@router.post("/{user_id}/reactivate", response_model=sa.UserOut)
def reactivate(ctx: InteractiveAdminContext, user_id: uuid.UUID) -> sa.UserOut:
    return _user(user_admin.reactivate_user(ctx.uow, ctx.clock, ctx.actor, user_id))


@router.post("/{user_id}/password", response_model=sa.RevokedOut)
def reset_password(
    ctx: InteractiveAdminContext, user_id: uuid.UUID, body: sa.PasswordResetIn
) -> sa.RevokedOut:
    """Set a new password; every session and token of the user ends."""
    return _revoked(
        user_admin.reset_password(
            ctx.uow,
            ctx.runtime.password_hasher,
            ctx.clock,
            ctx.actor,
            user_id,
            body.new_password,
        )
    )


@router.post("/{user_id}/revoke", response_model=sa.RevokedOut)
def revoke(ctx: InteractiveAdminContext, user_id: uuid.UUID) -> sa.RevokedOut:
    """End every session and API token of the user."""
    return _revoked(user_admin.revoke_access(ctx.uow, ctx.clock, ctx.actor, user_id))
