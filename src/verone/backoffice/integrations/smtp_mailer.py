"""The back office's own mailer (credit notes; Qonto sends invoices and quotes): plain SMTP
with ``smtplib`` to a configured host and port, optional STARTTLS and login.

``SmtpMailer(host, port, sender, *, starttls=False, username=None, password=None)`` is the
``ports.Mailer`` the composition root builds; anything with that shape can stand in.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage

from verone.backoffice.ports import Attachment, MailError


@dataclass(frozen=True, slots=True)
class SmtpMailer:
    host: str
    port: int
    sender: str
    starttls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0

    def message(
        self, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()
    ) -> EmailMessage:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(body)
        for attachment in attachments:
            main, _, sub = attachment.mime_type.partition("/")
            message.add_attachment(
                attachment.content, maintype=main, subtype=sub, filename=attachment.filename
            )
        return message

    def send(
        self, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()
    ) -> None:
        message = self.message(to, subject, body, attachments)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username and self.password:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"{type(exc).__name__}: {exc}") from exc
