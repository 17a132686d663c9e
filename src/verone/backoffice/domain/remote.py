"""Qonto's data in the back office's own terms: what the gateway and the sync reader answer
(``ports.QontoGateway``, ``ports.QontoSyncReader``). Plain frozen dataclasses, no
``verone.qonto`` types: the services never see the client's wire models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

from verone.backoffice.domain.statuses import DocumentType

T = TypeVar("T")


# ---------------------------------------------------------------------- documents


@dataclass(frozen=True, slots=True)
class RemoteDocument:
    """Qonto's copy of an invoice, quote or credit note, as the services need it."""

    document_type: DocumentType
    qonto_id: str
    qonto_status: str  # a QontoStatus word (docs/rules.md); Qonto may add others
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


# ---------------------------------------------------------------------- read for sync


@dataclass(frozen=True, slots=True)
class RemoteBankAccount:
    qonto_id: str
    name: str
    iban: str
    currency: str
    balance: Decimal
    updated_at: datetime | None


class RemoteTransaction(Protocol):
    """A Qonto transaction as read (the sync reader's wire model); optional fields are checked
    by the sync, item by item."""

    @property
    def qonto_id(self) -> str: ...
    @property
    def amount(self) -> Decimal | None: ...
    @property
    def amount_cents(self) -> int | None: ...
    @property
    def currency(self) -> str | None: ...
    @property
    def side(self) -> str | None: ...
    @property
    def label(self) -> str | None: ...
    @property
    def status(self) -> str | None: ...
    @property
    def emitted_at(self) -> datetime | None: ...
    @property
    def updated_at(self) -> datetime | None: ...
    @property
    def settled_at(self) -> datetime | None: ...
    @property
    def reference(self) -> str | None: ...
    @property
    def counterparty_name(self) -> str | None: ...
    @property
    def counterparty_iban(self) -> str | None: ...
    @property
    def settled_balance(self) -> Decimal | None: ...
    @property
    def settled_balance_cents(self) -> int | None: ...
    @property
    def attachment_ids(self) -> Sequence[str] | None: ...


@dataclass(frozen=True, slots=True)
class UnreadableTransaction:
    """An item of a page that does not even have a transaction's shape (reported, skipped)."""

    qonto_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class TransactionPage:
    number: int
    total_pages: int
    items: Sequence[RemoteTransaction]
    unreadable: Sequence[UnreadableTransaction] = ()


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


# ---------------------------------------------------------------------- live views


@dataclass(frozen=True, slots=True)
class RemotePage(Generic[T]):
    """One page of a Qonto list, as Qonto counted it."""

    items: Sequence[T]
    total: int


@dataclass(frozen=True, slots=True)
class RemoteAccount:
    """A bank account with its live balances."""

    qonto_id: str
    name: str | None
    iban: str | None
    currency: str | None
    balance: Decimal
    authorized_balance: Decimal
    main: bool


@dataclass(frozen=True, slots=True)
class RemoteOrganization:
    slug: str | None
    bank_accounts_count: int


@dataclass(frozen=True, slots=True)
class RemoteTransactionView:
    """A bank transaction as Qonto lists it (the live view, not the mirror)."""

    qonto_id: str
    bank_account_id: str | None
    amount: Decimal
    currency: str | None
    side: str | None
    status: str | None
    label: str | None
    counterparty_name: str | None
    reference: str | None
    operation_type: str | None
    settled_at: datetime | None
    emitted_at: datetime | None
    attachment_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RemoteClient:
    qonto_id: str
    kind: str | None
    name: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    vat_number: str | None
    currency: str | None
    locale: str | None


@dataclass(frozen=True, slots=True)
class RemoteAttachment:
    qonto_id: str
    file_name: str | None = None
    file_size: int | None = None
    content_type: str | None = None
    url: str | None = None
    created_at: datetime | None = None
