"""Document lifecycle: creation status, transitions, immutability, totals, PDFs."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from tests.unit.domain.factories import NOW, current_status, finalize, make_document, make_item
from verone.backoffice.domain import errors
from verone.backoffice.domain.confirmation import compute_content_hash
from verone.backoffice.domain.documents import LINE_CONTENT, DocumentItem, FinancialDocument
from verone.backoffice.domain.kinds import TRANSITIONS, check_transition
from verone.backoffice.domain.orders import SalesOrderItem
from verone.backoffice.domain.statuses import (
    DocumentOrigin,
    DocumentStatus,
    DocumentType,
)
from verone.money import DiscountKind

USER = uuid.uuid4()


class TestCreation:
    @pytest.mark.parametrize(
        ("kind", "status"),
        [
            (DocumentType.INVOICE, DocumentStatus.FINALIZED),
            (DocumentType.INVOICE, DocumentStatus.PAID),
            (DocumentType.QUOTE, DocumentStatus.PENDING),
            (DocumentType.QUOTE, DocumentStatus.ACCEPTED),
            (DocumentType.CREDIT_NOTE, DocumentStatus.FINALIZED),
        ],
    )
    def test_no_document_is_born_issued(self, kind: DocumentType, status: DocumentStatus) -> None:
        with pytest.raises(errors.IllegalTransition):
            make_document(USER, document_type=kind, status=status)

    def test_a_number_cannot_be_given_at_creation(self) -> None:
        with pytest.raises(errors.IllegalTransition):
            FinancialDocument(
                document_type=DocumentType.INVOICE,
                origin=DocumentOrigin.SERVICE,
                customer_id=None,
                customer_name="X",
                currency="EUR",
                created_by=USER,
                created_at=NOW,
                number="F-2026-001",
            )

    def test_pending_invoice_is_allowed(self) -> None:
        doc = make_document(USER, status=DocumentStatus.PENDING)
        assert doc.status is DocumentStatus.PENDING
        assert doc.is_editable

    def test_totals_come_from_the_money_rule(self) -> None:
        doc = make_document(USER)  # 2 x 149.90 + 1 x 420.00, 20 % VAT
        assert doc.total_ht == Decimal("719.80")
        assert doc.total_vat == Decimal("143.96")
        assert doc.total_amount == Decimal("863.76")
        assert [i.position for i in doc.items] == [0, 1]

    def test_document_discount_is_spread_over_lines(self) -> None:
        doc = make_document(USER)
        doc.set_discount(DiscountKind.PERCENTAGE, Decimal("0.1"))
        assert doc.total_ht == Decimal("647.82")
        assert sum(i.subtotal for i in doc.items) == doc.total_ht

    def test_a_discount_needs_kind_and_value(self) -> None:
        doc = make_document(USER)
        with pytest.raises(errors.InvalidDocument):
            doc.set_discount(DiscountKind.ABSOLUTE, None)

    def test_line_validation(self) -> None:
        with pytest.raises(errors.InvalidDocument):
            make_item(quantity="0")
        with pytest.raises(errors.InvalidDocument):
            make_item(vat_rate="20")
        with pytest.raises(errors.InvalidDocument):
            make_item(title="  ")

    def test_float_quantities_are_refused(self) -> None:
        with pytest.raises(TypeError):
            make_item().__class__(
                title="x",
                quantity=1.5,  # type: ignore[arg-type]  # the point of the test
                unit_price=Decimal(1),
                vat_rate=Decimal(0),
            )


class TestFinalize:
    def test_finalize_sets_number_and_freezes(self) -> None:
        doc = make_document(USER)
        finalize(doc, USER, 7)
        assert doc.status is DocumentStatus.FINALIZED
        assert doc.number == "F-2026-007"
        assert doc.finalized_by == USER
        assert doc.finalized_at == NOW
        assert doc.content_hash == compute_content_hash(doc)
        assert not doc.is_editable

    def test_finalize_twice_is_refused(self) -> None:
        doc = make_document(USER)
        finalize(doc, USER)
        with pytest.raises(errors.InvoiceNotDraft):
            finalize(doc, USER, 2)

    def test_pending_cannot_be_finalized(self) -> None:
        doc = make_document(USER, status=DocumentStatus.PENDING)
        with pytest.raises(errors.InvoiceNotDraft):
            doc.finalize("F-2026-001", NOW, USER, compute_content_hash(doc))

    def test_quote_not_draft_error(self) -> None:
        doc = make_document(USER, document_type=DocumentType.QUOTE)
        finalize(doc, USER)
        with pytest.raises(errors.DocumentNotDraft):
            finalize(doc, USER, 2)

    def test_changed_content_is_refused(self) -> None:
        doc = make_document(USER)
        confirmed = compute_content_hash(doc)
        doc.replace_items([make_item(quantity="3")])
        with pytest.raises(errors.ContentChanged):
            doc.finalize("F-2026-001", NOW, USER, confirmed)
        assert doc.status is DocumentStatus.DRAFT
        assert doc.number is None

    @pytest.mark.parametrize("number", ["D-2026-001", "F-26-1", "", "AV-2026-001"])
    def test_number_must_fit_the_document_type(self, number: str) -> None:
        doc = make_document(USER)
        with pytest.raises(errors.InvalidNumber):
            doc.finalize(number, NOW, USER, compute_content_hash(doc))

    def test_empty_document_cannot_be_finalized(self) -> None:
        doc = make_document(USER, items=[])
        with pytest.raises(errors.EmptyDocument):
            doc.finalize("F-2026-001", NOW, USER, compute_content_hash(doc))

    def test_naive_time_is_refused(self) -> None:
        doc = make_document(USER)
        with pytest.raises(ValueError, match="aware"):
            doc.finalize("F-2026-001", datetime(2026, 1, 1), USER, compute_content_hash(doc))


class TestImmutability:
    @pytest.fixture
    def issued(self) -> FinancialDocument:
        doc = make_document(USER)
        finalize(doc, USER)
        return doc

    def test_items_cannot_change(self, issued: FinancialDocument) -> None:
        with pytest.raises(errors.DocumentNotEditable):
            issued.replace_items([make_item()])

    def test_header_cannot_change(self, issued: FinancialDocument) -> None:
        with pytest.raises(errors.DocumentNotEditable):
            issued.update_header(customer_id=None, customer_name="Y", issue_date=None)

    def test_discount_cannot_change(self, issued: FinancialDocument) -> None:
        with pytest.raises(errors.DocumentNotEditable):
            issued.set_discount(None, None)

    def test_cannot_be_deleted(self, issued: FinancialDocument) -> None:
        with pytest.raises(errors.DocumentNotDeletable):
            issued.ensure_deletable()

    def test_drafts_and_pending_can_be_deleted(self) -> None:
        make_document(USER).ensure_deletable()
        make_document(USER, status=DocumentStatus.PENDING).ensure_deletable()


class TestInvoiceLifecycle:
    def test_paid_then_unpaid(self) -> None:
        doc = make_document(USER)
        finalize(doc, USER)
        doc.mark_paid(NOW)
        assert doc.status is DocumentStatus.PAID
        assert doc.amount_due == 0
        doc.unmark_paid()
        assert current_status(doc) == "finalized"
        assert doc.paid_at is None

    def test_draft_cannot_be_paid_or_cancelled(self) -> None:
        doc = make_document(USER)
        with pytest.raises(errors.IllegalTransition):
            doc.mark_paid(NOW)
        with pytest.raises(errors.IllegalTransition):
            doc.cancel(NOW)

    def test_cancel_is_final(self) -> None:
        doc = make_document(USER)
        finalize(doc, USER)
        doc.cancel(NOW)
        with pytest.raises(errors.IllegalTransition):
            doc.mark_paid(NOW)

    def test_quote_actions_refused_on_invoice(self) -> None:
        doc = make_document(USER)
        finalize(doc, USER)
        with pytest.raises(errors.IllegalTransition, match="devis"):
            doc.accept()

    def test_overdue_is_derived(self) -> None:
        doc = make_document(USER)
        assert not doc.is_overdue(date(2026, 5, 1))  # drafts are never overdue
        finalize(doc, USER)
        assert not doc.is_overdue(date(2026, 4, 1))
        assert doc.is_overdue(date(2026, 4, 2))
        doc.mark_paid(NOW)
        assert not doc.is_overdue(date(2026, 4, 2))

    def test_pending_to_draft_validates(self) -> None:
        doc = make_document(USER, status=DocumentStatus.PENDING)
        with pytest.raises(errors.InvalidDocument, match="client"):
            doc.link_qonto_draft("q-1")
        doc.customer_id = uuid.uuid4()
        doc.due_date = None
        with pytest.raises(errors.InvalidDocument, match="échéance"):
            doc.link_qonto_draft("q-1")
        doc.due_date = date(2026, 2, 1)
        with pytest.raises(errors.InvalidDocument, match="précède"):
            doc.link_qonto_draft("q-1")
        doc.due_date = date(2026, 4, 1)
        doc.link_qonto_draft("q-1")
        assert doc.status is DocumentStatus.DRAFT
        assert doc.qonto_id == "q-1"


class TestQuoteLifecycle:
    def test_accept_then_convert(self) -> None:
        quote = make_document(USER, document_type=DocumentType.QUOTE)
        finalize(quote, USER)
        quote.accept()
        quote.mark_converted()
        assert quote.status is DocumentStatus.CONVERTED

    def test_declined_cannot_be_converted(self) -> None:
        quote = make_document(USER, document_type=DocumentType.QUOTE)
        finalize(quote, USER)
        quote.decline()
        with pytest.raises(errors.IllegalTransition):
            quote.mark_converted()

    def test_expiry_is_derived(self) -> None:
        quote = make_document(USER, document_type=DocumentType.QUOTE)
        finalize(quote, USER)
        assert quote.is_expired(date(2026, 4, 2))
        assert not quote.is_expired(date(2026, 4, 1))
        quote.accept()
        assert not quote.is_expired(date(2026, 4, 2))


class TestTransitionTable:
    @pytest.mark.parametrize("kind", list(DocumentType))
    def test_every_listed_move_is_legal_and_others_raise(self, kind: DocumentType) -> None:
        table = TRANSITIONS[kind]
        for current, targets in table.items():
            for target in table:
                if target in targets:
                    check_transition(kind, current, target)
                else:
                    with pytest.raises(errors.IllegalTransition):
                        check_transition(kind, current, target)

    @pytest.mark.parametrize("kind", list(DocumentType))
    def test_nothing_leads_back_to_draft(self, kind: DocumentType) -> None:
        for current, targets in TRANSITIONS[kind].items():
            assert DocumentStatus.DRAFT not in targets or current is DocumentStatus.PENDING


class TestPdf:
    def test_drafts_have_no_pdf(self) -> None:
        doc = make_document(USER)
        with pytest.raises(errors.PdfNotAvailable):
            doc.record_pdf(attachment_id="a", url="https://x", url_expires_at=NOW)

    def test_issued_document_records_pdf(self) -> None:
        doc = make_document(USER)
        finalize(doc, USER)
        expiry = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
        doc.record_pdf(attachment_id="att", url="https://x", url_expires_at=expiry, sha256="ab")
        assert (doc.qonto_attachment_id, doc.pdf_url_expires_at, doc.pdf_sha256) == (
            "att",
            expiry,
            "ab",
        )


class TestCopyOf:
    def test_a_copy_carries_the_content_and_nothing_of_the_source_line_itself(self) -> None:
        source = replace(
            make_item(sales_order_item_id=uuid.uuid4()),
            description="Chêne",
            unit="pièce",
            discount_kind=DiscountKind.PERCENTAGE,
            discount_value=Decimal("0.1"),
            product_id=uuid.uuid4(),
            position=3,
            subtotal=Decimal("180.00"),
        )
        copy = DocumentItem.copy_of(source)
        assert {name: getattr(copy, name) for name in LINE_CONTENT} == {
            name: getattr(source, name) for name in LINE_CONTENT
        }
        assert copy.id != source.id
        assert copy.sales_order_item_id is None
        assert (copy.position, copy.subtotal) == (0, Decimal(0))

    def test_an_order_line_is_copied_with_the_changes_given_and_validated(self) -> None:
        order_item = SalesOrderItem(
            title="Article",
            quantity=Decimal("5"),
            unit_price=Decimal("10"),
            vat_rate=Decimal("0.2"),
        )
        copy = DocumentItem.copy_of(
            order_item, quantity=Decimal("2"), sales_order_item_id=order_item.id
        )
        assert (copy.title, copy.quantity, copy.unit_price) == (
            order_item.title,
            Decimal("2"),
            order_item.unit_price,
        )
        assert copy.sales_order_item_id == order_item.id
        with pytest.raises(errors.InvalidDocument):
            DocumentItem.copy_of(order_item, quantity=Decimal("0"))


def test_errors_have_codes_and_french_messages() -> None:
    classes: list[type[errors.DomainError]] = [errors.DomainError]
    seen: set[str] = set()
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        assert cls.code not in seen, f"{cls.__name__} reuses the code {cls.code}"
        seen.add(cls.code)
        assert cls().message == cls.default_message
    assert len(seen) >= 15
