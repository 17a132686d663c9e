"""The back office's ASGI application: ``create_app(settings | container)``.

The lifespan builds (or adopts) the container, starts the background jobs and stops them on
shutdown; ``include_routers(app)`` is the one place the JSON API and web routers are mounted.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import BaseModel

from verone.backoffice.api.errors import install_error_handlers
from verone.backoffice.api.middleware import install_middleware
from verone.backoffice.bootstrap import Container, build_container
from verone.backoffice.config import Settings, load_settings
from verone.backoffice.db.upkeep import tidy_database
from verone.backoffice.jobs import JobRunner, default_jobs
from verone.backoffice.web.setup import install_web

OPENAPI_URL = "/api/openapi.json"


class Health(BaseModel):
    status: str
    qonto_simulated: bool


def include_routers(app: FastAPI) -> None:
    """Mount the JSON API (``/api/...``) and the web pages (``web/``) here, and nowhere else.

    Each router module exposes an ``APIRouter`` named ``router``; add one
    ``app.include_router(...)`` line per area.
    """
    from verone.backoffice.api.routes import (
        attachments,
        auth,
        catalog,
        credit_notes,
        debug,
        infra,
        invoices,
        quotes,
        reconciliation,
        tokens,
        users,
        webhooks,
    )

    for module in (
        auth,
        tokens,
        users,
        invoices,
        quotes,
        credit_notes,
        infra,
        attachments,
        debug,
        webhooks,
        catalog,
        reconciliation,
    ):
        app.include_router(module.router)
    install_web(app)


def install_health(app: FastAPI) -> None:
    @app.get("/healthz", tags=["ops"], response_model=Health)
    def healthz() -> Health:
        """Liveness: the process answers (no database or Qonto call)."""
        return Health(status="ok", qonto_simulated=bool(app.state.qonto_simulated))


# Objects a request allocates before the cyclic collector's youngest generation is examined
# (Python's default: 700); the two older generations are examined every 20 passes of the one
# below (default: 10). See settle_collector.
COLLECTOR_THRESHOLDS = (20_000, 20, 20)


def settle_collector() -> None:
    """Keep the cyclic collector's full passes out of requests (docs/performance.md).

    What start-up made (modules, models, templates, the container) lives as long as the
    process: ``gc.freeze`` takes it out of every pass. A request's own cycles (ORM states,
    pages of rows) are then still alive whenever a 700-object young pass runs, so they were
    promoted to the oldest generation, which an empty frozen heap let Python examine in full
    every 70 000 allocations: one page in ~10 waited 30-80 ms for it. A 20 000-object young
    pass finds those cycles already dead and frees them where they are.
    """
    gc.freeze()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)


def create_app(source: Settings | Container, *, run_jobs: bool | None = None) -> FastAPI:
    """An application on ``source``: settings (the lifespan builds and closes a container)
    or a container that the caller keeps owning (tests).

    ``run_jobs`` overrides ``VERONE_JOBS_ENABLED`` for the background job thread.
    """
    settings = source.settings if isinstance(source, Container) else source
    jobs_enabled = settings.jobs_enabled if run_jobs is None else run_jobs

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = not isinstance(source, Container)
        container = build_container(source) if isinstance(source, Settings) else source
        app.state.container = container
        tidy_database(container.engine)  # what the database holds at start
        runner = JobRunner(container, default_jobs(settings)) if jobs_enabled else None
        if runner is not None:
            runner.start()
        app.state.jobs = runner
        settle_collector()
        try:
            yield
        finally:
            if runner is not None:
                runner.stop()
            app.state.container = None
            if owned:
                container.close()

    app = FastAPI(
        title="Verone Billing",
        description="Back office de facturation Qonto : devis, factures, avoirs.",
        version="0.1.0",
        openapi_url=OPENAPI_URL,
        docs_url=None,  # /api/docs is served by web/ from the vendored Swagger UI
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.qonto_simulated = settings.qonto_simulated
    app.state.container = None
    install_error_handlers(app)
    install_middleware(app, settings)
    install_health(app)
    include_routers(app)
    return app


def create_app_from_environment() -> FastAPI:
    """The factory ``verone serve --workers N`` hands to uvicorn: each worker process reads
    the same ``VERONE_*`` variables and builds its own container in the lifespan."""
    return create_app(load_settings())
