"""The calls every collection of the API answers alike, written once.

A resource over a collection (``/v2/clients``, ``/v2/quotes``…) names it in ``_items`` (its
path and how its answers unwrap) and takes the calls it has from the mixins below: ``get``
from ``Items``, and ``create``, ``update``, ``delete``, an unfiltered ``list`` from
``Creates``, ``Updates``, ``Deletes``, ``Pages``. Its filtered ``list``/``iter`` keep their
own signatures (their keyword filters are typed by one ``TypedDict`` each) and build on
``_filtered`` and ``_listing``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar, Generic, Protocol, TypeVar

from pydantic import BaseModel

from verone.qonto._base import PreparedCall, RequestOptions
from verone.qonto._encoding import QueryParams
from verone.qonto._pagination import Page
from verone.qonto.resources._resource import Listing, Resource, endpoint
from verone.qonto.resources._shared import nothing, one, page, paging

T = TypeVar("T")
M = TypeVar("M")
W = TypeVar("W", bound=BaseModel)
C = TypeVar("C", bound=BaseModel)
U = TypeVar("U", bound=BaseModel)


class Filters(Protocol):
    """What a filtered list needs of its filters: the query of a page."""

    def query(self, page_number: int | None) -> QueryParams: ...


@dataclass(frozen=True, slots=True)
class Collection(Generic[M]):
    """A collection: its path, how one item and how a page of items unwrap."""

    path: str
    one: Callable[[object], M]
    page: Callable[[object], Page[M]] | None = None

    @property
    def item(self) -> str:
        return self.path + "/{id}"

    def pages(self) -> Callable[[object], Page[M]]:
        if self.page is None:
            raise TypeError(f"{self.path} is not listed")
        return self.page


def collection(path: str, model: type[W], key: str | None, list_key: str) -> Collection[W]:
    """The collection at ``path``: one item under ``key`` (None: unwrapped), pages of them
    under ``list_key``."""
    return Collection(path, one(model, key), page(model, list_key))


class Items(Resource, Generic[M]):
    """A resource over one collection: ``get``, and the calls the others build on."""

    _items: Collection[M]

    @endpoint
    def get(self, item_id: str, *, options: RequestOptions | None = None) -> PreparedCall[M]:
        """``GET`` one item of the collection by its id."""
        return self._on_item("GET", item_id, self._items.one, options=options)

    def _on_item(
        self,
        method: str,
        item_id: str,
        parse: Callable[[object], T],
        *,
        path: str = "{}",
        json_body: Mapping[str, object] | BaseModel | None = None,
        options: RequestOptions | None = None,
        raw_body: bool = False,
    ) -> PreparedCall[T]:
        """A call on one item (``path``: what follows the collection's, ``{}`` the item's)."""
        return self._prepare(
            method,
            path.format(self._items.item),
            parse,
            path_params={"id": item_id},
            json_body=json_body,
            options=options,
            raw_body=raw_body,
        )

    def _filtered(
        self, filters: Filters, page_number: int | None, options: RequestOptions | None = None
    ) -> PreparedCall[Page[M]]:
        """One page of the collection, as ``filters`` narrow it."""
        items = self._items
        query = filters.query(page_number)
        return self._prepare("GET", items.path, items.pages(), query=query, options=options)

    def _listing(
        self,
        filters: Filters,
        max_pages: int,
        concurrency: int = 8,
        key: Callable[[M], str] | None = None,
    ) -> Listing[M]:
        """Every page of the collection, as ``filters`` narrow it."""
        return Listing(lambda n: self._filtered(filters, n), max_pages, concurrency, key)


class Creates(Items[M], Generic[M, C]):
    """``create``: ``POST`` on the collection (``_create_hints`` explain its errors)."""

    _create_hints: ClassVar[Mapping[int, str] | None] = None

    @endpoint
    def create(self, params: C, *, options: RequestOptions | None = None) -> PreparedCall[M]:
        """``POST`` a new item to the collection."""
        return self._prepare(
            "POST",
            self._items.path,
            self._items.one,
            json_body=self._create_body(params),
            options=options,
            hints=self._create_hints,
        )

    def _create_body(self, params: C) -> Mapping[str, object] | BaseModel:
        return params


class Updates(Items[M], Generic[M, U]):
    """``update``: ``PATCH`` one item (only the fields set), or ``PUT`` it (``_replaces``)."""

    _replaces: ClassVar[bool] = False

    @endpoint
    def update(
        self, item_id: str, params: U, *, options: RequestOptions | None = None
    ) -> PreparedCall[M]:
        """``PATCH`` one item (``PUT``: replace it whole where the collection says so)."""
        method = "PUT" if self._replaces else "PATCH"
        return self._on_item(method, item_id, self._items.one, json_body=params, options=options)


class Deletes(Items[M]):
    """``delete``: ``DELETE`` one item."""

    @endpoint
    def delete(self, item_id: str, *, options: RequestOptions | None = None) -> PreparedCall[None]:
        """``DELETE`` one item of the collection."""
        return self._on_item("DELETE", item_id, nothing, options=options)


class Pages(Items[M]):
    """``list``: one page of a collection that takes no filters."""

    @endpoint
    def list(
        self,
        *,
        page: int | None = None,
        per_page: int | None = None,
        options: RequestOptions | None = None,
    ) -> PreparedCall[Page[M]]:
        """One page of the collection (``per_page`` up to 100)."""
        query = paging(page, per_page)
        return self._prepare(
            "GET", self._items.path, self._items.pages(), query=query, options=options
        )
