"""Input validation across the domain: refusals with the right error, and the query values."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.unit.domain.factories import NOW, finalize, make_document, make_item, make_order
from verone.backoffice.domain import errors
from verone.backoffice.domain.audit import next_entry
from verone.backoffice.domain.confirmation import make_confirmation_token
from verone.backoffice.domain.credit_notes import apply_credit, check_credit_cap
from verone.backoffice.domain.documents import DocumentItem
from verone.backoffice.domain.operations import SyncRun, SyncStatus, WebhookEvent
from verone.backoffice.domain.orders import SalesOrderItem
from verone.backoffice.domain.parties import Customer, CustomerKind, Product
from verone.backoffice.domain.queries import Page, PageRequest
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.money import DiscountKind

USER = uuid.uuid4()
NAIVE = datetime(2026, 3, 2, 9, 30)  # the point of these tests


class TestDocumentInput:
    def test_line_discount_needs_kind_and_value(self) -> None:
        with pytest.raises(errors.InvalidDocument, match="remise"):
            DocumentItem("x", Decimal(1), Decimal(1), Decimal(0), discount_value=Decimal(1))

    def test_line_discount_is_applied(self) -> None:
        item = DocumentItem(
            "x",
            Decimal(2),
            Decimal(50),
            Decimal(0),
            discount_kind=DiscountKind.PERCENTAGE,
            discount_value=Decimal("0.1"),
        )
        doc = make_document(USER, items=[item])
        assert doc.total_amount == Decimal("90.00")

    def test_naive_creation_time_is_refused(self) -> None:
        doc = make_document(USER)
        with pytest.raises(ValueError, match="aware"):
            type(doc)(
                document_type=DocumentType.INVOICE,
                origin=doc.origin,
                customer_id=None,
                customer_name="X",
                currency="EUR",
                created_by=USER,
                created_at=NAIVE,
            )

    def test_header_edit_of_a_draft(self) -> None:
        doc = make_document(USER)
        customer_id = uuid.uuid4()
        doc.update_header(
            customer_id=customer_id,
            customer_name="Nouveau client",
            issue_date=date(2026, 3, 3),
            due_date=date(2026, 4, 3),
            notes="Merci",
        )
        assert (doc.customer_id, doc.customer_name, doc.notes) == (
            customer_id,
            "Nouveau client",
            "Merci",
        )

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ("no_items", "aucune ligne"),
            ("no_issue_date", "émission"),
            ("negative", "négatif"),
        ],
    )
    def test_qonto_validation(self, change: str, message: str) -> None:
        doc = make_document(USER, customer_id=uuid.uuid4(), status=DocumentStatus.PENDING)
        if change == "no_items":
            doc.replace_items([])
        elif change == "no_issue_date":
            doc.issue_date = None
        else:
            doc.total_amount = Decimal("-1.00")
        with pytest.raises(errors.DomainError, match=message):
            doc.link_qonto_draft("q-1")

    def test_quote_needs_an_expiry_date(self) -> None:
        quote = make_document(USER, document_type=DocumentType.QUOTE, customer_id=uuid.uuid4())
        quote.expiry_date = None
        with pytest.raises(errors.InvalidDocument, match="expiration"):
            quote.validate_for_qonto()

    def test_qonto_id_is_required(self) -> None:
        with pytest.raises(errors.InvalidDocument, match="Qonto"):
            make_document(USER).link_qonto_draft("")

    def test_quote_cannot_be_paid(self) -> None:
        quote = make_document(USER, document_type=DocumentType.QUOTE)
        finalize(quote, USER)
        with pytest.raises(errors.IllegalTransition, match="factures"):
            quote.mark_paid(NOW)


class TestCredits:
    def test_credit_must_be_positive(self) -> None:
        with pytest.raises(errors.InvalidDocument, match="positif"):
            check_credit_cap(make_document(USER), Decimal(0), Decimal(0))

    def test_full_credit_of_a_draft_is_refused(self) -> None:
        draft = make_document(USER)
        with pytest.raises(errors.CreditNoteRequiresFinalizedInvoice):
            apply_credit(draft, draft.total_amount, NOW)


class TestOtherInput:
    def test_order_lines_need_a_quantity(self) -> None:
        with pytest.raises(errors.InvalidDocument):
            SalesOrderItem("x", Decimal(0), Decimal(1), Decimal(0))

    def test_order_line_lookup(self) -> None:
        order = make_order(uuid.uuid4(), "1")
        assert order.item(order.items[0].id) is order.items[0]

    def test_individual_needs_a_last_name(self) -> None:
        with pytest.raises(errors.InvalidDocument):
            Customer(kind=CustomerKind.INDIVIDUAL, created_at=NOW, first_name="Léa")

    def test_company_display_name(self) -> None:
        company = Customer(kind=CustomerKind.COMPANY, created_at=NOW, company_name="Verone")
        assert company.display_name == "Verone"

    @pytest.mark.parametrize(
        ("sku", "name", "vat"), [("", "Chaise", "0.2"), ("CH", " ", "0.2"), ("CH", "Chaise", "2")]
    )
    def test_product_validation(self, sku: str, name: str, vat: str) -> None:
        with pytest.raises(errors.InvalidDocument):
            Product(sku, name, Decimal(1), Decimal(vat), NOW)

    def test_naive_times_are_refused_in_audit_and_tokens(self) -> None:
        with pytest.raises(ValueError, match="aware"):
            next_entry(None, at=NAIVE, actor_id=None, action="a", entity_type="b", entity_id="c")
        with pytest.raises(ValueError, match="aware"):
            make_confirmation_token(b"k", uuid.uuid4(), "h", uuid.uuid4(), NAIVE)

    def test_sync_run_and_webhook_outcomes(self) -> None:
        done = SyncRun("invoices", NOW)
        done.finish(NOW, items_seen=3)
        assert (done.status, done.items_seen, done.finished_at) == (SyncStatus.SUCCEEDED, 3, NOW)
        run = SyncRun("invoices", NOW)
        run.fail(NOW, "Qonto indisponible")
        assert (run.status, run.error) == (SyncStatus.FAILED, "Qonto indisponible")
        event = WebhookEvent("evt", "invoice.paid", "{}", NOW, error="retry")
        event.mark_processed(NOW)
        assert (event.processed_at, event.error) == (NOW, None)

    def test_items_can_be_replaced_with_builder_items(self) -> None:
        doc = make_document(USER)
        doc.replace_items([make_item("Seule", "1", "10", "0")])
        assert doc.total_amount == Decimal("10.00")


class TestQueries:
    def test_page_request_bounds(self) -> None:
        assert PageRequest(page=3, per_page=20).offset == 40
        for page, per_page in ((0, 10), (1, 0), (1, 201)):
            with pytest.raises(ValueError, match="page"):
                PageRequest(page=page, per_page=per_page)

    def test_page_count(self) -> None:
        assert Page(items=[], total=0, page=1, per_page=25).pages == 1
        assert Page(items=[1], total=51, page=1, per_page=25).pages == 3
