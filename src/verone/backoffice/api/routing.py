"""``AuditedRoute``: every successful write through the API (POST, PATCH, PUT, DELETE by an
authenticated caller) leaves an audit entry with the user, the route and the outcome, on top of
the domain entries the services write."""

from __future__ import annotations

from collections.abc import Callable, Coroutine

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from verone.backoffice.edge.auth import PRINCIPAL_STATE
from verone.backoffice.edge.errors import EdgeError
from verone.backoffice.edge.runtime import request_unit_of_work, runtime

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


def _record(request: Request, route_path: str, status: int) -> None:
    principal = getattr(request.state, PRINCIPAL_STATE, None)
    user = getattr(principal, "user", None)
    user_id = getattr(user, "id", None)
    if user_id is None:
        return
    container = runtime(request)
    with request_unit_of_work(request, container) as uow:
        uow.audit.append(
            at=container.clock.now(),
            actor_id=user_id,
            action=f"api.{request.method.lower()}",
            entity_type="api_route",
            entity_id=route_path,
            details={
                "path": request.url.path[:300],
                "status": status,
                "via": "api_token" if getattr(principal, "via_api_token", False) else "session",
            },
        )
        uow.commit()


def _query_names(dependant: Dependant) -> frozenset[str]:
    """The query parameters a route declares, its dependencies' included."""
    names = {str(param.alias) for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return frozenset(names)


def _refuse_unknown_query(request: Request, known: frozenset[str]) -> None:
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise EdgeError(
            422,
            "validation_error",
            "Paramètre de requête inconnu : " + ", ".join(unknown[:10]),
            hint="Les écritures n'acceptent que les paramètres documentés.",
            details={
                "fields": [
                    {"location": f"query.{name}", "message": "unknown parameter", "type": "extra"}
                    for name in unknown[:10]
                ]
            },
        )


class AuditedRoute(APIRoute):
    """Audits successful writes and refuses unknown query parameters on them, as unknown body
    fields are refused (``RequestModel``)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[object, object, Response]]:
        handler = super().get_route_handler()
        route_path = self.path
        known = _query_names(self.dependant)

        async def audited(request: Request) -> Response:
            if request.method in WRITE_METHODS:
                _refuse_unknown_query(request, known)
            response = await handler(request)
            if request.method in WRITE_METHODS and response.status_code < 400:
                await run_in_threadpool(_record, request, route_path, response.status_code)
            return response

        return audited
