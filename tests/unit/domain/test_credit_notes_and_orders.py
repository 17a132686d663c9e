"""Credit-note caps and the full-credit rule; partial invoicing and over-invoicing of orders."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.domain.factories import (
    NOW,
    current_status,
    finalize,
    make_document,
    make_item,
    make_order,
)
from verone.backoffice.domain import errors
from verone.backoffice.domain.credit_notes import apply_credit, check_credit_cap, draft_credit_note
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.orders import (
    check_invoicable,
    derive_invoicing_status,
    invoiced_quantities,
)
from verone.backoffice.domain.statuses import DocumentOrigin, DocumentStatus, DocumentType
from verone.money import DiscountKind

USER = uuid.uuid4()


class TestCreditNotes:
    def test_copies_invoice_items_when_none_given(self) -> None:
        invoice = make_document(USER)
        invoice.set_discount(DiscountKind.ABSOLUTE, Decimal("19.80"))
        finalize(invoice, USER)
        note = draft_credit_note(invoice, already_credited=Decimal(0), created_by=USER, at=NOW)
        assert note.document_type is DocumentType.CREDIT_NOTE
        assert note.status is DocumentStatus.DRAFT
        assert note.is_editable
        assert note.origin is DocumentOrigin.INVOICE
        assert note.parent_document_id == invoice.id
        assert [i.title for i in note.items] == [i.title for i in invoice.items]
        assert note.items[0] is not invoice.items[0]
        assert note.total_amount == invoice.total_amount

    def test_partial_credit_with_own_items(self) -> None:
        invoice = make_document(USER)
        finalize(invoice, USER)
        note = draft_credit_note(
            invoice,
            already_credited=Decimal(0),
            created_by=USER,
            at=NOW,
            items=[make_item(quantity="1")],
        )
        assert note.total_amount == Decimal("179.88")

    def test_draft_invoice_cannot_be_credited(self) -> None:
        with pytest.raises(errors.CreditNoteRequiresFinalizedInvoice):
            draft_credit_note(
                make_document(USER), already_credited=Decimal(0), created_by=USER, at=NOW
            )

    def test_cumulative_credit_is_capped(self) -> None:
        invoice = make_document(USER)
        finalize(invoice, USER)
        with pytest.raises(errors.CreditExceedsInvoice):
            draft_credit_note(invoice, already_credited=Decimal("0.01"), created_by=USER, at=NOW)

    @given(
        total=st.integers(min_value=1, max_value=10**9),
        credited=st.integers(min_value=0, max_value=10**9),
        credit=st.integers(min_value=1, max_value=10**9),
    )
    def test_cap_is_exact_to_the_cent(self, total: int, credited: int, credit: int) -> None:
        invoice = make_document(USER, items=[make_item(quantity="1", unit_price="1", vat_rate="0")])
        invoice.total_amount = Decimal(total) / 100
        if credited + credit > total:
            with pytest.raises(errors.CreditExceedsInvoice):
                check_credit_cap(invoice, Decimal(credited) / 100, Decimal(credit) / 100)
        else:
            check_credit_cap(invoice, Decimal(credited) / 100, Decimal(credit) / 100)

    def test_full_credit_cancels_invoice(self) -> None:
        invoice = make_document(USER)
        finalize(invoice, USER)
        assert not apply_credit(invoice, invoice.total_amount - Decimal("0.01"), NOW)
        assert invoice.status is DocumentStatus.FINALIZED
        assert apply_credit(invoice, invoice.total_amount, NOW)
        assert current_status(invoice) == "cancelled"
        assert invoice.cancelled_at == NOW

    def test_full_credit_of_a_paid_invoice_cancels_it_too(self) -> None:
        invoice = make_document(USER)
        finalize(invoice, USER)
        invoice.mark_paid(NOW)
        assert apply_credit(invoice, invoice.total_amount, NOW)
        assert invoice.status is DocumentStatus.CANCELLED

    def test_over_credit_is_refused(self) -> None:
        invoice = make_document(USER)
        finalize(invoice, USER)
        with pytest.raises(errors.CreditExceedsInvoice):
            apply_credit(invoice, invoice.total_amount + Decimal("0.01"), NOW)


class TestOrderInvoicing:
    def test_partial_invoicing_is_allowed_over_invoicing_refused(self) -> None:
        order = make_order(uuid.uuid4(), "3", "1")
        first, second = order.items
        check_invoicable(order, {}, {first.id: Decimal(2)})
        check_invoicable(order, {first.id: Decimal(2)}, {first.id: Decimal(1)})
        with pytest.raises(errors.OverInvoicing, match="Article 0"):
            check_invoicable(order, {first.id: Decimal(2)}, {first.id: Decimal("1.5")})
        with pytest.raises(errors.InvalidDocument):
            check_invoicable(order, {}, {uuid.uuid4(): Decimal(1)})
        with pytest.raises(errors.InvalidDocument):
            check_invoicable(order, {}, {second.id: Decimal(0)})

    def test_invoicing_status_is_derived_from_documents(self) -> None:
        order = make_order(uuid.uuid4(), "3")
        line = order.items[0]

        def invoice(quantity: str) -> FinancialDocument:
            return make_document(
                USER,
                sales_order_id=order.id,
                items=[make_item(quantity=quantity, sales_order_item_id=line.id)],
            )

        assert derive_invoicing_status(order, []) == "not_invoiced"
        part = invoice("2")
        assert derive_invoicing_status(order, [part]) == "partially_invoiced"
        rest = invoice("1")
        assert invoiced_quantities([part, rest]) == {line.id: Decimal(3)}
        assert derive_invoicing_status(order, [part, rest]) == "invoiced"
        for doc in (part, rest):
            finalize(doc, USER)
            doc.mark_paid(NOW)
        assert derive_invoicing_status(order, [part, rest]) == "paid"

    def test_cancelled_invoices_do_not_count(self) -> None:
        order = make_order(uuid.uuid4(), "1")
        doc = make_document(
            USER, items=[make_item(quantity="1", sales_order_item_id=order.items[0].id)]
        )
        finalize(doc, USER)
        doc.cancel(NOW)
        assert invoiced_quantities([doc]) == {}
        assert derive_invoicing_status(order, [doc]) == "not_invoiced"

    def test_order_status_moves(self) -> None:
        order = make_order(uuid.uuid4())
        order.move_to(order.status.CONFIRMED)
        with pytest.raises(errors.IllegalTransition):
            order.move_to(order.status.DRAFT)
