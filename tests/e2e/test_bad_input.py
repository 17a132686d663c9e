"""Bad input answers a clear 4xx naming the field, never a 500: decimals (places, magnitude,
exponents), control characters in bodies, search parameters and the login form (SQLite and
PostgreSQL), malformed signature timestamps and confirmation tokens, Qonto ids that would
escape their path, and values the business refuses (negative prices, oversized discounts,
dates in year 1 or 9999)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import WEBHOOK_SECRET, Stack
from verone.qonto import QontoInvalidId
from verone.qonto.webhooks import SIGNATURE_HEADER, compute_signature

ITEM = {"title": "Fauteuil Rotin", "quantity": "2", "unitPrice": "245.00", "vatRate": "0.2"}


def _customer(client: httpx.Client) -> str:
    return str(client.get("/api/customers", params={"perPage": 1}).json()["items"][0]["id"])


def _service_invoice(client: httpx.Client, **item: Any) -> httpx.Response:
    return client.post(
        "/api/qonto/invoices/service",
        json={"customerId": _customer(client), "items": [{**ITEM, **item}]},
    )


def _fields(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 422, answer.text
    body = answer.json()["error"]
    return [str(field["location"]) for field in body["details"]["fields"]]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("quantity", "1e-400"),
        ("quantity", "10.1234567"),
        ("vatRate", "0.2000001"),
        ("unitPrice", "1E+5"),
        ("unitPrice", "9" * 5000),
        ("quantity", "١٢"),  # Arabic-Indic digits are digits to Decimal, not to us
        ("unitPrice", "Infinity"),
        ("discountValue", "0.00000001"),
    ],
)
def test_decimals_are_refused_with_their_field(
    accountant: httpx.Client, field: str, value: str
) -> None:
    extra = {"discountKind": "absolute"} if field == "discountValue" else {}
    answer = _service_invoice(accountant, **{field: value}, **extra)
    assert any(location.endswith(f"items.0.{field}") for location in _fields(answer))


def test_magnitudes_past_the_database_are_refused(accountant: httpx.Client) -> None:
    answer = _service_invoice(accountant, quantity="999999999999", unitPrice="999999999999")
    assert "body.items.0" in _fields(answer)
    assert "ligne" in answer.json()["error"]["message"].lower()


def test_a_discount_larger_than_its_line_is_refused(accountant: httpx.Client) -> None:
    answer = _service_invoice(accountant, discountKind="absolute", discountValue="600")
    assert "body.items.0" in _fields(answer)
    assert "remise" in answer.json()["error"]["message"].lower()
    fine = _service_invoice(accountant, discountKind="absolute", discountValue="490")
    assert fine.status_code == 201, fine.text


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_dates_far_from_billing_are_refused(accountant: httpx.Client, day: str) -> None:
    answer = accountant.post(
        "/api/qonto/invoices/service",
        json={"customerId": _customer(accountant), "items": [ITEM], "issueDate": day},
    )
    assert "body.issueDate" in _fields(answer)


def test_negative_product_prices_are_refused(accountant: httpx.Client) -> None:
    product = {"sku": f"NEG-{uuid.uuid4().hex[:6]}", "name": "Négatif", "vatRate": "0.2"}
    answer = accountant.post("/api/products", json={**product, "unitPrice": "-5.00"})
    assert answer.status_code == 422, answer.text
    assert "négatif" in answer.json()["error"]["message"]


@pytest.mark.parametrize("text", ["Rotin\x00", "Rotin\x1b[31m", "Ro\x7ftin"])
def test_control_characters_in_bodies_are_refused(accountant: httpx.Client, text: str) -> None:
    answer = _service_invoice(accountant, title=text)
    assert "body.items.0.title" in _fields(answer)
    multiline = _service_invoice(accountant, description="ligne 1\nligne 2\ttab")
    assert multiline.status_code == 201, multiline.text


def _nul_everywhere(stack: Stack, client: httpx.Client) -> None:
    for path in ("/api/customers", "/api/products", "/api/orders", "/api/qonto/invoices"):
        answer = client.get(path, params={"search": "Ro\x00tin"})
        assert answer.status_code == 422, (path, answer.text)
    customer = {"kind": "company", "companyName": "Nul\x00 SARL"}
    assert "body.companyName" in _fields(client.post("/api/customers", json=customer))
    with stack.client() as anonymous:
        login = anonymous.post(
            "/auth/login", json={"email": "admin\x00@verone.test", "password": "x\x00"}
        )
        assert {"body.email", "body.password"} <= set(_fields(login))


def test_nul_characters_are_refused_on_sqlite(stack: Stack, accountant: httpx.Client) -> None:
    _nul_everywhere(stack, accountant)


@pytest.mark.postgres
def test_nul_characters_are_refused_on_postgresql(pg_stack: Stack) -> None:
    with pg_stack.login(pg_stack.users.accountant.email) as client:
        _nul_everywhere(pg_stack, client)


@pytest.mark.parametrize("timestamp", ["²", "1" * 5000, "-5", " 12", "0x10"])
def test_malformed_signature_timestamps_are_401(anonymous: httpx.Client, timestamp: str) -> None:
    raw = json.dumps({"id": "evt", "type": "v1/client-invoices", "data": {}}).encode()
    header = f"t={timestamp},v1={compute_signature(int(time.time()), raw, WEBHOOK_SECRET)}"
    answer = anonymous.post(
        "/api/qonto/webhooks",
        content=raw,
        headers=[
            (SIGNATURE_HEADER.encode(), header.encode("latin-1")),
            (b"Content-Type", b"application/json"),
        ],
    )
    assert answer.status_code == 401, answer.text
    assert answer.json()["error"]["code"] == "invalid_signature"


@pytest.mark.parametrize("token", ["².a.b", "1" * 400 + ".a.b", "9" * 12 + "." + "a" * 64 + ".x"])
def test_malformed_confirmation_tokens_are_422(accountant: httpx.Client, token: str) -> None:
    created = _service_invoice(accountant)
    assert created.status_code == 201, created.text
    document_id = created.json()["document"]["id"]
    answer = accountant.post(
        f"/api/qonto/invoices/{document_id}/finalize", json={"confirmationToken": token}
    )
    assert "body.confirmationToken" in _fields(answer)


@pytest.mark.parametrize("bad", ["..", "../clients", "a/b", "%2e%2e", "x y", "é"])
def test_qonto_ids_that_would_leave_their_path_are_refused(
    accountant: httpx.Client, bad: str
) -> None:
    answer = accountant.delete("/api/qonto/attachments/att-1", params={"transactionId": bad})
    assert "query.transactionId" in _fields(answer)
    cleanup = accountant.post("/api/qonto/attachments/cleanup", json={"transactionId": bad})
    assert "body.transactionId" in _fields(cleanup)


@pytest.mark.parametrize("bad", ["..", "../v2/clients", "a/b", "", "x\x00"])
def test_the_client_refuses_ids_before_building_a_path(stack: Stack, bad: str) -> None:
    client = stack.container.qonto_client
    with pytest.raises(QontoInvalidId):
        client.transactions.attachments.detach_all(bad)
    with pytest.raises(QontoInvalidId):
        client.attachments.get(bad)


def test_unknown_query_parameters_are_refused_on_writes(accountant: httpx.Client) -> None:
    answer = accountant.post(
        "/api/qonto/invoices/service",
        params={"autoFinalize": "true"},
        json={"customerId": _customer(accountant), "items": [ITEM]},
    )
    assert "query.autoFinalize" in _fields(answer)
    reads = accountant.get("/api/customers", params={"perPage": 1, "utm_source": "x"})
    assert reads.status_code == 200
