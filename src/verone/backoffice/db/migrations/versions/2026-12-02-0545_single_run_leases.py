"""Single-run leases: one sync per account (and one document sync) at a time, held as a row
with an expiry instead of a transaction left open across Qonto calls.

Revision ID: c25dc3127130
Revises: 5b1e0c7a9d42
Create Date: 2026-12-02 05:08:36.420321+00:00
"""

import sqlalchemy as sa
from alembic import op

import verone.backoffice.db.types

revision: str = "c25dc3127130"
down_revision: str | None = "5b1e0c7a9d42"


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("expires_at", verone.backoffice.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )


def downgrade() -> None:
    op.drop_table("leases")
