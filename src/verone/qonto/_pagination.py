"""Pages of a Qonto list, auto-paging iterators with loop guards, and the concurrent bulk mode.

Guards: the server must answer the page we asked for, ``next_page`` must move forward, a page
that promises more cannot be empty, and no walk goes past ``max_pages``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar

from verone.qonto._exceptions import QontoPaginationError
from verone.qonto._gc import cyclic_gc_paused
from verone.qonto.types.pagination import PaginationMeta

T = TypeVar("T")

DEFAULT_MAX_PAGES = 10_000
MAX_PER_PAGE = 100
MAX_PER_PAGE_INVOICING = 500


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its items and Qonto's ``meta`` (absent on unpaged lists)."""

    items: list[T]
    meta: PaginationMeta | None = None

    @property
    def total_pages(self) -> int:
        return self.meta.total_pages if self.meta else 1

    @property
    def total_count(self) -> int:
        return self.meta.total_count if self.meta else len(self.items)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def check_per_page(per_page: int | None, maximum: int) -> None:
    """Refuse a ``per_page`` Qonto would reject, before sending anything."""
    if per_page is not None and not 1 <= per_page <= maximum:
        raise ValueError(f"per_page must be between 1 and {maximum}")


def next_page_after(requested: int, page: Page[T]) -> int | None:
    """The page to fetch after ``page`` (answer to ``requested``), or None at the end."""
    meta = page.meta
    if meta is None:
        return None
    if meta.current_page != requested:
        raise QontoPaginationError(
            f"asked for page {requested}, Qonto answered page {meta.current_page}"
        )
    following = meta.next_page
    if following is None and meta.current_page < meta.total_pages:
        following = meta.current_page + 1  # some endpoints omit next_page instead of null
    if following is None:
        return None
    if following <= requested:
        raise QontoPaginationError(f"next_page {following} does not move past page {requested}")
    if not page.items:
        raise QontoPaginationError(f"page {requested} is empty but announces page {following}")
    return following


class _Guard:
    def __init__(self, max_pages: int) -> None:
        self.max_pages = max_pages
        self.fetched = 0

    def count(self) -> None:
        self.fetched += 1
        if self.fetched > self.max_pages:
            raise QontoPaginationError(f"stopped after {self.max_pages} pages (page cap)")


def iter_items(
    fetch: Callable[[int], Page[T]], *, start: int = 1, max_pages: int = DEFAULT_MAX_PAGES
) -> Iterator[T]:
    """Every item of every page, fetching lazily from page ``start``."""
    guard = _Guard(max_pages)
    number: int | None = start
    while number is not None:
        guard.count()
        page = fetch(number)
        yield from page.items
        number = next_page_after(number, page)


async def aiter_items(
    fetch: Callable[[int], Awaitable[Page[T]]],
    *,
    start: int = 1,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> AsyncIterator[T]:
    """Async twin of ``iter_items``."""
    guard = _Guard(max_pages)
    number: int | None = start
    while number is not None:
        guard.count()
        page = await fetch(number)
        for item in page.items:
            yield item
        number = next_page_after(number, page)


def _merge(pages: list[Page[T]], key: Callable[[T], str] | None, max_pages: int) -> list[T]:
    """Items of pages 1..n in order; checks each page is the one asked for; de-duplicates."""
    if len(pages) > max_pages:
        raise QontoPaginationError(f"{len(pages)} pages is more than the cap of {max_pages}")
    for number, page in enumerate(pages, start=1):
        if page.meta is not None and page.meta.current_page != number:
            raise QontoPaginationError(
                f"asked for page {number}, Qonto answered page {page.meta.current_page}"
            )
    items = [item for page in pages for item in page.items]
    if key is None:
        return items
    seen: set[str] = set()
    unique = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            unique.append(item)
    return unique


def fetch_all(
    fetch: Callable[[int], Page[T]],
    *,
    concurrency: int = 8,
    key: Callable[[T], str] | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> list[T]:
    """Page 1, then pages 2..total_pages on a thread pool; items in page order.

    Items inserted while paging can shift an item onto the next page: ``key`` (an id)
    removes such duplicates. The cyclic collector pauses meanwhile (``_gc``).
    """
    if concurrency < 1:
        raise ValueError("concurrency must be >= 1")
    with cyclic_gc_paused():
        first = fetch(1)
        total = first.total_pages
        if total > max_pages:
            raise QontoPaginationError(f"{total} pages is more than the cap of {max_pages}")
        if total <= 1:
            return _merge([first], key, max_pages)
        with ThreadPoolExecutor(max_workers=min(concurrency, total - 1)) as pool:
            rest = list(pool.map(fetch, range(2, total + 1)))
        return _merge([first, *rest], key, max_pages)


async def afetch_all(
    fetch: Callable[[int], Awaitable[Page[T]]],
    *,
    concurrency: int = 8,
    key: Callable[[T], str] | None = None,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> list[T]:
    """Async twin of ``fetch_all``: at most ``concurrency`` pages in flight (a semaphore)."""
    if concurrency < 1:
        raise ValueError("concurrency must be >= 1")
    semaphore = asyncio.Semaphore(concurrency)

    async def one(number: int) -> Page[T]:
        async with semaphore:
            return await fetch(number)

    with cyclic_gc_paused():
        first = await fetch(1)
        total = first.total_pages
        if total > max_pages:
            raise QontoPaginationError(f"{total} pages is more than the cap of {max_pages}")
        rest = await asyncio.gather(*(one(n) for n in range(2, total + 1)))
        return _merge([first, *rest], key, max_pages)
