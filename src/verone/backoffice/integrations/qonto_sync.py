"""``QontoSyncReader`` over the ``verone.qonto`` client: bank accounts, transaction pages
streamed with a bounded window of concurrent requests, and documents in the sync's terms.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
    TransactionPage,
    UnreadableTransaction,
)
from verone.money import from_cents
from verone.qonto import (
    ClientInvoiceFilters,
    CreditNoteFilters,
    QontoClient,
    QuoteFilters,
    TransactionFilters,
)
from verone.qonto._pagination import MAX_PER_PAGE, MAX_PER_PAGE_INVOICING
from verone.qonto.types._base import Amount
from verone.qonto.types.documents import ClientSnapshot, InvoiceItem
from verone.qonto.types.pagination import PaginationMeta


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


# ---------------------------------------------------------------- transaction pages, from bytes


class _Transfer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    counterparty_account_number: str | None = None
    counterparty_account_number_format: str | None = None


class WireTransaction(BaseModel):
    """The part of ``verone.qonto.types.transactions.Transaction`` the mirror keeps, under
    the same wire names, parsed straight from a page's bytes by ``model_validate_json``.

    JSON numbers become exact ``Decimal`` (pydantic reads them from the JSON text, no float);
    ``tests/contract`` pins these fields to the client's model and its golden samples.
    """

    model_config = ConfigDict(extra="ignore")

    qonto_id: str = Field(validation_alias="id")
    amount: Decimal | None = None
    amount_cents: int | None = None
    currency: str | None = None
    side: str | None = None
    label: str | None = None
    status: str | None = None
    emitted_at: datetime | None = None
    updated_at: datetime | None = None
    settled_at: datetime | None = None
    reference: str | None = None
    counterparty_name: str | None = Field(default=None, validation_alias="clean_counterparty_name")
    settled_balance: Decimal | None = None
    settled_balance_cents: int | None = None
    attachment_ids: list[str] | None = None
    transfer: _Transfer | None = None

    @property
    def counterparty_iban(self) -> str | None:
        transfer = self.transfer
        if transfer is None or (transfer.counterparty_account_number_format or "IBAN") != "IBAN":
            return None
        return transfer.counterparty_account_number


#: An item that is not even a transaction's shape is kept raw, to be reported, not to abort.
_Item = Annotated[WireTransaction | dict[str, object], Field(union_mode="left_to_right")]


class _WirePage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    transactions: list[_Item]
    meta: PaginationMeta


def _unreadable(raw: dict[str, object]) -> UnreadableTransaction:
    """Why an item could not be read (validated again, alone: only bad items pay this)."""
    qonto_id = raw.get("id")
    try:
        WireTransaction.model_validate(raw)
        reason = "transaction illisible"
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        reason = f"transaction illisible ({where} : {first['msg']})"
    return UnreadableTransaction(str(qonto_id) if qonto_id is not None else "?", reason)


def parse_transaction_page(body: bytes) -> TransactionPage:
    """One ``GET /v2/transactions`` body → the sync's page, in one pass over the bytes."""
    page = _WirePage.model_validate_json(body)
    items: list[WireTransaction] = []
    unreadable: list[UnreadableTransaction] = []
    for item in page.transactions:
        if isinstance(item, WireTransaction):
            items.append(item)
        else:
            unreadable.append(_unreadable(item))
    return TransactionPage(page.meta.current_page, page.meta.total_pages, items, unreadable)


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

        transactions = self._client.transactions

        def fetch(number: int) -> TransactionPage:
            # through the client (rate budget, retries, errors), but the body stays bytes so
            # the page is parsed once, straight into the wire models (parse_transaction_page)
            with qonto_errors():
                return transactions.list_parsed(filters, parse=parse_transaction_page, page=number)

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
