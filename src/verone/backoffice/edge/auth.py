"""Who is calling: the current user from the session cookie or a Bearer API token, role checks
and CSRF for cookie-authenticated writes.

The request contexts of ``edge/context.py`` depend on these; a route never reads them itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from verone.backoffice.domain.users import ApiToken, Role, User
from verone.backoffice.edge.errors import EdgeError
from verone.backoffice.edge.runtime import RequestUnitOfWork, Runtime
from verone.backoffice.ports import UnitOfWork
from verone.backoffice.services import auth
from verone.backoffice.services.actors import Actor

SESSION_COOKIE = "verone_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: ``request.state`` attribute holding the ``Principal`` (read by the API's audit of writes)
PRINCIPAL_STATE = "principal"

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


def unauthenticated() -> EdgeError:
    return EdgeError(
        401,
        "not_authenticated",
        "Authentification requise.",
        hint="Connectez-vous (POST /auth/login) ou envoyez Authorization: Bearer <jeton>.",
        headers={"WWW-Authenticate": "Bearer"},
    )


def current_principal(
    request: Request,
    container: Runtime,
    uow: RequestUnitOfWork,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Principal:
    """The authenticated caller (Bearer token first, then the session cookie) or 401."""
    principal: Principal | None = None
    if bearer is not None and bearer.credentials:
        found = auth.token_user(uow, container.clock, bearer.credentials)
        if found is None:
            raise EdgeError(
                401,
                "invalid_token",
                "Jeton d'API invalide, expiré ou révoqué.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        principal = Principal(user=found[0], api_token=found[1])
    elif cookie:
        principal = _from_cookie(request, container.secret_key, uow, container.clock.now(), cookie)
    if principal is None:
        raise unauthenticated()
    setattr(request.state, PRINCIPAL_STATE, principal)
    return principal


def _from_cookie(
    request: Request, secret: str, uow: UnitOfWork, now: datetime, cookie: str
) -> Principal:
    session = auth.read_session(secret, cookie, now)
    user = None if session is None else auth.session_user(uow, session)
    if session is None or user is None:
        raise unauthenticated()
    if request.method not in SAFE_METHODS and not auth.csrf_matches(
        session, request.headers.get(CSRF_HEADER)
    ):
        raise EdgeError(
            403,
            "csrf_failed",
            "Jeton CSRF absent ou invalide.",
            hint=f"Renvoyez le csrfToken reçu à la connexion dans l'en-tête {CSRF_HEADER}.",
        )
    return Principal(user=user, session=session)


Authenticated = Annotated[Principal, Depends(current_principal)]


def _forbidden(message: str = "Votre rôle ne permet pas cette action.") -> EdgeError:
    return EdgeError(403, "permission_denied", message)


def requiring(role: Role, message: str | None = None) -> Callable[[Principal], Principal]:
    """A dependency: the caller, who must have at least ``role`` (403 otherwise)."""

    def require(principal: Authenticated) -> Principal:
        if not principal.user.has_role(role):
            raise _forbidden() if message is None else _forbidden(message)
        return principal

    require.__name__ = f"require_{role}"
    return require


require_viewer = requiring(Role.VIEWER)
require_accountant = requiring(Role.ACCOUNTANT)
require_admin = requiring(Role.ADMIN, "Action réservée aux administrateurs.")


def require_interactive(principal: Authenticated) -> Principal:
    """A logged-in user's session, whatever the role; never an API token."""
    if principal.via_api_token:
        raise _forbidden("Action possible depuis une session seulement, pas avec un jeton d'API.")
    return principal


def require_interactive_admin(principal: Authenticated) -> Principal:
    """Users, roles and tokens: an admin's interactive session; never an API token."""
    if principal.via_api_token:
        raise _forbidden(
            "Un jeton d'API ne peut pas gérer les utilisateurs ni les jetons : "
            "connectez-vous en administrateur."
        )
    if not principal.user.has_role(Role.ADMIN):
        raise _forbidden("Action réservée aux administrateurs.")
    return principal


def require_finalizer(principal: Authenticated) -> Principal:
    """Rule 3: an interactive session of a user allowed to finalize; never an API token."""
    if principal.via_api_token:
        raise _forbidden("Un jeton d'API ne peut pas finaliser : confirmez dans l'interface.")
    if not principal.user.can_finalize:
        raise _forbidden()
    return principal
