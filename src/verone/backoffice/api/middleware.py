"""The ASGI layers around every route (outermost first): security headers, the one log entry of
an unexpected error, the request body limit, and the refusal of control characters in the URL.

They are pure ASGI middleware, so they also guard the web pages and anything mounted later;
``install_middleware(app, settings)`` is the one place they are added (docs/architecture.md).
"""

from __future__ import annotations

import logging
import re
import traceback
from dataclasses import dataclass
from urllib.parse import unquote

import secure
from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from verone.backoffice.api.errors import error_response
from verone.backoffice.config import Settings

logger = logging.getLogger("verone.backoffice.errors")

WEBHOOK_PATHS = ("/api/qonto/webhooks",)
UPLOAD_PATHS = ("/api/qonto/attachments/upload",)
STATIC_PATHS = ("/static/",)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


async def _send_error(
    send: Send, status: int, code: str, message: str, *, hint: str | None = None
) -> None:
    response = error_response(status, code, message, hint=hint)
    await send({"type": "http.response.start", "status": status, "headers": response.raw_headers})
    await send({"type": "http.response.body", "body": response.body})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value)
    return None


# ---------------------------------------------------------------------- body limit


@dataclass(frozen=True, slots=True)
class BodyLimits:
    """Largest request body per route class, in bytes (``VERONE_MAX_*_BODY_BYTES``)."""

    json: int
    webhook: int
    upload: int

    @classmethod
    def from_settings(cls, settings: Settings) -> BodyLimits:
        return cls(
            json=settings.max_json_body_bytes,
            webhook=settings.max_webhook_body_bytes,
            upload=settings.max_upload_body_bytes,
        )

    def for_path(self, path: str) -> int:
        if path.startswith(WEBHOOK_PATHS):
            return self.webhook
        if path.startswith(UPLOAD_PATHS):
            return self.upload
        return self.json


class _BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """413 before reading when ``Content-Length`` is too large, and as soon as a streamed body
    (chunked, or lying about its length) passes the limit: memory stays at one chunk plus the
    limit, whatever the client sends."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope["path"])
        declared = _header(scope, b"content-length")
        if declared is not None:
            text = declared.strip()
            if not (text.isascii() and text.isdigit() and len(text) <= 18):
                await _send_error(send, 400, "bad_request", "En-tête Content-Length invalide.")
                return
            if int(text) > limit:
                await self._refuse(send, limit)
                return
        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's answer to a cut body is replaced by the 413
            started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _BodyTooLarge:
            pass
        if exceeded and not started:
            await self._refuse(send, limit)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        await _send_error(
            send,
            413,
            "payload_too_large",
            f"Corps de requête trop volumineux (au plus {limit} octets).",
        )


# ---------------------------------------------------------------------- URL guard


class UrlGuardMiddleware:
    """422 for a path or query string holding control characters (NUL, …), before any route
    or database sees them: search parameters included."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = unquote(scope.get("query_string", b"").decode("latin-1"))
            if _CONTROL.search(scope["path"]) or _CONTROL.search(query):
                await _send_error(
                    send,
                    422,
                    "validation_error",
                    "Caractères de contrôle refusés dans l'adresse.",
                    hint="Retirez les caractères NUL ou de contrôle du chemin et des paramètres.",
                )
                return
        await self.app(scope, receive, send)


# ---------------------------------------------------------------------- unexpected errors


def _safe_message(exc: BaseException) -> str:
    """An exception's text without data: database errors keep their type and SQL, never the
    parameters or the driver's detail (which quotes the offending values)."""
    from sqlalchemy.exc import StatementError

    name = f"{type(exc).__module__}.{type(exc).__qualname__}"
    if isinstance(exc, StatementError):
        orig = exc.orig
        driver = type(orig).__qualname__ if orig is not None else "?"
        statement = " ".join((exc.statement or "").split())[:500]
        return f"{name} ({driver}); SQL: {statement}"
    if type(exc).__module__.split(".")[0] in {"psycopg", "sqlite3", "sqlalchemy"}:
        return f"{name} (detail withheld)"
    return f"{name}: {exc}"


def safe_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` and its causes, with ``_safe_message`` for each exception."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts = []
    for index, item in enumerate(reversed(chain)):
        if index:
            parts.append("\nwhich led to:\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(item.__traceback__))
        parts.append(_safe_message(item) + "\n")
    return "".join(parts)


class UnexpectedErrorMiddleware:
    """An exception no handler mapped: logged once (sanitized), answered 500 in the envelope,
    and not re-raised, so the server does not log it a second time."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            logger.error(
                "unexpected error on %s %s\n%s",
                scope.get("method"),
                scope.get("path"),
                safe_traceback(exc),
            )
            if not started:
                await _send_error(send, 500, "internal_error", "Erreur interne inattendue.")


# ---------------------------------------------------------------------- security headers


#: Every page (the UI and /api/docs): scripts, styles and images from the origin only (the
#: vendored assets under /static/), no inline script or style, no framing, forms post to
#: itself. ``tests/browser/test_csp.py`` loads the pages in Chromium and finds no violation.
def _page_csp(frame_ancestors: str) -> secure.ContentSecurityPolicy:
    return (
        secure.ContentSecurityPolicy()
        .default_src("'self'")
        .script_src("'self'")
        .style_src("'self'")
        .img_src("'self'", "data:")
        .font_src("'self'")
        .connect_src("'self'")
        .object_src("'none'")
        .base_uri("'self'")
        .form_action("'self'")
        .frame_ancestors(frame_ancestors)
    )


PAGE_CSP = _page_csp("'none'")

#: What a document's PDF answers with its own headers (they win over the defaults): the
#: document page shows it inline in an ``<iframe>`` of the same origin, and no other site may.
SAME_ORIGIN_FRAMING = {
    "Content-Security-Policy": _page_csp("'self'").header_value,
    "X-Frame-Options": "SAMEORIGIN",
}


def _headers(csp: secure.ContentSecurityPolicy, *, no_store: bool) -> list[tuple[bytes, bytes]]:
    policy = secure.Secure(
        csp=csp,
        xcto=secure.XContentTypeOptions(),
        xfo=secure.XFrameOptions().deny(),
        referrer=secure.ReferrerPolicy().strict_origin_when_cross_origin(),
        coop=secure.CrossOriginOpenerPolicy().same_origin(),
        corp=secure.CrossOriginResourcePolicy().same_origin(),
        permissions=secure.PermissionsPolicy().geolocation().camera().microphone(),
        cache=secure.CacheControl().no_store() if no_store else None,
    )
    return [(k.lower().encode(), v.encode()) for k, v in policy.headers.items()]


class SecurityHeadersMiddleware:
    """Security headers on every answer (an answer's own value wins); ``Cache-Control:
    no-store`` everywhere but on the vendored static assets."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.pages = _headers(PAGE_CSP, no_store=True)
        self.static = _headers(PAGE_CSP, no_store=False)

    def _for(self, path: str) -> list[tuple[bytes, bytes]]:
        if path.startswith(STATIC_PATHS):
            return self.static
        return self.pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._for(scope["path"])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {bytes(name).lower() for name, _ in headers}
                headers.extend(item for item in extra if item[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def install_middleware(app: FastAPI, settings: Settings) -> None:
    """Add the layers, innermost first (Starlette wraps each new one around the others)."""
    app.add_middleware(UrlGuardMiddleware)
    app.add_middleware(BodyLimitMiddleware, limits=BodyLimits.from_settings(settings))
    app.add_middleware(UnexpectedErrorMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
