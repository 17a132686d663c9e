"""Bank transactions keep the counterparty, the running balance and Qonto attachment ids;
sync runs keep their scope, failed-item count and report.

Revision ID: 94d9645d720c
Revises: dbc6b306f80e
Create Date: 2026-11-24 05:18:38.605078+00:00
"""

import sqlalchemy as sa
from alembic import op

import verone.backoffice.db.types

revision: str = "94d9645d720c"
down_revision: str | None = "dbc6b306f80e"


def upgrade() -> None:
    with op.batch_alter_table("bank_transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counterparty_name", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("counterparty_iban", sa.String(length=34), nullable=True))
        batch_op.add_column(
            sa.Column("settled_balance_cents", verone.backoffice.db.types.Cents(), nullable=True)
        )
        batch_op.add_column(sa.Column("attachment_ids", sa.Text(), nullable=True))
        batch_op.create_index(
            "ix_bank_transactions_account_settled",
            ["bank_account_id", "settled_at"],
            unique=False,
        )

    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scope", sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column("items_failed", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("report", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.drop_column("report")
        batch_op.drop_column("items_failed")
        batch_op.drop_column("scope")

    with op.batch_alter_table("bank_transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_bank_transactions_account_settled")
        batch_op.drop_column("attachment_ids")
        batch_op.drop_column("settled_balance_cents")
        batch_op.drop_column("counterparty_iban")
        batch_op.drop_column("counterparty_name")
