"""Customers, products and sales orders (an order loads with its lines)."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import ColumnElement, func, or_

from verone.backoffice.db.repositories._base import EntityRepository
from verone.backoffice.db.tables import customers, products, sales_orders
from verone.backoffice.domain.orders import SalesOrder
from verone.backoffice.domain.parties import Customer, Product
from verone.backoffice.domain.queries import Page, PageRequest
from verone.backoffice.domain.statuses import InvoicingStatus, OrderStatus

C = customers.c


class CustomerRepository(EntityRepository[Customer]):
    _entity, _table = Customer, customers

    def get_for_update(self, customer_id: uuid.UUID) -> Customer | None:
        """Load and lock the customer row until the transaction ends."""
        return self._get_locked(customer_id)

    def by_qonto_client_id(self, qonto_client_id: str) -> Customer | None:
        return self._first(C.qonto_client_id == qonto_client_id)

    def by_qonto_client_ids(self, qonto_client_ids: Collection[str]) -> dict[str, Customer]:
        """The customers linked to these Qonto clients, by client id, in one query."""
        if not qonto_client_ids:
            return {}
        found = self._all(C.qonto_client_id.in_(sorted(qonto_client_ids)))
        return {c.qonto_client_id: c for c in found if c.qonto_client_id is not None}

    def by_email(self, email: str) -> Customer | None:
        return self._first(func.lower(C.email) == email.strip().lower(), order_by=(C.created_at,))

    def by_vat_number(self, vat_number: str) -> Customer | None:
        normalized = vat_number.replace(" ", "").upper()
        return self._first(func.upper(C.vat_number) == normalized, order_by=(C.created_at,))

    def list(self, page: PageRequest, search: str | None = None) -> Page[Customer]:
        where = []
        if search:
            term = search.strip().lower()
            where.append(
                or_(
                    *(
                        func.lower(column).contains(term, autoescape=True)
                        for column in (C.company_name, C.last_name, C.first_name, C.email)
                    )
                )
            )
        order = (func.coalesce(C.company_name, C.last_name), C.id)
        return self._page(Customer, customers, where, order, page)


class ProductRepository(EntityRepository[Product]):
    _entity, _table = Product, products

    def by_sku(self, sku: str) -> Product | None:
        return self._first(products.c.sku == sku)

    def list(
        self, page: PageRequest, *, active_only: bool = True, search: str | None = None
    ) -> Page[Product]:
        where: list[ColumnElement[bool]] = [products.c.active.is_(True)] if active_only else []
        if search:
            term = search.strip().lower()
            where.append(
                or_(
                    func.lower(products.c.name).contains(term, autoescape=True),
                    func.lower(products.c.sku).contains(term, autoescape=True),
                )
            )
        return self._page(Product, products, where, (products.c.name, products.c.id), page)


class OrderRepository(EntityRepository[SalesOrder]):
    _entity, _table = SalesOrder, sales_orders

    def get_for_update(self, order_id: uuid.UUID) -> SalesOrder | None:
        """Lock the order while it is being invoiced (no two partial invoices race)."""
        return self._get_locked(order_id)

    def by_reference(self, reference: str) -> SalesOrder | None:
        return self._first(sales_orders.c.reference == reference)

    def list(
        self,
        page: PageRequest,
        customer_id: uuid.UUID | None = None,
        *,
        status: OrderStatus | None = None,
        invoicing_status: InvoicingStatus | None = None,
        search: str | None = None,
    ) -> Page[SalesOrder]:
        o = sales_orders.c
        where: list[ColumnElement[bool]] = []
        if customer_id is not None:
            where.append(o.customer_id == customer_id)
        if status is not None:
            where.append(o.status == status)
        if invoicing_status is not None:
            where.append(o.invoicing_status == invoicing_status)
        if search:
            where.append(func.lower(o.reference).contains(search.strip().lower(), autoescape=True))
        return self._page(SalesOrder, sales_orders, where, (o.order_date.desc(), o.id), page)
