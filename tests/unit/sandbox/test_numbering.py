"""Gapless, unique document numbering per series and year."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from verone.sandbox.invoicing.numbering import Numbering, Series, format_number


def test_sequences_are_per_series_and_year() -> None:
    numbering = Numbering()
    assert numbering.next_number(Series.INVOICE, 2026) == "F-2026-001"
    assert numbering.next_number(Series.INVOICE, 2026) == "F-2026-002"
    assert numbering.next_number(Series.INVOICE, 2027) == "F-2027-001"
    assert numbering.next_number(Series.QUOTE, 2026) == "D-2026-001"
    assert numbering.next_number(Series.CREDIT_NOTE, 2026) == "AV-2026-001"
    assert numbering.last_sequence(Series.INVOICE, 2026) == 2


def test_numbers_grow_past_three_digits() -> None:
    assert format_number(Series.INVOICE, 2026, 1234) == "F-2026-1234"


def test_custom_numbers_are_claimed_once_and_skipped_by_the_sequence() -> None:
    numbering = Numbering()
    assert numbering.claim(Series.INVOICE, "F-2026-002") is True
    assert numbering.claim(Series.INVOICE, "F-2026-002") is False
    assert numbering.claim(Series.QUOTE, "F-2026-002") is True
    assert numbering.next_number(Series.INVOICE, 2026) == "F-2026-001"
    assert numbering.next_number(Series.INVOICE, 2026) == "F-2026-003"
    assert numbering.is_used(Series.INVOICE, "F-2026-003")


def test_snapshot_round_trip_keeps_counters_and_used_numbers() -> None:
    numbering = Numbering()
    numbering.next_number(Series.INVOICE, 2026)
    numbering.claim(Series.INVOICE, "CUSTOM-1")
    restored = Numbering.from_snapshot(numbering.to_snapshot())
    assert restored.to_snapshot() == numbering.to_snapshot()
    assert restored.next_number(Series.INVOICE, 2026) == "F-2026-002"
    assert restored.claim(Series.INVOICE, "CUSTOM-1") is False


@given(st.lists(st.tuples(st.sampled_from([2025, 2026]), st.booleans()), max_size=60))
def test_issued_numbers_are_gapless_and_unique(draws: list[tuple[int, bool]]) -> None:
    numbering = Numbering()
    issued: list[str] = []
    for year, custom in draws:
        if custom:
            # a custom number that may collide with a future sequence number
            candidate = format_number(Series.INVOICE, year, len(issued) + 2)
            if numbering.claim(Series.INVOICE, candidate):
                issued.append(candidate)
        else:
            issued.append(numbering.next_number(Series.INVOICE, year))
    assert len(issued) == len(set(issued))
    for year in (2025, 2026):
        used = {int(m.group(1)) for n in issued if (m := re.fullmatch(rf"F-{year}-(\d+)", n))}
        last = numbering.last_sequence(Series.INVOICE, year)
        assert set(range(1, last + 1)) <= used  # no hole below the sequence's last number
