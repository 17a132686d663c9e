"""Contract: ``/v2/quotes`` of the sandbox over raw HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.contract.invoicing_support import (
    JSON,
    TestClient,
    body,
    create_client,
    error,
    item,
    obj,
    rows,
    sandbox,
    sub,
)
from verone.sandbox.state import SandboxState

Sandbox = tuple[TestClient, SandboxState, str]
SEND = {"send_to": ["compta@hoteldulac.fr"], "email_title": "Votre devis"}


@pytest.fixture
def env() -> Iterator[Sandbox]:
    with sandbox() as (client, state):
        yield client, state, str(create_client(client)["id"])


def quote_payload(state: SandboxState, client_id: str, **fields: object) -> JSON:
    today = state.clock.today()
    payload: JSON = {
        "client_id": client_id,
        "issue_date": today.isoformat(),
        "expiry_date": (today + timedelta(days=30)).isoformat(),
        "currency": "EUR",
        "terms_and_conditions": "Devis valable 30 jours.",
        "items": [item("2", "100.00", "20")],
    }
    payload.update(fields)
    return payload


def create_quote(client: TestClient, state: SandboxState, client_id: str, **fields: object) -> JSON:
    response = client.post("/v2/quotes", json=quote_payload(state, client_id, **fields))
    assert response.status_code == 201, response.text
    return obj(response, "quote")


def test_create_numbers_at_once_and_reads_percent_rates(env: Sandbox) -> None:
    client, state, client_id = env
    quote = create_quote(client, state, client_id, discount={"type": "percentage", "value": "10"})
    year = state.clock.today().year
    assert quote["number"] == f"D-{year}-001"
    assert quote["status"] == "pending_approval"
    assert rows(quote, "items")[0]["vat_rate"] == "0.2"
    assert sub(quote, "discount")["value"] == "0.1"
    assert quote["total_amount"] == {"value": "216.00", "currency": "EUR"}
    assert str(quote["quote_url"]).startswith("http://127.0.0.1:8100/public/quotes/")
    assert quote["invoice_ids"] == []
    assert quote.get("attachment_id") is None
    second = create_quote(client, state, client_id, items=[item(rate="0.055")])
    assert second["number"] == f"D-{year}-002"
    assert rows(second, "items")[0]["vat_rate"] == "0.055"


def test_create_refusals(env: Sandbox) -> None:
    client, state, client_id = env
    today = state.clock.today()
    cases: list[tuple[JSON, str]] = [
        ({"items": []}, "/data/attributes/items"),
        ({"terms_and_conditions": ""}, "/data/attributes/terms_and_conditions"),
        ({"expiry_date": (today - timedelta(days=1)).isoformat()}, "/data/attributes/expiry_date"),
        ({"currency": "GBP"}, "/data/attributes/currency"),
    ]
    for fields, pointer in cases:
        response = client.post("/v2/quotes", json=quote_payload(state, client_id, **fields))
        assert response.status_code == 422, fields
        assert error(response)["source"] == {"pointer": pointer}
    no_tin = str(create_client(client, tax_identification_number=None)["id"])
    response = client.post("/v2/quotes", json=quote_payload(state, no_tin))
    assert response.status_code == 422
    assert "tin_number" in str(error(response)["detail"])


def test_get_list_and_filters(env: Sandbox) -> None:
    client, state, client_id = env
    first = create_quote(client, state, client_id)
    state.clock.advance(60)
    second = create_quote(client, state, client_id)
    assert obj(client.get(f"/v2/quotes/{first['id']}"), "quote")["id"] == first["id"]
    assert client.get("/v2/quotes/nope").status_code == 404
    listed = body(client.get("/v2/quotes"))
    assert [q["id"] for q in rows(listed, "quotes")] == [second["id"], first["id"]]
    asc = body(client.get("/v2/quotes?sort_by=created_at:asc&per_page=500"))
    assert [q["id"] for q in rows(asc, "quotes")] == [first["id"], second["id"]]
    pending = body(client.get("/v2/quotes?filter[status]=pending_approval,approved"))
    assert sub(pending, "meta")["total_count"] == 2
    assert body(client.get("/v2/quotes?filter[status]=approved"))["quotes"] == []
    assert client.get("/v2/quotes?per_page=501").status_code == 422


def test_patch_replaces_items(env: Sandbox) -> None:
    client, state, client_id = env
    quote = create_quote(client, state, client_id, items=[item(), item(title="Table")])
    response = client.patch(
        f"/v2/quotes/{quote['id']}", json={"items": [item("1", "50.00", "0.2")], "header": "Devis"}
    )
    assert response.status_code == 200
    updated = obj(response, "quote")
    assert len(rows(updated, "items")) == 1
    assert updated["total_amount"] == {"value": "60.00", "currency": "EUR"}
    assert updated["header"] == "Devis"
    assert updated["number"] == quote["number"]


def test_send_records_the_email_and_blocks_delete(env: Sandbox) -> None:
    client, state, client_id = env
    quote = create_quote(client, state, client_id)
    empty = client.post(f"/v2/quotes/{quote['id']}/send", content=b"")
    assert error(empty)["code"] == "invalid_body"
    assert client.post(f"/v2/quotes/{quote['id']}/send", json=SEND).status_code == 204
    assert state.invoicing.emails[-1]["document_type"] == "quote"
    assert state.invoicing.emails[-1]["document_number"] == quote["number"]
    refused = client.delete(f"/v2/quotes/{quote['id']}")
    assert refused.status_code == 422
    assert error(refused)["code"] == "invalid_status_transition"


def test_delete_unsent_quote(env: Sandbox) -> None:
    client, state, client_id = env
    quote = create_quote(client, state, client_id)
    assert client.delete(f"/v2/quotes/{quote['id']}").status_code == 204
    assert client.get(f"/v2/quotes/{quote['id']}").status_code == 404


def test_decided_quote_cannot_change(env: Sandbox) -> None:
    client, state, client_id = env
    quote = create_quote(client, state, client_id)
    token = str(quote["quote_url"]).rsplit("/", 1)[1]
    assert client.post(f"/public/quotes/{token}/approve", follow_redirects=False).status_code == 303
    approved = obj(client.get(f"/v2/quotes/{quote['id']}"), "quote")
    assert approved["status"] == "approved"
    assert approved["approved_at"] is not None
    patch = client.patch(f"/v2/quotes/{quote['id']}", json={"header": "x"})
    assert patch.status_code == 422
    assert client.delete(f"/v2/quotes/{quote['id']}").status_code == 422


def test_pdf_after_the_delay(env: Sandbox) -> None:
    client, state, client_id = env
    quote = create_quote(client, state, client_id)
    state.clock.advance(10)
    assert obj(client.get(f"/v2/quotes/{quote['id']}"), "quote")["attachment_id"]
