"""« Administration » (admins only): the users (list, create with a role) and the API tokens
(list, create — the secret is shown once —, revoke). Forms are validated by the API's own
request models (``api/schemas_admin.py``); the same services do the work."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verone.backoffice.api import schemas_admin as sa
from verone.backoffice.services import auth, queries, users
from verone.backoffice.web import labels
from verone.backoffice.web.context import AdminPage, RequestContext
from verone.backoffice.web.forms import read_form
from verone.backoffice.web.templating import hx_redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/administration"


def _context(ctx: RequestContext, **extra: object) -> dict[str, object]:
    people = queries.list_users(ctx.uow)
    return {
        "title": "Administration",
        "section": "admin",
        "users": people,
        "names": {u.id: u.display_name for u in people},
        "tokens": auth.list_api_tokens(ctx.uow, ctx.user),
        "roles": labels.ROLE,
        "now": ctx.clock.now(),
        **extra,
    }


@router.get(PAGE)
def admin_page(request: Request, ctx: AdminPage) -> Response:
    return render(request, ctx, "admin/page.html", _context(ctx))


@router.post(f"{PAGE}/utilisateurs")
async def create_user(request: Request, ctx: AdminPage) -> Response:
    body = await read_form(request, sa.UserIn)
    user = users.create_user(
        ctx.uow,
        ctx.runtime.password_hasher,
        ctx.clock,
        email=body.email,
        password=body.password,
        role=body.role,
        display_name=body.display_name,
    )
    auth.record_action(
        ctx.uow,
        ctx.clock,
        ctx.user,
        action="user.create",
        entity_type="user",
        entity_id=str(user.id),
        details={"role": str(user.role)},
    )
    message = f"Utilisateur {user.email} créé ({labels.ROLE[user.role]})."
    return hx_redirect_with_flash(request, f"{PAGE}#utilisateurs", message)


@router.post(f"{PAGE}/jetons")
async def create_token(request: Request, ctx: AdminPage) -> Response:
    """The secret is shown once, on this answer only; it is stored as a hash."""
    body = await read_form(request, sa.TokenIn)
    issued = auth.create_api_token(
        ctx.uow,
        ctx.clock,
        ctx.actor,
        name=body.name,
        user_id=body.user_id,
        expires_at=body.expires_at,
    )
    context = _context(ctx, issued=issued)
    return render(request, ctx, "admin/page.html", context, partial="admin/_issued.html")


@router.post(f"{PAGE}/jetons/{{token_id}}/revoquer")
def revoke_token(request: Request, ctx: AdminPage, token_id: uuid.UUID) -> Response:
    token = auth.revoke_api_token(ctx.uow, ctx.clock, ctx.user, token_id)
    return hx_redirect_with_flash(request, f"{PAGE}#jetons", f"Jeton « {token.name} » révoqué.")
