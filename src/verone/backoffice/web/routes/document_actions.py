"""What a document's page can do: finalize through the confirmation dialog, and the state
moves its actions bar offers (send, mark paid, cancel, convert, accept, decline, delete).

Each route calls one service; the result is the document's page again with a flash message.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verone.backoffice.api import parse
from verone.backoffice.api import schemas as s
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.errors import ConfirmationInvalid, DocumentNotEditable
from verone.backoffice.services import (
    document_views,
    finalization,
    invoicing,
    payments,
    pdfs,
    queries,
    quotes,
    sending,
)
from verone.backoffice.web import labels
from verone.backoffice.web.context import AccountantPage, FinalizerPage, RequestContext
from verone.backoffice.web.forms import read_form
from verone.backoffice.web.templating import hx_redirect_with_flash, render

router = APIRouter(include_in_schema=False)
CONFIRMATION_WORD = "FINALISER"


def _page(document_id: uuid.UUID) -> str:
    return f"/factures/{document_id}"


def _preview(
    request: Request,
    ctx: RequestContext,
    document_id: uuid.UUID,
    reason: str | None = None,
) -> Response:
    preview = finalization.preview_finalization(
        ctx.uow,
        ctx.gateway,
        ctx.clock,
        ctx.actor,
        document_id,
        confirmation_key=ctx.confirmation_key,
    )
    context = {
        "doc": preview.document,
        "token": preview.confirmation_token,
        "lines": document_views.lines_view(preview.document),
        "word": CONFIRMATION_WORD,
        "reason": reason,
    }
    return render(request, ctx, "documents/_finalize.html", context)


@router.get("/factures/{document_id}/finaliser")
def finalize_dialog(request: Request, ctx: FinalizerPage, document_id: uuid.UUID) -> Response:
    """The preview exactly as it will be issued, and the confirmation token."""
    return _preview(request, ctx, document_id)


@router.post("/factures/{document_id}/finaliser")
async def finalize(request: Request, ctx: FinalizerPage, document_id: uuid.UUID) -> Response:
    """Finalize; a changed draft (or an expired preview) reopens on a fresh preview."""
    form = await request.form()
    if str(form.get("confirmation", "")).strip() != CONFIRMATION_WORD:
        return _preview(request, ctx, document_id, reason="Tapez FINALISER pour confirmer.")
    body = await read_form(request, s.FinalizeIn, ignore=("confirmation",))
    try:
        result = finalization.finalize_document(
            ctx.uow,
            ctx.gateway,
            ctx.clock,
            ctx.actor,
            document_id,
            body.confirmation_token,
            confirmation_key=ctx.confirmation_key,
            pdf_wait=pdfs.PdfWait(timeout=0.0),
        )
    except ConfirmationInvalid as refusal:
        return _preview(request, ctx, document_id, reason=refusal.message)
    document = queries.get_document(ctx.uow, document_id)
    context = {"doc": document, "pdf_stored": result.pdf_stored}
    return render(request, ctx, "documents/_finalized.html", context)


def _done(request: Request, document_id: uuid.UUID, message: str) -> Response:
    return hx_redirect_with_flash(request, _page(document_id), message)


@router.post("/factures/{document_id}/envoyer-a-qonto")
def push_to_qonto(request: Request, ctx: AccountantPage, document_id: uuid.UUID) -> Response:
    ctx.call(invoicing.validate_to_draft, document_id)
    return _done(request, document_id, "Brouillon créé dans Qonto.")


@router.post("/factures/{document_id}/envoyer")
def send(request: Request, ctx: AccountantPage, document_id: uuid.UUID) -> Response:
    sent = ctx.call(sending.send_document, document_id)
    return _done(request, document_id, "Envoyé à " + ", ".join(sent.recipients) + ".")


@router.post("/factures/{document_id}/marquer-payee")
def mark_paid(request: Request, ctx: AccountantPage, document_id: uuid.UUID) -> Response:
    ctx.call(payments.mark_paid, document_id)
    return _done(request, document_id, "Facture marquée comme payée, dans Qonto aussi.")


@router.post("/factures/{document_id}/marquer-impayee")
def unmark_paid(request: Request, ctx: AccountantPage, document_id: uuid.UUID) -> Response:
    ctx.call(payments.unmark_paid, document_id)
    return _done(request, document_id, "Le paiement a été annulé : la facture est à payer.")


@router.post("/factures/{document_id}/annuler")
def cancel(request: Request, ctx: AccountantPage, document_id: uuid.UUID) -> Response:
    result = ctx.call(payments.cancel_invoice, document_id)
    return _done(request, document_id, "Facture annulée. " + result.advice)


@router.post("/factures/{document_id}/supprimer")
def delete(request: Request, ctx: AccountantPage, document_id: uuid.UUID) -> Response:
    document = queries.get_document(ctx.uow, document_id)
    ctx.call(invoicing.delete_document, document_id)
    tab = labels.TAB[document.document_type]
    return hx_redirect_with_flash(request, f"/factures?type={tab}", "Brouillon supprimé.")


@router.post("/factures/{document_id}/accepter")
def accept(request: Request, ctx: AccountantPage, document_id: uuid.UUID) -> Response:
    quotes.accept_quote(ctx.uow, ctx.clock, ctx.actor, document_id)
    return _done(request, document_id, "Devis marqué accepté.")


@router.post("/factures/{document_id}/refuser")
def decline(request: Request, ctx: AccountantPage, document_id: uuid.UUID) -> Response:
    quotes.decline_quote(ctx.uow, ctx.clock, ctx.actor, document_id)
    return _done(request, document_id, "Devis marqué refusé.")


@router.post("/factures/{document_id}/convertir")
def convert(request: Request, ctx: AccountantPage, document_id: uuid.UUID) -> Response:
    invoice = ctx.call(quotes.convert_quote_to_invoice, document_id)
    return _done(request, invoice.id, "Devis converti : brouillon de facture créé dans Qonto.")


def _editable_draft(ctx: AccountantPage, document_id: uuid.UUID) -> FinancialDocument:
    document = queries.get_document(ctx.uow, document_id)
    refusal = document_views.edit_refusal(document)
    if refusal is not None:
        raise DocumentNotEditable(refusal)
    return document


@router.get("/factures/{document_id}/modifier")
def edit_draft_dialog(request: Request, ctx: AccountantPage, document_id: uuid.UUID) -> Response:
    """The lines editor pre-filled with the draft's lines (their discounts kept), dates and
    notes; the document discount stays and is counted in the totals."""
    document = _editable_draft(ctx, document_id)
    rows = sorted(document.items, key=lambda item: item.position)
    context = {"doc": document, "rows": rows, "doc_discount": document.discount}
    return render(request, ctx, "documents/_edit_draft.html", context)


@router.post("/factures/{document_id}/modifier")
async def edit_draft(request: Request, ctx: AccountantPage, document_id: uuid.UUID) -> Response:
    """The same service as ``PATCH /api/qonto/invoices/{id}`` and ``…/quotes/{id}``."""
    document = _editable_draft(ctx, document_id)
    body: s.InvoicePatchIn | s.QuotePatchIn
    if document.kind.answerable:  # a quote: no due date nor purchase order
        body = await read_form(request, s.QuotePatchIn)
    else:
        body = await read_form(request, s.InvoicePatchIn)
    ctx.call(invoicing.update_draft, document_id, **parse.draft_changes(body))
    return _done(request, document_id, "Brouillon modifié.")
