"""``/api/orders``, ``/api/customers``, ``/api/products``: lists with filters and pagination,
and details (read models from ``services.queries``)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from verone.backoffice.api import render
from verone.backoffice.api import schemas as s
from verone.backoffice.api import schemas_catalog as sc
from verone.backoffice.api.context import runtime, uow_of
from verone.backoffice.api.deps import Accountant, Viewer
from verone.backoffice.api.errors import STANDARD_ERRORS, ErrorResponse
from verone.backoffice.api.params import Pagination, Search
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.domain.statuses import InvoicingStatus, OrderStatus
from verone.backoffice.services import catalog, queries

router = APIRouter(
    prefix="/api", tags=["catalog"], responses=STANDARD_ERRORS, route_class=AuditedRoute
)
NOT_FOUND: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse, "description": "Not found"}
}


@router.get("/orders", response_model=s.ListEnvelope[s.OrderSummary])
def list_orders(
    _: Viewer,
    request: Request,
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
    found = queries.list_orders(uow_of(request), criteria, paging)
    return render.page(found, render.order_summary)


@router.get("/orders/{order_id}", response_model=s.OrderOut, responses=NOT_FOUND)
def get_order(_: Viewer, request: Request, order_id: uuid.UUID) -> s.OrderOut:
    return render.order(queries.get_order(uow_of(request), order_id))


@router.get("/customers", response_model=s.ListEnvelope[s.CustomerOut])
def list_customers(
    _: Viewer, request: Request, paging: Pagination, search: Search = None
) -> s.ListEnvelope[s.CustomerOut]:
    """Customers by name; ``search`` matches names and e-mail."""
    found = queries.list_customers(uow_of(request), paging, search)
    return render.page(found, render.customer)


@router.get("/customers/{customer_id}", response_model=s.CustomerOut, responses=NOT_FOUND)
def get_customer(_: Viewer, request: Request, customer_id: uuid.UUID) -> s.CustomerOut:
    return render.customer(queries.get_customer(uow_of(request), customer_id))


@router.get("/products", response_model=s.ListEnvelope[s.ProductOut])
def list_products(
    _: Viewer,
    request: Request,
    paging: Pagination,
    search: Search = None,
    include_inactive: Annotated[bool, Query(alias="includeInactive")] = False,
) -> s.ListEnvelope[s.ProductOut]:
    """The catalogue by name; ``search`` matches name and SKU."""
    found = queries.list_products(
        uow_of(request), paging, active_only=not include_inactive, search=search
    )
    return render.page(found, render.product)


@router.get("/products/{product_id}", response_model=s.ProductOut, responses=NOT_FOUND)
def get_product(_: Viewer, request: Request, product_id: uuid.UUID) -> s.ProductOut:
    return render.product(queries.get_product(uow_of(request), product_id))


@router.post("/customers", response_model=s.CustomerOut, status_code=201)
def create_customer(principal: Accountant, request: Request, body: sc.CustomerIn) -> s.CustomerOut:
    """A new customer; its Qonto client is found or created at its first invoice."""
    rt = runtime(request)
    fields = catalog.CustomerFields(**body.model_dump())
    customer = catalog.create_customer(rt.unit_of_work(), rt.clock, principal.actor, fields)
    return render.customer(customer)


@router.post("/products", response_model=s.ProductOut, status_code=201)
def create_product(principal: Accountant, request: Request, body: sc.ProductIn) -> s.ProductOut:
    rt = runtime(request)
    fields = catalog.ProductFields(**body.model_dump())
    return render.product(
        catalog.create_product(rt.unit_of_work(), rt.clock, principal.actor, fields)
    )


@router.patch("/products/{product_id}", response_model=s.ProductOut)
def update_product(
    principal: Accountant, request: Request, product_id: uuid.UUID, body: sc.ProductPatchIn
) -> s.ProductOut:
    """Change a product (documents already made keep their own lines)."""
    rt = runtime(request)
    changes = catalog.ProductChanges(**body.model_dump())
    product = catalog.update_product(
        rt.unit_of_work(), rt.clock, principal.actor, product_id, changes
    )
    return render.product(product)
