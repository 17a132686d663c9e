"""``/api/reconciliation``: the review queue — incoming transactions not yet fully matched,
the proposals, the allocations already made (by users or automatically) — and the rejected
suggestions (reject, restore)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from verone.backoffice.api import render
from verone.backoffice.api import schemas as s
from verone.backoffice.api import schemas_infra as si
from verone.backoffice.api.errors import STANDARD_ERRORS
from verone.backoffice.api.params import Pagination
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.domain.banking import BankTransaction
from verone.backoffice.domain.reconciliation import Proposal
from verone.backoffice.edge.context import AccountantContext, ViewerContext
from verone.backoffice.services import queries, reconciliation

router = APIRouter(
    prefix="/api/reconciliation",
    tags=["reconciliation"],
    responses=STANDARD_ERRORS,
    route_class=AuditedRoute,
)


def bank_transaction(t: BankTransaction) -> si.BankTransactionOut:
    return render.fields(si.BankTransactionOut, t)


@router.get("/unmatched", response_model=s.ListEnvelope[si.BankTransactionOut])
def unmatched(
    ctx: ViewerContext,
    paging: Pagination,
    since: Annotated[date | None, Query(description="Emitted on or after")] = None,
) -> s.ListEnvelope[si.BankTransactionOut]:
    """Incoming transactions with an amount not yet allocated to invoices, newest first."""
    found = queries.unmatched_transactions(ctx.uow, paging, since=since)
    return render.page(found, bank_transaction)


@router.get("/allocations", response_model=s.ListEnvelope[si.AllocationOut])
def allocations(ctx: ViewerContext, paging: Pagination) -> s.ListEnvelope[si.AllocationOut]:
    """Payments matched to invoices, newest first, with their transaction and invoice."""
    today = ctx.today()
    found = queries.list_allocations(ctx.uow, paging)

    def convert(view: queries.AllocationView) -> si.AllocationOut:
        return render.fields(
            si.AllocationOut,
            view.allocation,
            transaction=None if view.transaction is None else bank_transaction(view.transaction),
            document=None if view.document is None else render.summary(view.document, today),
        )

    return render.page(found, convert)


@router.get("/transactions", response_model=s.ListEnvelope[si.BankTransactionOut])
def mirrored_transactions(
    ctx: ViewerContext, paging: Pagination
) -> s.ListEnvelope[si.BankTransactionOut]:
    """Every transaction of the local mirror (what sync brought), newest first."""
    found = queries.list_transactions(ctx.uow, paging)
    return render.page(found, bank_transaction)


def render_applied(applied: reconciliation.AppliedMatch) -> si.AppliedMatchOut:
    return render.fields(si.AppliedMatchOut, applied)


def render_proposal(p: Proposal) -> si.ProposalOut:
    return render.fields(si.ProposalOut, p)


@router.get("/proposals", response_model=list[si.ProposalOut])
def proposals(ctx: ViewerContext) -> list[si.ProposalOut]:
    """Scored, explained matches between open credits and open invoices (nothing written)."""
    return [render_proposal(p) for p in reconciliation.propose(ctx.uow)]


@router.post("/run", response_model=si.ReconcileRunOut)
def run(ctx: AccountantContext, body: si.ReconcileRunIn | None = None) -> si.ReconcileRunOut:
    """Propose; unless ``dryRun`` (the default), apply the unambiguous confident matches."""
    report = reconciliation.reconcile(
        ctx.uow,
        ctx.gateway,
        ctx.clock,
        dry_run=(body or si.ReconcileRunIn()).dry_run,
    )
    return si.ReconcileRunOut(
        dry_run=report.dry_run,
        proposals=[render_proposal(p) for p in report.proposals],
        applied=[render_applied(a) for a in report.applied],
        errors=list(report.errors),
    )


@router.post("/transactions/{transaction_id}/split", response_model=si.SplitOut)
def split(ctx: AccountantContext, transaction_id: uuid.UUID, body: s.SplitIn) -> si.SplitOut:
    """Split one incoming transaction across several invoices (a customer pays three
    invoices with one transfer): every allocation is written, or none. Each invoice then
    fully paid is marked paid in Qonto and locally, and its PDF attached to the transaction;
    a Qonto failure there leaves its allocation (the recovery settles it) and is its
    ``warning``. 422: no part, an invoice twice, an amount not above 0; 404: unknown
    transaction or invoice; 409: more than what is left of the transfer or of an invoice
    (``payment_exceeds_invoice``), an invoice not open, a rejected pair (``match_rejected``).
    """
    parts = [(part.invoice_id, part.amount) for part in body.parts]
    result = ctx.call(reconciliation.apply_split, transaction_id, parts)
    return si.SplitOut(
        transaction_id=result.transaction_id,
        allocated=result.allocated,
        transaction_left=result.left,
        applied=[render_applied(a) for a in result.applied],
    )


@router.delete("/allocations/{allocation_id}", response_model=s.DocumentOut)
def undo(ctx: AccountantContext, allocation_id: uuid.UUID) -> s.DocumentOut:
    """Remove an allocation; an invoice it had paid goes back to unpaid (in Qonto too)."""
    return render.document(ctx.call(reconciliation.undo_allocation, allocation_id), ctx.today())


def render_rejection(view: reconciliation.RejectedView) -> si.RejectionOut:
    r = view.rejection
    return render.fields(
        si.RejectionOut,
        r,
        invoice_id=r.document_id,
        invoice_number=None if view.document is None else view.document.number,
        rejected_by_name=view.rejected_by_name,
        transaction=None if view.transaction is None else bank_transaction(view.transaction),
    )


@router.get("/rejections", response_model=list[si.RejectionOut])
def rejections(ctx: ViewerContext) -> list[si.RejectionOut]:
    """Rejected suggestions, newest first (the 50 latest): pairs never proposed until restored."""
    return [render_rejection(v) for v in reconciliation.list_rejected(ctx.uow)]


@router.post("/rejections", response_model=si.RejectionOut, status_code=201)
def reject(ctx: AccountantContext, body: s.RejectionIn) -> si.RejectionOut:
    """Reject a suggestion: this transaction does not pay this invoice. The pair leaves the
    proposals and the automatic run, and accepting it is refused (409 ``match_rejected``)
    until it is restored. 404: unknown transaction or invoice; 409
    ``match_already_rejected``, or the pair already matched."""
    view = ctx.call_local(reconciliation.reject_match, body.transaction_id, body.invoice_id)
    return render_rejection(view)


@router.post("/rejections/restore", response_model=si.RejectionOut)
def restore(ctx: AccountantContext, body: s.RejectionIn) -> si.RejectionOut:
    """Restore a rejected suggestion (« Rétablir »): the pair may be proposed and applied
    again; the answer is the rejection removed. 404 ``rejection_not_found``: not rejected."""
    view = ctx.call_local(reconciliation.restore_match, body.transaction_id, body.invoice_id)
    return render_rejection(view)
