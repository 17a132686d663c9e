"""The append-only audit log, chained by hashes so that any edit or removal shows.

``entry_hash = sha256(prev_hash + canonical(entry))``; ``verify_chain`` finds the first break.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from verone.backoffice.domain.confirmation import canonical_json

GENESIS_HASH = "0" * 64

AuditValue = str | int | bool | None


@dataclass(eq=False)
class AuditEntry:
    """Who did what to which entity, when; ``seq`` orders the chain from 1."""

    seq: int
    at: datetime
    actor_id: uuid.UUID | None
    action: str
    entity_type: str
    entity_id: str
    details: dict[str, AuditValue]
    prev_hash: str
    entry_hash: str
    id: uuid.UUID = field(default_factory=uuid.uuid4)

    def chained_hash(self) -> str:
        """What ``entry_hash`` must be: the previous hash and this entry's content, hashed."""
        return chain_hash(self.prev_hash, canonical_entry(self))


def canonical_entry(entry: AuditEntry) -> bytes:
    return canonical_json(
        {
            "seq": entry.seq,
            "at": entry.at.isoformat(),
            "actor_id": None if entry.actor_id is None else str(entry.actor_id),
            "action": entry.action,
            "entity_type": entry.entity_type,
            "entity_id": entry.entity_id,
            "details": dict(entry.details),
        }
    )


def chain_hash(prev_hash: str, canonical: bytes) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical).hexdigest()


def next_entry(
    previous: AuditEntry | None,
    *,
    at: datetime,
    actor_id: uuid.UUID | None,
    action: str,
    entity_type: str,
    entity_id: str,
    details: Mapping[str, AuditValue] | None = None,
) -> AuditEntry:
    """The entry that follows ``previous`` (or starts the chain)."""
    if at.tzinfo is None:
        raise ValueError("audit timestamps are timezone-aware")
    entry = AuditEntry(
        seq=1 if previous is None else previous.seq + 1,
        at=at,
        actor_id=actor_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        details=dict(details or {}),
        prev_hash=GENESIS_HASH if previous is None else previous.entry_hash,
        entry_hash="",  # hashed once the entry is whole, just below
    )
    entry.entry_hash = entry.chained_hash()
    return entry


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain(entries: Iterable[AuditEntry]) -> ChainBreak | None:
    """The first broken link of a chain read in ``seq`` order, or ``None`` when intact."""
    expected_prev, expected_seq = GENESIS_HASH, 1
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainBreak(expected_seq, "missing or reordered entry")
        if entry.prev_hash != expected_prev:
            return ChainBreak(entry.seq, "previous hash does not match")
        if entry.chained_hash() != entry.entry_hash:
            return ChainBreak(entry.seq, "entry content was altered")
        expected_prev, expected_seq = entry.entry_hash, entry.seq + 1
    return None
