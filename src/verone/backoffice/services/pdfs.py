"""PDFs of issued documents (rules 4 and 5): none for drafts; after finalize, wait for the
regenerated PDF (bounded poll with back-off); then ``pdf_url`` → ``attachment_id`` → credit-note
file. The SHA-256 of the bytes is stored.

``wait_for_final_pdf(uow, gateway, clock, document_id, wait=PdfWait())`` → bool;
``get_document_pdf(uow, gateway, clock, actor, document_id)`` → ``DocumentPdf``.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.users import Role
from verone.backoffice.ports import AttachmentLink, Clock, QontoGateway, RemoteDocument, UnitOfWork
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.common import acting_user, get_document, lock_document

URL_SAFETY_MARGIN = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class PdfWait:
    """How long to wait for Qonto's regenerated PDF (about 10 s in practice)."""

    timeout: float = 60.0
    initial_delay: float = 1.0
    max_delay: float = 8.0
    sleep: Callable[[float], None] = time.sleep

    def delays(self) -> list[float]:
        out, delay, total = [], self.initial_delay, 0.0
        while total < self.timeout:
            step = min(delay, self.max_delay, self.timeout - total)
            out.append(step)
            total += step
            delay *= 2
        return out


@dataclass(frozen=True, slots=True)
class DocumentPdf:
    document_id: uuid.UUID
    content: bytes
    sha256: str
    source: str  # pdf_url | attachment | credit_note_file


def _is_final(document: FinancialDocument, remote: RemoteDocument, link: AttachmentLink) -> bool:
    finalized_at = remote.finalized_at or document.finalized_at
    if finalized_at is None:
        return False
    if document.kind.pdf_regenerated:  # the PDF made at the issue is replaced: wait for it
        return link.created_at > finalized_at
    return link.created_at >= finalized_at


def _checked(content: bytes) -> bytes:
    if not content.startswith(b"%PDF"):
        raise errors.PdfNotAvailable("Qonto n'a pas renvoyé un PDF.")
    return content


def _store(
    uow: UnitOfWork,
    document_id: uuid.UUID,
    attachment_id: str | None,
    url: str | None,
    expires_at: datetime | None,
    content: bytes,
) -> str:
    sha = hashlib.sha256(content).hexdigest()
    with uow:
        # locked and read fresh: the finalize's own wait and the PDF job may store the same
        # PDF at once; the second waits for the first instead of failing on its version
        document = lock_document(uow, document_id)
        document.record_pdf(
            attachment_id=attachment_id,
            url=url,
            url_expires_at=expires_at,
            sha256=sha if document.pdf_sha256 is None else None,
        )
        uow.commit()
    return sha


def wait_for_final_pdf(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    document_id: uuid.UUID,
    wait: PdfWait | None = None,
) -> bool:
    """After finalize: poll until the attachment is newer than the finalization, store it."""
    policy = wait or PdfWait()
    with uow:
        document = get_document(uow, document_id)
    if not document.is_issued or document.qonto_id is None:
        raise errors.PdfNotAvailable()
    for delay in [*policy.delays(), None]:
        remote = gateway.get_document(document.document_type, document.qonto_id)
        if remote.attachment_id:
            link = gateway.attachment_link(remote.attachment_id)
            if _is_final(document, remote, link):
                content = _checked(gateway.download(link.url))
                _store(uow, document_id, remote.attachment_id, link.url, link.expires_at, content)
                return True
        if delay is not None:
            policy.sleep(delay)
    return False


def fetch_pdf(
    gateway: QontoGateway, clock: Clock, document: FinancialDocument
) -> tuple[bytes, str, str | None, str | None, datetime | None]:
    """(content, source, attachment id, url, url expiry) through the fallback order."""
    failures: list[str] = []
    now = clock.now()
    expires = document.pdf_url_expires_at
    if document.pdf_url and expires is not None and expires > now + URL_SAFETY_MARGIN:
        try:
            content = _checked(gateway.download(document.pdf_url))
            return content, "pdf_url", document.qonto_attachment_id, document.pdf_url, expires
        except (errors.QontoFailure, errors.PdfNotAvailable) as exc:
            failures.append(f"pdf_url: {exc.code}")
    attachment_id = document.qonto_attachment_id
    if attachment_id is None and document.qonto_id is not None:
        try:
            attachment_id = gateway.get_document(
                document.document_type, document.qonto_id
            ).attachment_id
        except errors.QontoFailure as exc:
            failures.append(f"document: {exc.code}")
    if attachment_id:
        try:
            link = gateway.attachment_link(attachment_id)
            content = _checked(gateway.download(link.url))
            return content, "attachment", attachment_id, link.url, link.expires_at
        except (errors.QontoFailure, errors.PdfNotAvailable) as exc:
            failures.append(f"attachment: {exc.code}")
    if document.kind.pdf_file_endpoint and document.qonto_id:
        try:
            content = _checked(gateway.credit_note_file(document.qonto_id))
            return content, "credit_note_file", attachment_id, None, None
        except (errors.QontoFailure, errors.PdfNotAvailable) as exc:
            failures.append(f"credit_note_file: {exc.code}")
    raise errors.PdfNotAvailable(
        "PDF indisponible pour le moment (" + ("; ".join(failures) or "aucune source") + ")."
    )


def get_document_pdf(
    uow: UnitOfWork, gateway: QontoGateway, clock: Clock, actor: Actor, document_id: uuid.UUID
) -> DocumentPdf:
    """The PDF of an issued document; ``PdfNotAvailable`` for a draft (rule 4)."""
    with uow:
        acting_user(uow, actor, Role.VIEWER)
        document = get_document(uow, document_id)
    if not document.is_issued:
        raise errors.PdfNotAvailable()
    content, source, attachment_id, url, expires = fetch_pdf(gateway, clock, document)
    sha = _store(uow, document_id, attachment_id, url, expires, content)
    return DocumentPdf(document_id, content, sha, source)
