"""Recovery of Qonto writes left open by a crash or a timeout: ``settle_outbox``.

Each pending or ambiguous intent is settled by looking its result up in Qonto first (a draft
by the marker it carries, a client by e-mail / VAT, an issued document by its state). Only
writes that are safe to repeat are re-sent, with the same key, inside Qonto's 30-minute
window; an issuing write (finalize, quote, credit note) is never re-sent by the job: the user
confirms again. ``settle_outbox(uow, gateway, clock, *, min_age=timedelta(minutes=1))``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.operations import OutboxEntry
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.backoffice.ports import Clock, QontoGateway, RemoteDocument, UnitOfWork
from verone.backoffice.services.common import get_customer, get_document, refresh_order_status
from verone.backoffice.services.drafts import apply_remote_draft
from verone.backoffice.services.finalization import complete_issue
from verone.backoffice.services.payments import adopt_remote_state
from verone.backoffice.services.writes import (
    ISSUING,
    Operation,
    intent_context,
    mark_succeeded,
)

#: Qonto replays a key's answer for 30 minutes; re-sending later could write twice.
IDEMPOTENCY_WINDOW = timedelta(minutes=30) - timedelta(minutes=1)


@dataclass
class SettleReport:
    succeeded: list[uuid.UUID] = field(default_factory=list)
    failed: list[uuid.UUID] = field(default_factory=list)
    left_open: list[uuid.UUID] = field(default_factory=list)


def list_outbox(uow: UnitOfWork) -> list[OutboxEntry]:
    """The unsettled entries (pending and ambiguous), oldest first."""
    with uow:
        return uow.outbox.list_unsettled()


def _fail(uow: UnitOfWork, clock: Clock, entry_id: uuid.UUID, reason: str) -> None:
    with uow:
        entry = uow.outbox.get(entry_id)
        if entry is not None and not entry.settled:
            entry.fail(reason, clock.now())
            uow.commit()


def _in_window(entry: OutboxEntry, clock: Clock) -> bool:
    return clock.now() - entry.created_at < IDEMPOTENCY_WINDOW


def _settle_client(
    uow: UnitOfWork, gateway: QontoGateway, clock: Clock, entry: OutboxEntry
) -> bool:
    customer_id = intent_context(entry).get("customer_id")
    if customer_id is None:
        return False
    with uow:
        customer = get_customer(uow, uuid.UUID(customer_id))
    client_id = customer.qonto_client_id or gateway.find_client(customer)
    if client_id is None and _in_window(entry, clock):
        client_id = gateway.create_client(customer, entry.idempotency_key)
    if client_id is None:
        return False
    with uow:
        get_customer(uow, customer.id).qonto_client_id = client_id
        mark_succeeded(uow, clock, entry.id, {"qonto_id": client_id})
        uow.commit()
    return True


def _settle_draft(uow: UnitOfWork, gateway: QontoGateway, clock: Clock, entry: OutboxEntry) -> bool:
    if entry.document_id is None:
        return False
    with uow:
        document = uow.documents.get(entry.document_id)
    if document is None:
        return False
    remote = None
    if document.qonto_id is None:
        remote = gateway.find_created(document, entry.created_at)
        if remote is None and _in_window(entry, clock):
            context = intent_context(entry)
            remote = gateway.create_draft(
                document,
                context.get("client_id") or "",
                entry.idempotency_key,
                context.get("quote_qonto_id"),
            )
        if remote is None:
            return False
    with uow:
        local = get_document(uow, document.id)
        if remote is not None:
            apply_remote_draft(local, remote)
        mark_succeeded(uow, clock, entry.id, {"qonto_id": local.qonto_id})
        refresh_order_status(uow, local.sales_order_id)
        uow.commit()
    return True


def _remote_issued(
    uow: UnitOfWork, gateway: QontoGateway, document: FinancialDocument, entry: OutboxEntry
) -> RemoteDocument | None:
    if document.document_type is DocumentType.INVOICE:
        if document.qonto_id is None:
            return None
        remote = gateway.get_document(DocumentType.INVOICE, document.qonto_id)
        return None if remote.number is None or remote.qonto_status == "draft" else remote
    invoice_qonto_id = None
    if document.document_type is DocumentType.CREDIT_NOTE and document.parent_document_id:
        with uow:
            invoice_qonto_id = get_document(uow, document.parent_document_id).qonto_id
    return gateway.find_created(document, entry.created_at, invoice_qonto_id)


def _settle_issue(uow: UnitOfWork, gateway: QontoGateway, clock: Clock, entry: OutboxEntry) -> bool:
    """Complete a confirmed issue whose answer was lost; never re-send it."""
    context = intent_context(entry)
    by, content_hash = context.get("by"), context.get("content_hash")
    if entry.document_id is None or by is None or content_hash is None:
        return False
    with uow:
        document = uow.documents.get(entry.document_id)
    if document is None:
        return False
    if document.status is not DocumentStatus.DRAFT:
        with uow:
            mark_succeeded(uow, clock, entry.id, {"number": document.number})
            uow.commit()
        return True
    remote = _remote_issued(uow, gateway, document, entry)
    if remote is None:
        return False
    complete_issue(uow, clock, document.id, remote, uuid.UUID(by), content_hash, entry.id)
    return True


PAYMENT_STATE = {
    Operation.MARK_PAID: "paid",
    Operation.UNMARK_PAID: "unpaid",
    Operation.CANCEL: "canceled",
}


def _resend_payment_state(
    gateway: QontoGateway, entry: OutboxEntry, qonto_id: str
) -> RemoteDocument:
    key = entry.idempotency_key
    if entry.operation == Operation.MARK_PAID:
        paid_at = intent_context(entry).get("paid_at")
        day = date.fromisoformat(paid_at) if paid_at else entry.created_at.date()
        return gateway.mark_paid(qonto_id, day, key)
    if entry.operation == Operation.UNMARK_PAID:
        return gateway.unmark_paid(qonto_id, key)
    return gateway.cancel(qonto_id, key)


def _settle_payment_state(
    uow: UnitOfWork, gateway: QontoGateway, clock: Clock, entry: OutboxEntry
) -> bool:
    """Mark paid / unmark / cancel: adopt Qonto's state, or re-send inside the key window."""
    document = _document_of(uow, entry)
    if document is None or document.qonto_id is None:
        return False
    remote = gateway.get_document(DocumentType.INVOICE, document.qonto_id)
    if remote.qonto_status != PAYMENT_STATE[entry.operation]:
        if not _in_window(entry, clock):
            return False
        remote = _resend_payment_state(gateway, entry, document.qonto_id)
    adopt_remote_state(uow, clock, document.id, remote, entry.id)
    return True


def _document_of(uow: UnitOfWork, entry: OutboxEntry) -> FinancialDocument | None:
    if entry.document_id is None:
        return None
    with uow:
        return uow.documents.get(entry.document_id)


def _settle_repeatable(
    uow: UnitOfWork, gateway: QontoGateway, clock: Clock, entry: OutboxEntry
) -> bool:
    """Send, update or delete a draft: no trace to look up, so re-send with the same key
    inside the window (Qonto replays the first answer if it had arrived)."""
    document = _document_of(uow, entry)
    if document is None or document.qonto_id is None:
        return False
    qonto_id, key, context = document.qonto_id, entry.idempotency_key, intent_context(entry)
    if entry.operation == Operation.DELETE_DRAFT:
        return _settle_delete(uow, gateway, clock, entry, document)
    if not _in_window(entry, clock):
        return False
    outcome: dict[str, str | None] = {"resent": "true"}
    if entry.operation == Operation.SEND:
        recipients = (context.get("to") or "").split("\n")
        gateway.send(document.document_type, qonto_id, recipients, key)
    else:
        remote = gateway.update_draft(document, context.get("client_id") or "", key)
        outcome["qonto_updated_at"] = remote.updated_at.isoformat()
        with uow:
            get_document(uow, document.id).qonto_updated_at = remote.updated_at
            uow.commit()
    with uow:
        mark_succeeded(uow, clock, entry.id, outcome)
        uow.commit()
    return True


def _settle_delete(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    entry: OutboxEntry,
    document: FinancialDocument,
) -> bool:
    """The user asked for the deletion: finish it on both sides."""
    assert document.qonto_id is not None
    try:
        gateway.delete_draft(document.document_type, document.qonto_id)
    except errors.QontoRejected as exc:
        if exc.status != 404:
            raise
    with uow:
        local = uow.documents.get(document.id)
        mark_succeeded(uow, clock, entry.id, {"deleted": document.qonto_id})
        if local is not None:
            order_id = local.sales_order_id
            uow.documents.delete(local)
            refresh_order_status(uow, order_id)
        uow.commit()
    return True


def _settle_one(uow: UnitOfWork, gateway: QontoGateway, clock: Clock, entry: OutboxEntry) -> bool:
    if entry.operation == Operation.CREATE_CLIENT:
        return _settle_client(uow, gateway, clock, entry)
    if entry.operation == Operation.CREATE_DRAFT:
        return _settle_draft(uow, gateway, clock, entry)
    if entry.operation in ISSUING:
        return _settle_issue(uow, gateway, clock, entry)
    if entry.operation in PAYMENT_STATE:
        return _settle_payment_state(uow, gateway, clock, entry)
    if entry.operation in (Operation.SEND, Operation.UPDATE_DRAFT, Operation.DELETE_DRAFT):
        return _settle_repeatable(uow, gateway, clock, entry)
    return False


def settle_outbox(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    *,
    min_age: timedelta = timedelta(minutes=1),
) -> SettleReport:
    """Settle every pending/ambiguous entry older than ``min_age`` (the recovery job)."""
    report = SettleReport()
    with uow:
        entries = uow.outbox.list_unsettled(older_than=clock.now() - min_age)
    for entry in entries:
        try:
            done = _settle_one(uow, gateway, clock, entry)
        except errors.QontoUnavailable:
            report.left_open.append(entry.id)
            continue
        except errors.DomainError as exc:
            _fail(uow, clock, entry.id, f"{exc.code} | {exc.message}")
            report.failed.append(entry.id)
            continue
        if done:
            report.succeeded.append(entry.id)
        else:
            _fail(uow, clock, entry.id, "introuvable chez Qonto ; à refaire par l'utilisateur")
            report.failed.append(entry.id)
    return report
