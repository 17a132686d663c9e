"""Document sync (``sync-invoices``): invoices, quotes and credit notes in Qonto converge into
the local mirror.

Unknown documents are imported (origin ``qonto_import``, numbers recorded); Qonto is
authoritative on payment and cancellation; other differences are reported as drift; a credit
note made in the dashboard is linked to the local draft Qonto had refused. One run at a time
under a lease; documents committed a batch at a time, never across a Qonto call.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.kinds import KINDS, DocumentKind, kind_of
from verone.backoffice.domain.parties import Customer
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.backoffice.ports import Clock, QontoSyncReader, RemoteDocumentDetails, UnitOfWork
from verone.backoffice.services.sync_runs import (
    SyncLease,
    failure_message,
    record_failure,
    record_progress,
    start_run,
)

DOCUMENTS_SYNC = "documents"
CURSOR = "documents:invoices"
OVERLAP = timedelta(minutes=10)
#: ``progress(kind, documents_seen)`` after each committed batch.
Progress = Callable[[str, int], None]


@dataclass(frozen=True, slots=True)
class Drift:
    document_id: uuid.UUID
    qonto_id: str
    local: str
    qonto: str
    applied: bool
    note: str


@dataclass(slots=True)
class DocumentSyncResult:
    run_id: uuid.UUID
    seen: int = 0
    imported: list[str] = field(default_factory=list)
    linked_credit_notes: list[str] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def report(self) -> str:
        return json.dumps(
            {
                "imported": self.imported,
                "linked_credit_notes": self.linked_credit_notes,
                "drift": [
                    {"qonto_id": d.qonto_id, "local": d.local, "qonto": d.qonto,
                     "applied": d.applied, "note": d.note}
                    for d in self.drift
                ],
                "skipped": self.skipped,
            },
            sort_keys=True,
        )  # fmt: skip


def _items(details: RemoteDocumentDetails) -> list[DocumentItem]:
    return [
        DocumentItem(
            title=line.title,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_rate=line.vat_rate,
            description=line.description,
            unit=line.unit,
        )
        for line in details.lines
    ]


@dataclass(slots=True)
class _Known:
    """What one batch reads before converging, so that no document costs a query (and the
    flush each query would make): its documents, their quotes and invoices by Qonto id, the
    children of those invoices, their customers by Qonto client id; and the numbers of the
    documents it imports, recorded together at the end of the batch (docs/performance.md,
    "End to end")."""

    documents: dict[tuple[DocumentType, str], FinancialDocument]
    customers: dict[str, Customer]
    children: dict[uuid.UUID, list[FinancialDocument]]
    numbered: list[FinancialDocument] = field(default_factory=list)

    @classmethod
    def read(cls, uow: UnitOfWork, batch: list[RemoteDocumentDetails]) -> _Known:
        wanted: dict[DocumentType, set[str]] = {}
        for details in batch:
            wanted.setdefault(details.remote.document_type, set()).add(details.remote.qonto_id)
            if details.quote_qonto_id:
                wanted.setdefault(DocumentType.QUOTE, set()).add(details.quote_qonto_id)
            if details.invoice_qonto_id:
                wanted.setdefault(DocumentType.INVOICE, set()).add(details.invoice_qonto_id)
        documents = {
            (document_type, qonto_id): document
            for document_type, ids in wanted.items()
            for qonto_id, document in uow.documents.by_qonto_ids(document_type, ids).items()
        }
        clients = {d.client_qonto_id for d in batch if d.client_qonto_id}
        customers = uow.customers.by_qonto_client_ids(clients)
        credited = {  # the invoices of the batch's credit notes, whose drafts may be linked
            documents[(DocumentType.INVOICE, d.invoice_qonto_id)].id
            for d in batch
            if d.invoice_qonto_id and (DocumentType.INVOICE, d.invoice_qonto_id) in documents
        }
        return cls(documents, customers, uow.documents.children_of(credited))

    def document(self, document_type: DocumentType, qonto_id: str) -> FinancialDocument | None:
        return self.documents.get((document_type, qonto_id))

    def mirrored(self, document: FinancialDocument) -> None:
        """A document the batch imported or linked: a later copy in the batch converges it."""
        if document.qonto_id is not None:
            self.documents[(document.document_type, document.qonto_id)] = document


def _import(
    uow: UnitOfWork,
    clock: Clock,
    details: RemoteDocumentDetails,
    status: DocumentStatus,
    imported_by: uuid.UUID,
    parent_id: uuid.UUID | None,
    known: _Known,
) -> FinancialDocument:
    remote = details.remote
    customer = known.customers.get(details.client_qonto_id) if details.client_qonto_id else None
    document = FinancialDocument.import_from_qonto(
        document_type=remote.document_type,
        qonto_id=remote.qonto_id,
        status=status,
        number=remote.number,
        items=_items(details),
        customer_id=customer.id if customer else None,
        customer_name=details.customer_name or (customer.display_name if customer else ""),
        currency=remote.currency,
        imported_by=imported_by,
        imported_at=clock.now(),
        finalized_at=remote.finalized_at,
        issue_date=details.issue_date,
        due_date=details.due_date,
        parent_document_id=parent_id,
        qonto_attachment_id=remote.attachment_id,
    )
    document.qonto_updated_at = remote.updated_at
    uow.documents.add(document)
    if document.number is not None:
        known.numbered.append(document)  # recorded with the batch's (one flush, one insert)
    known.mirrored(document)
    return document


def _apply_status(
    document: FinancialDocument,
    target: DocumentStatus,
    details: RemoteDocumentDetails,
    clock: Clock,
) -> tuple[bool, str]:
    """Qonto is authoritative on payment, cancellation and the customer's answer to a quote."""
    current = document.status
    move = document.adopt_remote_status(
        target, paid_at=details.paid_at or clock.now(), now=clock.now()
    )
    if move is not None:
        return True, move.note
    if current in (DocumentStatus.DRAFT, DocumentStatus.PENDING):
        return False, "finalisé hors du back-office : à vérifier (aucune finalisation automatique)"
    return False, "écart à examiner"


def _converge(
    uow: UnitOfWork,
    clock: Clock,
    details: RemoteDocumentDetails,
    imported_by: uuid.UUID,
    result: DocumentSyncResult,
    known: _Known,
) -> None:
    remote = details.remote
    kind = kind_of(remote.document_type)
    target = kind.qonto_statuses.get(remote.qonto_status)
    if target is None:
        result.skipped.append(f"{remote.qonto_id}: statut Qonto inconnu {remote.qonto_status!r}")
        return
    local = known.document(remote.document_type, remote.qonto_id)
    if local is None and kind.credits_parent:
        _link_or_import_credit_note(uow, clock, details, imported_by, result, known)
        return
    if local is None:
        parent = None
        if details.quote_qonto_id:
            quote = known.document(DocumentType.QUOTE, details.quote_qonto_id)
            parent = quote.id if quote else None
        imported = _import(uow, clock, details, target, imported_by, parent, known)
        result.imported.append(remote.number or remote.qonto_id)
        _check_totals(imported, details, result)
        return
    if local.is_issued and local.qonto_attachment_id is None and remote.attachment_id:
        local.record_pdf(attachment_id=remote.attachment_id, url=None, url_expires_at=None)
    if local.status is target or (
        local.status is DocumentStatus.CONVERTED and target is DocumentStatus.ACCEPTED
    ):
        local.qonto_updated_at = remote.updated_at
        return
    before = local.status
    applied, note = _apply_status(local, target, details, clock)
    if applied:
        local.qonto_updated_at = remote.updated_at
    result.drift.append(
        Drift(local.id, remote.qonto_id, str(before), remote.qonto_status, applied, note)
    )


def _link_or_import_credit_note(
    uow: UnitOfWork,
    clock: Clock,
    details: RemoteDocumentDetails,
    imported_by: uuid.UUID,
    result: DocumentSyncResult,
    known: _Known,
) -> None:
    remote = details.remote
    invoice = (
        known.document(DocumentType.INVOICE, details.invoice_qonto_id)
        if details.invoice_qonto_id
        else None
    )
    draft = None
    if invoice is not None:
        draft = next(
            (
                child
                for child in known.children.get(invoice.id, ())
                if child.kind.credits_parent
                and child.status is DocumentStatus.DRAFT
                and child.qonto_id is None
            ),
            None,
        )
    if draft is not None:
        draft.link_dashboard_credit_note(
            remote.qonto_id, remote.number, remote.finalized_at or clock.now()
        )
        draft.qonto_updated_at = remote.updated_at
        draft.record_pdf(attachment_id=remote.attachment_id, url=None, url_expires_at=None)
        uow.documents.record_number(draft, clock.now())
        known.mirrored(draft)
        result.linked_credit_notes.append(remote.number or remote.qonto_id)
        return
    parent = invoice.id if invoice else None
    imported = _import(uow, clock, details, DocumentStatus.FINALIZED, imported_by, parent, known)
    result.imported.append(remote.number or remote.qonto_id)
    _check_totals(imported, details, result)


def _check_totals(
    document: FinancialDocument, details: RemoteDocumentDetails, result: DocumentSyncResult
) -> None:
    """The lines recomputed with the product's rounding rule must give Qonto's total."""
    expected = abs(details.remote.total_amount)
    if details.lines and document.total_amount != expected:
        result.drift.append(
            Drift(
                document.id,
                details.remote.qonto_id,
                str(document.total_amount),
                str(expected),
                False,
                "total recalculé différent de celui de Qonto",
            )
        )


#: Documents converged per transaction; Qonto pages are read between two batches, never
#: inside one.
BATCH = 250


@dataclass(slots=True)
class _InvoiceCursor:
    """How far the invoice cursor may move: the newest invoice seen, never past one that
    could not be mirrored."""

    since: datetime | None
    newest: datetime | None = None
    held: datetime | None = None

    def ok(self, updated: datetime) -> None:
        if self.newest is None or updated > self.newest:
            self.newest = updated

    def failed(self, updated: datetime) -> None:
        if self.held is None or updated < self.held:
            self.held = updated

    def reached(self) -> datetime | None:
        if self.held is not None:
            since = self.since
            return (
                self.held - timedelta(microseconds=1)
                if since is None or self.held > since
                else None
            )
        return self.newest


def _converge_batch(
    uow: UnitOfWork,
    clock: Clock,
    kind: DocumentKind,
    batch: list[RemoteDocumentDetails],
    imported_by: uuid.UUID,
    result: DocumentSyncResult,
    cursor: _InvoiceCursor,
) -> None:
    known = _Known.read(uow, batch)
    for details in batch:
        result.seen += 1
        updated = details.remote.updated_at
        try:
            _converge(uow, clock, details, imported_by, result, known)
        except errors.DomainError as exc:
            result.skipped.append(f"{details.remote.qonto_id}: {exc.message}")
            if kind.lists_by_update:  # the cursor follows the kinds Qonto lists by update
                cursor.failed(updated)
            continue
        if kind.lists_by_update:
            cursor.ok(updated)
    uow.documents.record_numbers(known.numbered, clock.now())


def _converge_all(
    uow: UnitOfWork,
    reader: QontoSyncReader,
    clock: Clock,
    lease: SyncLease,
    imported_by: uuid.UUID,
    result: DocumentSyncResult,
    cursor: _InvoiceCursor,
    progress: Progress | None,
) -> None:
    """Every document, item by item, committed ``BATCH`` at a time (lease renewed there)."""
    for kind in KINDS:
        documents = reader.documents(
            kind.type, updated_from=cursor.since if kind.lists_by_update else None
        )
        while batch := list(islice(documents, BATCH)):  # Qonto is read here, outside
            with uow:
                lease.renew(uow)
                _converge_batch(uow, clock, kind, batch, imported_by, result, cursor)
                record_progress(uow, result.run_id, result.seen, len(result.skipped))
                uow.commit()
            if progress is not None:
                progress(str(kind.type), result.seen)


def sync_documents(
    uow: UnitOfWork,
    reader: QontoSyncReader,
    clock: Clock,
    imported_by: uuid.UUID,
    *,
    full: bool = False,
    progress: Progress | None = None,
) -> DocumentSyncResult:
    """Invoices (incremental on ``updated_at``), then quotes, then credit notes (whole lists:
    Qonto offers no ``updated_at`` filter for them); one run at a time, under a lease."""
    with uow:
        if uow.users.get(imported_by) is None:
            raise errors.PermissionDenied(
                "Utilisateur inconnu : la synchronisation est attribuée à un utilisateur."
            )
    with SyncLease(uow, clock, "sync:documents") as lease:
        run_id = start_run(uow, clock, DOCUMENTS_SYNC, "invoices,quotes,credit_notes")
        result = DocumentSyncResult(run_id)
        try:
            with uow:
                stored = None if full else uow.sync.get_cursor(CURSOR)
            since = datetime.fromisoformat(stored) - OVERLAP if stored else None
            cursor = _InvoiceCursor(since)
            _converge_all(uow, reader, clock, lease, imported_by, result, cursor, progress)
            with uow:
                lease.renew(uow)
                reached = cursor.reached()
                if reached is not None:
                    uow.sync.set_cursor(CURSOR, reached.isoformat(), clock.now())
                run = uow.sync.get_run(run_id)
                if run is not None:
                    run.finish(clock.now(), result.seen)
                    run.items_failed = len(result.skipped)
                    run.report = result.report()
                uow.commit()
        except Exception as exc:  # the run is logged as failed whatever broke it, then re-raised
            record_failure(uow, clock, run_id, failure_message(exc), result.seen, result.report())
            raise
    return result
