"""Document sync (``sync-invoices``): invoices, quotes and credit notes in Qonto converge into
the local mirror.

Unknown documents are imported (origin ``qonto_import``, numbers recorded); Qonto is
authoritative on payment and cancellation; other differences are reported as drift; a credit
note made in the dashboard is linked to the local draft Qonto had refused.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.domain.kinds import KINDS, kind_of
from verone.backoffice.domain.operations import SyncRun
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.backoffice.ports import Clock, QontoSyncReader, RemoteDocumentDetails, UnitOfWork

DOCUMENTS_SYNC = "documents"
CURSOR = "documents:invoices"
OVERLAP = timedelta(minutes=10)


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


def _import(
    uow: UnitOfWork,
    clock: Clock,
    details: RemoteDocumentDetails,
    status: DocumentStatus,
    imported_by: uuid.UUID,
    parent_id: uuid.UUID | None,
) -> FinancialDocument:
    remote = details.remote
    customer = (
        uow.customers.by_qonto_client_id(details.client_qonto_id)
        if details.client_qonto_id
        else None
    )
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
        uow.documents.record_number(document, clock.now())
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
) -> None:
    remote = details.remote
    kind = kind_of(remote.document_type)
    target = kind.qonto_statuses.get(remote.qonto_status)
    if target is None:
        result.skipped.append(f"{remote.qonto_id}: statut Qonto inconnu {remote.qonto_status!r}")
        return
    local = uow.documents.by_qonto_id(remote.document_type, remote.qonto_id)
    if local is None and kind.credits_parent:
        _link_or_import_credit_note(uow, clock, details, imported_by, result)
        return
    if local is None:
        parent = None
        if details.quote_qonto_id:
            quote = uow.documents.by_qonto_id(DocumentType.QUOTE, details.quote_qonto_id)
            parent = quote.id if quote else None
        imported = _import(uow, clock, details, target, imported_by, parent)
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
) -> None:
    remote = details.remote
    invoice = (
        uow.documents.by_qonto_id(DocumentType.INVOICE, details.invoice_qonto_id)
        if details.invoice_qonto_id
        else None
    )
    draft = None
    if invoice is not None:
        draft = next(
            (
                child
                for child in uow.documents.children(invoice.id)
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
        result.linked_credit_notes.append(remote.number or remote.qonto_id)
        return
    imported = _import(
        uow, clock, details, DocumentStatus.FINALIZED, imported_by, invoice.id if invoice else None
    )
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


def _converge_all(
    uow: UnitOfWork,
    reader: QontoSyncReader,
    clock: Clock,
    since: datetime | None,
    imported_by: uuid.UUID,
    result: DocumentSyncResult,
) -> datetime | None:
    """Every document, item by item; returns how far the invoice cursor may move (never past
    an invoice that could not be mirrored)."""
    newest: datetime | None = None
    held: datetime | None = None
    for kind in KINDS:
        for details in reader.documents(
            kind.type, updated_from=since if kind.lists_by_update else None
        ):
            result.seen += 1
            updated = details.remote.updated_at
            try:
                _converge(uow, clock, details, imported_by, result)
            except errors.DomainError as exc:
                result.skipped.append(f"{details.remote.qonto_id}: {exc.message}")
                if kind.lists_by_update and (held is None or updated < held):
                    held = updated
                continue
            if kind.lists_by_update and (newest is None or updated > newest):
                newest = updated
    if held is not None:
        return held - timedelta(microseconds=1) if since is None or held > since else None
    return newest


def sync_documents(
    uow: UnitOfWork,
    reader: QontoSyncReader,
    clock: Clock,
    imported_by: uuid.UUID,
    *,
    full: bool = False,
) -> DocumentSyncResult:
    """Invoices (incremental on ``updated_at``), then quotes, then credit notes (whole lists:
    Qonto offers no ``updated_at`` filter for them)."""
    with uow:
        if uow.users.get(imported_by) is None:
            raise errors.PermissionDenied(
                "Utilisateur inconnu : la synchronisation est attribuée à un utilisateur."
            )
        run = SyncRun(
            kind=DOCUMENTS_SYNC, started_at=clock.now(), scope="invoices,quotes,credit_notes"
        )
        uow.sync.add_run(run)
        cursor = None if full else uow.sync.get_cursor(CURSOR)
        uow.commit()
    result = DocumentSyncResult(run.id)
    since = datetime.fromisoformat(cursor) - OVERLAP if cursor else None
    try:
        with uow:
            uow.lock("sync:documents")
            reached = _converge_all(uow, reader, clock, since, imported_by, result)
            if reached is not None:
                uow.sync.set_cursor(CURSOR, reached.isoformat(), clock.now())
            stored = uow.sync.get_run(run.id)
            if stored is not None:
                stored.finish(clock.now(), result.seen)
                stored.items_failed = len(result.skipped)
                stored.report = result.report()
            uow.commit()
    except Exception as exc:  # the run is logged as failed whatever broke it, then re-raised
        message = exc.message if isinstance(exc, errors.DomainError) else type(exc).__name__
        with uow:
            stored = uow.sync.get_run(run.id)
            if stored is not None:
                stored.fail(clock.now(), message)
            uow.commit()
        raise
    return result
