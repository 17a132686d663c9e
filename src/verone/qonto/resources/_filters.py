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
from dataclasses import Field, dataclass, fields, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict, TypeVar

from verone.qonto._encoding import QueryParams, QueryValue
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


class ListQuery:
    """The query of a list, built from the filters' fields: each under its wire name
    (``wire``, but ``plain`` names as they are), ``page`` just before ``per_page``.

    A field whose default is ``()`` holds several values: repeated as ``name[]``, or with
    ``joined`` one comma-separated value (``filter[status]=draft,unpaid``).
    """

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]
    max_per_page: ClassVar[int] = MAX_PER_PAGE
    wire: ClassVar[str] = "filter[{}]"
    plain: ClassVar[frozenset[str]] = frozenset({"sort_by", "per_page"})
    joined: ClassVar[bool] = True
    per_page: int | None

    def query(self, page_number: int | None) -> QueryParams:
        check_per_page(self.per_page, self.max_per_page)
        params: dict[str, QueryValue | list[str]] = {}
        for field in fields(self):
            value = getattr(self, field.name)
            name = field.name if field.name in self.plain else self.wire.format(field.name)
            if field.name == "per_page":
                params["page"] = page_number
            if field.default != ():
                params[name] = value
            elif self.joined:
                params[name] = ",".join(str(v) for v in value) or None
            else:
                params[name + "[]"] = [str(v) for v in value]
        return params


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
class TransactionFilters(ListQuery):
    """Every documented filter of ``GET /v2/transactions`` (one of account id / IBAN)."""

    wire: ClassVar[str] = "{}"
    joined: ClassVar[bool] = False

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
        return ListQuery.query(self, page_number)  # (no zero-argument super in a slots dataclass)


class ClientFilterArgs(TypedDict, total=False):
    """Keyword filters of ``clients.list``/``iter``."""

    name: str | None
    email: str | None
    vat_number: str | None
    tax_identification_number: str | None
    sort_by: str | None
    per_page: int | None


@dataclass(frozen=True, slots=True)
class ClientFilters(ListQuery):
    """``name`` matches partially (>= 2 characters, accent-insensitive); others exactly."""

    name: str | None = None
    email: str | None = None
    vat_number: str | None = None
    tax_identification_number: str | None = None
    sort_by: str | None = None
    per_page: int | None = None


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
class ClientInvoiceFilters(ListQuery):
    """``GET /v2/client_invoices`` filters; ``per_page`` up to 500."""

    max_per_page: ClassVar[int] = MAX_PER_PAGE_INVOICING
    plain: ClassVar[frozenset[str]] = frozenset({"exclude_imported", "sort_by", "per_page"})

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


class QuoteFilterArgs(TypedDict, total=False):
    """Keyword filters of ``quotes.list``/``iter``."""

    status: Sequence[str]
    created_at_from: datetime | None
    created_at_to: datetime | None
    sort_by: str | None
    per_page: int | None


@dataclass(frozen=True, slots=True)
class QuoteFilters(ListQuery):
    """``GET /v2/quotes`` filters; ``per_page`` up to 500."""

    max_per_page: ClassVar[int] = MAX_PER_PAGE_INVOICING

    status: Sequence[str] = ()
    created_at_from: datetime | None = None
    created_at_to: datetime | None = None
    sort_by: str | None = None
    per_page: int | None = None


class CreditNoteFilterArgs(TypedDict, total=False):
    """Keyword filters of ``credit_notes.list``/``iter``."""

    created_at_from: datetime | None
    created_at_to: datetime | None
    invoice_id: str | None
    sort_by: str | None
    per_page: int | None


@dataclass(frozen=True, slots=True)
class CreditNoteFilters(ListQuery):
    """``GET /v2/credit_notes`` filters; ``per_page`` up to 100."""

    created_at_from: datetime | None = None
    created_at_to: datetime | None = None
    invoice_id: str | None = None
    sort_by: str | None = None
    per_page: int | None = None
