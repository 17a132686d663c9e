"""The JSON API's one error edge: every failure becomes ``{"error": {code, message, …}}``.

Edge errors (``edge/errors.py``), domain errors (Qonto's arrive as the domain's
``QontoFailure`` tree from the gateway, with trace id and hint), request validation and HTTP
errors are mapped here, once, to deliberate status codes; nothing else in ``api/`` builds an
error body.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from verone.backoffice.db.session import is_database_busy
from verone.backoffice.domain.errors import DomainError
from verone.backoffice.edge.errors import EdgeError, ErrorDetails
from verone.backoffice.integrations.qonto_errors import domain_error
from verone.qonto import QontoError

logger = logging.getLogger(__name__)

QONTO_HINT = (
    "Vérifiez QONTO_AUTH_MODE, QONTO_ORGANIZATION_ID et QONTO_API_KEY, "
    "puis GET /api/qonto/health ; en cas de 401, la clé API a pu être révoquée : "
    "régénérez-la dans le tableau de bord Qonto."
)


class ErrorBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    message: str
    hint: str | None = None
    details: dict[str, object] | None = None


class ErrorResponse(BaseModel):
    """The error envelope of every non-2xx JSON answer."""

    model_config = ConfigDict(extra="forbid")

    error: ErrorBody


#: Deliberate statuses for domain errors, by their stable code (subclasses inherit via MRO).
DOMAIN_STATUS: dict[str, int] = {
    "permission_denied": 403,
    "invalid_credentials": 401,
    "too_many_login_attempts": 429,
    "not_found": 404,
    "document_not_found": 404,
    "order_not_found": 404,
    "customer_not_found": 404,
    "transaction_not_found": 404,
    "user_not_found": 404,
    "token_not_found": 404,
    "confirmation_invalid": 422,
    "confirmation_expired": 409,
    "content_changed": 409,
    "empty_document": 422,
    "invalid_document": 422,
    "invalid_number": 502,
    "currency_mismatch": 422,
    "invalid_split": 422,
    "not_importable": 422,
    "pdf_not_available": 409,
    "qonto_unavailable": 503,
    "qonto_outcome_unknown": 503,
    "qonto_rate_limited": 503,
    "qonto_rejected": 502,
    "qonto_not_found": 404,
    "qonto_conflict": 409,
    "qonto_invalid_request": 422,
    "qonto_auth_failed": 502,
    "credit_note_unsupported": 502,
}
DEFAULT_DOMAIN_STATUS = 409  # a business rule refused the action in the current state


def domain_status(exc: DomainError) -> int:
    for klass in type(exc).__mro__:
        code = getattr(klass, "code", None)
        if isinstance(code, str) and code in DOMAIN_STATUS:
            return DOMAIN_STATUS[code]
    return DEFAULT_DOMAIN_STATUS


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    hint: str | None = None,
    details: ErrorDetails | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(code=code, message=message, hint=hint, details=details))
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _domain_details(exc: DomainError) -> ErrorDetails | None:
    details: ErrorDetails = {}
    for name, key in (("trace_id", "traceId"), ("qonto_code", "qontoCode")):
        value = _optional_str(getattr(exc, name, None))
        if value is not None:
            details[key] = value
    qonto_status = getattr(exc, "status", None)
    if isinstance(qonto_status, int) and not isinstance(qonto_status, bool):
        details["qontoStatus"] = qonto_status
    extra = getattr(exc, "details", None)
    if isinstance(extra, Mapping):
        details.update({str(k): _json_safe(v) for k, v in extra.items()})
    return details or None


def _json_safe(value: object) -> object:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [_json_safe(v) for v in value]
    return str(value)


def _validation_details(exc: RequestValidationError) -> ErrorDetails:
    fields = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        fields.append(
            {
                "location": ".".join(location),
                "message": str(error.get("msg", "")),
                "type": str(error.get("type", "")),
            }
        )
    return {"fields": fields}


async def _on_edge_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, EdgeError)
    return error_response(
        exc.status,
        exc.code,
        exc.message,
        hint=exc.hint,
        details=exc.details,
        headers=exc.headers,
    )


async def _on_domain_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    headers: dict[str, str] = {}
    retry_after = getattr(exc, "retry_after", None)
    if isinstance(retry_after, int) and retry_after > 0:
        headers["Retry-After"] = str(retry_after)
    return error_response(
        domain_status(exc),
        exc.code,
        exc.message,
        hint=_optional_str(getattr(exc, "hint", None)),
        details=_domain_details(exc),
        headers=headers,
    )


async def _on_qonto_error(request: Request, exc: Exception) -> JSONResponse:
    """A client error that escaped the gateway: the gateway's mapping, then the one tree."""
    assert isinstance(exc, QontoError)
    return await _on_domain_error(request, domain_error(exc))


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return error_response(
        422,
        "validation_error",
        "La requête est invalide.",
        hint="Corrigez les champs indiqués dans details.fields.",
        details=_validation_details(exc),
    )


_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
}


async def _on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "Erreur HTTP."
    return error_response(
        exc.status_code,
        _HTTP_CODES.get(exc.status_code, "http_error"),
        message,
        headers=exc.headers,
    )


#: Seconds a client waits before retrying when the database was busy.
BUSY_RETRY_AFTER = 2


async def _on_database_error(request: Request, exc: Exception) -> JSONResponse:
    """A database still locked after the busy timeout's retries is a 503, never a 500."""
    if not is_database_busy(exc):
        return await _on_unexpected(request, exc)
    logger.warning("database busy: %s", exc)
    return error_response(
        503,
        "database_busy",
        "La base de données est occupée ; réessayez dans un instant.",
        headers={"Retry-After": str(BUSY_RETRY_AFTER)},
    )


async def _on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unexpected error", exc_info=exc)
    return error_response(500, "internal_error", "Erreur interne inattendue.")


def install_error_handlers(app: FastAPI) -> None:
    """Map every error family to the envelope (idempotent: re-installing replaces handlers)."""
    app.add_exception_handler(EdgeError, _on_edge_error)
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(QontoError, _on_qonto_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(DBAPIError, _on_database_error)
    app.add_exception_handler(PoolTimeout, _on_database_error)
    app.add_exception_handler(Exception, _on_unexpected)


#: Documented on every router: the envelope for each deliberate error status.
STANDARD_ERRORS: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in (
        (400, "Bad request"),
        (401, "Not authenticated"),
        (403, "Role, CSRF token or API token not allowed"),
        (404, "Not found"),
        (409, "Refused in the current state"),
        (413, "Payload too large"),
        (415, "Unsupported media type"),
        (422, "Invalid request"),
        (429, "Too many attempts"),
        (502, "Qonto refused the call"),
        (503, "Qonto unreachable, or the database busy (with Retry-After)"),
    )
}
