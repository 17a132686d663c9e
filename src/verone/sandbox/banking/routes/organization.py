"""``GET /v2/organization``: Verone SAS, its legal identity and its bank accounts."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verone.sandbox.banking.store import BankingStore
from verone.sandbox.banking.wire import OrganizationEnvelopeAnswer, organization_wire
from verone.sandbox.deps import get_state
from verone.sandbox.wire import build, dumps

router = APIRouter()
BODY_KEY = "GET /v2/organization"


@router.get("/v2/organization")
async def get_organization(request: Request) -> Response:
    """Rendered once per version of the banking store (any write there renders it again).

    The state is read from the request, not injected: one dependency less on a hot path.
    """
    state = get_state(request)
    with state.lock:
        banking = state.banking
        body = banking.bodies.get(BODY_KEY)
        if body is None:
            body = _render(banking)
            banking.bodies[BODY_KEY] = body
    return Response(body, media_type="application/json")


def _render(banking: BankingStore) -> bytes:
    """The organization's envelope as JSON (Qonto's fields plus the VAT number)."""
    return dumps(build(OrganizationEnvelopeAnswer, organization=organization_wire(banking)))
