"""Contract: ``/v2/client_invoices`` of the sandbox over raw HTTP, as the reference describes it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.contract.invoicing_support import (
    JSON,
    TestClient,
    create_client,
    create_invoice,
    error,
    finalized_invoice,
    invoice_payload,
    item,
    obj,
    rows,
    sandbox,
)
from verone.sandbox.state import SandboxState

Sandbox = tuple[TestClient, SandboxState, str]


@pytest.fixture
def env() -> Iterator[Sandbox]:
    with sandbox() as (client, state):
        yield client, state, str(create_client(client)["id"])


def test_create_draft_has_totals_no_number_and_no_pdf(env: Sandbox) -> None:
    client, state, client_id = env
    invoice = create_invoice(
        client, state, client_id, items=[item("3", "0.335"), item("1", "10", "0.055")]
    )
    assert invoice["status"] == "draft"
    assert invoice["number"] is None
    assert invoice["finalized_at"] is None
    assert invoice.get("attachment_id") is None
    assert invoice["total_amount"] == {"value": "11.76", "currency": "EUR"}
    assert invoice["total_amount_cents"] == 1176
    assert invoice["vat_amount_cents"] == 75
    items = invoice["items"]
    assert isinstance(items, list)
    assert items[0]["subtotal"] == {"value": "1.01", "currency": "EUR"}
    assert items[0]["quantity"] == "3"
    assert items[0]["vat_rate"] == "0.2"
    assert invoice["payment_methods"] == [
        {
            "type": "transfer",
            "iban": state.banking.main_account.iban,
            "bic": state.banking.main_account.bic,
            "beneficiary_name": state.banking.organization.legal_name,
        }
    ]
    assert str(invoice["invoice_url"]).startswith("http://127.0.0.1:8100/public/invoices/")
    token = str(invoice["invoice_url"]).rsplit("/", 1)[1]
    assert len(token) >= 24
    assert token != invoice["id"]
    client_snapshot = invoice["client"]
    assert isinstance(client_snapshot, dict)
    assert client_snapshot["id"] == client_id
    assert client_snapshot["name"] == "Hôtel du Lac"


def test_get_and_unknown_invoice(env: Sandbox) -> None:
    client, state, client_id = env
    invoice = create_invoice(client, state, client_id)
    response = client.get(f"/v2/client_invoices/{invoice['id']}")
    assert response.status_code == 200
    assert obj(response, "client_invoice")["id"] == invoice["id"]
    missing = client.get("/v2/client_invoices/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404
    assert error(missing)["code"] == "not_found"


@pytest.mark.parametrize("payment_methods", [None, {}, {"iban": ""}])
def test_missing_iban_is_invalid_iban(env: Sandbox, payment_methods: JSON | None) -> None:
    client, state, client_id = env
    payload = invoice_payload(state, client_id)
    if payment_methods is None:
        del payload["payment_methods"]
    else:
        payload["payment_methods"] = payment_methods
    response = client.post("/v2/client_invoices", json=payload)
    assert response.status_code == 422
    assert error(response)["code"] == "invalid_iban"
    assert error(response)["detail"] == "IBAN is empty"


def test_foreign_iban_is_invalid_iban(env: Sandbox) -> None:
    client, state, client_id = env
    payload = invoice_payload(state, client_id, payment_methods={"iban": "DE89370400440532013000"})
    response = client.post("/v2/client_invoices", json=payload)
    assert response.status_code == 422
    assert error(response)["code"] == "invalid_iban"


def test_second_account_iban_is_accepted(env: Sandbox) -> None:
    client, state, client_id = env
    second = state.banking.organization.bank_accounts[1].iban
    invoice = create_invoice(client, state, client_id, payment_methods={"iban": second})
    assert rows(invoice, "payment_methods")[0]["iban"] == second


def test_create_refusals(env: Sandbox) -> None:
    client, state, client_id = env
    today = state.clock.today()
    cases: list[tuple[JSON, int, str]] = [
        ({"due_date": (today - timedelta(days=1)).isoformat()}, 422, "/data/attributes/due_date"),
        ({"currency": "USD"}, 422, "/data/attributes/currency"),
        ({"status": "paid"}, 422, "/data/attributes/status"),
        ({"items": [item(quantity="0")]}, 422, "/data/attributes/items/0/quantity"),
        ({"items": [item(rate="20")]}, 422, "/data/attributes/items/0/vat_rate"),
    ]
    for fields, status, pointer in cases:
        response = client.post(
            "/v2/client_invoices", json=invoice_payload(state, client_id, **fields)
        )
        assert response.status_code == status, fields
        assert error(response)["source"] == {"pointer": pointer}
    unknown = invoice_payload(state, "00000000-0000-0000-0000-000000000000")
    assert client.post("/v2/client_invoices", json=unknown).status_code == 404
    missing_client = invoice_payload(state, client_id)
    del missing_client["client_id"]
    response = client.post("/v2/client_invoices", json=missing_client)
    assert response.status_code == 422
    assert error(response)["source"] == {"pointer": "/data/attributes/client_id"}


def test_finalize_numbers_and_locks_the_invoice(env: Sandbox) -> None:
    client, state, client_id = env
    invoice = finalized_invoice(client, state, client_id)
    year = state.clock.today().year
    assert invoice["status"] == "unpaid"
    assert invoice["number"] == f"F-{year}-001"
    assert invoice["finalized_at"] is not None
    again = client.post(f"/v2/client_invoices/{invoice['id']}/finalize")
    assert again.status_code == 422
    assert error(again)["code"] == "invalid_status_transition"
    patch = client.patch(f"/v2/client_invoices/{invoice['id']}", json={"header": "x"})
    assert patch.status_code == 422
    assert error(patch)["code"] == "invalid_status_transition"
    delete = client.delete(f"/v2/client_invoices/{invoice['id']}")
    assert delete.status_code == 422


def test_finalize_needs_an_item(env: Sandbox) -> None:
    client, state, client_id = env
    draft = create_invoice(client, state, client_id, items=[])
    response = client.post(f"/v2/client_invoices/{draft['id']}/finalize")
    assert response.status_code == 422
    assert error(response)["source"] == {"pointer": "/data/attributes/items"}
    assert (
        client.get(f"/v2/client_invoices/{draft['id']}").json()["client_invoice"]["number"] is None
    )


def test_create_unpaid_finalizes_at_once(env: Sandbox) -> None:
    client, state, client_id = env
    invoice = create_invoice(client, state, client_id, status="unpaid")
    assert invoice["status"] == "unpaid"
    assert re.fullmatch(r"F-\d{4}-001", str(invoice["number"]))


def test_custom_number_is_kept_and_duplicates_conflict(env: Sandbox) -> None:
    client, state, client_id = env
    first = finalized_invoice(client, state, client_id, number="VER-2026-A1")
    assert first["number"] == "VER-2026-A1"
    response = client.post(
        "/v2/client_invoices", json=invoice_payload(state, client_id, number="VER-2026-A1")
    )
    assert response.status_code == 409
    assert error(response)["code"] == "invoice_number_already_exists"
    auto = finalized_invoice(client, state, client_id)
    assert auto["number"] == f"F-{state.clock.today().year}-001"


def test_numbering_is_gapless_under_many_finalizations(env: Sandbox) -> None:
    client, state, client_id = env
    drafts = [create_invoice(client, state, client_id) for _ in range(25)]
    for index, draft in enumerate(drafts):
        if index % 4 == 3:
            assert client.delete(f"/v2/client_invoices/{draft['id']}").status_code == 204
    numbers = []
    for index, draft in enumerate(drafts):
        if index % 4 != 3:
            response = client.post(f"/v2/client_invoices/{draft['id']}/finalize")
            numbers.append(obj(response, "client_invoice")["number"])
    year = state.clock.today().year
    assert numbers == [f"F-{year}-{n:03d}" for n in range(1, len(numbers) + 1)]


def test_issue_year_drives_the_number(env: Sandbox) -> None:
    client, state, client_id = env
    invoice = finalized_invoice(
        client, state, client_id, issue_date="2025-12-31", due_date="2026-01-30"
    )
    assert invoice["number"] == "F-2025-001"


def test_patch_draft_updates_fields_and_replaces_items(env: Sandbox) -> None:
    client, state, client_id = env
    draft = create_invoice(client, state, client_id)
    response = client.patch(
        f"/v2/client_invoices/{draft['id']}",
        json={"items": [item("1", "50.00"), item("1", "25.00")], "header": "Merci"},
    )
    assert response.status_code == 200
    updated = obj(response, "client_invoice")
    assert updated["header"] == "Merci"
    assert updated["total_amount"] == {"value": "90.00", "currency": "EUR"}
    assert len(rows(updated, "items")) == 2
    bad = client.patch(f"/v2/client_invoices/{draft['id']}", json={"payment_methods": {}})
    assert error(bad)["code"] == "invalid_iban"


def test_delete_draft(env: Sandbox) -> None:
    client, state, client_id = env
    draft = create_invoice(client, state, client_id)
    response = client.delete(f"/v2/client_invoices/{draft['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert client.get(f"/v2/client_invoices/{draft['id']}").status_code == 404


def test_paid_unpaid_canceled_transitions(env: Sandbox) -> None:
    client, state, client_id = env
    invoice = finalized_invoice(client, state, client_id)
    base = f"/v2/client_invoices/{invoice['id']}"
    future = (state.clock.today() + timedelta(days=1)).isoformat()
    assert client.post(f"{base}/mark_as_paid", json={"paid_at": future}).status_code == 422
    paid = obj(client.post(f"{base}/mark_as_paid"), "client_invoice")
    assert paid["status"] == "paid"
    assert str(paid["paid_at"]).startswith(state.clock.today().isoformat())
    assert paid["amount_paid"] == {"value": "0.00", "currency": "EUR"}  # manual: nothing received
    earlier = (state.clock.today() - timedelta(days=3)).isoformat()
    repaid = obj(client.post(f"{base}/mark_as_paid", json={"paid_at": earlier}), "client_invoice")
    assert str(repaid["paid_at"]).startswith(earlier)
    assert client.post(f"{base}/mark_as_canceled").status_code == 422
    unpaid = obj(client.post(f"{base}/unmark_as_paid"), "client_invoice")
    assert unpaid["status"] == "unpaid"
    assert unpaid["paid_at"] is None
    assert client.post(f"{base}/unmark_as_paid").status_code == 422
    canceled = obj(client.post(f"{base}/mark_as_canceled"), "client_invoice")
    assert canceled["status"] == "canceled"
    for action in ("mark_as_paid", "unmark_as_paid", "mark_as_canceled", "finalize"):
        refused = client.post(f"{base}/{action}")
        assert refused.status_code == 422, action
        assert error(refused)["code"] == "invalid_status_transition"


def test_draft_cannot_be_canceled_or_paid(env: Sandbox) -> None:
    client, state, client_id = env
    draft = create_invoice(client, state, client_id)
    for action in ("mark_as_canceled", "mark_as_paid", "unmark_as_paid"):
        response = client.post(f"/v2/client_invoices/{draft['id']}/{action}")
        assert response.status_code == 422
        assert "draft" in str(error(response)["detail"])


def test_send(env: Sandbox) -> None:
    client, state, client_id = env
    draft = create_invoice(client, state, client_id)
    message = {"send_to": ["compta@hoteldulac.fr"], "email_title": "Votre facture"}
    empty = client.post(f"/v2/client_invoices/{draft['id']}/send", content=b"")
    assert empty.status_code == 422
    assert (error(empty)["code"], error(empty)["detail"]) == ("invalid_body", "EOF")
    assert client.post(f"/v2/client_invoices/{draft['id']}/send", json=message).status_code == 422
    finalized = obj(client.post(f"/v2/client_invoices/{draft['id']}/finalize"), "client_invoice")
    response = client.post(f"/v2/client_invoices/{draft['id']}/send", json=message)
    assert response.status_code == 204
    assert response.content == b""
    assert len(state.invoicing.emails) == 1
    email = state.invoicing.emails[0]
    assert email["to"] == ["compta@hoteldulac.fr"]
    assert email["subject"] == "Votre facture"
    assert email["document_id"] == draft["id"]
    assert email["document_number"] == finalized["number"]
    assert email["copy_to_self"] is True
    no_title = client.post(f"/v2/client_invoices/{draft['id']}/send", json={"send_to": ["a@b.fr"]})
    assert no_title.status_code == 422


def test_pdf_appears_only_after_the_delay(env: Sandbox) -> None:
    client, state, client_id = env
    invoice = finalized_invoice(client, state, client_id)
    path = f"/v2/client_invoices/{invoice['id']}"
    assert invoice.get("attachment_id") is None
    state.clock.advance(9)
    assert obj(client.get(path), "client_invoice").get("attachment_id") is None
    state.clock.advance(2)
    attachment_id = obj(client.get(path), "client_invoice")["attachment_id"]
    assert attachment_id
    assert obj(client.get(path), "client_invoice")["attachment_id"] == attachment_id
    attachment = client.get(f"/v2/attachments/{attachment_id}")
    assert attachment.status_code == 200
    assert obj(attachment, "attachment")["file_content_type"] == "application/pdf"


def test_quote_link_is_recorded_on_the_quote(env: Sandbox) -> None:
    client, state, client_id = env
    quote = client.post(
        "/v2/quotes",
        json={
            "client_id": client_id,
            "issue_date": state.clock.today().isoformat(),
            "expiry_date": state.clock.today().isoformat(),
            "currency": "EUR",
            "terms_and_conditions": "30 jours",
            "items": [item()],
        },
    )
    quote_id = obj(quote, "quote")["id"]
    invoice = create_invoice(client, state, client_id, quote_id=quote_id)
    assert invoice["quote_id"] == quote_id
    assert obj(client.get(f"/v2/quotes/{quote_id}"), "quote")["invoice_ids"] == [invoice["id"]]


def test_uploads(env: Sandbox) -> None:
    client, _, _ = env
    pdf = b"%PDF-1.4\n% external invoice\n%%EOF\n"
    response = client.post(
        "/v2/client_invoices/uploads",
        files={"client_invoices_upload": ("facture.pdf", pdf, "application/pdf")},
    )
    assert response.status_code == 201, response.text
    upload = obj(response, "client_invoice_upload")
    assert upload["filename"] == "facture.pdf"
    assert upload["content_type"] == "application/pdf"
    assert upload["file_size"] == len(pdf)
    again = client.get(f"/v2/client_invoices/uploads/{upload['id']}")
    assert obj(again, "client_invoice_upload") == upload
    text = client.post(
        "/v2/client_invoices/uploads",
        files={"client_invoices_upload": ("a.txt", b"hi", "text/plain")},
    )
    assert text.status_code == 422
    wrong_field = client.post(
        "/v2/client_invoices/uploads", files={"file": ("facture.pdf", pdf, "application/pdf")}
    )
    assert wrong_field.status_code == 422
    assert client.get("/v2/client_invoices/uploads/nope").status_code == 404
