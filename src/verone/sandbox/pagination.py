"""Qonto's page/per_page pagination with its ``meta`` object; a page past the end is a 422."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from verone.qonto.types.pagination import PaginationMeta
from verone.sandbox.errors import QontoHTTPError
from verone.sandbox.wire import assemble

T = TypeVar("T")

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 100
MAX_PER_PAGE_INVOICING = 500


def paginate(
    items: Sequence[T],
    page: int | None,
    per_page: int | None,
    *,
    max_per_page: int = MAX_PER_PAGE,
    default_per_page: int = DEFAULT_PER_PAGE,
) -> tuple[Sequence[T], PaginationMeta]:
    """Slice ``items`` for one page; invalid values and pages past the end answer 422."""
    page = 1 if page is None else page
    per_page = default_per_page if per_page is None else per_page
    if page < 1:
        raise QontoHTTPError(422, "invalid", "page must be greater than 0", parameter="page")
    if per_page < 1 or per_page > max_per_page:
        raise QontoHTTPError(
            422, "invalid", f"per_page must be between 1 and {max_per_page}", parameter="per_page"
        )
    total = len(items)
    total_pages = max(1, -(-total // per_page))
    if page > total_pages:
        raise QontoHTTPError(
            422, "invalid", f"page {page} is past the last page ({total_pages})", parameter="page"
        )
    start = (page - 1) * per_page
    meta = assemble(
        PaginationMeta,
        current_page=page,
        next_page=page + 1 if page < total_pages else None,
        prev_page=page - 1 if page > 1 else None,
        total_pages=total_pages,
        total_count=total,
        per_page=per_page,
    )
    return items[start : start + per_page], meta
