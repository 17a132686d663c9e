"""SQLite's planner statistics: the server refreshes them at start and every hour, and with
them a search reads the trigram table instead of walking every document of the kind."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import Engine, event, insert, text
from starlette.testclient import TestClient

from tests.unit.domain.factories import make_user
from verone.backoffice.app import create_app
from verone.backoffice.bootstrap import SystemClock, build_container
from verone.backoffice.config import Settings
from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.session import (
    make_engine,
    make_session_factory,
    refresh_planner_statistics,
)
from verone.backoffice.db.tables import financial_documents
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain.queries import DocumentFilter, PageRequest
from verone.backoffice.domain.statuses import DocumentType
from verone.backoffice.jobs import housekeeping_job
from verone.backoffice.services.auth import Housekept
from verone.money import from_cents

DOCUMENTS = 3_000


@dataclass
class Filled:
    engine: Engine

    def unit_of_work(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(make_session_factory(self.engine))  # maps the models


@pytest.fixture
def filled(tmp_path: Path) -> Iterator[Filled]:
    url = f"sqlite:///{tmp_path / 'planner.sqlite3'}"
    upgrade_database(url)
    engine = make_engine(url)
    world = Filled(engine)
    uow = world.unit_of_work()
    user = make_user()
    with uow:
        uow.users.add(user)
        uow.commit()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        {
            "id": uuid.uuid4(), "document_type": "invoice", "status": "finalized",
            "origin": "service", "number": f"F-2026-{n + 1:06d}", "customer_name": f"Maison {n}",
            "currency": "EUR", "total_ht_cents": from_cents(1_000),
            "total_vat_cents": from_cents(200), "total_amount_cents": from_cents(1_200),
            "amount_paid_cents": from_cents(0),
            "issue_date": start.date(), "due_date": start.date(), "created_by": user.id,
            "created_at": start + timedelta(minutes=n), "version": 1,
        }
        for n in range(DOCUMENTS)
    ]  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(financial_documents), rows)
    yield world
    engine.dispose()


def _plans(
    world: Filled, criteria: DocumentFilter, page: PageRequest, only: str = "SELECT"
) -> tuple[list[str], str]:
    """One list page's numbers, and the query plans of the page and its totals (the
    statements that contain ``only``)."""
    statements: list[tuple[str, Any]] = []

    def record(_c: object, _cur: object, statement: str, parameters: Any, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and only in statement:
            statements.append((statement, parameters))

    event.listen(world.engine, "before_cursor_execute", record)
    try:
        with world.unit_of_work() as uow:
            uow.documents.totals(criteria)  # its plan is checked too
            found = uow.documents.list(criteria, page)
    finally:
        event.remove(world.engine, "before_cursor_execute", record)
    raw = world.engine.raw_connection()
    try:
        return [str(d.number) for d in found.items], "\n".join(
            str(row[-1])
            for statement, parameters in statements
            for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
        )
    finally:
        raw.close()


def _statistics_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        present = connection.execute(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        ).scalar()
        if not present:
            return 0
        return int(
            connection.execute(
                text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'financial_documents'")
            ).scalar()
            or 0
        )


def test_with_statistics_a_search_reads_the_trigram_table_not_the_whole_kind(
    filled: Filled,
) -> None:
    criteria = DocumentFilter(document_type=DocumentType.INVOICE, search="F-2026-000042")
    numbers, without = _plans(filled, criteria, PageRequest())
    assert numbers == ["F-2026-000042"]
    assert "INTEGER PRIMARY KEY" not in without  # every invoice's index entry, one by one
    assert "ix_financial_documents_type" in without

    refresh_planner_statistics(filled.engine)

    assert _statistics_rows(filled.engine) > 0
    numbers, with_them = _plans(filled, criteria, PageRequest())
    assert numbers == ["F-2026-000042"]
    assert "SEARCH financial_documents USING INTEGER PRIMARY KEY (rowid=?)" in with_them
    assert "ix_financial_documents_type" not in with_them


@pytest.mark.parametrize("descending", [True, False])
def test_a_middle_page_is_read_from_one_index_walk_without_a_sort(
    filled: Filled, descending: bool
) -> None:
    """Ties are broken by id in the sort's own direction, so the index on (kind, created_at,
    id) gives the order as it is: no sort of every row before the page's offset."""
    criteria = DocumentFilter(document_type=DocumentType.INVOICE, descending=descending)
    refresh_planner_statistics(filled.engine)
    page = PageRequest(page=50, per_page=25)
    numbers, plan = _plans(filled, criteria, page, only="OFFSET")  # the page's ids
    first = DOCUMENTS - 49 * 25 if descending else 49 * 25 + 1
    step = -1 if descending else 1
    assert numbers == [f"F-2026-{first + step * n:06d}" for n in range(25)]
    assert "ix_financial_documents_type_created" in plan
    assert "TEMP B-TREE" not in plan


def test_the_hourly_housekeeping_refreshes_them(filled: Filled) -> None:
    assert _statistics_rows(filled.engine) == 0

    @dataclass
    class Context(Filled):
        clock: SystemClock

    result = housekeeping_job(Context(filled.engine, SystemClock()))  # type: ignore[arg-type]

    assert isinstance(result, Housekept)
    assert _statistics_rows(filled.engine) > 0


def test_the_server_refreshes_them_at_start(filled: Filled, tmp_path: Path) -> None:
    settings = Settings(
        environment="embedded", database_url=str(filled.engine.url), var_dir=tmp_path / "var",
        secret_key=SecretStr("planner-" + "k" * 60), jobs_enabled=False, demo_data=False,
    )  # fmt: skip
    assert _statistics_rows(filled.engine) == 0
    with build_container(settings) as container, TestClient(create_app(container)) as http:
        assert http.get("/connexion").status_code == 200
    assert _statistics_rows(filled.engine) > 0


def test_partly_paid_documents_are_read_from_their_partial_index(filled: Filled) -> None:
    """« Partiellement payées »: the count, the page and the totals read the few documents
    paid in part from their own index, not every finalized invoice."""
    with filled.engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE financial_documents SET amount_paid_cents = 500 "
                "WHERE number IN ('F-2026-000010', 'F-2026-000020', 'F-2026-000030')"
            )
        )
    refresh_planner_statistics(filled.engine)
    criteria = DocumentFilter(document_type=DocumentType.INVOICE, partly_paid=True)
    numbers, plan = _plans(filled, criteria, PageRequest())
    assert numbers == ["F-2026-000030", "F-2026-000020", "F-2026-000010"]
    assert plan.count("ix_financial_documents_partly_paid") == 3  # count, page's ids, totals
    assert "ix_financial_documents_type_status" not in plan


def test_a_kind_and_its_statuses_are_counted_from_the_tallies(filled: Filled) -> None:
    refresh_planner_statistics(filled.engine)
    criteria = DocumentFilter(document_type=DocumentType.INVOICE)
    numbers, plan = _plans(filled, criteria, PageRequest(), only="document_tallies")
    assert len(numbers) == 25
    assert plan.count("SEARCH document_tallies USING INDEX") == 2  # the count, the totals
    assert "financial_documents" not in plan
    with filled.unit_of_work() as uow:
        assert uow.documents.totals(criteria).count == DOCUMENTS
