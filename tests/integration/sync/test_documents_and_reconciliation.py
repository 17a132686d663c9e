"""Documents sync and reconciliation end to end: documents made in the Qonto app appear
locally, Qonto-side payments and dashboard credit notes converge, a transfer is matched."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal

import pytest

from tests.integration.services.support import SandboxClock, TestClient, World, seed_world
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.numbering import check_numbering, parse_number
from verone.backoffice.domain.reconciliation import MatchKind
from verone.backoffice.domain.statuses import DocumentOrigin, DocumentStatus, DocumentType
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.integrations.qonto_sync import QontoSyncClient
from verone.backoffice.ports import RemoteBankAccount, RemoteDocumentDetails, TransactionPage
from verone.backoffice.services import reconciliation
from verone.backoffice.services.sync_documents import sync_documents
from verone.backoffice.services.sync_transactions import sync_transactions
from verone.sandbox.config import DEFAULT_LOGIN, DEFAULT_SECRET_KEY
from verone.sandbox.state import SandboxState

AUTH = {"Authorization": f"{DEFAULT_LOGIN}:{DEFAULT_SECRET_KEY}"}


def _dashboard_invoice(http: TestClient, sandbox: SandboxState, name: str) -> dict[str, object]:
    """An invoice made and finalized in the Qonto app (2 x 100 € HT, 20 % VAT = 240 € TTC)."""
    client = http.post(
        "/v2/clients",
        headers=AUTH,
        json={
            "kind": "company", "name": name, "email": "compta@example.fr", "currency": "EUR",
            "billing_address": {"street_address": "3 quai du Lac", "city": "Annecy",
                                "zip_code": "74000", "country_code": "FR"},
        },
    )  # fmt: skip
    assert client.status_code == 201, client.text
    today = sandbox.clock.today().isoformat()
    draft = http.post(
        "/v2/client_invoices",
        headers=AUTH,
        json={
            "client_id": client.json()["client"]["id"], "issue_date": today, "due_date": today,
            "currency": "EUR", "payment_methods": {"iban": sandbox.banking.main_account.iban},
            "items": [{"title": "Lampe Atelier", "quantity": "2",
                       "unit_price": {"value": "100.00", "currency": "EUR"}, "vat_rate": "0.2"}],
            "status": "draft",
        },
    )  # fmt: skip
    assert draft.status_code == 201, draft.text
    final = http.post(
        f"/v2/client_invoices/{draft.json()['client_invoice']['id']}/finalize", headers=AUTH
    )
    assert final.status_code == 200, final.text
    invoice = final.json()["client_invoice"]
    assert isinstance(invoice, dict)
    return invoice


def _world(uow: SqlAlchemyUnitOfWork, clock: SandboxClock) -> World:
    return seed_world(uow, clock.now())


def test_documents_made_in_qonto_are_imported_then_paid_there(
    uow: SqlAlchemyUnitOfWork,
    reader: QontoSyncClient,
    clock: SandboxClock,
    http: TestClient,
    sandbox: SandboxState,
) -> None:
    world = _world(uow, clock)
    invoice = _dashboard_invoice(http, sandbox, "Hôtel du Lac")
    first = sync_documents(uow, reader, clock, world.admin.id)
    assert invoice["number"] in first.imported
    with uow:
        local = uow.documents.by_qonto_id(DocumentType.INVOICE, str(invoice["id"]))
        assert local is not None
        assert local.origin is DocumentOrigin.QONTO_IMPORT
        assert local.status is DocumentStatus.FINALIZED
        assert local.total_amount == Decimal("240.00")
        assert (DocumentType.INVOICE, invoice["number"]) in uow.documents.assigned_numbers()
    clock.advance(60)
    paid = http.post(f"/v2/client_invoices/{invoice['id']}/mark_as_paid", headers=AUTH, json={})
    assert paid.status_code == 200, paid.text
    second = sync_documents(uow, reader, clock, world.admin.id)
    assert [(d.local, d.qonto, d.applied) for d in second.drift] == [("finalized", "paid", True)]
    assert second.imported == []
    with uow:
        again = uow.documents.by_qonto_id(DocumentType.INVOICE, str(invoice["id"]))
        assert again is not None
        assert again.status is DocumentStatus.PAID


def test_a_dashboard_credit_note_is_linked_to_the_local_draft(
    uow: SqlAlchemyUnitOfWork,
    reader: QontoSyncClient,
    clock: SandboxClock,
    http: TestClient,
    sandbox: SandboxState,
) -> None:
    world = _world(uow, clock)
    invoice = _dashboard_invoice(http, sandbox, "Hôtel du Lac")
    sync_documents(uow, reader, clock, world.admin.id)
    with uow:
        local_invoice = uow.documents.by_qonto_id(DocumentType.INVOICE, str(invoice["id"]))
        assert local_invoice is not None
        draft = FinancialDocument(
            document_type=DocumentType.CREDIT_NOTE, origin=DocumentOrigin.INVOICE,
            customer_id=None, customer_name=local_invoice.customer_name, currency="EUR",
            created_by=world.accountant.id, created_at=clock.now(),
            items=[DocumentItem("Lampe Atelier", Decimal(1), Decimal(100), Decimal("0.2"))],
            parent_document_id=local_invoice.id,
        )  # fmt: skip
        uow.documents.add(draft)
        uow.commit()
    created = http.post(
        "/v2/credit_notes",
        headers=AUTH,
        json={"invoice_id": invoice["id"], "issue_date": sandbox.clock.today().isoformat(),
              "reason": "Lampe abîmée", "currency": "EUR",
              "items": [{"title": "Lampe Atelier", "quantity": "1",
                         "unit_price": {"value": "100.00", "currency": "EUR"}, "vat_rate": "0.2"}]},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    note = created.json()["credit_note"]
    result = sync_documents(uow, reader, clock, world.admin.id)
    assert result.linked_credit_notes == [note["number"]]
    with uow:
        linked = uow.documents.get(draft.id)
        assert linked is not None
        assert linked.qonto_id == note["id"]
        assert linked.number == note["number"]
        assert linked.status is DocumentStatus.FINALIZED


def test_a_transfer_is_matched_applied_paid_in_both_places_then_undone(
    uow: SqlAlchemyUnitOfWork,
    reader: QontoSyncClient,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    http: TestClient,
    sandbox: SandboxState,
) -> None:
    world = _world(uow, clock)
    invoice = _dashboard_invoice(http, sandbox, "Hôtel du Lac")
    sync_documents(uow, reader, clock, world.admin.id)
    clock.advance(3600)
    transfer = http.post(
        "/_sandbox/incoming-transfer",
        json={"amount": "240.00", "reference": f"Facture {invoice['number']}",
              "counterparty_name": "HOTEL DU LAC"},
    )  # fmt: skip
    assert transfer.status_code == 201
    sync_transactions(uow, reader, clock)
    dry = reconciliation.reconcile(uow, gateway, clock, dry_run=True)
    [proposal] = [p for p in dry.proposals if p.invoice_number == invoice["number"]]
    assert proposal.kind is MatchKind.EXACT
    assert proposal.automatic
    assert any("figure dans le libellé" in r for r in proposal.reasons)
    assert dry.applied == []
    done = reconciliation.reconcile(uow, gateway, clock, dry_run=False)
    [applied] = [a for a in done.applied if a.document_id == proposal.invoice_id]
    assert applied.invoice_paid
    assert applied.amount == Decimal("240.00")
    assert applied.pdf_attached
    paying = sandbox.banking.transaction(transfer.json()["transaction_id"])
    assert paying is not None
    assert len(paying.attachment_ids) == 1
    remote = http.get(f"/v2/client_invoices/{invoice['id']}", headers=AUTH).json()["client_invoice"]
    assert remote["status"] == "paid"
    with uow:
        local = uow.documents.get(proposal.invoice_id)
        assert local is not None
        assert local.status is DocumentStatus.PAID
        [allocation] = uow.allocations.for_document(proposal.invoice_id)
        assert allocation.automatic
        assert allocation.score == proposal.score
    reconciliation.undo_allocation(uow, gateway, clock, world.as_accountant, allocation.id)
    remote = http.get(f"/v2/client_invoices/{invoice['id']}", headers=AUTH).json()["client_invoice"]
    assert remote["status"] == "unpaid"
    with uow:
        local = uow.documents.get(proposal.invoice_id)
        assert local is not None
        assert local.status is DocumentStatus.FINALIZED
        assert uow.allocations.for_document(proposal.invoice_id) == []


def test_two_partial_transfers_pay_one_invoice_through_user_allocations(
    uow: SqlAlchemyUnitOfWork,
    reader: QontoSyncClient,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    http: TestClient,
    sandbox: SandboxState,
) -> None:
    world = _world(uow, clock)
    invoice = _dashboard_invoice(http, sandbox, "Atelier Müller")
    sync_documents(uow, reader, clock, world.admin.id)
    clock.advance(3600)
    for amount in ("100.00", "140.00"):
        booked = http.post(
            "/_sandbox/incoming-transfer",
            json={"amount": amount, "reference": "acompte", "counterparty_name": "ATELIER MULLER"},
        )
        assert booked.status_code == 201
    sync_transactions(uow, reader, clock)
    proposals = [p for p in reconciliation.propose(uow) if p.invoice_number == invoice["number"]]
    assert sorted(p.amount for p in proposals) == [Decimal("100.00"), Decimal("140.00")]
    assert all(p.kind is MatchKind.PARTIAL and not p.automatic for p in proposals)
    assert all(any("Émetteur" in r for r in p.reasons) for p in proposals)
    first, second = sorted(proposals, key=lambda p: p.amount)
    with pytest.raises(errors.PaymentExceedsInvoice):
        reconciliation.apply_match(
            uow, gateway, clock, world.as_accountant,
            first.transaction_id, first.invoice_id, Decimal("240.00"),
        )  # fmt: skip
    applied = reconciliation.apply_match(
        uow, gateway, clock, world.as_accountant,
        first.transaction_id, first.invoice_id, first.amount,
        score=first.score, reasons=first.reasons_text,
    )  # fmt: skip
    assert not applied.invoice_paid
    remote = http.get(f"/v2/client_invoices/{invoice['id']}", headers=AUTH).json()
    assert remote["client_invoice"]["status"] == "unpaid"
    done = reconciliation.apply_match(
        uow, gateway, clock, world.as_accountant,
        second.transaction_id, second.invoice_id, second.amount,
    )  # fmt: skip
    assert done.invoice_paid
    remote = http.get(f"/v2/client_invoices/{invoice['id']}", headers=AUTH).json()
    assert remote["client_invoice"]["status"] == "paid"
    with uow:
        allocations = uow.allocations.for_document(first.invoice_id)
        assert sorted(a.amount for a in allocations) == [Decimal("100.00"), Decimal("140.00")]
        assert all(a.allocated_by == world.accountant.id for a in allocations)
    assert [p for p in reconciliation.propose(uow) if p.invoice_id == first.invoice_id] == []


def test_a_seeded_qonto_converges_without_drift_and_with_gapless_numbers(
    uow: SqlAlchemyUnitOfWork,
    reader: QontoSyncClient,
    clock: SandboxClock,
    http: TestClient,
) -> None:
    world = _world(uow, clock)
    seeded = http.post("/_sandbox/seed", json={"seed": 11, "clients": 10, "invoices": 60})
    assert seeded.status_code == 200
    first = sync_documents(uow, reader, clock, world.admin.id)
    assert first.skipped == []
    assert first.drift == []  # every recomputed total equals Qonto's
    assert len(first.imported) == first.seen
    with uow:
        report = check_numbering(uow.documents.assigned_numbers())
        assert report.ok
        numbered = [n for n in first.imported if parse_number(n) is not None]
        assert sum(s.count for s in report.series) == len(numbered) > 0
    second = sync_documents(uow, reader, clock, world.admin.id)
    assert second.imported == []
    assert second.drift == []


class _ListedTwice:
    """A reader whose document lists give every document twice in a row (a page that shifted
    under a concurrent change): both copies fall in one batch of the sync."""

    def __init__(self, reader: QontoSyncClient) -> None:
        self._reader = reader

    def bank_accounts(self) -> list[RemoteBankAccount]:
        return self._reader.bank_accounts()

    def transaction_pages(
        self, account_qonto_id: str, *, updated_from: datetime | None
    ) -> Iterator[TransactionPage]:
        return self._reader.transaction_pages(account_qonto_id, updated_from=updated_from)

    def documents(
        self, document_type: DocumentType, *, updated_from: datetime | None
    ) -> Iterator[RemoteDocumentDetails]:
        for details in self._reader.documents(document_type, updated_from=updated_from):
            yield details
            yield details


def test_a_document_listed_twice_in_one_batch_is_imported_once(
    uow: SqlAlchemyUnitOfWork,
    reader: QontoSyncClient,
    clock: SandboxClock,
    http: TestClient,
) -> None:
    """A batch reads its documents once before converging: the second copy must find the
    document the first one imported in the same batch, not import it again."""
    world = _world(uow, clock)
    seeded = http.post("/_sandbox/seed", json={"seed": 11, "clients": 10, "invoices": 60})
    assert seeded.status_code == 200
    result = sync_documents(uow, _ListedTwice(reader), clock, world.admin.id)
    assert result.skipped == []
    assert result.drift == []
    assert result.seen == 2 * len(result.imported) > 0
    with uow:
        assert check_numbering(uow.documents.assigned_numbers()).ok
        numbers = uow.documents.assigned_numbers()
        assert (
            len(numbers)
            == len(set(numbers))
            == len([n for n in result.imported if parse_number(n) is not None])
        )
