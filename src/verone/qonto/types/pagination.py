"""The ``meta`` object that comes with every Qonto list."""

from __future__ import annotations

from verone.qonto.types._base import WireModel


class PaginationMeta(WireModel):
    """Page position of a list answer; ``next_page``/``prev_page`` are null at the ends."""

    current_page: int
    next_page: int | None = None
    prev_page: int | None = None
    total_pages: int
    total_count: int
    per_page: int
