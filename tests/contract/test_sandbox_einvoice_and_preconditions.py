"""Contract: ``send_by_einvoice`` and the opt-in ``412 quote_has_no_attachment`` of the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from tests.contract.invoicing_support import (
    TestClient,
    create_client,
    create_invoice,
    error,
    finalized_invoice,
    item,
    obj,
    sandbox,
)
from verone.sandbox.state import SandboxState

ADDRESS = "0009:123456782"


@pytest.fixture
def env() -> Iterator[tuple[TestClient, SandboxState]]:
    with sandbox() as pair:
        pair[1].clock.freeze()
        yield pair


def test_reachability_follows_the_e_invoicing_address(
    env: tuple[TestClient, SandboxState],
) -> None:
    client, _ = env
    assert create_client(client)["e_invoicing_reachable"] is False
    reachable = create_client(client, e_invoicing_address=ADDRESS)
    assert reachable["e_invoicing_reachable"] is True
    assert reachable["e_invoicing_address"] == ADDRESS


def test_a_finalized_invoice_is_accepted_for_e_invoicing(
    env: tuple[TestClient, SandboxState],
) -> None:
    client, state = env
    customer = create_client(client, e_invoicing_address=ADDRESS)
    invoice = finalized_invoice(client, state, str(customer["id"]))
    assert invoice["einvoicing_status"] is None
    response = client.post(f"/v2/client_invoices/{invoice['id']}/send_by_einvoice")
    assert response.status_code == 204
    assert response.content == b""
    after = obj(client.get(f"/v2/client_invoices/{invoice['id']}"), "client_invoice")
    assert after["einvoicing_status"] == "submitted"
    assert after["status"] == "unpaid"
    again = client.post(f"/v2/client_invoices/{invoice['id']}/send_by_einvoice")
    assert again.status_code == 422
    assert error(again)["code"] == "invalid_status_transition"


def test_e_invoicing_needs_a_reachable_client_and_a_finalized_invoice(
    env: tuple[TestClient, SandboxState],
) -> None:
    client, state = env
    unreachable = finalized_invoice(client, state, str(create_client(client)["id"]))
    refused = client.post(f"/v2/client_invoices/{unreachable['id']}/send_by_einvoice")
    assert refused.status_code == 422
    assert error(refused)["code"] == "client_not_reachable"
    still = obj(client.get(f"/v2/client_invoices/{unreachable['id']}"), "client_invoice")
    assert still["einvoicing_status"] is None
    reachable = str(create_client(client, e_invoicing_address=ADDRESS)["id"])
    draft = create_invoice(client, state, reachable)
    on_draft = client.post(f"/v2/client_invoices/{draft['id']}/send_by_einvoice")
    assert on_draft.status_code == 422
    assert error(on_draft)["code"] == "invalid_status_transition"
    assert client.post("/v2/client_invoices/nope/send_by_einvoice").status_code == 404


def _quote(client: TestClient, state: SandboxState) -> str:
    today = state.clock.today()
    payload = {
        "client_id": create_client(client)["id"],
        "issue_date": today.isoformat(),
        "expiry_date": (today + timedelta(days=30)).isoformat(),
        "currency": "EUR",
        "terms_and_conditions": "Devis valable 30 jours.",
        "items": [item()],
    }
    response = client.post("/v2/quotes", json=payload)
    assert response.status_code == 201, response.text
    return str(obj(response, "quote")["id"])


def test_quote_patch_before_its_pdf_is_412_only_when_switched_on(
    env: tuple[TestClient, SandboxState],
) -> None:
    client, state = env
    quote_id = _quote(client, state)
    assert client.patch(f"/v2/quotes/{quote_id}", json={"header": "A"}).status_code == 200
    switched = client.put("/_sandbox/features", json={"quote_pdf_precondition": True})
    assert switched.status_code == 200
    early = client.patch(f"/v2/quotes/{quote_id}", json={"header": "B"})
    assert early.status_code == 412
    assert error(early)["code"] == "quote_has_no_attachment"
    assert obj(client.get(f"/v2/quotes/{quote_id}"), "quote")["header"] == "A"
    state.clock.advance(state.config.pdf_delay_seconds)
    assert client.patch(f"/v2/quotes/{quote_id}", json={"header": "B"}).status_code == 200
    # the update schedules a new PDF: the next update waits for it again
    assert client.patch(f"/v2/quotes/{quote_id}", json={"header": "C"}).status_code == 412
    client.put("/_sandbox/features", json={"quote_pdf_precondition": False})
    assert client.patch(f"/v2/quotes/{quote_id}", json={"header": "C"}).status_code == 200
