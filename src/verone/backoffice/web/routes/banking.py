"""« Transactions bancaires » and « Rapprochement »: the mirror of the bank, the suggestions
(score, reasons) to accept or reject (a split's parts accepted whole), the rejected ones to
restore, the credits to match by hand or to split (« Répartir », with its invoice search),
undo, and « Synchroniser maintenant », which runs in the background while a progress
element polls the sync runs."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from verone.backoffice.api import schemas as s
from verone.backoffice.bootstrap import Container
from verone.backoffice.domain.queries import PageRequest
from verone.backoffice.services import (
    banking_views,
    queries,
    reconciliation,
    sync_transactions,
)
from verone.backoffice.web.context import AccountantPage, ViewerPage
from verone.backoffice.web.formatting import money
from verone.backoffice.web.forms import FRENCH, read_form
from verone.backoffice.web.templating import hx_redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 50


def _page(request: Request) -> PageRequest:
    raw = request.query_params.get("page", "1")
    return PageRequest(max(1, min(int(raw), 100_000)) if raw.isdigit() else 1, PER_PAGE)


@router.get("/transactions")
def transactions(request: Request, ctx: ViewerPage) -> Response:
    found = queries.list_transactions(ctx.uow, _page(request))
    context = {
        "title": "Transactions bancaires",
        "section": "transactions",
        "found": found,
        "accounts": queries.list_bank_accounts(ctx.uow),
        "progress": banking_views.sync_progress(ctx.uow),
        "now": ctx.clock.now(),
    }
    return render(request, ctx, "banking/transactions.html", context)


@router.get("/rapprochement")
def reconciliation_page(request: Request, ctx: ViewerPage) -> Response:
    queue = banking_views.reconciliation_queue(ctx.uow, _page(request))
    context = {
        "title": "Rapprochement",
        "section": "reconciliation",
        "queue": queue,
        "progress": banking_views.sync_progress(ctx.uow),
        "now": ctx.clock.now(),
    }
    return render(request, ctx, "banking/reconciliation.html", context)


def _run_sync(container: Container) -> None:
    """After the answer, with its own unit of work: the accounts and their transactions
    (the sync run records its progress and its failure, which the progress element reads)."""
    sync_transactions.sync_transactions(
        container.unit_of_work(), container.sync_reader, container.clock
    )


@router.post("/synchronisation")
def start_sync(request: Request, ctx: AccountantPage, tasks: BackgroundTasks) -> Response:
    """Start a sync in the background; the answer is the progress element that polls."""
    started = ctx.clock.now()
    tasks.add_task(_run_sync, ctx.runtime)
    progress = banking_views.sync_progress(ctx.uow)
    context = {"progress": progress, "since": started.isoformat(), "pending": True}
    return render(request, ctx, "banking/_sync.html", context)


@router.get("/synchronisation")
def sync_status(request: Request, ctx: ViewerPage, depuis: datetime | None = None) -> Response:
    progress = banking_views.sync_progress(ctx.uow)
    pending = depuis is not None and not _started_since(progress, depuis)
    context = {
        "progress": progress,
        "since": depuis.isoformat() if depuis else "",
        "pending": pending,
        "now": ctx.clock.now(),
    }
    return render(request, ctx, "banking/_sync.html", context)


def _started_since(progress: banking_views.SyncProgress, since: datetime) -> bool:
    run = progress.transactions
    return run is not None and run.started_at >= since


@router.post("/rapprochement/factures/{document_id}/accepter")
async def accept(
    request: Request,
    ctx: AccountantPage,
    document_id: uuid.UUID,
    score: int | None = None,
) -> Response:
    """Accept a suggestion (``score`` is kept with it), or match a credit by hand."""
    body = await read_form(request, s.ReconcileIn)
    applied = ctx.call(
        reconciliation.apply_match, body.transaction_id, document_id, body.amount, score=score
    )
    message = "Paiement rapproché." + (" La facture est payée." if applied.invoice_paid else "")
    return hx_redirect_with_flash(request, "/rapprochement", message)


@router.post("/rapprochement/rejets")
async def reject(request: Request, ctx: AccountantPage) -> Response:
    """« Rejeter » a suggestion: the pair is proposed no more (« Suggestions rejetées »)."""
    body = await read_form(request, s.RejectionIn)
    view = ctx.call_local(reconciliation.reject_match, body.transaction_id, body.invoice_id)
    number = view.document.number if view.document else "la facture"
    return hx_redirect_with_flash(
        request, "/rapprochement", f"Suggestion rejetée : ce virement ne paie pas {number}."
    )


@router.post("/rapprochement/rejets/retablir")
async def restore(request: Request, ctx: AccountantPage) -> Response:
    """« Rétablir » a rejected suggestion: the pair may be proposed again."""
    body = await read_form(request, s.RejectionIn)
    ctx.call_local(reconciliation.restore_match, body.transaction_id, body.invoice_id)
    return hx_redirect_with_flash(request, "/rapprochement", "Suggestion rétablie.")


@router.get("/rapprochement/transactions/{transaction_id}/repartir")
def split_dialog(request: Request, ctx: AccountantPage, transaction_id: uuid.UUID) -> Response:
    """« Répartir »: the dialog listing the open invoices, each with an amount field."""
    form = banking_views.split_form(ctx.uow, transaction_id)
    return render(request, ctx, "banking/_split.html", {"form": form})


#: The dialog's rows: ``parts-<row>-invoiceId`` (``_split_rows.html``)
_LISTED = re.compile(r"^parts-(\d+)-invoiceId$")


@router.get("/rapprochement/transactions/{transaction_id}/repartir/factures")
def split_invoices(
    request: Request, ctx: AccountantPage, transaction_id: uuid.UUID, recherche: str = ""
) -> Response:
    """« Chercher une facture » in « Répartir »: more rows for the dialog's table (appended
    to it), the open invoices matching the number or customer searched; those the dialog
    already lists (its ``parts-N-invoiceId``, sent along) are left out and the new rows are
    numbered after them. Nothing searched: no row."""
    rows: dict[int, uuid.UUID] = {}
    for name, value in request.query_params.multi_items():
        if (found := _LISTED.match(name)) is not None:
            rows[int(found.group(1))] = _invoice_id(name, value)
    term = recherche.strip()
    if not term:
        return Response(status_code=200)
    invoices = banking_views.split_search(ctx.uow, transaction_id, term, set(rows.values()))
    context = {"invoices": invoices, "start": max(rows, default=-1) + 1, "searched": True}
    return render(request, ctx, "banking/_split_rows.html", context)


def _invoice_id(name: str, value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        error = {"loc": ("query", name), "msg": FRENCH["uuid_parsing"], "type": "uuid_parsing"}
        raise RequestValidationError([error]) from None


@router.post("/rapprochement/transactions/{transaction_id}/repartir")
async def split(
    request: Request, ctx: AccountantPage, transaction_id: uuid.UUID, score: int | None = None
) -> Response:
    """Submit the split (``apply_split``, as ``POST /api/reconciliation/…/split``): all the
    allocations or none; the result is the flash message of the page. « Accepter la
    répartition » of a split suggestion posts its parts here, with its ``score``."""
    body = await read_form(
        request, s.SplitIn, optional_rows=("parts", "amount"), none_picked=reconciliation.NO_PART
    )
    parts = [(part.invoice_id, part.amount) for part in body.parts]
    result = ctx.call(reconciliation.apply_split, transaction_id, parts, score=score)
    paid = sum(1 for a in result.applied if a.invoice_paid)
    message = (
        f"Virement réparti sur {len(result.applied)} facture(s) : "
        f"{money(result.allocated, result.currency)} rapprochés, {paid} facture(s) payée(s)."
    )
    if result.left > 0:
        message += f" Reste du virement : {money(result.left, result.currency)}."
    warnings = [a.warning for a in result.applied if a.warning]
    if warnings:
        message += " " + " ".join(warnings)
    return hx_redirect_with_flash(request, "/rapprochement", message)


@router.post("/rapprochement/allocations/{allocation_id}/annuler")
def undo(request: Request, ctx: AccountantPage, allocation_id: uuid.UUID) -> Response:
    document = ctx.call(reconciliation.undo_allocation, allocation_id)
    return hx_redirect_with_flash(
        request, f"/factures/{document.id}", "Rapprochement annulé : la facture est à payer."
    )


@router.post("/rapprochement/lancer")
def run(request: Request, ctx: AccountantPage) -> Response:
    """« Lancer le rapprochement »: apply the unambiguous confident matches (the same service
    as ``POST /api/reconciliation/run``); the answer is the result, swapped under the button."""
    report = reconciliation.reconcile(ctx.uow, ctx.gateway, ctx.clock, dry_run=False)
    return render(request, ctx, "banking/_run.html", {"report": report})
