"""Who is looking at a page: the session user, the CSRF token the page sends back, the role
guards of the web routes (``PageViewer``, ``PageAccountant``, ``PageFinalizer``, ``PageAdmin``).

The session cookie and the CSRF token are the API's (``services.auth``): one login serves both.
An anonymous visitor is sent to the login page; a role refusal is a French 403 page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from verone.backoffice.bootstrap import Container
from verone.backoffice.domain.users import Role, User
from verone.backoffice.services import auth
from verone.backoffice.services.actors import Actor

SESSION_COOKIE = "verone_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class WebRefusal(Exception):
    """A page the visitor may not see: ``status`` 401 (log in first), 403 or 503."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def container_of(request: Request) -> Container:
    container = getattr(request.app.state, "container", None)
    if not isinstance(container, Container):
        raise WebRefusal(503, "Le service démarre ; réessayez dans un instant.")
    return container


Runtime = Annotated[Container, Depends(container_of)]


@dataclass(frozen=True, slots=True)
class Viewer:
    """The logged-in user of a page and the session's CSRF token (rendered in ``<meta>``)."""

    user: User
    csrf_token: str
    session: auth.Session | None = None  # what logging out revokes

    @property
    def actor(self) -> Actor:
        return Actor.interactive(self.user.id)

    def may(self, role: Role) -> bool:
        return self.user.has_role(role)


def optional_viewer(request: Request, container: Runtime) -> Viewer | None:
    """The session's user, or ``None`` (no cookie, expired, deactivated)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    session = auth.read_session(container.secret_key, cookie, container.clock.now())
    if session is None:
        return None
    user = auth.session_user(container.unit_of_work(), session)
    if user is None:
        return None
    if request.method not in SAFE_METHODS and not auth.csrf_matches(
        session, request.headers.get(CSRF_HEADER)
    ):
        raise WebRefusal(403, "Jeton CSRF absent ou invalide : rechargez la page.")
    request.state.web_viewer = user
    return Viewer(user=user, csrf_token=session.csrf_token, session=session)


def _requiring(role: Role) -> object:
    def guard(viewer: Annotated[Viewer | None, Depends(optional_viewer)]) -> Viewer:
        if viewer is None:
            raise WebRefusal(401, "Connectez-vous pour continuer.")
        if not viewer.may(role):
            raise WebRefusal(403, "Votre rôle ne permet pas d'ouvrir cette page ou cette action.")
        return viewer

    return guard


def _requiring_finalizer(viewer: Annotated[Viewer, Depends(_requiring(Role.VIEWER))]) -> Viewer:
    if not viewer.user.can_finalize:
        raise WebRefusal(403, "Votre rôle ne permet pas de finaliser.")
    return viewer


MaybeViewer = Annotated[Viewer | None, Depends(optional_viewer)]
PageViewer = Annotated[Viewer, Depends(_requiring(Role.VIEWER))]
PageAccountant = Annotated[Viewer, Depends(_requiring(Role.ACCOUNTANT))]
PageFinalizer = Annotated[Viewer, Depends(_requiring_finalizer)]
PageAdmin = Annotated[Viewer, Depends(_requiring(Role.ADMIN))]
