"""Wire shapes of the infrastructure routes (health, status, balance, Qonto transactions and
clients, attachments, debug) and of the reconciliation queue; camelCase like ``schemas``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from verone.backoffice.api.schemas import (
    Amount,
    ApiModel,
    DocumentSummary,
    Email,
    QontoId,
    RequestModel,
)


class HealthOut(ApiModel):
    status: Literal["healthy"]
    auth_mode: str
    bank_accounts_count: int


class UnhealthyOut(ApiModel):
    status: Literal["unhealthy"]
    error: str
    hint: str


class SyncRunOut(ApiModel):
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    items_seen: int
    error: str | None


class StatusOut(ApiModel):
    qonto_reachable: bool
    auth_mode: str
    base_url: str
    simulated: bool
    organization_slug: str | None
    bank_accounts_count: int | None
    error: str | None
    last_transactions_sync: SyncRunOut | None
    last_documents_sync: SyncRunOut | None
    unsettled_outbox: int
    unprocessed_webhooks: int


class BankAccountOut(ApiModel):
    id: str
    name: str | None
    iban: str | None
    currency: str | None
    balance: Amount
    authorized_balance: Amount
    main: bool


class BalanceTotal(ApiModel):
    currency: str
    balance: Amount
    authorized_balance: Amount


class BalanceOut(ApiModel):
    accounts: list[BankAccountOut]
    totals: list[BalanceTotal]


class QontoTransactionOut(ApiModel):
    id: str
    bank_account_id: str | None
    amount: Amount
    currency: str | None
    side: str | None
    status: str | None
    label: str | None
    counterparty_name: str | None
    reference: str | None
    operation_type: str | None
    settled_at: datetime | None
    emitted_at: datetime | None
    attachment_ids: list[str]


class QontoClientOut(ApiModel):
    id: str
    kind: str | None
    name: str | None
    first_name: str | None
    last_name: str | None
    email: str | None
    vat_number: str | None
    currency: str | None
    locale: str | None


class QontoClientIn(RequestModel):
    """Create (or find) the Qonto client of a local customer."""

    customer_id: uuid.UUID


class QontoClientLink(ApiModel):
    customer_id: uuid.UUID
    qonto_client_id: str


class AttachmentOut(ApiModel):
    id: str
    file_name: str | None
    file_size: int | None
    content_type: str | None
    url: str | None
    created_at: datetime | None


class AttachmentCleanupIn(RequestModel):
    transaction_id: QontoId


class DetachedOut(ApiModel):
    transaction_id: str
    attachment_id: str | None
    detached: Literal[True] = True


class SyncIn(RequestModel):
    full: bool = False
    account_id: QontoId | None = None


class AccountSyncOut(ApiModel):
    account_id: str
    run_id: uuid.UUID
    status: str
    full: bool
    items_seen: int
    items_written: int
    skipped: int
    continuity_checked: int
    gaps: int
    closing_balance_matches: bool | None
    error: str | None


class SyncOut(ApiModel):
    accounts: list[AccountSyncOut]


class DocumentsSyncIn(RequestModel):
    full: bool = False


class DriftOut(ApiModel):
    document_id: uuid.UUID
    qonto_id: str
    local: str
    qonto: str
    applied: bool
    note: str


class DocumentsSyncOut(ApiModel):
    run_id: uuid.UUID
    seen: int
    imported: list[str]
    linked_credit_notes: list[str]
    drift: list[DriftOut]
    skipped: list[str]


class ProposalOut(ApiModel):
    transaction_id: uuid.UUID
    invoice_id: uuid.UUID
    invoice_number: str
    amount: Amount
    currency: str
    kind: str
    score: int
    reasons: list[str]
    automatic: bool


class AppliedMatchOut(ApiModel):
    allocation_id: uuid.UUID
    transaction_id: uuid.UUID
    document_id: uuid.UUID
    amount: Amount
    invoice_paid: bool
    pdf_attached: bool
    warning: str | None


class SplitOut(ApiModel):
    """A split applied: one allocation per part, in the order of the request."""

    transaction_id: uuid.UUID
    allocated: Amount
    transaction_left: Amount
    applied: list[AppliedMatchOut]


class ReconcileRunIn(RequestModel):
    dry_run: bool = True


class ReconcileRunOut(ApiModel):
    dry_run: bool
    proposals: list[ProposalOut]
    applied: list[AppliedMatchOut]
    errors: list[str]


class DebugOut(ApiModel):
    environment: str
    database_backend: str
    qonto_auth_mode: str
    qonto_base_url: str
    qonto_organization_id: str | None
    qonto_api_key: Literal["configured", "missing"]
    simulated: bool
    rate_limits: str


class OutboxEntryOut(ApiModel):
    id: uuid.UUID
    operation: str
    status: str
    attempts: int
    document_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime | None
    error: str | None


class BankTransactionOut(ApiModel):
    id: uuid.UUID
    qonto_id: str
    bank_account_id: uuid.UUID
    amount: Amount
    currency: str
    side: str
    label: str
    status: str
    reference: str | None
    emitted_at: datetime
    settled_at: datetime | None


class AllocationOut(ApiModel):
    id: uuid.UUID
    amount: Amount
    currency: str
    created_at: datetime
    allocated_by: uuid.UUID | None
    automatic: bool
    score: int | None
    reasons: str | None
    transaction: BankTransactionOut | None
    document: DocumentSummary | None


class RejectionOut(ApiModel):
    """A rejected pair: who rejected it and when; never proposed until restored."""

    transaction_id: uuid.UUID
    invoice_id: uuid.UUID
    invoice_number: str | None
    rejected_by: uuid.UUID
    rejected_by_name: str | None
    rejected_at: datetime
    transaction: BankTransactionOut | None


class SendOut(ApiModel):
    document_id: uuid.UUID
    recipients: list[Email]
    sent: Literal[True] = True
