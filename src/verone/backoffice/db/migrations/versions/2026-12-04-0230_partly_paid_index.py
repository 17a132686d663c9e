"""« Partiellement payées » read from a partial index of the few finalized documents paid in
part (their list order and totals), instead of every finalized document (docs/performance.md).

Revision ID: 3c8f1a6e9d27
Revises: 7b2e5c8d1f63
Create Date: 2026-12-04 02:30:00.000000+00:00
"""

import sqlalchemy as sa
from alembic import op

revision: str = "3c8f1a6e9d27"
down_revision: str | None = "7b2e5c8d1f63"

_PARTLY_PAID = "status = 'finalized' AND amount_paid_cents > 0"


def upgrade() -> None:
    op.create_index(
        "ix_financial_documents_partly_paid",
        "financial_documents",
        [
            "document_type",
            "status",
            "created_at",
            "id",
            "total_amount_cents",
            "amount_paid_cents",
            "total_ht_cents",
        ],
        unique=False,
        sqlite_where=sa.text(_PARTLY_PAID),
        postgresql_where=sa.text(_PARTLY_PAID),
    )


def downgrade() -> None:
    op.drop_index("ix_financial_documents_partly_paid", table_name="financial_documents")
