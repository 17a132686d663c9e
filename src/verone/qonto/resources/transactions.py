"""``transactions``: list (every documented filter), iterate, bulk-fetch, get; and their
attachments (list, upload, detach one, detach all)."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import TypeAdapter

from verone.qonto._base import RequestOptions, ShapeError
from verone.qonto._encoding import FileUpload, QueryParams
from verone.qonto._pagination import (
    DEFAULT_MAX_PAGES,
    MAX_PER_PAGE,
    Page,
    afetch_all,
    aiter_items,
    check_per_page,
    fetch_all,
    iter_items,
)
from verone.qonto.resources._resource import (
    AsyncRequester,
    AsyncResource,
    SyncRequester,
    SyncResource,
)
from verone.qonto.resources._shared import item_id, nothing, one, page
from verone.qonto.types._base import from_wire
from verone.qonto.types.attachments import Attachment
from verone.qonto.types.pagination import PaginationMeta
from verone.qonto.types.transactions import Transaction, TransactionSide, TransactionStatus

PATH = "/v2/transactions"
ONE = PATH + "/{id}"
ATTACHMENTS = ONE + "/attachments"
ATTACHMENT = ATTACHMENTS + "/{attachment_id}"


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


_TRANSACTION_LIST = TypeAdapter(list[Transaction])


def _page(data: object) -> Page[Transaction]:
    """A page of transactions: the items are validated in one call (the bulk path's hot spot)."""
    if not isinstance(data, dict) or not isinstance(data.get("transactions"), list):
        raise ShapeError("expected a JSON object with a 'transactions' list")
    raw_meta = data.get("meta")
    meta = from_wire(PaginationMeta, raw_meta) if raw_meta is not None else None
    return Page(_TRANSACTION_LIST.validate_python(data["transactions"]), meta)


_one = one(Transaction, "transaction")
_attachments = page(Attachment, "attachments")


def _uploaded(data: object) -> Attachment | None:
    """Qonto processes transaction uploads in the background: the answer may be empty."""
    if isinstance(data, dict) and "attachment" in data:
        return one(Attachment, "attachment")(data)
    return None


class TransactionAttachments(SyncResource):
    def list(
        self,
        transaction_id: str,
        *,
        page: int | None = None,
        per_page: int | None = None,
        options: RequestOptions | None = None,
    ) -> Page[Attachment]:
        """``GET /v2/transactions/{id}/attachments``."""
        check_per_page(per_page, MAX_PER_PAGE)
        return self._call(
            "GET",
            ATTACHMENTS,
            _attachments,
            path_params={"id": transaction_id},
            query={"page": page, "per_page": per_page},
            options=options,
        )

    def upload(
        self, transaction_id: str, file: FileUpload, *, options: RequestOptions | None = None
    ) -> Attachment | None:
        """``POST /v2/transactions/{id}/attachments`` (multipart ``file``, idempotent)."""
        return self._call(
            "POST",
            ATTACHMENTS,
            _uploaded,
            path_params={"id": transaction_id},
            files={"file": file},
            options=options,
        )

    def detach(
        self, transaction_id: str, attachment_id: str, *, options: RequestOptions | None = None
    ) -> None:
        """``DELETE /v2/transactions/{id}/attachments/{attachment_id}`` (file kept)."""
        self._call(
            "DELETE",
            ATTACHMENT,
            nothing,
            path_params={"id": transaction_id, "attachment_id": attachment_id},
            options=options,
        )

    def detach_all(self, transaction_id: str, *, options: RequestOptions | None = None) -> None:
        """``DELETE /v2/transactions/{id}/attachments``."""
        self._call(
            "DELETE", ATTACHMENTS, nothing, path_params={"id": transaction_id}, options=options
        )


class AsyncTransactionAttachments(AsyncResource):
    async def list(
        self,
        transaction_id: str,
        *,
        page: int | None = None,
        per_page: int | None = None,
        options: RequestOptions | None = None,
    ) -> Page[Attachment]:
        """``GET /v2/transactions/{id}/attachments``."""
        check_per_page(per_page, MAX_PER_PAGE)
        return await self._call(
            "GET",
            ATTACHMENTS,
            _attachments,
            path_params={"id": transaction_id},
            query={"page": page, "per_page": per_page},
            options=options,
        )

    async def upload(
        self, transaction_id: str, file: FileUpload, *, options: RequestOptions | None = None
    ) -> Attachment | None:
        """``POST /v2/transactions/{id}/attachments`` (multipart ``file``, idempotent)."""
        return await self._call(
            "POST",
            ATTACHMENTS,
            _uploaded,
            path_params={"id": transaction_id},
            files={"file": file},
            options=options,
        )

    async def detach(
        self, transaction_id: str, attachment_id: str, *, options: RequestOptions | None = None
    ) -> None:
        """``DELETE /v2/transactions/{id}/attachments/{attachment_id}`` (file kept)."""
        await self._call(
            "DELETE",
            ATTACHMENT,
            nothing,
            path_params={"id": transaction_id, "attachment_id": attachment_id},
            options=options,
        )

    async def detach_all(
        self, transaction_id: str, *, options: RequestOptions | None = None
    ) -> None:
        """``DELETE /v2/transactions/{id}/attachments``."""
        await self._call(
            "DELETE", ATTACHMENTS, nothing, path_params={"id": transaction_id}, options=options
        )


class Transactions(SyncResource):
    def __init__(self, requester: SyncRequester) -> None:
        super().__init__(requester)
        self.attachments = TransactionAttachments(self._requester)

    def list(
        self,
        filters: TransactionFilters,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
    ) -> Page[Transaction]:
        """One page of ``GET /v2/transactions``."""
        return self._call("GET", PATH, _page, query=filters.query(page), options=options)

    def iter(
        self, filters: TransactionFilters, *, max_pages: int = DEFAULT_MAX_PAGES
    ) -> Iterator[Transaction]:
        """Every matching transaction, page after page."""
        return iter_items(lambda n: self.list(filters, page=n), max_pages=max_pages)

    def list_all(
        self,
        filters: TransactionFilters,
        *,
        concurrency: int = 8,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> builtins.list[Transaction]:
        """Every matching transaction: page 1, then the other pages concurrently (threads)."""
        return fetch_all(
            lambda n: self.list(filters, page=n),
            concurrency=concurrency,
            key=item_id,
            max_pages=max_pages,
        )

    def get(self, transaction_id: str, *, options: RequestOptions | None = None) -> Transaction:
        """``GET /v2/transactions/{id}``."""
        return self._call("GET", ONE, _one, path_params={"id": transaction_id}, options=options)


class AsyncTransactions(AsyncResource):
    def __init__(self, requester: AsyncRequester) -> None:
        super().__init__(requester)
        self.attachments = AsyncTransactionAttachments(self._requester)

    async def list(
        self,
        filters: TransactionFilters,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
    ) -> Page[Transaction]:
        """One page of ``GET /v2/transactions``."""
        return await self._call("GET", PATH, _page, query=filters.query(page), options=options)

    def iter(
        self, filters: TransactionFilters, *, max_pages: int = DEFAULT_MAX_PAGES
    ) -> AsyncIterator[Transaction]:
        """Every matching transaction, page after page."""
        return aiter_items(lambda n: self.list(filters, page=n), max_pages=max_pages)

    async def list_all(
        self,
        filters: TransactionFilters,
        *,
        concurrency: int = 8,
        max_pages: int = DEFAULT_MAX_PAGES,
    ) -> builtins.list[Transaction]:
        """Every matching transaction: page 1, then the rest concurrently (a semaphore)."""
        return await afetch_all(
            lambda n: self.list(filters, page=n),
            concurrency=concurrency,
            key=item_id,
            max_pages=max_pages,
        )

    async def get(
        self, transaction_id: str, *, options: RequestOptions | None = None
    ) -> Transaction:
        """``GET /v2/transactions/{id}``."""
        return await self._call(
            "GET", ONE, _one, path_params={"id": transaction_id}, options=options
        )
