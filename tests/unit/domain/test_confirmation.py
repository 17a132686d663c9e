"""The content hash (stable, sensitive) and the finalize confirmation token."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.domain.factories import NOW, make_document, make_item
from verone.backoffice.domain import errors
from verone.backoffice.domain.confirmation import (
    CONFIRMATION_TTL,
    check_confirmation_token,
    compute_content_hash,
    confirmation_expiry,
    make_confirmation_token,
)
from verone.money import DiscountKind

KEY = b"k" * 32
USER = uuid.uuid4()


class TestContentHash:
    def test_stable_across_identical_documents(self) -> None:
        a, b = make_document(USER), make_document(USER)
        b.customer_id = a.customer_id
        assert compute_content_hash(a) == compute_content_hash(b)
        assert len(compute_content_hash(a)) == 64

    def test_trailing_zeros_do_not_matter(self) -> None:
        a = make_document(USER, items=[make_item(quantity="2")])
        b = make_document(USER, items=[make_item(quantity="2.000")])
        b.customer_id = a.customer_id
        assert compute_content_hash(a) == compute_content_hash(b)

    def test_bookkeeping_fields_are_not_content(self) -> None:
        doc = make_document(USER)
        before = compute_content_hash(doc)
        doc.qonto_id, doc.version, doc.notes = "q-9", 5, None
        assert compute_content_hash(doc) == before

    @pytest.mark.parametrize(
        "change",
        [
            "customer_name",
            "currency",
            "issue_date",
            "due_date",
            "quantity",
            "unit_price",
            "vat_rate",
            "title",
            "discount",
            "line_order",
        ],
    )
    def test_every_issued_field_changes_the_hash(self, change: str) -> None:
        doc = make_document(USER)
        before = compute_content_hash(doc)
        item = doc.items[0]
        if change == "customer_name":
            doc.customer_name = "Autre"
        elif change == "currency":
            doc.currency = "USD"
        elif change == "issue_date":
            doc.issue_date = doc.issue_date and doc.issue_date + timedelta(days=1)
        elif change == "due_date":
            doc.due_date = None
        elif change == "quantity":
            item.quantity = Decimal("2.001")
        elif change == "unit_price":
            item.unit_price = Decimal("149.91")
        elif change == "vat_rate":
            item.vat_rate = Decimal("0.1")
        elif change == "title":
            item.title = "Chaise en hêtre"
        elif change == "discount":
            doc.set_discount(DiscountKind.PERCENTAGE, Decimal("0.05"))
        else:
            doc.replace_items(list(reversed(doc.items)))
        doc.recompute_totals()
        assert compute_content_hash(doc) != before

    @given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**6), places=2))
    def test_any_price_change_is_seen(self, price: Decimal) -> None:
        doc = make_document(USER, items=[make_item(unit_price="1.00")])
        before = compute_content_hash(doc)
        doc.replace_items([make_item(unit_price=str(price))])
        assert (compute_content_hash(doc) == before) == (price == 1)


class TestConfirmationToken:
    doc_id = uuid.uuid4()
    content = "c" * 64

    def token(self, user: uuid.UUID = USER) -> str:
        return make_confirmation_token(
            KEY, self.doc_id, self.content, user, confirmation_expiry(NOW)
        )

    def check(self, token: str, **overrides: object) -> object:
        arguments: dict[str, object] = {
            "document_id": self.doc_id,
            "content_hash": self.content,
            "user_id": USER,
            "now": NOW + timedelta(minutes=9),
        }
        arguments.update(overrides)
        return check_confirmation_token(KEY, token, **arguments)  # type: ignore[arg-type]  # test kwargs

    def test_valid_token(self) -> None:
        confirmation = check_confirmation_token(
            KEY,
            self.token(),
            document_id=self.doc_id,
            content_hash=self.content,
            user_id=USER,
            now=NOW,
        )
        assert confirmation.expires_at == NOW + CONFIRMATION_TTL
        assert confirmation.user_id == USER

    def test_expired_after_ten_minutes(self) -> None:
        with pytest.raises(errors.ConfirmationExpired):
            self.check(self.token(), now=NOW + timedelta(minutes=10))

    def test_other_user_is_refused(self) -> None:
        with pytest.raises(errors.ConfirmationInvalid) as caught:
            self.check(self.token(), user_id=uuid.uuid4())
        assert type(caught.value) is errors.ConfirmationInvalid

    def test_other_document_is_refused(self) -> None:
        with pytest.raises(errors.ConfirmationInvalid):
            self.check(self.token(), document_id=uuid.uuid4())

    def test_changed_content_is_refused(self) -> None:
        with pytest.raises(errors.ContentChanged):
            self.check(self.token(), content_hash="d" * 64)

    def test_other_key_is_refused(self) -> None:
        forged = make_confirmation_token(
            b"x" * 32, self.doc_id, self.content, USER, confirmation_expiry(NOW)
        )
        with pytest.raises(errors.ConfirmationInvalid):
            self.check(forged)

    @pytest.mark.parametrize("junk", ["", "abc", "1.2", "x.y.z", "1..sig"])
    def test_malformed_tokens(self, junk: str) -> None:
        with pytest.raises(errors.ConfirmationInvalid):
            self.check(junk)

    def test_extended_expiry_breaks_the_signature(self) -> None:
        exp, content, signature = self.token().split(".")
        tampered = f"{int(exp) + 3600}.{content}.{signature}"
        with pytest.raises(errors.ConfirmationInvalid):
            self.check(tampered, now=NOW + timedelta(minutes=30))
