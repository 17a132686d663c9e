"""Qonto, live (what the operator checks): health, the integration's status, balances,
Qonto's transactions and clients, a quote's public page, and attachments.

Reads go straight to the gateway; uploads and detaches are Qonto writes and go through the
outbox like every other (docs/adr/0004-outbox-write.md). Qonto's failures arrive as the
domain's ``QontoFailure`` tree, with Qonto's trace id and a hint.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from verone.backoffice.domain import errors
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.remote import (
    RemoteAccount,
    RemoteAttachment,
    RemoteClient,
    RemotePage,
    RemoteTransactionView,
)
from verone.backoffice.domain.statuses import DocumentType
from verone.backoffice.ports import Clock, QontoGateway, UnitOfWork
from verone.backoffice.services import queries
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.common import acting_user
from verone.backoffice.services.outbox.write import Intent, Operation, Outcome, write
from verone.money import ZERO


@dataclass(frozen=True, slots=True)
class Health:
    """Qonto usable or not; ``error`` and ``hint`` say why not."""

    healthy: bool
    bank_accounts_count: int = 0
    error: str | None = None
    hint: str | None = None


def failure_text(exc: errors.QontoFailure) -> str:
    """A short operator's description of a Qonto failure."""
    if isinstance(exc, errors.QontoRejected):
        return f"Qonto a répondu {exc.status or '?'} ({exc.qonto_code or 'erreur'})"
    return "Qonto injoignable (réseau ou délai dépassé)"


def qonto_health(gateway: QontoGateway) -> Health:
    """Can the back office use Qonto now (credentials, network)?"""
    try:
        accounts = gateway.accounts()
    except errors.QontoFailure as exc:
        return Health(False, error=failure_text(exc), hint=exc.hint)
    return Health(True, bank_accounts_count=len(accounts))


@dataclass(frozen=True, slots=True)
class IntegrationStatus:
    operations: queries.OperationsStatus
    organization_slug: str | None = None
    bank_accounts_count: int | None = None
    error: str | None = None

    @property
    def qonto_reachable(self) -> bool:
        return self.error is None


def integration_status(uow: UnitOfWork, gateway: QontoGateway) -> IntegrationStatus:
    """Qonto reachable?, the organization, last syncs, unsettled writes, waiting webhooks."""
    operations = queries.operations_status(uow)
    try:
        organization = gateway.organization()
    except errors.QontoFailure as exc:
        return IntegrationStatus(operations, error=failure_text(exc))
    return IntegrationStatus(operations, organization.slug, organization.bank_accounts_count)


@dataclass(slots=True)
class BalanceTotal:
    currency: str
    balance: Decimal = ZERO
    authorized_balance: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class Balances:
    accounts: list[RemoteAccount]
    totals: list[BalanceTotal] = field(default_factory=list)


def balances(gateway: QontoGateway) -> Balances:
    """Every account's live balances, with totals per currency."""
    accounts = gateway.accounts()
    totals: dict[str, BalanceTotal] = {}
    for account in accounts:
        currency = account.currency or "EUR"
        total = totals.setdefault(currency, BalanceTotal(currency))
        total.balance += account.balance
        total.authorized_balance += account.authorized_balance
    return Balances(accounts, list(totals.values()))


def qonto_transactions(
    gateway: QontoGateway,
    *,
    bank_account_id: str | None = None,
    side: str | None = None,
    page: int = 1,
    per_page: int = 25,
) -> RemotePage[RemoteTransactionView]:
    """One page of an account's transactions, live (the main account by default)."""
    return gateway.transactions(bank_account_id, side=side, page=page, per_page=per_page)


def qonto_clients(
    gateway: QontoGateway, *, name: str | None = None, page: int = 1, per_page: int = 25
) -> RemotePage[RemoteClient]:
    """Qonto's clients, live (``name`` matches partially)."""
    return gateway.clients(name, page=page, per_page=per_page)


@dataclass(frozen=True, slots=True)
class QuotePage:
    document: FinancialDocument
    public_url: str | None


def quote_public_page(uow: UnitOfWork, gateway: QontoGateway, quote_id: uuid.UUID) -> QuotePage:
    """The quote and, once issued, Qonto's page where the customer answers."""
    document = queries.get_document(uow, quote_id, DocumentType.QUOTE)
    url = None
    if document.is_issued and document.qonto_id is not None:
        url = gateway.quote_public_url(document.qonto_id)
    return QuotePage(document, url)


def get_attachment(gateway: QontoGateway, attachment_id: str) -> RemoteAttachment:
    """An attachment with a fresh download URL (Qonto's URLs live 30 minutes)."""
    return gateway.get_attachment(attachment_id)


@dataclass(frozen=True, slots=True)
class _File:
    filename: str
    content: bytes
    content_type: str | None
    transaction_qonto_id: str | None


def upload_attachment(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    actor: Actor,
    *,
    filename: str,
    content: bytes,
    content_type: str | None,
    transaction_qonto_id: str | None = None,
) -> RemoteAttachment:
    """Upload a file to Qonto, onto a transaction when ``transaction_qonto_id`` is set.

    An unknown outcome is not re-sent by the recovery (the file is not kept): upload again.
    """
    upload = _File(filename, content, content_type, transaction_qonto_id)

    def prepare() -> Intent[_File]:
        user = acting_user(uow, actor)
        context = {"by": str(user.id), "filename": filename}
        return Intent(upload, None, {**context, "transaction_qonto_id": transaction_qonto_id})

    def call(f: _File, key: str) -> RemoteAttachment:
        return gateway.upload_attachment(
            f.filename, f.content, f.content_type, f.transaction_qonto_id, key
        )

    def apply(_f: _File, attachment: RemoteAttachment) -> tuple[RemoteAttachment, Outcome]:
        return attachment, {"attachment_id": attachment.qonto_id or None}

    return write(uow, clock, Operation.UPLOAD_ATTACHMENT, prepare, call, apply)


def detach_attachments(
    uow: UnitOfWork,
    gateway: QontoGateway,
    clock: Clock,
    actor: Actor,
    transaction_qonto_id: str,
    attachment_id: str | None = None,
) -> None:
    """Detach one attachment, or all (``attachment_id`` None), from a transaction; the files
    stay in Qonto (there is no delete for them)."""
    target = (transaction_qonto_id, attachment_id)

    def prepare() -> Intent[tuple[str, str | None]]:
        user = acting_user(uow, actor)
        context = {"by": str(user.id), "transaction_qonto_id": transaction_qonto_id}
        return Intent(target, None, {**context, "attachment_id": attachment_id})

    write(
        uow,
        clock,
        Operation.DETACH_ATTACHMENT,
        prepare,
        lambda t, key: gateway.detach_attachments(t[0], t[1], key),
        lambda _t, _answer: (None, {"detached": attachment_id or "all"}),
    )
