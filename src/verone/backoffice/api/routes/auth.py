"""``/auth``: log in (JSON → session cookie + CSRF token), log out, who am I."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from verone.backoffice.api import render
from verone.backoffice.api import schemas_admin as sa
from verone.backoffice.api.errors import STANDARD_ERRORS, ErrorResponse
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.edge.auth import SESSION_COOKIE
from verone.backoffice.edge.client_address import client_address
from verone.backoffice.edge.context import InteractiveContext, PublicContext, UserContext
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
def login(
    ctx: PublicContext, body: sa.LoginIn, request: Request, response: Response
) -> sa.LoginOut:
    """Open a session: sets an HttpOnly cookie and returns the CSRF token for writes."""
    result = auth.login(
        ctx.uow,
        ctx.runtime.password_hasher,
        ctx.clock,
        ctx.runtime.secret_key,
        email=body.email,
        password=body.password,
        client_address=client_address(request, ctx.settings.trusted_proxy_networks),
    )
    response.set_cookie(
        SESSION_COOKIE,
        result.cookie,
        max_age=int(auth.SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=ctx.runtime.cookie_secure,
        path="/",
    )
    return sa.LoginOut(
        csrf_token=result.session.csrf_token,
        user_id=result.user.id,
        role=result.user.role,
        expires_at=result.session.expires_at,
    )


@router.post("/logout", response_model=sa.LogoutOut)
def logout(ctx: UserContext, response: Response) -> sa.LogoutOut:
    """Revoke the session (the cookie no longer opens anything) and clear the cookie; API
    tokens are revoked through /api/tokens."""
    session = ctx.caller.session
    if session is not None:  # an API token stays valid: revoke it via /api/tokens
        auth.record_logout(ctx.uow, ctx.clock, ctx.user, session)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=ctx.runtime.cookie_secure
    )
    return sa.LogoutOut()


@router.get("/me", response_model=sa.MeOut)
def me(ctx: UserContext) -> sa.MeOut:
    return render.fields(sa.MeOut, ctx.user, via_api_token=ctx.caller.via_api_token)


@router.post(
    "/password",
    response_model=sa.PasswordChangedOut,
    responses={422: {"model": ErrorResponse, "description": "Wrong or weak password"}},
)
def change_password(ctx: InteractiveContext, body: sa.PasswordChangeIn) -> sa.PasswordChangedOut:
    """Change your own password (session only); your other sessions are revoked."""
    session = ctx.caller.session
    revoked = user_admin.change_own_password(
        ctx.uow,
        ctx.runtime.password_hasher,
        ctx.clock,
        ctx.actor,
        current_password=body.current_password,
        new_password=body.new_password,
        keep_session=session.session_id if session else None,
    )
    return sa.PasswordChangedOut(other_sessions_revoked=revoked)
