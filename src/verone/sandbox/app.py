"""The sandbox's ASGI application: ``create_app`` wires the state, errors and every router.

One pure-ASGI middleware runs Qonto's cross-cutting behaviour around every call, in this
order: request id, injected faults, rate limits, 401 throttling, authentication (``/v2``),
idempotency (``/v2`` writes), then the route; every call is recorded for ``/_sandbox/requests``.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import httpx
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from verone.sandbox import auth, control, persistence, webhook_subscriptions
from verone.sandbox.auth import check_credentials
from verone.sandbox.banking.routes import attachments, bank_accounts, organization, transactions
from verone.sandbox.errors import (
    QontoHTTPError,
    error_response,
    handle_http_error,
    handle_qonto_error,
    handle_validation_error,
)
from verone.sandbox.faults import FaultDecision
from verone.sandbox.idempotency import HEADER as IDEMPOTENCY_HEADER
from verone.sandbox.idempotency import REPLAY_HEADER
from verone.sandbox.invoicing import public
from verone.sandbox.invoicing.routes import client_invoices, clients, credit_notes, quotes
from verone.sandbox.state import SandboxState

WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})


class ConnectionDropped(httpx.RemoteProtocolError):
    """Raised mid-response to cut the connection; in-process clients see an httpx error."""


def _key_required(method: str, path: str) -> bool:
    if method != "POST":
        return False
    parts = path.rstrip("/").split("/")
    return path.rstrip("/") == "/v2/attachments" or (
        len(parts) == 5 and parts[1:3] == ["v2", "transactions"] and parts[4] == "attachments"
    )


class SandboxMiddleware:
    """Faults, rate limits, auth, idempotency and the request log around every HTTP call."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope["app"].state.sandbox
        assert isinstance(state, SandboxState)
        trace = uuid.uuid4().hex
        scope.setdefault("state", {})["trace_id"] = trace
        path: str = scope["path"]
        if path.startswith("/_sandbox"):
            await self.app(scope, receive, _with_request_id(send, trace))
            return
        started = time.perf_counter()
        status_box = [0]

        async def send_tracked(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_box[0] = message["status"]
                message["headers"] = _add_request_id(message.get("headers", []), trace)
            await send(message)

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            await self._handle(state, scope, receive, send_tracked, headers, trace)
        finally:
            state.requests.append(
                {
                    "method": scope["method"],
                    "path": path,
                    "query": scope.get("query_string", b"").decode("latin-1"),
                    "status": status_box[0] or None,
                    "idempotency_key": headers.get(IDEMPOTENCY_HEADER),
                    "time": state.now().isoformat().replace("+00:00", "Z"),
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "request_id": trace,
                }
            )

    async def _handle(
        self,
        state: SandboxState,
        scope: Scope,
        receive: Receive,
        send: Send,
        headers: dict[str, str],
        trace: str,
    ) -> None:
        method: str = scope["method"]
        path: str = scope["path"]
        fault = state.faults.decide(method, path)
        if fault.latency_ms:
            await asyncio.sleep(fault.latency_ms / 1000)
        if fault.drop_before:
            await _drop(send)
        if fault.error_status:
            err = QontoHTTPError(fault.error_status, "unknown", "Injected fault")
            await error_response(err, trace)(scope, receive, send)
            return
        client_ip = (scope.get("client") or ("unknown", 0))[0]
        rejection = _gatekeeper(state, client_ip, headers, path, method)
        if rejection is not None:
            await error_response(rejection, trace)(scope, receive, send)
            return
        key = headers.get(IDEMPOTENCY_HEADER)
        if not (key and method in WRITE_METHODS and path.startswith("/v2/")):
            if fault.timeout_after_commit:
                await self._commit_then_fail(scope, receive, send, fault)
            else:
                await self.app(scope, receive, send)
            return
        await self._idempotent(state, scope, receive, send, key, fault)

    async def _idempotent(
        self,
        state: SandboxState,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: str,
        fault: FaultDecision,
    ) -> None:
        cache = state.idempotency
        cache_key = cache.cache_key(scope["method"], scope["path"], key)
        lock = cache.lock_for(cache_key)
        async with lock:
            cached = cache.get(cache_key)
            if cached is None:
                status, resp_headers, body = await _capture(self.app, scope, receive)
                if 200 <= status < 300:
                    cache.put(cache_key, status, resp_headers, body)
                replay = False
            else:
                status, resp_headers, body = cached.status, cached.headers, cached.body
                replay = True
        cache.release(cache_key, lock)
        if fault.timeout_after_commit:
            await _fail_after_commit(send, fault)
            return
        extra = [(REPLAY_HEADER.encode(), b"true")] if replay else []
        await send(
            {"type": "http.response.start", "status": status, "headers": resp_headers + extra}
        )
        await send({"type": "http.response.body", "body": body})

    async def _commit_then_fail(
        self, scope: Scope, receive: Receive, send: Send, fault: FaultDecision
    ) -> None:
        await _capture(self.app, scope, receive)
        await _fail_after_commit(send, fault)


def _gatekeeper(
    state: SandboxState, client_ip: str, headers: dict[str, str], path: str, method: str
) -> QontoHTTPError | None:
    """Rate limits, 401 throttling, authentication and mandatory idempotency keys."""
    wait = state.rate_limiter.retry_after(client_ip)
    if wait is None and path.startswith("/v2"):
        wait = state.unauthorized.retry_after(client_ip, record=False)
    if wait is not None:
        return QontoHTTPError(
            429, "too_many_requests", "Rate limit exceeded", headers={"Retry-After": str(wait)}
        )
    if not path.startswith("/v2"):
        return None
    reason = check_credentials(
        state, headers.get("authorization"), headers.get("x-qonto-staging-token")
    )
    if reason is not None:
        state.unauthorized.record(client_ip)
        return QontoHTTPError(401, "unauthorized", reason)
    if _key_required(method, path) and not headers.get(IDEMPOTENCY_HEADER):
        return QontoHTTPError(
            400,
            "missing_idempotency_key",
            "The X-Qonto-Idempotency-Key header is required on this endpoint",
            parameter="X-Qonto-Idempotency-Key",
        )
    return None


async def _capture(
    app: ASGIApp, scope: Scope, receive: Receive
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Run the app and buffer its whole response."""
    status = 500
    headers: list[tuple[bytes, bytes]] = []
    chunks: list[bytes] = []

    async def collect(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = [(k, v) for k, v in message.get("headers", []) if k != b"x-request-id"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, collect)
    return status, headers, b"".join(chunks)


async def _drop(send: Send) -> None:
    """Start an answer that never completes, then cut the connection."""
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"64")]}
    )
    raise ConnectionDropped("connection dropped by an injected sandbox fault")


async def _fail_after_commit(send: Send, fault: FaultDecision) -> None:
    if fault.timeout_delay_ms:
        await asyncio.sleep(fault.timeout_delay_ms / 1000)
    await _drop(send)


def _with_request_id(send: Send, trace: str) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = _add_request_id(message.get("headers", []), trace)
        await send(message)

    return wrapped


def _add_request_id(headers: list[tuple[bytes, bytes]], trace: str) -> list[tuple[bytes, bytes]]:
    if any(k.lower() == b"x-request-id" for k, _ in headers):
        return list(headers)
    return [*headers, (b"x-request-id", trace.encode())]


def create_app(state: SandboxState | None = None) -> FastAPI:
    """A new sandbox application around ``state`` (a fresh default organization if omitted)."""
    sandbox = state or SandboxState()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        warming = asyncio.create_task(transactions.warm_wire_cache(sandbox))
        yield
        warming.cancel()
        with suppress(asyncio.CancelledError):
            await warming
        if sandbox.config.state_file:
            persistence.save_state(sandbox, sandbox.config.state_file)
        sandbox.close()

    app = FastAPI(
        title="Qonto sandbox", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    app.state.sandbox = sandbox
    app.add_exception_handler(QontoHTTPError, handle_qonto_error)
    app.add_exception_handler(RequestValidationError, handle_validation_error)
    app.add_exception_handler(StarletteHTTPException, handle_http_error)
    app.add_middleware(SandboxMiddleware)
    for module in (
        organization,
        bank_accounts,
        transactions,
        attachments,
        webhook_subscriptions,
        clients,
        client_invoices,
        quotes,
        credit_notes,
    ):
        app.include_router(module.router)
    app.include_router(public.router)
    app.include_router(control.router)
    app.include_router(auth.router)
    return app
