"""Qonto's errors as the domain's: ``qonto_errors`` maps the client's tree onto
``QontoUnavailable`` / ``QontoRejected`` / ``QontoOutcomeUnknown`` with Qonto's trace id and the
troubleshooting hint of docs/operations.md. Used by every method of the one adapter.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from verone.backoffice.domain import errors
from verone.qonto import (
    QontoAmbiguousOutcome,
    QontoAPIError,
    QontoConnectionError,
    QontoError,
    RateLimited,
    ServerError,
    Unauthorized,
)

HINT_UNAUTHORIZED = (
    "clé API révoquée ? régénérez-la dans le tableau de bord Qonto et vérifiez "
    "QONTO_AUTH_MODE, QONTO_ORGANIZATION_ID et QONTO_API_KEY"
)
HINT_FORBIDDEN = "vérifiez les permissions de la clé API (401/403)"
HINT_UNREACHABLE = "si timeout : vérifiez le réseau, puis GET /api/qonto/health"
HINT_CREDIT_NOTE = "si 404 : l'endpoint n'existe pas, créez l'avoir dans le tableau de bord Qonto"


def _hint_for(exc: QontoAPIError) -> str | None:
    if isinstance(exc, Unauthorized):
        return HINT_UNAUTHORIZED
    if exc.status == 403:
        return HINT_FORBIDDEN
    return exc.hint


@contextmanager
def qonto_errors(*, write: bool = False) -> Iterator[None]:
    """Map the client's error tree onto the domain's (``write`` makes 5xx ambiguous)."""
    try:
        yield
    except QontoAmbiguousOutcome as exc:
        raise errors.QontoOutcomeUnknown(hint=HINT_UNREACHABLE) from exc
    except (ServerError, RateLimited) as exc:
        if write and isinstance(exc, ServerError):
            raise errors.QontoOutcomeUnknown(
                trace_id=exc.trace_id, hint=HINT_UNREACHABLE, status=exc.status
            ) from exc
        raise errors.QontoUnavailable(
            trace_id=exc.trace_id, hint=HINT_UNREACHABLE, status=exc.status
        ) from exc
    except QontoAPIError as exc:
        raise errors.QontoRejected(
            f"Qonto a refusé la demande ({exc.status}) : {exc.detail or exc.code or ''}".strip(),
            trace_id=exc.trace_id,
            hint=_hint_for(exc),
            status=exc.status,
        ) from exc
    except QontoConnectionError as exc:
        raise errors.QontoUnavailable(hint=HINT_UNREACHABLE) from exc
    except QontoError as exc:
        raise errors.QontoUnavailable(str(exc), hint=HINT_UNREACHABLE) from exc
