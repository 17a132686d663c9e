"""Tables of the back office's core: users, customers, products, orders, documents, numbers.

Constraint names come from the ``MetaData`` naming convention; statuses are CHECKed strings.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.schema import SchemaItem

from verone.backoffice.db.types import Cents, ExactDecimal, UTCDateTime, str_enum
from verone.backoffice.domain.kinds import ALLOWED_STATUSES
from verone.backoffice.domain.parties import CustomerKind
from verone.backoffice.domain.statuses import (
    EDITABLE_STATUSES,
    DocumentOrigin,
    DocumentStatus,
    DocumentType,
    InvoicingStatus,
    OrderStatus,
)
from verone.backoffice.domain.users import Role
from verone.money import DiscountKind

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _in(column: str, values: object) -> str:
    assert isinstance(values, frozenset | set | list | tuple)
    listed = ", ".join(f"'{v}'" for v in sorted(str(v) for v in values))
    return f"{column} IN ({listed})"


def _status_per_type() -> str:
    return " OR ".join(
        f"(document_type = '{kind}' AND {_in('status', statuses)})"
        for kind, statuses in sorted(ALLOWED_STATUSES.items())
    )


def currency() -> Column[str]:
    return Column("currency", String(3), nullable=False)


def entity_table(name: str, *items: SchemaItem) -> Table:
    """The table of an entity: its rows keyed by a UUID ``id``, the first column."""
    return Table(name, metadata, Column("id", Uuid, primary_key=True), *items)


def named_table(name: str, key: str, *items: SchemaItem) -> Table:
    """A table of named rows (a cursor, a lease, a budget): ``key``, a name, is the first
    column and the primary key."""
    return Table(name, metadata, Column(key, String(128), primary_key=True), *items)


def _discount() -> tuple[Column[Any], ...]:
    """A document's, an order's or a line's optional discount: its kind and its value."""
    return (
        Column("discount_kind", str_enum(DiscountKind, "discount_kind")),
        Column("discount_value", ExactDecimal()),
    )


def _line_amounts() -> tuple[Column[Any], ...]:
    """What an order line and a document line are priced from."""
    return (
        Column("quantity", ExactDecimal(), nullable=False),
        Column("unit_price", ExactDecimal(), nullable=False),
        Column("vat_rate", ExactDecimal(), nullable=False),
        *_discount(),
    )


users = entity_table(
    "users",
    Column("email", String(320), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", str_enum(Role, "role"), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_login_at", UTCDateTime),
)

api_tokens = entity_table(
    "api_tokens",
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    Column("last_used_at", UTCDateTime),
    Index(None, "user_id"),
)

user_sessions = entity_table(
    "user_sessions",
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    Index(None, "user_id"),
)

customers = entity_table(
    "customers",
    Column("kind", str_enum(CustomerKind, "kind"), nullable=False),
    Column("company_name", String(255)),
    Column("first_name", String(255)),
    Column("last_name", String(255)),
    Column("email", String(320)),
    Column("phone", String(40)),
    Column("vat_number", String(40)),
    Column("siren", String(9)),
    Column("siret", String(14)),
    *(
        Column(f"{prefix}_{part}", String(size))
        for prefix in ("billing", "delivery")
        for part, size in (("street", 255), ("postal_code", 20), ("city", 120), ("country", 2))
    ),
    currency(),
    Column("locale", String(10), nullable=False),
    Column("qonto_client_id", String(64), unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint(
        "(kind = 'company' AND company_name IS NOT NULL)"
        " OR (kind = 'individual' AND last_name IS NOT NULL)",
        name="named",
    ),
    Index(None, "email"),
    Index(None, "vat_number"),
)

products = entity_table(
    "products",
    Column("sku", String(64), nullable=False, unique=True),
    Column("name", String(255), nullable=False),
    Column("description", Text),
    Column("unit", String(32)),
    Column("unit_price", ExactDecimal(), nullable=False),
    Column("vat_rate", ExactDecimal(), nullable=False),
    currency(),
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

sales_orders = entity_table(
    "sales_orders",
    Column("reference", String(64), nullable=False, unique=True),
    Column("customer_id", Uuid, ForeignKey("customers.id"), nullable=False),
    Column("status", str_enum(OrderStatus, "status"), nullable=False),
    Column("order_date", Date, nullable=False),
    currency(),
    Column("shipping_cost_cents", Cents, nullable=False),
    Column("shipping_vat_rate", ExactDecimal(), nullable=False),
    *_discount(),
    Column("payment_terms_days", Integer, nullable=False),
    Column("invoicing_status", str_enum(InvoicingStatus, "invoicing_status"), nullable=False),
    Column("notes", Text),
    Column("created_at", UTCDateTime, nullable=False),
    CheckConstraint("shipping_cost_cents >= 0", name="shipping_cost_positive"),
    Index(None, "customer_id"),
)

sales_order_items = entity_table(
    "sales_order_items",
    Column(
        "sales_order_id", Uuid, ForeignKey("sales_orders.id", ondelete="CASCADE"), nullable=False
    ),
    Column("position", Integer, nullable=False),
    Column("product_id", Uuid, ForeignKey("products.id")),
    Column("title", String(255), nullable=False),
    Column("description", Text),
    Column("unit", String(32)),
    *_line_amounts(),
    Index(None, "sales_order_id"),
)

_EDITABLE = _in("status", EDITABLE_STATUSES)

#: What the list totals sum, and the list columns that can be sorted on (besides creation).
_TOTAL_COLUMNS = ("total_amount_cents", "amount_paid_cents", "total_ht_cents")
_SORTABLE_COLUMNS = ("issue_date", "due_date", "number", "customer_name")
#: « Partiellement payée »: finalized, with an amount paid (a fully paid one is ``paid``)
PARTLY_PAID = "status = 'finalized' AND amount_paid_cents > 0"

#: The search over numbers and customer names (migration « document search index »; an FTS5
#: trigram table on SQLite, ``pg_trgm`` indexes on PostgreSQL), outside the models
DOCUMENT_SEARCH = "financial_documents_search"
SEARCH_INDEX_PREFIXES = (DOCUMENT_SEARCH, "ix_financial_documents_search_")

financial_documents = entity_table(
    "financial_documents",
    Column("qonto_id", String(64)),
    Column("document_type", str_enum(DocumentType, "document_type"), nullable=False),
    Column("status", str_enum(DocumentStatus, "status"), nullable=False),
    Column("origin", str_enum(DocumentOrigin, "origin"), nullable=False),
    Column("number", String(32)),
    Column("customer_id", Uuid, ForeignKey("customers.id")),
    Column("customer_name", String(255), nullable=False),
    currency(),
    Column("total_ht_cents", Cents, nullable=False),
    Column("total_vat_cents", Cents, nullable=False),
    Column("total_amount_cents", Cents, nullable=False),
    Column("amount_paid_cents", Cents, nullable=False),
    *_discount(),
    Column("issue_date", Date),
    Column("due_date", Date),
    Column("expiry_date", Date),
    Column("notes", Text),
    Column("purchase_order", String(120)),
    Column("sales_order_id", Uuid, ForeignKey("sales_orders.id")),
    Column("parent_document_id", Uuid, ForeignKey("financial_documents.id")),
    Column("qonto_attachment_id", String(64)),
    Column("pdf_url", Text),
    Column("pdf_url_expires_at", UTCDateTime),
    Column("pdf_sha256", String(64)),
    Column("created_by", Uuid, ForeignKey("users.id"), nullable=False),
    Column("finalized_by", Uuid, ForeignKey("users.id")),
    Column("finalized_at", UTCDateTime),
    Column("paid_at", UTCDateTime),
    Column("cancelled_at", UTCDateTime),
    Column("qonto_updated_at", UTCDateTime),
    Column("content_hash", String(64)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime),
    Column("version", Integer, nullable=False),
    UniqueConstraint("document_type", "number"),
    UniqueConstraint("document_type", "qonto_id"),
    CheckConstraint(
        f"({_EDITABLE} AND number IS NULL) OR (NOT ({_EDITABLE}) AND number IS NOT NULL)",
        name="number_iff_issued",
    ),
    CheckConstraint(_status_per_type(), name="status_matches_type"),
    CheckConstraint("amount_paid_cents >= 0", name="amount_paid_positive"),
    Index(None, "customer_id"),
    Index(None, "sales_order_id"),
    Index(None, "parent_document_id"),
    Index(None, "document_type", "status"),
    Index(None, "created_at"),
    # the lists' default order (docs/performance.md), with and without a status filter
    Index("ix_financial_documents_type_created", "document_type", "created_at", "id"),
    Index(
        "ix_financial_documents_type_status_created",
        "document_type",
        "status",
        "created_at",
        "id",
    ),
    # the totals of a filtered list read from the index alone: per kind and status chip
    # (overdue by due date), and per customer (docs/performance.md)
    Index(
        "ix_financial_documents_totals",
        "document_type",
        "status",
        "due_date",
        *_TOTAL_COLUMNS,
    ),
    Index(
        "ix_financial_documents_customer_totals",
        "customer_id",
        "document_type",
        "status",
        *_TOTAL_COLUMNS,
    ),
    # an amount range or the amount order, covering the totals and the default order
    Index(
        "ix_financial_documents_type_amount",
        "document_type",
        *_TOTAL_COLUMNS,
        "created_at",
        "id",
    ),
    # « Partiellement payées »: the few finalized documents paid in part, with their order
    # and totals (the repository's criterion is this predicate, so both databases use it)
    Index(
        "ix_financial_documents_partly_paid",
        "document_type",
        "status",  # implied by the predicate, but SQLite needs it to cover the query
        "created_at",
        "id",
        *_TOTAL_COLUMNS,
        sqlite_where=text(PARTLY_PAID),
        postgresql_where=text(PARTLY_PAID),
    ),
    # the other sortable columns of the lists
    *(
        Index(f"ix_financial_documents_type_{column}", "document_type", column, "id")
        for column in _SORTABLE_COLUMNS
    ),
)

#: The documents and their sums per kind and status, as rows of signed changes that triggers
#: on ``financial_documents`` append (+1 on insert, -1 on delete, both on a change of kind,
#: status or amount) and that ``upkeep.tidy_database`` folds into one row per pair. A list
#: filtered only by kind and status reads its count and totals here instead of scanning
#: (migration « document tallies », docs/performance.md). Appending takes no lock, so
#: concurrent writers never wait on each other for it.
document_tallies = Table(
    "document_tallies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_type", String(32), nullable=False),
    Column("status", String(32), nullable=False),
    Column("documents", Integer, nullable=False),
    *(Column(name, BigInteger, nullable=False) for name in _TOTAL_COLUMNS),
    Index(None, "document_type", "status"),
)

financial_document_items = entity_table(
    "financial_document_items",
    Column(
        "document_id",
        Uuid,
        ForeignKey("financial_documents.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("position", Integer, nullable=False),
    Column("title", String(255), nullable=False),
    Column("description", Text),
    Column("unit", String(32)),
    *_line_amounts(),
    Column("subtotal_cents", Cents, nullable=False),
    Column("vat_cents", Cents, nullable=False),
    Column("total_cents", Cents, nullable=False),
    Column("sales_order_item_id", Uuid, ForeignKey("sales_order_items.id")),
    Column("product_id", Uuid, ForeignKey("products.id")),
    CheckConstraint("CAST(quantity AS NUMERIC) > 0", name="quantity_positive"),
    Index(None, "document_id"),
    Index(None, "sales_order_item_id"),
)

document_numbers = Table(
    "document_numbers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_type", str_enum(DocumentType, "document_type"), nullable=False),
    Column("number", String(32), nullable=False),
    Column("document_id", Uuid, ForeignKey("financial_documents.id"), nullable=False),
    Column("assigned_at", UTCDateTime, nullable=False),
    UniqueConstraint("document_type", "number"),
)
