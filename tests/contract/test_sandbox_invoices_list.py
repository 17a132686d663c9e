"""Contract: listing client invoices with filters, sorting and pagination."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import quote

import pytest

from tests.contract.invoicing_support import (
    JSON,
    TestClient,
    body,
    create_client,
    create_invoice,
    error,
    finalized_invoice,
    sandbox,
)
from verone.sandbox.state import SandboxState

Sandbox = tuple[TestClient, SandboxState, dict[str, list[str]]]


@pytest.fixture
def env() -> Iterator[Sandbox]:
    """Two drafts, three unpaid, two paid, one canceled; created one sandbox minute apart."""
    with sandbox() as (client, state):
        client_id = str(create_client(client)["id"])
        ids: dict[str, list[str]] = {"draft": [], "unpaid": [], "paid": [], "canceled": []}
        plan = ["draft", "unpaid", "paid", "unpaid", "canceled", "draft", "paid", "unpaid"]
        for index, status in enumerate(plan):
            due = (state.clock.today() + timedelta(days=index)).isoformat()
            if status == "draft":
                invoice = create_invoice(client, state, client_id, due_date=due)
            else:
                invoice = finalized_invoice(client, state, client_id, due_date=due)
                if status in {"paid", "canceled"}:
                    action = "mark_as_paid" if status == "paid" else "mark_as_canceled"
                    assert client.post(f"/v2/client_invoices/{invoice['id']}/{action}").is_success
            ids[status].append(str(invoice["id"]))
            state.clock.advance(60)
        yield client, state, ids


def listed(client: TestClient, query: str) -> tuple[list[JSON], JSON]:
    response = client.get(f"/v2/client_invoices?{query}")
    assert response.status_code == 200, response.text
    data = body(response)
    invoices, meta = data["client_invoices"], data["meta"]
    assert isinstance(invoices, list)
    assert isinstance(meta, dict)
    return invoices, meta


def ids_of(invoices: list[JSON]) -> set[str]:
    return {str(i["id"]) for i in invoices}


def test_status_filter_comma_separated_or_repeated(env: Sandbox) -> None:
    client, _, ids = env
    expected = set(ids["unpaid"] + ids["paid"])
    comma, _ = listed(client, "filter[status]=unpaid,paid")
    repeated, _ = listed(client, "filter[status]=unpaid&filter[status]=paid")
    assert ids_of(comma) == ids_of(repeated) == expected
    drafts, meta = listed(client, "filter[status]=draft")
    assert ids_of(drafts) == set(ids["draft"])
    assert meta["total_count"] == 2
    bad = client.get("/v2/client_invoices?filter[status]=overdue")
    assert bad.status_code == 422
    assert error(bad)["source"] == {"parameter": "filter[status]"}


def test_default_order_is_newest_first_and_sort_by_works(env: Sandbox) -> None:
    client, _, _ = env
    newest_first, _ = listed(client, "")
    created = [str(i["created_at"]) for i in newest_first]
    assert created == sorted(created, reverse=True)
    oldest_first, _ = listed(client, "sort_by=created_at:asc")
    assert [i["id"] for i in oldest_first] == [i["id"] for i in reversed(newest_first)]
    by_due, _ = listed(client, "sort_by=due_date:desc")
    dues = [str(i["due_date"]) for i in by_due]
    assert dues == sorted(dues, reverse=True)
    assert client.get("/v2/client_invoices?sort_by=secret:asc").status_code == 422


def test_date_filters(env: Sandbox) -> None:
    client, state, _ = env
    everything, _ = listed(client, "sort_by=created_at:asc")
    third = str(everything[2]["created_at"])
    since, _ = listed(client, f"filter[created_at_from]={quote(third)}")
    assert len(since) == 6
    until, _ = listed(client, f"filter[created_at_to]={quote(third)}")
    assert len(until) == 3
    today = state.clock.today()
    due, _ = listed(client, f"filter[due_date]={(today + timedelta(days=2)).isoformat()}")
    assert len(due) == 1
    window = (
        f"filter[due_date_from]={(today + timedelta(days=1)).isoformat()}"
        f"&filter[due_date_to]={(today + timedelta(days=3)).isoformat()}"
    )
    assert len(listed(client, window)[0]) == 3
    recent, _ = listed(client, f"filter[updated_at_from]={quote(third)}")
    assert {str(i["id"]) for i in recent} <= {str(i["id"]) for i in everything}
    assert client.get("/v2/client_invoices?filter[created_at_from]=yesterday").status_code == 422


def test_pagination_meta_and_limits(env: Sandbox) -> None:
    client, _, _ = env
    first, meta = listed(client, "per_page=3")
    assert len(first) == 3
    assert meta == {
        "current_page": 1,
        "next_page": 2,
        "prev_page": None,
        "total_pages": 3,
        "total_count": 8,
        "per_page": 3,
    }
    last, meta = listed(client, "per_page=3&page=3")
    assert len(last) == 2
    assert (meta["next_page"], meta["prev_page"]) == (None, 2)
    seen = ids_of(first) | ids_of(listed(client, "per_page=3&page=2")[0]) | ids_of(last)
    assert len(seen) == 8
    assert listed(client, "per_page=500")[1]["per_page"] == 500
    for query in ("per_page=501", "per_page=0", "page=0", "per_page=3&page=4", "page=x"):
        response = client.get(f"/v2/client_invoices?{query}")
        assert response.status_code == 422, query
    filtered, meta = listed(client, "filter[status]=unpaid&per_page=2&page=2")
    assert len(filtered) == 1
    assert meta["total_count"] == 3


def test_exclude_imported_is_accepted(env: Sandbox) -> None:
    client, _, _ = env
    assert len(listed(client, "exclude_imported=false")[0]) == 8
    assert len(listed(client, "exclude_imported=true")[0]) == 8
    assert client.get("/v2/client_invoices?exclude_imported=maybe").status_code == 422
