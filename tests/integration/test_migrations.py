"""Migrations on both databases: upgrade, no drift (alembic check), downgrade to nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert, inspect, select, text

from tests.integration.databases import postgres_url, with_search_path
from tests.integration.test_document_tallies import raw_document
from tests.unit.domain.factories import NOW, make_user
from verone.backoffice.db.migrate import check_database, downgrade_database, upgrade_database
from verone.backoffice.db.session import make_engine
from verone.backoffice.db.tables import (
    SEARCH_INDEX_PREFIXES,
    document_tallies,
    financial_documents,
    metadata,
    users,
)

EXPECTED_TABLES = {
    "users",
    "api_tokens",
    "user_sessions",
    "customers",
    "products",
    "sales_orders",
    "sales_order_items",
    "financial_documents",
    "financial_document_items",
    "document_numbers",
    "audit_log",
    "outbox",
    "emails",
    "bank_accounts",
    "bank_transactions",
    "payment_allocations",
    "rejected_matches",
    "document_tallies",
    "sync_runs",
    "sync_cursors",
    "webhook_events",
    "rate_budget",
    "leases",
}


@pytest.fixture(
    params=[pytest.param("sqlite"), pytest.param("postgres", marks=pytest.mark.postgres)]
)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    schema = f"verone_mig_{uuid.uuid4().hex[:10]}"
    admin = make_engine(postgres_url())
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_search_path(postgres_url(), schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def table_names(url: str) -> set[str]:
    """The modelled tables: the search index's own (SQLite's FTS5 table) are left out."""
    engine = make_engine(url)
    try:
        names = set(inspect(engine).get_table_names()) - {"alembic_version"}
        return {name for name in names if not name.startswith(SEARCH_INDEX_PREFIXES)}
    finally:
        engine.dispose()


def test_metadata_has_every_table() -> None:
    assert set(metadata.tables) == EXPECTED_TABLES


def test_upgrade_check_downgrade_upgrade(empty_database: str) -> None:
    upgrade_database(empty_database)
    assert table_names(empty_database) == EXPECTED_TABLES
    check_database(empty_database)  # raises if the models and the schema differ
    downgrade_database(empty_database)
    assert table_names(empty_database) == set()
    upgrade_database(empty_database)
    check_database(empty_database)
    assert table_names(empty_database) == EXPECTED_TABLES


def test_the_tallies_start_from_the_documents_already_there(empty_database: str) -> None:
    """Upgrading a database that holds documents gives its tallies what is there."""
    upgrade_database(empty_database, "4a7c9e1b3d58")  # the revision before the tallies
    user = make_user()
    engine = make_engine(empty_database)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(users),
                [{"id": user.id, "email": user.email, "display_name": user.display_name,
                  "role": user.role, "password_hash": "x", "active": True, "created_at": NOW}],
            )  # fmt: skip
            rows = [raw_document(user.id), raw_document(user.id, cents=30_000)]
            connection.execute(insert(financial_documents), [*rows, raw_document(user.id, "quote")])
        upgrade_database(empty_database)
        with engine.connect() as connection:
            tallies = connection.execute(
                select(
                    document_tallies.c.document_type, document_tallies.c.status,
                    document_tallies.c.documents, document_tallies.c.total_amount_cents,
                ).order_by(document_tallies.c.document_type)
            ).all()  # fmt: skip
    finally:
        engine.dispose()
    assert [tuple(row) for row in tallies] == [
        ("invoice", "draft", 2, 42_000),
        ("quote", "draft", 1, 12_000),
    ]
