"""Reading Qonto's answers: JSON without floats, envelopes, and error bodies to exceptions."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import jiter

from verone.qonto._exceptions import (
    ErrorDetail,
    QontoAPIError,
    QontoInvalidResponse,
    RateLimited,
    error_class_for,
)
from verone.qonto._retry import parse_retry_after

MAX_DETAIL = 300


def loads(text: str | bytes) -> object:
    """JSON with every non-integral number as ``Decimal`` (no float ever exists).

    Parsed by ``jiter`` in its decimal mode (same values as ``json.loads(parse_float=Decimal)``,
    about twice as fast on a page of transactions); malformed input raises ``ValueError``.
    """
    data = text.encode() if isinstance(text, str) else text
    decoded: object = jiter.from_json(data, float_mode="decimal", cache_mode="keys")
    return decoded


def decode_body(method: str, path: str, response: httpx.Response) -> object:
    """The decoded JSON of a 2xx answer (``None`` when empty); never crashes on junk."""
    if not response.content or response.status_code == 204:
        return None
    try:
        return loads(response.content)
    except (ValueError, UnicodeDecodeError):
        kind = response.headers.get("content-type", "unknown content type")
        raise QontoInvalidResponse(
            response.status_code,
            code="invalid_json",
            detail=f"Qonto answered with a body that is not JSON ({kind})",
            method=method,
            path=path,
            request_id=response.headers.get("x-request-id"),
        ) from None


def _details(body: object) -> tuple[tuple[ErrorDetail, ...], str | None]:
    """Error entries and trace id from the JSON:API envelope or the legacy flat shape."""
    if not isinstance(body, dict):
        return (), None
    trace = body.get("trace_id")
    trace_id = trace if isinstance(trace, str) else None
    entries: list[ErrorDetail] = []
    raw_errors = body.get("errors")
    if isinstance(raw_errors, list):
        for raw in raw_errors:
            if not isinstance(raw, dict):
                continue
            raw_source = raw.get("source")
            source = raw_source if isinstance(raw_source, dict) else {}
            pointer, parameter = source.get("pointer"), source.get("parameter")
            entries.append(
                ErrorDetail(
                    code=str(raw.get("code") or ""),
                    detail=str(raw.get("detail") or raw.get("title") or "")[:MAX_DETAIL],
                    pointer=pointer if isinstance(pointer, str) else None,
                    parameter=parameter if isinstance(parameter, str) else None,
                )
            )
    elif isinstance(body.get("code"), str):
        message = body.get("message") or body.get("detail") or ""
        entries.append(ErrorDetail(code=str(body["code"]), detail=str(message)[:MAX_DETAIL]))
    return tuple(entries), trace_id


def _non_json_detail(response: httpx.Response) -> str:
    kind = response.headers.get("content-type", "")
    if "html" in kind:
        return (
            "Qonto answered with an HTML page instead of JSON (on Qonto's sandbox: set "
            "QONTO_STAGING_TOKEN; otherwise check QONTO_BASE_URL)"
        )
    text = response.text.strip().replace("\n", " ")[:120] if response.content else ""
    return f"non-JSON error body ({kind or 'no content type'}): {text}" if text else "empty body"


def api_error(
    method: str, path: str, response: httpx.Response, hints: Mapping[int, str] | None = None
) -> QontoAPIError:
    """The exception for an error answer (4xx/5xx), whatever its body looks like."""
    status = response.status_code
    try:
        body: object = loads(response.content) if response.content else None
    except (ValueError, UnicodeDecodeError):
        body = None
    entries, trace_id = _details(body)
    first = entries[0] if entries else None
    cls = error_class_for(status)
    error = cls(
        status,
        code=first.code if first else "",
        detail=first.detail if first else _non_json_detail(response),
        pointer=first.pointer if first else None,
        parameter=first.parameter if first else None,
        trace_id=trace_id or response.headers.get("x-tyk-trace-id"),
        request_id=response.headers.get("x-request-id"),
        method=method,
        path=path,
        errors=entries,
        hint=(hints or {}).get(status),
    )
    if isinstance(error, RateLimited):
        error.retry_after = parse_retry_after(response.headers.get("retry-after"))
    return error
