"""The pages' view of the request context (``edge/context.py``, shared with the JSON API):
the same session cookie, CSRF token, roles and unit of work. Pages add what a template needs
to draw the frame: the user, the role and the CSRF token htmx sends back (``<meta>``).

Route parameters: ``ViewerPage``, ``AccountantPage``, ``FinalizerPage``, ``AdminPage`` (the
edge's contexts under the pages' names) and ``PublicPage``. An anonymous visitor is sent to
the login page and a role refusal is a French 403 page (``web/errors.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from verone.backoffice.domain.users import Role, User
from verone.backoffice.edge.auth import SESSION_COOKIE, Principal
from verone.backoffice.edge.context import (
    AccountantContext,
    AdminContext,
    FinalizerContext,
    PublicContext,
    RequestContext,
    ViewerContext,
)
from verone.backoffice.services import auth

__all__ = [
    "SESSION_COOKIE",
    "AccountantPage",
    "AdminPage",
    "FinalizerPage",
    "PublicPage",
    "RequestContext",
    "Viewer",
    "ViewerPage",
    "viewer_of",
]

ViewerPage = ViewerContext
AccountantPage = AccountantContext
FinalizerPage = FinalizerContext
AdminPage = AdminContext
PublicPage = PublicContext


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who the frame shows in the top bar, and the CSRF token htmx sends on writes."""

    user: User
    csrf_token: str
    session: auth.Session | None = None  # what logging out revokes

    def may(self, role: Role | str) -> bool:
        return self.user.has_role(Role(role))


def viewer_of(principal: Principal | None) -> Viewer | None:
    if principal is None:
        return None
    token = principal.session.csrf_token if principal.session is not None else ""
    return Viewer(user=principal.user, csrf_token=token, session=principal.session)
