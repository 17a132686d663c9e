"""``/api/qonto`` infrastructure: health, integration status, balances, Qonto transactions and
clients, read live from Qonto through the one client (or from the local operations tables)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from verone.backoffice.api import schemas as s
from verone.backoffice.api import schemas_infra as si
from verone.backoffice.api.errors import (
    NETWORK_HINT,
    QONTO_HINT,
    STANDARD_ERRORS,
    ErrorResponse,
)
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.domain.operations import SyncRun
from verone.backoffice.edge.context import AccountantContext, ViewerContext
from verone.backoffice.services import queries, sync_documents, sync_transactions
from verone.backoffice.services.auth import record_action
from verone.backoffice.services.outbox import clients as qonto_clients
from verone.money import ZERO, from_cents
from verone.qonto import (
    QONTO_ID_PATTERN,
    ClientFilters,
    QontoAPIError,
    QontoConnectionError,
    QontoError,
    TransactionFilters,
)
from verone.qonto.types.clients import Client
from verone.qonto.types.organization import BankAccount
from verone.qonto.types.transactions import Transaction

router = APIRouter(
    prefix="/api/qonto",
    tags=["infrastructure"],
    responses=STANDARD_ERRORS,
    route_class=AuditedRoute,
)

QontoPage = Annotated[int, Query(ge=1, le=10_000)]
QontoPerPage = Annotated[int, Query(alias="perPage", ge=1, le=100)]


def _error_text(exc: QontoError) -> str:
    if isinstance(exc, QontoAPIError):
        return f"Qonto a répondu {exc.status} ({exc.code or 'erreur'})"
    if isinstance(exc, QontoConnectionError):
        return "Qonto injoignable (réseau ou délai dépassé)"
    return "Erreur du client Qonto"


def _hint(exc: QontoError) -> str:
    return NETWORK_HINT if isinstance(exc, QontoConnectionError) else QONTO_HINT


@router.get(
    "/health",
    response_model=si.HealthOut,
    responses={503: {"model": si.UnhealthyOut, "description": "Qonto is not usable"}},
)
def health(ctx: ViewerContext) -> si.HealthOut | JSONResponse:
    """``{"status":"healthy","authMode","bankAccountsCount"}``, or 503 with a hint."""
    try:
        accounts = ctx.runtime.qonto_client.bank_accounts.list()
    except QontoError as exc:
        body = si.UnhealthyOut(status="unhealthy", error=_error_text(exc), hint=_hint(exc))
        return JSONResponse(body.model_dump(by_alias=True), status_code=503)
    return si.HealthOut(
        status="healthy",
        auth_mode=ctx.settings.qonto_settings.auth_mode,
        bank_accounts_count=len(accounts.items),
    )


def _run(run: SyncRun | None) -> si.SyncRunOut | None:
    if run is None:
        return None
    return si.SyncRunOut(
        kind=run.kind,
        status=str(run.status),
        started_at=run.started_at,
        finished_at=run.finished_at,
        items_seen=run.items_seen,
        error=run.error,
    )


@router.get("/status", response_model=si.StatusOut)
def status(ctx: ViewerContext) -> si.StatusOut:
    """The integration at a glance: Qonto reachable?, last syncs, outbox, webhooks."""
    qonto = ctx.settings.qonto_settings
    slug: str | None = None
    count: int | None = None
    error: str | None = None
    try:
        organization = ctx.runtime.qonto_client.organization.get()
        slug, count = organization.slug, len(organization.bank_accounts or [])
    except QontoError as exc:
        error = _error_text(exc)
    ops = queries.operations_status(ctx.uow)
    return si.StatusOut(
        qonto_reachable=error is None,
        auth_mode=qonto.auth_mode,
        base_url=qonto.base_url,
        simulated=ctx.settings.qonto_simulated,
        organization_slug=slug,
        bank_accounts_count=count,
        error=error,
        last_transactions_sync=_run(ops.last_transactions_sync),
        last_documents_sync=_run(ops.last_documents_sync),
        unsettled_outbox=len(ops.unsettled_outbox),
        unprocessed_webhooks=ops.unprocessed_webhooks,
    )


def _cents(cents: int | None) -> Decimal:
    return ZERO if cents is None else from_cents(cents)


def _account(account: BankAccount) -> si.BankAccountOut:
    return si.BankAccountOut(
        id=account.id,
        name=account.name,
        iban=account.iban,
        currency=account.currency,
        balance=_cents(account.balance_cents),
        authorized_balance=_cents(account.authorized_balance_cents),
        main=bool(account.main),
    )


@router.get("/balance", response_model=si.BalanceOut, responses={502: {"model": ErrorResponse}})
def balance(ctx: ViewerContext) -> si.BalanceOut:
    """Balances of every account, live from Qonto, with totals per currency."""
    accounts = [_account(a) for a in ctx.runtime.qonto_client.bank_accounts.list().items]
    totals: dict[str, si.BalanceTotal] = {}
    for account in accounts:
        currency = account.currency or "EUR"
        total = totals.setdefault(
            currency, si.BalanceTotal(currency=currency, balance=ZERO, authorized_balance=ZERO)
        )
        total.balance += account.balance
        total.authorized_balance += account.authorized_balance
    return si.BalanceOut(accounts=accounts, totals=list(totals.values()))


def _transaction(t: Transaction) -> si.QontoTransactionOut:
    return si.QontoTransactionOut(
        id=t.id,
        bank_account_id=t.bank_account_id,
        amount=_cents(t.amount_cents),
        currency=t.currency,
        side=None if t.side is None else str(t.side),
        status=None if t.status is None else str(t.status),
        label=t.label,
        counterparty_name=t.clean_counterparty_name,
        reference=t.reference,
        operation_type=t.operation_type,
        settled_at=t.settled_at,
        emitted_at=t.emitted_at,
        attachment_ids=list(t.attachment_ids or []),
    )


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
    client = ctx.runtime.qonto_client
    if bank_account_id is None:
        accounts = client.bank_accounts.list().items
        main = next((a for a in accounts if a.main), accounts[0] if accounts else None)
        if main is None:
            return s.ListEnvelope(items=[], total=0, page=page, per_page=per_page)
        bank_account_id = main.id
    found = client.transactions.list(
        TransactionFilters(bank_account_id=bank_account_id, side=side, per_page=per_page),
        page=page,
    )
    return s.ListEnvelope(
        items=[_transaction(t) for t in found.items],
        total=found.total_count,
        page=page,
        per_page=per_page,
    )


def _client(c: Client) -> si.QontoClientOut:
    kind = c.kind or c.type
    return si.QontoClientOut(
        id=c.id,
        kind=None if kind is None else str(kind),
        name=c.name,
        first_name=c.first_name,
        last_name=c.last_name,
        email=c.email,
        vat_number=c.vat_number,
        currency=c.currency,
        locale=c.locale,
    )


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
    found = ctx.runtime.qonto_client.clients.list(
        ClientFilters(name=name, per_page=per_page), page=page
    )
    return s.ListEnvelope(
        items=[_client(c) for c in found.items],
        total=found.total_count,
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
    return si.AccountSyncOut(
        account_id=result.account_qonto_id,
        run_id=result.run_id,
        status=str(result.status),
        full=result.full,
        items_seen=result.items_seen,
        items_written=result.items_written,
        skipped=len(result.skipped),
        continuity_checked=continuity.checked if continuity else 0,
        gaps=len(continuity.breaks) if continuity else 0,
        closing_balance_matches=result.closing_balance_matches,
        error=result.error,
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
    return si.DocumentsSyncOut(
        run_id=result.run_id,
        seen=result.seen,
        imported=list(result.imported),
        linked_credit_notes=list(result.linked_credit_notes),
        drift=[
            si.DriftOut(
                document_id=d.document_id,
                qonto_id=d.qonto_id,
                local=d.local,
                qonto=d.qonto,
                applied=d.applied,
                note=d.note,
            )
            for d in result.drift
        ],
        skipped=list(result.skipped),
    )
