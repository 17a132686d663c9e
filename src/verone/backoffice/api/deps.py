"""Who is calling: the current user from the session cookie or a Bearer API token, role checks
and CSRF for cookie-authenticated writes.

Routes declare ``Viewer``, ``Accountant``, ``Admin``, ``InteractiveAdmin`` (users, roles and
tokens) or ``Finalizer`` (an interactive accountant: API tokens can never finalize) and receive
the ``Principal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from verone.backoffice.api.context import clock_of, secret_key_of, uow_of
from verone.backoffice.api.errors import ApiError
from verone.backoffice.domain.users import ApiToken, Role, User
from verone.backoffice.services import auth
from verone.backoffice.services.actors import Actor

SESSION_COOKIE = "verone_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_bearer = HTTPBearer(auto_error=False, description="API token (`vrn_…`)")
_cookie = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description=f"Session from POST /auth/login; writes also send `{CSRF_HEADER}`",
)


@dataclass(frozen=True, slots=True)
class Principal:
    user: User
    api_token: ApiToken | None = None
    session: auth.Session | None = None

    @property
    def via_api_token(self) -> bool:
        return self.api_token is not None

    @property
    def actor(self) -> Actor:
        """The services' view of the caller: an interactive session or an API token."""
        if self.api_token is not None:
            return Actor.api_token(self.user.id)
        return Actor.interactive(self.user.id)


def _unauthenticated() -> ApiError:
    return ApiError(
        401,
        "not_authenticated",
        "Authentification requise.",
        hint="Connectez-vous (POST /auth/login) ou envoyez Authorization: Bearer <jeton>.",
        headers={"WWW-Authenticate": "Bearer"},
    )


def _from_token(request: Request, secret: str) -> Principal:
    found = auth.token_user(uow_of(request), clock_of(request), secret)
    if found is None:
        raise ApiError(
            401,
            "invalid_token",
            "Jeton d'API invalide, expiré ou révoqué.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    user, token = found
    return Principal(user=user, api_token=token)


def _from_cookie(request: Request, cookie: str) -> Principal:
    session = auth.read_session(secret_key_of(request), cookie, clock_of(request).now())
    if session is None:
        raise _unauthenticated()
    user = auth.session_user(uow_of(request), session)
    if user is None:
        raise _unauthenticated()
    if request.method not in SAFE_METHODS and not auth.csrf_matches(
        session, request.headers.get(CSRF_HEADER)
    ):
        raise ApiError(
            403,
            "csrf_failed",
            "Jeton CSRF absent ou invalide.",
            hint=f"Renvoyez le csrfToken reçu à la connexion dans l'en-tête {CSRF_HEADER}.",
        )
    return Principal(user=user, session=session)


def current_principal(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Principal:
    """The authenticated caller (Bearer token first, then the session cookie) or 401."""
    principal: Principal | None = None
    if bearer is not None and bearer.credentials:
        principal = _from_token(request, bearer.credentials)
    elif cookie:
        principal = _from_cookie(request, cookie)
    if principal is None:
        raise _unauthenticated()
    request.state.principal = principal  # read by AuditedRoute once the write succeeded
    return principal


def _forbidden(message: str = "Votre rôle ne permet pas cette action.") -> ApiError:
    return ApiError(403, "permission_denied", message)


def require_viewer(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    if not principal.user.has_role(Role.VIEWER):
        raise _forbidden()
    return principal


def require_accountant(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    if not principal.user.has_role(Role.ACCOUNTANT):
        raise _forbidden()
    return principal


def require_admin(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    if not principal.user.has_role(Role.ADMIN):
        raise _forbidden("Action réservée aux administrateurs.")
    return principal


def require_interactive(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """A logged-in user's session, whatever the role; never an API token."""
    if principal.via_api_token:
        raise _forbidden("Action possible depuis une session seulement, pas avec un jeton d'API.")
    return principal


def require_interactive_admin(
    principal: Annotated[Principal, Depends(current_principal)],
) -> Principal:
    """Users, roles and tokens: an admin's interactive session; never an API token."""
    if principal.via_api_token:
        raise _forbidden(
            "Un jeton d'API ne peut pas gérer les utilisateurs ni les jetons : "
            "connectez-vous en administrateur."
        )
    if not principal.user.has_role(Role.ADMIN):
        raise _forbidden("Action réservée aux administrateurs.")
    return principal


def require_finalizer(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """Rule 3: an interactive session of a user allowed to finalize; never an API token."""
    if principal.via_api_token:
        raise _forbidden("Un jeton d'API ne peut pas finaliser : confirmez dans l'interface.")
    if not principal.user.can_finalize:
        raise _forbidden()
    return principal


Viewer = Annotated[Principal, Depends(require_viewer)]
Accountant = Annotated[Principal, Depends(require_accountant)]
Admin = Annotated[Principal, Depends(require_admin)]
InteractiveAdmin = Annotated[Principal, Depends(require_interactive_admin)]
Interactive = Annotated[Principal, Depends(require_interactive)]
Finalizer = Annotated[Principal, Depends(require_finalizer)]
Authenticated = Annotated[Principal, Depends(current_principal)]
