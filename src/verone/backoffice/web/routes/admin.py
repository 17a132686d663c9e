"""« Administration » (admins only): the users (list, create with a role, change the role,
deactivate or reactivate, reset the password, revoke sessions and tokens) and the API tokens
(list, create — the secret is shown once —, revoke). The user services refuse API tokens:
only an admin's interactive session manages users (``services/user_admin.py``). Forms are
validated by the API's own request models (``api/schemas_admin.py``)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verone.backoffice.api import parse
from verone.backoffice.api import schemas_admin as sa
from verone.backoffice.services import auth, queries, user_admin
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
    hasher = ctx.runtime.password_hasher
    user = user_admin.add_user(ctx.uow, hasher, ctx.clock, ctx.actor, **parse.new_user(body))
    message = f"Utilisateur {user.email} créé ({labels.ROLE[user.role]})."
    return hx_redirect_with_flash(request, f"{PAGE}#utilisateurs", message)


USER = f"{PAGE}/utilisateurs/{{user_id}}"


@router.post(f"{USER}/role")
async def set_role(request: Request, ctx: AdminPage, user_id: uuid.UUID) -> Response:
    body = await read_form(request, sa.RoleIn)
    user = ctx.call_local(user_admin.set_role, user_id, body.role)
    message = f"{user.display_name} est désormais {labels.ROLE[user.role].lower()}."
    return hx_redirect_with_flash(request, f"{PAGE}#utilisateurs", message)


@router.post(f"{USER}/desactiver")
def deactivate(request: Request, ctx: AdminPage, user_id: uuid.UUID) -> Response:
    revoked = ctx.call_local(user_admin.deactivate_user, user_id)
    return hx_redirect_with_flash(request, f"{PAGE}#utilisateurs", _revoked(revoked, "désactivé"))


@router.post(f"{USER}/reactiver")
def reactivate(request: Request, ctx: AdminPage, user_id: uuid.UUID) -> Response:
    user = ctx.call_local(user_admin.reactivate_user, user_id)
    return hx_redirect_with_flash(request, f"{PAGE}#utilisateurs", f"{user.display_name} réactivé.")


@router.post(f"{USER}/mot-de-passe")
async def reset_password(request: Request, ctx: AdminPage, user_id: uuid.UUID) -> Response:
    body = await read_form(request, sa.PasswordResetIn)
    revoked = user_admin.reset_password(
        ctx.uow, ctx.runtime.password_hasher, ctx.clock, ctx.actor, user_id, body.new_password
    )
    message = _revoked(revoked, "a un nouveau mot de passe")
    return hx_redirect_with_flash(request, f"{PAGE}#utilisateurs", message)


@router.post(f"{USER}/revoquer")
def revoke_access(request: Request, ctx: AdminPage, user_id: uuid.UUID) -> Response:
    revoked = ctx.call_local(user_admin.revoke_access, user_id)
    message = _revoked(revoked, "doit se reconnecter")
    return hx_redirect_with_flash(request, f"{PAGE}#utilisateurs", message)


def _revoked(revoked: user_admin.Revoked, what: str) -> str:
    return (
        f"{revoked.user.display_name} {what} : {revoked.sessions} session(s) et "
        f"{revoked.tokens} jeton(s) révoqués."
    )


@router.post(f"{PAGE}/jetons")
async def create_token(request: Request, ctx: AdminPage) -> Response:
    """The secret is shown once, on this answer only; it is stored as a hash."""
    body = await read_form(request, sa.TokenIn)
    issued = auth.create_api_token(ctx.uow, ctx.clock, ctx.actor, **parse.new_token(body))
    context = _context(ctx, issued=issued)
    return render(request, ctx, "admin/page.html", context, partial="admin/_issued.html")


@router.post(f"{PAGE}/jetons/{{token_id}}/revoquer")
def revoke_token(request: Request, ctx: AdminPage, token_id: uuid.UUID) -> Response:
    token = auth.revoke_api_token(ctx.uow, ctx.clock, ctx.user, token_id)
    return hx_redirect_with_flash(request, f"{PAGE}#jetons", f"Jeton « {token.name} » révoqué.")
