"""``/api/qonto/credit-notes``: the seed's 7 credit-note routes plus ``finalize-preview``.

A credit note is a local draft from an issued invoice (its lines copied when none are given);
finalizing it calls Qonto's undocumented ``POST /v2/credit_notes`` — a 404 there keeps the
draft intact and says to create it in the Qonto dashboard.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends

from verone.backoffice.api import parse, render
from verone.backoffice.api import schemas as s
from verone.backoffice.api.routes.documents import (
    add_issue_routes,
    add_read_routes,
    add_send_route,
    document_ref,
    kind_router,
)
from verone.backoffice.domain.statuses import DocumentType
from verone.backoffice.edge.context import AccountantContext
from verone.backoffice.services import credit_notes, queries

KIND = DocumentType.CREDIT_NOTE
#: ``{document_id}``: the local id or the Qonto id, resolved (404 otherwise) after the role check
LocalId = Annotated[uuid.UUID, Depends(document_ref(KIND))]
router = kind_router("/api/qonto/credit-notes", "credit notes")


@router.post("", response_model=s.CreatedDocument, status_code=201)
def create_credit_note(ctx: AccountantContext, body: s.CreditNoteIn) -> s.CreatedDocument:
    """Credit note (draft) on an issued invoice; without ``items`` the invoice's are copied."""
    queries.get_document(ctx.uow, body.invoice_id, DocumentType.INVOICE)
    document = ctx.call_local(
        credit_notes.create_credit_note, body.invoice_id, **parse.credit_note(body)
    )
    return render.created(document, ctx.today())


add_read_routes(router, KIND, "credit notes")
add_issue_routes(router, KIND, "credit notes")
add_send_route(router, KIND, "credit notes")


@router.patch("/{document_id}", response_model=s.DocumentOut)
def update_credit_note(
    ctx: AccountantContext, document_id: LocalId, body: s.CreditNotePatchIn
) -> s.DocumentOut:
    """Edit a draft credit note (lines, reason)."""
    document = ctx.call_local(
        credit_notes.update_credit_note,
        document_id,
        items=None if body.items is None else parse.items(body.items),
        reason=body.reason,
    )
    return render.document(document, ctx.today())


@router.delete("/{document_id}", response_model=s.DeletedOut)
def delete_credit_note(ctx: AccountantContext, document_id: LocalId) -> s.DeletedOut:
    """Delete a draft credit note; issued ones are kept."""
    ctx.call_local(credit_notes.delete_credit_note, document_id)
    return s.DeletedOut(id=document_id)
