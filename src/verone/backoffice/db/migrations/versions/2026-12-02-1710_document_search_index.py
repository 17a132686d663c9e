"""The document lists' search (a number or a customer's name, any part of it) read from an
index instead of a scan (docs/performance.md, « Search »).

SQLite: an FTS5 table with the trigram tokenizer over ``financial_documents`` (external
content, kept by triggers). PostgreSQL: ``pg_trgm`` GIN indexes on ``lower(number)`` and
``lower(customer_name)``, which serve the ``LIKE '%…%'`` the lists already run.

Revision ID: 5d7c1e9a3b42
Revises: 9e4b2d6c8a10
Create Date: 2026-12-02 17:10:00.000000+00:00
"""

import logging

import sqlalchemy as sa
from alembic import op

revision: str = "5d7c1e9a3b42"
down_revision: str | None = "9e4b2d6c8a10"

SEARCH = "financial_documents_search"
_COLUMNS = ("number", "customer_name")
_SQLITE = [  # the table, its triggers, then its first filling
    "CREATE VIRTUAL TABLE financial_documents_search USING fts5(number, customer_name, "
    "content='financial_documents', tokenize='trigram')",
    "CREATE TRIGGER financial_documents_search_insert AFTER INSERT ON financial_documents "
    "BEGIN INSERT INTO financial_documents_search(rowid, number, customer_name) "
    "VALUES (new.rowid, new.number, new.customer_name); END",
    "CREATE TRIGGER financial_documents_search_delete AFTER DELETE ON financial_documents "
    "BEGIN INSERT INTO financial_documents_search"
    "(financial_documents_search, rowid, number, customer_name) "
    "VALUES ('delete', old.rowid, old.number, old.customer_name); END",
    "CREATE TRIGGER financial_documents_search_update "
    "AFTER UPDATE OF number, customer_name ON financial_documents "
    "BEGIN INSERT INTO financial_documents_search"
    "(financial_documents_search, rowid, number, customer_name) "
    "VALUES ('delete', old.rowid, old.number, old.customer_name); "
    "INSERT INTO financial_documents_search(rowid, number, customer_name) "
    "VALUES (new.rowid, new.number, new.customer_name); END",
    "INSERT INTO financial_documents_search(financial_documents_search) VALUES ('rebuild')",
]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for statement in _SQLITE:
            op.execute(statement)
        return
    schema = _trigram_schema(bind)
    if schema is None:
        return  # the search stays a scan (docs/performance.md, « Search »)
    for column in _COLUMNS:
        op.execute(
            f"CREATE INDEX ix_financial_documents_search_{column} ON financial_documents "
            f'USING gin (lower({column}) "{schema}".gin_trgm_ops)'
        )


def _trigram_schema(bind: sa.Connection) -> str | None:
    """Where ``pg_trgm`` lives, installed in ``public`` when it is not yet: an extension is
    per database, so one created in a schema of its own would go with that schema. A role
    that may not install it (a savepoint keeps the migration going) gets no index."""
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
    except sa.exc.DBAPIError as exc:
        logging.getLogger("alembic.runtime.migration").warning(
            "pg_trgm not installed (%s): the document search stays a scan", exc.orig
        )
    schema = bind.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
            "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
        )
    ).scalar_one_or_none()
    return None if schema is None else str(schema)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("update", "delete", "insert"):
            op.execute(f"DROP TRIGGER {SEARCH}_{name}")
        op.execute(f"DROP TABLE {SEARCH}")
        return
    for column in reversed(_COLUMNS):
        op.execute(f"DROP INDEX IF EXISTS ix_financial_documents_search_{column}")
