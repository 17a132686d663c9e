"""Recovery of Qonto writes left open by a crash or a timeout: ``settle_outbox``.

Each pending or ambiguous intent is finished with step 3 of the write (``write.settle``):

- inside Qonto's 30-minute idempotency window, a write that is safe to repeat is re-sent
  with the same key: Qonto answers the first outcome if the first call arrived, or does it
  now (a draft, a client, a payment state, a send, an attachment);
- a client is first searched by e-mail / VAT number; one already linked to another local
  customer fails the entry with a clear reason (never the unique index's error);
- a client update re-sends the staged PATCH (same content: safe at any age), then writes the
  staged values on the local customer;
- a draft past the window, and an issued quote or credit note (never re-sent by the job: the
  user confirms again), is looked up by its content among the documents no local document
  holds (docs/adr/0004-outbox-write.md: no technical marker on what the customer reads).

``settle_outbox(uow, gateway, clock, *, min_age=timedelta(minutes=1))``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.operations import OutboxEntry
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType, QontoStatus
from verone.backoffice.ports import (
    Clock,
    QontoGateway,
    RemoteDocument,
    UnitOfWork,
)
from verone.backoffice.services.catalog import apply_customer_update, staged_customer
from verone.backoffice.services.common import (
    get_customer,
    get_document,
    lock_document,
    refresh_order_status,
)
from verone.backoffice.services.finalization import complete_issue
from verone.backoffice.services.outbox.clients import store_client_id
from verone.backoffice.services.outbox.drafts import apply_remote_draft
from verone.backoffice.services.outbox.write import (
    ISSUING,
    Operation,
    Outcome,
    fail_entry,
    intent_context,
    settle,
)
from verone.backoffice.services.payments import apply_payment_state
from verone.backoffice.services.sync_runs import SyncLease

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


def _in_window(entry: OutboxEntry, clock: Clock) -> bool:
    return clock.now() - entry.created_at < IDEMPOTENCY_WINDOW


def _done(outcome: Outcome) -> Callable[[], tuple[bool, Outcome]]:
    return lambda: (True, outcome)


@dataclass(frozen=True, slots=True)
class _Settler:
    uow: UnitOfWork
    gateway: QontoGateway
    clock: Clock

    def document_of(self, entry: OutboxEntry) -> FinancialDocument | None:
        if entry.document_id is None:
            return None
        with self.uow:
            return self.uow.documents.get(entry.document_id)

    def unlinked(self, candidates: list[RemoteDocument]) -> RemoteDocument | None:
        """The first Qonto document that no local document holds yet."""
        with self.uow:
            for remote in candidates:
                if self.uow.documents.by_qonto_id(remote.document_type, remote.qonto_id) is None:
                    return remote
        return None

    # ------------------------------------------------------------------ per operation

    def client(self, entry: OutboxEntry) -> bool:
        customer_id = intent_context(entry).get("customer_id")
        if customer_id is None:
            return False
        with self.uow:
            customer = get_customer(self.uow, uuid.UUID(customer_id))
        client_id = customer.qonto_client_id or self.gateway.find_client(customer)
        if client_id is None and _in_window(entry, self.clock):
            client_id = self.gateway.create_client(customer, entry.idempotency_key)
        if client_id is None:
            return False
        found = client_id

        def apply() -> tuple[bool, Outcome]:
            store_client_id(self.uow, customer.id, found)
            return True, {"qonto_id": found}

        return settle(self.uow, self.clock, entry.id, apply)

    def client_update(self, entry: OutboxEntry) -> bool:
        """Re-send the staged PATCH of the customer's Qonto client, then write it locally."""
        context = intent_context(entry)
        customer_id, by = context.get("customer_id"), context.get("by")
        if customer_id is None or by is None:
            return False
        with self.uow:
            customer = get_customer(self.uow, uuid.UUID(customer_id))
        if customer.qonto_client_id is None:
            return False
        candidate = staged_customer(customer, context.get("changes"))
        self.gateway.update_client(customer.qonto_client_id, candidate, entry.idempotency_key)
        user_id = uuid.UUID(by)

        def apply() -> tuple[bool, Outcome]:
            return True, apply_customer_update(self.uow, self.clock, candidate, user_id)[1]

        return settle(self.uow, self.clock, entry.id, apply)

    def draft(self, entry: OutboxEntry) -> bool:
        document = self.document_of(entry)
        if document is None:
            return False
        remote = None
        if document.qonto_id is None:
            if _in_window(entry, self.clock):
                context = intent_context(entry)
                remote = self.gateway.create_draft(
                    document,
                    context.get("client_id") or "",
                    entry.idempotency_key,
                    context.get("quote_qonto_id"),
                )
            else:
                remote = self.unlinked(self.gateway.find_created(document, entry.created_at))
            if remote is None or self.unlinked([remote]) is None:
                return False  # not in Qonto, or Qonto's answer is another document's draft
        found = remote

        def apply() -> tuple[bool, Outcome]:
            local = lock_document(self.uow, document.id)
            if found is not None:
                apply_remote_draft(local, found)
            refresh_order_status(self.uow, local.sales_order_id)
            return True, {"qonto_id": local.qonto_id}

        return settle(self.uow, self.clock, entry.id, apply)

    def remote_issued(
        self, document: FinancialDocument, entry: OutboxEntry
    ) -> RemoteDocument | None:
        if document.kind.drafts_in_qonto:  # the issue finalized the draft Qonto held
            if document.qonto_id is None:
                return None
            remote = self.gateway.get_document(document.document_type, document.qonto_id)
            if remote.number is None or remote.qonto_status == QontoStatus.DRAFT:
                return None
            return remote
        invoice_qonto_id = None
        if document.kind.credits_parent and document.parent_document_id:
            with self.uow:
                invoice_qonto_id = get_document(self.uow, document.parent_document_id).qonto_id
        return self.unlinked(
            self.gateway.find_created(document, entry.created_at, invoice_qonto_id)
        )

    def issue(self, entry: OutboxEntry) -> bool:
        return _settle_issue(self, entry)

    def payment_state(self, entry: OutboxEntry) -> bool:
        """Mark paid / unmark / cancel: adopt Qonto's state, or re-send inside the window."""
        document = self.document_of(entry)
        if document is None or document.qonto_id is None:
            return False
        remote = self.gateway.get_document(DocumentType.INVOICE, document.qonto_id)
        if remote.qonto_status != PAYMENT_STATE[Operation(entry.operation)]:
            if not _in_window(entry, self.clock):
                return False
            remote = self.resend_payment_state(entry, document.qonto_id)
        found = remote

        def apply() -> tuple[bool, Outcome]:
            apply_payment_state(self.uow, self.clock, document.id, found)
            return True, {"qonto_status": found.qonto_status}

        return settle(self.uow, self.clock, entry.id, apply)

    def resend_payment_state(self, entry: OutboxEntry, qonto_id: str) -> RemoteDocument:
        key = entry.idempotency_key
        if entry.operation == Operation.MARK_PAID:
            paid_at = intent_context(entry).get("paid_at")
            day = date.fromisoformat(paid_at) if paid_at else entry.created_at.date()
            return self.gateway.mark_paid(qonto_id, day, key)
        if entry.operation == Operation.UNMARK_PAID:
            return self.gateway.unmark_paid(qonto_id, key)
        return self.gateway.cancel(qonto_id, key)

    def repeatable(self, entry: OutboxEntry) -> bool:
        """Send, update or delete a draft: no trace to look up, so re-send with the same key
        inside the window (Qonto replays the first answer if it had arrived)."""
        document = self.document_of(entry)
        if document is None or document.qonto_id is None:
            return False
        qonto_id, key, context = document.qonto_id, entry.idempotency_key, intent_context(entry)
        if entry.operation == Operation.DELETE_DRAFT:
            return self.delete(entry, document, qonto_id)
        if not _in_window(entry, self.clock):
            return False
        if entry.operation == Operation.SEND:
            recipients = (context.get("to") or "").split("\n")
            self.gateway.send(document.document_type, qonto_id, recipients, key)
            return settle(self.uow, self.clock, entry.id, _done({"resent": "true"}))
        remote = self.gateway.update_draft(document, context.get("client_id") or "", key)

        def apply() -> tuple[bool, Outcome]:
            lock_document(self.uow, document.id).qonto_updated_at = remote.updated_at
            return True, {"resent": "true", "qonto_updated_at": remote.updated_at.isoformat()}

        return settle(self.uow, self.clock, entry.id, apply)

    def delete(self, entry: OutboxEntry, document: FinancialDocument, qonto_id: str) -> bool:
        """The user asked for the deletion: finish it on both sides."""
        delete_remote_draft(self.gateway, document.document_type, qonto_id)

        def apply() -> tuple[bool, Outcome]:
            local = self.uow.documents.get(document.id)
            if local is not None:
                order_id = local.sales_order_id
                self.uow.documents.delete(local)
                refresh_order_status(self.uow, order_id)
            return True, {"deleted": qonto_id}

        return settle(self.uow, self.clock, entry.id, apply)

    def attachment(self, entry: OutboxEntry) -> bool:
        """The invoice's PDF onto its transaction: re-sent with the same key in the window."""
        context = intent_context(entry)
        document = self.document_of(entry)
        transaction_qonto_id = context.get("transaction_qonto_id")
        if document is None or transaction_qonto_id is None:
            return False
        if not _in_window(entry, self.clock):
            return False
        content = pdf_content(self.gateway, document)
        if content is None:
            return False
        filename = context.get("filename") or "facture.pdf"
        self.gateway.attach_to_transaction(
            transaction_qonto_id, filename, content, entry.idempotency_key
        )
        return settle(self.uow, self.clock, entry.id, _done({"resent": "true"}))

    def detach(self, entry: OutboxEntry) -> bool:
        """Detaching is repeatable: re-sent with the same key inside the window."""
        context = intent_context(entry)
        transaction_qonto_id = context.get("transaction_qonto_id")
        if transaction_qonto_id is None or not _in_window(entry, self.clock):
            return False
        attachment_id = context.get("attachment_id")
        self.gateway.detach_attachments(transaction_qonto_id, attachment_id, entry.idempotency_key)
        return settle(self.uow, self.clock, entry.id, _done({"resent": "true"}))


def _settle_issue(settler: _Settler, entry: OutboxEntry) -> bool:
    """Complete a confirmed issue whose answer was lost; never re-send it."""
    uow, clock = settler.uow, settler.clock
    context = intent_context(entry)
    by, content_hash = context.get("by"), context.get("content_hash")
    if entry.document_id is None or by is None or content_hash is None:
        return False
    document = settler.document_of(entry)
    if document is None:
        return False
    if document.status is not DocumentStatus.DRAFT:
        return settle(uow, clock, entry.id, _done({"number": document.number}))
    remote = settler.remote_issued(document, entry)
    if remote is None:
        return False
    user_id = uuid.UUID(by)
    return settle(
        uow,
        clock,
        entry.id,
        lambda: (True, complete_issue(uow, clock, document.id, remote, user_id, content_hash)[1]),
    )


def delete_remote_draft(gateway: QontoGateway, document_type: DocumentType, qonto_id: str) -> None:
    """Delete a Qonto draft; one already gone (404) counts as deleted."""
    try:
        gateway.delete_draft(document_type, qonto_id)
    except errors.QontoRejected as exc:
        if exc.status != 404:
            raise


def pdf_content(gateway: QontoGateway, document: FinancialDocument) -> bytes | None:
    """The issued invoice's PDF from Qonto, or None while Qonto has none."""
    attachment_id = document.qonto_attachment_id
    if attachment_id is None and document.qonto_id is not None:
        attachment_id = gateway.get_document(DocumentType.INVOICE, document.qonto_id).attachment_id
    if attachment_id is None:
        return None
    return gateway.download(gateway.attachment_link(attachment_id).url)


PAYMENT_STATE = {
    Operation.MARK_PAID: QontoStatus.PAID,
    Operation.UNMARK_PAID: QontoStatus.UNPAID,
    Operation.CANCEL: QontoStatus.CANCELED,
}
REPEATABLE = frozenset({Operation.SEND, Operation.UPDATE_DRAFT, Operation.DELETE_DRAFT})


def _settle_one(settler: _Settler, entry: OutboxEntry) -> bool:
    operation = entry.operation
    if operation == Operation.CREATE_CLIENT:
        return settler.client(entry)
    if operation == Operation.UPDATE_CLIENT:
        return settler.client_update(entry)
    if operation == Operation.CREATE_DRAFT:
        return settler.draft(entry)
    if operation in ISSUING:
        return settler.issue(entry)
    if operation in PAYMENT_STATE:
        return settler.payment_state(entry)
    if operation in REPEATABLE:
        return settler.repeatable(entry)
    if operation == Operation.ATTACH_PDF:
        return settler.attachment(entry)
    if operation == Operation.DETACH_ATTACHMENT:
        return settler.detach(entry)
    return False  # an upload's file is not kept: the user uploads again


def settle_outbox(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    *,
    min_age: timedelta = timedelta(minutes=1),
) -> SettleReport:
    """Settle every pending/ambiguous entry older than ``min_age`` (the recovery job)."""
    settler = _Settler(uow, gateway, clock)
    report = SettleReport()
    with uow:
        entries = uow.outbox.list_unsettled(older_than=clock.now() - min_age)
    for listed in entries:
        try:
            # one settler per entry across processes: the CLI, the job of every worker
            with SyncLease(uow, clock, f"outbox:{listed.id}"):
                with uow:
                    entry = uow.outbox.get(listed.id)
                if entry is not None and not entry.settled:
                    _settle_claimed(settler, report, entry)
        except errors.SyncInProgress:
            continue  # another process is settling this entry right now
    return report


def _settle_claimed(settler: _Settler, report: SettleReport, entry: OutboxEntry) -> None:
    uow, clock = settler.uow, settler.clock
    try:
        done = _settle_one(settler, entry)
    except errors.QontoUnavailable:
        report.left_open.append(entry.id)
        return
    except errors.DomainError as exc:
        fail_entry(uow, clock, entry.id, f"{exc.code} | {exc.message}")
        report.failed.append(entry.id)
        return
    if done:
        report.succeeded.append(entry.id)
    else:
        fail_entry(uow, clock, entry.id, "introuvable chez Qonto ; à refaire par l'utilisateur")
        report.failed.append(entry.id)
