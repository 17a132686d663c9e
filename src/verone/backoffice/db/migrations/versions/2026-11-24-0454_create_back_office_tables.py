"""Create every back-office table (initial schema).

Revision ID: dbc6b306f80e
Revises:
Create Date: 2026-11-24 04:54:27.717226+00:00
"""

import sqlalchemy as sa
from alembic import op

from verone.backoffice.db.migrations import _columns as c

#: Tables whose rows are never updated or deleted, whatever the code does.
APPEND_ONLY = ("audit_log", "document_numbers")


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse_change()"
            )
        return
    for table in APPEND_ONLY:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION refuse_change()")
        return
    for table in APPEND_ONLY:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER {table}_no_{event}")


revision: str = "dbc6b306f80e"
down_revision: str | None = None


def upgrade() -> None:
    op.create_table(
        "bank_accounts",
        c.uuid("id"),
        c.string("qonto_id", 64),
        c.string("name", 255),
        c.string("iban", 34),
        c.string("currency", 3),
        c.money("balance_cents"),
        c.timestamp("updated_at"),
        c.primary_key("bank_accounts"),
        c.unique("bank_accounts", "qonto_id"),
    )
    op.create_table(
        "customers",
        c.uuid("id"),
        c.choice("kind", "company", "individual"),
        *(
            c.string(name, 255, nullable=True)
            for name in ("company_name", "first_name", "last_name")
        ),
        c.string("email", 320, nullable=True),
        c.string("phone", 40, nullable=True),
        c.string("vat_number", 40, nullable=True),
        c.string("siren", 9, nullable=True),
        c.string("siret", 14, nullable=True),
        *(
            c.string(f"{prefix}_{part}", size, nullable=True)
            for prefix in ("billing", "delivery")
            for part, size in (("street", 255), ("postal_code", 20), ("city", 120), ("country", 2))
        ),
        c.string("currency", 3),
        c.string("locale", 10),
        c.string("qonto_client_id", 64, nullable=True),
        c.timestamp("created_at"),
        c.check(
            "customers",
            "named",
            "(kind = 'company' AND company_name IS NOT NULL) "
            "OR (kind = 'individual' AND last_name IS NOT NULL)",
        ),
        c.primary_key("customers"),
        c.unique("customers", "qonto_client_id"),
    )
    c.create_indexes("customers", ["email"], ["vat_number"])

    op.create_table(
        "products",
        c.uuid("id"),
        c.string("sku", 64),
        c.string("name", 255),
        c.text("description", nullable=True),
        c.string("unit", 32, nullable=True),
        c.exact("unit_price"),
        c.exact("vat_rate"),
        c.string("currency", 3),
        c.boolean("active"),
        c.timestamp("created_at"),
        c.primary_key("products"),
        c.unique("products", "sku"),
    )
    op.create_table(
        "rate_budget",
        c.string("bucket", 128),
        *(c.integer(name) for name in ("capacity", "used", "window_seconds")),
        c.timestamp("window_started_at"),
        c.check("rate_budget", "used_within_capacity", "used >= 0 AND used <= capacity"),
        c.check("rate_budget", "window_positive", "window_seconds > 0"),
        c.primary_key("rate_budget", "bucket"),
    )
    op.create_table(
        "sync_cursors",
        c.string("name", 128),
        c.text("value"),
        c.timestamp("updated_at"),
        c.primary_key("sync_cursors", "name"),
    )
    op.create_table(
        "sync_runs",
        c.uuid("id"),
        c.string("kind", 64),
        c.choice("status", "running", "succeeded", "failed"),
        c.timestamp("started_at"),
        c.timestamp("finished_at", nullable=True),
        c.integer("items_seen"),
        c.text("error", nullable=True),
        c.primary_key("sync_runs"),
    )
    c.create_indexes("sync_runs", ["kind", "started_at"])

    op.create_table(
        "users",
        c.uuid("id"),
        c.string("email", 320),
        c.string("display_name", 200),
        c.choice("role", "viewer", "accountant", "admin"),
        c.string("password_hash", 255),
        c.boolean("active"),
        c.timestamp("created_at"),
        c.timestamp("last_login_at", nullable=True),
        c.primary_key("users"),
        c.unique("users", "email"),
    )
    op.create_table(
        "webhook_events",
        c.uuid("id"),
        c.string("event_id", 128),
        c.string("event_type", 128),
        c.text("payload"),
        c.timestamp("received_at"),
        c.timestamp("processed_at", nullable=True),
        c.text("error", nullable=True),
        c.primary_key("webhook_events"),
        c.unique("webhook_events", "event_id"),
    )
    op.create_table(
        "api_tokens",
        c.uuid("id"),
        c.uuid("user_id"),
        c.string("name", 200),
        c.string("token_hash", 64),
        c.timestamp("created_at"),
        *(
            c.timestamp(name, nullable=True)
            for name in ("expires_at", "revoked_at", "last_used_at")
        ),
        c.foreign_key("api_tokens", "user_id", "users", ondelete="CASCADE"),
        c.primary_key("api_tokens"),
        c.unique("api_tokens", "token_hash"),
    )
    c.create_indexes("api_tokens", ["user_id"])

    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        c.uuid("id"),
        c.timestamp("at"),
        c.uuid("actor_id", nullable=True),
        *(c.string(name, 64) for name in ("action", "entity_type", "entity_id")),
        sa.Column("details", sa.JSON(), nullable=False),
        *(c.string(name, 64) for name in ("prev_hash", "entry_hash")),
        c.foreign_key("audit_log", "actor_id", "users"),
        c.primary_key("audit_log", "seq"),
        *(c.unique("audit_log", name) for name in ("entry_hash", "id", "prev_hash")),
    )
    c.create_indexes("audit_log", ["entity_type", "entity_id"])

    op.create_table(
        "bank_transactions",
        c.uuid("id"),
        c.string("qonto_id", 64),
        c.uuid("bank_account_id"),
        c.money("amount_cents"),
        c.string("currency", 3),
        c.choice("side", "credit", "debit"),
        c.string("label", 255),
        c.string("reference", 255, nullable=True),
        c.string("status", 32),
        c.timestamp("emitted_at"),
        c.timestamp("settled_at", nullable=True),
        c.timestamp("updated_at"),
        c.check("bank_transactions", "amount_positive", "amount_cents >= 0"),
        c.foreign_key("bank_transactions", "bank_account_id", "bank_accounts"),
        c.primary_key("bank_transactions"),
        c.unique("bank_transactions", "qonto_id"),
    )
    c.create_indexes("bank_transactions", ["bank_account_id", "emitted_at"])

    op.create_table(
        "sales_orders",
        c.uuid("id"),
        c.string("reference", 64),
        c.uuid("customer_id"),
        c.choice("status", "draft", "confirmed", "shipped", "delivered", "cancelled"),
        c.day("order_date"),
        c.string("currency", 3),
        c.money("shipping_cost_cents"),
        c.exact("shipping_vat_rate"),
        *c.discount(),
        c.integer("payment_terms_days"),
        c.choice("invoicing_status", "not_invoiced", "partially_invoiced", "invoiced", "paid"),
        c.text("notes", nullable=True),
        c.timestamp("created_at"),
        c.check("sales_orders", "shipping_cost_positive", "shipping_cost_cents >= 0"),
        c.foreign_key("sales_orders", "customer_id", "customers"),
        c.primary_key("sales_orders"),
        c.unique("sales_orders", "reference"),
    )
    c.create_indexes("sales_orders", ["customer_id"])

    op.create_table(
        "financial_documents",
        c.uuid("id"),
        c.string("qonto_id", 64, nullable=True),
        c.choice("document_type", "invoice", "credit_note", "quote"),
        c.choice(
            "status",
            "pending",
            "draft",
            "finalized",
            "paid",
            "cancelled",
            "accepted",
            "declined",
            "converted",
        ),
        c.choice("origin", "order", "service", "quote", "invoice", "qonto_import"),
        c.string("number", 32, nullable=True),
        c.uuid("customer_id", nullable=True),
        c.string("customer_name", 255),
        c.string("currency", 3),
        *(
            c.money(f"{name}_cents")
            for name in ("total_ht", "total_vat", "total_amount", "amount_paid")
        ),
        *c.discount(),
        *(c.day(name, nullable=True) for name in ("issue_date", "due_date", "expiry_date")),
        c.text("notes", nullable=True),
        *(c.uuid(name, nullable=True) for name in ("sales_order_id", "parent_document_id")),
        c.string("qonto_attachment_id", 64, nullable=True),
        c.text("pdf_url", nullable=True),
        c.timestamp("pdf_url_expires_at", nullable=True),
        c.string("pdf_sha256", 64, nullable=True),
        c.uuid("created_by"),
        c.uuid("finalized_by", nullable=True),
        *(
            c.timestamp(name, nullable=True)
            for name in ("finalized_at", "paid_at", "cancelled_at", "qonto_updated_at")
        ),
        c.string("content_hash", 64, nullable=True),
        c.timestamp("created_at"),
        c.timestamp("updated_at", nullable=True),
        c.integer("version"),
        c.check(
            "financial_documents",
            "status_matches_type",
            "(document_type = 'credit_note' AND status IN ('draft', 'finalized')) "
            "OR (document_type = 'invoice' AND status IN "
            "('cancelled', 'draft', 'finalized', 'paid', 'pending')) "
            "OR (document_type = 'quote' AND status IN "
            "('accepted', 'converted', 'declined', 'draft', 'finalized'))",
        ),
        c.check(
            "financial_documents",
            "number_iff_issued",
            "(status IN ('draft', 'pending') AND number IS NULL) "
            "OR (NOT (status IN ('draft', 'pending')) AND number IS NOT NULL)",
        ),
        c.check("financial_documents", "amount_paid_positive", "amount_paid_cents >= 0"),
        c.foreign_key("financial_documents", "created_by", "users"),
        c.foreign_key("financial_documents", "customer_id", "customers"),
        c.foreign_key("financial_documents", "finalized_by", "users"),
        c.foreign_key("financial_documents", "parent_document_id", "financial_documents"),
        c.foreign_key("financial_documents", "sales_order_id", "sales_orders"),
        c.primary_key("financial_documents"),
        c.unique("financial_documents", "document_type", "number"),
        c.unique("financial_documents", "document_type", "qonto_id"),
    )
    c.create_indexes(
        "financial_documents",
        ["created_at"],
        ["customer_id"],
        ["document_type", "status"],
        ["parent_document_id"],
        ["sales_order_id"],
    )

    op.create_table(
        "sales_order_items",
        c.uuid("id"),
        c.uuid("sales_order_id"),
        c.integer("position"),
        c.uuid("product_id", nullable=True),
        c.string("title", 255),
        c.text("description", nullable=True),
        c.string("unit", 32, nullable=True),
        *c.line_amounts(),
        c.foreign_key("sales_order_items", "product_id", "products"),
        c.foreign_key("sales_order_items", "sales_order_id", "sales_orders", ondelete="CASCADE"),
        c.primary_key("sales_order_items"),
    )
    c.create_indexes("sales_order_items", ["sales_order_id"])

    op.create_table(
        "document_numbers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        c.choice("document_type", "invoice", "credit_note", "quote"),
        c.string("number", 32),
        c.uuid("document_id"),
        c.timestamp("assigned_at"),
        c.foreign_key("document_numbers", "document_id", "financial_documents"),
        c.primary_key("document_numbers"),
        c.unique("document_numbers", "document_type", "number"),
    )
    op.create_table(
        "emails",
        c.uuid("id"),
        c.string("to_address", 320),
        c.string("subject", 255),
        c.text("body_text"),
        c.uuid("document_id", nullable=True),
        c.choice("status", "queued", "sent", "failed"),
        c.integer("attempts"),
        c.timestamp("created_at"),
        c.timestamp("sent_at", nullable=True),
        c.text("error", nullable=True),
        c.foreign_key("emails", "document_id", "financial_documents", ondelete="SET NULL"),
        c.primary_key("emails"),
    )
    c.create_indexes("emails", ["status"])

    items = "financial_document_items"
    op.create_table(
        items,
        c.uuid("id"),
        c.uuid("document_id"),
        c.integer("position"),
        c.string("title", 255),
        c.text("description", nullable=True),
        c.string("unit", 32, nullable=True),
        *c.line_amounts(),
        *(c.money(f"{name}_cents") for name in ("subtotal", "vat", "total")),
        *(c.uuid(name, nullable=True) for name in ("sales_order_item_id", "product_id")),
        c.check(items, "quantity_positive", "CAST(quantity AS NUMERIC) > 0"),
        c.foreign_key(items, "document_id", "financial_documents", ondelete="CASCADE"),
        c.foreign_key(items, "product_id", "products"),
        c.foreign_key(items, "sales_order_item_id", "sales_order_items"),
        c.primary_key(items),
    )
    c.create_indexes(items, ["document_id"], ["sales_order_item_id"])

    op.create_table(
        "outbox",
        c.uuid("id"),
        c.string("operation", 64),
        c.uuid("document_id", nullable=True),
        c.string("idempotency_key", 128),
        c.string("request_hash", 64),
        c.choice("status", "pending", "succeeded", "failed", "ambiguous"),
        c.integer("attempts"),
        *(c.text(name, nullable=True) for name in ("result", "error")),
        c.timestamp("created_at"),
        c.timestamp("updated_at", nullable=True),
        c.foreign_key("outbox", "document_id", "financial_documents", ondelete="SET NULL"),
        c.primary_key("outbox"),
        c.unique("outbox", "idempotency_key"),
    )
    c.create_indexes("outbox", ["document_id"], ["status"])

    allocations = "payment_allocations"
    op.create_table(
        allocations,
        c.uuid("id"),
        *(c.uuid(name) for name in ("transaction_id", "document_id")),
        c.money("amount_cents"),
        c.string("currency", 3),
        c.uuid("allocated_by", nullable=True),
        c.integer("score", nullable=True),
        c.text("reasons", nullable=True),
        c.timestamp("created_at"),
        c.check(allocations, "amount_positive", "amount_cents > 0"),
        c.foreign_key(allocations, "allocated_by", "users"),
        c.foreign_key(allocations, "document_id", "financial_documents"),
        c.foreign_key(allocations, "transaction_id", "bank_transactions"),
        c.primary_key(allocations),
        c.unique(allocations, "transaction_id", "document_id"),
    )
    c.create_indexes(allocations, ["document_id"])

    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    c.drop_table("payment_allocations", "document_id")
    c.drop_table("outbox", "status", "document_id")
    c.drop_table("financial_document_items", "sales_order_item_id", "document_id")
    c.drop_table("emails", "status")
    c.drop_table("document_numbers")
    c.drop_table("sales_order_items", "sales_order_id")
    c.drop_table(
        "financial_documents",
        "sales_order_id",
        "parent_document_id",
        "document_type",
        "customer_id",
        "created_at",
    )
    c.drop_table("sales_orders", "customer_id")
    c.drop_table("bank_transactions", "bank_account_id")
    c.drop_table("audit_log", "entity_type")
    c.drop_table("api_tokens", "user_id")
    c.drop_table("webhook_events")
    c.drop_table("users")
    c.drop_table("sync_runs", "kind")
    c.drop_table("sync_cursors")
    c.drop_table("rate_budget")
    c.drop_table("products")
    c.drop_table("customers", "vat_number", "email")
    c.drop_table("bank_accounts")
