"""Qonto's JSON:API error envelope: ``{"errors": [{code, detail, source}], "trace_id"}``."""

from __future__ import annotations

from verone.qonto.types._base import WireModel


class ErrorSource(WireModel):
    """Where the error is: a body property (JSON pointer) or a query parameter."""

    pointer: str | None = None
    parameter: str | None = None


class ErrorObject(WireModel):
    """One error: machine-readable ``code``, human ``detail``."""

    code: str
    detail: str | None = None
    source: ErrorSource | None = None


class ErrorResponse(WireModel):
    """The body of every Business API error answer."""

    errors: list[ErrorObject]
    trace_id: str | None = None
