"""Who may call ``/v2``: the API key (``{login}:{secret}``) or an OAuth bearer token.

With ``require_staging_token`` the ``X-Qonto-Staging-Token`` header is checked too (real
Qonto answers an HTML login gate without it; the sandbox answers a JSON 401 instead).
"""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from verone.sandbox.deps import StateDep
from verone.sandbox.oauth import OAuthError
from verone.sandbox.state import SandboxState
from verone.sandbox.wire import dump

DEFAULT_STAGING_TOKEN = "sandbox-staging-token"  # noqa: S105  # documented sandbox value


def staging_token(state: SandboxState) -> str:
    return state.config.staging_token or DEFAULT_STAGING_TOKEN


def check_credentials(
    state: SandboxState, authorization: str | None, staging: str | None
) -> str | None:
    """None when the request is authenticated, else the reason (the 401's detail)."""
    config = state.config
    if config.require_staging_token and not (
        staging and hmac.compare_digest(staging, staging_token(state))
    ):
        return "Missing or invalid X-Qonto-Staging-Token header"
    if not authorization:
        return "Missing Authorization header"
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer" and token:
        if state.oauth.check_access(token.strip()) is None:
            return "Invalid or expired access token"
        return None
    expected = f"{config.login}:{config.secret_key}"
    if hmac.compare_digest(authorization.strip().encode(), expected.encode()):
        return None
    return "Invalid credentials"


# ---------------------------------------------------------------------------- OAuth endpoints

router = APIRouter()


def _oauth_error(exc: OAuthError) -> JSONResponse:
    return JSONResponse(
        {"error": exc.code, "error_description": exc.description}, status_code=exc.status
    )


@router.get("/oauth2/auth")
async def authorize(
    client_id: str,
    redirect_uri: str,
    state: StateDep,
    scope: str = "",
    oauth_state: Annotated[str, Query(alias="state")] = "",
) -> Response:
    """Consent is automatic in the sandbox: redirect straight back with a code."""
    if client_id != state.config.oauth_client_id:
        return _oauth_error(OAuthError("invalid_client", "Unknown client_id.", 401))
    code = state.oauth.issue_code(scope)
    query = urlencode({"code": code, "state": oauth_state} if oauth_state else {"code": code})
    return RedirectResponse(f"{redirect_uri}?{query}", status_code=302)


@router.post("/oauth2/token")
async def token(request: Request, state: StateDep) -> Response:
    """Token exchange (authorization_code, refresh_token, client_credentials), form-encoded."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    config = state.config
    client_ok = hmac.compare_digest(
        f"{fields.get('client_id', '')}:{fields.get('client_secret', '')}",
        f"{config.oauth_client_id}:{config.oauth_client_secret}",
    )
    if not client_ok:
        return _oauth_error(OAuthError("invalid_client", "Client authentication failed.", 401))
    grant = fields.get("grant_type", "")
    try:
        with state.lock:
            if grant == "authorization_code":
                body = state.oauth.exchange_code(fields.get("code", ""))
            elif grant == "refresh_token":
                body = state.oauth.refresh_tokens(fields.get("refresh_token", ""))
            elif grant == "client_credentials":
                body = state.oauth.client_credentials(fields.get("scope", ""))
            else:
                raise OAuthError("unsupported_grant_type", f"Unsupported grant_type {grant!r}.")
    except OAuthError as exc:
        return _oauth_error(exc)
    return JSONResponse(dump(body))
