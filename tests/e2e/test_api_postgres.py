"""The API's read models and login throttling on PostgreSQL: a back office on a fresh schema,
the same requests as on SQLite (filters, search, the reconciliation queue, the rate budget)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.conftest import PASSWORD, Stack

pytestmark = pytest.mark.postgres

ITEM = {"title": "Fauteuil Rotin", "quantity": "2", "unitPrice": "245.00", "vatRate": "0.2"}


@pytest.fixture(scope="module")
def pg_accountant(pg_stack: Stack) -> Iterator[httpx.Client]:
    with pg_stack.login(pg_stack.users.accountant.email) as client:
        yield client


def test_lists_filter_and_search_on_postgresql(pg_accountant: httpx.Client) -> None:
    orders = pg_accountant.get("/api/orders", params={"invoicingStatus": "not_invoiced"}).json()
    assert orders["total"] > 0
    order = orders["items"][0]
    found = pg_accountant.get("/api/orders", params={"search": order["number"]}).json()
    assert [o["id"] for o in found["items"]] == [order["id"]]
    products = pg_accountant.get("/api/products", params={"perPage": 1}).json()["items"]
    name = products[0]["name"]
    searched = pg_accountant.get("/api/products", params={"search": name[:4].lower()}).json()
    assert name in {p["name"] for p in searched["items"]}


def test_service_invoices_and_the_queue_on_postgresql(pg_accountant: httpx.Client) -> None:
    customer = pg_accountant.get("/api/customers", params={"perPage": 1}).json()["items"][0]
    created = pg_accountant.post(
        "/api/qonto/invoices/service", json={"customerId": customer["id"], "items": [ITEM]}
    )
    assert created.status_code == 201, created.text
    service = pg_accountant.get("/api/qonto/invoices/service").json()
    assert created.json()["localDocumentId"] in {d["id"] for d in service["items"]}
    assert pg_accountant.post("/api/qonto/sync", json={}).status_code == 200
    unmatched = pg_accountant.get("/api/reconciliation/unmatched").json()
    assert unmatched["total"] > 0
    assert all(t["side"] == "credit" for t in unmatched["items"])
    assert pg_accountant.get("/api/reconciliation/allocations").status_code == 200


def test_login_throttling_on_postgresql(pg_stack: Stack) -> None:
    email = pg_stack.users.throttled.email
    with pg_stack.client() as client:
        for _ in range(5):
            bad = client.post("/auth/login", json={"email": email, "password": "nope"})
            assert bad.status_code == 401
        locked = client.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert locked.status_code == 429
