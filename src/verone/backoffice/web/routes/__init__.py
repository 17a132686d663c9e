"""One module per area of the back office; each exposes an ``APIRouter`` named ``router``."""

from verone.backoffice.web.routes import (
    admin,
    audit,
    banking,
    creation,
    dashboard,
    docs,
    document_actions,
    documents,
    integration,
    parties,
    session,
)

ROUTERS = (
    docs.router,
    session.router,
    dashboard.router,
    creation.router,  # before documents: /factures/nouvelle/service is not a document id
    documents.router,
    document_actions.router,
    parties.router,
    banking.router,
    integration.router,
    audit.router,
    admin.router,
)
