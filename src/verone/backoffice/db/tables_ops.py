"""Tables of the back office's operations: audit log, outbox, e-mails, banking, sync, webhooks.

They share ``metadata`` with the core tables in ``tables.py``.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from verone.backoffice.db.tables import currency, entity_table, metadata, named_table
from verone.backoffice.db.types import Cents, UTCDateTime, str_enum
from verone.backoffice.domain.banking import TransactionSide
from verone.backoffice.domain.operations import EmailStatus, OutboxStatus, SyncStatus

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("id", Uuid, nullable=False, unique=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", Uuid, ForeignKey("users.id")),
    Column("action", String(64), nullable=False),
    Column("entity_type", String(64), nullable=False),
    Column("entity_id", String(64), nullable=False),
    Column("details", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("entry_hash", String(64), nullable=False, unique=True),
    Index(None, "entity_type", "entity_id"),
)

outbox = entity_table(
    "outbox",
    Column("operation", String(64), nullable=False),
    Column("document_id", Uuid, ForeignKey("financial_documents.id", ondelete="SET NULL")),
    Column("idempotency_key", String(128), nullable=False, unique=True),
    Column("request_hash", String(64), nullable=False),
    Column("status", str_enum(OutboxStatus, "status"), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("result", Text),
    Column("error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime),
    Index(None, "status"),
    Index(None, "document_id"),
)

emails = entity_table(
    "emails",
    Column("to_address", String(320), nullable=False),
    Column("subject", String(255), nullable=False),
    Column("body_text", Text, nullable=False),
    Column("document_id", Uuid, ForeignKey("financial_documents.id", ondelete="SET NULL")),
    Column("status", str_enum(EmailStatus, "status"), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("error", Text),
    Index(None, "status"),
)

bank_accounts = entity_table(
    "bank_accounts",
    Column("qonto_id", String(64), nullable=False, unique=True),
    Column("name", String(255), nullable=False),
    Column("iban", String(34), nullable=False),
    currency(),
    Column("balance_cents", Cents, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

bank_transactions = entity_table(
    "bank_transactions",
    Column("qonto_id", String(64), nullable=False, unique=True),
    Column("bank_account_id", Uuid, ForeignKey("bank_accounts.id"), nullable=False),
    Column("amount_cents", Cents, nullable=False),
    currency(),
    Column("side", str_enum(TransactionSide, "side"), nullable=False),
    Column("label", String(255), nullable=False),
    Column("reference", String(255)),
    Column("status", String(32), nullable=False),
    Column("emitted_at", UTCDateTime, nullable=False),
    Column("settled_at", UTCDateTime),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("counterparty_name", String(255)),
    Column("counterparty_iban", String(34)),
    Column("settled_balance_cents", Cents),
    Column("attachment_ids", Text),
    CheckConstraint("amount_cents >= 0", name="amount_positive"),
    Index(None, "bank_account_id", "emitted_at"),
    Index("ix_bank_transactions_account_settled", "bank_account_id", "settled_at"),
)

payment_allocations = entity_table(
    "payment_allocations",
    Column("transaction_id", Uuid, ForeignKey("bank_transactions.id"), nullable=False),
    Column("document_id", Uuid, ForeignKey("financial_documents.id"), nullable=False),
    Column("amount_cents", Cents, nullable=False),
    currency(),
    Column("allocated_by", Uuid, ForeignKey("users.id")),
    Column("score", Integer),
    Column("reasons", Text),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("transaction_id", "document_id"),
    CheckConstraint("amount_cents > 0", name="amount_positive"),
    Index(None, "document_id"),
)

#: Pairs a person rejected: never proposed, nor applied, until restored (the row is deleted).
rejected_matches = entity_table(
    "rejected_matches",
    Column("transaction_id", Uuid, ForeignKey("bank_transactions.id"), nullable=False),
    Column("document_id", Uuid, ForeignKey("financial_documents.id"), nullable=False),
    Column("rejected_by", Uuid, ForeignKey("users.id"), nullable=False),
    Column("rejected_at", UTCDateTime, nullable=False),
    UniqueConstraint("transaction_id", "document_id"),
    Index(None, "document_id"),
)

sync_runs = entity_table(
    "sync_runs",
    Column("kind", String(64), nullable=False),
    Column("status", str_enum(SyncStatus, "status"), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("items_seen", Integer, nullable=False),
    Column("error", Text),
    Column("scope", String(128)),
    Column("items_failed", Integer, nullable=False, server_default="0"),
    Column("report", Text),
    Index(None, "kind", "started_at"),
)

sync_cursors = named_table(
    "sync_cursors",
    "name",
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

#: Single-run leases (e.g. one sync per account): a row, never an open transaction.
leases = named_table(
    "leases",
    "name",
    Column("holder", String(64), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

webhook_events = entity_table(
    "webhook_events",
    Column("event_id", String(128), nullable=False, unique=True),
    Column("event_type", String(128), nullable=False),
    Column("payload", Text, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("processed_at", UTCDateTime),
    Column("error", Text),
)

rate_budget = named_table(
    "rate_budget",
    "bucket",
    Column("capacity", Integer, nullable=False),
    Column("used", Integer, nullable=False),
    Column("window_seconds", Integer, nullable=False),
    Column("window_started_at", UTCDateTime, nullable=False),
    CheckConstraint("used >= 0 AND used <= capacity", name="used_within_capacity"),
    CheckConstraint("window_seconds > 0", name="window_positive"),
)
