"""``/api/qonto/attachments/*``: upload a file to Qonto (optionally onto a transaction), read an
attachment with a fresh download URL, detach one or all from a transaction. Every write is
audited with the user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Path, Query, UploadFile

from verone.backoffice.api import schemas_infra as si
from verone.backoffice.api.errors import STANDARD_ERRORS, ErrorResponse
from verone.backoffice.api.routing import AuditedRoute
from verone.backoffice.domain.remote import RemoteAttachment
from verone.backoffice.edge.context import AccountantContext, ViewerContext
from verone.backoffice.edge.errors import EdgeError
from verone.backoffice.services import qonto_live
from verone.backoffice.services.auth import record_action
from verone.qonto import QONTO_ID_PATTERN

router = APIRouter(
    prefix="/api/qonto/attachments",
    tags=["attachments"],
    responses=STANDARD_ERRORS,
    route_class=AuditedRoute,
)

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
ALLOWED_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})
QONTO_ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse},
    422: {"model": ErrorResponse},
    502: {"model": ErrorResponse},
    503: {"model": ErrorResponse},
}
TransactionId = Annotated[
    str, Query(alias="transactionId", min_length=1, max_length=100, pattern=QONTO_ID_PATTERN)
]
AttachmentId = Annotated[str, Path(min_length=1, max_length=100, pattern=QONTO_ID_PATTERN)]


def _out(
    attachment: RemoteAttachment, sent: tuple[str, int, str] | None = None
) -> si.AttachmentOut:
    """The attachment as Qonto describes it; after an upload, the file sent (name, size,
    type) fills what Qonto's answer leaves out."""
    name, size, kind = sent or (None, None, None)
    return si.AttachmentOut(
        id=attachment.qonto_id,
        file_name=attachment.file_name or name,
        file_size=attachment.file_size if attachment.file_size is not None else size,
        content_type=attachment.content_type or kind,
        url=attachment.url,
        created_at=attachment.created_at,
    )


@router.post("/upload", response_model=si.AttachmentOut, status_code=201, responses=QONTO_ERRORS)
def upload(
    ctx: AccountantContext,
    file: Annotated[UploadFile, File(description="PDF, JPEG or PNG, 15 MB at most")],
    transaction_id: Annotated[
        str | None, Form(alias="transactionId", max_length=100, pattern=QONTO_ID_PATTERN)
    ] = None,
) -> si.AttachmentOut:
    """Upload to Qonto; with ``transactionId`` the file is attached to that transaction."""
    content_type = (file.content_type or "").split(";")[0].strip().lower()
    if content_type not in ALLOWED_TYPES:
        raise EdgeError(415, "unsupported_media_type", "Formats acceptés : PDF, JPEG, PNG.")
    content = file.file.read(MAX_UPLOAD_BYTES + 1)
    if not content or len(content) > MAX_UPLOAD_BYTES:
        raise EdgeError(413, "payload_too_large", "Fichier vide ou de plus de 15 Mo.")
    filename = file.filename or "piece-jointe"
    attachment = ctx.call(
        qonto_live.upload_attachment,
        filename=filename,
        content=content,
        content_type=content_type,
        transaction_qonto_id=transaction_id or None,
    )
    record_action(
        ctx.uow,
        ctx.clock,
        ctx.user,
        action="attachment.upload",
        entity_type="attachment",
        entity_id=attachment.qonto_id or f"transaction:{transaction_id}",
        details={"transaction_id": transaction_id, "size": len(content)},
    )
    return _out(attachment, (filename, len(content), content_type))


@router.post("/cleanup", response_model=si.DetachedOut, responses=QONTO_ERRORS)
def cleanup(ctx: AccountantContext, body: si.AttachmentCleanupIn) -> si.DetachedOut:
    """Detach every attachment of a transaction (the files stay in Qonto)."""
    ctx.call(qonto_live.detach_attachments, body.transaction_id)
    record_action(
        ctx.uow,
        ctx.clock,
        ctx.user,
        action="attachment.detach_all",
        entity_type="transaction",
        entity_id=body.transaction_id,
    )
    return si.DetachedOut(transaction_id=body.transaction_id, attachment_id=None)


@router.get("/{attachment_id}", response_model=si.AttachmentOut, responses=QONTO_ERRORS)
def get_attachment(ctx: ViewerContext, attachment_id: AttachmentId) -> si.AttachmentOut:
    """An attachment with a download URL valid 30 minutes."""
    return _out(qonto_live.get_attachment(ctx.gateway, attachment_id))


@router.delete("/{attachment_id}", response_model=si.DetachedOut, responses=QONTO_ERRORS)
def detach(
    ctx: AccountantContext, attachment_id: AttachmentId, transaction_id: TransactionId
) -> si.DetachedOut:
    """Detach one attachment from a transaction (Qonto keeps no delete for files)."""
    ctx.call(qonto_live.detach_attachments, transaction_id, attachment_id)
    record_action(
        ctx.uow,
        ctx.clock,
        ctx.user,
        action="attachment.detach",
        entity_type="attachment",
        entity_id=attachment_id,
        details={"transaction_id": transaction_id},
    )
    return si.DetachedOut(transaction_id=transaction_id, attachment_id=attachment_id)
