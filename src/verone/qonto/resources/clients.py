"""``clients``: list with filters, iterate, get, create, update (partial), delete."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Unpack

from verone.qonto._base import RequestOptions
from verone.qonto._pagination import DEFAULT_MAX_PAGES, Page, aiter_items, iter_items
from verone.qonto.resources._filters import ClientFilterArgs, ClientFilters, with_keywords
from verone.qonto.resources._resource import AsyncResource, SyncResource
from verone.qonto.resources._shared import nothing, one, page
from verone.qonto.types.clients import Client, ClientCreateParams, ClientUpdateParams

PATH = "/v2/clients"
ONE = PATH + "/{id}"


_page = page(Client, "clients")
_one = one(Client, "client")
NO_FILTERS = ClientFilters()


class Clients(SyncResource):
    def list(
        self,
        filters: ClientFilters = NO_FILTERS,
        /,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
        **where: Unpack[ClientFilterArgs],
    ) -> Page[Client]:
        """One page of ``GET /v2/clients``."""
        query = with_keywords(filters, where).query(page)
        return self._call("GET", PATH, _page, query=query, options=options)

    def iter(
        self,
        filters: ClientFilters = NO_FILTERS,
        /,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
        **where: Unpack[ClientFilterArgs],
    ) -> Iterator[Client]:
        """Every matching client, page after page."""
        chosen = with_keywords(filters, where)
        return iter_items(lambda n: self.list(chosen, page=n), max_pages=max_pages)

    def get(self, client_id: str, *, options: RequestOptions | None = None) -> Client:
        """``GET /v2/clients/{id}``."""
        return self._call("GET", ONE, _one, path_params={"id": client_id}, options=options)

    def create(
        self, params: ClientCreateParams, *, options: RequestOptions | None = None
    ) -> Client:
        """``POST /v2/clients`` (Qonto has no uniqueness rule: search first)."""
        return self._call("POST", PATH, _one, json_body=params, options=options)

    def update(
        self, client_id: str, params: ClientUpdateParams, *, options: RequestOptions | None = None
    ) -> Client:
        """``PATCH /v2/clients/{id}``: only the fields set in ``params`` change."""
        return self._call(
            "PATCH", ONE, _one, path_params={"id": client_id}, json_body=params, options=options
        )

    def delete(self, client_id: str, *, options: RequestOptions | None = None) -> None:
        """``DELETE /v2/clients/{id}`` (permanent)."""
        self._call("DELETE", ONE, nothing, path_params={"id": client_id}, options=options)


class AsyncClients(AsyncResource):
    async def list(
        self,
        filters: ClientFilters = NO_FILTERS,
        /,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
        **where: Unpack[ClientFilterArgs],
    ) -> Page[Client]:
        """One page of ``GET /v2/clients``."""
        query = with_keywords(filters, where).query(page)
        return await self._call("GET", PATH, _page, query=query, options=options)

    def iter(
        self,
        filters: ClientFilters = NO_FILTERS,
        /,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
        **where: Unpack[ClientFilterArgs],
    ) -> AsyncIterator[Client]:
        """Every matching client, page after page."""
        chosen = with_keywords(filters, where)
        return aiter_items(lambda n: self.list(chosen, page=n), max_pages=max_pages)

    async def get(self, client_id: str, *, options: RequestOptions | None = None) -> Client:
        """``GET /v2/clients/{id}``."""
        return await self._call("GET", ONE, _one, path_params={"id": client_id}, options=options)

    async def create(
        self, params: ClientCreateParams, *, options: RequestOptions | None = None
    ) -> Client:
        """``POST /v2/clients``."""
        return await self._call("POST", PATH, _one, json_body=params, options=options)

    async def update(
        self, client_id: str, params: ClientUpdateParams, *, options: RequestOptions | None = None
    ) -> Client:
        """``PATCH /v2/clients/{id}``."""
        return await self._call(
            "PATCH", ONE, _one, path_params={"id": client_id}, json_body=params, options=options
        )

    async def delete(self, client_id: str, *, options: RequestOptions | None = None) -> None:
        """``DELETE /v2/clients/{id}``."""
        await self._call("DELETE", ONE, nothing, path_params={"id": client_id}, options=options)
