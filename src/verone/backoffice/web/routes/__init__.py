"""One module per area of the back office; each exposes an ``APIRouter`` named ``router``."""

from verone.backoffice.web.routes import (
    admin,
    audit,
    dashboard,
    docs,
    documents,
    integration,
    session,
)

ROUTERS = (
    docs.router,
    session.router,
    dashboard.router,
    documents.router,
    integration.router,
    audit.router,
    admin.router,
)
