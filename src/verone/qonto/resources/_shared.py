"""Parsers shared by the resources: unwrap Qonto's envelopes into typed models and pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel

from verone.qonto._base import ShapeError
from verone.qonto._pagination import MAX_PER_PAGE, Page, check_per_page
from verone.qonto.types._base import from_wire
from verone.qonto.types.pagination import PaginationMeta

M = TypeVar("M", bound=BaseModel)


def _field(data: object, key: str) -> object:
    if not isinstance(data, dict) or key not in data:
        raise ShapeError(f"expected a JSON object with {key!r}")
    return data[key]


def one(model: type[M], key: str | None) -> Callable[[object], M]:
    """Parse ``{key: {...}}`` (or the bare object when ``key`` is None) into ``model``."""

    def parse(data: object) -> M:
        return from_wire(model, data if key is None else _field(data, key))

    return parse


def page(model: type[M], key: str) -> Callable[[object], Page[M]]:
    """Parse ``{key: [...], meta: {...}}`` into a ``Page`` (``meta`` optional)."""

    def parse(data: object) -> Page[M]:
        raw_items = _field(data, key)
        if not isinstance(raw_items, list):
            raise ShapeError(f"expected {key!r} to be a list")
        assert isinstance(data, dict)
        raw_meta = data.get("meta")
        meta = from_wire(PaginationMeta, raw_meta) if raw_meta is not None else None
        return Page([from_wire(model, item) for item in raw_items], meta)

    return parse


def nothing(data: object) -> None:
    """An answer whose body does not matter (204, or an acknowledgement)."""
    return None


def item_id(item: BaseModel) -> str:
    """The ``id`` of a model (for de-duplication in bulk paging)."""
    value = getattr(item, "id", None)
    return str(value)


def paging(page_number: int | None, per_page: int | None) -> dict[str, int | None]:
    """The query of a list without filters: the page and its size (checked, up to 100)."""
    check_per_page(per_page, MAX_PER_PAGE)
    return {"page": page_number, "per_page": per_page}
