"""Structured logs of the Qonto client through an allow-list of fields.

Only the fields below ever reach a log record (as ``extra``, prefixed ``qonto_``): no header,
body, query string, secret or personal data can be logged by mistake.
"""

from __future__ import annotations

import logging

LOGGER_NAME = "verone.qonto"

ALLOWED_FIELDS = frozenset(
    {
        "method",
        "path",
        "status",
        "duration_ms",
        "attempt",
        "request_id",
        "trace_id",
        "retry_in",
        "outcome",
    }
)


def get_logger() -> logging.Logger:
    """The client's logger (``verone.qonto``)."""
    return logging.getLogger(LOGGER_NAME)


def safe_extra(fields: dict[str, object]) -> dict[str, object]:
    """Keep only allow-listed fields with scalar values, prefixed ``qonto_``."""
    return {
        f"qonto_{key}": value
        for key, value in fields.items()
        if key in ALLOWED_FIELDS and isinstance(value, str | int | float | type(None))
    }


def log_event(logger: logging.Logger, level: int, message: str, **fields: object) -> None:
    """Log ``message`` with the allow-listed ``fields``; ``message`` must be a constant."""
    if logger.isEnabledFor(level):
        logger.log(level, message, extra=safe_extra(fields))
