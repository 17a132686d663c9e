"""Indexes of the document lists' totals (per kind and status, per customer) and of their
sortable columns (docs/performance.md).

Revision ID: 9e4b2d6c8a10
Revises: c3f1a8e2d7b4
Create Date: 2026-12-02 12:10:00.000000+00:00
"""

from alembic import op

revision: str = "9e4b2d6c8a10"
down_revision: str | None = "c3f1a8e2d7b4"

_TOTALS = ["total_amount_cents", "amount_paid_cents", "total_ht_cents"]
_SORTABLE = ["issue_date", "due_date", "number", "customer_name"]


def upgrade() -> None:
    with op.batch_alter_table("financial_documents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_financial_documents_totals",
            ["document_type", "status", "due_date", *_TOTALS],
            unique=False,
        )
        batch_op.create_index(
            "ix_financial_documents_customer_totals",
            ["customer_id", "document_type", "status", *_TOTALS],
            unique=False,
        )
        batch_op.create_index(
            "ix_financial_documents_type_amount",
            ["document_type", *_TOTALS, "created_at", "id"],
            unique=False,
        )
        for column in _SORTABLE:
            batch_op.create_index(
                f"ix_financial_documents_type_{column}",
                ["document_type", column, "id"],
                unique=False,
            )


def downgrade() -> None:
    with op.batch_alter_table("financial_documents", schema=None) as batch_op:
        for column in reversed(_SORTABLE):
            batch_op.drop_index(f"ix_financial_documents_type_{column}")
        batch_op.drop_index("ix_financial_documents_type_amount")
        batch_op.drop_index("ix_financial_documents_customer_totals")
        batch_op.drop_index("ix_financial_documents_totals")
