"""``AuditedRoute``: every successful write through the API (POST, PATCH, PUT, DELETE by an
authenticated caller) leaves an audit entry with the user, the route and the outcome, on top of
the domain entries the services write."""

from __future__ import annotations

from collections.abc import Callable, Coroutine

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from verone.backoffice.edge.auth import PRINCIPAL_STATE
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


class AuditedRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[object, object, Response]]:
        handler = super().get_route_handler()
        route_path = self.path

        async def audited(request: Request) -> Response:
            response = await handler(request)
            if request.method in WRITE_METHODS and response.status_code < 400:
                await run_in_threadpool(_record, request, route_path, response.status_code)
            return response

        return audited
