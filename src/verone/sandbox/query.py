"""Query-string values read the same way by the banking and the invoicing routes: a value that
does not parse is Qonto's 422 ``invalid`` naming the parameter."""

from __future__ import annotations

from datetime import UTC, datetime

from verone.sandbox.errors import QontoHTTPError


def parse_int(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise QontoHTTPError(422, "invalid", f"{name} must be an integer", parameter=name) from None


def parse_datetime(raw: str, name: str) -> datetime:
    """An ISO 8601 date-time (``Z`` accepted); a value without a zone is UTC."""
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise QontoHTTPError(
            422, "invalid", f"{name} must be an ISO 8601 date-time", parameter=name
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)
