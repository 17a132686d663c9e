"""Qonto's refusals reach the API through the gateway's one mapping: a status per kind of
refusal, Qonto's trace id and status in the details, a hint."""

from __future__ import annotations

import httpx


def test_an_unknown_attachment_is_404_with_qontos_trace_id(viewer: httpx.Client) -> None:
    answer = viewer.get("/api/qonto/attachments/att-does-not-exist")
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["code"] == "qonto_not_found"
    assert error["details"]["qontoStatus"] == 404
    assert error["details"]["traceId"]
    assert error["hint"]


def test_detaching_from_an_unknown_transaction_is_a_qonto_refusal(
    accountant: httpx.Client,
) -> None:
    answer = accountant.delete(
        "/api/qonto/attachments/att-x", params={"transactionId": "txn-does-not-exist"}
    )
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "qonto_not_found"
