"""Finalization: the only way a document is issued, and only by a user who confirmed
(docs/rules.md, rules 1 and 3).

``preview_finalization(uow, gateway, clock, actor, document_id, *, confirmation_key)`` returns
the document as it will be issued and a 10-minute token bound to its content hash and the
user. ``finalize_document(..., confirmation_token, *, confirmation_key, pdf_wait=None)``
checks the token, the interactive session and the role, re-validates against Qonto's copy,
issues (invoice: ``finalize``; quote: create; credit note: create), audits, then waits for the
regenerated PDF. A per-document lock plus the in-flight outbox intent make it happen once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from verone.backoffice.domain import errors
from verone.backoffice.domain.confirmation import (
    check_confirmation_token,
    compute_content_hash,
    confirmation_expiry,
    make_confirmation_token,
)
from verone.backoffice.domain.credit_notes import apply_credit, check_credit_cap
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.kinds import IssueCall
from verone.backoffice.domain.statuses import DocumentStatus, QontoStatus
from verone.backoffice.domain.users import User
from verone.backoffice.ports import Clock, QontoGateway, RemoteDocument, UnitOfWork
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.common import (
    acting_user,
    audit,
    get_document,
    lock_document,
    refresh_order_status,
)
from verone.backoffice.services.outbox.clients import ensure_qonto_client
from verone.backoffice.services.outbox.write import (
    ISSUING,
    Intent,
    Operation,
    Outcome,
    unsettled_for,
    write,
)
from verone.backoffice.services.pdfs import PdfWait, wait_for_final_pdf


@dataclass(frozen=True, slots=True)
class FinalizationPreview:
    document: FinancialDocument
    content_hash: str
    confirmation_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class FinalizationResult:
    document: FinancialDocument
    pdf_stored: bool


def _finalizer(uow: UnitOfWork, actor: Actor) -> User:
    """Rule 3: an interactive session of a user allowed to finalize; never a token or a job."""
    if not actor.is_interactive:
        raise errors.PermissionDenied(
            "Seul un utilisateur connecté, après confirmation, peut finaliser un document."
        )
    user = acting_user(uow, actor)
    if not user.can_finalize:
        raise errors.PermissionDenied()
    return user


def _require_draft(document: FinancialDocument) -> None:
    if document.status is not DocumentStatus.DRAFT:
        raise document.kind.not_draft()
    if document.kind.drafts_in_qonto and document.qonto_id is None:
        raise errors.InvalidDocument("Le brouillon n'existe pas encore chez Qonto.")


def preview_finalization(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    actor: Actor,
    document_id: uuid.UUID,
    *,
    confirmation_key: bytes,
) -> FinalizationPreview:
    """The document as it will be issued and the confirmation token (10 minutes)."""
    with uow:
        user = _finalizer(uow, actor)
        document = get_document(uow, document_id)
        _require_draft(document)
    if document.qonto_id is not None:
        _check_qonto_copy(gateway, document)
    content_hash = compute_content_hash(document)
    expires_at = confirmation_expiry(clock.now())
    token = make_confirmation_token(
        confirmation_key, document.id, content_hash, user.id, expires_at
    )
    return FinalizationPreview(document, content_hash, token, expires_at)


def _check_qonto_copy(gateway: QontoGateway, document: FinancialDocument) -> None:
    """Re-validate the local draft against Qonto's: same totals, not edited in Qonto since."""
    if document.qonto_id is None or not document.kind.drafts_in_qonto:
        return
    remote = gateway.get_document(document.document_type, document.qonto_id)
    if remote.qonto_status != QontoStatus.DRAFT:
        raise errors.ContentChanged("Ce document n'est plus un brouillon chez Qonto.")
    changed_in_qonto = (
        document.qonto_updated_at is not None and remote.updated_at != document.qonto_updated_at
    )
    if changed_in_qonto or (remote.total_amount, remote.total_vat) != (
        document.total_amount,
        document.total_vat,
    ):
        raise errors.ContentChanged(
            "Le brouillon a été modifié dans Qonto ; relancez l'aperçu avant de finaliser."
        )


@dataclass(frozen=True, slots=True)
class _Claim:
    document: FinancialDocument
    user_id: uuid.UUID
    content_hash: str


def _check_token(
    key: bytes, token: str, document: FinancialDocument, user: User, clock: Clock
) -> str:
    """The token confirms this user's preview of this content (else refused); the hash."""
    content_hash = compute_content_hash(document)
    check_confirmation_token(
        key,
        token,
        document_id=document.id,
        content_hash=content_hash,
        user_id=user.id,
        now=clock.now(),
    )
    return content_hash


def _refuse_in_flight(uow: UnitOfWork, document: FinancialDocument) -> None:
    if unsettled_for(uow, document.id, ISSUING):
        raise errors.DocumentNotDraft("Une finalisation de ce document est déjà en cours.")


def _claim(
    uow: UnitOfWork, clock: Clock, actor: Actor, document_id: uuid.UUID, token: str, key: bytes
) -> Intent[_Claim]:
    """Under the document's lock: the checks again, then the intent (the in-flight claim)."""
    user = _finalizer(uow, actor)
    document = lock_document(uow, document_id)
    _require_draft(document)
    content_hash = _check_token(key, token, document, user, clock)
    _refuse_in_flight(uow, document)
    if document.kind.credits_parent:
        _check_credit(uow, document)
    context = {"by": str(user.id), "content_hash": content_hash}
    return Intent(_Claim(document, user.id, content_hash), document.id, context)


def _check_credit(uow: UnitOfWork, note: FinancialDocument) -> FinancialDocument:
    invoice = get_document(uow, note.parent_document_id) if note.parent_document_id else None
    if invoice is None or invoice.qonto_id is None or not invoice.is_issued:
        raise errors.CreditNoteRequiresFinalizedInvoice()
    check_credit_cap(invoice, uow.documents.credited_total(invoice.id), note.total_amount)
    return invoice


def finalize_document(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    actor: Actor,
    document_id: uuid.UUID,
    confirmation_token: str,
    *,
    confirmation_key: bytes,
    pdf_wait: PdfWait | None = None,
) -> FinalizationResult:
    """The 3-step workflow: re-validate → issue in Qonto → wait for the PDF and store it.

    Nothing is written to Qonto (not even the quote's client) before the role, the draft
    and the confirmation token are checked.
    """
    with uow:
        user = _finalizer(uow, actor)  # refuse tokens, jobs and roles before touching Qonto
        draft = get_document(uow, document_id)
        _require_draft(draft)
        invoice_qonto_id = None
        if draft.kind.credits_parent:
            invoice_qonto_id = _check_credit(uow, draft).qonto_id
        _check_token(confirmation_key, confirmation_token, draft, user, clock)
        _refuse_in_flight(uow, draft)
    _check_qonto_copy(gateway, draft)
    client_id = None
    if draft.kind.issue_call is IssueCall.CREATE_QUOTE and draft.customer_id is not None:
        client_id = ensure_qonto_client(uow, gateway, clock, draft.customer_id)
    issued = write(
        uow,
        clock,
        Operation(draft.kind.issue_call),
        lambda: _claim(uow, clock, actor, document_id, confirmation_token, confirmation_key),
        lambda claim, key: _issue(gateway, claim.document, key, client_id, invoice_qonto_id),
        lambda claim, remote: complete_issue(
            uow, clock, document_id, remote, claim.user_id, claim.content_hash
        ),
    )
    try:  # the document is issued now: a PDF that is late is fetched later (rule 5)
        pdf_stored = wait_for_final_pdf(uow, gateway, clock, document_id, pdf_wait)
    except (errors.QontoFailure, errors.PdfNotAvailable):
        pdf_stored = False
    return FinalizationResult(issued, pdf_stored)


def _issue(
    gateway: QontoGateway,
    document: FinancialDocument,
    key: str,
    client_id: str | None,
    invoice_qonto_id: str | None,
) -> RemoteDocument:
    """The kind's issuing call (``DocumentKind.issue_call``)."""
    match document.kind.issue_call:
        case IssueCall.FINALIZE_DRAFT:
            assert document.qonto_id is not None
            return gateway.finalize(document.document_type, document.qonto_id, key)
        case IssueCall.CREATE_QUOTE:
            if client_id is None:
                raise errors.InvalidDocument("Le client du devis est obligatoire.")
            return gateway.issue_quote(document, client_id, key)
        case IssueCall.CREATE_CREDIT_NOTE:
            if invoice_qonto_id is None:
                raise errors.CreditNoteRequiresFinalizedInvoice()
            return gateway.create_credit_note(document, invoice_qonto_id, key)


def complete_issue(
    uow: UnitOfWork,
    clock: Clock,
    document_id: uuid.UUID,
    remote: RemoteDocument,
    by: uuid.UUID,
    content_hash: str,
) -> tuple[FinancialDocument, Outcome]:
    """Inside the transaction that settles the intent: record what Qonto issued — number
    (kept forever), status, audit, credit and order effects.

    Also used by the outbox recovery when a confirmed finalization's answer was lost.
    """
    if remote.number is None:
        raise errors.InvalidNumber("Qonto n'a pas attribué de numéro.")
    document = lock_document(uow, document_id)
    if document.qonto_id is None:
        document.link_qonto_draft(remote.qonto_id)
    at = remote.finalized_at or clock.now()
    document.finalize(remote.number, at, by, content_hash)
    document.qonto_updated_at = remote.updated_at
    document.qonto_attachment_id = None
    uow.documents.record_number(document, at)
    if document.kind.credits_parent and document.parent_document_id:
        invoice = lock_document(uow, document.parent_document_id)
        apply_credit(invoice, uow.documents.credited_total(invoice.id), clock.now())
    audit(
        uow,
        clock,
        by,
        "document.finalized",
        document,
        {"number": remote.number, "content_hash": content_hash, "qonto_id": remote.qonto_id},
    )
    refresh_order_status(uow, document.sales_order_id)
    return document, {"qonto_id": remote.qonto_id, "number": remote.number}
