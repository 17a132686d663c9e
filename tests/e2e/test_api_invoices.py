"""Invoices end to end against the running back office and the sandbox: creation from an order
and from manual lines, draft edits, the confirmed finalization, PDFs, and the error paths."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Stack

SERVICE_ITEM = {
    "title": "Conseil aménagement",
    "quantity": "2",
    "unitPrice": "150.00",
    "vatRate": "0.2",
}


def _open_order(client: httpx.Client) -> dict[str, Any]:
    orders = client.get("/api/orders", params={"invoicingStatus": "not_invoiced", "perPage": 100})
    assert orders.status_code == 200
    for order in orders.json()["items"]:
        if order["status"] in {"confirmed", "shipped", "delivered"}:
            return dict(order)
    pytest.fail("the demo data has no open order left")


def _service_invoice(stack: Stack, client: httpx.Client) -> dict[str, Any]:
    customer = client.get("/api/customers", params={"perPage": 1}).json()["items"][0]
    answer = client.post(
        "/api/qonto/invoices/service", json={"customerId": customer["id"], "items": [SERVICE_ITEM]}
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_invoice_from_order_is_a_draft_with_the_order_totals(accountant: httpx.Client) -> None:
    order = _open_order(accountant)
    answer = accountant.post("/api/qonto/invoices", json={"salesOrderId": order["id"]})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    document = body["document"]
    assert body["localDocumentId"] == document["id"]
    assert document["status"] == "draft"
    assert document["number"] is None
    assert document["qontoId"]
    assert document["salesOrderId"] == order["id"]
    assert document["totalAmount"] == order["totalAmount"]
    assert document["pdfAvailable"] is False
    assert document["createdBy"] is not None
    fetched = accountant.get(f"/api/qonto/invoices/{document['id']}").json()
    assert fetched["items"] == document["items"]
    listed = accountant.get("/api/qonto/invoices/by-order/" + str(order["id"])).json()
    assert [d["id"] for d in listed] == [document["id"]]
    after = accountant.get(f"/api/orders/{order['id']}").json()
    assert after["invoicingStatus"] == "invoiced"


def test_service_invoice_is_inserted_locally(stack: Stack, accountant: httpx.Client) -> None:
    body = _service_invoice(stack, accountant)
    document = body["document"]
    assert document["origin"] == "service"
    assert document["totalHt"] == "300.00"
    assert document["totalVat"] == "60.00"
    assert document["totalAmount"] == "360.00"
    assert document["items"][0]["vatRate"] == "0.2"
    listed = accountant.get("/api/qonto/invoices/service", params={"perPage": 200}).json()
    assert document["id"] in {d["id"] for d in listed["items"]}
    assert set(listed) == {"items", "total", "page", "perPage"}


@pytest.mark.parametrize(
    "extra", [{"autoFinalize": True}, {"status": "unpaid"}, {"number": "F-2026-999"}]
)
def test_unknown_fields_on_a_create_are_422(
    accountant: httpx.Client, extra: dict[str, Any]
) -> None:
    customer = accountant.get("/api/customers", params={"perPage": 1}).json()["items"][0]
    body = {"customerId": customer["id"], "items": [SERVICE_ITEM], **extra}
    answer = accountant.post("/api/qonto/invoices/service", json=body)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "validation_error"


def test_float_amounts_and_bad_rates_are_422(accountant: httpx.Client) -> None:
    customer = accountant.get("/api/customers", params={"perPage": 1}).json()["items"][0]
    for item in (
        {**SERVICE_ITEM, "unitPrice": 150.1},
        {**SERVICE_ITEM, "vatRate": "20"},
        {**SERVICE_ITEM, "quantity": "abc"},
    ):
        answer = accountant.post(
            "/api/qonto/invoices/service", json={"customerId": customer["id"], "items": [item]}
        )
        assert answer.status_code == 422, answer.text


def test_patch_replaces_items_and_recomputes_totals(stack: Stack, accountant: httpx.Client) -> None:
    document = _service_invoice(stack, accountant)["document"]
    answer = accountant.patch(
        f"/api/qonto/invoices/{document['id']}",
        json={"items": [{**SERVICE_ITEM, "quantity": "1", "unitPrice": "99.99"}]},
    )
    assert answer.status_code == 200, answer.text
    patched = answer.json()
    assert len(patched["items"]) == 1
    assert patched["totalHt"] == "99.99"
    assert patched["totalAmount"] == "119.99"
    with stack.container.unit_of_work() as uow:
        entries = uow.audit.for_entity("api_route", "/api/qonto/invoices/{document_id}")
    mine = [e for e in entries if str(document["id"]) in str(e.details.get("path"))]
    assert [(e.action, e.actor_id) for e in mine] == [("api.patch", stack.users.accountant.id)]


def test_finalize_needs_the_preview_token_and_an_interactive_accountant(
    stack: Stack, accountant: httpx.Client, viewer: httpx.Client, token_client: httpx.Client
) -> None:
    document = _service_invoice(stack, accountant)["document"]
    url = f"/api/qonto/invoices/{document['id']}"
    draft_pdf = accountant.get(url + "/pdf")
    assert draft_pdf.status_code == 409
    assert draft_pdf.json()["error"]["code"] == "pdf_not_available"

    assert accountant.post(url + "/finalize", json={}).status_code == 422
    assert viewer.get(url + "/finalize-preview").status_code == 403
    assert token_client.get(url + "/finalize-preview").status_code == 403

    preview = accountant.get(url + "/finalize-preview")
    assert preview.status_code == 200, preview.text
    token = preview.json()["confirmationToken"]
    assert preview.json()["document"]["totalAmount"] == document["totalAmount"]
    assert len(preview.json()["contentHash"]) == 64

    assert viewer.post(url + "/finalize", json={"confirmationToken": token}).status_code == 403
    refused = token_client.post(url + "/finalize", json={"confirmationToken": token})
    assert refused.status_code == 403

    finalized = accountant.post(url + "/finalize", json={"confirmationToken": token})
    assert finalized.status_code == 200, finalized.text
    issued = finalized.json()["document"]
    assert issued["status"] == "finalized"
    assert issued["number"].startswith("F-")
    assert issued["finalizedBy"] == str(stack.users.accountant.id)

    again = accountant.post(url + "/finalize", json={"confirmationToken": token})
    assert again.status_code == 409
    edit = accountant.patch(url, json={"notes": "trop tard"})
    assert edit.status_code == 409
    assert accountant.delete(url + "/delete").status_code == 409

    with stack.sandbox() as sandbox:
        sandbox.post("/_sandbox/clock/advance", json={"seconds": 15})
    pdf = accountant.get(url + "/pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert accountant.get(url).json()["pdfAvailable"] is True

    with stack.container.unit_of_work() as uow:
        actions = {e.action for e in uow.audit.for_entity("financial_document", document["id"])}
    assert any("final" in action for action in actions)


def test_finalize_refuses_a_draft_changed_since_the_preview(
    stack: Stack, accountant: httpx.Client
) -> None:
    document = _service_invoice(stack, accountant)["document"]
    url = f"/api/qonto/invoices/{document['id']}"
    token = accountant.get(url + "/finalize-preview").json()["confirmationToken"]
    changed = accountant.patch(url, json={"items": [{**SERVICE_ITEM, "quantity": "3"}]})
    assert changed.status_code == 200
    answer = accountant.post(url + "/finalize", json={"confirmationToken": token})
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "content_changed"
    assert accountant.get(url).json()["status"] == "draft"


def test_forged_confirmation_token_is_refused(stack: Stack, accountant: httpx.Client) -> None:
    document = _service_invoice(stack, accountant)["document"]
    url = f"/api/qonto/invoices/{document['id']}"
    forged = f"{int(time.time()) + 300}.{'0' * 64}.{'A' * 43}"
    answer = accountant.post(url + "/finalize", json={"confirmationToken": forged})
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "confirmation_invalid"


def test_finalize_workflow_waits_for_the_regenerated_pdf(
    stack: Stack, accountant: httpx.Client
) -> None:
    document = _service_invoice(stack, accountant)["document"]
    url = f"/api/qonto/invoices/{document['id']}"
    token = accountant.get(url + "/finalize-preview").json()["confirmationToken"]

    def regenerate() -> None:
        time.sleep(0.3)
        with stack.sandbox() as sandbox:
            sandbox.post("/_sandbox/clock/advance", json={"seconds": 15})

    helper = threading.Thread(target=regenerate)
    helper.start()
    answer = accountant.post(url + "/finalize-workflow", json={"confirmationToken": token})
    helper.join()
    assert answer.status_code == 200, answer.text
    assert answer.json()["pdfStored"] is True
    assert answer.json()["document"]["pdfAvailable"] is True


def test_unknown_and_wrong_kind_ids_are_404(accountant: httpx.Client) -> None:
    missing = accountant.get(f"/api/qonto/invoices/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] in {"document_not_found", "not_found"}
    assert accountant.get("/api/qonto/invoices/not-a-known-id").status_code == 404


def test_documents_are_also_found_by_their_qonto_id(stack: Stack, accountant: httpx.Client) -> None:
    document = _service_invoice(stack, accountant)["document"]
    by_qonto = accountant.get(f"/api/qonto/invoices/{document['qontoId']}")
    assert by_qonto.status_code == 200
    assert by_qonto.json()["id"] == document["id"]
    patched = accountant.patch(
        f"/api/qonto/invoices/{document['qontoId']}", json={"notes": "Livraison le 2 décembre"}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["notes"] == "Livraison le 2 décembre"
    assert accountant.get(f"/api/qonto/quotes/{document['qontoId']}").status_code == 404


def test_invoice_list_filters_and_paginates(accountant: httpx.Client) -> None:
    page = accountant.get("/api/qonto/invoices", params={"perPage": 2, "status": "draft"})
    assert page.status_code == 200
    body = page.json()
    assert body["perPage"] == 2
    assert body["page"] == 1
    assert len(body["items"]) <= 2
    assert all(d["status"] == "draft" for d in body["items"])
    assert body["total"] >= len(body["items"])
    assert accountant.get("/api/qonto/invoices", params={"perPage": 0}).status_code == 422
