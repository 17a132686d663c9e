"""Indexes of the document lists: the default order with and without a status filter, and on
PostgreSQL trigram indexes for the search by number or customer (docs/performance.md).

Revision ID: 7d3c1f0a2b64
Revises: c25dc3127130
Create Date: 2026-12-02 06:12:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7d3c1f0a2b64"
down_revision: str | None = "c25dc3127130"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRIGRAMS = {
    "ix_financial_documents_number_trgm": "number",
    "ix_financial_documents_customer_name_trgm": "customer_name",
}


def upgrade() -> None:
    with op.batch_alter_table("financial_documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_financial_documents_type_created",
            ["document_type", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_financial_documents_type_status_created",
            ["document_type", "status", "created_at", "id"],
            unique=False,
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in _TRIGRAMS.items():
            op.execute(
                f"CREATE INDEX {name} ON financial_documents "
                f"USING gin (lower({column}) gin_trgm_ops)"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in _TRIGRAMS:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table("financial_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_financial_documents_type_status_created")
        batch_op.drop_index("ix_financial_documents_type_created")
