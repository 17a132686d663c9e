"""``clients``: list with filters, iterate, get, create, update (partial), delete."""

from __future__ import annotations

from typing import Unpack

from verone.qonto._base import PreparedCall, RequestOptions
from verone.qonto._pagination import DEFAULT_MAX_PAGES, Page
from verone.qonto.resources._filters import ClientFilterArgs, ClientFilters, with_keywords
from verone.qonto.resources._resource import (
    AsyncResource,
    Listing,
    Resource,
    SyncResource,
    endpoint,
    iterates,
)
from verone.qonto.resources._shared import nothing, one, page
from verone.qonto.types.clients import Client, ClientCreateParams, ClientUpdateParams

PATH = "/v2/clients"
ONE = PATH + "/{id}"


_page = page(Client, "clients")
_one = one(Client, "client")
NO_FILTERS = ClientFilters()


class _Clients(Resource):
    @endpoint
    def list(
        self,
        filters: ClientFilters = NO_FILTERS,
        /,
        *,
        page: int | None = None,
        options: RequestOptions | None = None,
        **where: Unpack[ClientFilterArgs],
    ) -> PreparedCall[Page[Client]]:
        """One page of ``GET /v2/clients``."""
        query = with_keywords(filters, where).query(page)
        return self._prepare("GET", PATH, _page, query=query, options=options)

    @iterates
    def iter(
        self,
        filters: ClientFilters = NO_FILTERS,
        /,
        *,
        max_pages: int = DEFAULT_MAX_PAGES,
        **where: Unpack[ClientFilterArgs],
    ) -> Listing[Client]:
        """Every matching client, page after page."""
        chosen = with_keywords(filters, where)
        return Listing(
            lambda n: self._prepare("GET", PATH, _page, query=chosen.query(n)), max_pages
        )

    @endpoint
    def get(self, client_id: str, *, options: RequestOptions | None = None) -> PreparedCall[Client]:
        """``GET /v2/clients/{id}``."""
        return self._prepare("GET", ONE, _one, path_params={"id": client_id}, options=options)

    @endpoint
    def create(
        self, params: ClientCreateParams, *, options: RequestOptions | None = None
    ) -> PreparedCall[Client]:
        """``POST /v2/clients`` (Qonto has no uniqueness rule: search first)."""
        return self._prepare("POST", PATH, _one, json_body=params, options=options)

    @endpoint
    def update(
        self, client_id: str, params: ClientUpdateParams, *, options: RequestOptions | None = None
    ) -> PreparedCall[Client]:
        """``PATCH /v2/clients/{id}``: only the fields set in ``params`` change."""
        return self._prepare(
            "PATCH", ONE, _one, path_params={"id": client_id}, json_body=params, options=options
        )

    @endpoint
    def delete(
        self, client_id: str, *, options: RequestOptions | None = None
    ) -> PreparedCall[None]:
        """``DELETE /v2/clients/{id}`` (permanent)."""
        return self._prepare("DELETE", ONE, nothing, path_params={"id": client_id}, options=options)


class Clients(SyncResource, _Clients):
    pass


class AsyncClients(AsyncResource, _Clients):
    pass
