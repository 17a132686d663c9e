"""The gateway's live views of Qonto (health, organization, balances, transactions, clients,
a quote's public page) and its attachment writes, in the back office's terms
(``domain/remote.py``). ``QontoApiGateway`` inherits them.
"""

from __future__ import annotations

from decimal import Decimal

from verone.backoffice.domain.remote import (
    RemoteAccount,
    RemoteAttachment,
    RemoteClient,
    RemoteOrganization,
    RemotePage,
    RemoteTransactionView,
)
from verone.backoffice.integrations.qonto_errors import qonto_errors
from verone.money import ZERO, from_cents
from verone.qonto import (
    ClientFilters,
    FileUpload,
    QontoClient,
    RequestOptions,
    TransactionFilters,
)
from verone.qonto.types.attachments import Attachment
from verone.qonto.types.clients import Client
from verone.qonto.types.organization import BankAccount
from verone.qonto.types.transactions import Transaction


def _cents(cents: int | None) -> Decimal:
    return ZERO if cents is None else from_cents(cents)


def _account(account: BankAccount) -> RemoteAccount:
    return RemoteAccount(
        qonto_id=account.id,
        name=account.name,
        iban=account.iban,
        currency=account.currency,
        balance=_cents(account.balance_cents),
        authorized_balance=_cents(account.authorized_balance_cents),
        main=bool(account.main),
    )


def _transaction(t: Transaction) -> RemoteTransactionView:
    return RemoteTransactionView(
        qonto_id=t.id,
        bank_account_id=t.bank_account_id,
        amount=_cents(t.amount_cents),
        currency=t.currency,
        side=None if t.side is None else str(t.side),
        status=None if t.status is None else str(t.status),
        label=t.label,
        counterparty_name=t.clean_counterparty_name,
        reference=t.reference,
        operation_type=t.operation_type,
        settled_at=t.settled_at,
        emitted_at=t.emitted_at,
        attachment_ids=tuple(t.attachment_ids or ()),
    )


def _client(c: Client) -> RemoteClient:
    kind = c.kind or c.type
    return RemoteClient(
        qonto_id=c.id,
        kind=None if kind is None else str(kind),
        name=c.name,
        first_name=c.first_name,
        last_name=c.last_name,
        email=c.email,
        vat_number=c.vat_number,
        currency=c.currency,
        locale=c.locale,
    )


def _attachment(attachment: Attachment) -> RemoteAttachment:
    size = attachment.file_size
    if isinstance(size, str):
        size = int(size) if size.isdigit() else None
    return RemoteAttachment(
        qonto_id=attachment.id,
        file_name=attachment.file_name,
        file_size=size,
        content_type=attachment.file_content_type,
        url=attachment.url,
        created_at=attachment.created_at,
    )


class LiveViews:
    """Reads answered live from Qonto, and the attachment writes (keyed by the outbox)."""

    _client: QontoClient

    def accounts(self) -> list[RemoteAccount]:
        with qonto_errors():
            return [_account(a) for a in self._client.bank_accounts.list().items]

    def organization(self) -> RemoteOrganization:
        with qonto_errors():
            organization = self._client.organization.get()
        return RemoteOrganization(organization.slug, len(organization.bank_accounts or []))

    def transactions(
        self, bank_account_id: str | None, *, side: str | None, page: int, per_page: int
    ) -> RemotePage[RemoteTransactionView]:
        """One page of an account's transactions (the main account by default)."""
        with qonto_errors():
            if bank_account_id is None:
                accounts = self._client.bank_accounts.list().items
                main = next((a for a in accounts if a.main), accounts[0] if accounts else None)
                if main is None:
                    return RemotePage([], 0)
                bank_account_id = main.id
            found = self._client.transactions.list(
                TransactionFilters(bank_account_id=bank_account_id, side=side, per_page=per_page),
                page=page,
            )
        return RemotePage([_transaction(t) for t in found.items], found.total_count)

    def clients(self, name: str | None, *, page: int, per_page: int) -> RemotePage[RemoteClient]:
        with qonto_errors():
            found = self._client.clients.list(
                ClientFilters(name=name, per_page=per_page), page=page
            )
        return RemotePage([_client(c) for c in found.items], found.total_count)

    def quote_public_url(self, qonto_id: str) -> str | None:
        """The page where the customer accepts or declines an issued quote."""
        with qonto_errors():
            return self._client.quotes.get(qonto_id).quote_url

    def upload_attachment(
        self,
        filename: str,
        content: bytes,
        content_type: str | None,
        transaction_qonto_id: str | None,
        idempotency_key: str,
    ) -> RemoteAttachment:
        """Upload a file to Qonto, onto a transaction when ``transaction_qonto_id`` is set."""
        upload = (
            FileUpload(filename, content, content_type)
            if content_type
            else FileUpload(filename, content)
        )
        options = RequestOptions(idempotency_key=idempotency_key)
        with qonto_errors(write=True):
            if transaction_qonto_id is None:
                return _attachment(self._client.attachments.upload(upload, options=options))
            attached = self._client.transactions.attachments.upload(
                transaction_qonto_id, upload, options=options
            )
        if attached is None:
            return RemoteAttachment(qonto_id="", file_name=filename)
        return _attachment(attached)

    def get_attachment(self, attachment_id: str) -> RemoteAttachment:
        with qonto_errors():
            return _attachment(self._client.attachments.get(attachment_id))

    def detach_attachments(
        self, transaction_qonto_id: str, attachment_id: str | None, idempotency_key: str
    ) -> None:
        """Detach one attachment (or all, ``attachment_id`` None) from a transaction."""
        options = RequestOptions(idempotency_key=idempotency_key)
        with qonto_errors(write=True):
            if attachment_id is None:
                self._client.transactions.attachments.detach_all(
                    transaction_qonto_id, options=options
                )
            else:
                self._client.transactions.attachments.detach(
                    transaction_qonto_id, attachment_id, options=options
                )
