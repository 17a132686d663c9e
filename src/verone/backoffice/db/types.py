"""Column types: money as integer cents, exact decimals, UTC-only timestamps, string enums.

Every Decimal ⇄ database conversion of the back office lives here; no float on any engine.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, DateTime, Dialect, Enum, Numeric, String
from sqlalchemy.types import TypeDecorator, TypeEngine

from verone.money import from_cents, quantize, to_cents, to_decimal


class Cents(TypeDecorator[Decimal]):
    """A ``Decimal`` amount stored as BIGINT cents; refuses amounts finer than a cent."""

    impl = BigInteger
    cache_ok = True

    def __repr__(self) -> str:
        return "Cents()"

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        amount = to_decimal(value)
        if quantize(amount) != amount:
            raise ValueError(f"amount {amount} is not a whole number of cents")
        return to_cents(amount)

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else from_cents(int(value))


class ExactDecimal(TypeDecorator[Decimal]):
    """Quantities and rates: NUMERIC on PostgreSQL, a decimal string on SQLite (no float)."""

    impl = String(40)
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 6) -> None:
        super().__init__()
        self.precision, self.scale = precision, scale

    def __repr__(self) -> str:
        return f"ExactDecimal(precision={self.precision}, scale={self.scale})"

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Decimal] | TypeEngine[str]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))
        return dialect.type_descriptor(String(40))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> object:
        if value is None:
            return None
        exact = to_decimal(value)
        if exact.as_tuple().exponent < -self.scale:  # type: ignore[operator]  # finite here
            raise ValueError(f"{exact} has more than {self.scale} decimal places")
        return exact if dialect.name == "postgresql" else str(exact)

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps; naive datetimes are refused on the way in."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def __repr__(self) -> str:
        return "UTCDateTime()"

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetimes are refused; use an aware UTC datetime")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(enum_class: type[StrEnum], name: str) -> Enum:
    """A VARCHAR column with a named CHECK listing the enum's values (no native PG enum)."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        validate_strings=True,
        values_callable=lambda cls: [member.value for member in cls],
    )
