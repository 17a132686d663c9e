"""Access to the composition root from a request: the container the app's lifespan built.

The only place in ``api/`` that knows where the container lives (``app.state.container``).
"""

from __future__ import annotations

from fastapi import Request

from verone.backoffice.api.errors import ApiError
from verone.backoffice.bootstrap import Container
from verone.backoffice.ports import Clock, UnitOfWork


def runtime(request: Request) -> Container:
    container = getattr(request.app.state, "container", None)
    if not isinstance(container, Container):
        raise ApiError(503, "not_ready", "Le service démarre ; réessayez dans un instant.")
    return container


def uow_of(request: Request) -> UnitOfWork:
    """A fresh unit of work for one use case."""
    return runtime(request).unit_of_work()


def clock_of(request: Request) -> Clock:
    return runtime(request).clock


def secret_key_of(request: Request) -> str:
    return runtime(request).secret_key


def cookie_secure_of(request: Request) -> bool:
    return runtime(request).cookie_secure


def confirmation_key_of(request: Request) -> bytes:
    """The HMAC key of finalize confirmations (``Container.confirmation_key``)."""
    return runtime(request).confirmation_key
