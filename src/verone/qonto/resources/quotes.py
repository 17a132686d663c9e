"""``quotes``: list, iterate, get, create, update, delete, send."""

from __future__ import annotations

from typing import Unpack

from verone.qonto._base import PreparedCall, RequestOptions
from verone.qonto._pagination import DEFAULT_MAX_PAGES, Page
from verone.qonto.resources._filters import QuoteFilterArgs, QuoteFilters, with_keywords
from verone.qonto.resources._resource import (
    AsyncResource,
    Listing,
    Resource,
    SyncResource,
    endpoint,
    iterates,
)
from verone.qonto.resources._shared import nothing, one, page
from verone.qonto.types.documents import SendParams
from verone.qonto.types.quotes import Quote, QuoteCreateParams, QuoteUpdateParams

PATH = "/v2/quotes"
ONE = PATH + "/{id}"
SEND = ONE + "/send"

_page = page(Quote, "quotes")
_one = one(Quote, "quote")
NO_FILTERS = QuoteFilters()


class _Quotes(Resource):
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
        query = with_keywords(filters, where).query(page)
        return self._prepare("GET", PATH, _page, query=query, options=options)

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
        chosen = with_keywords(filters, where)
        return Listing(
            lambda n: self._prepare("GET", PATH, _page, query=chosen.query(n)), max_pages
        )

    @endpoint
    def get(self, quote_id: str, *, options: RequestOptions | None = None) -> PreparedCall[Quote]:
        """``GET /v2/quotes/{id}``."""
        return self._prepare("GET", ONE, _one, path_params={"id": quote_id}, options=options)

    @endpoint
    def create(
        self, params: QuoteCreateParams, *, options: RequestOptions | None = None
    ) -> PreparedCall[Quote]:
        """``POST /v2/quotes``."""
        return self._prepare("POST", PATH, _one, json_body=params, options=options)

    @endpoint
    def update(
        self, quote_id: str, params: QuoteUpdateParams, *, options: RequestOptions | None = None
    ) -> PreparedCall[Quote]:
        """``PATCH /v2/quotes/{id}`` (``items`` replaces every line)."""
        return self._prepare(
            "PATCH", ONE, _one, path_params={"id": quote_id}, json_body=params, options=options
        )

    @endpoint
    def delete(self, quote_id: str, *, options: RequestOptions | None = None) -> PreparedCall[None]:
        """``DELETE /v2/quotes/{id}``."""
        return self._prepare("DELETE", ONE, nothing, path_params={"id": quote_id}, options=options)

    @endpoint
    def send(
        self, quote_id: str, params: SendParams, *, options: RequestOptions | None = None
    ) -> PreparedCall[None]:
        """``POST /v2/quotes/{id}/send`` (204)."""
        return self._prepare(
            "POST", SEND, nothing, path_params={"id": quote_id}, json_body=params, options=options
        )


class Quotes(SyncResource, _Quotes):
    pass


class AsyncQuotes(AsyncResource, _Quotes):
    pass
