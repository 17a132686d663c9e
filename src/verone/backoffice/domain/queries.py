"""Read-side values shared by repositories and services: page requests, pages, filters."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Generic, TypeVar

from verone.backoffice.domain.statuses import DocumentOrigin, DocumentStatus, DocumentType

T = TypeVar("T")

MAX_PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class PageRequest:
    page: int = 1
    per_page: int = 25

    def __post_init__(self) -> None:
        if self.page < 1 or not 1 <= self.per_page <= MAX_PAGE_SIZE:
            raise ValueError(f"page >= 1 and 1 <= per_page <= {MAX_PAGE_SIZE}")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class DocumentSort(StrEnum):
    CREATED_AT = "created_at"
    ISSUE_DATE = "issue_date"
    DUE_DATE = "due_date"
    NUMBER = "number"
    CUSTOMER_NAME = "customer_name"
    TOTAL_AMOUNT = "total_amount"


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    """Every criterion is optional; ``search`` matches number or customer name."""

    document_type: DocumentType | None = None
    origin: DocumentOrigin | None = None
    statuses: frozenset[DocumentStatus] = field(default_factory=frozenset)
    customer_id: uuid.UUID | None = None
    sales_order_id: uuid.UUID | None = None
    search: str | None = None
    issued_from: date | None = None
    issued_to: date | None = None
    overdue_on: date | None = None
    #: documents with an amount paid but still due (« Partiellement payée »)
    partly_paid: bool = False
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    sort: DocumentSort = DocumentSort.CREATED_AT
    descending: bool = True


@dataclass(frozen=True, slots=True)
class DocumentTotals:
    """The sums of a filtered set of documents (shown under the list)."""

    count: int
    total_ht: Decimal
    total_amount: Decimal
    amount_due: Decimal


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """The journal's criteria; ``action`` ending with ``.`` matches a family (``document.``),
    ``at_to`` is exclusive."""

    actor_id: uuid.UUID | None = None
    action: str | None = None
    entity_id: str | None = None
    at_from: datetime | None = None
    at_to: datetime | None = None
