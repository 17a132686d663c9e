"""Contract: ``/v2/credit_notes`` of the sandbox over raw HTTP (caps, auto-cancel, file)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.invoicing_support import (
    JSON,
    TestClient,
    body,
    create_client,
    create_invoice,
    error,
    finalized_invoice,
    item,
    obj,
    rows,
    sandbox,
    sub,
)
from verone.sandbox.state import SandboxState

Sandbox = tuple[TestClient, SandboxState, JSON]


@pytest.fixture
def env() -> Iterator[Sandbox]:
    """A finalized invoice of 2 x 100.00 + 20 % VAT = 240.00."""
    with sandbox() as (client, state):
        client_id = str(create_client(client)["id"])
        yield client, state, finalized_invoice(client, state, client_id)


def note_payload(state: SandboxState, invoice: JSON, *items: JSON, **fields: object) -> JSON:
    payload: JSON = {
        "invoice_id": invoice["id"],
        "issue_date": state.clock.today().isoformat(),
        "reason": "Article endommagé",
        "currency": "EUR",
        "items": list(items) or [item("1", "100.00")],
    }
    payload.update(fields)
    return payload


def credit(client: TestClient, state: SandboxState, invoice: JSON, *items: JSON) -> JSON:
    response = client.post("/v2/credit_notes", json=note_payload(state, invoice, *items))
    assert response.status_code == 201, response.text
    return obj(response, "credit_note")


def invoice_status(client: TestClient, invoice: JSON) -> str:
    return str(obj(client.get(f"/v2/client_invoices/{invoice['id']}"), "client_invoice")["status"])


def test_create_is_final_numbered_and_negated(env: Sandbox) -> None:
    client, state, invoice = env
    note = credit(client, state, invoice)
    year = state.clock.today().year
    assert note["number"] == f"AV-{year}-001"
    assert note["invoice_id"] == invoice["id"]
    assert note["finalized_at"] is not None
    assert note["total_amount"] == {"value": "-120.00", "currency": "EUR"}
    assert note["total_amount_cents"] == -12000
    assert rows(note, "items")[0]["quantity"] == "-1"
    assert note["invoice_issue_date"] == invoice["issue_date"]
    assert note["invoice_url"] == invoice["invoice_url"]
    assert "status" not in note
    linked = obj(client.get(f"/v2/client_invoices/{invoice['id']}"), "client_invoice")
    assert linked["credit_notes_ids"] == [note["id"]]
    assert linked["status"] == "unpaid"
    assert credit(client, state, invoice, item("1", "10.00"))["number"] == f"AV-{year}-002"


def test_cumulative_cap_and_auto_cancel(env: Sandbox) -> None:
    client, state, invoice = env
    credit(client, state, invoice)  # 120.00 of 240.00
    over = client.post("/v2/credit_notes", json=note_payload(state, invoice, item("1", "100.01")))
    assert over.status_code == 422
    assert "120.00 left" in str(error(over)["detail"])
    assert invoice_status(client, invoice) == "unpaid"
    credit(client, state, invoice)  # the other 120.00: fully credited
    assert invoice_status(client, invoice) == "canceled"
    after = client.post("/v2/credit_notes", json=note_payload(state, invoice, item("1", "1.00")))
    assert after.status_code == 422
    assert error(after)["code"] == "invalid_status_transition"


def test_paid_invoice_can_be_credited_in_full(env: Sandbox) -> None:
    client, state, invoice = env
    assert client.post(f"/v2/client_invoices/{invoice['id']}/mark_as_paid").status_code == 200
    credit(client, state, invoice, item("2", "100.00"))
    assert invoice_status(client, invoice) == "canceled"


def test_refusals(env: Sandbox) -> None:
    client, state, invoice = env
    draft = create_invoice(client, state, str(sub(invoice, "client")["id"]))
    on_draft = client.post("/v2/credit_notes", json=note_payload(state, draft))
    assert on_draft.status_code == 422
    assert error(on_draft)["code"] == "invalid_status_transition"
    cases: list[tuple[JSON, str]] = [
        ({"currency": "USD"}, "/data/attributes/currency"),
        ({"items": [item(quantity="-1")]}, "/data/attributes/items/0/quantity"),
        ({"items": []}, "/data/attributes/items"),
        ({"reason": ""}, "/data/attributes/reason"),
    ]
    for fields, pointer in cases:
        response = client.post("/v2/credit_notes", json=note_payload(state, invoice, **fields))
        assert response.status_code == 422, fields
        assert error(response)["source"] == {"pointer": pointer}
    unknown = note_payload(state, {"id": "00000000-0000-0000-0000-000000000000"})
    assert client.post("/v2/credit_notes", json=unknown).status_code == 404


def test_list_get_and_file(env: Sandbox) -> None:
    client, state, invoice = env
    first = credit(client, state, invoice, item("1", "10.00"))
    state.clock.advance(60)
    second = credit(client, state, invoice, item("1", "20.00"))
    listed = body(client.get("/v2/credit_notes"))
    assert [n["id"] for n in rows(listed, "credit_notes")] == [second["id"], first["id"]]
    assert sub(listed, "meta")["total_count"] == 2
    assert obj(client.get(f"/v2/credit_notes/{first['id']}"), "credit_note")["id"] == first["id"]
    assert client.get("/v2/credit_notes/nope").status_code == 404
    file = client.get(f"/v2/credit_notes/{first['id']}/file")
    assert file.status_code == 200
    assert file.headers["content-type"] == "application/pdf"
    assert file.content.startswith(b"%PDF")
    assert client.get("/v2/credit_notes/nope/file").status_code == 404
    assert client.get("/v2/credit_notes?per_page=101").status_code == 422


def test_feature_switch_makes_create_a_404() -> None:
    with sandbox(features={"credit_notes_create": False}) as (client, state):
        invoice = finalized_invoice(client, state, str(create_client(client)["id"]))
        response = client.post("/v2/credit_notes", json=note_payload(state, invoice))
        assert response.status_code == 404
        assert error(response)["code"] == "not_found"
        assert client.get("/v2/credit_notes").status_code == 200
