"""Contract: the invoicing half through the platform's control API and webhooks."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.contract.invoicing_support import (
    JSON,
    TestClient,
    body,
    create_client,
    finalized_invoice,
    item,
    rows,
    sandbox,
    sub,
    total_count,
)
from verone.sandbox.state import SandboxState


class Inbox:
    """Webhook bodies received by a real local HTTP endpoint."""

    def __init__(self) -> None:
        self.bodies: list[JSON] = []
        self.arrived = threading.Condition()
        self.url = ""

    def wait_for(self, count: int, timeout: float = 5.0) -> list[JSON]:
        with self.arrived:
            ok = self.arrived.wait_for(lambda: len(self.bodies) >= count, timeout)
        assert ok, f"expected {count} webhook deliveries, got {len(self.bodies)}"
        return list(self.bodies)


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    box = Inbox()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            data = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
            with box.arrived:
                box.bodies.append(data)
                box.arrived.notify_all()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    box.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield box
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def env() -> Iterator[tuple[TestClient, SandboxState]]:
    with sandbox() as pair:
        yield pair


def test_invoice_events_reach_webhook_subscribers(
    env: tuple[TestClient, SandboxState], inbox: Inbox
) -> None:
    client, state = env
    subscribed = client.post(
        "/v2/webhook_subscriptions",
        json={"callback_url": inbox.url, "types": ["v1/client-invoices"]},
    )
    assert subscribed.status_code == 201, subscribed.text
    invoice = finalized_invoice(client, state, str(create_client(client)["id"]))
    events = inbox.wait_for(2)
    assert [e["type"] for e in events] == ["v1/client-invoices", "v1/client-invoices"]
    data = [sub(e, "data") for e in events]
    assert [d["id"] for d in data] == [invoice["id"], invoice["id"]]
    assert [d["status"] for d in data] == ["draft", "unpaid"]
    assert data[1]["number"] == invoice["number"]


def test_control_seed_fills_the_invoicing_side(env: tuple[TestClient, SandboxState]) -> None:
    client, _ = env
    response = client.post("/_sandbox/seed", json={"clients": 8, "invoices": 30, "transactions": 5})
    assert response.status_code == 200, response.text
    clients = body(client.get("/v2/clients"))
    assert sub(clients, "meta")["total_count"] == 8
    invoices = body(client.get("/v2/client_invoices?per_page=500"))
    assert sub(invoices, "meta")["total_count"] == 30
    statuses = {i["status"] for i in rows(invoices, "client_invoices")}
    assert statuses == {"draft", "unpaid", "paid", "canceled"}
    assert total_count(client.get("/v2/quotes")) == 10
    assert isinstance(credited := total_count(client.get("/v2/credit_notes")), int)
    assert credited >= 1


def test_control_emails_lists_sent_documents(env: tuple[TestClient, SandboxState]) -> None:
    client, state = env
    invoice = finalized_invoice(client, state, str(create_client(client)["id"]))
    message = {"send_to": ["a@lac.fr"], "email_title": "Facture", "email_body": "Bonjour"}
    assert client.post(f"/v2/client_invoices/{invoice['id']}/send", json=message).status_code == 204
    emails = body(client.get("/_sandbox/emails"))["emails"]
    assert isinstance(emails, list)
    assert len(emails) == 1
    assert emails[0]["to"] == ["a@lac.fr"]
    assert emails[0]["body"] == "Bonjour"
    assert emails[0]["document_number"] == invoice["number"]


def test_reset_forgets_invoicing(env: tuple[TestClient, SandboxState]) -> None:
    client, state = env
    finalized_invoice(client, state, str(create_client(client)["id"]))
    assert client.post("/_sandbox/reset").status_code == 200
    assert body(client.get("/v2/client_invoices"))["client_invoices"] == []
    again = finalized_invoice(client, state, str(create_client(client)["id"]))
    assert again["number"] == f"F-{state.clock.today().year}-001"


FIXTURES = Path(__file__).parent / "fixtures"


def keys_of(data: object, prefix: str = "") -> set[str]:
    """Dotted paths of every key (first element of lists), ignoring what sits under nulls."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            found.add(prefix + key)
            found |= keys_of(value, f"{prefix}{key}.")
    elif isinstance(data, list) and data:
        found |= keys_of(data[0], f"{prefix}[].")
    return found


def test_responses_carry_every_field_of_the_golden_samples(
    env: tuple[TestClient, SandboxState],
) -> None:
    client, state = env
    created = create_client(client, phone={"country_code": "+33", "number": "612345678"})
    invoice = finalized_invoice(client, state, str(created["id"]))
    state.clock.advance(11)
    today = state.clock.today().isoformat()
    quote = {"client_id": created["id"], "issue_date": today, "expiry_date": today}
    quote |= {"currency": "EUR", "terms_and_conditions": "30 jours", "items": [item()]}
    quote["discount"] = {"type": "percentage", "value": "10"}
    note = {"invoice_id": invoice["id"], "issue_date": today, "reason": "Casse"}
    discounted = item("1", "10.00") | {"discount": {"type": "absolute", "value": "1.00"}}
    note |= {"currency": "EUR", "items": [discounted]}
    pdf = {"client_invoices_upload": ("a.pdf", b"%PDF-1.4\n", "application/pdf")}
    answers = {
        "client": client.get(f"/v2/clients/{created['id']}"),
        "client_invoice_unpaid": client.get(f"/v2/client_invoices/{invoice['id']}"),
        "quote": client.post("/v2/quotes", json=quote),
        "credit_note": client.post("/v2/credit_notes", json=note),
        "client_invoice_upload": client.post("/v2/client_invoices/uploads", files=pdf),
    }
    for name, response in answers.items():
        assert response.is_success, response.text
        golden = json.loads((FIXTURES / f"{name}.json").read_text())
        missing = keys_of(golden) - keys_of(response.json())
        assert not missing, f"{name}: {sorted(missing)}"
