"""Contract: every sandbox answer is exactly its wire model, and on-request fields stay absent.

Each answer is parsed with its ``verone.qonto.types`` model refusing unknown keys (nothing on
the wire that the model does not define) and written again with the sandbox's ``dump``: the
result must be the very same JSON (no field missing, none ``null`` that should be absent).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from tests.contract.invoicing_support import (
    JSON,
    TestClient,
    body,
    create_client,
    finalized_invoice,
    item,
    sandbox,
)
from verone.qonto.types import (
    AttachmentEnvelope,
    AttachmentList,
    BankAccountEnvelope,
    BankAccountList,
    ClientEnvelope,
    ClientInvoiceEnvelope,
    ClientInvoiceList,
    ClientInvoiceUploadEnvelope,
    ClientList,
    CreditNoteEnvelope,
    CreditNoteList,
    ErrorResponse,
    OAuthToken,
    QuoteEnvelope,
    QuoteList,
    TransactionEnvelope,
    TransactionList,
    WebhookSubscription,
    WebhookSubscriptionList,
)
from verone.qonto.types._base import loads_wire
from verone.sandbox.banking.wire import OrganizationEnvelopeAnswer
from verone.sandbox.state import SandboxState
from verone.sandbox.wire import dumps

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def env() -> Iterator[tuple[TestClient, SandboxState]]:
    with sandbox() as pair:
        yield pair


def assert_exactly(model: type[BaseModel], raw: bytes) -> JSON:
    """``raw`` parses as ``model`` with no unknown key, and ``dump`` writes it back unchanged."""
    data = loads_wire(raw)
    parsed = model.model_validate(data, extra="forbid")
    assert loads_wire(dumps(parsed)) == data
    assert isinstance(data, dict)
    return data


def _account_id(client: TestClient) -> str:
    accounts = body(client.get("/v2/bank_accounts"))["bank_accounts"]
    assert isinstance(accounts, list)
    first = accounts[0]
    assert isinstance(first, dict)
    return str(first["id"])


def test_banking_answers_are_exactly_their_models(env: tuple[TestClient, SandboxState]) -> None:
    client, _ = env
    account = _account_id(client)
    assert_exactly(OrganizationEnvelopeAnswer, client.get("/v2/organization").content)
    assert_exactly(BankAccountList, client.get("/v2/bank_accounts").content)
    assert_exactly(BankAccountEnvelope, client.get(f"/v2/bank_accounts/{account}").content)
    listed = client.get("/v2/transactions", params={"bank_account_id": account})
    page = assert_exactly(TransactionList, listed.content)
    rows = page["transactions"]
    assert isinstance(rows, list)
    assert rows
    txn_id = rows[0]["id"]
    one = client.get(f"/v2/transactions/{txn_id}")
    assert_exactly(TransactionEnvelope, one.content)
    upload = {"file": ("r.pdf", PDF, "application/pdf")}
    headers = {"X-Qonto-Idempotency-Key": "answers-1"}
    created = client.post(f"/v2/transactions/{txn_id}/attachments", files=upload, headers=headers)
    assert created.json() == {"attachment": {"id": created.json()["attachment"]["id"]}}
    attachment_id = created.json()["attachment"]["id"]
    assert_exactly(AttachmentEnvelope, created.content)
    assert_exactly(AttachmentEnvelope, client.get(f"/v2/attachments/{attachment_id}").content)
    listing = client.get(f"/v2/transactions/{txn_id}/attachments")
    assert_exactly(AttachmentList, listing.content)


def test_invoicing_answers_are_exactly_their_models(
    env: tuple[TestClient, SandboxState],
) -> None:
    client, state = env
    created = create_client(client, phone={"country_code": "+33", "number": "612345678"})
    invoice = finalized_invoice(client, state, str(created["id"]))
    state.clock.advance(11)
    today = state.clock.today().isoformat()
    quote: JSON = {"client_id": created["id"], "issue_date": today, "expiry_date": today}
    quote |= {"currency": "EUR", "terms_and_conditions": "30 jours", "items": [item()]}
    quote["discount"] = {"type": "percentage", "value": "10"}
    note: JSON = {"invoice_id": invoice["id"], "issue_date": today, "reason": "Casse"}
    note |= {"currency": "EUR", "items": [item("1", "10.00")]}
    pdf = {"client_invoices_upload": ("a.pdf", PDF, "application/pdf")}
    answers: list[tuple[type[BaseModel], bytes]] = [
        (ClientEnvelope, client.get(f"/v2/clients/{created['id']}").content),
        (ClientList, client.get("/v2/clients").content),
        (ClientInvoiceEnvelope, client.get(f"/v2/client_invoices/{invoice['id']}").content),
        (ClientInvoiceList, client.get("/v2/client_invoices").content),
        (QuoteEnvelope, client.post("/v2/quotes", json=quote).content),
        (QuoteList, client.get("/v2/quotes").content),
        (CreditNoteEnvelope, client.post("/v2/credit_notes", json=note).content),
        (CreditNoteList, client.get("/v2/credit_notes").content),
        (
            ClientInvoiceUploadEnvelope,
            client.post("/v2/client_invoices/uploads", files=pdf).content,
        ),
    ]
    for model, raw in answers:
        assert_exactly(model, raw)


def test_platform_answers_are_exactly_their_models(env: tuple[TestClient, SandboxState]) -> None:
    client, state = env
    hook = {"callback_url": "http://127.0.0.1:9/h", "types": ["v1/transactions"]}
    created = client.post("/v2/webhook_subscriptions", json=hook)
    assert_exactly(WebhookSubscription, created.content)
    assert_exactly(WebhookSubscriptionList, client.get("/v2/webhook_subscriptions").content)
    not_found = assert_exactly(ErrorResponse, client.get("/v2/clients/nope").content)
    assert not_found["errors"] == [{"code": "not_found", "detail": "Not found"}]
    invalid = assert_exactly(ErrorResponse, client.get("/v2/transactions").content)
    assert invalid["errors"][0]["source"] == {"parameter": "bank_account_id"}  # type: ignore[index]
    form = {
        "grant_type": "client_credentials",
        "client_id": state.config.oauth_client_id,
        "client_secret": state.config.oauth_client_secret,
    }
    assert_exactly(OAuthToken, client.post("/oauth2/token", data=form).content)


def _page(client: TestClient, **params: object) -> list[JSON]:
    answer = client.get(
        "/v2/transactions", params={"bank_account_id": _account_id(client)} | params
    )
    assert answer.status_code == 200, answer.text
    rows = json.loads(answer.content)["transactions"]
    assert isinstance(rows, list)
    return rows


def test_labels_and_attachments_are_absent_unless_included(
    env: tuple[TestClient, SandboxState],
) -> None:
    client, _ = env
    plain = _page(client, per_page=5)
    assert all("labels" not in row and "attachments" not in row for row in plain)
    txn_id = plain[0]["id"]
    single = body(client.get(f"/v2/transactions/{txn_id}"))["transaction"]
    assert isinstance(single, dict)
    assert "labels" not in single
    assert "attachments" not in single
    labelled = _page(client, per_page=5, **{"includes[]": "labels"})
    assert len(labelled) == len(plain) > 1
    assert [row["labels"] for row in labelled] == [[]] * len(plain)
    assert all("attachments" not in row for row in labelled)
    assert [{k: v for k, v in r.items() if k != "labels"} for r in labelled] == plain


def test_included_attachments_are_the_transaction_files(
    env: tuple[TestClient, SandboxState],
) -> None:
    client, _ = env
    txn_id = _page(client, per_page=1)[0]["id"]
    upload = {"file": ("r.pdf", PDF, "application/pdf")}
    headers = {"X-Qonto-Idempotency-Key": "incl-1"}
    posted = client.post(f"/v2/transactions/{txn_id}/attachments", files=upload, headers=headers)
    attachment_id = posted.json()["attachment"]["id"]
    params = {"includes[]": ["attachments", "labels"]}
    one = body(client.get(f"/v2/transactions/{txn_id}", params=params))["transaction"]
    assert isinstance(one, dict)
    assert one["labels"] == []
    assert [a["id"] for a in one["attachments"]] == [attachment_id]
    assert one["attachments"][0]["file_name"] == "r.pdf"
    assert one["attachment_ids"] == [attachment_id]
    listed = _page(client, per_page=1, includes="attachments")[0]["attachments"]
    assert isinstance(listed, list)
    assert [a["id"] for a in listed] == [attachment_id]


def test_vat_details_is_accepted_but_not_simulated(env: tuple[TestClient, SandboxState]) -> None:
    client, _ = env
    rows = _page(client, per_page=3, **{"includes[]": "vat_details"})
    assert all("vat_details" not in row for row in rows)


def test_an_unknown_include_is_refused(env: tuple[TestClient, SandboxState]) -> None:
    client, _ = env
    answer = client.get(
        "/v2/transactions",
        params={"bank_account_id": _account_id(client), "includes[]": "labelz"},
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["source"] == {"parameter": "includes[]"}
