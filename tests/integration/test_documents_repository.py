"""Documents in the database: exact round trips, constraints, finalization, listing."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Connection, Uuid, bindparam, insert, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from tests.unit.domain.factories import (
    NOW,
    finalize,
    make_customer,
    make_document,
    make_item,
    make_user,
)
from verone.backoffice.db.tables import financial_document_items, financial_documents
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain import errors
from verone.backoffice.domain.credit_notes import draft_credit_note
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.numbering import check_numbering
from verone.backoffice.domain.queries import DocumentFilter, DocumentSort, PageRequest
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.money import DiscountKind


@pytest.fixture
def user_id(uow: SqlAlchemyUnitOfWork) -> uuid.UUID:
    user = make_user()
    with uow:
        uow.users.add(user)
        uow.commit()
    return user.id


def save(uow: SqlAlchemyUnitOfWork, document: FinancialDocument) -> None:
    with uow:
        uow.documents.add(document)
        uow.commit()


def load(uow: SqlAlchemyUnitOfWork, document_id: uuid.UUID) -> FinancialDocument:
    with uow:
        document = uow.documents.get(document_id)
        assert document is not None
        return document


class TestRoundTrip:
    def test_exact_money_and_quantities(
        self, uow: SqlAlchemyUnitOfWork, user_id: uuid.UUID
    ) -> None:
        doc = make_document(
            user_id,
            items=[
                make_item("Tissu", quantity="2.125", unit_price="13.3333", vat_rate="0.055"),
                make_item("Pose", quantity="0.5", unit_price="1000000.01", vat_rate="0.2"),
            ],
        )
        doc.set_discount(DiscountKind.PERCENTAGE, Decimal("0.075"))
        save(uow, doc)
        loaded = load(uow, doc.id)
        assert loaded is not doc
        assert [(i.quantity, i.unit_price, i.vat_rate) for i in loaded.items] == [
            (Decimal("2.125"), Decimal("13.3333"), Decimal("0.055")),
            (Decimal("0.5"), Decimal("1000000.01"), Decimal("0.2")),
        ]
        assert (loaded.total_ht, loaded.total_vat, loaded.total_amount) == (
            doc.total_ht,
            doc.total_vat,
            doc.total_amount,
        )
        assert loaded.discount_value == Decimal("0.075")
        assert loaded.discount_kind is DiscountKind.PERCENTAGE
        assert loaded.status is DocumentStatus.DRAFT
        assert loaded.created_at == NOW
        assert loaded.version == 1

    def test_totals_are_stored_in_cents(
        self, uow: SqlAlchemyUnitOfWork, user_id: uuid.UUID, connection: Connection
    ) -> None:
        doc = make_document(user_id)
        save(uow, doc)
        query = text(
            "SELECT total_amount_cents, total_vat_cents FROM financial_documents WHERE id = :id"
        ).bindparams(bindparam("id", type_=Uuid))
        assert tuple(connection.execute(query, {"id": doc.id}).one()) == (863_76, 143_96)

    def test_sub_cent_amounts_are_refused(
        self, uow: SqlAlchemyUnitOfWork, user_id: uuid.UUID
    ) -> None:
        doc = make_document(user_id)
        doc.amount_paid = Decimal("1.001")
        with uow:
            uow.documents.add(doc)
            with pytest.raises(StatementError, match="whole number of cents"):
                uow.commit()

    def test_naive_datetimes_are_refused(
        self, uow: SqlAlchemyUnitOfWork, user_id: uuid.UUID
    ) -> None:
        doc = make_document(user_id)
        doc.updated_at = NOW.replace(tzinfo=None)
        with uow:
            uow.documents.add(doc)
            with pytest.raises(StatementError, match="naive"):
                uow.commit()

    def test_items_are_replaced_as_a_whole(
        self, uow: SqlAlchemyUnitOfWork, user_id: uuid.UUID
    ) -> None:
        doc = make_document(user_id)
        save(uow, doc)
        with uow:
            stored = uow.documents.get(doc.id)
            assert stored is not None
            stored.replace_items([make_item("Seule ligne", quantity="1", unit_price="5")])
            uow.commit()
        loaded = load(uow, doc.id)
        assert [i.title for i in loaded.items] == ["Seule ligne"]
        assert loaded.total_amount == Decimal("6.00")
        assert loaded.version == 2


def raw_document(user_id: uuid.UUID | None, **values: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": uuid.uuid4(),
        "document_type": "invoice",
        "status": "draft",
        "origin": "service",
        "customer_name": "X",
        "currency": "EUR",
        "total_ht_cents": 0,
        "total_vat_cents": 0,
        "total_amount_cents": 0,
        "amount_paid_cents": 0,
        "created_by": user_id,
        "created_at": NOW,
        "version": 1,
    }
    row.update(values)
    return row


class TestConstraints:
    def test_finalized_without_number_is_rejected(
        self, connection: Connection, user_id: uuid.UUID
    ) -> None:
        with pytest.raises(IntegrityError):
            connection.execute(
                insert(financial_documents).values(raw_document(user_id, status="finalized"))
            )

    def test_draft_with_number_is_rejected(
        self, connection: Connection, user_id: uuid.UUID
    ) -> None:
        with pytest.raises(IntegrityError):
            connection.execute(
                insert(financial_documents).values(raw_document(user_id, number="F-2026-001"))
            )

    def test_duplicate_number_is_rejected(self, connection: Connection, user_id: uuid.UUID) -> None:
        issued = {"status": "finalized", "number": "F-2026-001"}
        connection.execute(insert(financial_documents).values(raw_document(user_id, **issued)))
        with pytest.raises(IntegrityError):
            connection.execute(insert(financial_documents).values(raw_document(user_id, **issued)))

    def test_same_number_in_another_type_is_fine(
        self, connection: Connection, user_id: uuid.UUID
    ) -> None:
        values = {"status": "finalized", "number": "X-1"}
        connection.execute(insert(financial_documents).values(raw_document(user_id, **values)))
        connection.execute(
            insert(financial_documents).values(
                raw_document(user_id, document_type="quote", **values)
            )
        )

    def test_missing_created_by_is_rejected(self, connection: Connection) -> None:
        with pytest.raises(IntegrityError):
            connection.execute(insert(financial_documents).values(raw_document(None)))

    def test_unknown_creator_is_rejected(self, connection: Connection) -> None:
        with pytest.raises(IntegrityError):
            connection.execute(insert(financial_documents).values(raw_document(uuid.uuid4())))

    def test_status_must_fit_the_type(self, connection: Connection, user_id: uuid.UUID) -> None:
        with pytest.raises(IntegrityError):
            connection.execute(
                insert(financial_documents).values(
                    raw_document(user_id, document_type="credit_note", status="paid", number="AV-1")
                )
            )

    def test_unknown_status_is_rejected(self, connection: Connection, user_id: uuid.UUID) -> None:
        connection.execute(insert(financial_documents).values(raw_document(user_id)))
        with pytest.raises(IntegrityError):
            connection.execute(text("UPDATE financial_documents SET status = 'sent'"))

    def test_non_positive_quantity_is_rejected(
        self, connection: Connection, user_id: uuid.UUID
    ) -> None:
        doc = raw_document(user_id)
        connection.execute(insert(financial_documents).values(doc))
        with pytest.raises(IntegrityError):
            connection.execute(
                insert(financial_document_items).values(
                    id=uuid.uuid4(),
                    document_id=doc["id"],
                    position=0,
                    title="x",
                    quantity=Decimal("-1"),
                    unit_price=Decimal(1),
                    vat_rate=Decimal(0),
                    subtotal_cents=0,
                    vat_cents=0,
                    total_cents=0,
                )
            )


class TestFinalizedDocuments:
    @pytest.fixture
    def issued(self, uow: SqlAlchemyUnitOfWork, user_id: uuid.UUID) -> FinancialDocument:
        doc = make_document(user_id)
        save(uow, doc)
        with uow:
            locked = uow.documents.get_for_update(doc.id)
            assert locked is not None
            finalize(locked, user_id, 1)
            uow.documents.record_number(locked, NOW)
            uow.commit()
        return doc

    def test_finalized_state_is_stored(
        self, uow: SqlAlchemyUnitOfWork, issued: FinancialDocument
    ) -> None:
        loaded = load(uow, issued.id)
        assert loaded.status is DocumentStatus.FINALIZED
        assert loaded.number == "F-2026-001"
        assert loaded.finalized_at == NOW
        assert loaded.content_hash is not None
        with uow:
            assert uow.documents.assigned_numbers() == [(DocumentType.INVOICE, "F-2026-001")]
            found = uow.documents.by_number(DocumentType.INVOICE, "F-2026-001")
            assert found is not None
            assert found.id == issued.id

    def test_a_stray_item_edit_is_refused_at_flush(
        self, uow: SqlAlchemyUnitOfWork, issued: FinancialDocument
    ) -> None:
        with uow:
            doc = uow.documents.get(issued.id)
            assert doc is not None
            doc.items[0].title = "Modifié en douce"
            with pytest.raises(errors.DocumentNotEditable):
                uow.commit()

    def test_a_stray_total_edit_is_refused_at_flush(
        self, uow: SqlAlchemyUnitOfWork, issued: FinancialDocument
    ) -> None:
        with uow:
            doc = uow.documents.get(issued.id)
            assert doc is not None
            doc.total_amount = Decimal("1.00")
            with pytest.raises(errors.DocumentNotEditable):
                uow.commit()

    def test_status_moves_are_allowed(
        self, uow: SqlAlchemyUnitOfWork, issued: FinancialDocument
    ) -> None:
        with uow:
            doc = uow.documents.get(issued.id)
            assert doc is not None
            doc.mark_paid(NOW)
            uow.commit()
        assert load(uow, issued.id).status is DocumentStatus.PAID

    def test_cannot_be_deleted(self, uow: SqlAlchemyUnitOfWork, issued: FinancialDocument) -> None:
        with uow:
            doc = uow.documents.get(issued.id)
            assert doc is not None
            with pytest.raises(errors.DocumentNotDeletable):
                uow.documents.delete(doc)

    def test_the_number_table_is_append_only(
        self, connection: Connection, issued: FinancialDocument
    ) -> None:
        from verone.backoffice.db.tables import document_numbers

        with pytest.raises(DBAPIError, match="append-only"):
            connection.execute(update(document_numbers).values(number="F-2026-999"))

    def test_a_number_cannot_be_recorded_twice(
        self, uow: SqlAlchemyUnitOfWork, issued: FinancialDocument
    ) -> None:
        with uow:
            doc = uow.documents.get(issued.id)
            assert doc is not None
            with pytest.raises(IntegrityError):
                uow.documents.record_number(doc, NOW)

    def test_credited_total_counts_issued_credit_notes_only(
        self, uow: SqlAlchemyUnitOfWork, issued: FinancialDocument, user_id: uuid.UUID
    ) -> None:
        with uow:
            invoice = uow.documents.get(issued.id)
            assert invoice is not None
            first = draft_credit_note(
                invoice,
                already_credited=Decimal(0),
                created_by=user_id,
                at=NOW,
                items=[make_item(quantity="1", unit_price="100", vat_rate="0")],
            )
            second = draft_credit_note(
                invoice,
                already_credited=Decimal(0),
                created_by=user_id,
                at=NOW,
                items=[make_item(quantity="1", unit_price="50", vat_rate="0")],
            )
            finalize(first, user_id, 1)
            uow.documents.add(first)
            uow.documents.add(second)
            uow.commit()
        with uow:
            assert uow.documents.credited_total(issued.id) == Decimal("100.00")
            assert {d.id for d in uow.documents.children(issued.id)} == {first.id, second.id}

    def test_drafts_can_be_deleted(self, uow: SqlAlchemyUnitOfWork, user_id: uuid.UUID) -> None:
        doc = make_document(user_id)
        save(uow, doc)
        with uow:
            stored = uow.documents.get(doc.id)
            assert stored is not None
            uow.documents.delete(stored)
            uow.commit()
        with uow:
            assert uow.documents.get(doc.id) is None


class TestListing:
    @pytest.fixture
    def documents(self, uow: SqlAlchemyUnitOfWork, user_id: uuid.UUID) -> list[FinancialDocument]:
        customer = make_customer("Zèbre & Fils")
        with uow:
            uow.customers.add(customer)
            uow.commit()
        docs = []
        for i in range(7):
            doc = make_document(
                user_id,
                customer_name=f"Client {i}",
                items=[make_item(quantity=str(i + 1), unit_price="10")],
            )
            doc.created_at = NOW + timedelta(minutes=i)
            docs.append(doc)
        docs[3].customer_id, docs[3].customer_name = customer.id, customer.display_name
        quote = make_document(user_id, document_type=DocumentType.QUOTE, customer_name="Devis SA")
        docs.append(quote)
        with uow:
            for doc in docs:
                uow.documents.add(doc)
            uow.commit()
        with uow:
            for doc, number in ((docs[0], 1), (docs[1], 2)):
                stored = uow.documents.get(doc.id)
                assert stored is not None
                finalize(stored, user_id, number)
            uow.commit()
        return docs

    def test_pages_and_total(
        self, uow: SqlAlchemyUnitOfWork, documents: list[FinancialDocument]
    ) -> None:
        invoices = DocumentFilter(document_type=DocumentType.INVOICE)
        with uow:
            first = uow.documents.list(invoices, PageRequest(page=1, per_page=3))
            last = uow.documents.list(invoices, PageRequest(page=3, per_page=3))
        assert first.total == 7
        assert first.pages == 3
        assert [d.customer_name for d in first.items] == ["Client 6", "Client 5", "Client 4"]
        assert [d.customer_name for d in last.items] == ["Client 0"]
        assert all(len(d.items) == 1 for d in first.items)

    def test_filters(self, uow: SqlAlchemyUnitOfWork, documents: list[FinancialDocument]) -> None:
        with uow:
            finalized = uow.documents.list(
                DocumentFilter(statuses=frozenset({DocumentStatus.FINALIZED})), PageRequest()
            )
            by_customer = uow.documents.list(
                DocumentFilter(customer_id=documents[3].customer_id), PageRequest()
            )
            searched = uow.documents.list(DocumentFilter(search="ZÈBRE"), PageRequest())
            by_number = uow.documents.list(DocumentFilter(search="f-2026-002"), PageRequest())
            quotes = uow.documents.list(
                DocumentFilter(document_type=DocumentType.QUOTE), PageRequest()
            )
            overdue = uow.documents.list(DocumentFilter(overdue_on=date(2026, 4, 2)), PageRequest())
            not_yet = uow.documents.list(DocumentFilter(overdue_on=date(2026, 4, 1)), PageRequest())
            percent = uow.documents.list(DocumentFilter(search="%"), PageRequest())
        assert finalized.total == 2
        assert [d.id for d in by_customer.items] == [documents[3].id]
        assert searched.total == 1
        assert [d.number for d in by_number.items] == ["F-2026-002"]
        assert [d.customer_name for d in quotes.items] == ["Devis SA"]
        assert overdue.total == 2
        assert not_yet.total == 0
        assert percent.total == 0

    def test_the_search_follows_every_write_and_any_term(
        self, uow: SqlAlchemyUnitOfWork, documents: list[FinancialDocument]
    ) -> None:
        """The search index (a trigram table on SQLite, ``pg_trgm`` on PostgreSQL) answers
        what the scan did: a renamed document is found by its new name only, a deleted one
        no more, short terms and quotes work."""

        def found(term: str) -> list[str]:
            with uow:
                page = uow.documents.list(DocumentFilter(search=term), PageRequest())
                return sorted(d.customer_name for d in page.items)

        assert found("bre & f") == ["Zèbre & Fils"]
        with uow:
            stored = uow.documents.get(documents[5].id)
            assert stored is not None
            stored.customer_name = 'Atelier "Les Ormes"'
            gone = uow.documents.get(documents[6].id)
            assert gone is not None
            uow.documents.delete(gone)
            uow.commit()
        assert found("client 5") == []
        assert found('"les ormes"') == ['Atelier "Les Ormes"']
        assert found("ORMES") == ['Atelier "Les Ormes"']
        assert found("client 6") == []
        assert found("t 4") == ["Client 4"]
        assert found("4") == ["Client 4"]  # shorter than a trigram: the scan
        assert found("f-2026-00") == ["Client 0", "Client 1"]

    def test_sort_by_amount(
        self, uow: SqlAlchemyUnitOfWork, documents: list[FinancialDocument]
    ) -> None:
        with uow:
            page = uow.documents.list(
                DocumentFilter(
                    document_type=DocumentType.INVOICE,
                    sort=DocumentSort.TOTAL_AMOUNT,
                    descending=False,
                ),
                PageRequest(per_page=2),
            )
        assert [d.total_amount for d in page.items] == [Decimal("12.00"), Decimal("24.00")]

    def test_numbering_check_reads_the_numbers_table(
        self, uow: SqlAlchemyUnitOfWork, user_id: uuid.UUID
    ) -> None:
        with uow:
            for sequence in (1, 3):
                doc = make_document(user_id)
                finalize(doc, user_id, sequence)
                uow.documents.add(doc)
                uow.documents.record_number(doc, NOW)
            uow.commit()
        with uow:
            report = check_numbering(uow.documents.assigned_numbers())
        assert report.series[0].gaps == (2,)


@pytest.mark.parametrize(
    ("sort", "descending"),
    [
        (DocumentSort.CREATED_AT, True),
        (DocumentSort.CREATED_AT, False),
        (DocumentSort.DUE_DATE, True),  # nullable: NULLs stay last, read from either end
        (DocumentSort.DUE_DATE, False),
    ],
)
def test_every_page_matches_one_ordered_list_whichever_end_it_is_read_from(
    uow: SqlAlchemyUnitOfWork, user_id: uuid.UUID, sort: DocumentSort, descending: bool
) -> None:
    documents = []
    for n in range(9):
        document = make_document(user_id, customer_name=f"Tri {n}")
        document.created_at = NOW + timedelta(minutes=n % 4)  # ties broken by id
        document.due_date = None if n % 3 == 0 else date(2026, 1, 1) + timedelta(days=n % 2)
        documents.append(document)
    with uow:
        for document in documents:
            uow.documents.add(document)
        uow.commit()
    criteria = DocumentFilter(
        document_type=DocumentType.INVOICE, search="Tri ", sort=sort, descending=descending
    )
    with uow:
        whole = uow.documents.list(criteria, PageRequest(page=1, per_page=9))
        assert whole.total == 9
        expected = [d.id for d in whole.items]
        pages = [
            uow.documents.list(criteria, PageRequest(page=p, per_page=2)) for p in (1, 2, 3, 4, 5)
        ]
        beyond = uow.documents.list(criteria, PageRequest(page=6, per_page=2))
    assert [d.id for page in pages for d in page.items] == expected
    assert [len(page.items) for page in pages] == [2, 2, 2, 2, 1]
    assert beyond.items == []
    assert beyond.total == 9
    key = "created_at" if sort is DocumentSort.CREATED_AT else "due_date"
    values = [getattr(d, key) for d in whole.items]
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=descending)
    assert values[len(present) :] == [None] * (len(values) - len(present))
