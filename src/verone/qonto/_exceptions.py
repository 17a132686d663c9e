"""The one error tree of the Qonto client.

::

    QontoError
    ├── QontoConnectionError          the request did not get an answer
    │   └── QontoTimeout
    ├── QontoAmbiguousOutcome         a write may or may not have happened (carries its key)
    ├── QontoIdempotencyError         a key reused with another body, or past its 30 min
    ├── QontoAuthError                OAuth token refresh failed
    ├── QontoPaginationError          a list did not move forward (loop guard)
    └── QontoAPIError                 Qonto answered with an error status
        ├── BadRequest (400)  Unauthorized (401)  Forbidden (403)  NotFound (404)
        ├── Conflict (409)  Unprocessable (422)  RateLimited (429)  ServerError (5xx)
        └── QontoInvalidResponse      a 2xx answer that is not the JSON we expect

Messages never contain a secret: they are built from status, code, detail, method, path
and the request/trace ids only.
"""

from __future__ import annotations

from dataclasses import dataclass


class QontoError(Exception):
    """Base of every error raised by ``verone.qonto``."""


class QontoConnectionError(QontoError):
    """No answer from Qonto (DNS, refused connection, reset, protocol error)."""

    hint = "check the network and QONTO_BASE_URL"

    def __init__(self, message: str, *, method: str = "", path: str = "") -> None:
        self.method = method
        self.path = path
        where = f" ({method} {path})" if method else ""
        super().__init__(f"{message}{where}; hint: {self.hint}")


class QontoTimeout(QontoConnectionError):
    """Qonto did not answer within the timeout."""

    hint = "check the network; Qonto did not answer in time"


class QontoAmbiguousOutcome(QontoError):
    """A write got no answer after every retry: it may or may not have been applied.

    Retry it with the same ``idempotency_key`` within Qonto's 30-minute window to learn the
    outcome without applying it twice, or check the resource in Qonto.
    """

    def __init__(self, *, method: str, path: str, idempotency_key: str, cause: str) -> None:
        self.method = method
        self.path = path
        self.idempotency_key = idempotency_key
        super().__init__(
            f"outcome unknown for {method} {path} ({cause}); retry with idempotency key "
            f"{idempotency_key} within 30 minutes, or check the resource in Qonto"
        )


class QontoIdempotencyError(QontoError):
    """An idempotency key would be reused with a different body, or after it expired."""


class QontoInvalidId(QontoError, ValueError):
    """An id that cannot be part of a Qonto path (refused before any request is sent)."""


class QontoAuthError(QontoError):
    """The OAuth token endpoint refused to refresh the access token."""


class QontoPaginationError(QontoError):
    """A paged list stopped making forward progress or passed the page cap."""


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One entry of Qonto's ``errors`` list."""

    code: str
    detail: str
    pointer: str | None = None
    parameter: str | None = None


class QontoAPIError(QontoError):
    """Qonto answered with an error status (or an answer we cannot read)."""

    default_hint: str | None = None

    def __init__(
        self,
        status: int,
        *,
        code: str = "",
        detail: str = "",
        pointer: str | None = None,
        parameter: str | None = None,
        trace_id: str | None = None,
        request_id: str | None = None,
        method: str = "",
        path: str = "",
        errors: tuple[ErrorDetail, ...] = (),
        hint: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.detail = detail
        self.pointer = pointer
        self.parameter = parameter
        self.trace_id = trace_id
        self.request_id = request_id
        self.method = method
        self.path = path
        self.errors = errors
        self.hint = hint if hint is not None else self.default_hint
        super().__init__(self._message())

    def _message(self) -> str:
        text = f"{self.status} {self.code or 'error'}: {self.detail or 'no detail'}"
        if self.pointer:
            text += f" (at {self.pointer})"
        if self.parameter:
            text += f" (parameter {self.parameter})"
        if self.method:
            text += f" [{self.method} {self.path}]"
        ids = [f"request_id={self.request_id}"] if self.request_id else []
        ids += [f"trace_id={self.trace_id}"] if self.trace_id else []
        if ids:
            text += " " + " ".join(ids)
        if self.hint:
            text += f"; hint: {self.hint}"
        return text

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, code={self.code!r})"


class BadRequest(QontoAPIError):
    """400: the request is malformed."""


class Unauthorized(QontoAPIError):
    """401: the credentials were refused."""

    default_hint = (
        "key revoked? regenerate it in the Qonto dashboard; check QONTO_ORGANIZATION_ID "
        "(the organization login, e.g. 'acme-1234') and QONTO_API_KEY"
    )


class Forbidden(QontoAPIError):
    """403: a scope is missing, or the feature is not in the plan."""

    default_hint = "missing OAuth scope or feature not included in the Qonto plan"


class NotFound(QontoAPIError):
    """404: unknown id or route."""


class Conflict(QontoAPIError):
    """409: e.g. a duplicate invoice number."""


class Unprocessable(QontoAPIError):
    """422: validation failed; ``errors`` carries one entry per field with its pointer."""

    @property
    def field_errors(self) -> dict[str, str]:
        """``{pointer or parameter: detail}`` for each error that names a field."""
        return {
            (e.pointer or e.parameter or ""): e.detail
            for e in self.errors
            if e.pointer or e.parameter
        }


class RateLimited(QontoAPIError):
    """429: too many requests; ``retry_after`` in seconds when Qonto says so."""

    retry_after: float | None = None


class ServerError(QontoAPIError):
    """5xx: Qonto failed; safe to retry reads, and writes with the same idempotency key."""


class QontoInvalidResponse(QontoAPIError):
    """A successful status with a body that is not the JSON Qonto documents."""


STATUS_ERRORS: dict[int, type[QontoAPIError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: Unprocessable,
    429: RateLimited,
}


def error_class_for(status: int) -> type[QontoAPIError]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return ServerError
    return STATUS_ERRORS.get(status, QontoAPIError)
