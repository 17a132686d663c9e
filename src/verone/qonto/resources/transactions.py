"""``transactions``: list (every documented filter), iterate, bulk-fetch, get; and their
attachments (list, upload, detach one, detach all)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, Unpack

from pydantic import TypeAdapter

from verone.qonto._base import PreparedCall, RequestOptions, ShapeError, raw_bytes
from verone.qonto._encoding import FileUpload
from verone.qonto._pagination import DEFAULT_MAX_PAGES, Page
from verone.qonto.resources._collection import Collection, Items
from verone.qonto.resources._filters import (
    TransactionFilterArgs,
    TransactionFilters,
    with_keywords,
)
from verone.qonto.resources._resource import (
    AsyncRequester,
    AsyncResource,
    Listing,
    Resource,
    SyncRequester,
    SyncResource,
    endpoint,
    fetches_all,
    iterates,
)
from verone.qonto.resources._shared import item_id, nothing, one, page, paging
from verone.qonto.types._base import from_wire
from verone.qonto.types.attachments import Attachment
from verone.qonto.types.pagination import PaginationMeta
from verone.qonto.types.transactions import Transaction

T = TypeVar("T")

PATH = "/v2/transactions"
ONE = PATH + "/{id}"
ATTACHMENTS = ONE + "/attachments"
ATTACHMENT = ATTACHMENTS + "/{attachment_id}"


_TRANSACTION_LIST = TypeAdapter(list[Transaction])


def _page(data: object) -> Page[Transaction]:
    """A page of transactions: the items are validated in one call (the bulk path's hot spot)."""
    if not isinstance(data, dict) or not isinstance(data.get("transactions"), list):
        raise ShapeError("expected a JSON object with a 'transactions' list")
    raw_meta = data.get("meta")
    meta = from_wire(PaginationMeta, raw_meta) if raw_meta is not None else None
    return Page(_TRANSACTION_LIST.validate_python(data["transactions"]), meta)


NO_FILTERS = TransactionFilters()
_attachments = page(Attachment, "attachments")


def _uploaded(data: object) -> Attachment | None:
    """Qonto processes transaction uploads in the background: the answer may be empty."""
    if isinstance(data, dict) and "attachment" in data:
        return one(Attachment, "attachment")(data)
    return None


class _TransactionAttachments(Resource):
    @endpoint
    def list(
        self,
        transaction_id: str,
        *,
        page: int | None = None,
        per_page: int | None = None,
        options: RequestOptions | None = None,
    ) -> PreparedCall[Page[Attachment]]:
        """``GET /v2/transactions/{id}/attachments``."""
        return self._prepare(
            "GET",
            ATTACHMENTS,
            _attachments,
            path_params={"id": transaction_id},
            query=paging(page, per_page),
            options=options,
        )

    @endpoint
    def upload(
        self, transaction_id: str, file: FileUpload, *, options: RequestOptions | None = None
    ) -> PreparedCall[Attachment | None]:
        """``POST /v2/transactions/{id}/attachments`` (multipart ``file``, idempotent)."""
        return self._prepare(
            "POST",
            ATTACHMENTS,
            _uploaded,
            path_params={"id": transaction_id},
            files={"file": file},
            options=options,
        )

    @endpoint
    def detach(
        self, transaction_id: str, attachment_id: str, *, options: RequestOptions | None = None
    ) -> PreparedCall[None]:
        """``DELETE /v2/transactions/{id}/attachments/{attachment_id}`` (file kept)."""
        return self._prepare(
            "DELETE",
            ATTACHMENT,
            nothing,
            path_params={"id": transaction_id, "attachment_id": attachment_id},
            options=options,
        )

    @endpoint
    def detach_all(
        self, transaction_id: str, *, options: RequestOptions | None = None
    ) -> PreparedCall[None]:
        """``DELETE /v2/transactions/{id}/attachments``."""
        return self._prepare(
            "DELETE", ATTACHMENTS, nothing, path_params={"id": transaction_id}, options=options
        )


class TransactionAttachments(SyncResource, _TransactionAttachments):
    pass


class AsyncTransactionAttachments(AsyncResource, _TransactionAttachments):
    pass


class _Transactions(Items[Transaction]):
    _items = Collection(PATH, one(Transaction, "transaction"), _page)

    @endpoint
    def list(
        self,
        filters: TransactionFilters = NO_FILTERS,
        /,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
        **where: Unpack[TransactionFilterArgs],
    ) -> PreparedCall[Page[Transaction]]:
        """One page of ``GET /v2/transactions`` (filters as keywords, or a filters object)."""
        return self._filtered(with_keywords(filters, where), page, options)

    @endpoint
    def list_parsed(
        self,
        filters: TransactionFilters = NO_FILTERS,
        /,
        *,
        parse: Callable[[bytes], T],
        page: int | None = None,
        options: RequestOptions | None = None,
        **where: Unpack[TransactionFilterArgs],
    ) -> PreparedCall[T]:
        """One page of ``GET /v2/transactions`` whose body, as bytes, goes to ``parse``: for a
        caller that parses pages straight into its own models (the same budget, retries and
        errors as ``list``)."""
        query = with_keywords(filters, where).query(page)
        return self._prepare(
            "GET",
            PATH,
            lambda body: parse(raw_bytes(body)),
            query=query,
            options=options,
            raw_body=True,
        )

    @iterates
    def iter(
        self,
        filters: TransactionFilters = NO_FILTERS,
        /,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
        **where: Unpack[TransactionFilterArgs],
    ) -> Listing[Transaction]:
        """Every matching transaction, page after page."""
        return self._listing(with_keywords(filters, where), max_pages, key=item_id)

    @fetches_all
    def list_all(
        self,
        filters: TransactionFilters = NO_FILTERS,
        /,
        *,
        concurrency: int = 8,
        max_pages: int = DEFAULT_MAX_PAGES,
        **where: Unpack[TransactionFilterArgs],
    ) -> Listing[Transaction]:
        """Every matching transaction: page 1, then the other pages concurrently (threads on
        the sync client, at most ``concurrency`` in flight on the async one)."""
        return self._listing(with_keywords(filters, where), max_pages, concurrency, item_id)


class Transactions(SyncResource, _Transactions):
    def __init__(self, requester: SyncRequester) -> None:
        super().__init__(requester)
        self.attachments = TransactionAttachments(requester)


class AsyncTransactions(AsyncResource, _Transactions):
    def __init__(self, requester: AsyncRequester) -> None:
        super().__init__(requester)
        self.attachments = AsyncTransactionAttachments(requester)
