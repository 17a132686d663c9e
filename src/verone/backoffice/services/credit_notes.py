"""Credit notes: a local draft from an issued invoice (its lines copied when none are given),
edit or delete it, then issue it through ``finalization.finalize_document`` (confirmed by the
user) which calls ``POST /v2/credit_notes``. Caps are checked before any call.

``create_credit_note(uow, clock, actor, invoice_id, *, items=None, discount=None,
reason=None)``,
``update_credit_note(uow, clock, actor, credit_note_id, *, items=None, reason=None)``,
``delete_credit_note(uow, clock, actor, credit_note_id)``. If Qonto answers 404 at
finalization, ``CreditNoteUnsupported`` is raised and the draft stays intact: create it in
the Qonto dashboard; the next invoice sync links it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from verone.backoffice.domain import errors
from verone.backoffice.domain.credit_notes import check_credit_cap, draft_credit_note
from verone.backoffice.domain.documents import DocumentItem, FinancialDocument
from verone.backoffice.ports import Clock, UnitOfWork
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.common import acting_user, audit, get_document, lock_document
from verone.backoffice.services.outbox.write import ISSUING, unsettled_for
from verone.money import Discount


def _note(uow: UnitOfWork, credit_note_id: uuid.UUID) -> FinancialDocument:
    note = lock_document(uow, credit_note_id)
    if not note.kind.credits_parent:
        raise errors.IllegalTransition("Ce document n'est pas un avoir.")
    if unsettled_for(uow, note.id, ISSUING):
        raise errors.DocumentNotEditable("Une finalisation de cet avoir est en cours.")
    return note


def create_credit_note(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    invoice_id: uuid.UUID,
    *,
    items: Sequence[DocumentItem] | None = None,
    discount: Discount | None = None,
    reason: str | None = None,
) -> FinancialDocument:
    """A local, editable credit-note draft for an issued invoice (cap checked now and again
    at finalization); ``discount`` is the document discount of the given ``items``."""
    with uow:
        user = acting_user(uow, actor)
        uow.lock(f"document:{invoice_id}")
        invoice = get_document(uow, invoice_id)
        note = draft_credit_note(
            invoice,
            already_credited=uow.documents.credited_total(invoice.id),
            created_by=user.id,
            at=clock.now(),
            items=list(items) if items else None,
            discount=discount,
        )
        note.notes = reason or f"Avoir sur la facture {invoice.number}"
        uow.documents.add(note)
        audit(uow, clock, user.id, "credit_note.drafted", note, {"invoice": invoice.number})
        uow.commit()
    return note


def update_credit_note(
    uow: UnitOfWork,
    clock: Clock,
    actor: Actor,
    credit_note_id: uuid.UUID,
    *,
    items: Sequence[DocumentItem] | None = None,
    reason: str | None = None,
) -> FinancialDocument:
    with uow:
        acting_user(uow, actor)
        note = _note(uow, credit_note_id)
        if items is not None:
            note.replace_items(list(items))
        if reason is not None:
            note.ensure_editable()
            note.notes = reason
        if note.parent_document_id is not None:
            invoice = get_document(uow, note.parent_document_id)
            check_credit_cap(invoice, uow.documents.credited_total(invoice.id), note.total_amount)
        uow.commit()
    return note


def delete_credit_note(
    uow: UnitOfWork, clock: Clock, actor: Actor, credit_note_id: uuid.UUID
) -> None:
    with uow:
        user = acting_user(uow, actor)
        note = _note(uow, credit_note_id)
        note.ensure_deletable()
        audit(uow, clock, user.id, "credit_note.deleted", note)
        uow.documents.delete(note)
        uow.commit()
