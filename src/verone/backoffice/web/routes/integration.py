"""« Intégration Qonto »: connection state, the outbox with its settle, the last syncs, and the
diagnostic panel (``services.diagnostics``, the same checks as ``verone diagnose``)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verone.backoffice.domain.users import Role
from verone.backoffice.services import diagnostics, integration
from verone.backoffice.services.auth import record_action
from verone.backoffice.services.outbox.recovery import settle_outbox
from verone.backoffice.web.context import AdminPage, RequestContext, ViewerPage
from verone.backoffice.web.templating import hx_redirect_with_flash, is_htmx, render

router = APIRouter(include_in_schema=False)


def _context(ctx: RequestContext, **extra: object) -> dict[str, object]:
    overview = integration.integration_overview(ctx.uow, ctx.gateway, ctx.runtime.qonto_setup())
    return {
        "title": "Intégration Qonto",
        "section": "integration",
        "overview": overview,
        "now": ctx.clock.now(),
        "can_settle": ctx.user.has_role(Role.ADMIN),
        **extra,
    }


@router.get("/integration")
def integration_page(request: Request, ctx: ViewerPage) -> Response:
    return render(request, ctx, "integration/page.html", _context(ctx))


@router.get("/integration/diagnostic")
def run_diagnostic(request: Request, ctx: ViewerPage) -> Response:
    """The checks' results: a fragment for the panel, the whole page without htmx."""
    diagnosis = diagnostics.diagnose(
        ctx.uow,
        ctx.gateway,
        ctx.clock,
        ctx.runtime.qonto_setup(),
        ctx.runtime.schema_state,
    )
    if is_htmx(request):
        context: dict[str, object] = {"diagnosis": diagnosis, "checked_at": ctx.clock.now()}
    else:
        context = _context(ctx, diagnosis=diagnosis, checked_at=ctx.clock.now())
    return render(
        request, ctx, "integration/page.html", context, partial="integration/_diagnosis.html"
    )


@router.post("/integration/outbox/regler")
def settle(request: Request, ctx: AdminPage) -> Response:
    """Settle every open Qonto write now (Qonto is asked before anything is re-sent)."""
    report = settle_outbox(ctx.uow, ctx.gateway, ctx.clock, min_age=timedelta(0))
    record_action(
        ctx.uow,
        ctx.clock,
        ctx.user,
        action="outbox.settle",
        entity_type="outbox",
        entity_id="*",
        details={
            "succeeded": len(report.succeeded),
            "failed": len(report.failed),
            "left_open": len(report.left_open),
        },
    )
    message = (
        f"Outbox réglée : {len(report.succeeded)} réussie(s), {len(report.failed)} en échec, "
        f"{len(report.left_open)} laissée(s) en attente (Qonto injoignable)."
    )
    return hx_redirect_with_flash(request, "/integration#outbox", message)
