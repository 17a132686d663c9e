"""Infrastructure routes end to end: health (exact shape, and 503 with a hint), status,
balances, Qonto transactions and clients, debug (admin-only, redacted), attachments, the
catalogue lists, the reconciliation queue, webhooks and the OpenAPI document."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.conftest import WEBHOOK_SECRET, Stack
from verone.qonto.webhooks import sign

LIST_KEYS = {"items", "total", "page", "perPage"}


@pytest.fixture
def broken_bank_accounts(stack: Stack) -> Iterator[None]:
    with stack.sandbox() as sandbox:
        rule = {"path": "/v2/bank_accounts", "error_status": 401}
        assert sandbox.put("/_sandbox/faults", json={"rules": [rule]}).status_code == 200
        try:
            yield
        finally:
            sandbox.put("/_sandbox/faults", json={"rules": []})


def test_health_is_exactly_the_seed_shape(viewer: httpx.Client) -> None:
    answer = viewer.get("/api/qonto/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "healthy", "authMode": "api_key", "bankAccountsCount": 2}


@pytest.mark.usefixtures("broken_bank_accounts")
def test_health_is_503_with_a_hint_when_qonto_refuses(viewer: httpx.Client) -> None:
    answer = viewer.get("/api/qonto/health")
    assert answer.status_code == 503
    body = answer.json()
    assert set(body) == {"status", "error", "hint"}
    assert body["status"] == "unhealthy"
    assert "401" in body["error"]
    assert "régénérez" in body["hint"]


@pytest.mark.usefixtures("broken_bank_accounts")
def test_qonto_failures_are_502_with_the_trace_id(viewer: httpx.Client) -> None:
    answer = viewer.get("/api/qonto/balance")
    assert answer.status_code == 502
    error = answer.json()["error"]
    assert error["code"] == "qonto_auth_failed"
    assert error["details"]["traceId"]
    assert error["hint"]


def test_status_and_balance(viewer: httpx.Client) -> None:
    status = viewer.get("/api/qonto/status").json()
    assert status["qontoReachable"] is True
    assert status["simulated"] is True
    assert status["bankAccountsCount"] == 2
    balance = viewer.get("/api/qonto/balance").json()
    assert len(balance["accounts"]) == 2
    total = sum(float(a["balance"]) for a in balance["accounts"])
    assert abs(float(balance["totals"][0]["balance"]) - total) < 0.001
    assert all(
        "." in a["balance"] and len(a["balance"].split(".")[1]) == 2 for a in balance["accounts"]
    )


def test_qonto_transactions_and_clients_use_the_list_envelope(viewer: httpx.Client) -> None:
    page = viewer.get("/api/qonto/transactions", params={"perPage": 5}).json()
    assert set(page) == LIST_KEYS
    assert page["total"] >= len(page["items"]) > 0
    assert {"id", "amount", "side", "settledAt"} <= set(page["items"][0])
    credits = viewer.get("/api/qonto/transactions", params={"side": "credit", "perPage": 5}).json()
    assert all(t["side"] == "credit" for t in credits["items"])
    clients = viewer.get("/api/qonto/clients").json()
    assert set(clients) == LIST_KEYS


def test_linking_a_customer_to_a_qonto_client(stack: Stack, accountant: httpx.Client) -> None:
    customer = accountant.get("/api/customers", params={"perPage": 1, "page": 3}).json()["items"][0]
    answer = accountant.post("/api/qonto/clients", json={"customerId": customer["id"]})
    assert answer.status_code == 200, answer.text
    client_id = answer.json()["qontoClientId"]
    assert accountant.get(f"/api/customers/{customer['id']}").json()["qontoClientId"] == client_id
    again = accountant.post("/api/qonto/clients", json={"customerId": customer["id"]})
    assert again.json()["qontoClientId"] == client_id


def test_debug_is_admin_only_and_redacted(
    stack: Stack, admin: httpx.Client, accountant: httpx.Client
) -> None:
    assert accountant.get("/api/qonto/debug").status_code == 403
    answer = admin.get("/api/qonto/debug")
    assert answer.status_code == 200
    body = answer.json()
    assert body["qontoApiKey"] == "configured"
    text = answer.text
    assert "sandbox-secret-key" not in text
    assert stack.container.secret_key not in text
    assert WEBHOOK_SECRET not in text
    outbox = admin.get("/api/qonto/debug/outbox")
    assert outbox.status_code == 200
    assert isinstance(outbox.json(), list)


def test_attachment_upload_read_and_detach(stack: Stack, accountant: httpx.Client) -> None:
    transaction = accountant.get("/api/qonto/transactions", params={"perPage": 1}).json()["items"][
        0
    ]
    pdf = b"%PDF-1.4\n% justificatif\n%%EOF\n"
    uploaded = accountant.post(
        "/api/qonto/attachments/upload",
        files={"file": ("recu.pdf", pdf, "application/pdf")},
    )
    assert uploaded.status_code == 201, uploaded.text
    attachment_id = uploaded.json()["id"]
    fetched = accountant.get(f"/api/qonto/attachments/{attachment_id}")
    assert fetched.status_code == 200
    assert fetched.json()["url"]
    attached = accountant.post(
        "/api/qonto/attachments/upload",
        files={"file": ("recu.pdf", pdf, "application/pdf")},
        data={"transactionId": transaction["id"]},
    )
    assert attached.status_code == 201, attached.text
    refused = accountant.post(
        "/api/qonto/attachments/upload",
        files={"file": ("x.exe", b"MZ", "application/x-msdownload")},
    )
    assert refused.status_code == 415
    cleaned = accountant.post(
        "/api/qonto/attachments/cleanup", json={"transactionId": transaction["id"]}
    )
    assert cleaned.status_code == 200, cleaned.text
    with stack.container.unit_of_work() as uow:
        actions = {e.action for e in uow.audit.for_entity("transaction", transaction["id"])}
    assert "attachment.detach_all" in actions


def _delivery(event_id: str, qonto_id: str = "inv-unknown") -> bytes:
    event = {
        "id": event_id,
        "type": "v1/client-invoices",
        "event": "client_invoice.paid",
        "data": {"id": qonto_id},
    }
    return json.dumps(event).encode()


def test_webhooks_are_verified_deduplicated_and_acknowledged(
    stack: Stack, anonymous: httpx.Client
) -> None:
    event_id = f"evt-{uuid.uuid4()}"
    body = _delivery(event_id)
    now = int(stack.clock.now().timestamp())
    headers = {
        "X-Qonto-Signature": sign(body, WEBHOOK_SECRET, now),
        "Content-Type": "application/json",
    }
    first = anonymous.post("/api/qonto/webhooks", content=body, headers=headers)
    assert first.status_code == 202, first.text
    assert first.json() == {"received": True, "duplicate": False}
    second = anonymous.post("/api/qonto/webhooks", content=body, headers=headers)
    assert second.json() == {"received": True, "duplicate": True}

    forged = anonymous.post(
        "/api/qonto/webhooks",
        content=body,
        headers={"X-Qonto-Signature": sign(body, "wrong", now)},
    )
    assert forged.status_code == 401
    stale = anonymous.post(
        "/api/qonto/webhooks",
        content=body,
        headers={"X-Qonto-Signature": sign(body, WEBHOOK_SECRET, now - 3600)},
    )
    assert stale.status_code == 401
    unsigned = anonymous.post("/api/qonto/webhooks", content=body)
    assert unsigned.status_code == 401

    deadline = time.monotonic() + 5
    while True:
        with stack.container.unit_of_work() as uow:
            event = uow.webhook_events.by_event_id(event_id)
        assert event is not None
        if event.processed_at is not None or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert event.processed_at is not None


def test_openapi_lists_every_route_with_camel_case_fields(anonymous: httpx.Client) -> None:
    spec = anonymous.get("/api/openapi.json").json()
    paths = spec["paths"]
    assert "/api/qonto/invoices/{document_id}/finalize-preview" in paths
    assert "/api/qonto/credit-notes" in paths
    document = spec["components"]["schemas"]["DocumentOut"]["properties"]
    assert {"localDocumentId"} <= set(
        spec["components"]["schemas"]["CreatedDocument"]["properties"]
    )
    assert {"qontoId", "totalHt", "pdfAvailable", "finalizedBy"} <= set(document)
    assert document["totalAmount"]["type"] == "string"


def test_a_500_never_leaks_for_garbage_json(accountant: httpx.Client) -> None:
    answer = accountant.post(
        "/api/qonto/invoices/service",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "validation_error"


def test_a_payment_made_in_qonto_arrives_by_webhook(
    stack: Stack, accountant: httpx.Client, anonymous: httpx.Client
) -> None:
    customer = accountant.get("/api/customers", params={"perPage": 1}).json()["items"][0]
    item = {"title": "Miroir Soleil", "quantity": "1", "unitPrice": "210.00", "vatRate": "0.2"}
    created = accountant.post(
        "/api/qonto/invoices/service", json={"customerId": customer["id"], "items": [item]}
    ).json()["document"]
    url = f"/api/qonto/invoices/{created['id']}"
    token = accountant.get(url + "/finalize-preview").json()["confirmationToken"]
    issued = accountant.post(url + "/finalize", json={"confirmationToken": token}).json()
    qonto_id = issued["document"]["qontoId"]
    stack.container.qonto_client.client_invoices.mark_as_paid(qonto_id)  # paid in the Qonto app

    body = _delivery(f"evt-{uuid.uuid4()}", qonto_id)
    signature = sign(body, WEBHOOK_SECRET, int(stack.clock.now().timestamp()))
    answer = anonymous.post(
        "/api/qonto/webhooks", content=body, headers={"X-Qonto-Signature": signature}
    )
    assert answer.status_code == 202
    deadline = time.monotonic() + 5
    while accountant.get(url).json()["status"] != "paid" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert accountant.get(url).json()["status"] == "paid"
