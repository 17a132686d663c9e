"""Indexes of the document lists: the default order with and without a status filter
(docs/performance.md).

Revision ID: 7d3c1f0a2b64
Revises: c25dc3127130
Create Date: 2026-12-02 06:12:00.000000+00:00
"""

from alembic import op

revision: str = "7d3c1f0a2b64"
down_revision: str | None = "c25dc3127130"


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


def downgrade() -> None:
    with op.batch_alter_table("financial_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_financial_documents_type_status_created")
        batch_op.drop_index("ix_financial_documents_type_created")
