"""« Administration » (admins only): the users (list, create with a role) and the API tokens
(list, create — the secret is shown once —, revoke). Forms are validated by the API's own
request models (``api/schemas_admin.py``); the same services do the work."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verone.backoffice.api import schemas_admin as sa
from verone.backoffice.bootstrap import Container
from verone.backoffice.services import auth, queries, users
from verone.backoffice.web import labels
from verone.backoffice.web.context import PageAdmin, Runtime, Viewer
from verone.backoffice.web.forms import read_form
from verone.backoffice.web.templating import hx_redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/administration"


def _context(viewer: Viewer, container: Container, **extra: object) -> dict[str, object]:
    people = queries.list_users(container.unit_of_work())
    return {
        "title": "Administration",
        "section": "admin",
        "users": people,
        "names": {u.id: u.display_name for u in people},
        "tokens": auth.list_api_tokens(container.unit_of_work(), viewer.user),
        "roles": labels.ROLE,
        "now": container.clock.now(),
        **extra,
    }


@router.get(PAGE)
def admin_page(request: Request, viewer: PageAdmin, container: Runtime) -> Response:
    return render(request, viewer, "admin/page.html", _context(viewer, container))


@router.post(f"{PAGE}/utilisateurs")
async def create_user(request: Request, viewer: PageAdmin, container: Runtime) -> Response:
    body = await read_form(request, sa.UserIn)
    user = users.create_user(
        container.unit_of_work(),
        container.password_hasher,
        container.clock,
        email=body.email,
        password=body.password,
        role=body.role,
        display_name=body.display_name,
    )
    auth.record_action(
        container.unit_of_work(),
        container.clock,
        viewer.user,
        action="user.create",
        entity_type="user",
        entity_id=str(user.id),
        details={"role": str(user.role)},
    )
    message = f"Utilisateur {user.email} créé ({labels.ROLE[user.role]})."
    return hx_redirect_with_flash(request, f"{PAGE}#utilisateurs", message)


@router.post(f"{PAGE}/jetons")
async def create_token(request: Request, viewer: PageAdmin, container: Runtime) -> Response:
    """The secret is shown once, on this answer only; it is stored as a hash."""
    body = await read_form(request, sa.TokenIn)
    issued = auth.create_api_token(
        container.unit_of_work(),
        container.clock,
        viewer.user,
        name=body.name,
        user_id=body.user_id,
        expires_at=body.expires_at,
    )
    context = _context(viewer, container, issued=issued)
    return render(request, viewer, "admin/page.html", context, partial="admin/_issued.html")


@router.post(f"{PAGE}/jetons/{{token_id}}/revoquer")
def revoke_token(
    request: Request, viewer: PageAdmin, container: Runtime, token_id: uuid.UUID
) -> Response:
    token = auth.revoke_api_token(container.unit_of_work(), container.clock, viewer.user, token_id)
    return hx_redirect_with_flash(request, f"{PAGE}#jetons", f"Jeton « {token.name} » révoqué.")
