"""The ``/_sandbox/`` control API: reset, seed, clock, features, logs, snapshot/restore."""

from __future__ import annotations

from tests.contract.conftest import API_KEY, TestClient
from verone.sandbox.app import create_app
from verone.sandbox.state import SandboxState

SUBS = "/v2/webhook_subscriptions"
HOOK = {"callback_url": "https://example.test/hook", "types": ["v1/transactions"]}


def _count(api: TestClient) -> int:
    account = api.get("/v2/bank_accounts").json()["bank_accounts"][0]["id"]
    meta = api.get("/v2/transactions", params={"bank_account_id": account}).json()["meta"]
    total = meta["total_count"]
    assert isinstance(total, int)
    return total


def test_control_api_needs_no_credentials_but_a_loopback_client(
    sandbox_state: SandboxState,
) -> None:
    app = create_app(sandbox_state)
    with TestClient(app, client=("127.0.0.1", 5000)) as local:
        assert local.get("/_sandbox/clock").status_code == 200
    with TestClient(app, client=("10.1.2.3", 5000)) as remote:
        refused = remote.get("/_sandbox/clock")
        assert refused.status_code == 403
        assert refused.json()["errors"][0]["code"] == "forbidden"


def test_clock_advance_moves_the_sandbox_time(anon: TestClient) -> None:
    before = anon.get("/_sandbox/clock").json()
    after = anon.post("/_sandbox/clock/advance", json={"seconds": 3600}).json()
    assert after["offset_seconds"] == before["offset_seconds"] + 3600
    assert after["now"] > before["now"]
    assert anon.post("/_sandbox/clock/advance", json={"seconds": -1}).status_code == 422


def test_seed_sizes_are_deterministic(api: TestClient) -> None:
    seeded = api.post("/_sandbox/seed", json={"seed": 9, "transactions": 500})
    assert seeded.json() == {"status": "seeded", "transactions": 500}
    assert _count(api) == 400  # the main account holds four fifths
    account = api.get("/v2/bank_accounts").json()["bank_accounts"][0]["id"]
    page = api.get("/v2/transactions", params={"bank_account_id": account}).json()
    api.post("/_sandbox/seed", json={"seed": 9, "transactions": 500})
    assert api.get("/v2/transactions", params={"bank_account_id": account}).json() == page
    api.post("/_sandbox/seed", json={"seed": 10, "transactions": 500})
    assert api.get("/v2/transactions", params={"bank_account_id": account}).json() != page


def test_seed_can_fill_the_invoicing_side(api: TestClient) -> None:
    api.post("/_sandbox/seed", json={"transactions": 50, "clients": 5, "invoices": 12})
    assert api.get("/v2/clients").json()["meta"]["total_count"] == 5
    assert api.get("/v2/client_invoices").json()["meta"]["total_count"] == 12


def test_reset_forgets_writes(api: TestClient) -> None:
    api.post(SUBS, json=HOOK)
    api.post(
        "/_sandbox/incoming-transfer",
        json={"amount": "5", "reference": "x", "counterparty_name": "y"},
    )
    before = _count(api)
    assert api.post("/_sandbox/reset").json() == {"status": "reset"}
    assert api.get(SUBS).json()["meta"]["total_count"] == 0
    assert _count(api) == before - 1


def test_features_switch_endpoints_off(api: TestClient) -> None:
    assert api.put("/_sandbox/features", json={"credit_notes_create": False}).json() == {
        "credit_notes_create": False
    }
    refused = api.post("/v2/credit_notes", json={})
    assert refused.status_code == 404


def test_requests_are_recorded(api: TestClient) -> None:
    api.get("/v2/organization")
    api.post(SUBS, json=HOOK, headers={"X-Qonto-Idempotency-Key": "rec-1"})
    api.get("/v2/nowhere")
    recorded = api.get("/_sandbox/requests").json()["requests"]
    assert [(r["method"], r["path"], r["status"]) for r in recorded] == [
        ("GET", "/v2/organization", 200),
        ("POST", SUBS, 201),
        ("GET", "/v2/nowhere", 404),
    ]
    assert recorded[1]["idempotency_key"] == "rec-1"
    assert all(r["request_id"] and r["time"].endswith("Z") for r in recorded)


def test_global_latency_is_added(api: TestClient) -> None:
    api.put("/_sandbox/faults", json={"latency_ms": 40})
    api.get("/v2/organization")
    api.put("/_sandbox/faults", json={})
    api.get("/v2/organization")
    slow, fast = api.get("/_sandbox/requests").json()["requests"][-2:]
    assert slow["duration_ms"] >= 40
    assert fast["duration_ms"] < slow["duration_ms"]


def test_emails_start_empty(anon: TestClient) -> None:
    assert anon.get("/_sandbox/emails").json() == {"emails": []}


def test_snapshot_and_restore_round_trip(api: TestClient, sandbox_state: SandboxState) -> None:
    sub = api.post(SUBS, json=HOOK).json()
    txn = api.post(
        "/_sandbox/incoming-transfer",
        json={"amount": "42.00", "reference": "SNAP", "counterparty_name": "Snap"},
    ).json()
    pdf = b"%PDF-1.4 snapshot"
    attachment = api.post(
        "/v2/attachments",
        files={"file": ("s.pdf", pdf, "application/pdf")},
        headers={"X-Qonto-Idempotency-Key": "snap"},
    ).json()["attachment"]["id"]
    api.post("/_sandbox/clock/advance", json={"seconds": 120})
    api.put("/_sandbox/features", json={"credit_notes_create": False})
    snapshot = api.post("/_sandbox/snapshot").json()
    org = api.get("/v2/organization").json()

    api.post("/_sandbox/reset")
    api.post("/_sandbox/seed", json={"seed": 1, "transactions": 20})
    assert api.get(f"/v2/transactions/{txn['transaction_id']}").status_code == 404

    assert api.post("/_sandbox/restore", json=snapshot).json() == {"status": "restored"}
    assert api.get("/v2/organization").json() == org
    assert api.get(f"{SUBS}/{sub['id']}").json() == sub
    assert api.get(f"/v2/transactions/{txn['transaction_id']}").status_code == 200
    url = api.get(f"/v2/attachments/{attachment}").json()["attachment"]["url"]
    assert api.get(url).content == pdf
    assert api.get("/_sandbox/clock").json()["offset_seconds"] >= 120
    assert sandbox_state.feature_enabled("credit_notes_create") is False
    replay = api.post(
        "/v2/attachments",
        files={"file": ("t.pdf", pdf, "application/pdf")},
        headers={"X-Qonto-Idempotency-Key": "snap"},
    )
    assert replay.json()["attachment"]["id"] == attachment


def test_restore_refuses_junk(anon: TestClient) -> None:
    response = anon.post("/_sandbox/restore", json={"version": 99})
    assert response.status_code == 422


def test_api_key_still_needed_on_v2(anon: TestClient) -> None:
    assert anon.get("/v2/organization").status_code == 401
    assert anon.get("/v2/organization", headers={"Authorization": API_KEY}).status_code == 200
