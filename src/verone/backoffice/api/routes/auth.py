"""``/auth``: log in (JSON → session cookie + CSRF token), log out, who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from verone.backoffice.api import schemas_admin as sa
from verone.backoffice.api.client_address import client_address
from verone.backoffice.api.context import cookie_secure_of, runtime, secret_key_of
from verone.backoffice.api.deps import SESSION_COOKIE, Authenticated, Interactive
from verone.backoffice.api.errors import STANDARD_ERRORS, ErrorResponse
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.services import auth, user_admin

router = APIRouter(
    prefix="/auth", tags=["auth"], responses=STANDARD_ERRORS, route_class=AuditedRoute
)


@router.post(
    "/login",
    response_model=sa.LoginOut,
    responses={
        401: {"model": ErrorResponse, "description": "Bad credentials"},
        422: {"model": ErrorResponse, "description": "Invalid body"},
        429: {"model": ErrorResponse, "description": "Too many failed attempts"},
    },
)
def login(body: sa.LoginIn, request: Request, response: Response) -> sa.LoginOut:
    """Open a session: sets an HttpOnly cookie and returns the CSRF token for writes."""
    rt = runtime(request)
    result = auth.login(
        rt.unit_of_work(),
        rt.password_hasher,
        rt.clock,
        secret_key_of(request),
        email=body.email,
        password=body.password,
        client_address=client_address(request, rt.settings.trusted_proxy_networks),
    )
    response.set_cookie(
        SESSION_COOKIE,
        result.cookie,
        max_age=int(auth.SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=cookie_secure_of(request),
        path="/",
    )
    return sa.LoginOut(
        csrf_token=result.session.csrf_token,
        user_id=result.user.id,
        role=result.user.role,
        expires_at=result.session.expires_at,
    )


@router.post("/logout", response_model=sa.LogoutOut)
def logout(principal: Authenticated, request: Request, response: Response) -> sa.LogoutOut:
    """Revoke the session (the cookie no longer opens anything) and clear the cookie; API
    tokens are revoked through /api/tokens."""
    rt = runtime(request)
    if principal.session is not None:  # an API token stays valid: revoke it via /api/tokens
        auth.record_logout(rt.unit_of_work(), rt.clock, principal.user, principal.session)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=cookie_secure_of(request)
    )
    return sa.LogoutOut()


@router.get("/me", response_model=sa.MeOut)
def me(principal: Authenticated) -> sa.MeOut:
    user = principal.user
    return sa.MeOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        via_api_token=principal.via_api_token,
    )


@router.post(
    "/password",
    response_model=sa.PasswordChangedOut,
    responses={422: {"model": ErrorResponse, "description": "Wrong or weak password"}},
)
def change_password(
    principal: Interactive, request: Request, body: sa.PasswordChangeIn
) -> sa.PasswordChangedOut:
    """Change your own password (session only); your other sessions are revoked."""
    rt = runtime(request)
    revoked = user_admin.change_own_password(
        rt.unit_of_work(),
        rt.password_hasher,
        rt.clock,
        principal.actor,
        current_password=body.current_password,
        new_password=body.new_password,
        keep_session=principal.session.session_id if principal.session else None,
    )
    return sa.PasswordChangedOut(other_sessions_revoked=revoked)
