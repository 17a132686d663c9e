"""Shared query parameters: pagination (``page``, ``perPage``) and a free-text search."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from verone.backoffice.domain.queries import MAX_PAGE_SIZE, PageRequest


def page_request(
    page: Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1")] = 1,
    per_page: Annotated[
        int, Query(alias="perPage", ge=1, le=MAX_PAGE_SIZE, description="Items per page")
    ] = 25,
) -> PageRequest:
    return PageRequest(page=page, per_page=per_page)


Pagination = Annotated[PageRequest, Depends(page_request)]
Search = Annotated[str | None, Query(max_length=200, description="Free-text search")]
