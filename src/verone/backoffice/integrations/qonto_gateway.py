"""The one adapter between the back office and Qonto: ``ports.QontoGateway`` on ``verone.qonto``.

It turns domain documents into Qonto params and Qonto answers into ``RemoteDocument``s, and
maps every ``QontoError`` to ``QontoUnavailable``/``QontoRejected``/``QontoOutcomeUnknown``
(with Qonto's trace id and the seed's troubleshooting hint). The client itself comes from the
library's one factory, ``verone.qonto.get_qonto_client``, called in the composition root.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.kinds import DocumentKind, IssueCall, kind_of
from verone.backoffice.domain.parties import Customer
from verone.backoffice.domain.statuses import DocumentType
from verone.backoffice.integrations.qonto_documents import document_apis
from verone.backoffice.integrations.qonto_errors import qonto_errors
from verone.backoffice.integrations.qonto_live import LiveViews
from verone.backoffice.integrations.qonto_mapping import (
    client_params,
    credit_note_reason,
    discount_params,
    invoice_items,
    remote_credit_note,
    remote_invoice,
    remote_quote,
    required_date,
)
from verone.backoffice.integrations.qonto_probes import QontoProbes
from verone.backoffice.ports import AttachmentLink, RemoteDocument
from verone.qonto import (
    ClientFilters,
    FileUpload,
    NotFound,
    QontoClient,
    RequestOptions,
)
from verone.qonto.types.client_invoices import (
    ClientInvoiceCreateParams,
    ClientInvoiceUpdateParams,
    PaymentMethodsParams,
)
from verone.qonto.types.clients import ClientUpdateParams
from verone.qonto.types.credit_notes import CreditNoteCreateParams
from verone.qonto.types.documents import SendParams
from verone.qonto.types.quotes import QuoteCreateParams, QuoteItemParams

__all__ = [
    "QontoApiGateway",
    "qonto_errors",
    "remote_credit_note",
    "remote_invoice",
    "remote_quote",
]

ATTACHMENT_URL_TTL = timedelta(minutes=30)
HINT_CREDIT_NOTE = "si 404 : l'endpoint n'existe pas, créez l'avoir dans le tableau de bord Qonto"
QUOTE_TERMS = "Devis valable jusqu'à la date d'expiration indiquée."


def _require_qonto_draft(kind: DocumentKind) -> None:
    if not kind.drafts_in_qonto:
        raise errors.IllegalTransition("Seules les factures ont un brouillon chez Qonto.")


class QontoApiGateway(LiveViews, QontoProbes):
    """``ports.QontoGateway`` over a ``QontoClient`` (sync); thread-safe like the client."""

    def __init__(
        self, client: QontoClient, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._client = client
        self._apis = document_apis(client)
        self._now = now
        self._iban: str | None = None
        self._lock = threading.Lock()

    @staticmethod
    def _key(idempotency_key: str) -> RequestOptions:
        return RequestOptions(idempotency_key=idempotency_key)

    def _organization_iban(self) -> str:
        with self._lock:
            if self._iban is None:
                with qonto_errors():
                    accounts = self._client.bank_accounts.list().items
                ibans = [a.iban for a in accounts if a.iban]
                if not ibans:
                    raise errors.QontoRejected("Aucun compte Qonto avec IBAN pour encaisser.")
                self._iban = ibans[0]
            return self._iban

    # ------------------------------------------------------------------ clients

    def find_client(self, customer: Customer) -> str | None:
        clients = self._client.clients
        with qonto_errors():
            if customer.qonto_client_id:
                try:
                    return clients.get(customer.qonto_client_id).id
                except NotFound:
                    pass
            for filters in (
                ClientFilters(email=customer.email) if customer.email else None,
                ClientFilters(vat_number=customer.vat_number) if customer.vat_number else None,
            ):
                if filters is not None:
                    found = clients.list(filters).items
                    if found:
                        return found[0].id
        return None

    def create_client(self, customer: Customer, idempotency_key: str) -> str:
        with qonto_errors(write=True):
            return self._client.clients.create(
                client_params(customer), options=self._key(idempotency_key)
            ).id

    def update_client(self, client_id: str, customer: Customer, idempotency_key: str) -> None:
        """``PATCH /v2/clients/{id}`` with what ``create_client`` sends (same content: safe to
        re-send)."""
        params = ClientUpdateParams.model_validate(
            client_params(customer).model_dump(exclude_unset=True)
        )
        with qonto_errors(write=True):
            self._client.clients.update(client_id, params, options=self._key(idempotency_key))

    # ------------------------------------------------------------------ drafts

    def _invoice_create(
        self, document: FinancialDocument, client_id: str
    ) -> ClientInvoiceCreateParams:
        return ClientInvoiceCreateParams(
            client_id=client_id,
            issue_date=required_date(document.issue_date, "d'émission"),
            due_date=required_date(document.due_date, "d'échéance"),
            currency=document.currency,
            payment_methods=PaymentMethodsParams(iban=self._organization_iban()),
            items=invoice_items(document),
            purchase_order=document.purchase_order,
            header=document.notes,
            discount=discount_params(document.discount_kind, document.discount_value),
        )

    def create_draft(
        self,
        document: FinancialDocument,
        client_id: str,
        idempotency_key: str,
        quote_qonto_id: str | None = None,
    ) -> RemoteDocument:
        """An invoice draft (``quote_id`` set when it comes from a Qonto quote)."""
        _require_qonto_draft(document.kind)
        params = self._invoice_create(document, client_id)
        if quote_qonto_id is not None:
            params.quote_id = quote_qonto_id
        with qonto_errors(write=True):
            invoice = self._client.client_invoices.create(
                params, options=self._key(idempotency_key)
            )
        return remote_invoice(invoice)

    def update_draft(
        self, document: FinancialDocument, client_id: str, idempotency_key: str
    ) -> RemoteDocument:
        _require_qonto_draft(document.kind)
        if document.qonto_id is None:
            raise errors.IllegalTransition("Ce brouillon n'existe pas chez Qonto.")
        created = self._invoice_create(document, client_id)
        fields = created.model_dump(exclude_unset=True)
        for name in ("status", "number", "quote_id", "upload_id"):
            fields.pop(name, None)
        params = ClientInvoiceUpdateParams.model_validate(fields)
        with qonto_errors(write=True):
            invoice = self._client.client_invoices.update(
                document.qonto_id, params, options=self._key(idempotency_key)
            )
        return remote_invoice(invoice)

    def delete_draft(self, document_type: DocumentType, qonto_id: str) -> None:
        with qonto_errors(write=True):
            self._apis[document_type].delete(qonto_id)

    def get_document(self, document_type: DocumentType, qonto_id: str) -> RemoteDocument:
        with qonto_errors():
            return self._apis[document_type].get(qonto_id)

    # ------------------------------------------------------------------ issuing

    def finalize(
        self, document_type: DocumentType, qonto_id: str, idempotency_key: str
    ) -> RemoteDocument:
        if kind_of(document_type).issue_call is not IssueCall.FINALIZE_DRAFT:
            raise errors.IllegalTransition("Qonto ne finalise que les factures brouillons.")
        with qonto_errors(write=True):
            invoice = self._client.client_invoices.finalize(
                qonto_id, options=self._key(idempotency_key)
            )
        return remote_invoice(invoice)

    def issue_quote(
        self, document: FinancialDocument, client_id: str, idempotency_key: str
    ) -> RemoteDocument:
        items = [QuoteItemParams.model_validate(i.model_dump()) for i in invoice_items(document)]
        params = QuoteCreateParams(
            client_id=client_id,
            issue_date=required_date(document.issue_date, "d'émission"),
            expiry_date=required_date(document.expiry_date, "d'expiration"),
            terms_and_conditions=QUOTE_TERMS,
            currency=document.currency,
            items=items,
            header=document.notes,
            discount=discount_params(document.discount_kind, document.discount_value),
        )
        with qonto_errors(write=True):
            quote = self._client.quotes.create(params, options=self._key(idempotency_key))
        return remote_quote(quote)

    def create_credit_note(
        self, document: FinancialDocument, invoice_qonto_id: str, idempotency_key: str
    ) -> RemoteDocument:
        params = CreditNoteCreateParams(
            invoice_id=invoice_qonto_id,
            issue_date=required_date(document.issue_date, "d'émission"),
            reason=credit_note_reason(document),
            currency=document.currency,
            items=invoice_items(document),
            discount=discount_params(document.discount_kind, document.discount_value),
        )
        try:
            with qonto_errors(write=True):
                note = self._client.credit_notes.create(params, options=self._key(idempotency_key))
        except errors.QontoRejected as exc:
            if exc.status == 404:
                raise errors.CreditNoteUnsupported(
                    trace_id=exc.trace_id, hint=HINT_CREDIT_NOTE, status=404
                ) from exc
            raise
        return remote_credit_note(note)

    # ------------------------------------------------------------------ payment state

    def mark_paid(self, qonto_id: str, paid_at: date, idempotency_key: str) -> RemoteDocument:
        with qonto_errors(write=True):
            invoice = self._client.client_invoices.mark_as_paid(
                qonto_id, paid_at=paid_at, options=self._key(idempotency_key)
            )
        return remote_invoice(invoice)

    def unmark_paid(self, qonto_id: str, idempotency_key: str) -> RemoteDocument:
        with qonto_errors(write=True):
            invoice = self._client.client_invoices.unmark_as_paid(
                qonto_id, options=self._key(idempotency_key)
            )
        return remote_invoice(invoice)

    def cancel(self, qonto_id: str, idempotency_key: str) -> RemoteDocument:
        with qonto_errors(write=True):
            invoice = self._client.client_invoices.mark_as_canceled(
                qonto_id, options=self._key(idempotency_key)
            )
        return remote_invoice(invoice)

    def accept_quote(self, qonto_id: str, idempotency_key: str) -> RemoteDocument:
        """Qonto has no endpoint: the customer answers on the quote page. Reads it back."""
        return self.get_document(DocumentType.QUOTE, qonto_id)

    def decline_quote(self, qonto_id: str, idempotency_key: str) -> RemoteDocument:
        """Qonto has no endpoint: the customer answers on the quote page. Reads it back."""
        return self.get_document(DocumentType.QUOTE, qonto_id)

    # ------------------------------------------------------------------ sending and PDFs

    def send(
        self,
        document_type: DocumentType,
        qonto_id: str,
        recipients: Sequence[str],
        idempotency_key: str,
    ) -> None:
        label = f"Votre {kind_of(document_type).title.lower()}"
        params = SendParams(send_to=list(recipients), email_title=label, copy_to_self=True)
        with qonto_errors(write=True):
            self._apis[document_type].send(qonto_id, params, self._key(idempotency_key))

    def attachment_link(self, attachment_id: str) -> AttachmentLink:
        with qonto_errors():
            attachment = self._client.attachments.get(attachment_id)
        if not attachment.url:
            raise errors.PdfNotAvailable("La pièce jointe Qonto n'a pas d'URL.")
        now = self._now()
        return AttachmentLink(
            url=attachment.url,
            expires_at=now + ATTACHMENT_URL_TTL,
            created_at=attachment.created_at or now,
        )

    def download(self, url: str) -> bytes:
        with qonto_errors():
            return self._client.attachments.download_url(url)

    def credit_note_file(self, qonto_id: str) -> bytes:
        with qonto_errors():
            return self._client.credit_notes.file(qonto_id)

    def attach_to_transaction(
        self, transaction_qonto_id: str, filename: str, content: bytes, idempotency_key: str
    ) -> None:
        """Upload a file onto a bank transaction (the paid invoice's PDF)."""
        with qonto_errors(write=True):
            self._client.transactions.attachments.upload(
                transaction_qonto_id,
                FileUpload(filename, content),
                options=self._key(idempotency_key),
            )

    # ------------------------------------------------------------------ recovery lookups

    def find_created(
        self,
        document: FinancialDocument,
        created_after: datetime,
        invoice_qonto_id: str | None = None,
    ) -> list[RemoteDocument]:
        """The Qonto documents created since ``created_after`` whose content is what a create
        for ``document`` sends (oldest first); the caller skips those already linked."""
        since = created_after - timedelta(minutes=5)
        with qonto_errors():
            return self._apis[document.document_type].find_created(
                document, since, invoice_qonto_id
            )
