"""Gapless document numbering per organization: ``F-2026-001``, ``D-2026-001``, ``AV-2026-001``.

One sequence per (prefix, year); a number is burned once issued and never handed out again.
"""

from __future__ import annotations

from enum import StrEnum

from verone.sandbox.errors import QontoHTTPError


class Series(StrEnum):
    """The numbered document kinds and their prefixes."""

    INVOICE = "F"
    QUOTE = "D"
    CREDIT_NOTE = "AV"


_NAMES = {Series.INVOICE: "Invoice", Series.QUOTE: "Quote", Series.CREDIT_NOTE: "Credit note"}


def number_taken(series: Series, number: str) -> QontoHTTPError:
    """Qonto's 409 for a custom number already used in the series."""
    name = _NAMES[series]
    code = f"{name.lower().replace(' ', '_')}_number_already_exists"
    detail = f"{name} number {number} already exists"
    return QontoHTTPError(409, code, detail, pointer="/data/attributes/number")


def format_number(series: Series, year: int, sequence: int) -> str:
    return f"{series.value}-{year}-{sequence:03d}"


class Numbering:
    """Counters per series and year plus the set of numbers already used in each series.

    ``next_number`` skips numbers already taken by a custom number, so the set of issued
    numbers of a series never has a hole and never a duplicate.
    """

    def __init__(self) -> None:
        self._counters: dict[str, int] = {}
        self._used: dict[Series, set[str]] = {series: set() for series in Series}

    @staticmethod
    def _key(series: Series, year: int) -> str:
        return f"{series.value}:{year}"

    def is_used(self, series: Series, number: str) -> bool:
        return number in self._used[series]

    def claim(self, series: Series, number: str) -> bool:
        """Record a custom number; ``False`` if it is already used in that series."""
        if number in self._used[series]:
            return False
        self._used[series].add(number)
        return True

    def issue(self, series: Series, custom: str | None, year: int) -> str:
        """The number of a document being issued: ``custom`` when given (409 if already used
        in the series), otherwise the next one of the series for ``year``."""
        if not custom:
            return self.next_number(series, year)
        if not self.claim(series, custom):
            raise number_taken(series, custom)
        return custom

    def next_number(self, series: Series, year: int) -> str:
        """Burn and return the next free number of the series for ``year``."""
        key = self._key(series, year)
        sequence = self._counters.get(key, 0)
        while True:
            sequence += 1
            number = format_number(series, year, sequence)
            if number not in self._used[series]:
                break
        self._counters[key] = sequence
        self._used[series].add(number)
        return number

    def last_sequence(self, series: Series, year: int) -> int:
        return self._counters.get(self._key(series, year), 0)

    def to_snapshot(self) -> dict[str, object]:
        return {
            "counters": dict(self._counters),
            "used": {series.value: sorted(self._used[series]) for series in Series},
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, object]) -> Numbering:
        numbering = cls()
        counters = data.get("counters", {})
        if isinstance(counters, dict):
            for key, value in counters.items():
                if isinstance(key, str) and isinstance(value, int):
                    numbering._counters[key] = value
        used = data.get("used", {})
        if isinstance(used, dict):
            for series in Series:
                numbers = used.get(series.value, [])
                if isinstance(numbers, list):
                    numbering._used[series] = {n for n in numbers if isinstance(n, str)}
        return numbering
