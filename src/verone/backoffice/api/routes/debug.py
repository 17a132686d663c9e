"""``/api/qonto/debug*`` (admins only): the integration's configuration, redacted — no secret
ever leaves — and the Qonto writes the outbox has not settled yet."""

from __future__ import annotations

from fastapi import APIRouter

from verone.backoffice.api import render
from verone.backoffice.api import schemas_infra as si
from verone.backoffice.api.errors import STANDARD_ERRORS
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.edge.context import AdminContext
from verone.backoffice.services import queries

router = APIRouter(
    prefix="/api/qonto", tags=["debug"], responses=STANDARD_ERRORS, route_class=AuditedRoute
)


@router.get("/debug", response_model=si.DebugOut)
def debug(ctx: AdminContext) -> si.DebugOut:
    settings = ctx.settings
    qonto = settings.qonto_settings
    return si.DebugOut(
        environment=settings.environment,
        database_backend=settings.backend,
        qonto_auth_mode=qonto.auth_mode,
        qonto_base_url=qonto.base_url,
        qonto_organization_id=qonto.organization_id,
        qonto_api_key="configured" if qonto.api_key is not None else "missing",
        simulated=settings.qonto_simulated,
        rate_limits=qonto.rate_limits,
    )


@router.get("/debug/outbox", response_model=list[si.OutboxEntryOut])
def debug_outbox(ctx: AdminContext) -> list[si.OutboxEntryOut]:
    """Pending and ambiguous Qonto writes, oldest first (what recovery will settle)."""
    status = queries.operations_status(ctx.uow)
    return [render.fields(si.OutboxEntryOut, entry) for entry in status.unsettled_outbox]
