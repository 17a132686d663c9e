"""``quotes``: list, iterate, get, create, update, delete, send.

``update`` changes only the fields set in its params (``items`` replaces every line).
"""

from __future__ import annotations

from typing import Unpack

from verone.qonto._base import PreparedCall, RequestOptions
from verone.qonto._pagination import DEFAULT_MAX_PAGES, Page
from verone.qonto.resources._collection import Creates, Deletes, Updates, collection
from verone.qonto.resources._filters import QuoteFilterArgs, QuoteFilters, with_keywords
from verone.qonto.resources._resource import (
    AsyncResource,
    Listing,
    SyncResource,
    endpoint,
    iterates,
)
from verone.qonto.resources._shared import nothing
from verone.qonto.types.documents import SendParams
from verone.qonto.types.quotes import Quote, QuoteCreateParams, QuoteUpdateParams

NO_FILTERS = QuoteFilters()


class _Quotes(Creates[Quote, QuoteCreateParams], Updates[Quote, QuoteUpdateParams], Deletes[Quote]):
    _items = collection("/v2/quotes", Quote, "quote", "quotes")

    @endpoint
    def list(
        self,
        filters: QuoteFilters = NO_FILTERS,
        /,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
        **where: Unpack[QuoteFilterArgs],
    ) -> PreparedCall[Page[Quote]]:
        """One page of ``GET /v2/quotes``."""
        return self._filtered(with_keywords(filters, where), page, options)

    @iterates
    def iter(
        self,
        filters: QuoteFilters = NO_FILTERS,
        /,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
        **where: Unpack[QuoteFilterArgs],
    ) -> Listing[Quote]:
        """Every matching quote, page after page."""
        return self._listing(with_keywords(filters, where), max_pages)

    @endpoint
    def send(
        self, quote_id: str, params: SendParams, *, options: RequestOptions | None = None
    ) -> PreparedCall[None]:
        """``POST /v2/quotes/{id}/send`` (204)."""
        return self._on_item(
            "POST", quote_id, nothing, path="{}/send", json_body=params, options=options
        )


class Quotes(SyncResource, _Quotes):
    pass


class AsyncQuotes(AsyncResource, _Quotes):
    pass
