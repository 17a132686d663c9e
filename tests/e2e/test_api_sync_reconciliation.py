"""Sync and reconciliation through the API: transactions mirrored from the sandbox, a customer's
transfer matched to its invoice (paid in Qonto and locally), undone, documents synced, and a
proposal rejected then restored."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.e2e.conftest import Stack

ITEM = {"title": "Console Noyer", "quantity": "1", "unitPrice": "412.50", "vatRate": "0.2"}


def _issued_invoice(client: httpx.Client) -> dict[str, Any]:
    customer = client.get("/api/customers", params={"perPage": 1}).json()["items"][0]
    created = client.post(
        "/api/qonto/invoices/service", json={"customerId": customer["id"], "items": [ITEM]}
    ).json()["document"]
    url = f"/api/qonto/invoices/{created['id']}"
    token = client.get(url + "/finalize-preview").json()["confirmationToken"]
    answer = client.post(url + "/finalize", json={"confirmationToken": token})
    assert answer.status_code == 200, answer.text
    return dict(answer.json()["document"])


def test_sync_then_reconcile_a_transfer_with_its_invoice(
    stack: Stack, accountant: httpx.Client, viewer: httpx.Client
) -> None:
    first = accountant.post("/api/qonto/sync", json={})
    assert first.status_code == 200, first.text
    runs = first.json()["accounts"]
    assert len(runs) == 2
    assert all(run["status"] == "succeeded" for run in runs)

    invoice = _issued_invoice(accountant)
    with stack.sandbox() as sandbox:
        transfer = sandbox.post(
            "/_sandbox/incoming-transfer",
            json={
                "amount": invoice["totalAmount"],
                "reference": invoice["number"],
                "counterparty_name": invoice["customerName"],
            },
        )
        assert transfer.status_code in {200, 201}, transfer.text
    assert accountant.post("/api/qonto/sync", json={}).status_code == 200

    proposals = viewer.get("/api/reconciliation/proposals").json()
    mine = [p for p in proposals if p["invoiceId"] == invoice["id"]]
    assert mine, proposals
    best = max(mine, key=lambda p: p["score"])
    assert best["amount"] == invoice["totalAmount"]
    assert any(invoice["number"] in reason or "référence" in reason for reason in best["reasons"])

    applied = accountant.post(
        f"/api/qonto/invoices/{invoice['id']}/reconcile",
        json={"transactionId": best["transactionId"], "amount": best["amount"]},
    )
    assert applied.status_code == 200, applied.text
    assert applied.json()["invoicePaid"] is True
    assert accountant.get(f"/api/qonto/invoices/{invoice['id']}").json()["status"] == "paid"
    unmatched = viewer.get("/api/reconciliation/unmatched", params={"perPage": 200}).json()
    assert best["transactionId"] not in {t["id"] for t in unmatched["items"]}

    undone = accountant.delete(f"/api/reconciliation/allocations/{applied.json()['allocationId']}")
    assert undone.status_code == 200, undone.text
    assert undone.json()["status"] == "finalized"


def test_reconcile_refuses_more_than_is_due(accountant: httpx.Client) -> None:
    assert accountant.post("/api/qonto/sync", json={}).status_code == 200
    invoice = _issued_invoice(accountant)
    credits = accountant.get("/api/reconciliation/unmatched", params={"perPage": 1}).json()
    transaction = credits["items"][0]
    answer = accountant.post(
        f"/api/qonto/invoices/{invoice['id']}/reconcile",
        json={"transactionId": transaction["id"], "amount": "99999.00"},
    )
    assert answer.status_code == 409
    assert answer.json()["error"]["code"] == "payment_exceeds_invoice"


def test_documents_sync_and_dry_run_reconciliation(accountant: httpx.Client) -> None:
    synced = accountant.post("/api/qonto/sync-invoices", json={"full": True})
    assert synced.status_code == 200, synced.text
    assert synced.json()["seen"] > 0
    dry = accountant.post("/api/reconciliation/run", json={"dryRun": True})
    assert dry.status_code == 200
    assert dry.json()["dryRun"] is True
    assert dry.json()["applied"] == []


def test_a_rejected_proposal_leaves_the_listing_and_the_run_until_restored(
    stack: Stack, accountant: httpx.Client, viewer: httpx.Client
) -> None:
    invoice = _issued_invoice(accountant)
    with stack.sandbox() as sandbox:
        transfer = sandbox.post(
            "/_sandbox/incoming-transfer",
            json={
                "amount": invoice["totalAmount"],
                "reference": invoice["number"],
                "counterparty_name": invoice["customerName"],
            },
        )
        assert transfer.status_code in {200, 201}, transfer.text
    assert accountant.post("/api/qonto/sync", json={}).status_code == 200
    proposals = viewer.get("/api/reconciliation/proposals").json()
    best = max((p for p in proposals if p["invoiceId"] == invoice["id"]), key=lambda p: p["score"])
    pair = {"transactionId": best["transactionId"], "invoiceId": invoice["id"]}

    refused = viewer.post("/api/reconciliation/rejections", json=pair)
    assert refused.status_code == 403
    rejected = accountant.post("/api/reconciliation/rejections", json=pair)
    assert rejected.status_code == 201, rejected.text
    body = rejected.json()
    assert body["invoiceNumber"] == invoice["number"]
    assert body["transaction"]["id"] == best["transactionId"]
    assert body["rejectedByName"] == stack.users.accountant.display_name
    assert body["rejectedAt"]

    def listed() -> set[tuple[str, str]]:
        found = viewer.get("/api/reconciliation/proposals").json()
        return {(p["transactionId"], p["invoiceId"]) for p in found}

    assert (best["transactionId"], invoice["id"]) not in listed()
    # the run proposes it no more (applying for real is proven in tests/integration: a dry
    # run here leaves the shared stack's other credits alone)
    run = accountant.post("/api/reconciliation/run", json={"dryRun": True})
    assert run.status_code == 200, run.text
    proposed = {(p["transactionId"], p["invoiceId"]) for p in run.json()["proposals"]}
    assert (best["transactionId"], invoice["id"]) not in proposed
    mine = [
        r for r in viewer.get("/api/reconciliation/rejections").json()
        if r["invoiceId"] == invoice["id"]
    ]  # fmt: skip
    assert [r["transactionId"] for r in mine] == [best["transactionId"]]

    again = accountant.post("/api/reconciliation/rejections", json=pair)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "match_already_rejected"
    assert again.json()["error"]["message"] == "Cette suggestion est déjà rejetée."
    accept = accountant.post(
        f"/api/qonto/invoices/{invoice['id']}/reconcile",
        json={"transactionId": best["transactionId"], "amount": best["amount"]},
    )
    assert accept.status_code == 409
    assert accept.json()["error"]["code"] == "match_rejected"

    restored = accountant.post("/api/reconciliation/rejections/restore", json=pair)
    assert restored.status_code == 200, restored.text
    assert restored.json()["invoiceId"] == invoice["id"]
    assert (best["transactionId"], invoice["id"]) in listed()
    missing = accountant.post("/api/reconciliation/rejections/restore", json=pair)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "rejection_not_found"
    unknown = accountant.post(
        "/api/reconciliation/rejections", json={**pair, "transactionId": str(uuid.uuid4())}
    )
    assert unknown.status_code == 404
    assert unknown.json()["error"]["message"] == "Transaction introuvable."
    bad = accountant.post("/api/reconciliation/rejections", json={"transactionId": "x"})
    assert bad.status_code == 422

    schema = viewer.get("/api/openapi.json").json()["paths"]
    assert {"201", "404", "409"} <= set(
        schema["/api/reconciliation/rejections"]["post"]["responses"]
    )
    assert "404" in schema["/api/reconciliation/rejections/restore"]["post"]["responses"]


def test_one_transfer_split_across_three_invoices(
    stack: Stack, accountant: httpx.Client, viewer: httpx.Client
) -> None:
    invoices = [_issued_invoice(accountant) for _ in range(3)]
    assert {i["totalAmount"] for i in invoices} == {"495.00"}
    reference = f"VIR-{uuid.uuid4().hex[:8]}"
    with stack.sandbox() as sandbox:
        transfer = sandbox.post(
            "/_sandbox/incoming-transfer",
            json={"amount": "1201.37", "reference": reference, "counterparty_name": "Trois"},
        )
        assert transfer.status_code in {200, 201}, transfer.text
    assert accountant.post("/api/qonto/sync", json={}).status_code == 200
    unmatched = viewer.get("/api/reconciliation/unmatched", params={"perPage": 200}).json()
    [credit] = [t for t in unmatched["items"] if t["reference"] == reference]
    url = f"/api/reconciliation/transactions/{credit['id']}/split"
    first, second, third = (i["id"] for i in invoices)

    def part(invoice_id: str, amount: str) -> dict[str, str]:
        return {"invoiceId": invoice_id, "amount": amount}

    def fields(answer: httpx.Response) -> list[str]:
        assert answer.status_code == 422, answer.text
        return [f["location"] for f in answer.json()["error"]["details"]["fields"]]

    assert fields(accountant.post(url, json={"parts": []})) == ["body.parts"]
    duplicate = [part(first, "10.00"), part(first, "10.00")]
    assert fields(accountant.post(url, json={"parts": duplicate})) == ["body.parts"]
    zero = [part(first, "10.00"), part(second, "0")]
    assert fields(accountant.post(url, json={"parts": zero})) == ["body.parts.1.amount"]
    assert fields(accountant.post(url, json={"parts": [part(first, "-1")]})) == [
        "body.parts.0.amount"
    ]
    assert viewer.post(url, json={"parts": [part(first, "10.00")]}).status_code == 403
    unknown = accountant.post(
        f"/api/reconciliation/transactions/{uuid.uuid4()}/split",
        json={"parts": [part(first, "10.00")]},
    )
    assert unknown.status_code == 404, unknown.text
    missing = accountant.post(url, json={"parts": [part(str(uuid.uuid4()), "10.00")]})
    assert missing.status_code == 404, missing.text
    over = accountant.post(
        url, json={"parts": [part(first, "495.00"), part(second, "495.00"), part(third, "300")]}
    )
    assert over.status_code == 409, over.text
    assert over.json()["error"]["code"] == "payment_exceeds_invoice"
    assert "dépasse ce qui reste du virement" in over.json()["error"]["message"]
    owed = accountant.post(url, json={"parts": [part(first, "600.00")]})
    assert owed.status_code == 409, owed.text
    assert "reste à payer de la facture" in owed.json()["error"]["message"]
    # nothing was written by the refusals
    assert all(
        accountant.get(f"/api/qonto/invoices/{i}").json()["status"] == "finalized"
        for i in (first, second, third)
    )
    still = viewer.get("/api/reconciliation/unmatched", params={"perPage": 200}).json()
    assert [t["id"] for t in still["items"] if t["reference"] == reference] == [credit["id"]]

    split = accountant.post(
        url,
        json={"parts": [part(first, "495.00"), part(second, "495.00"), part(third, "211.37")]},
    )
    assert split.status_code == 200, split.text
    body = split.json()
    assert body["allocated"] == "1201.37"
    assert body["transactionLeft"] == "0.00"
    assert [a["documentId"] for a in body["applied"]] == [first, second, third]
    assert [a["invoicePaid"] for a in body["applied"]] == [True, True, False]
    statuses = [accountant.get(f"/api/qonto/invoices/{i}").json() for i in (first, second, third)]
    assert [s["status"] for s in statuses] == ["paid", "paid", "finalized"]
    done = viewer.get("/api/reconciliation/unmatched", params={"perPage": 200}).json()
    assert credit["id"] not in {t["id"] for t in done["items"]}
