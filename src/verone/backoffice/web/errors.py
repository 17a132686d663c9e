"""The web pages' one error edge: refusals, domain errors, Qonto failures and bad input
become a French page (or, for htmx, a fragment the page shows where the action was taken),
never a stack trace. JSON paths keep the API's envelope: each handler dispatches on the path.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from verone.backoffice.domain.errors import DomainError, PermissionDenied
from verone.backoffice.edge.auth import PRINCIPAL_STATE
from verone.backoffice.edge.errors import EdgeError
from verone.backoffice.services.queries import NotFound
from verone.backoffice.web.context import viewer_of
from verone.backoffice.web.templating import is_htmx, render
from verone.qonto import QontoAPIError, QontoConnectionError, QontoError

logger = logging.getLogger(__name__)

Handler = Callable[[Request, Exception], Awaitable[Response]]
JSON_PREFIXES = ("/api/", "/auth/", "/healthz")
QONTO_HINT = (
    "Consultez « Intégration Qonto » : l'onglet diagnostic vérifie les identifiants, "
    "la clé API et la disponibilité de Qonto."
)


def is_page_request(request: Request) -> bool:
    """Pages are every path outside the JSON API (``/api/…``, ``/auth/…``)."""
    return not request.url.path.startswith(JSON_PREFIXES)


@dataclass(frozen=True, slots=True)
class Problem:
    """What the user reads: a message, the hint, Qonto's trace id, the fields to correct."""

    status: int
    message: str
    hint: str | None = None
    trace_id: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def problem_of(exc: Exception) -> Problem:
    if isinstance(exc, EdgeError):
        return Problem(exc.status, exc.message, hint=exc.hint)
    if isinstance(exc, NotFound):
        return Problem(404, exc.message)
    if isinstance(exc, DomainError):
        status = 403 if isinstance(exc, PermissionDenied) else 409
        return Problem(
            status,
            exc.message,
            hint=_text(getattr(exc, "hint", None)),
            trace_id=_text(getattr(exc, "trace_id", None)),
        )
    if isinstance(exc, QontoAPIError):
        detail = f"Qonto a refusé la demande : {exc.detail}" if exc.detail else None
        return Problem(
            502,
            detail or "Qonto a refusé la demande.",
            hint=exc.hint or QONTO_HINT,
            trace_id=exc.trace_id,
        )
    if isinstance(exc, QontoConnectionError | QontoError):
        return Problem(503, "Qonto est injoignable pour le moment.", hint=QONTO_HINT)
    if isinstance(exc, StarletteHTTPException):
        if exc.status_code == 404:
            return Problem(404, "Cette page n'existe pas.")
        if exc.status_code == 405:
            return Problem(405, "Cette action n'est pas possible ici.")
        return Problem(exc.status_code, "La demande n'a pas pu être traitée.")
    if isinstance(exc, RequestValidationError):
        fields = {
            ".".join(str(p) for p in error.get("loc", ())[1:]): str(error.get("msg", ""))
            for error in exc.errors()
        }
        return Problem(422, "Certains champs sont invalides.", fields=fields)
    return Problem(500, "Erreur interne inattendue. L'incident est consigné dans les journaux.")


TITLES = {
    401: "Connexion requise",
    403: "Accès refusé",
    404: "Page introuvable",
    409: "Action refusée",
    422: "Saisie invalide",
    502: "Qonto a refusé",
    503: "Qonto indisponible",
}


def render_problem(request: Request, problem: Problem) -> Response:
    """A fragment for htmx (shown by ``static/app.js`` where the action was taken), else a page."""
    context: dict[str, object] = {"problem": problem, "title": TITLES.get(problem.status, "Erreur")}
    if is_htmx(request):
        return render(request, None, "_problem.html", context, status_code=problem.status)
    context["viewer"] = viewer_of(getattr(request.state, PRINCIPAL_STATE, None))
    return render(request, None, "error.html", context, status_code=problem.status)


async def on_page_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, EdgeError) and exc.status == 401:
        target = "/connexion?suite=" + quote(request.url.path)
        if request.headers.get("HX-Request") == "true":
            return Response(status_code=401, headers={"HX-Redirect": target})
        return Response(status_code=303, headers={"Location": target})
    problem = problem_of(exc)
    if problem.status >= 500 and not isinstance(exc, QontoError):
        logger.exception("unexpected error on a page", exc_info=exc)
    return render_problem(request, problem)


def _dispatching(existing: Handler | None) -> Handler:
    async def handler(request: Request, exc: Exception) -> Response:
        if existing is None or is_page_request(request):
            return await on_page_error(request, exc)
        return await existing(request, exc)

    return handler


def install_web_error_handlers(app: FastAPI) -> None:
    """After the API's handlers: pages get HTML, the API keeps its JSON envelope."""
    for family in (
        EdgeError,
        DomainError,
        QontoError,
        RequestValidationError,
        StarletteHTTPException,
        Exception,
    ):
        existing = app.exception_handlers.get(family)
        app.add_exception_handler(family, _dispatching(existing))  # type: ignore[arg-type]
