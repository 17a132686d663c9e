"""French formats for the pages, all through Babel: ``1 234,56 €``, ``24/11/2026``,
``24/11/2026 14:05`` in Europe/Paris, « il y a 3 minutes », month names."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_timedelta
from babel.numbers import format_decimal, format_percent

from verone.money import Discount, DiscountKind, format_money_fr

LOCALE = "fr_FR"
PARIS = ZoneInfo("Europe/Paris")


def money(value: Decimal | None, currency: str = "EUR") -> str:
    return "—" if value is None else format_money_fr(value, currency)


def decimal(value: Decimal | None) -> str:
    return "—" if value is None else format_decimal(value, locale=LOCALE)


def rate(value: Decimal | None) -> str:
    """A VAT rate stored as a fraction (``0.2``) as ``20 %``."""
    if value is None:
        return "—"
    return format_percent(value, format="#,##0.##\u00a0%", locale=LOCALE)


def discount(value: Discount | None, currency: str = "EUR") -> str:
    """A line's or a document's discount: ``10 %`` of it, or ``50,00 €`` off it."""
    if value is None:
        return "—"
    if value.kind is DiscountKind.PERCENTAGE:
        return rate(value.value)
    return money(value.value, currency)


def day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date()
    return format_date(value, "dd/MM/yyyy", locale=LOCALE)


def timestamp(value: datetime | None) -> str:
    if value is None:
        return "—"
    return format_datetime(value, "dd/MM/yyyy HH:mm", tzinfo=PARIS, locale=LOCALE)


def month(value: date) -> str:
    """``nov. 2026`` for a chart's axis."""
    return format_date(value, "MMM yyyy", locale=LOCALE)


def ago(value: datetime | None, now: datetime) -> str:
    """« il y a 3 minutes », always shown next to the exact ``timestamp``."""
    if value is None:
        return ""
    return format_timedelta(value - now, add_direction=True, locale=LOCALE)


def iso(value: date | None) -> str:
    """The value of an ``<input type=date>``."""
    return "" if value is None else value.isoformat()
