"""``clients``: list with filters, iterate, get, create, update (partial), delete.

Qonto has no uniqueness rule on clients: search before creating one. ``update`` changes only
the fields set in its params; ``delete`` is permanent.
"""

from __future__ import annotations

from typing import Unpack

from verone.qonto._base import PreparedCall, RequestOptions
from verone.qonto._pagination import DEFAULT_MAX_PAGES, Page
from verone.qonto.resources._collection import Creates, Deletes, Updates, collection
from verone.qonto.resources._filters import ClientFilterArgs, ClientFilters, with_keywords
from verone.qonto.resources._resource import (
    AsyncResource,
    Listing,
    SyncResource,
    endpoint,
    iterates,
)
from verone.qonto.types.clients import Client, ClientCreateParams, ClientUpdateParams

NO_FILTERS = ClientFilters()


class _Clients(
    Creates[Client, ClientCreateParams], Updates[Client, ClientUpdateParams], Deletes[Client]
):
    _items = collection("/v2/clients", Client, "client", "clients")

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
        return self._filtered(with_keywords(filters, where), page, options)

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
        return self._listing(with_keywords(filters, where), max_pages)


class Clients(SyncResource, _Clients):
    pass


class AsyncClients(AsyncResource, _Clients):
    pass
