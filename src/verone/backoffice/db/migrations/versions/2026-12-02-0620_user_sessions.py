"""Revocable interactive sessions: one row per login, with idle and absolute timeouts.

Revision ID: c3f1a8e2d7b4
Revises: 7d3c1f0a2b64
Create Date: 2026-12-02 05:50:00+00:00
"""

import sqlalchemy as sa
from alembic import op

import verone.backoffice.db.types

revision: str = "c3f1a8e2d7b4"
down_revision: str | None = "7d3c1f0a2b64"


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", verone.backoffice.db.types.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", verone.backoffice.db.types.UTCDateTime(), nullable=False),
        sa.Column("expires_at", verone.backoffice.db.types.UTCDateTime(), nullable=False),
        sa.Column("revoked_at", verone.backoffice.db.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_user_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))
    op.drop_table("user_sessions")
