"""Demo data: valid French identifiers, a furniture catalogue, varied orders, seeded once."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.demo import (
    ORDER_COUNT,
    build_customers,
    build_orders,
    build_products,
    french_vat_number,
    luhn_valid,
    seed_demo_data,
)
from verone.backoffice.domain.orders import SalesOrder
from verone.backoffice.domain.parties import Customer, CustomerKind, Product
from verone.backoffice.domain.queries import PageRequest
from verone.backoffice.domain.statuses import OrderStatus

TODAY = date(2026, 11, 24)
CREATED = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


class FixedClock:
    def now(self) -> datetime:
        return datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)

    def today(self) -> date:
        return TODAY


def _demo(seed: str = "s") -> tuple[list[Customer], list[Product], list[SalesOrder]]:
    rng = random.Random(seed)
    customers = build_customers(rng, CREATED)
    products = build_products(rng, CREATED)
    return customers, products, build_orders(rng, TODAY, customers, products)


class TestIdentifiers:
    def test_known_siren_and_vat_number(self) -> None:
        assert luhn_valid("732829320")  # a real, published SIREN
        assert not luhn_valid("732829321")
        assert french_vat_number("732829320") == "FR44732829320"

    def test_every_company_has_valid_siren_siret_and_vat(self) -> None:
        customers, _, _ = _demo()
        companies = [c for c in customers if c.kind is CustomerKind.COMPANY]
        assert len(companies) >= 10
        for company in companies:
            assert company.siren is not None
            assert company.siret is not None
            assert luhn_valid(company.siren)
            assert luhn_valid(company.siret)
            assert company.siret.startswith(company.siren)
            assert company.vat_number == french_vat_number(company.siren)

    def test_every_customer_is_ready_for_invoicing(self) -> None:
        customers, _, _ = _demo()
        assert {c.kind for c in customers} == set(CustomerKind)
        for customer in customers:
            assert customer.missing_for_invoicing() == []
            address = customer.billing_address
            assert address is not None
            assert address.country == "FR"
            assert len(address.postal_code) == 5


class TestCatalogueAndOrders:
    def test_a_furniture_and_decoration_catalogue(self) -> None:
        _, products, _ = _demo()
        names = " ".join(p.name for p in products)
        for word in ("Canapé", "Table", "Lampadaire", "Tapis", "Suspension"):
            assert word in names
        assert len({p.sku for p in products}) == len(products)
        assert all(p.unit_price > 0 and p.vat_rate == Decimal("0.2") for p in products)

    def test_orders_come_in_every_state_with_items_shipping_and_discounts(self) -> None:
        _, _, orders = _demo()
        assert len(orders) == ORDER_COUNT
        assert {o.status for o in orders} == set(OrderStatus)
        assert all(o.items for o in orders)
        assert any(o.shipping_cost > 0 for o in orders)
        assert any(o.discount_kind is not None for o in orders)
        assert any(i.discount_kind is not None for o in orders for i in o.items)
        assert len({o.reference for o in orders}) == ORDER_COUNT
        assert all(o.order_date < TODAY for o in orders)

    def test_is_deterministic(self) -> None:
        first, second = _demo("same"), _demo("same")
        assert [c.siren for c in first[0]] == [c.siren for c in second[0]]
        assert [c.id for c in first[0]] == [c.id for c in second[0]]
        assert [(o.reference, o.customer_id, len(o.items)) for o in first[2]] == [
            (o.reference, o.customer_id, len(o.items)) for o in second[2]
        ]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    upgrade_database(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _counts(engine: Engine) -> tuple[int, int, int]:
    page = PageRequest(page=1, per_page=1)
    with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
        return (
            uow.customers.list(page).total,
            uow.products.list(page, active_only=False).total,
            uow.orders.list(page).total,
        )


class TestSeeding:
    def test_fills_an_empty_database(self, engine: Engine) -> None:
        uow = SqlAlchemyUnitOfWork(make_session_factory(engine))
        summary = seed_demo_data(uow, FixedClock())
        assert summary is not None
        assert _counts(engine) == (summary.customers, summary.products, summary.orders)
        assert summary.orders == ORDER_COUNT

    def test_orders_load_back_with_their_items(self, engine: Engine) -> None:
        seed_demo_data(SqlAlchemyUnitOfWork(make_session_factory(engine)), FixedClock())
        with SqlAlchemyUnitOfWork(make_session_factory(engine)) as uow:
            orders = uow.orders.list(PageRequest(page=1, per_page=100)).items
            assert all(order.items for order in orders)

    def test_never_seeds_twice(self, engine: Engine) -> None:
        uow = SqlAlchemyUnitOfWork(make_session_factory(engine))
        assert seed_demo_data(uow, FixedClock()) is not None
        before = _counts(engine)
        assert seed_demo_data(uow, FixedClock()) is None
        assert _counts(engine) == before
