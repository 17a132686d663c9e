"""Document numbers (``F-2026-001``, ``D-…``, ``AV-…``) and the numbering-integrity check.

Numbers come only from Qonto at finalization; this module reads them and finds gaps and
duplicates among every number ever assigned, per document type and year (docs/rules.md,
"Numbering").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from verone.backoffice.domain.kinds import KINDS
from verone.backoffice.domain.statuses import DocumentType

#: Each kind's prefix (``DocumentKind.number_prefix``)
PREFIXES: dict[DocumentType, str] = {kind.type: kind.number_prefix for kind in KINDS}
_BY_PREFIX = {prefix: kind for kind, prefix in PREFIXES.items()}
_PATTERN = re.compile(
    rf"^({'|'.join(sorted(_BY_PREFIX, key=len, reverse=True))})-(\d{{4}})-(\d{{3,}})$"
)


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    document_type: DocumentType
    year: int
    sequence: int


def parse_number(number: str) -> ParsedNumber | None:
    """``"F-2026-007"`` → (invoice, 2026, 7); ``None`` for anything else."""
    match = _PATTERN.match(number)
    if match is None:
        return None
    prefix, year, sequence = match.groups()
    return ParsedNumber(_BY_PREFIX[prefix], int(year), int(sequence))


def format_number(document_type: DocumentType, year: int, sequence: int) -> str:
    return f"{PREFIXES[document_type]}-{year:04d}-{sequence:03d}"


@dataclass(frozen=True, slots=True)
class SeriesReport:
    """One series (document type, year): what is missing and what appears twice."""

    document_type: DocumentType
    year: int
    count: int
    highest: int
    gaps: tuple[int, ...]
    duplicates: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NumberingReport:
    series: tuple[SeriesReport, ...] = ()
    malformed: tuple[str, ...] = ()
    mismatched: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return (
            not self.malformed
            and not self.mismatched
            and all(not s.gaps and not s.duplicates for s in self.series)
        )


def check_numbering(assigned: Iterable[tuple[DocumentType, str]]) -> NumberingReport:
    """Gaps and duplicates in every number ever assigned, per (type, year).

    A gap is a sequence between 1 and the highest seen that nobody holds; a duplicate is a
    number seen more than once. Numbers that do not parse, or whose prefix contradicts the
    document type, are reported apart.
    """
    sequences: dict[tuple[DocumentType, int], list[int]] = defaultdict(list)
    malformed: list[str] = []
    mismatched: list[str] = []
    for document_type, number in assigned:
        parsed = parse_number(number)
        if parsed is None:
            malformed.append(number)
        elif parsed.document_type is not document_type:
            mismatched.append(number)
        else:
            sequences[(document_type, parsed.year)].append(parsed.sequence)
    reports = []
    for (document_type, year), seen in sorted(sequences.items()):
        counts = Counter(seen)
        highest = max(seen)
        reports.append(
            SeriesReport(
                document_type=document_type,
                year=year,
                count=len(seen),
                highest=highest,
                gaps=tuple(n for n in range(1, highest + 1) if n not in counts),
                duplicates=tuple(
                    format_number(document_type, year, n)
                    for n, c in sorted(counts.items())
                    if c > 1
                ),
            )
        )
    return NumberingReport(tuple(reports), tuple(malformed), tuple(mismatched))
