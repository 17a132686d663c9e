"""Rules of the simulated invoicing: status machine, totals, credit caps, validation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verone.money import Discount, DiscountKind, LineInput, document_totals
from verone.sandbox.errors import QontoHTTPError
from verone.sandbox.invoicing.records import DiscountRecord, ItemRecord
from verone.sandbox.invoicing.rules import (
    INVALID_TRANSITION,
    InvoiceAction,
    InvoiceStatus,
    QuoteStatus,
    check_client_kind,
    check_credit_cap,
    check_currency,
    check_due_date,
    check_iban,
    check_items,
    invoice_transition,
    quote_decision,
    quote_rate,
    totals,
)

D, U, P, C = (InvoiceStatus.DRAFT, InvoiceStatus.UNPAID, InvoiceStatus.PAID, InvoiceStatus.CANCELED)

ALLOWED = {
    (D, InvoiceAction.UPDATE): D,
    (D, InvoiceAction.DELETE): D,
    (D, InvoiceAction.FINALIZE): U,
    (U, InvoiceAction.MARK_AS_PAID): P,
    (P, InvoiceAction.MARK_AS_PAID): P,
    (P, InvoiceAction.UNMARK_AS_PAID): U,
    (U, InvoiceAction.MARK_AS_CANCELED): C,
    (U, InvoiceAction.SEND): U,
    (P, InvoiceAction.SEND): P,
    (U, InvoiceAction.SEND_BY_EINVOICE): U,
    (P, InvoiceAction.SEND_BY_EINVOICE): P,
    (U, InvoiceAction.CREDIT): U,
    (P, InvoiceAction.CREDIT): P,
    (U, InvoiceAction.PAY): P,
}


def item(
    quantity: str = "1",
    price: str = "10",
    rate: str = "0.2",
    discount: DiscountRecord | None = None,
) -> ItemRecord:
    return ItemRecord(
        title="Lampe",
        quantity=Decimal(quantity),
        unit_price=Decimal(price),
        currency="EUR",
        vat_rate=Decimal(rate),
        discount=discount,
    )


@pytest.mark.parametrize("status", list(InvoiceStatus))
@pytest.mark.parametrize("action", list(InvoiceAction))
def test_every_transition_is_allowed_or_refused_with_422(
    status: InvoiceStatus, action: InvoiceAction
) -> None:
    expected = ALLOWED.get((status, action))
    if expected is not None:
        assert invoice_transition(status, action) is expected
    else:
        with pytest.raises(QontoHTTPError) as caught:
            invoice_transition(status, action)
        assert caught.value.status == 422
        assert caught.value.code == INVALID_TRANSITION
        assert status.value in caught.value.detail


def test_canceled_is_terminal() -> None:
    assert not [a for a in InvoiceAction if (C, a) in ALLOWED]


def test_quote_decisions_only_from_pending() -> None:
    assert quote_decision("pending_approval", "approve") is QuoteStatus.APPROVED
    assert quote_decision("pending_approval", "decline") is QuoteStatus.CANCELED
    for status in ("approved", "canceled"):
        with pytest.raises(QontoHTTPError, match="Only pending quotes"):
            quote_decision(status, "approve")


def test_totals_round_each_line_once() -> None:
    doc = totals([item("3", "0.335", "0.2"), item("1", "10", "0.055")], None)
    assert doc.lines[0].subtotal == Decimal("1.01")  # 1.005 rounded half up
    assert doc.lines[0].vat == Decimal("0.20")
    assert doc.lines[1].vat == Decimal("0.55")
    assert doc.total == Decimal("11.76")


def test_document_discount_is_spread_and_totals_stay_the_sum_of_lines() -> None:
    doc = totals(
        [item("1", "100"), item("1", "50", "0.1")],
        DiscountRecord(type="percentage", value=Decimal("0.1")),
    )
    assert doc.discount == Decimal("15.00")
    assert doc.subtotal == Decimal("135.00")
    assert doc.total == sum((line.total for line in doc.lines), Decimal(0))


def test_percentage_discount_above_one_is_refused() -> None:
    with pytest.raises(QontoHTTPError) as caught:
        totals([item()], DiscountRecord(type="percentage", value=Decimal("10")))
    assert caught.value.pointer == "/data/attributes/discount"


amounts = st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False)
quantities = st.decimals(min_value=Decimal("0.01"), max_value=1_000, places=2, allow_nan=False)
rates = st.sampled_from(["0", "0.021", "0.055", "0.1", "0.2"])


@given(
    st.lists(st.tuples(quantities, amounts, rates), min_size=1, max_size=6),
    st.none() | st.decimals(min_value=0, max_value=1, places=2, allow_nan=False),
)
def test_sandbox_totals_equal_the_product_rule(
    lines: list[tuple[Decimal, Decimal, str]], percent: Decimal | None
) -> None:
    items = [item(str(q), str(p), r) for q, p, r in lines]
    discount = None if percent is None else DiscountRecord(type="percentage", value=percent)
    expected = document_totals(
        [LineInput(q, p, Decimal(r)) for q, p, r in lines],
        None if percent is None else Discount(DiscountKind.PERCENTAGE, percent),
    )
    assert totals(items, discount) == expected


def test_credit_cap_allows_up_to_the_total_and_reports_full() -> None:
    assert check_credit_cap(Decimal("120"), [Decimal("-20")], Decimal("50")) is False
    assert check_credit_cap(Decimal("120"), [Decimal("70")], Decimal("50")) is True


def test_credit_cap_refuses_more_than_the_invoice() -> None:
    with pytest.raises(QontoHTTPError) as caught:
        check_credit_cap(Decimal("120"), [Decimal("100")], Decimal("20.01"))
    assert caught.value.status == 422
    assert "(20.00 left to credit)" in caught.value.detail


def test_credit_cap_refuses_an_empty_credit_note() -> None:
    with pytest.raises(QontoHTTPError):
        check_credit_cap(Decimal("120"), [], Decimal("0"))


def test_due_date_before_issue_date_is_refused() -> None:
    check_due_date(date(2026, 1, 1), date(2026, 1, 1))
    with pytest.raises(QontoHTTPError) as caught:
        check_due_date(date(2026, 1, 2), date(2026, 1, 1))
    assert caught.value.pointer == "/data/attributes/due_date"


@pytest.mark.parametrize("iban", [None, "", "   "])
def test_missing_iban_is_invalid_iban_empty(iban: str | None) -> None:
    with pytest.raises(QontoHTTPError) as caught:
        check_iban(iban, {"FR7616958000010000000000001"})
    assert (caught.value.status, caught.value.code, caught.value.detail) == (
        422,
        "invalid_iban",
        "IBAN is empty",
    )


def test_foreign_iban_is_invalid_and_own_iban_is_normalized() -> None:
    own = {"FR7616958000010000000000001"}
    with pytest.raises(QontoHTTPError) as caught:
        check_iban("DE89370400440532013000", own)
    assert caught.value.code == "invalid_iban"
    assert check_iban("fr76 1695 8000 0100 0000 0000 001", own) == "FR7616958000010000000000001"


def test_currency_must_match_the_client() -> None:
    check_currency("EUR", "EUR")
    for currency, client_currency in (("USD", "EUR"), ("EUR", None), ("XYZ", "XYZ")):
        with pytest.raises(QontoHTTPError) as caught:
            check_currency(currency, client_currency)
        assert caught.value.pointer == "/data/attributes/currency"


def test_items_are_checked() -> None:
    check_items([], required=False)
    with pytest.raises(QontoHTTPError, match="at least one item"):
        check_items([], required=True)
    bad = [item("0"), item(rate="20"), item(price="-1")]
    pointers = []
    for entry in bad:
        with pytest.raises(QontoHTTPError) as caught:
            check_items([item(), entry], required=True)
        pointers.append(caught.value.pointer)
    assert pointers == [
        "/data/attributes/items/1/quantity",
        "/data/attributes/items/1/vat_rate",
        "/data/attributes/items/1/unit_price",
    ]


def test_quote_rates_above_one_are_percentages() -> None:
    assert quote_rate(Decimal("20")) == Decimal("0.2")
    assert quote_rate(Decimal("5.5")) == Decimal("0.055")
    assert quote_rate(Decimal("0.2")) == Decimal("0.2")
    assert quote_rate(Decimal("1")) == Decimal("1")


def test_client_kind_rules() -> None:
    check_client_kind("company", "Verone", None, None)
    check_client_kind("individual", None, "Léa", "Martin")
    cases = [
        ("company", None, None, None, "/data/attributes/name"),
        ("individual", None, None, "Martin", "/data/attributes/first_name"),
        ("freelancer", None, "Léa", None, "/data/attributes/last_name"),
        ("alien", "X", None, None, "/data/attributes/kind"),
    ]
    for kind, name, first, last, pointer in cases:
        with pytest.raises(QontoHTTPError) as caught:
            check_client_kind(kind, name, first, last)
        assert caught.value.pointer == pointer
