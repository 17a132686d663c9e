"""Customers, products and sales orders (an order loads with its lines)."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from verone.backoffice.db.locks import is_postgresql
from verone.backoffice.db.tables import customers, products, sales_orders
from verone.backoffice.domain.orders import SalesOrder
from verone.backoffice.domain.parties import Customer, Product
from verone.backoffice.domain.queries import Page, PageRequest
from verone.backoffice.domain.statuses import InvoicingStatus, OrderStatus

C = customers.c


class CustomerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, customer: Customer) -> None:
        self._session.add(customer)

    def get(self, customer_id: uuid.UUID) -> Customer | None:
        return self._session.get(Customer, customer_id)

    def get_for_update(self, customer_id: uuid.UUID) -> Customer | None:
        """Load and lock the customer row until the transaction ends (``FOR UPDATE`` on
        PostgreSQL; on SQLite the transaction holds the write lock, ``BEGIN IMMEDIATE``)."""
        query = select(Customer).where(C.id == customer_id)
        if is_postgresql(self._session):
            query = query.with_for_update(of=customers)
        return self._session.scalars(query.execution_options(populate_existing=True)).first()

    def by_qonto_client_id(self, qonto_client_id: str) -> Customer | None:
        query = select(Customer).where(C.qonto_client_id == qonto_client_id)
        return self._session.scalars(query).first()

    def by_email(self, email: str) -> Customer | None:
        query = select(Customer).where(func.lower(C.email) == email.strip().lower())
        return self._session.scalars(query.order_by(C.created_at)).first()

    def by_vat_number(self, vat_number: str) -> Customer | None:
        normalized = vat_number.replace(" ", "").upper()
        query = select(Customer).where(func.upper(C.vat_number) == normalized)
        return self._session.scalars(query.order_by(C.created_at)).first()

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
        total = self._session.scalar(select(func.count()).select_from(customers).where(*where))
        query = (
            select(Customer)
            .where(*where)
            .order_by(func.coalesce(C.company_name, C.last_name), C.id)
            .offset(page.offset)
            .limit(page.per_page)
        )
        return Page(list(self._session.scalars(query)), total or 0, page.page, page.per_page)


class ProductRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, product: Product) -> None:
        self._session.add(product)

    def get(self, product_id: uuid.UUID) -> Product | None:
        return self._session.get(Product, product_id)

    def by_sku(self, sku: str) -> Product | None:
        return self._session.scalars(select(Product).where(products.c.sku == sku)).first()

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
        total = self._session.scalar(select(func.count()).select_from(products).where(*where))
        query = (
            select(Product)
            .where(*where)
            .order_by(products.c.name, products.c.id)
            .offset(page.offset)
            .limit(page.per_page)
        )
        return Page(list(self._session.scalars(query)), total or 0, page.page, page.per_page)


class OrderRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, order: SalesOrder) -> None:
        self._session.add(order)

    def get(self, order_id: uuid.UUID) -> SalesOrder | None:
        return self._session.get(SalesOrder, order_id)

    def get_for_update(self, order_id: uuid.UUID) -> SalesOrder | None:
        """Lock the order while it is being invoiced (no two partial invoices race)."""
        query = select(SalesOrder).where(sales_orders.c.id == order_id)
        if is_postgresql(self._session):
            query = query.with_for_update(of=sales_orders)
        return self._session.scalars(query.execution_options(populate_existing=True)).first()

    def by_reference(self, reference: str) -> SalesOrder | None:
        query = select(SalesOrder).where(sales_orders.c.reference == reference)
        return self._session.scalars(query).first()

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
        total = self._session.scalar(select(func.count()).select_from(sales_orders).where(*where))
        query = (
            select(SalesOrder)
            .where(*where)
            .order_by(sales_orders.c.order_date.desc(), sales_orders.c.id)
            .offset(page.offset)
            .limit(page.per_page)
        )
        return Page(list(self._session.scalars(query)), total or 0, page.page, page.per_page)
