"""Attachments: upload, retrieve (with a signed 30-minute URL), download, and the
attachments of a transaction (list, upload, detach all, detach one).
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.datastructures import UploadFile

from verone.qonto.types.attachments import AttachmentEnvelope, AttachmentList
from verone.sandbox.banking.attachments import SignatureError, sniff_content_type
from verone.sandbox.banking.routes.transactions import find_transaction
from verone.sandbox.banking.wire import attachment_created, attachment_wire
from verone.sandbox.deps import StateDep
from verone.sandbox.errors import QontoHTTPError, refused
from verone.sandbox.pagination import paginate
from verone.sandbox.wire import build, dump

router = APIRouter()

MAX_UPLOAD_BYTES = 15 * 1024 * 1024


async def read_upload(request: Request) -> tuple[bytes, str, str]:
    """The multipart ``file`` field: content, file name and sniffed type (PDF/JPEG/PNG)."""
    try:
        form = await request.form()
    except Exception as exc:  # any parser failure is the client's malformed body
        raise QontoHTTPError(400, "invalid_body", f"malformed multipart body: {exc}") from None
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise refused("file", "file is required", "blank")
        content = await file.read()
        file_name = file.filename or "attachment"
        declared = file.content_type
    finally:
        await form.close()
    if len(content) > MAX_UPLOAD_BYTES:
        raise refused("file", "file is larger than 15 MB", "too_large")
    content_type = sniff_content_type(content, declared)
    if content_type is None:
        raise refused("file", "file must be a PDF, JPEG or PNG", "invalid_format")
    return content, file_name, content_type


@router.post("/v2/attachments")
async def upload_attachment(request: Request, state: StateDep) -> dict[str, object]:
    content, name, content_type = await read_upload(request)
    with state.lock:
        attachment_id = state.attachments.add(content, name, content_type)
    return dump(build(AttachmentEnvelope, attachment=attachment_created(attachment_id)))


@router.get("/v2/attachments/{attachment_id}")
async def get_attachment(
    attachment_id: str, request: Request, state: StateDep
) -> dict[str, object]:
    with state.lock:
        attachment = state.attachments.get(attachment_id)
        if attachment is None:
            raise QontoHTTPError(404, "not_found", "Not found")
        wire = attachment_wire(state.attachments, attachment, str(request.base_url))
    return dump(build(AttachmentEnvelope, attachment=wire))


@router.get("/_sandbox/files/{attachment_id}")
async def download(attachment_id: str, expires: int, signature: str, state: StateDep) -> Response:
    """The presigned download URL (no Qonto credentials, like an S3 presigned link)."""
    try:
        attachment = state.attachments.verify(attachment_id, expires, signature)
    except SignatureError as exc:
        detail = "Request has expired" if exc.expired else "Signature does not match"
        raise QontoHTTPError(403, "forbidden", detail) from None
    if attachment is None:
        raise QontoHTTPError(404, "not_found", "Not found")
    disposition = f'inline; filename="{attachment.file_name}"'
    return Response(
        attachment.content,
        media_type=attachment.content_type,
        headers={"Content-Disposition": disposition},
    )


@router.get("/v2/transactions/{transaction_id}/attachments")
async def list_transaction_attachments(
    transaction_id: str,
    request: Request,
    state: StateDep,
    page: int | None = None,
    per_page: int | None = None,
) -> dict[str, object]:
    with state.lock:
        txn = find_transaction(state, transaction_id)
        found = [a for a in map(state.attachments.get, txn.attachment_ids) if a is not None]
        rows, meta = paginate(found, page, per_page)
        base = str(request.base_url)
        items = [attachment_wire(state.attachments, a, base) for a in rows]
        return dump(build(AttachmentList, attachments=items, meta=meta))


@router.post("/v2/transactions/{transaction_id}/attachments")
async def attach_to_transaction(
    transaction_id: str, request: Request, state: StateDep
) -> dict[str, object]:
    with state.lock:
        find_transaction(state, transaction_id)
    content, name, content_type = await read_upload(request)
    with state.lock:
        txn = find_transaction(state, transaction_id)
        attachment_id = state.attachments.add(content, name, content_type)
        txn.attachment_ids.append(attachment_id)
        state.banking.touch(txn, state.now_ms())
    return dump(build(AttachmentEnvelope, attachment=attachment_created(attachment_id)))


@router.delete("/v2/transactions/{transaction_id}/attachments", status_code=204)
async def detach_all(transaction_id: str, state: StateDep) -> Response:
    with state.lock:
        txn = find_transaction(state, transaction_id)
        txn.attachment_ids.clear()
        state.banking.touch(txn, state.now_ms())
    return Response(status_code=204)


@router.delete("/v2/transactions/{transaction_id}/attachments/{attachment_id}", status_code=204)
async def detach_one(transaction_id: str, attachment_id: str, state: StateDep) -> Response:
    with state.lock:
        txn = find_transaction(state, transaction_id)
        if attachment_id not in txn.attachment_ids:
            raise QontoHTTPError(404, "not_found", "Not found")
        txn.attachment_ids.remove(attachment_id)
        state.banking.touch(txn, state.now_ms())
    return Response(status_code=204)
