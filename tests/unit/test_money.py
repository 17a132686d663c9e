from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from verone.money import (
    Discount,
    DiscountKind,
    LineInput,
    Money,
    MoneyError,
    document_totals,
    format_money_fr,
    from_cents,
    line_totals,
    quantize,
    to_cents,
    to_decimal,
)


class TestDecimals:
    def test_floats_are_refused(self) -> None:
        with pytest.raises(TypeError):
            to_decimal(0.1)  # type: ignore[arg-type]  # the point of the test

    def test_junk_is_a_money_error(self) -> None:
        with pytest.raises(MoneyError):
            to_decimal("douze")

    def test_half_up_to_the_cent(self) -> None:
        assert quantize(Decimal("0.005")) == Decimal("0.01")
        assert quantize(Decimal("-0.005")) == Decimal("-0.01")
        assert to_cents(Decimal("12.345")) == 1235
        assert from_cents(1235) == Decimal("12.35")

    def test_french_format(self) -> None:
        assert format_money_fr(Decimal("1234.56")) == "1\u202f234,56\u00a0€"
        assert format_money_fr(Decimal("-5")) == "-5,00\u00a0€"


class TestMoney:
    def test_currencies_do_not_mix(self) -> None:
        with pytest.raises(MoneyError):
            Money.of("1", "EUR") + Money.of("1", "USD")

    def test_cents_round_trip(self) -> None:
        assert Money.from_cents(123456).amount == Decimal("1234.56")
        assert Money.of("1234.565").cents == 123457


class TestTotals:
    def test_one_line(self) -> None:
        t = line_totals(LineInput(Decimal("3"), Decimal("19.99"), Decimal("0.2")))
        assert (t.subtotal, t.vat, t.total) == (
            Decimal("59.97"),
            Decimal("11.99"),
            Decimal("71.96"),
        )

    def test_line_discount_percentage(self) -> None:
        line = LineInput(
            Decimal("2"),
            Decimal("100"),
            Decimal("0.2"),
            Discount(DiscountKind.PERCENTAGE, Decimal("0.1")),
        )
        t = line_totals(line)
        assert (t.discount, t.subtotal, t.vat) == (
            Decimal("20.00"),
            Decimal("180.00"),
            Decimal("36.00"),
        )

    def test_document_discount_is_spread_exactly(self) -> None:
        lines = [LineInput(Decimal("1"), Decimal("10"), Decimal("0.2")) for _ in range(3)]
        totals = document_totals(lines, Discount(DiscountKind.ABSOLUTE, Decimal("1.00")))
        assert totals.subtotal == Decimal("29.00")
        assert sorted(t.subtotal for t in totals.lines) == [
            Decimal("9.66"),
            Decimal("9.67"),
            Decimal("9.67"),
        ]

    @given(
        st.lists(
            st.tuples(
                st.decimals(min_value=Decimal("0.001"), max_value=Decimal("1000"), places=3),
                st.decimals(min_value=Decimal("0"), max_value=Decimal("100000"), places=2),
                st.sampled_from(
                    [
                        Decimal("0"),
                        Decimal("0.021"),
                        Decimal("0.055"),
                        Decimal("0.1"),
                        Decimal("0.2"),
                    ]
                ),
            ),
            min_size=1,
            max_size=20,
        ),
        st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=2),
    )
    def test_document_totals_are_sums_of_cent_lines(
        self, raw: list[tuple[Decimal, Decimal, Decimal]], pct: Decimal
    ) -> None:
        lines = [LineInput(q, p, r) for q, p, r in raw]
        totals = document_totals(lines, Discount(DiscountKind.PERCENTAGE, pct))
        assert totals.total == totals.subtotal + totals.vat
        assert totals.subtotal == sum((t.subtotal for t in totals.lines), Decimal(0))
        for t in totals.lines:
            assert t.subtotal == quantize(t.subtotal)
            assert t.vat == quantize(t.vat)
        gross = sum((quantize(q * p) for q, p, _ in raw), Decimal(0))
        assert totals.subtotal == gross - totals.discount
