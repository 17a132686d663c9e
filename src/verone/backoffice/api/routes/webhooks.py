"""``POST /api/qonto/webhooks``: Qonto's deliveries. The signature (``X-Qonto-Signature``,
constant time, timestamp window) is checked here; the event is stored once and processed
after the answer (202) by ``services.webhooks``."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, BackgroundTasks, Request
from starlette.concurrency import run_in_threadpool

from verone.backoffice.api.errors import STANDARD_ERRORS, ErrorResponse
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.api.schemas import ApiModel
from verone.backoffice.domain.operations import WebhookEvent
from verone.backoffice.edge.context import PublicContext
from verone.backoffice.edge.errors import EdgeError
from verone.backoffice.services import webhooks
from verone.qonto import WebhookSignatureError, verify_signature
from verone.qonto.webhooks import SIGNATURE_HEADER

router = APIRouter(
    prefix="/api/qonto", tags=["webhooks"], responses=STANDARD_ERRORS, route_class=AuditedRoute
)


class WebhookAck(ApiModel):
    received: Literal[True] = True
    duplicate: bool


@router.post(
    "/webhooks",
    response_model=WebhookAck,
    status_code=202,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["id", "type", "data"],
                        "properties": {
                            "id": {"type": "string"},
                            "type": {"type": "string", "example": "v1/client-invoices"},
                            "event": {"type": "string"},
                            "data": {"type": "object"},
                        },
                    }
                }
            },
        }
    },
    responses={
        401: {"model": ErrorResponse, "description": "Bad or missing signature"},
        413: {"model": ErrorResponse, "description": "Body too large"},
        503: {"model": ErrorResponse, "description": "No webhook secret configured"},
    },
)
async def receive_webhook(
    ctx: PublicContext, request: Request, background: BackgroundTasks
) -> WebhookAck:
    """Verify, store once, acknowledge; the processing runs after the answer."""
    container = ctx.runtime
    secret = container.settings.webhook_signing_secret
    if secret is None:
        raise EdgeError(
            503,
            "webhooks_not_configured",
            "Réception des webhooks non configurée.",
            hint="Renseignez VERONE_WEBHOOK_SECRET avec le secret de l'abonnement Qonto.",
        )
    raw = await request.body()  # bounded by the body limit (api/middleware.py)
    try:
        parsed = verify_signature(
            request.headers.get(SIGNATURE_HEADER),
            raw,
            secret.get_secret_value(),
            now=int(container.clock.now().timestamp()),
        )
    except WebhookSignatureError as exc:
        raise EdgeError(401, "invalid_signature", f"Signature refusée : {exc}") from None
    event = WebhookEvent(
        event_id=parsed.id,
        event_type=parsed.type,
        payload=raw.decode("utf-8", errors="replace"),
        received_at=container.clock.now(),
    )
    new = await run_in_threadpool(webhooks.record_event, container.unit_of_work(), event)
    if new:
        background.add_task(
            webhooks.process_event,
            container.unit_of_work(),
            container.gateway,
            container.sync_reader,
            container.clock,
            parsed.id,
        )
    return WebhookAck(duplicate=not new)
