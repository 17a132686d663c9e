"""The Qonto client against the sandbox: clients, invoices (every transition), quotes, credit
notes, uploads."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.contract._client_helpers import client_params, invoice_params
from verone.qonto import (
    ClientFilters,
    ClientInvoiceFilters,
    Conflict,
    FileUpload,
    NotFound,
    QontoAPIError,
    QontoClient,
    QuoteFilters,
)
from verone.qonto.types._base import AmountParam
from verone.qonto.types.client_invoices import ClientInvoiceUpdateParams
from verone.qonto.types.clients import ClientUpdateParams
from verone.qonto.types.credit_notes import CreditNoteCreateParams
from verone.qonto.types.documents import InvoiceItemParams, SendParams
from verone.qonto.types.quotes import QuoteCreateParams, QuoteItemParams, QuoteUpdateParams
from verone.sandbox.state import SandboxState

pytest_plugins = ["tests.contract._client_fixtures"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _iban(state: SandboxState) -> str:
    return state.banking.main_account.iban


class TestClients:
    def test_crud_and_filters(self, qonto: QontoClient) -> None:
        created = qonto.clients.create(client_params("Hôtel du Lac"))
        qonto.clients.create(client_params("Boulangerie Martin"))
        assert qonto.clients.get(created.id).name == "Hôtel du Lac"
        found = qonto.clients.list(ClientFilters(name="hotel"))
        assert [c.id for c in found] == [created.id]
        updated = qonto.clients.update(created.id, ClientUpdateParams(email="a@b.fr"))
        assert (updated.email, updated.name) == ("a@b.fr", "Hôtel du Lac")
        assert len(list(qonto.clients.iter(ClientFilters(per_page=1)))) >= 2
        qonto.clients.delete(created.id)
        with pytest.raises(NotFound):
            qonto.clients.get(created.id)


class TestInvoices:
    def test_create_is_a_draft_then_every_transition(
        self, qonto: QontoClient, qonto_state: SandboxState
    ) -> None:
        client = qonto.clients.create(client_params())
        draft = qonto.client_invoices.create(invoice_params(client.id, _iban(qonto_state)))
        assert draft.status == "draft"
        assert draft.total_amount is not None
        assert draft.total_amount.value == Decimal("119.76")
        patched = qonto.client_invoices.update(
            draft.id, ClientInvoiceUpdateParams(purchase_order="PO-7")
        )
        assert patched.purchase_order == "PO-7"
        unpaid = qonto.client_invoices.finalize(draft.id)
        assert unpaid.status == "unpaid"
        assert unpaid.number
        paid = qonto.client_invoices.mark_as_paid(draft.id, paid_at=date(2026, 11, 24))
        assert paid.status == "paid"
        assert qonto.client_invoices.unmark_as_paid(draft.id).status == "unpaid"
        qonto.client_invoices.send(
            draft.id, SendParams(send_to=["compta@hoteldulac.fr"], email_title="Facture")
        )
        assert qonto.client_invoices.mark_as_canceled(draft.id).status == "canceled"

    def test_delete_draft_and_list_filters(
        self, qonto: QontoClient, qonto_state: SandboxState
    ) -> None:
        client = qonto.clients.create(client_params())
        ids = [
            qonto.client_invoices.create(invoice_params(client.id, _iban(qonto_state))).id
            for _ in range(3)
        ]
        qonto.client_invoices.finalize(ids[0])
        drafts = qonto.client_invoices.list(ClientInvoiceFilters(status=["draft"], per_page=500))
        assert {i.id for i in drafts} >= set(ids[1:])
        assert ids[0] not in {i.id for i in drafts}
        qonto.client_invoices.delete(ids[1])
        with pytest.raises(NotFound):
            qonto.client_invoices.get(ids[1])
        walked = [i.id for i in qonto.client_invoices.iter(ClientInvoiceFilters(per_page=1))]
        assert len(walked) == len(set(walked))
        assert set(ids) - {ids[1]} <= set(walked)

    def test_finalized_invoice_cannot_be_deleted(
        self, qonto: QontoClient, qonto_state: SandboxState
    ) -> None:
        client = qonto.clients.create(client_params())
        invoice = qonto.client_invoices.create(invoice_params(client.id, _iban(qonto_state)))
        qonto.client_invoices.finalize(invoice.id)
        with pytest.raises(QontoAPIError) as caught:
            qonto.client_invoices.delete(invoice.id)
        assert 400 <= caught.value.status < 500

    def test_duplicate_number_is_a_conflict(
        self, qonto: QontoClient, qonto_state: SandboxState
    ) -> None:
        client = qonto.clients.create(client_params())
        params = invoice_params(client.id, _iban(qonto_state)).model_copy(
            update={"number": "INV-X"}
        )
        first = qonto.client_invoices.create(params)
        qonto.client_invoices.finalize(first.id)
        with pytest.raises(Conflict, match="INV-X"):
            qonto.client_invoices.create(params)

    def test_upload_and_get_upload(self, qonto: QontoClient) -> None:
        upload = qonto.client_invoices.upload(FileUpload("external.pdf", PDF))
        again = qonto.client_invoices.get_upload(upload.id)
        assert (again.id, again.file_size) == (upload.id, len(PDF))


class TestQuotesAndCreditNotes:
    def test_quote_lifecycle(self, qonto: QontoClient) -> None:
        client = qonto.clients.create(client_params())
        item = QuoteItemParams(
            title="Table",
            quantity=Decimal("1"),
            unit_price=AmountParam(value=Decimal("300"), currency="EUR"),
            vat_rate=Decimal("0.2"),
        )
        quote = qonto.quotes.create(
            QuoteCreateParams(
                client_id=client.id,
                issue_date=date(2026, 11, 24),
                expiry_date=date(2026, 12, 24),
                terms_and_conditions="Devis valable 30 jours",
                currency="EUR",
                items=[item],
            )
        )
        assert qonto.quotes.get(quote.id).id == quote.id
        updated = qonto.quotes.update(quote.id, QuoteUpdateParams(header="Bonjour"))
        assert updated.header == "Bonjour"
        assert quote.id in {q.id for q in qonto.quotes.iter(QuoteFilters(per_page=500))}
        qonto.quotes.send(quote.id, SendParams(send_to=["a@b.fr"], email_title="Devis"))
        other = qonto.quotes.create(
            QuoteCreateParams(
                client_id=client.id,
                issue_date=date(2026, 11, 24),
                expiry_date=date(2026, 12, 24),
                terms_and_conditions="T",
                currency="EUR",
                items=[item],
            )
        )
        qonto.quotes.delete(other.id)
        with pytest.raises(NotFound):
            qonto.quotes.get(other.id)

    def test_credit_note_create_get_list_and_file(
        self, qonto: QontoClient, qonto_state: SandboxState
    ) -> None:
        client = qonto.clients.create(client_params())
        invoice = qonto.client_invoices.create(invoice_params(client.id, _iban(qonto_state)))
        qonto.client_invoices.finalize(invoice.id)
        note = qonto.credit_notes.create(
            CreditNoteCreateParams(
                invoice_id=invoice.id,
                issue_date=date(2026, 11, 25),
                reason="Chaise abîmée",
                currency="EUR",
                items=[
                    InvoiceItemParams(
                        title="Chaise Lina",
                        quantity=Decimal("1"),
                        unit_price=AmountParam(value=Decimal("49.90"), currency="EUR"),
                        vat_rate=Decimal("0.2"),
                    )
                ],
            )
        )
        assert note.invoice_id == invoice.id
        assert qonto.credit_notes.get(note.id).id == note.id
        assert note.id in {n.id for n in qonto.credit_notes.iter()}
        assert qonto.credit_notes.file(note.id).startswith(b"%PDF")

    def test_credit_note_create_disabled_hints_at_the_dashboard(
        self, qonto: QontoClient, qonto_state: SandboxState
    ) -> None:
        qonto_state.features["credit_notes_create"] = False
        params = CreditNoteCreateParams(
            invoice_id="x",
            issue_date=date(2026, 11, 25) - timedelta(days=1),
            reason="r",
            currency="EUR",
            items=[],
        )
        with pytest.raises(NotFound, match="create it in the Qonto dashboard"):
            qonto.credit_notes.create(params)
