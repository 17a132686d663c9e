"""Connexion and déconnexion: the API's session cookie, opened from an HTML form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from verone.backoffice.edge.client_address import client_address
from verone.backoffice.services import auth
from verone.backoffice.web.context import SESSION_COOKIE, PublicPage, ViewerPage
from verone.backoffice.web.errors import Problem
from verone.backoffice.web.templating import hx_redirect, render

router = APIRouter(include_in_schema=False)


def _safe_next(value: str | None) -> str:
    """Only a local path (never ``//host``): the page asked for before logging in."""
    if value and value.startswith("/") and not value.startswith("//"):
        return value
    return "/"


@router.get("/connexion")
def login_page(request: Request, suite: str | None = None) -> Response:
    return render(
        request, None, "login.html", {"title": "Connexion", "next_url": _safe_next(suite)}
    )


@router.post("/connexion")
def login(
    request: Request,
    ctx: PublicPage,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    suite: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Open the session and go to the page asked for; a refusal re-renders the form."""
    try:
        result = auth.login(
            ctx.uow,
            ctx.runtime.password_hasher,
            ctx.clock,
            ctx.runtime.secret_key,
            email=email,
            password=password,
            client_address=client_address(request, ctx.settings.trusted_proxy_networks),
        )
    except auth.TooManyLoginAttempts as exc:
        minutes = max(1, exc.retry_after // 60)
        problem = Problem(
            429,
            exc.message,
            hint=f"Le compte est bloqué pendant {minutes} minutes après trop d'échecs.",
        )
        return _login_again(request, email, suite, problem, {"Retry-After": str(exc.retry_after)})
    except auth.InvalidCredentials as exc:
        return _login_again(request, email, suite, Problem(401, exc.message), {})
    response = Response(status_code=303, headers={"Location": _safe_next(suite)})
    response.set_cookie(
        SESSION_COOKIE,
        result.cookie,
        max_age=int(auth.SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=ctx.runtime.cookie_secure,
        path="/",
    )
    return response


def _login_again(
    request: Request, email: str, suite: str, problem: Problem, headers: dict[str, str]
) -> Response:
    context = {
        "title": "Connexion",
        "next_url": _safe_next(suite),
        "email": email,
        "problem": problem,
    }
    return render(request, None, "login.html", context, status_code=problem.status, headers=headers)


@router.post("/deconnexion")
def logout(request: Request, ctx: ViewerPage) -> Response:
    session = ctx.caller.session
    if session is not None:  # as /auth/logout: an API token is revoked through /api/tokens
        auth.record_logout(ctx.uow, ctx.clock, ctx.user, session)
    response = hx_redirect(request, "/connexion")
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=ctx.runtime.cookie_secure
    )
    return response
