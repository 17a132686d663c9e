"""Sending documents to the customer: Qonto's ``send`` for invoices and quotes (through the
outbox); credit notes through the back office's own mail outbox, delivered by SMTP.

``send_document(uow, gateway, clock, actor, document_id, *, recipients=None)`` → ``SendResult``;
``deliver_queued_emails(uow, gateway, clock, mailer, *, limit=50)`` → ``DeliveryReport``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.kinds import SendChannel
from verone.backoffice.domain.operations import Email
from verone.backoffice.domain.statuses import DocumentStatus
from verone.backoffice.ports import Attachment, Clock, Mailer, MailError, QontoGateway, UnitOfWork
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.common import acting_user, audit, get_customer, get_document
from verone.backoffice.services.outbox.write import Done, Intent, Operation, Outcome, write
from verone.backoffice.services.pdfs import fetch_pdf

SENDABLE = frozenset({DocumentStatus.FINALIZED, DocumentStatus.PAID, DocumentStatus.ACCEPTED})


@dataclass(frozen=True, slots=True)
class SendResult:
    document_id: uuid.UUID
    recipients: tuple[str, ...]
    channel: str  # "qonto" | "email_outbox"


@dataclass
class DeliveryReport:
    sent: list[uuid.UUID] = field(default_factory=list)
    failed: list[uuid.UUID] = field(default_factory=list)


def send_document(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    actor: Actor,
    document_id: uuid.UUID,
    *,
    recipients: Sequence[str] | None = None,
) -> SendResult:
    """E-mail an issued document to its customer (or to ``recipients``)."""

    def prepare() -> Intent[_Sending] | Done[SendResult]:
        user = acting_user(uow, actor)
        document = get_document(uow, document_id)
        if document.status not in SENDABLE or document.qonto_id is None:
            raise errors.IllegalTransition("Seul un document finalisé peut être envoyé.")
        customer = get_customer(uow, document.customer_id)
        to = tuple(recipients or ([customer.email] if customer.email else []))
        if not to:
            raise errors.InvalidDocument("Aucune adresse e-mail pour ce client.")
        if document.kind.send_channel is SendChannel.MAIL_OUTBOX:
            return Done(_queue_emails(uow, clock, user.id, document, to))
        sending = _Sending(user.id, document, document.qonto_id, to)
        return Intent(sending, document.id, {"to": "\n".join(to)})

    def call(sending: _Sending, key: str) -> None:
        kind = sending.document.document_type
        gateway.send(kind, sending.qonto_id, sending.recipients, key)

    def apply(sending: _Sending, _answer: None) -> tuple[SendResult, Outcome]:
        to = ", ".join(sending.recipients)
        audit(uow, clock, sending.user_id, "document.sent", sending.document, {"to": to})
        channel = str(sending.document.kind.send_channel)
        return SendResult(sending.document.id, sending.recipients, channel), {"to": to}

    return write(uow, clock, Operation.SEND, prepare, call, apply)


@dataclass(frozen=True, slots=True)
class _Sending:
    user_id: uuid.UUID
    document: FinancialDocument
    qonto_id: str
    recipients: tuple[str, ...]


def _queue_emails(
    uow: UnitOfWork,
    clock: Clock,
    user_id: uuid.UUID,
    document: FinancialDocument,
    to: tuple[str, ...],
) -> SendResult:
    """Kinds Qonto does not send (credit notes): the back office's mail outbox does."""
    kind = document.kind
    for address in to:
        uow.emails.add(
            Email(
                to_address=address,
                subject=f"{kind.title} {document.number}",
                body_text=(
                    f"Bonjour,\n\nVeuillez trouver ci-joint {kind.noun} {document.number} "
                    f"d'un montant de {document.total_amount} {document.currency}.\n\n"
                    "Cordialement,\nVerone"
                ),
                created_at=clock.now(),
                document_id=document.id,
            )
        )
    audit(uow, clock, user_id, "document.email_queued", document, {"to": ", ".join(to)})
    return SendResult(document.id, to, str(kind.send_channel))


def deliver_queued_emails(
    uow: UnitOfWork, gateway: QontoGateway, clock: Clock, mailer: Mailer, *, limit: int = 50
) -> DeliveryReport:
    """Send what the mail outbox holds (the document's PDF attached); failures stay queued."""
    report = DeliveryReport()
    with uow:
        queued = uow.emails.queued(limit)
    for email in queued:
        attachments: list[Attachment] = []
        try:
            if email.document_id is not None:
                with uow:
                    document = get_document(uow, email.document_id)
                content = fetch_pdf(gateway, clock, document)[0]
                attachments.append(Attachment(f"{document.number}.pdf", content))
            mailer.send(email.to_address, email.subject, email.body_text, attachments)
        except (MailError, errors.DomainError) as exc:
            _settle_email(uow, clock, email.id, str(exc))
            report.failed.append(email.id)
            continue
        _settle_email(uow, clock, email.id, None)
        report.sent.append(email.id)
    return report


def _settle_email(uow: UnitOfWork, clock: Clock, email_id: uuid.UUID, error: str | None) -> None:
    with uow:
        email = uow.emails.get(email_id)
        if email is None:
            return
        if error is None:
            email.mark_sent(clock.now())
        else:
            email.mark_failed(error)
        uow.commit()
