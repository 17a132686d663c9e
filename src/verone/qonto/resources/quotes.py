"""``quotes``: list, iterate, get, create, update, delete, send."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Unpack

from verone.qonto._base import RequestOptions
from verone.qonto._pagination import DEFAULT_MAX_PAGES, Page, aiter_items, iter_items
from verone.qonto.resources._filters import QuoteFilterArgs, QuoteFilters, with_keywords
from verone.qonto.resources._resource import AsyncResource, SyncResource
from verone.qonto.resources._shared import nothing, one, page
from verone.qonto.types.documents import SendParams
from verone.qonto.types.quotes import Quote, QuoteCreateParams, QuoteUpdateParams

PATH = "/v2/quotes"
ONE = PATH + "/{id}"
SEND = ONE + "/send"

_page = page(Quote, "quotes")
_one = one(Quote, "quote")
NO_FILTERS = QuoteFilters()


class Quotes(SyncResource):
    def list(
        self,
        filters: QuoteFilters = NO_FILTERS,
        /,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
        **where: Unpack[QuoteFilterArgs],
    ) -> Page[Quote]:
        """One page of ``GET /v2/quotes``."""
        query = with_keywords(filters, where).query(page)
        return self._call("GET", PATH, _page, query=query, options=options)

    def iter(
        self,
        filters: QuoteFilters = NO_FILTERS,
        /,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
        **where: Unpack[QuoteFilterArgs],
    ) -> Iterator[Quote]:
        """Every matching quote, page after page."""
        chosen = with_keywords(filters, where)
        return iter_items(lambda n: self.list(chosen, page=n), max_pages=max_pages)

    def get(self, quote_id: str, *, options: RequestOptions | None = None) -> Quote:
        """``GET /v2/quotes/{id}``."""
        return self._call("GET", ONE, _one, path_params={"id": quote_id}, options=options)

    def create(self, params: QuoteCreateParams, *, options: RequestOptions | None = None) -> Quote:
        """``POST /v2/quotes``."""
        return self._call("POST", PATH, _one, json_body=params, options=options)

    def update(
        self, quote_id: str, params: QuoteUpdateParams, *, options: RequestOptions | None = None
    ) -> Quote:
        """``PATCH /v2/quotes/{id}`` (``items`` replaces every line)."""
        return self._call(
            "PATCH", ONE, _one, path_params={"id": quote_id}, json_body=params, options=options
        )

    def delete(self, quote_id: str, *, options: RequestOptions | None = None) -> None:
        """``DELETE /v2/quotes/{id}``."""
        self._call("DELETE", ONE, nothing, path_params={"id": quote_id}, options=options)

    def send(
        self, quote_id: str, params: SendParams, *, options: RequestOptions | None = None
    ) -> None:
        """``POST /v2/quotes/{id}/send`` (204)."""
        self._call(
            "POST", SEND, nothing, path_params={"id": quote_id}, json_body=params, options=options
        )


class AsyncQuotes(AsyncResource):
    async def list(
        self,
        filters: QuoteFilters = NO_FILTERS,
        /,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
        **where: Unpack[QuoteFilterArgs],
    ) -> Page[Quote]:
        """One page of ``GET /v2/quotes``."""
        query = with_keywords(filters, where).query(page)
        return await self._call("GET", PATH, _page, query=query, options=options)

    def iter(
        self,
        filters: QuoteFilters = NO_FILTERS,
        /,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
        **where: Unpack[QuoteFilterArgs],
    ) -> AsyncIterator[Quote]:
        """Every matching quote, page after page."""
        chosen = with_keywords(filters, where)
        return aiter_items(lambda n: self.list(chosen, page=n), max_pages=max_pages)

    async def get(self, quote_id: str, *, options: RequestOptions | None = None) -> Quote:
        """``GET /v2/quotes/{id}``."""
        return await self._call("GET", ONE, _one, path_params={"id": quote_id}, options=options)

    async def create(
        self, params: QuoteCreateParams, *, options: RequestOptions | None = None
    ) -> Quote:
        """``POST /v2/quotes``."""
        return await self._call("POST", PATH, _one, json_body=params, options=options)

    async def update(
        self, quote_id: str, params: QuoteUpdateParams, *, options: RequestOptions | None = None
    ) -> Quote:
        """``PATCH /v2/quotes/{id}``."""
        return await self._call(
            "PATCH", ONE, _one, path_params={"id": quote_id}, json_body=params, options=options
        )

    async def delete(self, quote_id: str, *, options: RequestOptions | None = None) -> None:
        """``DELETE /v2/quotes/{id}``."""
        await self._call("DELETE", ONE, nothing, path_params={"id": quote_id}, options=options)

    async def send(
        self, quote_id: str, params: SendParams, *, options: RequestOptions | None = None
    ) -> None:
        """``POST /v2/quotes/{id}/send`` (204)."""
        await self._call(
            "POST", SEND, nothing, path_params={"id": quote_id}, json_body=params, options=options
        )
