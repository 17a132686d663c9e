"""``/api/qonto`` infrastructure: health, integration status, balances, Qonto transactions and
clients, read live from Qonto through ``services.qonto_live`` and the gateway (or from the
local operations tables)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from verone.backoffice.api import render
from verone.backoffice.api import schemas as s
from verone.backoffice.api import schemas_infra as si
from verone.backoffice.api.errors import QONTO_HINT, STANDARD_ERRORS, ErrorResponse
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.domain.operations import SyncRun
from verone.backoffice.domain.remote import RemoteAccount, RemoteClient, RemoteTransactionView
from verone.backoffice.edge.context import AccountantContext, ViewerContext
from verone.backoffice.services import qonto_live, queries, sync_documents, sync_transactions
from verone.backoffice.services.auth import record_action
from verone.backoffice.services.outbox import clients as qonto_clients
from verone.qonto import QONTO_ID_PATTERN

router = APIRouter(
    prefix="/api/qonto",
    tags=["infrastructure"],
    responses=STANDARD_ERRORS,
    route_class=AuditedRoute,
)

QontoPage = Annotated[int, Query(ge=1, le=10_000)]
QontoPerPage = Annotated[int, Query(alias="perPage", ge=1, le=100)]


@router.get(
    "/health",
    response_model=si.HealthOut,
    responses={503: {"model": si.UnhealthyOut, "description": "Qonto is not usable"}},
)
def health(ctx: ViewerContext) -> si.HealthOut | JSONResponse:
    """``{"status":"healthy","authMode","bankAccountsCount"}``, or 503 with a hint."""
    report = qonto_live.qonto_health(ctx.gateway)
    if not report.healthy:
        body = si.UnhealthyOut(
            status="unhealthy", error=report.error or "", hint=report.hint or QONTO_HINT
        )
        return JSONResponse(body.model_dump(by_alias=True), status_code=503)
    return si.HealthOut(
        status="healthy",
        auth_mode=ctx.settings.qonto_settings.auth_mode,
        bank_accounts_count=report.bank_accounts_count,
    )


def _run(run: SyncRun | None) -> si.SyncRunOut | None:
    return None if run is None else render.fields(si.SyncRunOut, run)


@router.get("/status", response_model=si.StatusOut)
def status(ctx: ViewerContext) -> si.StatusOut:
    """The integration at a glance: Qonto reachable?, last syncs, outbox, webhooks."""
    qonto = ctx.settings.qonto_settings
    found = qonto_live.integration_status(ctx.uow, ctx.gateway)
    ops = found.operations
    return si.StatusOut(
        qonto_reachable=found.qonto_reachable,
        auth_mode=qonto.auth_mode,
        base_url=qonto.base_url,
        simulated=ctx.settings.qonto_simulated,
        organization_slug=found.organization_slug,
        bank_accounts_count=found.bank_accounts_count,
        error=found.error,
        last_transactions_sync=_run(ops.last_transactions_sync),
        last_documents_sync=_run(ops.last_documents_sync),
        unsettled_outbox=len(ops.unsettled_outbox),
        unprocessed_webhooks=ops.unprocessed_webhooks,
    )


def _account(account: RemoteAccount) -> si.BankAccountOut:
    return render.fields(si.BankAccountOut, account, id=account.qonto_id)


@router.get("/balance", response_model=si.BalanceOut, responses={502: {"model": ErrorResponse}})
def balance(ctx: ViewerContext) -> si.BalanceOut:
    """Balances of every account, live from Qonto, with totals per currency."""
    found = qonto_live.balances(ctx.gateway)
    return si.BalanceOut(
        accounts=[_account(a) for a in found.accounts],
        totals=[render.fields(si.BalanceTotal, t) for t in found.totals],
    )


def _transaction(t: RemoteTransactionView) -> si.QontoTransactionOut:
    return render.fields(si.QontoTransactionOut, t, id=t.qonto_id)


@router.get(
    "/transactions",
    response_model=s.ListEnvelope[si.QontoTransactionOut],
    responses={404: {"model": ErrorResponse}, 502: {"model": ErrorResponse}},
)
def transactions(
    ctx: ViewerContext,
    bank_account_id: Annotated[
        str | None,
        Query(alias="bankAccountId", min_length=1, max_length=100, pattern=QONTO_ID_PATTERN),
    ] = None,
    side: Annotated[str | None, Query(pattern="^(credit|debit)$")] = None,
    page: QontoPage = 1,
    per_page: QontoPerPage = 25,
) -> s.ListEnvelope[si.QontoTransactionOut]:
    """Bank transactions of one account (the main one by default), live from Qonto."""
    found = qonto_live.qonto_transactions(
        ctx.gateway, bank_account_id=bank_account_id, side=side, page=page, per_page=per_page
    )
    return s.ListEnvelope(
        items=[_transaction(t) for t in found.items],
        total=found.total,
        page=page,
        per_page=per_page,
    )


def _client(c: RemoteClient) -> si.QontoClientOut:
    return render.fields(si.QontoClientOut, c, id=c.qonto_id)


@router.get(
    "/clients",
    response_model=s.ListEnvelope[si.QontoClientOut],
    responses={502: {"model": ErrorResponse}},
)
def clients(
    ctx: ViewerContext,
    name: Annotated[str | None, Query(min_length=2, max_length=100)] = None,
    page: QontoPage = 1,
    per_page: QontoPerPage = 25,
) -> s.ListEnvelope[si.QontoClientOut]:
    """Qonto's clients, live (name matches partially)."""
    found = qonto_live.qonto_clients(ctx.gateway, name=name, page=page, per_page=per_page)
    return s.ListEnvelope(
        items=[_client(c) for c in found.items],
        total=found.total,
        page=page,
        per_page=per_page,
    )


@router.post(
    "/clients",
    response_model=si.QontoClientLink,
    responses={404: {"model": ErrorResponse}, 502: {"model": ErrorResponse}},
)
def link_client(ctx: AccountantContext, body: si.QontoClientIn) -> si.QontoClientLink:
    """Find (stored id, e-mail, VAT number) or create the Qonto client of a local customer."""
    customer = queries.get_customer(ctx.uow, body.customer_id)
    client_id = qonto_clients.ensure_qonto_client(ctx.uow, ctx.gateway, ctx.clock, customer.id)
    if customer.qonto_client_id != client_id:
        record_action(
            ctx.uow,
            ctx.clock,
            ctx.user,
            action="customer.qonto_client_linked",
            entity_type="customer",
            entity_id=str(customer.id),
            details={"qonto_client_id": client_id},
        )
    return si.QontoClientLink(customer_id=customer.id, qonto_client_id=client_id)


def _account_run(result: sync_transactions.AccountSyncResult) -> si.AccountSyncOut:
    continuity = result.continuity
    return render.fields(
        si.AccountSyncOut,
        result,
        account_id=result.account_qonto_id,
        skipped=len(result.skipped),
        continuity_checked=continuity.checked if continuity else 0,
        gaps=len(continuity.breaks) if continuity else 0,
    )


@router.post("/sync", response_model=si.SyncOut)
def sync(ctx: AccountantContext, body: si.SyncIn | None = None) -> si.SyncOut:
    """Bank accounts, then each account's transactions, incremental (``full`` reads all)."""
    options = body or si.SyncIn()
    results = sync_transactions.sync_transactions(
        ctx.uow,
        ctx.runtime.sync_reader,
        ctx.clock,
        full=options.full,
        account_qonto_id=options.account_id,
    )
    return si.SyncOut(accounts=[_account_run(r) for r in results])


@router.post("/sync-invoices", response_model=si.DocumentsSyncOut)
def sync_invoices(
    ctx: AccountantContext, body: si.DocumentsSyncIn | None = None
) -> si.DocumentsSyncOut:
    """Invoices, quotes and credit notes converge with Qonto; drift is reported."""
    result = sync_documents.sync_documents(
        ctx.uow,
        ctx.runtime.sync_reader,
        ctx.clock,
        ctx.user.id,
        full=(body or si.DocumentsSyncIn()).full,
    )
    return render.fields(
        si.DocumentsSyncOut,
        result,
        drift=[render.fields(si.DriftOut, d) for d in result.drift],
    )
