"""List filters of every resource, in two typed forms.

A ``*Filters`` dataclass is the internal form (it builds the query and checks ``per_page``);
the matching ``*FilterArgs`` TypedDict types the keyword filters the list methods take, as
stripe-python and openai-python do::

    qonto.transactions.iter(bank_account_id=account, status=["completed"], per_page=100)
    qonto.transactions.iter(TransactionFilters(bank_account_id=account), side="credit")

Keywords apply on top of a filters object given positionally (``with_keywords``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, TypedDict, TypeVar

from verone.qonto._encoding import QueryParams
from verone.qonto._pagination import MAX_PER_PAGE, MAX_PER_PAGE_INVOICING, check_per_page
from verone.qonto.types.transactions import TransactionSide, TransactionStatus

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    F = TypeVar("F", bound=DataclassInstance)
else:
    F = TypeVar("F")


def with_keywords(filters: F, keywords: Mapping[str, object]) -> F:
    """``filters`` with a call's keyword filters applied on top (an unknown name is a
    ``TypeError``, as for any function)."""
    if not keywords:
        return filters
    try:
        return replace(filters, **keywords)
    except TypeError:
        unknown = sorted(set(keywords) - set(type(filters).__dataclass_fields__))
        if not unknown:
            raise
        raise TypeError(
            f"unknown filter {', '.join(map(repr, unknown))} for {type(filters).__name__}"
        ) from None


def _statuses(values: Sequence[str]) -> str | None:
    return ",".join(str(v) for v in values) or None


class TransactionFilterArgs(TypedDict, total=False):
    """Keyword filters of ``transactions.list``/``iter``/``list_all``."""

    bank_account_id: str | None
    iban: str | None
    status: Sequence[TransactionStatus | str]
    side: TransactionSide | str | None
    operation_type: Sequence[str]
    settled_at_from: datetime | None
    settled_at_to: datetime | None
    emitted_at_from: datetime | None
    emitted_at_to: datetime | None
    updated_at_from: datetime | None
    updated_at_to: datetime | None
    created_at_from: datetime | None
    created_at_to: datetime | None
    with_attachments: bool | None
    includes: Sequence[str]
    sort_by: str | None
    per_page: int | None


@dataclass(frozen=True, slots=True)
class TransactionFilters:
    """Every documented filter of ``GET /v2/transactions`` (one of account id / IBAN)."""

    bank_account_id: str | None = None
    iban: str | None = None
    status: Sequence[TransactionStatus | str] = ()
    side: TransactionSide | str | None = None
    operation_type: Sequence[str] = ()
    settled_at_from: datetime | None = None
    settled_at_to: datetime | None = None
    emitted_at_from: datetime | None = None
    emitted_at_to: datetime | None = None
    updated_at_from: datetime | None = None
    updated_at_to: datetime | None = None
    created_at_from: datetime | None = None
    created_at_to: datetime | None = None
    with_attachments: bool | None = None
    includes: Sequence[str] = ()
    sort_by: str | None = None
    per_page: int | None = None

    def query(self, page_number: int | None) -> QueryParams:
        if not (self.bank_account_id or self.iban):
            raise ValueError("give bank_account_id or iban: Qonto lists one account at a time")
        check_per_page(self.per_page, MAX_PER_PAGE)
        return {
            "bank_account_id": self.bank_account_id,
            "iban": self.iban,
            "status[]": [str(s) for s in self.status],
            "side": self.side,
            "operation_type[]": list(self.operation_type),
            "settled_at_from": self.settled_at_from,
            "settled_at_to": self.settled_at_to,
            "emitted_at_from": self.emitted_at_from,
            "emitted_at_to": self.emitted_at_to,
            "updated_at_from": self.updated_at_from,
            "updated_at_to": self.updated_at_to,
            "created_at_from": self.created_at_from,
            "created_at_to": self.created_at_to,
            "with_attachments": self.with_attachments,
            "includes[]": list(self.includes),
            "sort_by": self.sort_by,
            "page": page_number,
            "per_page": self.per_page,
        }


class ClientFilterArgs(TypedDict, total=False):
    """Keyword filters of ``clients.list``/``iter``."""

    name: str | None
    email: str | None
    vat_number: str | None
    tax_identification_number: str | None
    sort_by: str | None
    per_page: int | None


@dataclass(frozen=True, slots=True)
class ClientFilters:
    """``name`` matches partially (>= 2 characters, accent-insensitive); others exactly."""

    name: str | None = None
    email: str | None = None
    vat_number: str | None = None
    tax_identification_number: str | None = None
    sort_by: str | None = None
    per_page: int | None = None

    def query(self, page_number: int | None) -> QueryParams:
        check_per_page(self.per_page, MAX_PER_PAGE)
        return {
            "filter[name]": self.name,
            "filter[email]": self.email,
            "filter[vat_number]": self.vat_number,
            "filter[tax_identification_number]": self.tax_identification_number,
            "sort_by": self.sort_by,
            "page": page_number,
            "per_page": self.per_page,
        }


class ClientInvoiceFilterArgs(TypedDict, total=False):
    """Keyword filters of ``client_invoices.list``/``iter``."""

    status: Sequence[str]
    created_at_from: datetime | None
    created_at_to: datetime | None
    updated_at_from: datetime | None
    updated_at_to: datetime | None
    due_date: date | None
    due_date_from: date | None
    due_date_to: date | None
    exclude_imported: bool | None
    sort_by: str | None
    per_page: int | None


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


class QuoteFilterArgs(TypedDict, total=False):
    """Keyword filters of ``quotes.list``/``iter``."""

    status: Sequence[str]
    created_at_from: datetime | None
    created_at_to: datetime | None
    sort_by: str | None
    per_page: int | None


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


class CreditNoteFilterArgs(TypedDict, total=False):
    """Keyword filters of ``credit_notes.list``/``iter``."""

    created_at_from: datetime | None
    created_at_to: datetime | None
    invoice_id: str | None
    sort_by: str | None
    per_page: int | None


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
