"""Getting a finalized document's PDF the safe way (SPEC §3 rules 4 and 5).

* ``wait_for_invoice_pdf``: after finalize, Qonto regenerates the PDF in the background
  (about 10 s); poll the invoice with bounded back-off until its attachment is newer than
  ``finalized_at``, so the draft PDF is never taken for the final one.
* ``fetch_document_pdf``: ``pdf_url`` while valid → a fresh URL from ``attachment_id`` →
  for credit notes ``GET /v2/credit_notes/{id}/file``; returns bytes, SHA-256 and expiry.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from verone.qonto._async_client import AsyncQontoClient
from verone.qonto._client import QontoClient
from verone.qonto._exceptions import QontoAPIError, QontoConnectionError, QontoError
from verone.qonto.types.attachments import Attachment
from verone.qonto.types.client_invoices import ClientInvoice

ATTACHMENT_URL_TTL = timedelta(minutes=30)
URL_SAFETY_MARGIN = timedelta(seconds=60)


class PdfNotAvailable(QontoError):
    """No PDF can be had: a draft (rule 4), a timeout waiting, or every fallback failed."""


@dataclass(frozen=True, slots=True)
class InvoicePdf:
    """The finalized invoice and the attachment that holds its final PDF."""

    invoice: ClientInvoice
    attachment: Attachment


@dataclass(frozen=True, slots=True)
class DocumentPdf:
    """PDF bytes, their SHA-256, where they came from and until when that URL is valid."""

    content: bytes
    sha256: str
    source: str
    url_expires_at: datetime | None

    def __repr__(self) -> str:
        return f"DocumentPdf({len(self.content)} bytes, sha256={self.sha256[:12]}…, {self.source})"


def _is_final(invoice: ClientInvoice, attachment: Attachment) -> bool:
    if invoice.finalized_at is None or attachment.created_at is None:
        return False
    return attachment.created_at > invoice.finalized_at


def _check_not_draft(invoice: ClientInvoice) -> None:
    if invoice.finalized_at is None:
        raise PdfNotAvailable(
            f"invoice {invoice.id} is not finalized: a draft has no PDF (finalize it first)"
        )


@dataclass(frozen=True, slots=True)
class _Backoff:
    timeout: float
    initial_delay: float
    max_delay: float

    def delays(self) -> list[float]:
        out, delay, total = [], self.initial_delay, 0.0
        while total < self.timeout:
            step = min(delay, self.max_delay, self.timeout - total)
            out.append(step)
            total += step
            delay *= 2
        return out


def wait_for_invoice_pdf(
    client: QontoClient,
    invoice_id: str,
    *,
    timeout: float = 60.0,
    initial_delay: float = 1.0,
    max_delay: float = 8.0,
    sleep: Callable[[float], None] = time.sleep,
) -> InvoicePdf:
    """Poll until the invoice's attachment is newer than its finalization; raise on timeout."""
    for delay in [*_Backoff(timeout, initial_delay, max_delay).delays(), None]:
        invoice = client.client_invoices.get(invoice_id)
        _check_not_draft(invoice)
        if invoice.attachment_id:
            attachment = client.attachments.get(invoice.attachment_id)
            if _is_final(invoice, attachment):
                return InvoicePdf(invoice, attachment)
        if delay is not None:
            sleep(delay)
    raise PdfNotAvailable(f"the final PDF of invoice {invoice_id} was not ready after {timeout} s")


async def async_wait_for_invoice_pdf(
    client: AsyncQontoClient,
    invoice_id: str,
    *,
    timeout: float = 60.0,
    initial_delay: float = 1.0,
    max_delay: float = 8.0,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> InvoicePdf:
    """Async twin of ``wait_for_invoice_pdf``."""
    for delay in [*_Backoff(timeout, initial_delay, max_delay).delays(), None]:
        invoice = await client.client_invoices.get(invoice_id)
        _check_not_draft(invoice)
        if invoice.attachment_id:
            attachment = await client.attachments.get(invoice.attachment_id)
            if _is_final(invoice, attachment):
                return InvoicePdf(invoice, attachment)
        if delay is not None:
            await sleep(delay)
    raise PdfNotAvailable(f"the final PDF of invoice {invoice_id} was not ready after {timeout} s")


def _pdf(content: bytes, source: str, expires: datetime | None) -> DocumentPdf:
    if not content.startswith(b"%PDF"):
        raise PdfNotAvailable(f"{source} did not return a PDF")
    return DocumentPdf(content, hashlib.sha256(content).hexdigest(), source, expires)


def fetch_document_pdf(
    client: QontoClient,
    *,
    pdf_url: str | None = None,
    pdf_url_expires_at: datetime | None = None,
    attachment_id: str | None = None,
    credit_note_id: str | None = None,
    now: datetime | None = None,
) -> DocumentPdf:
    """The PDF through the fallback order; raises ``PdfNotAvailable`` if every way fails."""
    current = now or datetime.now(UTC)
    failures: list[str] = []
    if pdf_url and pdf_url_expires_at and pdf_url_expires_at > current + URL_SAFETY_MARGIN:
        try:
            return _pdf(client.attachments.download_url(pdf_url), "pdf_url", pdf_url_expires_at)
        except (QontoAPIError, QontoConnectionError, PdfNotAvailable) as exc:
            failures.append(f"pdf_url: {type(exc).__name__}")
    if attachment_id:
        try:
            attachment = client.attachments.get(attachment_id)
            content = client.attachments.download(attachment)
            return _pdf(content, "attachment", current + ATTACHMENT_URL_TTL)
        except (QontoAPIError, QontoConnectionError, PdfNotAvailable, ValueError) as exc:
            failures.append(f"attachment: {type(exc).__name__}")
    if credit_note_id:
        try:
            return _pdf(client.credit_notes.file(credit_note_id), "credit_note_file", None)
        except (QontoAPIError, QontoConnectionError, PdfNotAvailable) as exc:
            failures.append(f"credit_note_file: {type(exc).__name__}")
    raise PdfNotAvailable("no PDF could be fetched (" + ("; ".join(failures) or "no source") + ")")
