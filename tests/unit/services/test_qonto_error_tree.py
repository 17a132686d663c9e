"""One error tree: every client error becomes a domain ``QontoFailure`` whose code the API
maps to one status, keeping Qonto's trace id, status, code and a hint; and no edge module
talks to the Qonto client library except to verify webhook signatures."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from verone.backoffice.api.errors import domain_status
from verone.backoffice.domain import errors
from verone.backoffice.integrations.qonto_errors import domain_error
from verone.qonto import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    QontoAPIError,
    RateLimited,
    ServerError,
    Unauthorized,
    Unprocessable,
)

BACKOFFICE = Path(__file__).parents[3] / "src" / "verone" / "backoffice"


@pytest.mark.parametrize(
    ("cls", "status", "expected", "http"),
    [
        (NotFound, 404, errors.QontoNotFound, 404),
        (Conflict, 409, errors.QontoConflict, 409),
        (BadRequest, 400, errors.QontoInvalidRequest, 422),
        (Unprocessable, 422, errors.QontoInvalidRequest, 422),
        (Unauthorized, 401, errors.QontoAuthFailed, 502),
        (Forbidden, 403, errors.QontoAuthFailed, 502),
        (ServerError, 503, errors.QontoUnavailable, 503),
    ],
)
def test_each_client_error_has_one_domain_error_and_one_status(
    cls: type[QontoAPIError], status: int, expected: type[errors.QontoFailure], http: int
) -> None:
    mapped = domain_error(cls(status=status, code="x_code", detail="boom", trace_id="t-1"))
    assert type(mapped) is expected
    assert mapped.trace_id == "t-1"
    assert mapped.hint
    assert domain_status(mapped) == http
    if isinstance(mapped, errors.QontoRejected):
        assert mapped.status == status
        assert mapped.qonto_code == "x_code"
        assert "boom" in mapped.message


def test_a_refused_key_says_how_to_fix_it() -> None:
    mapped = domain_error(Unauthorized(status=401, code="unauthorized", trace_id="t-2"))
    assert mapped.hint is not None
    assert "régénérez" in mapped.hint


def test_rate_limiting_keeps_the_wait() -> None:
    exc = RateLimited(status=429, code="too_many", trace_id="t-3")
    exc.retry_after = 2.5
    mapped = domain_error(exc)
    assert isinstance(mapped, errors.QontoRateLimited)
    assert mapped.retry_after == 2
    assert domain_status(mapped) == 503


def test_a_server_error_on_a_write_is_an_unknown_outcome() -> None:
    mapped = domain_error(ServerError(status=502, trace_id="t-4"), write=True)
    assert isinstance(mapped, errors.QontoOutcomeUnknown)


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_route_service_or_edge_module_talks_to_the_qonto_client() -> None:
    allowed = {  # webhook signatures are checked at the edge, before any service
        "verone.qonto.WebhookSignatureError",
        "verone.qonto.verify_signature",
        "verone.qonto.webhooks.SIGNATURE_HEADER",
        # the shape of a Qonto id, validated at the edge (422) before any path is built
        "verone.qonto.QONTO_ID_PATTERN",
    }
    offenders: dict[str, set[str]] = {}
    for package in ("api", "web", "edge", "services"):
        for path in (BACKOFFICE / package).rglob("*.py"):
            name = str(path.relative_to(BACKOFFICE))
            used = {i for i in _imports(path) if i.startswith("verone.qonto")} - allowed
            if path.name == "errors.py":  # an edge's safety net may name the client's errors
                used = {i for i in used if not i.endswith("Error")}
            if used:
                offenders[name] = used
            if re.search(r"\.qonto_client\b", path.read_text()):  # the container's Qonto client
                offenders.setdefault(name, set()).add("qonto_client")
    assert offenders == {}
