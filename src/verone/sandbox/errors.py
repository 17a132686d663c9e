"""Qonto's JSON:API error envelope, raised by sandbox routes and rendered in one place."""

from __future__ import annotations

import uuid

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from verone.qonto.types.errors import ErrorObject, ErrorResponse, ErrorSource
from verone.sandbox.wire import build, dump


class QontoHTTPError(Exception):
    """An error answer of the simulated Qonto: ``{"errors": [...], "trace_id": ...}``."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        pointer: str | None = None,
        parameter: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status = status
        self.code = code
        self.detail = detail
        self.pointer = pointer
        self.parameter = parameter
        self.headers = headers or {}


def refused(field: str, detail: str, code: str = "invalid") -> QontoHTTPError:
    """Qonto's 422 on one field of the body: ``pointer`` is ``/data/attributes/{field}``."""
    return QontoHTTPError(422, code, detail, pointer=f"/data/attributes/{field}")


def new_trace_id() -> str:
    return uuid.uuid4().hex


def error_object(
    code: str, detail: str, *, pointer: str | None = None, parameter: str | None = None
) -> ErrorObject:
    """One error; ``source`` and its members are on the wire only when known."""
    where = {"pointer": pointer} if pointer else {}
    if parameter:
        where["parameter"] = parameter
    if not where:
        return build(ErrorObject, code=code, detail=detail)
    return build(ErrorObject, code=code, detail=detail, source=build(ErrorSource, **where))


def error_body(errors: list[ErrorObject], trace_id: str) -> dict[str, object]:
    return dump(build(ErrorResponse, errors=errors, trace_id=trace_id))


def error_response(exc: QontoHTTPError, trace_id: str | None = None) -> JSONResponse:
    entry = error_object(exc.code, exc.detail, pointer=exc.pointer, parameter=exc.parameter)
    trace = trace_id or new_trace_id()
    headers = {"x-request-id": trace, **exc.headers}
    return JSONResponse(error_body([entry], trace), status_code=exc.status, headers=headers)


async def handle_qonto_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, QontoHTTPError)
    return error_response(exc, getattr(request.state, "trace_id", None))


async def handle_validation_error(request: Request, exc: Exception) -> JSONResponse:
    """Body/query validation → 422 with one error object per field, pointer in JSON:API style."""
    assert isinstance(exc, RequestValidationError)
    errors: list[ErrorObject] = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        where, path = (loc[0], loc[1:]) if loc else ("body", [])
        detail = str(err.get("msg", "invalid"))
        if where == "query":
            errors.append(error_object("invalid", detail, parameter=".".join(path)))
        else:
            pointer = "/data/attributes/" + "/".join(path)
            errors.append(error_object("invalid", detail, pointer=pointer))
    trace = getattr(request.state, "trace_id", None) or new_trace_id()
    return JSONResponse(error_body(errors, trace), status_code=422, headers={"x-request-id": trace})


async def handle_http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own 404/405 → the same envelope (``not_found`` / ``method_not_allowed``)."""
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
    detail = "Not found" if exc.status_code == 404 else str(exc.detail)
    return error_response(
        QontoHTTPError(exc.status_code, code, detail), getattr(request.state, "trace_id", None)
    )
