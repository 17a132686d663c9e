"""The composition root seen from a request: the container the app's lifespan built, and the
request's one unit of work.

The only place of the edges that knows where the container lives (``app.state.container``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from verone.backoffice.bootstrap import Container
from verone.backoffice.edge.errors import EdgeError
from verone.backoffice.ports import UnitOfWork


def runtime(request: Request) -> Container:
    """The container, or 503 while the application is still starting."""
    container = getattr(request.app.state, "container", None)
    if not isinstance(container, Container):
        raise EdgeError(503, "not_ready", "Le service démarre ; réessayez dans un instant.")
    return container


Runtime = Annotated[Container, Depends(runtime)]


#: ``request.state`` attribute holding the request's unit of work (see ``request_unit_of_work``)
UNIT_OF_WORK_STATE = "unit_of_work"


def request_unit_of_work(request: Request, container: Runtime) -> UnitOfWork:
    """One unit of work per request (FastAPI caches it for the request's dependencies).

    It is entered once per step (``with uow: …``), never held open across a request: the
    authentication, the lookups, the service call and the audit of the write each open and
    close it in turn.
    """
    uow: UnitOfWork | None = getattr(request.state, UNIT_OF_WORK_STATE, None)
    if uow is None:
        uow = container.unit_of_work()
        setattr(request.state, UNIT_OF_WORK_STATE, uow)
    return uow


RequestUnitOfWork = Annotated[UnitOfWork, Depends(request_unit_of_work)]
