"""Rate limits, idempotency keys and injected faults, as a client sees them over HTTP."""

from __future__ import annotations

import httpx
import pytest

from tests.contract.conftest import TestClient
from verone.sandbox.state import SandboxState

SUBS = "/v2/webhook_subscriptions"
HOOK = {"callback_url": "http://127.0.0.1:9/hook", "types": ["v1/transactions"]}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _limit(client: TestClient, requests: int, window: float) -> None:
    response = client.put(
        "/_sandbox/rate-limits", json={"limits": [{"requests": requests, "window_seconds": window}]}
    )
    assert response.status_code == 200


def test_rate_limit_answers_429_with_retry_after(
    api: TestClient, sandbox_state: SandboxState
) -> None:
    _limit(api, 5, 10)
    statuses = [api.get("/v2/organization").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    limited = api.get("/v2/organization")
    assert limited.json()["errors"][0]["code"] == "too_many_requests"
    assert 1 <= int(limited.headers["Retry-After"]) <= 10
    sandbox_state.clock.advance(10.5)
    assert api.get("/v2/organization").status_code == 200


def test_two_windows_both_apply(api: TestClient, sandbox_state: SandboxState) -> None:
    api.put(
        "/_sandbox/rate-limits",
        json={
            "limits": [{"requests": 3, "window_seconds": 1}, {"requests": 5, "window_seconds": 60}]
        },
    )
    assert [api.get("/v2/organization").status_code for _ in range(4)] == [200] * 3 + [429]
    sandbox_state.clock.advance(1.5)
    assert [api.get("/v2/organization").status_code for _ in range(3)] == [200, 200, 429]
    sandbox_state.clock.advance(1.5)
    assert api.get("/v2/organization").status_code == 429
    sandbox_state.clock.advance(60)
    assert api.get("/v2/organization").status_code == 200


def test_idempotent_replay_even_with_a_different_body(api: TestClient) -> None:
    key = {"X-Qonto-Idempotency-Key": "3b8c0f1e-0000-4000-8000-000000000001"}
    first = api.post(SUBS, json=HOOK, headers=key)
    second = api.post(SUBS, json={**HOOK, "callback_url": "http://127.0.0.1:9/other"}, headers=key)
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["x-sandbox-idempotent-replay"] == "true"
    assert api.get(SUBS).json()["meta"]["total_count"] == 1


def test_idempotency_key_expires_after_30_minutes(
    api: TestClient, sandbox_state: SandboxState
) -> None:
    key = {"X-Qonto-Idempotency-Key": "key-expiry"}
    first = api.post(SUBS, json=HOOK, headers=key).json()["id"]
    sandbox_state.clock.advance(29 * 60)
    assert api.post(SUBS, json=HOOK, headers=key).json()["id"] == first
    sandbox_state.clock.advance(2 * 60)
    assert api.post(SUBS, json=HOOK, headers=key).json()["id"] != first
    assert api.get(SUBS).json()["meta"]["total_count"] == 2


def test_only_successes_are_replayed(api: TestClient) -> None:
    key = {"X-Qonto-Idempotency-Key": "key-after-failure"}
    failed = api.post(SUBS, json={"types": ["v1/transactions"]}, headers=key)
    assert failed.status_code == 400
    assert failed.json()["errors"][0]["detail"] == "CallbackURL is missing"
    created = api.post(SUBS, json=HOOK, headers=key)
    assert created.status_code == 201


@pytest.mark.parametrize("path", ["/v2/attachments", "/v2/transactions/{id}/attachments"])
def test_uploads_require_an_idempotency_key(
    api: TestClient, sandbox_state: SandboxState, path: str
) -> None:
    txn_id = sandbox_state.banking.all_transactions()[0].id
    url = path.format(id=txn_id)
    files = {"file": ("receipt.pdf", PDF, "application/pdf")}
    missing = api.post(url, files=files)
    assert missing.status_code == 400
    error = missing.json()["errors"][0]
    assert error["code"] == "missing_idempotency_key"
    assert error["source"]["parameter"] == "X-Qonto-Idempotency-Key"
    ok = api.post(url, files=files, headers={"X-Qonto-Idempotency-Key": f"k-{path}"})
    assert ok.status_code == 200


def test_error_fault_answers_the_status_without_applying_the_write(api: TestClient) -> None:
    api.put(
        "/_sandbox/faults",
        json={"rules": [{"method": "POST", "path": SUBS, "error_status": 503, "error_rate": 1.0}]},
    )
    response = api.post(SUBS, json=HOOK)
    assert response.status_code == 503
    assert response.json()["trace_id"] == response.headers["x-request-id"]
    assert api.get(SUBS).json()["meta"]["total_count"] == 0


def test_faults_are_reproducible_from_their_seed(api: TestClient) -> None:
    rule = {"path": "/v2/bank_accounts/{id}", "error_status": 500, "error_rate": 0.5}
    account = api.get("/v2/bank_accounts").json()["bank_accounts"][0]["id"]

    def run() -> list[int]:
        api.put("/_sandbox/faults", json={"seed": 7, "rules": [rule]})
        return [api.get(f"/v2/bank_accounts/{account}").status_code for _ in range(20)]

    first = run()
    assert first == run()
    assert set(first) == {200, 500}
    assert api.get("/v2/bank_accounts").status_code == 200  # the template does not match


def test_timeout_after_commit_applies_the_write_once(api: TestClient) -> None:
    api.put(
        "/_sandbox/faults",
        json={"rules": [{"method": "POST", "path": SUBS, "timeout_after_commit_rate": 1.0}]},
    )
    key = {"X-Qonto-Idempotency-Key": "key-timeout"}
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(SUBS, json=HOOK, headers=key)
    api.put("/_sandbox/faults", json={"rules": []})
    retry = api.post(SUBS, json=HOOK, headers=key)
    assert retry.status_code == 201
    listed = api.get(SUBS).json()
    assert listed["meta"]["total_count"] == 1
    assert listed["subscriptions"][0]["id"] == retry.json()["id"]


def test_dropped_connection_before_processing_applies_nothing(api: TestClient) -> None:
    api.put(
        "/_sandbox/faults",
        json={"rules": [{"method": "POST", "path": "/v2/*", "drop_before_rate": 1.0}]},
    )
    with pytest.raises(httpx.RemoteProtocolError):
        api.post(SUBS, json=HOOK)
    assert api.get(SUBS).json()["meta"]["total_count"] == 0


def test_unknown_fault_fields_are_refused(api: TestClient) -> None:
    response = api.put("/_sandbox/faults", json={"rules": [{"path": "/v2/*", "explode": True}]})
    assert response.status_code == 422
