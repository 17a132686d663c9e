"""Pushing a local document to Qonto as a draft, shared by every way a document is created.

The pending document and the outbox intent are committed together; the Qonto call follows;
the Qonto id is linked (pending → draft) in the unit of work that settles the intent.
"""

from __future__ import annotations

import uuid

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.operations import OutboxEntry
from verone.backoffice.ports import Clock, QontoGateway, RemoteDocument, UnitOfWork
from verone.backoffice.services.common import audit, lock_document, refresh_order_status
from verone.backoffice.services.writes import (
    Operation,
    call_qonto,
    intent_context,
    mark_succeeded,
    record_intent,
)


def stage_draft(
    uow: UnitOfWork,
    clock: Clock,
    document: FinancialDocument,
    client_id: str,
    quote_qonto_id: str | None = None,
) -> OutboxEntry:
    """Inside an open unit of work: the intent to create ``document``'s Qonto draft."""
    return record_intent(
        uow,
        clock,
        Operation.CREATE_DRAFT,
        document_id=document.id,
        context={
            "client_id": client_id,
            "document_type": str(document.document_type),
            "quote_qonto_id": quote_qonto_id,
        },
    )


def apply_remote_draft(document: FinancialDocument, remote: RemoteDocument) -> None:
    """Link the Qonto draft to the local document (pending → draft)."""
    if document.qonto_id == remote.qonto_id:
        return
    document.link_qonto_draft(remote.qonto_id)
    document.qonto_updated_at = remote.updated_at


def push_draft(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    document: FinancialDocument,
    client_id: str,
    entry: OutboxEntry,
    *,
    discard_on_rejection: bool,
) -> FinancialDocument:
    """Create the Qonto draft for the committed pending ``document`` and link it.

    Qonto unreachable or silent: the document stays pending (the recovery job or
    ``validate_to_draft`` pushes it later) and the error is raised. Qonto refusing:
    with ``discard_on_rejection`` the pending document is removed (nothing half-written).
    """
    try:
        quote_qonto_id = intent_context(entry).get("quote_qonto_id")
        remote = call_qonto(
            uow,
            clock,
            entry,
            lambda key: gateway.create_draft(document, client_id, key, quote_qonto_id),
        )
    except errors.QontoRejected:
        if discard_on_rejection:
            _discard(uow, document.id)
        raise
    with uow:
        local = lock_document(uow, document.id)
        apply_remote_draft(local, remote)
        mark_succeeded(uow, clock, entry.id, {"qonto_id": remote.qonto_id})
        refresh_order_status(uow, local.sales_order_id)
        audit(
            uow,
            clock,
            local.created_by,
            "document.draft_created",
            local,
            {"qonto_id": remote.qonto_id},
        )
        uow.commit()
    return local


def _discard(uow: UnitOfWork, document_id: uuid.UUID) -> None:
    with uow:
        document = uow.documents.get(document_id)
        if document is not None and document.qonto_id is None:
            order_id = document.sales_order_id
            uow.documents.delete(document)
            refresh_order_status(uow, order_id)
            uow.commit()
