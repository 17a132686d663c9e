"""Quotes and credit notes end to end: creation, edits, confirmed finalization (Qonto numbers
them), accept / decline / convert, the credit cap, and sending."""

from __future__ import annotations

from typing import Any

import httpx

from tests.e2e.conftest import Stack

ITEM = {"title": "Table basse Orme", "quantity": "1", "unitPrice": "480.00", "vatRate": "0.2"}


def _customer_id(client: httpx.Client) -> str:
    return str(client.get("/api/customers", params={"perPage": 1}).json()["items"][0]["id"])


def _finalize(client: httpx.Client, base: str, document_id: str) -> dict[str, Any]:
    url = f"{base}/{document_id}"
    preview = client.get(url + "/finalize-preview")
    assert preview.status_code == 200, preview.text
    token = preview.json()["confirmationToken"]
    answer = client.post(url + "/finalize", json={"confirmationToken": token})
    assert answer.status_code == 200, answer.text
    return dict(answer.json()["document"])


def _issued_invoice(client: httpx.Client, amount: str = "480.00") -> dict[str, Any]:
    created = client.post(
        "/api/qonto/invoices/service",
        json={"customerId": _customer_id(client), "items": [{**ITEM, "unitPrice": amount}]},
    )
    assert created.status_code == 201, created.text
    return _finalize(client, "/api/qonto/invoices", created.json()["localDocumentId"])


def test_service_quote_finalize_accept_and_convert(accountant: httpx.Client) -> None:
    created = accountant.post(
        "/api/qonto/quotes/service", json={"customerId": _customer_id(accountant), "items": [ITEM]}
    )
    assert created.status_code == 201, created.text
    quote = created.json()["document"]
    assert quote["documentType"] == "quote"
    assert quote["status"] == "draft"
    assert quote["totalAmount"] == "576.00"

    patched = accountant.patch(
        f"/api/qonto/quotes/{quote['id']}", json={"items": [{**ITEM, "quantity": "2"}]}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["totalAmount"] == "1152.00"

    issued = _finalize(accountant, "/api/qonto/quotes", str(quote["id"]))
    assert issued["status"] == "finalized"
    assert str(issued["number"]).startswith("D-")
    view = accountant.get(f"/api/qonto/quotes/{quote['id']}/view")
    assert view.status_code == 200
    assert view.json()["publicUrl"]

    accepted = accountant.post(f"/api/qonto/quotes/{quote['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert accountant.post(f"/api/qonto/quotes/{quote['id']}/decline").status_code == 409

    converted = accountant.post(f"/api/qonto/quotes/{quote['id']}/convert")
    assert converted.status_code == 201, converted.text
    invoice = converted.json()["document"]
    assert invoice["documentType"] == "invoice"
    assert invoice["status"] == "draft"
    assert invoice["parentDocumentId"] == quote["id"]
    assert invoice["totalAmount"] == "1152.00"
    assert accountant.get(f"/api/qonto/quotes/{quote['id']}").json()["status"] == "converted"


def test_quote_from_order_and_from_invoice(accountant: httpx.Client) -> None:
    orders = accountant.get("/api/orders", params={"invoicingStatus": "not_invoiced"}).json()
    order = orders["items"][0]
    from_order = accountant.post("/api/qonto/quotes", json={"salesOrderId": order["id"]})
    assert from_order.status_code == 201, from_order.text
    assert from_order.json()["document"]["totalAmount"] == order["totalAmount"]

    draft = accountant.post(
        "/api/qonto/invoices/service",
        json={"customerId": _customer_id(accountant), "items": [ITEM]},
    ).json()["document"]
    for url in (
        f"/api/qonto/quotes/from-invoice/{draft['id']}",
        f"/api/qonto/invoices/{draft['id']}/convert-to-quote",
    ):
        answer = accountant.post(url)
        assert answer.status_code == 201, answer.text
        assert answer.json()["document"]["documentType"] == "quote"
        assert answer.json()["document"]["totalAmount"] == draft["totalAmount"]


def test_declined_quote_and_draft_deletion(accountant: httpx.Client) -> None:
    quote = accountant.post(
        "/api/qonto/quotes/service", json={"customerId": _customer_id(accountant), "items": [ITEM]}
    ).json()["document"]
    deleted = accountant.delete(f"/api/qonto/quotes/{quote['id']}")
    assert deleted.status_code == 200
    assert accountant.get(f"/api/qonto/quotes/{quote['id']}").status_code == 404
    assert accountant.get(f"/api/qonto/quotes/{quote['id']}/pdf").status_code == 404


def test_credit_note_copies_the_invoice_and_respects_the_cap(
    stack: Stack, accountant: httpx.Client
) -> None:
    invoice = _issued_invoice(accountant, "100.00")
    refused = accountant.post(
        "/api/qonto/credit-notes",
        json={"invoiceId": invoice["id"], "reason": "x", "autoFinalize": True},
    )
    assert refused.status_code == 422

    created = accountant.post(
        "/api/qonto/credit-notes", json={"invoiceId": invoice["id"], "reason": "Retour client"}
    )
    assert created.status_code == 201, created.text
    note = created.json()["document"]
    assert created.json()["localDocumentId"] == note["id"]
    assert note["status"] == "draft"
    assert note["documentType"] == "credit_note"
    assert note["parentDocumentId"] == invoice["id"]
    assert note["totalAmount"] == invoice["totalAmount"]
    assert accountant.get(f"/api/qonto/credit-notes/{note['id']}/pdf").status_code == 409

    half = accountant.patch(
        f"/api/qonto/credit-notes/{note['id']}",
        json={"items": [{**ITEM, "unitPrice": "50.00"}], "reason": "Remise commerciale"},
    )
    assert half.status_code == 200, half.text
    assert half.json()["totalAmount"] == "60.00"
    issued = _finalize(accountant, "/api/qonto/credit-notes", str(note["id"]))
    assert str(issued["number"]).startswith("AV-")
    with stack.sandbox() as sandbox:
        sandbox.post("/_sandbox/clock/advance", json={"seconds": 15})
    pdf = accountant.get(f"/api/qonto/credit-notes/{note['id']}/pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.content.startswith(b"%PDF")

    too_much = accountant.post(
        "/api/qonto/credit-notes",
        json={
            "invoiceId": invoice["id"],
            "reason": "encore",
            "items": [{**ITEM, "unitPrice": "60.00"}],
        },
    )
    assert too_much.status_code == 409
    assert too_much.json()["error"]["code"] == "credit_exceeds_invoice"


def test_a_credit_note_with_its_own_lines_takes_the_document_discount_given(
    accountant: httpx.Client,
) -> None:
    invoice = _issued_invoice(accountant, "400.00")  # 480.00 TTC
    url = "/api/qonto/credit-notes"
    body = {"invoiceId": invoice["id"], "reason": "Geste", "items": [ITEM]}
    half = {**body, "discountKind": "percentage", "discountValue": "0.5"}
    made = accountant.post(url, json=half)
    assert made.status_code == 201, made.text
    note = made.json()["document"]
    assert note["discountKind"] == "percentage"
    assert note["totalHt"] == "240.00"  # 480.00 less half
    assert note["totalAmount"] == "288.00"

    for bad, field in (
        ({"discountKind": "percentage"}, "discountValue"),
        ({"discountKind": "percentage", "discountValue": "2"}, "discountValue"),
        ({"discountKind": "rebate", "discountValue": "1"}, "discountKind"),
    ):
        refused = accountant.post(url, json={**body, **bad})
        assert refused.status_code == 422, refused.text
        fields = refused.json()["error"]["details"]["fields"]
        assert any(field in str(f["location"]) for f in fields), fields
    without = accountant.post(url, json=body)  # no discount given: none, so over the cap
    assert without.status_code == 409
    assert "cet avoir : 576,00\u00a0€" in without.json()["error"]["message"]


def test_credit_note_on_a_draft_invoice_is_refused(accountant: httpx.Client) -> None:
    draft = accountant.post(
        "/api/qonto/invoices/service",
        json={"customerId": _customer_id(accountant), "items": [ITEM]},
    ).json()["document"]
    answer = accountant.post(
        "/api/qonto/credit-notes", json={"invoiceId": draft["id"], "reason": "x"}
    )
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "credit_note_requires_finalized_invoice"


def test_sending_an_issued_invoice_and_refusing_a_draft(accountant: httpx.Client) -> None:
    invoice = _issued_invoice(accountant)
    sent = accountant.post(
        f"/api/qonto/invoices/{invoice['id']}/send", json={"recipients": ["compta@client.example"]}
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["channel"] == "qonto"
    assert sent.json()["recipients"] == ["compta@client.example"]
    draft = accountant.post(
        "/api/qonto/invoices/service",
        json={"customerId": _customer_id(accountant), "items": [ITEM]},
    ).json()["document"]
    assert accountant.post(f"/api/qonto/invoices/{draft['id']}/send").status_code == 409


def test_payment_marks_and_cancellation(accountant: httpx.Client) -> None:
    invoice = _issued_invoice(accountant)
    url = f"/api/qonto/invoices/{invoice['id']}"
    paid = accountant.post(url + "/mark-paid", json={"paidAt": "2026-11-20"})
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid"
    assert paid.json()["amountPaid"] == paid.json()["totalAmount"]
    unpaid = accountant.post(url + "/unmark-paid")
    assert unpaid.status_code == 200, unpaid.text
    assert unpaid.json()["status"] == "finalized"
    cancelled = accountant.post(url + "/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["document"]["status"] == "cancelled"
    assert cancelled.json()["creditNoteRecommended"] is True
    assert accountant.post(url + "/mark-paid").status_code == 409


def test_credit_note_endpoint_missing_in_qonto_keeps_the_draft(
    stack: Stack, accountant: httpx.Client
) -> None:
    invoice = _issued_invoice(accountant, "40.00")
    note = accountant.post(
        "/api/qonto/credit-notes", json={"invoiceId": invoice["id"], "reason": "Geste commercial"}
    ).json()["document"]
    url = f"/api/qonto/credit-notes/{note['id']}"
    token = accountant.get(url + "/finalize-preview").json()["confirmationToken"]
    with stack.sandbox() as sandbox:
        sandbox.put("/_sandbox/features", json={"credit_notes_create": False})
        try:
            answer = accountant.post(url + "/finalize", json={"confirmationToken": token})
        finally:
            sandbox.put("/_sandbox/features", json={"credit_notes_create": True})
    assert answer.status_code == 502
    error = answer.json()["error"]
    assert error["code"] == "credit_note_unsupported"
    assert "tableau de bord" in error["message"] + (error["hint"] or "")
    kept = accountant.get(url).json()
    assert kept["status"] == "draft"
    assert kept["number"] is None
