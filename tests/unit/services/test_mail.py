"""The SMTP mailer against a real SMTP server (aiosmtpd) on a loopback port."""

from __future__ import annotations

import email
from collections.abc import Iterator
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from tests.integration.services.support import free_port
from verone.backoffice.integrations.smtp_mailer import SmtpMailer
from verone.backoffice.ports import Attachment, MailError


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    # aiosmtpd calls this hook by name
    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content = getattr(envelope, "content", b"")
        assert isinstance(content, bytes)
        self.messages.append(email.message_from_bytes(content))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_a_credit_note_mail_arrives_with_its_pdf(smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    mailer = SmtpMailer("127.0.0.1", port, "facturation@verone.test")

    mailer.send(
        "client@dupont.test",
        "Avoir AV-2026-001",
        "Bonjour,\nVeuillez trouver l'avoir ci-joint.",
        [Attachment("AV-2026-001.pdf", b"%PDF-1.7 fake")],
    )

    (message,) = inbox.messages
    assert message["To"] == "client@dupont.test"
    assert message["Subject"] == "Avoir AV-2026-001"
    parts = [p for p in message.walk() if p.get_filename()]
    assert [p.get_filename() for p in parts] == ["AV-2026-001.pdf"]
    assert parts[0].get_payload(decode=True) == b"%PDF-1.7 fake"


def test_an_unreachable_server_is_a_mail_error() -> None:
    mailer = SmtpMailer("127.0.0.1", free_port(), "facturation@verone.test", timeout=2)
    with pytest.raises(MailError):
        mailer.send("client@dupont.test", "Avoir", "corps")
