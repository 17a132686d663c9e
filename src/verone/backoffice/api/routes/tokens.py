"""``/api/tokens``: API tokens (admins create, list and revoke; the secret is shown once)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from verone.backoffice.api import parse, render
from verone.backoffice.api import schemas_admin as sa
from verone.backoffice.api.errors import STANDARD_ERRORS, ErrorResponse
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.edge.context import AdminContext, InteractiveAdminContext
from verone.backoffice.services import auth

router = APIRouter(
    prefix="/api/tokens", tags=["tokens"], responses=STANDARD_ERRORS, route_class=AuditedRoute
)


@router.get("", response_model=sa.TokenList)
def list_tokens(ctx: AdminContext) -> sa.TokenList:
    tokens = auth.list_api_tokens(ctx.uow, ctx.user)
    return sa.TokenList(items=[render.token(t) for t in tokens])


@router.post(
    "",
    response_model=sa.CreatedToken,
    status_code=201,
    responses={404: {"model": ErrorResponse, "description": "Unknown user"}},
)
def create_token(ctx: InteractiveAdminContext, body: sa.TokenIn) -> sa.CreatedToken:
    """A token for a user (yourself by default): it reads and writes, but never finalizes.
    Only an admin's interactive session creates one (never another token)."""
    issued = auth.create_api_token(ctx.uow, ctx.clock, ctx.actor, **parse.new_token(body))
    return sa.CreatedToken(**render.token(issued.token).model_dump(), token=issued.secret)


@router.delete(
    "/{token_id}",
    response_model=sa.TokenOut,
    responses={404: {"model": ErrorResponse, "description": "Unknown token"}},
)
def revoke_token(ctx: AdminContext, token_id: uuid.UUID) -> sa.TokenOut:
    return render.token(auth.revoke_api_token(ctx.uow, ctx.clock, ctx.user, token_id))
