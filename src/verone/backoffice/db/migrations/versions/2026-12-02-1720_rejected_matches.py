"""Rejected reconciliation pairs: a (bank transaction, invoice) pair a person said does not
match, with who rejected it and when; never proposed again until restored (docs/sync.md).

Revision ID: 4a7c9e1b3d58
Revises: 5d7c1e9a3b42
Create Date: 2026-12-02 17:20:00.000000+00:00
"""

import sqlalchemy as sa
from alembic import op

import verone.backoffice.db.types

revision: str = "4a7c9e1b3d58"
down_revision: str | None = "5d7c1e9a3b42"


def upgrade() -> None:
    op.create_table(
        "rejected_matches",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("transaction_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("rejected_by", sa.Uuid(), nullable=False),
        sa.Column("rejected_at", verone.backoffice.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["financial_documents.id"],
            name=op.f("fk_rejected_matches_document_id_financial_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["rejected_by"], ["users.id"], name=op.f("fk_rejected_matches_rejected_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["bank_transactions.id"],
            name=op.f("fk_rejected_matches_transaction_id_bank_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rejected_matches")),
        sa.UniqueConstraint(
            "transaction_id",
            "document_id",
            name=op.f("uq_rejected_matches_transaction_id_document_id"),
        ),
    )
    with op.batch_alter_table("rejected_matches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rejected_matches_document_id"), ["document_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rejected_matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rejected_matches_document_id"))
    op.drop_table("rejected_matches")
