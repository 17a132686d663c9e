"""``/api/qonto/credit-notes``: the seed's 7 credit-note routes plus ``finalize-preview``.

A credit note is a local draft from an issued invoice (its lines copied when none are given);
finalizing it calls Qonto's undocumented ``POST /v2/credit_notes`` — a 404 there keeps the
draft intact and says to create it in the Qonto dashboard.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from verone.backoffice.api import parse, render
from verone.backoffice.api import schemas as s
from verone.backoffice.api.context import runtime
from verone.backoffice.api.deps import Accountant
from verone.backoffice.api.errors import STANDARD_ERRORS
from verone.backoffice.api.routes.documents import (
    add_issue_routes,
    add_read_routes,
    add_send_route,
    document_ref,
)
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.domain.statuses import DocumentType
from verone.backoffice.services import credit_notes, queries

KIND = DocumentType.CREDIT_NOTE
#: ``{document_id}``: the local id or the Qonto id, resolved (404 otherwise) after the role check
LocalId = Annotated[uuid.UUID, Depends(document_ref(KIND))]
router = APIRouter(
    prefix="/api/qonto/credit-notes",
    tags=["credit notes"],
    responses=STANDARD_ERRORS,
    route_class=AuditedRoute,
)


@router.post("", response_model=s.CreatedDocument, status_code=201)
def create_credit_note(
    principal: Accountant, request: Request, body: s.CreditNoteIn
) -> s.CreatedDocument:
    """Credit note (draft) on an issued invoice; without ``items`` the invoice's are copied."""
    rt = runtime(request)
    queries.get_document(rt.unit_of_work(), body.invoice_id, DocumentType.INVOICE)
    document = credit_notes.create_credit_note(
        rt.unit_of_work(),
        rt.clock,
        principal.actor,
        body.invoice_id,
        items=None if body.items is None else parse.items(body.items),
        reason=body.reason,
    )
    return render.created(document, rt.clock.today())


add_read_routes(router, KIND, "credit notes")
add_issue_routes(router, KIND, "credit notes")
add_send_route(router, KIND, "credit notes")


@router.patch("/{document_id}", response_model=s.DocumentOut)
def update_credit_note(
    principal: Accountant, request: Request, document_id: LocalId, body: s.CreditNotePatchIn
) -> s.DocumentOut:
    """Edit a draft credit note (lines, reason)."""
    rt = runtime(request)
    document = credit_notes.update_credit_note(
        rt.unit_of_work(),
        rt.clock,
        principal.actor,
        document_id,
        items=None if body.items is None else parse.items(body.items),
        reason=body.reason,
    )
    return render.document(document, rt.clock.today())


@router.delete("/{document_id}", response_model=s.DeletedOut)
def delete_credit_note(
    principal: Accountant, request: Request, document_id: LocalId
) -> s.DeletedOut:
    """Delete a draft credit note; issued ones are kept."""
    rt = runtime(request)
    credit_notes.delete_credit_note(rt.unit_of_work(), rt.clock, principal.actor, document_id)
    return s.DeletedOut(id=document_id)
