"""``clients``: list with filters, iterate, get, create, update (partial), delete."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

from verone.qonto._base import RequestOptions
from verone.qonto._encoding import QueryParams
from verone.qonto._pagination import (
    DEFAULT_MAX_PAGES,
    MAX_PER_PAGE,
    Page,
    aiter_items,
    check_per_page,
    iter_items,
)
from verone.qonto.resources._resource import AsyncResource, SyncResource
from verone.qonto.resources._shared import nothing, one, page
from verone.qonto.types.clients import Client, ClientCreateParams, ClientUpdateParams

PATH = "/v2/clients"
ONE = PATH + "/{id}"


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


_page = page(Client, "clients")
_one = one(Client, "client")
NO_FILTERS = ClientFilters()


class Clients(SyncResource):
    def list(
        self,
        filters: ClientFilters = NO_FILTERS,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
    ) -> Page[Client]:
        """One page of ``GET /v2/clients``."""
        return self._call("GET", PATH, _page, query=filters.query(page), options=options)

    def iter(
        self, filters: ClientFilters = NO_FILTERS, *, max_pages: int = DEFAULT_MAX_PAGES
    ) -> Iterator[Client]:
        """Every matching client, page after page."""
        return iter_items(lambda n: self.list(filters, page=n), max_pages=max_pages)

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
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
    ) -> Page[Client]:
        """One page of ``GET /v2/clients``."""
        return await self._call("GET", PATH, _page, query=filters.query(page), options=options)

    def iter(
        self, filters: ClientFilters = NO_FILTERS, *, max_pages: int = DEFAULT_MAX_PAGES
    ) -> AsyncIterator[Client]:
        """Every matching client, page after page."""
        return aiter_items(lambda n: self.list(filters, page=n), max_pages=max_pages)

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
