"""The client's error tree mapped once onto the domain's (``domain/errors.py``), keeping
Qonto's trace id, status, code and the troubleshooting hint.

``qonto_errors(write=...)`` wraps every call of the gateway; ``domain_error(exc)`` is the
same mapping for the API's safety net (an error raised outside the gateway).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from verone.backoffice.domain import errors
from verone.qonto import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    QontoAmbiguousOutcome,
    QontoAPIError,
    QontoConnectionError,
    QontoError,
    QontoInvalidId,
    RateLimited,
    ServerError,
    Unauthorized,
    Unprocessable,
)

HINT_UNAUTHORIZED = (
    "clé API révoquée ? régénérez-la dans le tableau de bord Qonto et vérifiez "
    "QONTO_AUTH_MODE, QONTO_ORGANIZATION_ID et QONTO_API_KEY"
)
HINT_FORBIDDEN = "vérifiez les permissions de la clé API (401/403)"
HINT_UNREACHABLE = "si timeout : vérifiez le réseau, puis GET /api/qonto/health"
HINT_INVALID_ID = "un identifiant Qonto ne contient que lettres, chiffres, « - » et « _ »"
HINT_REJECTED = "vérifiez les données envoyées ; le détail de Qonto est dans le message"


def _hint_for(exc: QontoAPIError) -> str | None:
    if isinstance(exc, Unauthorized):
        return HINT_UNAUTHORIZED
    if exc.status == 403:
        return HINT_FORBIDDEN
    return exc.hint or HINT_REJECTED


def _rejected_class(exc: QontoAPIError) -> type[errors.QontoRejected]:
    if isinstance(exc, NotFound):
        return errors.QontoNotFound
    if isinstance(exc, Conflict):
        return errors.QontoConflict
    if isinstance(exc, BadRequest | Unprocessable):
        return errors.QontoInvalidRequest
    if isinstance(exc, Unauthorized | Forbidden):
        return errors.QontoAuthFailed
    return errors.QontoRejected


def domain_error(exc: QontoError, *, write: bool = False) -> errors.QontoFailure:
    """The domain error for a client error (``write`` makes a 5xx an unknown outcome)."""
    if isinstance(exc, QontoInvalidId):  # refused before any request was sent
        return errors.QontoInvalidRequest(
            f"Identifiant Qonto invalide : {exc}", hint=HINT_INVALID_ID
        )
    if isinstance(exc, QontoAmbiguousOutcome):
        return errors.QontoOutcomeUnknown(hint=HINT_UNREACHABLE)
    if isinstance(exc, RateLimited):
        limited = errors.QontoRateLimited(
            trace_id=exc.trace_id, hint=HINT_UNREACHABLE, status=exc.status, qonto_code=exc.code
        )
        if exc.retry_after is not None:
            limited.retry_after = max(1, int(exc.retry_after))
        return limited
    if isinstance(exc, ServerError):
        unavailable = errors.QontoOutcomeUnknown if write else errors.QontoUnavailable
        return unavailable(trace_id=exc.trace_id, hint=HINT_UNREACHABLE, status=exc.status)
    if isinstance(exc, QontoAPIError):
        detail = exc.detail or exc.code or ""
        return _rejected_class(exc)(
            f"Qonto a refusé la demande ({exc.status}) : {detail}".strip(),
            trace_id=exc.trace_id,
            hint=_hint_for(exc),
            status=exc.status,
            qonto_code=exc.code,
        )
    if isinstance(exc, QontoConnectionError):
        return errors.QontoUnavailable(hint=HINT_UNREACHABLE)
    return errors.QontoUnavailable(str(exc), hint=HINT_UNREACHABLE)


@contextmanager
def qonto_errors(*, write: bool = False) -> Iterator[None]:
    """Map the client's error tree onto the domain's (``write`` makes 5xx ambiguous)."""
    try:
        yield
    except QontoError as exc:
        raise domain_error(exc, write=write) from exc
