"""Money for every part of Verone: one value type, one rounding rule, one formatter.

The rule (documented in ``docs/sandbox.md`` and shared by the sandbox and the back office):

* amounts are ``Decimal``, never ``float``; a float given anywhere raises ``TypeError``;
* a line's gross is ``quantity x unit_price`` (exact), its discount is taken off the gross
  (a percentage discount is a fraction: ``0.1`` is 10 %), and the result is rounded to the
  cent **once**: that is the line subtotal (HT);
* the line VAT is ``subtotal x vat_rate`` rounded to the cent; the line total is the sum;
* a document-level discount is computed on the sum of line subtotals (rounded to the cent)
  and spread over the lines in proportion to their subtotals, the last cent going to the
  largest lines first (largest remainder), so document totals are always the sum of lines;
* every rounding is ``ROUND_HALF_UP`` to ``0.01`` (French commercial practice).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

from babel.numbers import format_currency, format_decimal

CENT = Decimal("0.01")
ROUNDING = ROUND_HALF_UP
FRENCH = "fr_FR"
ZERO = Decimal("0.00")


class MoneyError(ValueError):
    """A value that cannot be read as money, or two currencies mixed."""


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Read an exact decimal from a string, an int or a Decimal; refuse floats and junk."""
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError("money and quantities are never floats")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise MoneyError(f"not a decimal number: {value!r}") from None
    else:
        raise TypeError(f"cannot read a decimal from {type(value).__name__}")
    if not result.is_finite():
        raise MoneyError(f"not a finite number: {value!r}")
    return result


def quantize(amount: Decimal) -> Decimal:
    """Round to the cent with the one rounding mode of the product."""
    return amount.quantize(CENT, rounding=ROUNDING)


def to_cents(amount: Decimal) -> int:
    """Integer cents of an amount (rounded to the cent first)."""
    return int(quantize(amount) * 100)


def from_cents(cents: int) -> Decimal:
    """The amount of an integer number of cents, with two decimal places."""
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise TypeError("cents are an int")
    return (Decimal(cents) / 100).quantize(CENT)


def format_decimal_fr(amount: Decimal, places: int = 2) -> str:
    """``Decimal("1234.5")`` → ``"1 234,50"`` (Babel's French grouping: a narrow no-break
    space), rounded half up like every amount of the product."""
    q = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING)
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(q, format=pattern, locale=FRENCH)


def format_money_fr(amount: Decimal, currency: str = "EUR") -> str:
    """``1 234,56 €`` — the French display of an amount (Babel), rounded half up."""
    return format_currency(amount.quantize(CENT, rounding=ROUNDING), currency, locale=FRENCH)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency, always quantized to the cent."""

    amount: Decimal
    currency: str = "EUR"

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", quantize(to_decimal(self.amount)))
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise MoneyError(f"not an ISO 4217 currency code: {self.currency!r}")

    @classmethod
    def of(cls, value: Decimal | int | str, currency: str = "EUR") -> Money:
        return cls(to_decimal(value), currency)

    @classmethod
    def from_cents(cls, cents: int, currency: str = "EUR") -> Money:
        return cls(from_cents(cents), currency)

    @classmethod
    def zero(cls, currency: str = "EUR") -> Money:
        return cls(ZERO, currency)

    @property
    def cents(self) -> int:
        return to_cents(self.amount)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise MoneyError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def format_fr(self) -> str:
        return format_money_fr(self.amount, self.currency)


def sum_money(values: Iterable[Money], currency: str = "EUR") -> Money:
    total = Money.zero(currency)
    for value in values:
        total = total + value
    return total


# --------------------------------------------------------------------------- totals


class DiscountKind(StrEnum):
    PERCENTAGE = "percentage"
    ABSOLUTE = "absolute"


@dataclass(frozen=True, slots=True)
class Discount:
    """A discount: a fraction of the gross (``0.1`` = 10 %) or an absolute amount."""

    kind: DiscountKind
    value: Decimal

    def __post_init__(self) -> None:
        value = to_decimal(self.value)
        if value < 0:
            raise MoneyError("a discount cannot be negative")
        if self.kind is DiscountKind.PERCENTAGE and value > 1:
            raise MoneyError("a percentage discount is a fraction between 0 and 1")
        object.__setattr__(self, "value", value)

    def amount_on(self, gross: Decimal) -> Decimal:
        """The discount amount on a gross, rounded to the cent, never more than the gross."""
        raw = gross * self.value if self.kind is DiscountKind.PERCENTAGE else self.value
        return min(quantize(raw), quantize(gross)) if gross >= 0 else quantize(raw)


@dataclass(frozen=True, slots=True)
class LineInput:
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal
    discount: Discount | None = None


@dataclass(frozen=True, slots=True)
class LineTotals:
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    discount: Decimal


@dataclass(frozen=True, slots=True)
class DocumentTotals:
    lines: tuple[LineTotals, ...]
    subtotal: Decimal
    vat: Decimal
    total: Decimal
    discount: Decimal


def line_totals(line: LineInput, extra_discount: Decimal = ZERO) -> LineTotals:
    """Totals of one line; ``extra_discount`` is its share of a document-level discount."""
    gross = to_decimal(line.quantity) * to_decimal(line.unit_price)
    discount = line.discount.amount_on(gross) if line.discount else ZERO
    subtotal = quantize(gross - discount) - extra_discount
    vat = quantize(subtotal * to_decimal(line.vat_rate))
    return LineTotals(subtotal=subtotal, vat=vat, total=subtotal + vat, discount=discount)


def _spread(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split ``amount`` (in cents) over ``weights`` by largest remainder; sums exactly."""
    total_weight = sum(weights, ZERO)
    cents = to_cents(amount)
    if cents == 0 or total_weight == 0:
        return [ZERO for _ in weights]
    raw = [Decimal(cents) * w / total_weight for w in weights]
    floors = [int(r) for r in raw]
    left = cents - sum(floors)
    order = sorted(
        range(len(weights)), key=lambda i: (raw[i] - floors[i], weights[i]), reverse=True
    )
    for i in order[:left]:
        floors[i] += 1
    return [from_cents(c) for c in floors]


def document_totals(lines: Sequence[LineInput], discount: Discount | None = None) -> DocumentTotals:
    """Totals of a document: the sum of its lines after the document discount is spread."""
    base = [line_totals(line) for line in lines]
    subtotal_before = sum((t.subtotal for t in base), ZERO)
    doc_discount = discount.amount_on(subtotal_before) if discount else ZERO
    shares = _spread(doc_discount, [max(t.subtotal, ZERO) for t in base])
    final = tuple(line_totals(line, share) for line, share in zip(lines, shares, strict=True))
    return DocumentTotals(
        lines=final,
        subtotal=sum((t.subtotal for t in final), ZERO),
        vat=sum((t.vat for t in final), ZERO),
        total=sum((t.total for t in final), ZERO),
        discount=doc_discount,
    )
