"""List filters of the invoicing resources (client invoices, quotes, credit notes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from verone.qonto._encoding import QueryParams
from verone.qonto._pagination import MAX_PER_PAGE, MAX_PER_PAGE_INVOICING, check_per_page


def _statuses(values: Sequence[str]) -> str | None:
    return ",".join(str(v) for v in values) or None


@dataclass(frozen=True, slots=True)
class ClientInvoiceFilters:
    """``GET /v2/client_invoices`` filters; ``per_page`` up to 500."""

    status: Sequence[str] = ()
    created_at_from: datetime | None = None
    created_at_to: datetime | None = None
    updated_at_from: datetime | None = None
    updated_at_to: datetime | None = None
    due_date: date | None = None
    due_date_from: date | None = None
    due_date_to: date | None = None
    exclude_imported: bool | None = None
    sort_by: str | None = None
    per_page: int | None = None

    def query(self, page_number: int | None) -> QueryParams:
        check_per_page(self.per_page, MAX_PER_PAGE_INVOICING)
        return {
            "filter[status]": _statuses(self.status),
            "filter[created_at_from]": self.created_at_from,
            "filter[created_at_to]": self.created_at_to,
            "filter[updated_at_from]": self.updated_at_from,
            "filter[updated_at_to]": self.updated_at_to,
            "filter[due_date]": self.due_date,
            "filter[due_date_from]": self.due_date_from,
            "filter[due_date_to]": self.due_date_to,
            "exclude_imported": self.exclude_imported,
            "sort_by": self.sort_by,
            "page": page_number,
            "per_page": self.per_page,
        }


@dataclass(frozen=True, slots=True)
class QuoteFilters:
    """``GET /v2/quotes`` filters; ``per_page`` up to 500."""

    status: Sequence[str] = ()
    created_at_from: datetime | None = None
    created_at_to: datetime | None = None
    sort_by: str | None = None
    per_page: int | None = None

    def query(self, page_number: int | None) -> QueryParams:
        check_per_page(self.per_page, MAX_PER_PAGE_INVOICING)
        return {
            "filter[status]": _statuses(self.status),
            "filter[created_at_from]": self.created_at_from,
            "filter[created_at_to]": self.created_at_to,
            "sort_by": self.sort_by,
            "page": page_number,
            "per_page": self.per_page,
        }


@dataclass(frozen=True, slots=True)
class CreditNoteFilters:
    """``GET /v2/credit_notes`` filters; ``per_page`` up to 100."""

    created_at_from: datetime | None = None
    created_at_to: datetime | None = None
    invoice_id: str | None = None
    sort_by: str | None = None
    per_page: int | None = None

    def query(self, page_number: int | None) -> QueryParams:
        check_per_page(self.per_page, MAX_PER_PAGE)
        return {
            "filter[created_at_from]": self.created_at_from,
            "filter[created_at_to]": self.created_at_to,
            "filter[invoice_id]": self.invoice_id,
            "sort_by": self.sort_by,
            "page": page_number,
            "per_page": self.per_page,
        }
