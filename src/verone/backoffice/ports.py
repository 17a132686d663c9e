"""Protocols the services depend on: the unit of work and its repositories, a clock, Qonto.

``verone.backoffice.db`` and ``verone.backoffice.integrations`` implement them; services and
their test fakes only see these shapes (no SQLAlchemy, no ``verone.qonto`` here).
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import TracebackType
from typing import Protocol, Self

from verone.backoffice.domain.audit import AuditEntry, AuditValue
from verone.backoffice.domain.banking import (
    BankAccount,
    BankTransaction,
    PaymentAllocation,
    SettledLink,
    TransactionSnapshot,
)
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.operations import Email, OutboxEntry, SyncRun, WebhookEvent
from verone.backoffice.domain.orders import SalesOrder
from verone.backoffice.domain.parties import Customer, Product
from verone.backoffice.domain.queries import DocumentFilter, Page, PageRequest
from verone.backoffice.domain.statuses import DocumentType, InvoicingStatus, OrderStatus
from verone.backoffice.domain.users import ApiToken, User


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    def today(self) -> date: ...


# ---------------------------------------------------------------------- repositories


class DocumentRepository(Protocol):
    def add(self, document: FinancialDocument) -> None: ...
    def get(self, document_id: uuid.UUID) -> FinancialDocument | None: ...
    def get_for_update(self, document_id: uuid.UUID) -> FinancialDocument | None: ...
    def by_qonto_id(
        self, document_type: DocumentType, qonto_id: str
    ) -> FinancialDocument | None: ...
    def by_number(self, document_type: DocumentType, number: str) -> FinancialDocument | None: ...
    def by_order(self, sales_order_id: uuid.UUID) -> list[FinancialDocument]: ...
    def children(self, parent_id: uuid.UUID) -> list[FinancialDocument]: ...
    def list(self, criteria: DocumentFilter, page: PageRequest) -> Page[FinancialDocument]: ...
    def credited_total(self, invoice_id: uuid.UUID) -> Decimal: ...
    def delete(self, document: FinancialDocument) -> None: ...
    def record_number(self, document: FinancialDocument, at: datetime) -> None: ...
    def assigned_numbers(self) -> Sequence[tuple[DocumentType, str]]: ...


class CustomerRepository(Protocol):
    def add(self, customer: Customer) -> None: ...
    def get(self, customer_id: uuid.UUID) -> Customer | None: ...
    def get_for_update(self, customer_id: uuid.UUID) -> Customer | None: ...
    def by_qonto_client_id(self, qonto_client_id: str) -> Customer | None: ...
    def by_email(self, email: str) -> Customer | None: ...
    def by_vat_number(self, vat_number: str) -> Customer | None: ...
    def list(self, page: PageRequest, search: str | None = None) -> Page[Customer]: ...


class ProductRepository(Protocol):
    def add(self, product: Product) -> None: ...
    def get(self, product_id: uuid.UUID) -> Product | None: ...
    def by_sku(self, sku: str) -> Product | None: ...
    def list(
        self, page: PageRequest, *, active_only: bool = True, search: str | None = None
    ) -> Page[Product]: ...


class OrderRepository(Protocol):
    def add(self, order: SalesOrder) -> None: ...
    def get(self, order_id: uuid.UUID) -> SalesOrder | None: ...
    def get_for_update(self, order_id: uuid.UUID) -> SalesOrder | None: ...
    def by_reference(self, reference: str) -> SalesOrder | None: ...
    def list(
        self,
        page: PageRequest,
        customer_id: uuid.UUID | None = None,
        *,
        status: OrderStatus | None = None,
        invoicing_status: InvoicingStatus | None = None,
        search: str | None = None,
    ) -> Page[SalesOrder]: ...


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...
    def get(self, user_id: uuid.UUID) -> User | None: ...
    def by_email(self, email: str) -> User | None: ...
    def list(self) -> list[User]: ...


class ApiTokenRepository(Protocol):
    def add(self, token: ApiToken) -> None: ...
    def by_hash(self, token_hash: str) -> ApiToken | None: ...
    def for_user(self, user_id: uuid.UUID) -> list[ApiToken]: ...


class AuditRepository(Protocol):
    def last(self) -> AuditEntry | None: ...
    def append(
        self,
        *,
        at: datetime,
        actor_id: uuid.UUID | None,
        action: str,
        entity_type: str,
        entity_id: str,
        details: Mapping[str, AuditValue] | None = None,
    ) -> AuditEntry: ...
    def entries(self, batch_size: int = 500) -> Iterator[AuditEntry]: ...
    def for_entity(self, entity_type: str, entity_id: str) -> list[AuditEntry]: ...


class OutboxRepository(Protocol):
    def add_pending(self, entry: OutboxEntry) -> OutboxEntry: ...
    def get(self, entry_id: uuid.UUID) -> OutboxEntry | None: ...
    def by_idempotency_key(self, key: str) -> OutboxEntry | None: ...
    def list_unsettled(self, older_than: datetime | None = None) -> list[OutboxEntry]: ...
    def for_document(self, document_id: uuid.UUID) -> list[OutboxEntry]: ...


class EmailRepository(Protocol):
    def add(self, email: Email) -> None: ...
    def get(self, email_id: uuid.UUID) -> Email | None: ...
    def queued(self, limit: int = 50) -> list[Email]: ...


class BankAccountRepository(Protocol):
    def by_qonto_id(self, qonto_id: str) -> BankAccount | None: ...
    def upsert(self, account: BankAccount) -> BankAccount: ...
    def list(self) -> list[BankAccount]: ...


class BankTransactionRepository(Protocol):
    def get(self, transaction_id: uuid.UUID) -> BankTransaction | None: ...
    def by_qonto_id(self, qonto_id: str) -> BankTransaction | None: ...
    def upsert(self, transaction: BankTransaction) -> BankTransaction: ...
    def list(
        self, page: PageRequest, bank_account_id: uuid.UUID | None = None
    ) -> Page[BankTransaction]: ...
    def latest_update(self, bank_account_id: uuid.UUID) -> datetime | None: ...
    def unallocated_credits(
        self, page: PageRequest, *, since: date | None = None
    ) -> Page[BankTransaction]: ...
    def upsert_many(self, transactions: Sequence[TransactionSnapshot]) -> int: ...
    def settled_chain(
        self, bank_account_id: uuid.UUID, since: datetime | None = None
    ) -> Iterator[SettledLink]: ...
    def balance_before(self, bank_account_id: uuid.UUID, at: datetime) -> int | None: ...
    def count(self, bank_account_id: uuid.UUID | None = None) -> int: ...
    def open_credits(
        self, limit: int = 50_000
    ) -> builtins.list[tuple[BankTransaction, Decimal]]: ...


class AllocationRepository(Protocol):
    def add(self, allocation: PaymentAllocation) -> None: ...
    def for_document(self, document_id: uuid.UUID) -> list[PaymentAllocation]: ...
    def for_transaction(self, transaction_id: uuid.UUID) -> list[PaymentAllocation]: ...
    def allocated_to_document(self, document_id: uuid.UUID) -> Decimal: ...
    def allocated_from_transaction(self, transaction_id: uuid.UUID) -> Decimal: ...
    def delete(self, allocation: PaymentAllocation) -> None: ...
    def list(self, page: PageRequest) -> Page[PaymentAllocation]: ...
    def get(self, allocation_id: uuid.UUID) -> PaymentAllocation | None: ...
    def totals_by_document(self) -> dict[uuid.UUID, Decimal]: ...
    def known_ibans(self) -> dict[uuid.UUID, set[str]]: ...


class SyncRepository(Protocol):
    def add_run(self, run: SyncRun) -> None: ...
    def get_run(self, run_id: uuid.UUID) -> SyncRun | None: ...
    def last_run(self, kind: str) -> SyncRun | None: ...
    def get_cursor(self, name: str) -> str | None: ...
    def set_cursor(self, name: str, value: str, at: datetime) -> None: ...


class WebhookEventRepository(Protocol):
    def insert_if_new(self, event: WebhookEvent) -> bool: ...
    def by_event_id(self, event_id: str) -> WebhookEvent | None: ...
    def unprocessed(self) -> Sequence[WebhookEvent]: ...


class RateBudgetRepository(Protocol):
    def take(
        self, bucket: str, *, capacity: int, window: timedelta, now: datetime, cost: int = 1
    ) -> bool: ...


class UnitOfWork(Protocol):
    """``with uow: …; uow.commit()`` — leaving without commit rolls back.

    The repositories are read-only members, available inside the ``with`` block.
    """

    @property
    def customers(self) -> CustomerRepository: ...
    @property
    def products(self) -> ProductRepository: ...
    @property
    def orders(self) -> OrderRepository: ...
    @property
    def documents(self) -> DocumentRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def api_tokens(self) -> ApiTokenRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...
    @property
    def emails(self) -> EmailRepository: ...
    @property
    def bank_accounts(self) -> BankAccountRepository: ...
    @property
    def bank_transactions(self) -> BankTransactionRepository: ...
    @property
    def allocations(self) -> AllocationRepository: ...
    @property
    def sync(self) -> SyncRepository: ...
    @property
    def webhook_events(self) -> WebhookEventRepository: ...
    @property
    def rate_budget(self) -> RateBudgetRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def lock(self, name: str) -> None:
        """Serialize work on ``name`` (e.g. ``"document:<id>"``) until commit/rollback."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


# ---------------------------------------------------------------------- Qonto, in domain terms


@dataclass(frozen=True, slots=True)
class RemoteDocument:
    """Qonto's copy of an invoice, quote or credit note, as the services need it."""

    document_type: DocumentType
    qonto_id: str
    qonto_status: str  # Qonto's own word: draft, unpaid, paid, canceled, pending_approval, …
    number: str | None
    total_amount: Decimal
    total_vat: Decimal
    currency: str
    updated_at: datetime
    attachment_id: str | None = None
    pdf_url: str | None = None
    finalized_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AttachmentLink:
    url: str
    expires_at: datetime
    created_at: datetime


class QontoGateway(Protocol):
    """What the services need from Qonto. Every write takes an idempotency key (the outbox's).

    Creates always make drafts; the only finalize calls are ``finalize_*``, which a service
    calls only after a confirmed user action (SPEC §3).
    """

    # clients
    def find_client(self, customer: Customer) -> str | None: ...
    def create_client(self, customer: Customer, idempotency_key: str) -> str: ...

    # drafts of invoices and quotes
    def create_draft(
        self,
        document: FinancialDocument,
        client_id: str,
        idempotency_key: str,
        quote_qonto_id: str | None = None,
    ) -> RemoteDocument: ...
    def update_draft(
        self, document: FinancialDocument, client_id: str, idempotency_key: str
    ) -> RemoteDocument: ...
    def delete_draft(self, document_type: DocumentType, qonto_id: str) -> None: ...
    def get_document(self, document_type: DocumentType, qonto_id: str) -> RemoteDocument: ...

    # the irreversible step
    def finalize(
        self, document_type: DocumentType, qonto_id: str, idempotency_key: str
    ) -> RemoteDocument: ...

    # credit notes (Qonto's write endpoint is undocumented: 404 → CreditNoteUnsupported)
    def create_credit_note(
        self, document: FinancialDocument, invoice_qonto_id: str, idempotency_key: str
    ) -> RemoteDocument: ...

    # invoice payment state
    def mark_paid(self, qonto_id: str, paid_at: date, idempotency_key: str) -> RemoteDocument: ...
    def unmark_paid(self, qonto_id: str, idempotency_key: str) -> RemoteDocument: ...
    def cancel(self, qonto_id: str, idempotency_key: str) -> RemoteDocument: ...

    # quotes answered by the customer
    def accept_quote(self, qonto_id: str, idempotency_key: str) -> RemoteDocument: ...
    def decline_quote(self, qonto_id: str, idempotency_key: str) -> RemoteDocument: ...

    # sending and PDFs
    def send(
        self,
        document_type: DocumentType,
        qonto_id: str,
        recipients: Sequence[str],
        idempotency_key: str,
    ) -> None: ...
    def attachment_link(self, attachment_id: str) -> AttachmentLink: ...
    def download(self, url: str) -> bytes: ...
    def credit_note_file(self, qonto_id: str) -> bytes: ...
    def attach_to_transaction(
        self, transaction_qonto_id: str, filename: str, content: bytes, idempotency_key: str
    ) -> None: ...

    # quotes: Qonto numbers a quote when it is created, so creating it is issuing it
    def issue_quote(
        self, document: FinancialDocument, client_id: str, idempotency_key: str
    ) -> RemoteDocument: ...

    # outbox recovery: what a create of unknown outcome may have made, found by its content
    def find_created(
        self,
        document: FinancialDocument,
        created_after: datetime,
        invoice_qonto_id: str | None = None,
    ) -> list[RemoteDocument]: ...


# ---------------------------------------------------------------------- Qonto, read for sync


@dataclass(frozen=True, slots=True)
class RemoteBankAccount:
    qonto_id: str
    name: str
    iban: str
    currency: str
    balance: Decimal
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class RemoteTransaction:
    """A Qonto transaction as read; optional fields are checked by the sync, item by item."""

    qonto_id: str
    amount: Decimal | None
    amount_cents: int | None
    currency: str | None
    side: str | None
    label: str | None
    status: str | None
    emitted_at: datetime | None
    updated_at: datetime | None
    settled_at: datetime | None = None
    reference: str | None = None
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    settled_balance: Decimal | None = None
    settled_balance_cents: int | None = None
    attachment_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TransactionPage:
    number: int
    total_pages: int
    items: Sequence[RemoteTransaction]


@dataclass(frozen=True, slots=True)
class RemoteLine:
    title: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal  # a fraction (0.2)
    description: str | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class RemoteDocumentDetails:
    """Qonto's full copy of a document, for the document sync (import and drift)."""

    remote: RemoteDocument
    client_qonto_id: str | None
    customer_name: str
    issue_date: date | None
    due_date: date | None
    paid_at: datetime | None
    lines: Sequence[RemoteLine]
    invoice_qonto_id: str | None = None  # credit note → its invoice
    quote_qonto_id: str | None = None  # invoice → its quote


class QontoSyncReader(Protocol):
    """What the syncs read from Qonto (pages streamed, fetched concurrently within budget)."""

    def bank_accounts(self) -> list[RemoteBankAccount]: ...
    def transaction_pages(
        self, account_qonto_id: str, *, updated_from: datetime | None
    ) -> Iterator[TransactionPage]: ...
    def documents(
        self, document_type: DocumentType, *, updated_from: datetime | None
    ) -> Iterator[RemoteDocumentDetails]: ...
    def attach_to_transaction(
        self, transaction_qonto_id: str, filename: str, content: bytes, idempotency_key: str
    ) -> None: ...
