"""Numbering integrity (gaps, duplicates) and the audit log's hash chain."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from tests.unit.domain.factories import NOW
from verone.backoffice.domain.audit import (
    GENESIS_HASH,
    AuditEntry,
    next_entry,
    verify_chain,
)
from verone.backoffice.domain.numbering import check_numbering, format_number, parse_number
from verone.backoffice.domain.statuses import DocumentType

INV, CN, QT = DocumentType.INVOICE, DocumentType.CREDIT_NOTE, DocumentType.QUOTE


class TestNumbering:
    def test_parse_and_format(self) -> None:
        parsed = parse_number("AV-2026-012")
        assert parsed is not None
        assert (parsed.document_type, parsed.year, parsed.sequence) == (CN, 2026, 12)
        assert format_number(QT, 2026, 3) == "D-2026-003"
        assert parse_number("F-2026-1") is None

    def test_clean_series(self) -> None:
        report = check_numbering([(INV, f"F-2026-{n:03d}") for n in (3, 1, 2)])
        assert report.ok
        assert report.series[0].highest == 3
        assert report.series[0].count == 3

    def test_gaps_and_duplicates_per_type_and_year(self) -> None:
        report = check_numbering(
            [
                (INV, "F-2026-001"),
                (INV, "F-2026-004"),
                (INV, "F-2026-004"),
                (INV, "F-2025-002"),
                (CN, "AV-2026-001"),
                (QT, "F-2026-002"),
                (QT, "nonsense"),
            ]
        )
        assert not report.ok
        by_key = {(s.document_type, s.year): s for s in report.series}
        assert by_key[(INV, 2026)].gaps == (2, 3)
        assert by_key[(INV, 2026)].duplicates == ("F-2026-004",)
        assert by_key[(INV, 2025)].gaps == (1,)
        assert by_key[(CN, 2026)].gaps == ()
        assert by_key[(CN, 2026)].duplicates == ()
        assert report.mismatched == ("F-2026-002",)
        assert report.malformed == ("nonsense",)

    @given(st.sets(st.integers(min_value=1, max_value=200), min_size=1))
    def test_gaps_are_exactly_the_missing_numbers(self, taken: set[int]) -> None:
        report = check_numbering([(INV, format_number(INV, 2026, n)) for n in taken])
        missing = set(range(1, max(taken) + 1)) - taken
        assert set(report.series[0].gaps) == missing
        assert report.ok == (not missing)


def chain(length: int) -> list[AuditEntry]:
    entries: list[AuditEntry] = []
    actor = uuid.uuid4()
    for i in range(length):
        entries.append(
            next_entry(
                entries[-1] if entries else None,
                at=NOW + timedelta(seconds=i),
                actor_id=actor,
                action="document.finalized",
                entity_type="financial_document",
                entity_id=str(i),
                details={"number": f"F-2026-{i + 1:03d}", "amount_cents": 1000 + i},
            )
        )
    return entries


class TestAuditChain:
    def test_intact_chain_verifies(self) -> None:
        entries = chain(5)
        assert entries[0].prev_hash == GENESIS_HASH
        assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
        assert verify_chain(entries) is None
        assert verify_chain([]) is None

    def test_altered_details_are_found(self) -> None:
        entries = chain(5)
        entries[2].details["amount_cents"] = 1
        broken = verify_chain(entries)
        assert broken is not None
        assert broken.seq == 3
        assert "altered" in broken.reason

    def test_removed_entry_is_found(self) -> None:
        entries = chain(5)
        del entries[1]
        broken = verify_chain(entries)
        assert broken is not None
        assert broken.seq == 2

    def test_rehashed_entry_breaks_the_next_link(self) -> None:
        entries = chain(4)
        forged = next_entry(
            entries[0],
            at=entries[1].at,
            actor_id=None,
            action="document.finalized",
            entity_type="financial_document",
            entity_id="1",
        )
        entries[1] = forged
        broken = verify_chain(entries)
        assert broken is not None
        assert broken.seq == 3
        assert "previous" in broken.reason

    @given(st.integers(min_value=0, max_value=5), st.sampled_from(["action", "entity_id", "at"]))
    def test_any_single_field_edit_is_detected(self, index: int, name: str) -> None:
        entries = chain(6)
        entry = entries[index]
        if name == "at":
            entries[index] = dataclasses.replace(entry, at=entry.at + timedelta(seconds=1))
        elif name == "action":
            entries[index] = dataclasses.replace(entry, action="edited")
        else:
            entries[index] = dataclasses.replace(entry, entity_id="edited")
        broken = verify_chain(entries)
        assert broken is not None
        assert broken.seq == index + 1
