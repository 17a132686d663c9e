"""Contract: the public invoice and quote pages (no auth), "Payer" and approve/decline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from tests.contract.invoicing_support import (
    JSON,
    TestClient,
    create_client,
    create_invoice,
    finalized_invoice,
    item,
    obj,
    sandbox,
)
from verone.sandbox.state import SandboxState

Sandbox = tuple[TestClient, SandboxState, str]


@pytest.fixture
def env() -> Iterator[Sandbox]:
    with sandbox() as (client, state):
        yield client, state, str(create_client(client)["id"])


def path_of(url: object) -> str:
    return urlsplit(str(url)).path


def test_invoice_page_shows_the_invoice_without_auth(env: Sandbox) -> None:
    client, state, client_id = env
    invoice = finalized_invoice(client, state, client_id)
    page = client.get(path_of(invoice["invoice_url"]), headers={"Authorization": ""})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert str(invoice["number"]) in page.text
    assert "240,00\u00a0€" in page.text
    assert "À payer" in page.text
    assert ">Payer</button>" in page.text


def test_pay_books_the_transfer_and_marks_paid(env: Sandbox) -> None:
    client, state, client_id = env
    invoice = finalized_invoice(client, state, client_id)
    balance_before = state.banking.main_account.balance_cents
    pay = client.post(f"{path_of(invoice['invoice_url'])}/pay", follow_redirects=False)
    assert pay.status_code == 303
    assert pay.headers["location"] == path_of(invoice["invoice_url"])
    paid = obj(client.get(f"/v2/client_invoices/{invoice['id']}"), "client_invoice")
    assert paid["status"] == "paid"
    assert paid["paid_at"] is not None
    assert paid["amount_paid"] == {"value": "240.00", "currency": "EUR"}
    assert state.banking.main_account.balance_cents == balance_before + 24000
    transfer = max(state.banking.all_transactions(), key=lambda t: t.created_ms)
    assert (transfer.reference, transfer.amount_cents, transfer.side) == (
        invoice["number"],
        24000,
        "credit",
    )
    assert transfer.counterparty_name == "Hôtel du Lac"
    page = client.get(path_of(invoice["invoice_url"]))
    assert "Payée" in page.text
    assert ">Payer</button>" not in page.text
    again = client.post(f"{path_of(invoice['invoice_url'])}/pay", follow_redirects=False)
    assert again.status_code == 409
    assert state.banking.main_account.balance_cents == balance_before + 24000


def test_draft_and_unknown_pages(env: Sandbox) -> None:
    client, state, client_id = env
    draft = create_invoice(client, state, client_id)
    page = client.get(path_of(draft["invoice_url"]))
    assert "Brouillon" in page.text
    assert ">Payer</button>" not in page.text
    assert client.post(f"{path_of(draft['invoice_url'])}/pay").status_code == 409
    assert client.get("/public/invoices/not-a-token").status_code == 404
    assert client.get("/public/quotes/not-a-token").status_code == 404


def quote(client: TestClient, state: SandboxState, client_id: str) -> JSON:
    today = state.clock.today()
    response = client.post(
        "/v2/quotes",
        json={
            "client_id": client_id,
            "issue_date": today.isoformat(),
            "expiry_date": (today + timedelta(days=30)).isoformat(),
            "currency": "EUR",
            "terms_and_conditions": "Devis valable 30 jours.",
            "items": [item()],
        },
    )
    return obj(response, "quote")


@pytest.mark.parametrize(
    ("decision", "status", "stamp", "label"),
    [
        ("approve", "approved", "approved_at", "Accepté"),
        ("decline", "canceled", "canceled_at", "Refusé"),
    ],
)
def test_quote_page_approve_or_decline(
    env: Sandbox, decision: str, status: str, stamp: str, label: str
) -> None:
    client, state, client_id = env
    created = quote(client, state, client_id)
    path = path_of(created["quote_url"])
    page = client.get(path, headers={"Authorization": ""})
    assert page.status_code == 200
    assert str(created["number"]) in page.text
    assert "Accepter le devis" in page.text
    assert "Refuser le devis" in page.text
    response = client.post(f"{path}/{decision}", follow_redirects=False)
    assert response.status_code == 303
    decided = obj(client.get(f"/v2/quotes/{created['id']}"), "quote")
    assert decided["status"] == status
    assert decided[stamp] is not None
    after = client.get(path)
    assert label in after.text
    assert "Accepter le devis" not in after.text
    assert client.post(f"{path}/approve", follow_redirects=False).status_code == 409
    assert client.post(f"{path}/maybe", follow_redirects=False).status_code == 404
