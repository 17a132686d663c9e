"""What the database wants at start and every hour (docs/performance.md): the document
tallies folded, and fresh planner statistics on SQLite."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, FromClause, Insert, delete, func, insert, select

from verone.backoffice.db.session import refresh_planner_statistics
from verone.backoffice.db.tables import document_tallies

T = document_tallies
_SUMMED = ("documents", "total_amount_cents", "amount_paid_cents", "total_ht_cents")


def tidy_database(engine: Engine) -> None:
    """The tallies folded (then vacuumed on PostgreSQL), the planner statistics refreshed."""
    with engine.begin() as connection:
        fold_document_tallies(connection)
    if engine.dialect.name == "postgresql":
        # the folded rows' dead versions, which every read of a tally would otherwise step
        # over until autovacuum comes by (VACUUM cannot run inside a transaction)
        with engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM (ANALYZE) document_tallies"
            )
    refresh_planner_statistics(engine)


def _folded(rows: FromClause) -> Insert:
    """One tally row per kind and status of ``rows`` (none where no document is left)."""
    per_pair = (rows.c.document_type, rows.c.status)
    summed = select(*per_pair, *(func.sum(rows.c[name]) for name in _SUMMED))
    return insert(T).from_select(
        ["document_type", "status", *_SUMMED],
        summed.group_by(*per_pair).having(func.sum(rows.c.documents) != 0),
    )


def fold_document_tallies(connection: Connection) -> None:
    """Replace the tallies' rows of changes by one row per kind and status, so that reading
    a tally stays a few rows whatever the writes since.

    PostgreSQL folds in one statement, on one snapshot: a change committed meanwhile is
    neither summed nor deleted. SQLite's writers take turns, so the two statements of one
    write transaction see the same rows.
    """
    if connection.dialect.name == "postgresql":
        gone = delete(T).returning(*T.c).cte("gone")
        connection.execute(_folded(gone))
        return
    last = connection.scalar(select(func.max(T.c.id)))
    if last is not None:
        connection.execute(_folded(select(T).where(T.c.id <= last).subquery()))
        connection.execute(delete(T).where(T.c.id <= last))
