"""Helpers for the sandbox invoicing contract tests: raw HTTP calls as the reference shows them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from httpx import Response
from starlette.testclient import TestClient

from verone.sandbox.app import create_app
from verone.sandbox.config import SandboxConfig
from verone.sandbox.state import SandboxState

__all__ = ["TestClient"]

AUTH = {"Authorization": "verone-4819:sandbox-secret-key"}
JSON = dict[str, object]


@contextmanager
def sandbox(**config: object) -> Iterator[tuple[TestClient, SandboxState]]:
    """A fresh sandbox app (few transactions, PDFs after 10 s) and its state."""
    settings = SandboxConfig(transactions=5, pdf_delay_seconds=10.0)
    for key, value in config.items():
        setattr(settings, key, value)
    state = SandboxState(settings)
    try:
        with TestClient(create_app(state), headers=AUTH) as client:
            yield client, state
    finally:
        state.close()


def body(response: Response) -> JSON:
    data = response.json()
    assert isinstance(data, dict)
    return data


def obj(response: Response, key: str) -> JSON:
    value = body(response)[key]
    assert isinstance(value, dict), response.text
    return value


def sub(data: JSON, key: str) -> JSON:
    """A nested JSON object."""
    value = data[key]
    assert isinstance(value, dict), f"{key} is not an object"
    return value


def rows(data: JSON, key: str) -> list[JSON]:
    """A JSON list of objects."""
    value = data[key]
    assert isinstance(value, list), f"{key} is not a list"
    assert all(isinstance(row, dict) for row in value)
    return value


def total_count(response: Response) -> object:
    return sub(body(response), "meta")["total_count"]


def error(response: Response) -> JSON:
    errors = body(response)["errors"]
    assert isinstance(errors, list)
    first = errors[0]
    assert isinstance(first, dict)
    assert body(response)["trace_id"]
    return first


def iban(state: SandboxState) -> str:
    return state.banking.main_account.iban


def create_client(client: TestClient, **fields: object) -> JSON:
    payload: JSON = {
        "kind": "company",
        "name": "Hôtel du Lac",
        "email": "compta@hoteldulac.fr",
        "currency": "EUR",
        "locale": "FR",
        "vat_number": "FR32123456782",
        "tax_identification_number": "123456782",
        "billing_address": {
            "street_address": "3 quai du Lac",
            "city": "Annecy",
            "zip_code": "74000",
            "country_code": "FR",
        },
    }
    payload.update(fields)
    response = client.post("/v2/clients", json=payload)
    assert response.status_code == 201, response.text
    return obj(response, "client")


def item(
    quantity: str = "2", price: str = "100.00", rate: str = "0.2", title: str = "Lampe Atelier"
) -> JSON:
    return {
        "title": title,
        "quantity": quantity,
        "unit_price": {"value": price, "currency": "EUR"},
        "vat_rate": rate,
    }


def invoice_payload(state: SandboxState, client_id: str, **fields: object) -> JSON:
    payload: JSON = {
        "client_id": client_id,
        "issue_date": state.clock.today().isoformat(),
        "due_date": state.clock.today().isoformat(),
        "currency": "EUR",
        "payment_methods": {"iban": iban(state)},
        "items": [item()],
        "status": "draft",
    }
    payload.update(fields)
    return payload


def create_invoice(
    client: TestClient, state: SandboxState, client_id: str, **fields: object
) -> JSON:
    response = client.post("/v2/client_invoices", json=invoice_payload(state, client_id, **fields))
    assert response.status_code == 201, response.text
    return obj(response, "client_invoice")


def finalized_invoice(
    client: TestClient, state: SandboxState, client_id: str, **fields: object
) -> JSON:
    draft = create_invoice(client, state, client_id, **fields)
    response = client.post(f"/v2/client_invoices/{draft['id']}/finalize")
    assert response.status_code == 200, response.text
    return obj(response, "client_invoice")
