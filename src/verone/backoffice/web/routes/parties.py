"""« Commandes » and « Clients »: lists, details, the creation dialogs' entry points, and
the customer form (missing invoicing fields are flagged)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verone.backoffice.api import schemas_catalog as sc
from verone.backoffice.domain.queries import DocumentFilter, PageRequest
from verone.backoffice.domain.statuses import InvoicingStatus
from verone.backoffice.services import catalog, queries
from verone.backoffice.web import labels
from verone.backoffice.web.context import AccountantPage, ViewerPage
from verone.backoffice.web.forms import read_form
from verone.backoffice.web.templating import hx_redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PER_PAGE = 25


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return max(1, min(int(raw), 100_000)) if raw.isdigit() else 1


@router.get("/commandes")
def orders(
    request: Request,
    ctx: ViewerPage,
    q: str = "",
    facturation: InvoicingStatus | None = None,
) -> Response:
    criteria = queries.OrderFilter(invoicing_status=facturation, search=q.strip() or None)
    found = queries.list_orders(ctx.uow, criteria, PageRequest(_page_number(request), PER_PAGE))
    context = {
        "title": "Commandes",
        "section": "orders",
        "found": found,
        "q": q,
        "facturation": facturation,
    }
    return render(request, ctx, "parties/orders.html", context, partial="parties/_orders.html")


@router.get("/commandes/{order_id}")
def order(request: Request, ctx: ViewerPage, order_id: uuid.UUID) -> Response:
    view = queries.get_order(ctx.uow, order_id)
    documents = queries.documents_of_order(ctx.uow, order_id)
    customer = queries.get_customer(ctx.uow, view.order.customer_id)
    context = {
        "title": f"Commande {view.order.reference}",
        "section": "orders",
        "view": view,
        "documents": documents,
        "customer": customer,
        "today": ctx.clock.today(),
    }
    return render(request, ctx, "parties/order.html", context)


@router.get("/clients")
def customers(request: Request, ctx: ViewerPage, q: str = "") -> Response:
    found = queries.list_customers(
        ctx.uow, PageRequest(_page_number(request), PER_PAGE), q.strip() or None
    )
    context = {"title": "Clients", "section": "customers", "found": found, "q": q}
    return render(
        request, ctx, "parties/customers.html", context, partial="parties/_customers.html"
    )


@router.get("/clients/nouveau")
def new_customer_dialog(request: Request, ctx: AccountantPage) -> Response:
    return render(request, ctx, "parties/_customer_form.html", {"customer": None})


@router.post("/clients/nouveau")
async def create_customer(request: Request, ctx: AccountantPage) -> Response:
    body = await read_form(request, sc.CustomerIn)
    fields = catalog.CustomerFields(**body.model_dump())
    customer = catalog.create_customer(ctx.uow, ctx.clock, ctx.actor, fields)
    return hx_redirect_with_flash(request, f"/clients/{customer.id}", "Client créé.")


@router.get("/clients/{customer_id}/modifier")
def edit_customer_dialog(request: Request, ctx: AccountantPage, customer_id: uuid.UUID) -> Response:
    found = queries.get_customer(ctx.uow, customer_id)
    return render(request, ctx, "parties/_customer_form.html", {"customer": found})


@router.post("/clients/{customer_id}/modifier")
async def update_customer(
    request: Request, ctx: AccountantPage, customer_id: uuid.UUID
) -> Response:
    body = await read_form(request, sc.CustomerIn)
    changes = {name: getattr(body, name) for name in sc.CUSTOMER_FORM_FIELDS}
    catalog.update_customer(ctx.uow, ctx.gateway, ctx.clock, ctx.actor, customer_id, changes)
    return hx_redirect_with_flash(request, f"/clients/{customer_id}", "Client modifié.")


@router.get("/clients/{customer_id}")
def customer(request: Request, ctx: ViewerPage, customer_id: uuid.UUID) -> Response:
    found = queries.get_customer(ctx.uow, customer_id)
    documents = queries.list_documents(
        ctx.uow, DocumentFilter(customer_id=customer_id), PageRequest(1, 50)
    )
    orders_found = queries.list_orders(
        ctx.uow, queries.OrderFilter(customer_id=customer_id), PageRequest(1, 50)
    )
    context = {
        "title": found.display_name,
        "section": "customers",
        "customer": found,
        "documents": documents,
        "orders": orders_found,
        "today": ctx.clock.today(),
        "kinds": labels.KIND_TITLE,
    }
    return render(request, ctx, "parties/customer.html", context)
