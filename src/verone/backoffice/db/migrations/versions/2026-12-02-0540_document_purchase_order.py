"""Invoices keep the customer's purchase-order reference (printed on the invoice).

Revision ID: 5b1e0c7a9d42
Revises: 94d9645d720c
Create Date: 2026-12-02 05:40:00+00:00
"""

import sqlalchemy as sa
from alembic import op

revision: str = "5b1e0c7a9d42"
down_revision: str | None = "94d9645d720c"


def upgrade() -> None:
    with op.batch_alter_table("financial_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purchase_order", sa.String(length=120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("financial_documents", schema=None) as batch_op:
        batch_op.drop_column("purchase_order")
