"""« Intégration Qonto » (health, configuration, rate budget, outbox with settle, last syncs,
diagnostics), « Journal d'audit » (filters, hash-chain verification) and « Administration »
(users, API tokens)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verone.backoffice.api import schemas_admin as sa
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.queries import PageRequest
from verone.backoffice.services import audit, auth, pdfs, queries, sync_documents, users
from verone.backoffice.services.outbox import recovery
from verone.backoffice.web.context import AccountantPage, AdminPage, ViewerPage
from verone.backoffice.web.forms import read_form
from verone.backoffice.web.templating import hx_redirect_with_flash, render

router = APIRouter(include_in_schema=False)
AUDIT_PAGE = 50


@router.get("/integration")
def integration(request: Request, ctx: ViewerPage) -> Response:
    qonto = ctx.settings.qonto_settings
    context = {
        "title": "Intégration Qonto",
        "section": "integration",
        "qonto": qonto,
        "simulated_qonto": ctx.settings.qonto_simulated,
        "outbox": recovery.list_outbox(ctx.uow),
        "status": queries.operations_status(ctx.uow),
        "now": ctx.clock.now(),
    }
    return render(request, ctx, "operations/integration.html", context)


@router.post("/integration/diagnostic")
def diagnose(request: Request, ctx: ViewerPage) -> Response:
    """Run the troubleshooting guide's checks (reads only) and show each one's hint."""
    latest = queries.latest_issued_invoice(ctx.uow)

    def fetch(document: FinancialDocument) -> bytes:
        return pdfs.fetch_pdf(ctx.gateway, ctx.clock, document)[0]

    checks = ctx.runtime.diagnose(fetch, latest)
    return render(request, ctx, "operations/_diagnostic.html", {"checks": checks})


@router.post("/integration/outbox/regler")
def settle(request: Request, ctx: AccountantPage) -> Response:
    """Settle every unsettled Qonto write now (each is looked up in Qonto before any resend)."""
    report = recovery.settle_outbox(ctx.uow, ctx.gateway, ctx.clock, min_age=timedelta(0))
    message = (
        f"Écritures Qonto : {len(report.succeeded)} réglées, {len(report.failed)} en échec, "
        f"{len(report.left_open)} encore en attente."
    )
    return hx_redirect_with_flash(request, "/integration", message)


@router.post("/integration/synchroniser-factures")
def sync_invoices(request: Request, ctx: AccountantPage) -> Response:
    result = sync_documents.sync_documents(ctx.uow, ctx.runtime.sync_reader, ctx.clock, ctx.user.id)
    message = f"Factures synchronisées : {result.seen} lues, {len(result.imported)} importées."
    return hx_redirect_with_flash(request, "/integration", message)


@router.get("/audit")
def audit_log(
    request: Request,
    ctx: ViewerPage,
    action: str = "",
    utilisateur: uuid.UUID | None = None,
    page: int = 1,
) -> Response:
    found = audit.search_audit_log(
        ctx.uow,
        PageRequest(max(1, min(page, 100_000)), AUDIT_PAGE),
        action=action.strip() or None,
        actor_id=utilisateur,
    )
    context = {
        "title": "Journal d'audit",
        "section": "audit",
        "found": found,
        "action": action,
        "actor": utilisateur,
        "people": audit.people(ctx.uow),
    }
    return render(request, ctx, "operations/audit.html", context, partial="operations/_audit.html")


@router.post("/audit/verifier")
def verify(request: Request, ctx: ViewerPage) -> Response:
    """Re-compute the hash chain from the first entry; say where it breaks, if it does."""
    result = audit.verify_audit_log(ctx.uow)
    return render(request, ctx, "operations/_verification.html", {"result": result})


@router.get("/administration")
def administration(request: Request, ctx: AdminPage) -> Response:
    context = {
        "title": "Administration",
        "section": "admin",
        "users": queries.list_users(ctx.uow),
        "tokens": auth.list_api_tokens(ctx.uow, ctx.user),
        "people": audit.people(ctx.uow),
        "roles": ("viewer", "accountant", "admin"),
        "now": ctx.clock.now(),
    }
    return render(request, ctx, "operations/admin.html", context)


@router.post("/administration/utilisateurs")
async def create_user(request: Request, ctx: AdminPage) -> Response:
    body = await read_form(request, sa.UserIn)
    created = users.create_user(
        ctx.uow,
        ctx.runtime.password_hasher,
        ctx.clock,
        email=body.email,
        password=body.password,
        role=body.role,
        display_name=body.display_name,
    )
    return hx_redirect_with_flash(request, "/administration", f"Utilisateur {created.email} créé.")


@router.post("/administration/jetons")
async def create_token(request: Request, ctx: AdminPage) -> Response:
    """The token is shown once, in the answer; only its hash is stored."""
    body = await read_form(request, sa.TokenIn)
    issued = auth.create_api_token(
        ctx.uow,
        ctx.clock,
        ctx.user,
        name=body.name,
        user_id=body.user_id,
        expires_at=body.expires_at,
    )
    return render(request, ctx, "operations/_token.html", {"issued": issued})


@router.post("/administration/jetons/{token_id}/revoquer")
def revoke_token(request: Request, ctx: AdminPage, token_id: uuid.UUID) -> Response:
    auth.revoke_api_token(ctx.uow, ctx.clock, ctx.user, token_id)
    return hx_redirect_with_flash(request, "/administration", "Jeton révoqué.")
