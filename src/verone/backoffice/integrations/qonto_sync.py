"""``QontoSyncReader`` over the ``verone.qonto`` client: bank accounts, transaction pages
streamed with a bounded window of concurrent requests, and documents in the sync's terms.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal

from verone.backoffice.domain.statuses import DocumentType
from verone.backoffice.integrations.qonto_gateway import (
    qonto_errors,
    remote_credit_note,
    remote_invoice,
    remote_quote,
)
from verone.backoffice.ports import (
    RemoteBankAccount,
    RemoteDocumentDetails,
    RemoteLine,
    RemoteTransaction,
    TransactionPage,
)
from verone.money import from_cents
from verone.qonto import (
    ClientInvoiceFilters,
    CreditNoteFilters,
    FileUpload,
    QontoClient,
    QuoteFilters,
    RequestOptions,
    TransactionFilters,
)
from verone.qonto._pagination import MAX_PER_PAGE, MAX_PER_PAGE_INVOICING
from verone.qonto.types._base import Amount
from verone.qonto.types.documents import ClientSnapshot, InvoiceItem
from verone.qonto.types.transactions import Transaction


def remote_transaction(txn: Transaction) -> RemoteTransaction:
    transfer = txn.transfer
    iban = None
    if transfer is not None and (transfer.counterparty_account_number_format or "IBAN") == "IBAN":
        iban = transfer.counterparty_account_number
    return RemoteTransaction(
        qonto_id=txn.id,
        amount=txn.amount,
        amount_cents=txn.amount_cents,
        currency=txn.currency,
        side=None if txn.side is None else str(txn.side),
        label=txn.label,
        status=None if txn.status is None else str(txn.status),
        emitted_at=txn.emitted_at,
        updated_at=txn.updated_at,
        settled_at=txn.settled_at,
        reference=txn.reference,
        counterparty_name=txn.clean_counterparty_name,
        counterparty_iban=iban,
        settled_balance=txn.settled_balance,
        settled_balance_cents=txn.settled_balance_cents,
        attachment_ids=tuple(txn.attachment_ids or ()),
    )


def _amount(value: Amount | None, cents: int | None) -> Decimal:
    if cents is not None:
        return from_cents(cents)
    return value.as_money().amount if value is not None else Decimal("0.00")


def _line(item: InvoiceItem, credit: bool) -> RemoteLine | None:
    if item.quantity is None or (item.unit_price is None and item.unit_price_cents is None):
        return None
    rate = item.vat_rate if item.vat_rate is not None else Decimal(0)
    return RemoteLine(
        title=item.title or "—",
        quantity=abs(item.quantity) if credit else item.quantity,
        unit_price=_amount(item.unit_price, item.unit_price_cents),
        vat_rate=rate / 100 if rate > 1 else rate,
        description=item.description,
        unit=item.unit,
    )


def _customer_name(client: ClientSnapshot | None) -> str:
    if client is None:
        return ""
    if client.name:
        return client.name
    return " ".join(p for p in (client.first_name, client.last_name) if p)


def _lines(items: list[InvoiceItem] | None, *, credit: bool = False) -> list[RemoteLine]:
    """Lines in the back office's terms (a credit note's are negative on the wire)."""
    return [line for line in (_line(i, credit) for i in items or ()) if line is not None]


class QontoSyncClient:
    """Reads what the syncs need; pages after the first are fetched ``concurrency`` at a time.

    Every request goes through the client, so its rate budget and retries apply. Pages are
    yielded in order as soon as they arrive, so memory holds at most a window of pages.
    """

    def __init__(self, client: QontoClient, *, concurrency: int = 8, per_page: int = 100) -> None:
        self._client = client
        self._concurrency = max(1, concurrency)
        self._per_page = min(per_page, MAX_PER_PAGE)

    def bank_accounts(self) -> list[RemoteBankAccount]:
        accounts = []
        with qonto_errors():
            listed = self._client.bank_accounts.list(per_page=MAX_PER_PAGE)
        for account in listed:
            balance = (
                from_cents(account.balance_cents)
                if account.balance_cents is not None
                else account.balance or Decimal("0.00")
            )
            accounts.append(
                RemoteBankAccount(
                    qonto_id=account.id,
                    name=account.name or account.slug or account.id,
                    iban=account.iban or "",
                    currency=account.currency or "EUR",
                    balance=balance,
                    updated_at=account.updated_at,
                )
            )
        return accounts

    def transaction_pages(
        self, account_qonto_id: str, *, updated_from: datetime | None
    ) -> Iterator[TransactionPage]:
        filters = TransactionFilters(
            bank_account_id=account_qonto_id,
            updated_at_from=updated_from,
            sort_by="updated_at:asc" if updated_from is not None else "settled_at:asc",
            per_page=self._per_page,
        )

        def fetch(number: int) -> TransactionPage:
            with qonto_errors():
                page = self._client.transactions.list(filters, page=number)
            items = [remote_transaction(t) for t in page.items]
            return TransactionPage(number, page.total_pages, items)

        first = fetch(1)
        yield first
        total = first.total_pages
        if total <= 1:
            return
        window = self._concurrency * 2
        with ThreadPoolExecutor(max_workers=self._concurrency) as pool:
            pending: list[Future[TransactionPage]] = []
            following = 2
            while following <= total or pending:
                while following <= total and len(pending) < window:
                    pending.append(pool.submit(fetch, following))
                    following += 1
                with qonto_errors():
                    done = pending.pop(0).result()
                yield done

    def documents(
        self, document_type: DocumentType, *, updated_from: datetime | None
    ) -> Iterator[RemoteDocumentDetails]:
        with qonto_errors():
            yield from self._documents(document_type, updated_from)

    def _documents(
        self, document_type: DocumentType, updated_from: datetime | None
    ) -> Iterator[RemoteDocumentDetails]:
        readers = {
            DocumentType.INVOICE: self._invoices,
            DocumentType.QUOTE: self._quotes,
            DocumentType.CREDIT_NOTE: self._credit_notes,
        }
        return readers[document_type](updated_from)

    def _invoices(self, updated_from: datetime | None) -> Iterator[RemoteDocumentDetails]:
        """Invoices, incremental on ``updated_at`` (``DocumentKind.lists_by_update``)."""
        filters = ClientInvoiceFilters(
            updated_at_from=updated_from, per_page=MAX_PER_PAGE_INVOICING
        )
        for invoice in self._client.client_invoices.iter(filters):
            yield RemoteDocumentDetails(
                remote=remote_invoice(invoice),
                client_qonto_id=invoice.client.id if invoice.client else None,
                customer_name=_customer_name(invoice.client),
                issue_date=invoice.issue_date,
                due_date=invoice.due_date,
                paid_at=invoice.paid_at,
                lines=_lines(invoice.items),
                quote_qonto_id=invoice.quote_id,
            )

    def _quotes(self, _updated_from: datetime | None) -> Iterator[RemoteDocumentDetails]:
        """Quotes, whole: Qonto offers no ``updated_at`` filter for them."""
        for quote in self._client.quotes.iter(QuoteFilters(per_page=MAX_PER_PAGE_INVOICING)):
            yield RemoteDocumentDetails(
                remote=remote_quote(quote),
                client_qonto_id=quote.client.id if quote.client else None,
                customer_name=_customer_name(quote.client),
                issue_date=quote.issue_date,
                due_date=quote.expiry_date,
                paid_at=None,
                lines=_lines(quote.items),
            )

    def _credit_notes(self, _updated_from: datetime | None) -> Iterator[RemoteDocumentDetails]:
        """Credit notes, whole: Qonto offers no ``updated_at`` filter for them."""
        for note in self._client.credit_notes.iter(CreditNoteFilters(per_page=MAX_PER_PAGE)):
            yield RemoteDocumentDetails(
                remote=remote_credit_note(note),
                client_qonto_id=note.client.id if note.client else None,
                customer_name=_customer_name(note.client),
                issue_date=note.issue_date,
                due_date=None,
                paid_at=None,
                lines=_lines(note.items, credit=True),
                invoice_qonto_id=note.invoice_id,
            )

    def attach_to_transaction(
        self, transaction_qonto_id: str, filename: str, content: bytes, idempotency_key: str
    ) -> None:
        with qonto_errors(write=True):
            self._client.transactions.attachments.upload(
                transaction_qonto_id,
                FileUpload(filename, content),
                options=RequestOptions(idempotency_key=idempotency_key),
            )
