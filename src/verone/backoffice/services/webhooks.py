"""Qonto's webhook deliveries once verified (``POST /api/qonto/webhooks``): stored once
(deduplicated on the event id), then processed after the answer. A booked transaction runs
the incremental bank sync now rather than at the next poll; a client invoice event adopts
Qonto's state of the invoice mirrored here (paid, unpaid, canceled). Polling stays the safety
net for anything missed. Failures are recorded on the event, never raised."""

from __future__ import annotations

import json
import logging

from verone.backoffice.domain.errors import DomainError
from verone.backoffice.domain.operations import WebhookEvent
from verone.backoffice.domain.statuses import DocumentType
from verone.backoffice.ports import Clock, QontoGateway, QontoSyncReader, UnitOfWork
from verone.backoffice.services import payments
from verone.backoffice.services.sync_transactions import sync_transactions

logger = logging.getLogger(__name__)

INVOICE_EVENTS = frozenset({"v1/client-invoices"})
TRANSACTION_EVENTS = frozenset({"v1/transactions"})
#: What the back office subscribes to (``verone webhooks subscribe``, the embedded default)
SUBSCRIBED_EVENTS = INVOICE_EVENTS | TRANSACTION_EVENTS


def record_event(uow: UnitOfWork, event: WebhookEvent) -> bool:
    """Store a verified delivery; False when the same event id came before."""
    with uow:
        new = uow.webhook_events.insert_if_new(event)
        uow.commit()
    return new


def process_event(
    uow: UnitOfWork,
    gateway: QontoGateway,
    reader: QontoSyncReader,
    clock: Clock,
    event_id: str,
) -> None:
    """Apply one stored event once; its failure is recorded on it (``error``)."""
    with uow:
        event = uow.webhook_events.by_event_id(event_id)
    if event is None or event.processed_at is not None:
        return
    error: str | None = None
    try:
        payload = json.loads(event.payload)
        data = payload.get("data") if isinstance(payload, dict) else None
        _apply(uow, gateway, reader, clock, event.event_type, data)
    except (DomainError, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:500]
        logger.warning("webhook %s not processed: %s", event_id, error)
    with uow:
        stored = uow.webhook_events.by_event_id(event_id)
        if stored is not None:
            if error is None:
                stored.mark_processed(clock.now())
            else:
                stored.error = error
            uow.commit()


def _apply(
    uow: UnitOfWork,
    gateway: QontoGateway,
    reader: QontoSyncReader,
    clock: Clock,
    event_type: str,
    data: object,
) -> None:
    if event_type in TRANSACTION_EVENTS:
        sync_transactions(uow, reader, clock)
        return
    if event_type not in INVOICE_EVENTS or not isinstance(data, dict):
        return
    qonto_id = data.get("id")
    if not isinstance(qonto_id, str):
        return
    with uow:
        document = uow.documents.by_qonto_id(DocumentType.INVOICE, qonto_id)
    if document is None or not document.is_issued:
        return
    remote = gateway.get_document(DocumentType.INVOICE, qonto_id)
    payments.adopt_remote_state(uow, clock, document.id, remote, None)
