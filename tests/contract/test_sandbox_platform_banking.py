"""Organization, bank accounts and transactions: shapes, filters, pagination, balances."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.contract.conftest import TestClient
from verone.qonto.types._base import from_wire_json
from verone.qonto.types.organization import BankAccountList, OrganizationEnvelope
from verone.qonto.types.transactions import TransactionList

FIXTURES = Path(__file__).parent / "fixtures"
ON_REQUEST = {"labels", "attachments"}  # only with ``includes[]``; the golden page asked for them


def _golden_keys(name: str, *path: str | int) -> set[str]:
    data: object = json.loads((FIXTURES / name).read_text())
    for step in path:
        assert isinstance(data, dict | list)
        data = data[step]  # type: ignore[index]  # walking a JSON document by known keys
    assert isinstance(data, dict)
    return set(data)


@pytest.fixture
def main_account(api: TestClient) -> dict[str, object]:
    accounts = api.get("/v2/bank_accounts").json()["bank_accounts"]
    main = next(a for a in accounts if a["main"])
    assert isinstance(main, dict)
    return main


def _all(api: TestClient, **params: object) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    page: int | None = 1
    while page is not None:
        body = api.get("/v2/transactions", params={**params, "page": page, "per_page": 100}).json()
        rows += body["transactions"]
        page = body["meta"]["next_page"]
    return rows


def test_organization_matches_the_golden_shape(api: TestClient) -> None:
    response = api.get("/v2/organization")
    org = response.json()["organization"]
    assert org["slug"] == "verone-4819"
    assert org["legal_name"] == "Verone SAS"
    assert org["legal_number"] == "912345678"
    assert org["vat_number"].startswith("FR")
    assert org["address"]["country_code"] == "FR"
    assert _golden_keys("organization.json", "organization") <= set(org)
    parsed = from_wire_json(OrganizationEnvelope, response.content)
    assert parsed.organization.bank_accounts is not None
    assert len(parsed.organization.bank_accounts) == 2


def test_bank_accounts_list_and_retrieve(api: TestClient, main_account: dict[str, object]) -> None:
    response = api.get("/v2/bank_accounts")
    accounts = from_wire_json(BankAccountList, response.content).bank_accounts
    assert [a.main for a in accounts] == [True, False]
    assert all(a.iban and a.iban.startswith("FR76") for a in accounts)
    assert {a.bic for a in accounts} == {"QNTOFRP1XXX"}
    golden = _golden_keys("bank_accounts_list.json", "bank_accounts", 0)
    assert golden <= set(main_account)
    one = api.get(f"/v2/bank_accounts/{main_account['id']}").json()["bank_account"]
    assert one == main_account
    assert Decimal(str(one["balance"])) * 100 == one["balance_cents"]
    missing = api.get("/v2/bank_accounts/nope")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["code"] == "not_found"


def test_transactions_page_shape_and_meta(api: TestClient, main_account: dict[str, object]) -> None:
    response = api.get(
        "/v2/transactions", params={"bank_account_id": main_account["id"], "per_page": 7}
    )
    body = response.json()
    assert body["meta"] == {
        "current_page": 1,
        "next_page": 2,
        "prev_page": None,
        "total_pages": body["meta"]["total_pages"],
        "total_count": 240,
        "per_page": 7,
    }
    assert body["meta"]["total_pages"] == 35
    golden = _golden_keys("transactions_list.json", "transactions", 0)
    assert golden - ON_REQUEST <= set(body["transactions"][0])
    assert len(from_wire_json(TransactionList, response.content).transactions) == 7
    included = api.get(
        "/v2/transactions",
        params={
            "bank_account_id": main_account["id"],
            "per_page": 7,
            "includes[]": ["labels", "attachments"],
        },
    ).json()
    assert golden <= set(included["transactions"][0])


def test_current_page_is_accepted_like_page(
    api: TestClient, main_account: dict[str, object]
) -> None:
    params = {"bank_account_id": main_account["id"], "per_page": 10}
    by_page = api.get("/v2/transactions", params={**params, "page": 3}).json()
    by_current = api.get("/v2/transactions", params={**params, "current_page": 3}).json()
    assert by_page == by_current
    assert by_page["meta"]["prev_page"] == 2


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"page": 99}, "page"),
        ({"per_page": 101}, "per_page"),
        ({"page": 0}, "page"),
        ({"sort_by": "amount:asc"}, "sort_by"),
        ({"status[]": "lost"}, "status[]"),
        ({"settled_at_from": "yesterday"}, "settled_at_from"),
    ],
)
def test_invalid_listing_parameters_answer_422(
    api: TestClient, main_account: dict[str, object], params: dict[str, object], parameter: str
) -> None:
    response = api.get("/v2/transactions", params={"bank_account_id": main_account["id"], **params})
    assert response.status_code == 422
    assert response.json()["errors"][0]["source"]["parameter"] == parameter


def test_account_is_required_and_iban_works(
    api: TestClient, main_account: dict[str, object]
) -> None:
    assert api.get("/v2/transactions").status_code == 422
    by_id = api.get("/v2/transactions", params={"bank_account_id": main_account["id"]}).json()
    by_iban = api.get("/v2/transactions", params={"iban": main_account["iban"]}).json()
    assert by_id == by_iban
    assert api.get("/v2/transactions", params={"iban": "FR7600000"}).status_code == 404


def test_settled_balance_is_a_continuous_running_balance(
    api: TestClient, main_account: dict[str, object]
) -> None:
    rows = _all(api, bank_account_id=main_account["id"], **{"status[]": "completed"})
    assert len(rows) > 200
    balance = 0
    for row in rows:
        amount = row["amount_cents"]
        assert isinstance(amount, int)
        balance += amount if row["side"] == "credit" else -amount
        assert row["settled_balance_cents"] == balance
    assert balance == main_account["balance_cents"]
    settled = [str(r["settled_at"]) for r in rows]
    assert settled == sorted(settled)


def test_filters_select_what_they_name(api: TestClient, main_account: dict[str, object]) -> None:
    account = {"bank_account_id": main_account["id"]}
    everything = _all(api, **account)
    credits = _all(api, **account, side="credit")
    assert credits
    assert all(r["side"] == "credit" for r in credits)
    assert len(credits) == sum(r["side"] == "credit" for r in everything)
    cards = _all(api, **account, **{"operation_type[]": ["card", "qonto_fee"]})
    assert {r["operation_type"] for r in cards} == {"card", "qonto_fee"}
    pending = _all(api, **account, **{"status[]": ["pending", "declined"]})
    assert pending
    assert all(r["settled_at"] is None for r in pending)
    middle = sorted(str(r["settled_at"]) for r in everything if r["settled_at"])[100:150]
    window = _all(api, **account, settled_at_from=middle[0], settled_at_to=middle[-1])
    assert sorted(str(r["settled_at"]) for r in window) == middle


def test_sorting_by_settled_or_updated_date(
    api: TestClient, main_account: dict[str, object]
) -> None:
    account = {"bank_account_id": main_account["id"], "status[]": "completed"}
    desc = _all(api, **account, sort_by="settled_at:desc")
    settled = [str(r["settled_at"]) for r in desc]
    assert settled == sorted(settled, reverse=True)
    updated = _all(api, **account, sort_by="updated_at:asc")
    assert [r["updated_at"] for r in updated] == sorted(str(r["updated_at"]) for r in updated)


def test_incoming_transfer_extends_the_running_balance(
    api: TestClient, main_account: dict[str, object]
) -> None:
    booked = api.post(
        "/_sandbox/incoming-transfer",
        json={
            "amount": "1234.56",
            "reference": "F-2026-001",
            "counterparty_name": "Atelier Dupuis",
        },
    )
    assert booked.status_code == 201
    txn_id = booked.json()["transaction_id"]
    txn = api.get(f"/v2/transactions/{txn_id}").json()["transaction"]
    assert txn["amount"] == 1234.56
    assert txn["amount_cents"] == 123456
    assert txn["side"] == "credit"
    assert txn["status"] == "completed"
    assert txn["reference"] == "F-2026-001"
    after = api.get(f"/v2/bank_accounts/{main_account['id']}").json()["bank_account"]
    assert after["balance_cents"] == int(str(main_account["balance_cents"])) + 123456
    assert txn["settled_balance_cents"] == after["balance_cents"]
    latest = api.get(
        "/v2/transactions",
        params={
            "bank_account_id": main_account["id"],
            "sort_by": "settled_at:desc",
            "per_page": 1,
            "status[]": "completed",
        },
    ).json()["transactions"][0]
    assert latest["id"] == txn_id


def test_transaction_retrieve_and_patch(api: TestClient, main_account: dict[str, object]) -> None:
    first = api.get("/v2/transactions", params={"bank_account_id": main_account["id"]}).json()
    txn_id = first["transactions"][0]["id"]
    patched = api.patch(f"/v2/transactions/{txn_id}", json={"attachment_required": True})
    assert patched.json()["transaction"]["attachment_required"] is True
    assert api.get(f"/v2/transactions/{txn_id}").json()["transaction"]["attachment_required"]
    assert api.get("/v2/transactions/unknown").status_code == 404
