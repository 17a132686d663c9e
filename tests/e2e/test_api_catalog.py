"""Orders, customers and products (lists with filters and pagination, details, creation)
and the reconciliation queue read from the mirror, end to end."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import httpx

from tests.e2e.conftest import Stack
from verone.backoffice.domain.banking import (
    BankAccount,
    BankTransaction,
    PaymentAllocation,
    TransactionSide,
)

LIST_KEYS = {"items", "total", "page", "perPage"}


def test_catalogue_lists_filter_and_paginate(viewer: httpx.Client) -> None:
    orders = viewer.get("/api/orders", params={"perPage": 3}).json()
    assert set(orders) == LIST_KEYS
    assert orders["perPage"] == 3
    assert len(orders["items"]) == 3
    first = orders["items"][0]
    assert set(first) >= {
        "id",
        "number",
        "customerName",
        "status",
        "totalAmount",
        "invoicingStatus",
    }
    found = viewer.get("/api/orders", params={"search": first["number"]}).json()
    assert [o["id"] for o in found["items"]] == [first["id"]]
    detail = viewer.get(f"/api/orders/{first['id']}").json()
    assert detail["items"]
    assert detail["totalAmount"] == first["totalAmount"]
    second_page = viewer.get("/api/orders", params={"perPage": 3, "page": 2}).json()
    assert {o["id"] for o in second_page["items"]}.isdisjoint({o["id"] for o in orders["items"]})

    customers = viewer.get("/api/customers", params={"perPage": 100}).json()
    assert customers["total"] == len(customers["items"]) > 0
    name = customers["items"][0]["displayName"]
    searched = viewer.get("/api/customers", params={"search": name[:5]}).json()
    assert name in {c["displayName"] for c in searched["items"]}

    products = viewer.get("/api/products", params={"perPage": 5}).json()
    product = products["items"][0]
    assert "." in product["unitPrice"]
    assert viewer.get(f"/api/products/{product['id']}").json()["sku"] == product["sku"]
    assert viewer.get(f"/api/products/{uuid.uuid4()}").status_code == 404
    bad = viewer.get("/api/orders", params={"invoicingStatus": "unpaid"})
    assert bad.status_code == 422


def _mirror(stack: Stack, invoice_id: uuid.UUID) -> tuple[str, str, str]:
    """A mirrored account with a matched credit, an unmatched credit and a debit."""
    now = datetime.now(UTC)
    account = BankAccount(
        qonto_id=f"acc-{uuid.uuid4()}",
        name="Compte test",
        iban="FR7612345000010000000000001",
        currency="EUR",
        balance=Decimal("1000.00"),
        updated_at=now,
    )

    def transaction(side: TransactionSide, amount: str, label: str) -> BankTransaction:
        return BankTransaction(
            qonto_id=f"txn-{uuid.uuid4()}",
            bank_account_id=account.id,
            amount=Decimal(amount),
            currency="EUR",
            side=side,
            label=label,
            status="completed",
            emitted_at=now,
            updated_at=now,
        )

    matched = transaction(TransactionSide.CREDIT, "360.00", "VIR CLIENT MATCHED")
    unmatched = transaction(TransactionSide.CREDIT, "99.00", "VIR CLIENT INCONNU")
    debit = transaction(TransactionSide.DEBIT, "50.00", "PRLV FOURNISSEUR")
    with stack.container.unit_of_work() as uow:
        uow.bank_accounts.upsert(account)
        for txn in (matched, unmatched, debit):
            uow.bank_transactions.upsert(txn)
        uow.allocations.add(
            PaymentAllocation(
                transaction_id=matched.id,
                document_id=invoice_id,
                amount=Decimal("360.00"),
                currency="EUR",
                created_at=now,
                allocated_by=stack.users.accountant.id,
                score=95,
                reasons="montant et référence",
            )
        )
        uow.commit()
    return str(matched.id), str(unmatched.id), str(debit.id)


def test_reconciliation_queue_reads_the_mirror(
    stack: Stack, viewer: httpx.Client, accountant: httpx.Client
) -> None:
    customer = accountant.get("/api/customers", params={"perPage": 1}).json()["items"][0]
    item = {"title": "Tapis Atlas", "quantity": "1", "unitPrice": "300.00", "vatRate": "0.2"}
    invoice = accountant.post(
        "/api/qonto/invoices/service", json={"customerId": customer["id"], "items": [item]}
    ).json()["document"]
    matched, unmatched, debit = _mirror(stack, uuid.UUID(invoice["id"]))
    queue = viewer.get("/api/reconciliation/unmatched", params={"perPage": 200}).json()
    assert set(queue) == LIST_KEYS
    ids = {t["id"] for t in queue["items"]}
    assert unmatched in ids
    assert matched not in ids
    assert debit not in ids
    allocations = viewer.get("/api/reconciliation/allocations").json()["items"]
    mine = [a for a in allocations if a["transaction"]["id"] == matched]
    assert len(mine) == 1
    assert mine[0]["amount"] == "360.00"
    assert mine[0]["automatic"] is False
    assert mine[0]["document"]["id"] == invoice["id"]
    mirrored = viewer.get("/api/reconciliation/transactions", params={"perPage": 200}).json()
    assert {matched, unmatched, debit} <= {t["id"] for t in mirrored["items"]}


def test_creating_customers_and_products(accountant: httpx.Client, viewer: httpx.Client) -> None:
    customer = {
        "kind": "company",
        "companyName": "Maison Lumière SARL",
        "email": "compta@maison-lumiere.example",
        "vatNumber": "FR40123456789",
        "siren": "123456789",
        "billingStreet": "12 rue des Tanneurs",
        "billingPostalCode": "69002",
        "billingCity": "Lyon",
        "billingCountry": "FR",
    }
    assert viewer.post("/api/customers", json=customer).status_code == 403
    created = accountant.post("/api/customers", json=customer)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["displayName"] == "Maison Lumière SARL"
    assert body["missingForInvoicing"] == []
    assert body["qontoClientId"] is None
    nameless = accountant.post("/api/customers", json={"kind": "company"})
    assert nameless.status_code == 422

    item = {"title": "Suspension Halo", "quantity": "1", "unitPrice": "189.00", "vatRate": "0.2"}
    invoice = accountant.post(
        "/api/qonto/invoices/service", json={"customerId": body["id"], "items": [item]}
    )
    assert invoice.status_code == 201, invoice.text
    assert accountant.get(f"/api/customers/{body['id']}").json()["qontoClientId"]

    sku = f"LUM-{uuid.uuid4().hex[:8]}"
    product = {"sku": sku, "name": "Suspension Halo", "unitPrice": "189.00", "vatRate": "0.2"}
    made = accountant.post("/api/products", json=product)
    assert made.status_code == 201, made.text
    assert accountant.post("/api/products", json=product).status_code == 409
    patched = accountant.patch(f"/api/products/{made.json()['id']}", json={"unitPrice": "199.90"})
    assert patched.status_code == 200
    assert patched.json()["unitPrice"] == "199.90"
    bad = accountant.patch(f"/api/products/{made.json()['id']}", json={"vatRate": "20"})
    assert bad.status_code == 422
    assert viewer.get(f"/api/products/{made.json()['id']}").json()["vatRate"] == "0.2"


def test_patching_a_customer_reaches_its_qonto_client(
    stack: Stack, accountant: httpx.Client, viewer: httpx.Client
) -> None:
    customer = {
        "kind": "company",
        "companyName": "Atelier Verrier SAS",
        "email": f"compta+{uuid.uuid4().hex[:6]}@verrier.example",
        "vatNumber": "FR55123456789",
        "billingStreet": "3 quai des Arts",
        "billingPostalCode": "33000",
        "billingCity": "Bordeaux",
        "billingCountry": "FR",
    }
    body = accountant.post("/api/customers", json=customer).json()
    path = f"/api/customers/{body['id']}"
    assert viewer.patch(path, json={"billingCity": "Mérignac"}).status_code == 403
    local = accountant.patch(path, json={"phone": "+33 5 56 00 00 00"})
    assert local.status_code == 200, local.text
    assert local.json()["qontoClientId"] is None  # no Qonto client yet: local only

    item = {"title": "Vitrail", "quantity": "1", "unitPrice": "420.00", "vatRate": "0.2"}
    made = accountant.post(
        "/api/qonto/invoices/service", json={"customerId": body["id"], "items": [item]}
    )
    assert made.status_code == 201, made.text
    client_id = accountant.get(path).json()["qontoClientId"]
    assert client_id

    patched = accountant.patch(path, json={"companyName": "Atelier Verrier", "vatNumber": None})
    assert patched.status_code == 200, patched.text
    assert patched.json()["displayName"] == "Atelier Verrier"
    assert patched.json()["missingForInvoicing"] == ["numéro de TVA ou SIREN"]
    with stack.sandbox() as sandbox:
        remote = sandbox.get(
            f"/v2/clients/{client_id}", headers={"Authorization": "verone-4819:sandbox-secret-key"}
        ).json()["client"]
    assert remote["name"] == "Atelier Verrier"
    assert remote["vat_number"] is None

    refused = accountant.patch(path, json={"companyName": "Renommé", "currency": "ZZZ"})
    assert refused.status_code == 422, refused.text  # Qonto refuses the currency
    assert refused.json()["error"]["code"].startswith("qonto_")
    assert accountant.get(path).json()["displayName"] == "Atelier Verrier"  # nothing changed

    nameless = accountant.patch(path, json={"companyName": None})
    assert nameless.status_code == 422
    assert "raison sociale" in nameless.text
    assert accountant.patch(f"/api/customers/{uuid.uuid4()}", json={}).status_code == 404
    assert accountant.patch(path, json={"siren": "12"}).status_code == 422
    assert viewer.get(path).json()["displayName"] == "Atelier Verrier"
