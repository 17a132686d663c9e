"""Pushing a local document to Qonto as a draft, shared by every way an invoice is created.

The pending document and the outbox intent are committed together; the Qonto call follows;
the Qonto id is linked (pending → draft) in the transaction that settles the intent.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.ports import Clock, QontoGateway, RemoteDocument, UnitOfWork
from verone.backoffice.services.common import audit, lock_document, refresh_order_status
from verone.backoffice.services.outbox.write import Intent, Operation, Outcome, write


@dataclass(frozen=True, slots=True)
class DraftRequest:
    """What the create call needs: the committed pending document and its Qonto client."""

    document: FinancialDocument
    client_id: str
    quote_qonto_id: str | None = None


def apply_remote_draft(document: FinancialDocument, remote: RemoteDocument) -> None:
    """Link the Qonto draft to the local document (pending → draft)."""
    if document.qonto_id == remote.qonto_id:
        return
    document.link_qonto_draft(remote.qonto_id)
    document.qonto_updated_at = remote.updated_at


def create_remote_draft(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    stage: Callable[[], DraftRequest],
    *,
    discard_on_rejection: bool,
) -> FinancialDocument:
    """``stage()`` (inside the intent's transaction) adds or locks the pending document;
    then Qonto's draft is created and linked.

    Qonto unreachable or silent: the document stays pending (the recovery or
    ``validate_to_draft`` pushes it later) and the error is raised. Qonto refusing: with
    ``discard_on_rejection`` the pending document is removed (nothing half-written).
    """

    def prepare() -> Intent[DraftRequest]:
        request = stage()
        context = {
            "client_id": request.client_id,
            "document_type": str(request.document.document_type),
            "quote_qonto_id": request.quote_qonto_id,
        }
        return Intent(request, request.document.id, context)

    def call(request: DraftRequest, key: str) -> RemoteDocument:
        return gateway.create_draft(
            request.document, request.client_id, key, request.quote_qonto_id
        )

    def apply(request: DraftRequest, remote: RemoteDocument) -> tuple[FinancialDocument, Outcome]:
        local = lock_document(uow, request.document.id)
        apply_remote_draft(local, remote)
        refresh_order_status(uow, local.sales_order_id)
        details = {"qonto_id": remote.qonto_id}
        audit(uow, clock, local.created_by, "document.draft_created", local, details)
        return local, details

    def discard(request: DraftRequest) -> None:
        discard_pending(uow, request.document.id)

    return write(
        uow,
        clock,
        Operation.CREATE_DRAFT,
        prepare,
        call,
        apply,
        rejected=discard if discard_on_rejection else None,
    )


def discard_pending(uow: UnitOfWork, document_id: uuid.UUID) -> None:
    """Remove a pending document that never reached Qonto (and refresh its order)."""
    with uow:
        document = uow.documents.get(document_id)
        if document is not None and document.qonto_id is None:
            order_id = document.sales_order_id
            uow.documents.delete(document)
            refresh_order_status(uow, order_id)
            uow.commit()
