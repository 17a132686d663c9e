"""``/api/users`` (admins only): list the back office's users and create one (argon2 hash);
the creation is audited with the admin who made it."""

from __future__ import annotations

from fastapi import APIRouter

from verone.backoffice.api import schemas_admin as sa
from verone.backoffice.api.errors import STANDARD_ERRORS
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.domain.users import User
from verone.backoffice.edge.context import AdminContext
from verone.backoffice.services import queries, users
from verone.backoffice.services.auth import record_action

router = APIRouter(
    prefix="/api/users", tags=["users"], responses=STANDARD_ERRORS, route_class=AuditedRoute
)


def _user(user: User) -> sa.UserOut:
    return sa.UserOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        active=user.active,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
    )


@router.get("", response_model=sa.UserList)
def list_users(ctx: AdminContext) -> sa.UserList:
    return sa.UserList(items=[_user(u) for u in queries.list_users(ctx.uow)])


@router.post("", response_model=sa.UserOut, status_code=201)
def create_user(ctx: AdminContext, body: sa.UserIn) -> sa.UserOut:
    """A new user; the password (12 characters at least) is stored as an argon2 hash only."""
    user = users.create_user(
        ctx.uow,
        ctx.runtime.password_hasher,
        ctx.clock,
        email=body.email,
        password=body.password,
        role=body.role,
        display_name=body.display_name,
    )
    record_action(
        ctx.uow,
        ctx.clock,
        ctx.user,
        action="user.create",
        entity_type="user",
        entity_id=str(user.id),
        details={"role": str(user.role)},
    )
    return _user(user)
