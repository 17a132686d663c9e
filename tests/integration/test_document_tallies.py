"""The document tallies (migration « document tallies »): a list filtered by kind and status
only counts and sums from them, and they follow every write, folded or not."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import Connection, func, select, text

from tests.integration.conftest import Database
from tests.integration.test_documents_repository import load, save, user_id  # noqa: F401
from tests.unit.domain.factories import NOW, finalize, make_document, make_item, make_user
from verone.backoffice.db.session import make_session_factory
from verone.backoffice.db.tables import document_tallies, financial_documents, users
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.db.upkeep import fold_document_tallies, tidy_database
from verone.backoffice.domain.queries import DocumentFilter, DocumentTotals, PageRequest
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.money import from_cents

D = financial_documents.c
INVOICE, QUOTE = DocumentType.INVOICE, DocumentType.QUOTE
DRAFT, FINALIZED, PAID = DocumentStatus.DRAFT, DocumentStatus.FINALIZED, DocumentStatus.PAID
TALLIED_FILTERS = [
    DocumentFilter(),
    DocumentFilter(document_type=INVOICE),
    DocumentFilter(document_type=QUOTE),
    DocumentFilter(document_type=INVOICE, statuses=frozenset({DRAFT})),
    DocumentFilter(document_type=INVOICE, statuses=frozenset({FINALIZED, PAID})),
    DocumentFilter(statuses=frozenset({DocumentStatus.CANCELLED})),
]


def scanned(connection: Connection, criteria: DocumentFilter) -> DocumentTotals:
    """The same figures from the documents themselves."""
    where = []
    if criteria.document_type is not None:
        where.append(D.document_type == criteria.document_type)
    if criteria.statuses:
        where.append(D.status.in_(sorted(criteria.statuses)))
    row = connection.execute(
        text(
            "SELECT count(*), coalesce(sum(total_ht_cents), 0), "
            "coalesce(sum(total_amount_cents), 0), "
            "coalesce(sum(total_amount_cents - amount_paid_cents), 0) FROM financial_documents"
        )
        if not where
        else select(
            func.count(),
            func.coalesce(func.sum(text("total_ht_cents")), 0),
            func.coalesce(func.sum(text("total_amount_cents")), 0),
            func.coalesce(func.sum(text("total_amount_cents - amount_paid_cents")), 0),
        )
        .select_from(financial_documents)
        .where(*where)
    ).one()
    return DocumentTotals(int(row[0]), *(from_cents(int(value)) for value in row[1:]))


def assert_tallies_match(uow: SqlAlchemyUnitOfWork, connection: Connection) -> None:
    with uow:
        for criteria in TALLIED_FILTERS:
            expected = scanned(connection, criteria)
            assert uow.documents.totals(criteria) == expected, criteria
            assert uow.documents.list(criteria, PageRequest(1, 5)).total == expected.count


def tally_rows(connection: Connection) -> int:
    return int(connection.scalar(select(func.count()).select_from(document_tallies)) or 0)


def test_the_tallies_follow_every_write(
    uow: SqlAlchemyUnitOfWork,
    connection: Connection,
    user_id: uuid.UUID,  # noqa: F811
) -> None:
    before = tally_rows(connection)
    kept = make_document(user_id, items=[make_item("Tissu", unit_price="120.00")])
    paid = make_document(user_id, items=[make_item("Pose", unit_price="1000.01")])
    partly = make_document(user_id, items=[make_item("Rideau", unit_price="333.33")])
    dropped = make_document(user_id)
    quote = make_document(user_id, document_type=QUOTE)
    for document in (kept, paid, partly, dropped, quote):
        save(uow, document)
    assert_tallies_match(uow, connection)

    for sequence, document in enumerate((paid, partly), start=1):
        finalize(document, user_id, sequence)
        save(uow, document)
    paid.mark_paid(NOW)
    partly.record_allocated(Decimal("100.00"))
    kept.replace_items([make_item("Tissu", quantity="3", unit_price="99.99")])
    for document in (paid, partly, kept):
        save(uow, document)
    with uow:
        uow.documents.delete(uow.documents.get(dropped.id) or dropped)
        uow.commit()
    assert_tallies_match(uow, connection)
    assert tally_rows(connection) > before  # rows of changes, not yet folded

    fold_document_tallies(connection)
    assert_tallies_match(uow, connection)
    pairs = connection.execute(
        select(func.count()).select_from(select(D.document_type, D.status).distinct().subquery())
    ).scalar()
    assert tally_rows(connection) == pairs  # one row per kind and status left

    save(uow, make_document(user_id))  # changes after a fold add to it
    assert_tallies_match(uow, connection)


def test_a_filter_beyond_kind_and_status_counts_the_documents(
    uow: SqlAlchemyUnitOfWork,
    connection: Connection,
    user_id: uuid.UUID,  # noqa: F811
) -> None:
    save(uow, make_document(user_id, customer_name="Maison Tally"))
    connection.execute(document_tallies.delete())  # the tallies now say nothing is there
    with uow:
        assert uow.documents.list(DocumentFilter(search="tally"), PageRequest(1, 5)).total == 1
        assert uow.documents.totals(DocumentFilter(search="tally")).count == 1
        assert uow.documents.totals(DocumentFilter()).count == 0  # read from the tallies


def raw_document(user: uuid.UUID, kind: str = "invoice", cents: int = 12_000) -> dict[str, object]:
    """A draft row as a bulk import writes it, without the ORM."""
    return {
        "id": uuid.uuid4(), "document_type": kind, "status": "draft", "origin": "service",
        "customer_name": "Maison Tally", "currency": "EUR",
        "total_ht_cents": from_cents(cents * 5 // 6), "total_vat_cents": from_cents(cents // 6),
        "total_amount_cents": from_cents(cents), "amount_paid_cents": from_cents(0),
        "created_by": user, "created_at": NOW, "version": 1,
    }  # fmt: skip


@pytest.mark.postgres
def test_writers_do_not_wait_on_each_other_for_the_tallies(postgres_database: Database) -> None:
    """Each write appends its own rows: a second writer commits while the first is open
    (a shared counter row would make it wait for the first one's commit)."""
    factory = make_session_factory(postgres_database.engine)
    first, second = SqlAlchemyUnitOfWork(factory), SqlAlchemyUnitOfWork(factory)
    user = make_user()
    with first:
        first.users.add(user)
        first.commit()
    documents = [make_document(user.id), make_document(user.id)]
    with first:
        first.documents.add(documents[0])
        first.flush()  # its row and its tally row are written, not committed
        with second:
            second.session.execute(text("SET LOCAL lock_timeout = '2s'"))
            second.documents.add(documents[1])
            second.commit()  # would raise LockNotAvailable after 2 s if it waited
        first.commit()
    with postgres_database.engine.begin() as cleanup:
        ids = [document.id for document in documents]
        cleanup.execute(financial_documents.delete().where(D.id.in_(ids)))
        cleanup.execute(users.delete().where(users.c.id == user.id))
        fold_document_tallies(cleanup)
        assert cleanup.scalar(select(func.sum(document_tallies.c.documents))) in (None, 0)


@pytest.mark.postgres
def test_tidying_vacuums_the_folded_rows_on_postgresql(postgres_database: Database) -> None:
    """A fold leaves one dead row version per change; the tidying vacuums them away at
    once, so reading a tally does not step over them until autovacuum comes by."""
    tidy_database(postgres_database.engine)
    with postgres_database.engine.connect() as connection:
        vacuumed = connection.scalar(
            text(
                "SELECT last_vacuum FROM pg_stat_user_tables "
                "WHERE relname = 'document_tallies' AND schemaname = current_schema()"
            )
        )
    assert vacuumed is not None
