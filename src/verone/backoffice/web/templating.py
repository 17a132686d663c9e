"""Rendering: one Jinja2 environment over ``backoffice/templates/`` and one partial mechanism.

A page template extends ``base.html``; each part htmx swaps is its own template whose name
starts with ``_`` and that the page includes. ``render`` answers a plain request with the
page and an htmx request with the partial, so a route names both and never branches itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from verone.backoffice.web import formatting, labels
from verone.backoffice.web.context import RequestContext, viewer_of

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"

templates = Jinja2Templates(directory=TEMPLATES_DIR)
_env = templates.env
_env.autoescape = True
_env.trim_blocks = True
_env.lstrip_blocks = True
_env.filters.update(
    money=formatting.money,
    decimal=formatting.decimal,
    rate=formatting.rate,
    discount=formatting.discount,
    day=formatting.day,
    timestamp=formatting.timestamp,
    iso=formatting.iso,
)
_env.globals.update(labels=labels, ago=formatting.ago)


def is_htmx(request: Request) -> bool:
    """An htmx request that wants a fragment (a boosted link wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and "HX-Boosted" not in request.headers


def render(
    request: Request,
    ctx: RequestContext | None,
    page: str,
    context: Mapping[str, object] | None = None,
    *,
    partial: str | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """``page`` for a browser, ``partial`` (when given) for an htmx request."""
    name = partial if partial is not None and is_htmx(request) else page
    values: dict[str, object] = {
        "request": request,
        "simulated": bool(getattr(request.app.state, "qonto_simulated", False)),
        **(context or {}),
    }
    values.setdefault("viewer", viewer_of(ctx.principal if ctx is not None else None))
    flash = request.cookies.get(FLASH_COOKIE)
    values.setdefault("flash", unquote(flash) if flash else None)
    answer: HTMLResponse = templates.TemplateResponse(
        request, name, values, status_code=status_code, headers=dict(headers or {})
    )
    if flash and name == page:
        answer.delete_cookie(FLASH_COOKIE)
    return answer


def hx_redirect(request: Request, url: str) -> Response:
    """After a write: htmx follows ``HX-Redirect``; a plain form gets a 303."""
    if request.headers.get("HX-Request") == "true":
        return Response(status_code=204, headers={"HX-Redirect": url})
    return Response(status_code=303, headers={"Location": url})


FLASH_COOKIE = "verone_flash"


def hx_redirect_with_flash(request: Request, url: str, message: str) -> Response:
    """Redirect after a write; the next page shows ``message`` once (« Brouillon créé… »)."""
    response = hx_redirect(request, url)
    response.set_cookie(FLASH_COOKIE, quote(message), max_age=60, httponly=True, samesite="lax")
    return response
