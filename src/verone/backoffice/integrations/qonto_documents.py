"""Qonto's side of each document kind: which resource of the client reads, deletes, sends and
finds again an invoice, a quote or a credit note.

``QontoApiGateway`` picks the one for a document from ``document_apis(client)`` (one table,
keyed by kind) and wraps each call in ``qonto_errors``; what the kinds differ in for the
services is in ``domain/kinds.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.statuses import DocumentType, QontoStatus
from verone.backoffice.integrations.qonto_mapping import (
    Fingerprint,
    credit_note_reason,
    document_fingerprint,
    invoice_text,
    remote_credit_note,
    remote_invoice,
    remote_quote,
    wire_fingerprint,
)
from verone.backoffice.ports import RemoteDocument
from verone.qonto import (
    ClientInvoiceFilters,
    CreditNoteFilters,
    QontoClient,
    QuoteFilters,
    RequestOptions,
)
from verone.qonto.types.documents import InvoiceItem, SendParams


class DocumentApi(Protocol):
    """The Qonto calls of one document kind (raw client errors; the gateway maps them)."""

    def get(self, qonto_id: str) -> RemoteDocument: ...
    def delete(self, qonto_id: str) -> None: ...
    def send(self, qonto_id: str, params: SendParams, options: RequestOptions) -> None: ...
    def find_created(
        self, document: FinancialDocument, since: datetime, invoice_qonto_id: str | None
    ) -> list[RemoteDocument]: ...


def _same(
    wanted: Fingerprint,
    currency: str | None,
    issued: date | None,
    text: str | None,
    items: Iterable[InvoiceItem] | None,
) -> bool:
    return wire_fingerprint(currency, issued, text, list(items or [])) == wanted


class InvoiceApi:
    def __init__(self, client: QontoClient) -> None:
        self._client = client

    def get(self, qonto_id: str) -> RemoteDocument:
        return remote_invoice(self._client.client_invoices.get(qonto_id))

    def delete(self, qonto_id: str) -> None:
        self._client.client_invoices.delete(qonto_id)

    def send(self, qonto_id: str, params: SendParams, options: RequestOptions) -> None:
        self._client.client_invoices.send(qonto_id, params, options=options)

    def find_created(
        self, document: FinancialDocument, since: datetime, invoice_qonto_id: str | None
    ) -> list[RemoteDocument]:
        wanted = document_fingerprint(
            document, invoice_text(document.purchase_order, document.notes)
        )
        return [
            remote_invoice(invoice)
            for invoice in self._client.client_invoices.iter(
                ClientInvoiceFilters(
                    status=(QontoStatus.DRAFT,), created_at_from=since, per_page=100
                )
            )
            if _same(
                wanted,
                invoice.currency,
                invoice.issue_date,
                invoice_text(invoice.purchase_order, invoice.header),
                invoice.items,
            )
        ]


class QuoteApi:
    def __init__(self, client: QontoClient) -> None:
        self._client = client

    def get(self, qonto_id: str) -> RemoteDocument:
        return remote_quote(self._client.quotes.get(qonto_id))

    def delete(self, qonto_id: str) -> None:
        self._client.quotes.delete(qonto_id)

    def send(self, qonto_id: str, params: SendParams, options: RequestOptions) -> None:
        self._client.quotes.send(qonto_id, params, options=options)

    def find_created(
        self, document: FinancialDocument, since: datetime, invoice_qonto_id: str | None
    ) -> list[RemoteDocument]:
        wanted = document_fingerprint(document, document.notes)
        return [
            remote_quote(quote)
            for quote in self._client.quotes.iter(QuoteFilters(created_at_from=since, per_page=100))
            if _same(wanted, quote.currency, quote.issue_date, quote.header, quote.items)
        ]


class CreditNoteApi:
    """Qonto neither deletes nor sends credit notes (the back office's mailer sends them)."""

    def __init__(self, client: QontoClient) -> None:
        self._client = client

    def get(self, qonto_id: str) -> RemoteDocument:
        return remote_credit_note(self._client.credit_notes.get(qonto_id))

    def delete(self, qonto_id: str) -> None:
        raise errors.DocumentNotDeletable()

    def send(self, qonto_id: str, params: SendParams, options: RequestOptions) -> None:
        raise errors.IllegalTransition("Qonto n'envoie pas les avoirs.")

    def find_created(
        self, document: FinancialDocument, since: datetime, invoice_qonto_id: str | None
    ) -> list[RemoteDocument]:
        wanted = document_fingerprint(document, credit_note_reason(document))
        return [
            remote_credit_note(note)
            for note in self._client.credit_notes.iter(
                CreditNoteFilters(invoice_id=invoice_qonto_id, created_at_from=since)
            )
            if _same(wanted, note.currency, note.issue_date, note.reason, note.items)
        ]


def document_apis(client: QontoClient) -> dict[DocumentType, DocumentApi]:
    """The one table from a document kind to its Qonto calls."""
    return {
        DocumentType.INVOICE: InvoiceApi(client),
        DocumentType.QUOTE: QuoteApi(client),
        DocumentType.CREDIT_NOTE: CreditNoteApi(client),
    }
