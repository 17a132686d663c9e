"""Mount the web pages on the application: static assets, error pages, routers."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from verone.backoffice.web.errors import install_web_error_handlers
from verone.backoffice.web.routes import ROUTERS
from verone.backoffice.web.templating import STATIC_DIR


def install_web(app: FastAPI) -> None:
    """After the API's routers and error handlers (pages dispatch errors by path)."""
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_web_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
