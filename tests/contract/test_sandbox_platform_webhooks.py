"""Webhook subscriptions CRUD and signed deliveries to a real local receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.contract.conftest import TestClient
from verone.sandbox.state import SandboxState

SUBS = "/v2/webhook_subscriptions"


@dataclass
class Receiver:
    url: str
    statuses: list[int]
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int, timeout: float = 10.0) -> None:
        with self.arrived:
            ok = self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
        assert ok, f"expected {count} deliveries, got {len(self.received)}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box = Receiver(url="", statuses=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status = box.statuses.pop(0) if box.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
            with box.arrived:
                box.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                box.arrived.notify_all()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the test asserts on what arrived."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    box.url = f"http://127.0.0.1:{server.server_address[1]}/qonto"
    yield box
    server.shutdown()
    server.server_close()
    thread.join()


def _deliveries(api: TestClient, count: int) -> list[dict[str, object]]:
    """The delivery log once it holds ``count`` attempts (it is written after each answer)."""
    deadline = time.monotonic() + 10
    while True:
        rows: list[dict[str, object]] = api.get("/_sandbox/webhook-deliveries").json()["deliveries"]
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.01)


def _verify(secret: str, header: str, body: bytes) -> bool:
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), parts["v1"])


def test_subscription_crud(api: TestClient) -> None:
    created = api.post(
        SUBS,
        json={
            "callback_url": "https://example.test/hook",
            "types": ["v1/client-invoices"],
            "description": "factures",
        },
    )
    assert created.status_code == 201
    sub = created.json()
    assert set(sub) >= {
        "id",
        "organization_id",
        "membership_id",
        "callback_url",
        "types",
        "secret",
        "created_at",
        "updated_at",
    }
    assert sub["secret"]
    listed = api.get(SUBS).json()
    assert listed["subscriptions"] == [sub]
    assert listed["meta"]["total_count"] == 1
    assert api.get(f"{SUBS}/{sub['id']}").json() == sub

    missing = api.put(f"{SUBS}/{sub['id']}", json={"types": ["v1/transactions"]})
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["detail"] == "CallbackURL is missing"
    replaced = api.put(
        f"{SUBS}/{sub['id']}",
        json={"callback_url": "https://example.test/v2", "types": ["v1/transactions"]},
    ).json()
    assert replaced["callback_url"] == "https://example.test/v2"
    assert replaced["types"] == ["v1/transactions"]
    assert replaced["description"] is None  # full replacement

    deleted = api.delete(f"{SUBS}/{sub['id']}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert api.get(f"{SUBS}/{sub['id']}").status_code == 404


def test_invalid_subscription_bodies(api: TestClient) -> None:
    assert api.post(SUBS, json={"callback_url": "https://x.test", "types": []}).status_code == 422
    assert api.post(SUBS, json={"callback_url": "ftp://x", "types": ["a"]}).status_code == 422
    assert api.post(SUBS, content=b"{oops").status_code == 400


def test_incoming_transfer_is_delivered_signed(api: TestClient, receiver: Receiver) -> None:
    sub = api.post(
        SUBS,
        json={"callback_url": receiver.url, "types": ["v1/transactions"], "secret": "whsec_test"},
    ).json()
    booked = api.post(
        "/_sandbox/incoming-transfer",
        json={"amount": "99.90", "reference": "F-2026-007", "counterparty_name": "Garage Bernard"},
    )
    receiver.wait_for(1)
    headers, body = receiver.received[0]
    assert _verify("whsec_test", headers["x-qonto-signature"], body)
    assert not _verify("other-secret", headers["x-qonto-signature"], body)
    event = json.loads(body)
    assert event["type"] == "v1/transactions"
    assert event["subscription_id"] == sub["id"]
    assert event["organization_id"] == sub["organization_id"]
    assert event["data"]["id"] == booked.json()["transaction_id"]
    assert event["data"]["amount_cents"] == 9990


def test_failed_deliveries_are_retried_and_logged(
    api: TestClient, sandbox_state: SandboxState, receiver: Receiver
) -> None:
    sandbox_state.webhooks.retry_delays = (0.05, 0.05)
    receiver.statuses = [500, 503]
    api.post(SUBS, json={"callback_url": receiver.url, "types": ["v1/transactions"]})
    api.post(
        "/_sandbox/incoming-transfer",
        json={"amount": "10", "reference": "R", "counterparty_name": "Client"},
    )
    receiver.wait_for(3)
    bodies = {body for _, body in receiver.received}
    assert len(bodies) == 1  # the same event every time
    deliveries = _deliveries(api, 3)
    assert [(d["attempt"], d["status_code"], d["success"]) for d in deliveries] == [
        (1, 500, False),
        (2, 503, False),
        (3, 200, True),
    ]


def test_events_only_reach_subscribers_of_their_type(
    api: TestClient, sandbox_state: SandboxState, receiver: Receiver
) -> None:
    api.post(SUBS, json={"callback_url": receiver.url, "types": ["v1/client-invoices"]})
    sandbox_state.webhooks.emit("v1/transactions", {"id": "ignored"})
    sandbox_state.webhooks.emit("v1/client-invoices", {"id": "inv-1"})
    receiver.wait_for(1)
    assert json.loads(receiver.received[0][1])["data"] == {"id": "inv-1"}
    assert len(receiver.received) == 1
