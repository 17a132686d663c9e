"""Mark paid / unmark / cancel, and sending (Qonto for invoices, our SMTP for credit notes)."""

from __future__ import annotations

import pytest

from tests.integration.services.support import SandboxClock, TestClient, World, issue
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.statuses import DocumentStatus, InvoicingStatus
from verone.backoffice.integrations.qonto_gateway import QontoApiGateway
from verone.backoffice.ports import Attachment
from verone.backoffice.services import credit_notes, invoicing, payments, sending

AUTH = {"Authorization": "verone-4819:sandbox-secret-key"}


class Outbox:
    """A ``Mailer`` that keeps what it was given (the SMTP mailer has its own test)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, list[Attachment]]] = []

    def send(self, to: str, subject: str, body: str, attachments: object = ()) -> None:
        assert isinstance(attachments, list | tuple)
        self.sent.append((to, subject, [a for a in attachments if isinstance(a, Attachment)]))


def test_paid_unpaid_and_cancel_follow_qonto(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    draft = invoicing.create_invoice_from_order(
        uow, gateway, clock, world.as_accountant, world.order.id
    )
    with pytest.raises(errors.IllegalTransition):
        payments.mark_paid(uow, gateway, clock, world.as_accountant, draft.id)
    invoice = issue(uow, gateway, clock, world.as_accountant, draft.id).document

    paid = payments.mark_paid(uow, gateway, clock, world.as_accountant, invoice.id)
    assert paid.status is DocumentStatus.PAID
    with uow:
        order = uow.orders.get(world.order.id)
        assert order is not None
        assert order.invoicing_status is InvoicingStatus.PAID
    assert invoice.qonto_id is not None
    remote = http.get(f"/v2/client_invoices/{invoice.qonto_id}", headers=AUTH).json()
    assert remote["client_invoice"]["status"] == "paid"

    unpaid = payments.unmark_paid(uow, gateway, clock, world.as_accountant, invoice.id)
    assert unpaid.status is DocumentStatus.FINALIZED
    result = payments.cancel_invoice(uow, gateway, clock, world.as_accountant, invoice.id)
    assert result.document.status is DocumentStatus.CANCELLED
    assert result.credit_note_recommended
    assert "avoir" in result.advice


def test_invoices_are_sent_by_qonto_and_credit_notes_by_our_mail_outbox(
    uow: SqlAlchemyUnitOfWork,
    gateway: QontoApiGateway,
    clock: SandboxClock,
    world: World,
    http: TestClient,
) -> None:
    draft = invoicing.create_invoice_from_order(
        uow, gateway, clock, world.as_accountant, world.order.id
    )
    with pytest.raises(errors.IllegalTransition):
        sending.send_document(uow, gateway, clock, world.as_accountant, draft.id)
    invoice = issue(uow, gateway, clock, world.as_accountant, draft.id).document
    sent = sending.send_document(uow, gateway, clock, world.as_accountant, invoice.id)
    assert sent.channel == "qonto"
    emails = http.get("/_sandbox/emails").json()["emails"]
    assert [(e["to"], e["document_number"]) for e in emails] == [
        ([world.customer.email], invoice.number)
    ]

    note = credit_notes.create_credit_note(uow, clock, world.as_accountant, invoice.id)
    issue(uow, gateway, clock, world.as_accountant, note.id)
    queued = sending.send_document(uow, gateway, clock, world.as_accountant, note.id)
    assert queued.channel == "email_outbox"
    mailer = Outbox()
    report = sending.deliver_queued_emails(uow, gateway, clock, mailer)

    assert len(report.sent) == 1
    assert report.failed == []
    (to, subject, attachments) = mailer.sent[0]
    assert to == world.customer.email
    assert subject.startswith("Avoir AV-")
    assert attachments[0].content.startswith(b"%PDF")
    assert sending.deliver_queued_emails(uow, gateway, clock, mailer).sent == []
