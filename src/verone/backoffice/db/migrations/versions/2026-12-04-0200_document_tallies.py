"""Document tallies: the count and sums of documents per kind and status, kept by triggers as
rows of signed changes, so that a list filtered only by kind and status counts and totals
without a scan (docs/performance.md, « Counts and totals »).

Revision ID: 7b2e5c8d1f63
Revises: 4a7c9e1b3d58
Create Date: 2026-12-04 02:00:00.000000+00:00
"""

import sqlalchemy as sa
from alembic import op

revision: str = "7b2e5c8d1f63"
down_revision: str | None = "4a7c9e1b3d58"

_SUMS = ("total_amount_cents", "amount_paid_cents", "total_ht_cents")
_TRACKED = ("document_type", "status", *_SUMS)  # what a change must touch to move a tally
_COLUMNS = ", ".join(("document_type", "status", "documents", *_SUMS))


def _change(row: str, sign: str) -> str:
    """One tally row: ``row`` (``new`` or ``old``) counted with ``sign``."""
    sums = ", ".join(f"{sign}{row}.{name}" for name in _SUMS)
    return (
        f"INSERT INTO document_tallies ({_COLUMNS}) "  # noqa: S608  # this module's names only
        f"VALUES ({row}.document_type, {row}.status, {sign}1, {sums});"
    )


_CHANGED = " OR ".join(f"old.{name} IS NOT new.{name}" for name in _TRACKED)
_CHANGED_PG = _CHANGED.replace(" IS NOT ", " IS DISTINCT FROM ")
_OF = ", ".join(_TRACKED)

_SQLITE = [
    "CREATE TRIGGER financial_documents_tally_insert AFTER INSERT ON financial_documents "
    f"BEGIN {_change('new', '+')} END",
    "CREATE TRIGGER financial_documents_tally_delete AFTER DELETE ON financial_documents "
    f"BEGIN {_change('old', '-')} END",
    f"CREATE TRIGGER financial_documents_tally_update AFTER UPDATE OF {_OF} "
    f"ON financial_documents WHEN {_CHANGED} "
    f"BEGIN {_change('old', '-')} {_change('new', '+')} END",
]

_POSTGRESQL = [
    "CREATE FUNCTION tally_financial_documents() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP <> 'INSERT' THEN {_change('OLD', '-')} END IF; "
    f"IF TG_OP <> 'DELETE' THEN {_change('NEW', '+')} END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER financial_documents_tally AFTER INSERT OR DELETE ON financial_documents "
    "FOR EACH ROW EXECUTE FUNCTION tally_financial_documents()",
    f"CREATE TRIGGER financial_documents_tally_update AFTER UPDATE OF {_OF} "
    f"ON financial_documents FOR EACH ROW WHEN ({_CHANGED_PG}) "
    "EXECUTE FUNCTION tally_financial_documents()",
]


def upgrade() -> None:
    op.create_table(
        "document_tallies",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in _SUMS),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_tallies")),
    )
    op.create_index(
        op.f("ix_document_tallies_document_type"),
        "document_tallies",
        ["document_type", "status"],
        unique=False,
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _SQLITE if sqlite else _POSTGRESQL:
        op.execute(statement)
    sums = ", ".join(f"sum({name})" for name in _SUMS)
    op.execute(  # what is already there, one row per kind and status
        f"INSERT INTO document_tallies ({_COLUMNS}) SELECT"  # noqa: S608  # constant names
        f" document_type, status, count(*), "
        f"{sums} FROM financial_documents GROUP BY document_type, status"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER financial_documents_tally_{name}")
    else:
        op.execute("DROP TRIGGER financial_documents_tally ON financial_documents")
        op.execute("DROP TRIGGER financial_documents_tally_update ON financial_documents")
        op.execute("DROP FUNCTION tally_financial_documents()")
    op.drop_index(op.f("ix_document_tallies_document_type"), table_name="document_tallies")
    op.drop_table("document_tallies")
