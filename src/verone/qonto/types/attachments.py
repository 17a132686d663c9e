"""Attachments: uploaded files (receipts, invoice PDFs) behind a 30-minute download URL."""

from __future__ import annotations

from verone.qonto.types._base import Timestamp, WireModel
from verone.qonto.types.pagination import PaginationMeta


class ProbativeAttachment(WireModel):
    """The PAdES-compliant copy of an attachment (sub-fields not established; all optional)."""

    status: str | None = None
    file_name: str | None = None
    file_size: str | int | None = None
    file_content_type: str | None = None
    url: str | None = None


class Attachment(WireModel):
    """An attachment; an upload answers only its ``id``, a retrieve answers everything."""

    id: str
    created_at: Timestamp | None = None
    file_name: str | None = None
    file_size: str | int | None = None
    file_content_type: str | None = None
    url: str | None = None
    probative_attachment: ProbativeAttachment | None = None


class AttachmentEnvelope(WireModel):
    attachment: Attachment


class AttachmentList(WireModel):
    """``GET /v2/transactions/{id}/attachments``."""

    attachments: list[Attachment]
    meta: PaginationMeta | None = None
