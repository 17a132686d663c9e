"""The request context: what a route needs to call a use case, as one ``Annotated`` parameter.

A route declares who may call it through the context's type, and reads as parse → one service
call → render::

    @router.post("/{document_id}/mark-paid")
    def mark_paid(ctx: AccountantContext, document_id: LocalId) -> s.DocumentOut:
        document = ctx.call(payments.mark_paid, document_id)
        return render.document(document, ctx.today())

``AccountantContext`` authenticates the caller (session cookie + CSRF, or API token), checks
the role (403 otherwise) and carries the request's one unit of work, the Qonto gateway, the
clock and the actor. The same contexts serve the JSON API and the web pages.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the dependency signatures built
# in ``context_of`` at runtime, and a closure's annotations must be evaluated objects.

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Concatenate, ParamSpec, TypeVar

from fastapi import Depends

from verone.backoffice.bootstrap import Container
from verone.backoffice.config import Settings
from verone.backoffice.domain.users import User
from verone.backoffice.edge.auth import (
    Principal,
    current_principal,
    require_accountant,
    require_admin,
    require_finalizer,
    require_interactive,
    require_interactive_admin,
    require_viewer,
    unauthenticated,
)
from verone.backoffice.edge.runtime import RequestUnitOfWork, Runtime
from verone.backoffice.ports import Clock, QontoGateway, UnitOfWork
from verone.backoffice.services.actors import Actor

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class RequestContext:
    """One request's collaborators; ``principal`` is ``None`` only on public routes."""

    uow: UnitOfWork
    gateway: QontoGateway
    clock: Clock
    principal: Principal | None
    runtime: Container

    @property
    def actor(self) -> Actor:
        """The caller as the services see it (401 on a public route)."""
        return self.caller.actor

    @property
    def user(self) -> User:
        return self.caller.user

    @property
    def caller(self) -> Principal:
        if self.principal is None:
            raise unauthenticated()
        return self.principal

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    def today(self) -> date:
        return self.clock.today()

    @property
    def confirmation_key(self) -> bytes:
        """The HMAC key of finalize confirmations (``Container.confirmation_key``)."""
        return self.runtime.confirmation_key

    def call(
        self,
        use_case: Callable[Concatenate[UnitOfWork, QontoGateway, Clock, Actor, P], R],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R:
        """Run a use case that may reach Qonto: ``use_case(uow, gateway, clock, actor, …)``."""
        return use_case(self.uow, self.gateway, self.clock, self.actor, *args, **kwargs)

    def call_local(
        self,
        use_case: Callable[Concatenate[UnitOfWork, Clock, Actor, P], R],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> R:
        """Run a use case that stays in the database: ``use_case(uow, clock, actor, …)``."""
        return use_case(self.uow, self.clock, self.actor, *args, **kwargs)


def _build(container: Container, uow: UnitOfWork, principal: Principal | None) -> RequestContext:
    return RequestContext(
        uow=uow,
        gateway=container.gateway,
        clock=container.clock,
        principal=principal,
        runtime=container,
    )


def context_of(
    requirement: Callable[..., Principal],
) -> Callable[[Container, UnitOfWork, Principal], RequestContext]:
    """A dependency building the context of a caller who passes ``requirement``."""

    def build(
        container: Runtime,
        uow: RequestUnitOfWork,
        principal: Annotated[Principal, Depends(requirement)],
    ) -> RequestContext:
        return _build(container, uow, principal)

    return build


def public_context(container: Runtime, uow: RequestUnitOfWork) -> RequestContext:
    """The context of a route anyone may call (log in, Qonto's webhooks): no principal."""
    return _build(container, uow, None)


#: Any authenticated caller (any role, session or API token)
UserContext = Annotated[RequestContext, Depends(context_of(current_principal))]
ViewerContext = Annotated[RequestContext, Depends(context_of(require_viewer))]
AccountantContext = Annotated[RequestContext, Depends(context_of(require_accountant))]
AdminContext = Annotated[RequestContext, Depends(context_of(require_admin))]
#: An interactive accountant or admin session (rule 3: API tokens never finalize)
FinalizerContext = Annotated[RequestContext, Depends(context_of(require_finalizer))]
PublicContext = Annotated[RequestContext, Depends(public_context)]
#: Any user's interactive session (never an API token): one's own password
InteractiveContext = Annotated[RequestContext, Depends(context_of(require_interactive))]
#: An admin's interactive session: users, roles and API tokens (an API token could otherwise
#: mint a user who finalizes)
InteractiveAdminContext = Annotated[RequestContext, Depends(context_of(require_interactive_admin))]
