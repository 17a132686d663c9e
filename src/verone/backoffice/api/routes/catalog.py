"""``/api/orders``, ``/api/customers``, ``/api/products``: lists with filters and pagination,
and details (read models from ``services.queries``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from verone.backoffice.api import render
from verone.backoffice.api import schemas as s
from verone.backoffice.api import schemas_catalog as sc
from verone.backoffice.api.errors import STANDARD_ERRORS, ErrorResponse
from verone.backoffice.api.params import Pagination, Search
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.domain.statuses import InvoicingStatus, OrderStatus
from verone.backoffice.edge.context import AccountantContext, ViewerContext
from verone.backoffice.services import catalog, queries

router = APIRouter(
    prefix="/api", tags=["catalog"], responses=STANDARD_ERRORS, route_class=AuditedRoute
)
NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse, "description": "Not found"}
}


@router.get("/orders", response_model=s.ListEnvelope[s.OrderSummary])
def list_orders(
    ctx: ViewerContext,
    paging: Pagination,
    search: Search = None,
    customer_id: Annotated[uuid.UUID | None, Query(alias="customerId")] = None,
    status: OrderStatus | None = None,
    invoicing_status: Annotated[InvoicingStatus | None, Query(alias="invoicingStatus")] = None,
) -> s.ListEnvelope[s.OrderSummary]:
    """Sales orders, newest first; ``search`` matches the order number."""
    criteria = queries.OrderFilter(
        customer_id=customer_id,
        status=status,
        invoicing_status=invoicing_status,
        search=search,
    )
    found = queries.list_orders(ctx.uow, criteria, paging)
    return render.page(found, render.order_summary)


@router.get("/orders/{order_id}", response_model=s.OrderOut, responses=NOT_FOUND)
def get_order(ctx: ViewerContext, order_id: uuid.UUID) -> s.OrderOut:
    return render.order(queries.get_order(ctx.uow, order_id))


@router.get("/customers", response_model=s.ListEnvelope[s.CustomerOut])
def list_customers(
    ctx: ViewerContext, paging: Pagination, search: Search = None
) -> s.ListEnvelope[s.CustomerOut]:
    """Customers by name; ``search`` matches names and e-mail."""
    found = queries.list_customers(ctx.uow, paging, search)
    return render.page(found, render.customer)


@router.get("/customers/{customer_id}", response_model=s.CustomerOut, responses=NOT_FOUND)
def get_customer(ctx: ViewerContext, customer_id: uuid.UUID) -> s.CustomerOut:
    return render.customer(queries.get_customer(ctx.uow, customer_id))


@router.get("/products", response_model=s.ListEnvelope[s.ProductOut])
def list_products(
    ctx: ViewerContext,
    paging: Pagination,
    search: Search = None,
    include_inactive: Annotated[bool, Query(alias="includeInactive")] = False,
) -> s.ListEnvelope[s.ProductOut]:
    """The catalogue by name; ``search`` matches name and SKU."""
    found = queries.list_products(ctx.uow, paging, active_only=not include_inactive, search=search)
    return render.page(found, render.product)


@router.get("/products/{product_id}", response_model=s.ProductOut, responses=NOT_FOUND)
def get_product(ctx: ViewerContext, product_id: uuid.UUID) -> s.ProductOut:
    return render.product(queries.get_product(ctx.uow, product_id))


@router.post("/customers", response_model=s.CustomerOut, status_code=201)
def create_customer(ctx: AccountantContext, body: sc.CustomerIn) -> s.CustomerOut:
    """A new customer; its Qonto client is found or created at its first invoice."""
    fields = catalog.CustomerFields(**body.model_dump())
    return render.customer(ctx.call_local(catalog.create_customer, fields))


@router.patch("/customers/{customer_id}", response_model=s.CustomerOut, responses=NOT_FOUND)
def update_customer(
    ctx: AccountantContext, customer_id: uuid.UUID, body: sc.CustomerPatchIn
) -> s.CustomerOut:
    """Change a customer; a linked Qonto client gets the change first (``PATCH
    /v2/clients/{id}``): the customer changes only once Qonto has taken it."""
    return render.customer(ctx.call(catalog.update_customer, customer_id, body.changes()))


@router.post("/products", response_model=s.ProductOut, status_code=201)
def create_product(ctx: AccountantContext, body: sc.ProductIn) -> s.ProductOut:
    fields = catalog.ProductFields(**body.model_dump())
    return render.product(ctx.call_local(catalog.create_product, fields))


@router.patch("/products/{product_id}", response_model=s.ProductOut)
def update_product(
    ctx: AccountantContext, product_id: uuid.UUID, body: sc.ProductPatchIn
) -> s.ProductOut:
    """Change a product (documents already made keep their own lines)."""
    changes = catalog.ProductChanges(**body.model_dump())
    return render.product(ctx.call_local(catalog.update_product, product_id, changes))
