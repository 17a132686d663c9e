"""``POST /api/qonto/webhooks``: Qonto's deliveries. The signature (``X-Qonto-Signature``,
constant time, timestamp window) is checked, the event stored once (dedup on its id), the
answer sent at once (202), and the event processed in the background; polling stays the
safety net for anything missed."""

from __future__ import annotations

import json
import logging
from typing import Literal

from fastapi import APIRouter, BackgroundTasks, Request
from starlette.concurrency import run_in_threadpool

from verone.backoffice.api.errors import STANDARD_ERRORS, ErrorResponse
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.api.schemas import ApiModel
from verone.backoffice.bootstrap import Container
from verone.backoffice.domain.errors import DomainError
from verone.backoffice.domain.operations import WebhookEvent
from verone.backoffice.domain.statuses import DocumentType
from verone.backoffice.edge.context import PublicContext
from verone.backoffice.edge.errors import EdgeError
from verone.backoffice.services import payments
from verone.backoffice.services.sync_transactions import sync_transactions
from verone.qonto import WebhookSignatureError, verify_signature
from verone.qonto.webhooks import SIGNATURE_HEADER

logger = logging.getLogger(__name__)

router = APIRouter(
    prefix="/api/qonto", tags=["webhooks"], responses=STANDARD_ERRORS, route_class=AuditedRoute
)

INVOICE_EVENTS = frozenset({"v1/client-invoices"})
TRANSACTION_EVENTS = frozenset({"v1/transactions"})
#: What the back office subscribes to (``verone webhooks subscribe``, the embedded default)
SUBSCRIBED_EVENTS = INVOICE_EVENTS | TRANSACTION_EVENTS


class WebhookAck(ApiModel):
    received: Literal[True] = True
    duplicate: bool


def _store(container: Container, event: WebhookEvent) -> bool:
    with container.unit_of_work() as uow:
        new = uow.webhook_events.insert_if_new(event)
        uow.commit()
    return new


def _apply(container: Container, event_type: str, data: object) -> None:
    """A booked transaction: mirror the new transactions now (the incremental sync, leased
    per account) rather than at the next poll. A client invoice: adopt Qonto's state of the
    invoice we mirror (paid, unpaid, canceled)."""
    if event_type in TRANSACTION_EVENTS:
        sync_transactions(container.unit_of_work(), container.sync_reader, container.clock)
        return
    if event_type not in INVOICE_EVENTS or not isinstance(data, dict):
        return
    qonto_id = data.get("id")
    if not isinstance(qonto_id, str):
        return
    with container.unit_of_work() as uow:
        document = uow.documents.by_qonto_id(DocumentType.INVOICE, qonto_id)
    if document is None or not document.is_issued:
        return
    remote = container.gateway.get_document(DocumentType.INVOICE, qonto_id)
    payments.adopt_remote_state(
        container.unit_of_work(), container.clock, document.id, remote, None
    )


def process_event(container: Container, event_id: str) -> None:
    """Background work for one stored event; failures are recorded on the event."""
    with container.unit_of_work() as uow:
        event = uow.webhook_events.by_event_id(event_id)
    if event is None or event.processed_at is not None:
        return
    error: str | None = None
    try:
        payload = json.loads(event.payload)
        data = payload.get("data") if isinstance(payload, dict) else None
        _apply(container, event.event_type, data)
    except (DomainError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        logger.warning("webhook %s not processed: %s", event_id, error)
    with container.unit_of_work() as uow:
        stored = uow.webhook_events.by_event_id(event_id)
        if stored is not None:
            if error is None:
                stored.mark_processed(container.clock.now())
            else:
                stored.error = error
            uow.commit()


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
    new = await run_in_threadpool(_store, container, event)
    if new:
        background.add_task(process_event, container, parsed.id)
    return WebhookAck(duplicate=not new)
