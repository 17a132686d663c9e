"""``EdgeError``: a refusal decided at the edge itself (authentication, CSRF, a request the
edge cannot accept). Each edge renders it its own way: the JSON API as the error envelope
(``api/errors.py``), the web pages as an HTML answer."""

from __future__ import annotations

from collections.abc import Mapping

ErrorDetails = dict[str, object]


class EdgeError(Exception):
    """An HTTP status, a stable ``code`` and a French message for the user."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        hint: str | None = None,
        details: ErrorDetails | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.hint, self.details = hint, details
        self.headers = dict(headers or {})
