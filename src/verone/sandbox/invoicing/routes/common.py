"""Helpers shared by the invoicing routes: exact JSON bodies, query filters, pages.

Bodies are decoded with ``parse_float=Decimal`` so no amount ever passes through a float.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from verone.qonto.types.pagination import PaginationMeta
from verone.sandbox.errors import QontoHTTPError
from verone.sandbox.pagination import paginate
from verone.sandbox.query import parse_datetime, parse_int

B = TypeVar("B", bound=BaseModel)
T = TypeVar("T")
D = TypeVar("D", bound=date)

JSON = dict[str, object]


def _pointer(loc: Sequence[int | str]) -> str:
    return "/data/attributes/" + "/".join(str(p) for p in loc)


async def parse_body(
    request: Request, model: type[B], prepare: Callable[[JSON], JSON] | None = None
) -> B:
    """The request's JSON body as ``model``; an empty body is Qonto's ``invalid_body`` "EOF".

    ``prepare`` normalises (or refuses) the raw object before the model validates it.
    """
    raw = await request.body()
    if not raw.strip():
        raise QontoHTTPError(422, "invalid_body", "EOF")
    try:
        data: object = json.loads(raw, parse_float=Decimal)
    except ValueError:
        raise QontoHTTPError(422, "invalid_body", "malformed JSON body") from None
    if not isinstance(data, dict):
        raise QontoHTTPError(422, "invalid_body", "the body must be a JSON object")
    raw_object: JSON = {str(k): v for k, v in data.items()}
    if prepare is not None:
        raw_object = prepare(raw_object)
    try:
        return model.model_validate(raw_object)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first.get("loc", ())
        missing = first.get("type") == "missing"
        raise QontoHTTPError(
            422,
            "blank" if missing else "invalid",
            f"{'.'.join(str(p) for p in loc)}: {first.get('msg', 'invalid')}",
            pointer=_pointer(loc),
        ) from None


def query_list(request: Request, name: str) -> list[str]:
    """Values of a filter given comma-separated, repeated, or both."""
    values: list[str] = []
    for raw in request.query_params.getlist(name):
        values.extend(v.strip() for v in raw.split(",") if v.strip())
    return values


def query_statuses(request: Request, allowed: Iterable[str]) -> list[str]:
    """``filter[status]``: each value must be one of ``allowed`` (a status enum)."""
    statuses = query_list(request, "filter[status]")
    unknown = set(statuses) - set(allowed)
    if unknown:
        raise QontoHTTPError(
            422, "not_in_list", f"unknown status {sorted(unknown)[0]!r}", parameter="filter[status]"
        )
    return statuses


def query_period(request: Request, field: str) -> tuple[datetime | None, datetime | None]:
    """``filter[{field}_from]`` and ``filter[{field}_to]``, the bounds ``in_range`` reads."""
    return (
        query_datetime(request, f"filter[{field}_from]"),
        query_datetime(request, f"filter[{field}_to]"),
    )


def query_int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    return parse_int(raw, name) if raw else None


def query_datetime(request: Request, name: str) -> datetime | None:
    raw = request.query_params.get(name)
    return parse_datetime(raw, name) if raw else None


def query_date(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise QontoHTTPError(422, "invalid", f"{name} must be a date", parameter=name) from None


def query_bool(request: Request, name: str, default: bool) -> bool:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"true", "1"}:
        return True
    if raw.lower() in {"false", "0"}:
        return False
    raise QontoHTTPError(422, "invalid", f"{name} must be true or false", parameter=name)


def sort_spec(request: Request, allowed: set[str], default: str) -> tuple[str, bool]:
    """``sort_by=field:asc|desc`` → (field, descending)."""
    raw = request.query_params.get("sort_by") or default
    field, _, direction = raw.partition(":")
    direction = direction or "asc"
    if field not in allowed or direction not in {"asc", "desc"}:
        raise QontoHTTPError(
            422,
            "invalid",
            f"sort_by must be one of {', '.join(sorted(allowed))} with :asc or :desc",
            parameter="sort_by",
        )
    return field, direction == "desc"


def in_range(value: D | None, low: D | None, high: D | None) -> bool:
    """``low <= value <= high`` for dates and datetimes (open bounds when ``None``)."""
    if low is None and high is None:
        return True
    if value is None:
        return False
    if isinstance(value, datetime):  # compare at the millisecond the wire shows
        value = value.replace(microsecond=value.microsecond // 1000 * 1000)
    if low is not None and value < low:
        return False
    return not (high is not None and value > high)


def page_of(
    request: Request, items: Sequence[T], *, max_per_page: int = 100
) -> tuple[Sequence[T], PaginationMeta]:
    """One page of ``items`` and Qonto's ``meta``; ``current_page`` is accepted for ``page``."""
    page = query_int(request, "page")
    if page is None:
        page = query_int(request, "current_page")
    return paginate(items, page, query_int(request, "per_page"), max_per_page=max_per_page)
