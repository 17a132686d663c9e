"""``/v2/client_invoices``: list with filters, retrieve, create, update and delete drafts.

The status actions and uploads live in ``client_invoice_actions`` and are included here.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from verone.qonto.types.client_invoices import ClientInvoiceList
from verone.sandbox.deps import StateDep
from verone.sandbox.invoicing.invoices import (
    create_invoice,
    delete_invoice,
    update_invoice,
)
from verone.sandbox.invoicing.params import (
    InvoiceIn,
    InvoicePatch,
    prepare_invoice,
    prepare_invoice_patch,
)
from verone.sandbox.invoicing.records import InvoiceRecord
from verone.sandbox.invoicing.routes import client_invoice_actions
from verone.sandbox.invoicing.routes.client_invoice_actions import INVOICES
from verone.sandbox.invoicing.routes.common import (
    JSON,
    in_range,
    page_of,
    query_bool,
    query_date,
    query_period,
    query_statuses,
    sort_spec,
)
from verone.sandbox.invoicing.rules import InvoiceStatus, totals
from verone.sandbox.invoicing.wire import invoice_wire
from verone.sandbox.pagination import MAX_PER_PAGE_INVOICING
from verone.sandbox.state import SandboxState
from verone.sandbox.wire import build, dump

router = APIRouter()
router.include_router(client_invoice_actions.router)

SORT_FIELDS = {"created_at", "updated_at", "issue_date", "due_date", "number", "total_amount"}


def _filtered(state: SandboxState, request: Request) -> list[InvoiceRecord]:
    statuses = query_statuses(request, InvoiceStatus)
    created = query_period(request, "created_at")
    updated = query_period(request, "updated_at")
    due_exact = query_date(request, "filter[due_date]")
    due = (
        due_exact or query_date(request, "filter[due_date_from]"),
        due_exact or query_date(request, "filter[due_date_to]"),
    )
    exclude_imported = query_bool(request, "exclude_imported", True)
    return [
        inv
        for inv in state.invoicing.invoices.values()
        if (not statuses or inv.status in statuses)
        and in_range(inv.created_at, *created)
        and in_range(inv.updated_at, *updated)
        and in_range(inv.due_date, *due)
        and not (exclude_imported and inv.imported)
    ]


@router.get("/v2/client_invoices")
def list_invoices(request: Request, state: StateDep) -> JSON:
    field, descending = sort_spec(request, SORT_FIELDS, "created_at:desc")
    with state.lock:
        found = _filtered(state, request)
        if field == "total_amount":
            found.sort(key=lambda i: totals(i.items, i.discount).total, reverse=descending)
        elif field == "number":
            found.sort(key=lambda i: (i.number or "", i.created_at), reverse=descending)
        else:
            found.sort(key=lambda i: (getattr(i, field), i.id), reverse=descending)
        chunk, meta = page_of(request, found, max_per_page=MAX_PER_PAGE_INVOICING)
        invoices = [invoice_wire(state, i) for i in chunk]
        return dump(build(ClientInvoiceList, client_invoices=invoices, meta=meta))


INVOICES.add_routes(
    router,
    create=(create_invoice, InvoiceIn, prepare_invoice),
    update=(update_invoice, InvoicePatch, prepare_invoice_patch),
    delete=delete_invoice,
)
