"""Financial documents (with their items), the numbers ever assigned, and credit totals."""

from __future__ import annotations

import builtins
import dataclasses
import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    and_,
    column,
    func,
    insert,
    literal_column,
    or_,
    select,
    table,
)

from verone.backoffice.db.locks import is_postgresql
from verone.backoffice.db.repositories._base import EntityRepository
from verone.backoffice.db.tables import (
    DOCUMENT_SEARCH,
    document_numbers,
    document_tallies,
    financial_documents,
)
from verone.backoffice.domain.documents import FinancialDocument
from verone.backoffice.domain.kinds import KINDS
from verone.backoffice.domain.queries import (
    DocumentFilter,
    DocumentSort,
    DocumentTotals,
    Page,
    PageRequest,
)
from verone.backoffice.domain.statuses import DocumentStatus, DocumentType
from verone.money import ZERO, from_cents

#: The kinds that can be overdue (invoices) and that credit their parent (credit notes)
PAYABLE = tuple(kind.type for kind in KINDS if kind.payable)
CREDITING = tuple(kind.type for kind in KINDS if kind.credits_parent)

D = financial_documents.c
T = document_tallies.c

_SORT_COLUMNS = {
    DocumentSort.CREATED_AT: D.created_at,
    DocumentSort.ISSUE_DATE: D.issue_date,
    DocumentSort.DUE_DATE: D.due_date,
    DocumentSort.NUMBER: D.number,
    DocumentSort.CUSTOMER_NAME: D.customer_name,
    DocumentSort.TOTAL_AMOUNT: D.total_amount_cents,
}

#: Documents in the order they were made.
_IN_ORDER = (D.created_at, D.id)

_SEARCH = table(DOCUMENT_SEARCH, column("rowid"))  # SQLite's trigram table
_TRIGRAM = 3  # the shortest term the trigram index can answer


def _search(term: str, sqlite: bool) -> ColumnElement[bool]:
    """Documents whose number or customer name contains ``term``, any case. SQLite reads its
    FTS5 trigram table (a phrase there is a substring); PostgreSQL's ``pg_trgm`` indexes
    serve the ``LIKE`` itself (docs/performance.md)."""
    if sqlite and len(term) >= _TRIGRAM:
        phrase = '"' + term.replace('"', '""') + '"'
        matching = select(_SEARCH.c.rowid).where(literal_column(_SEARCH.name).op("MATCH")(phrase))
        return literal_column("financial_documents.rowid").in_(matching)
    return or_(
        func.lower(D.number).contains(term, autoescape=True),
        func.lower(D.customer_name).contains(term, autoescape=True),
    )


def _conditions(criteria: DocumentFilter, sqlite: bool) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if criteria.document_type is not None:
        where.append(D.document_type == criteria.document_type)
    if criteria.origin is not None:
        where.append(D.origin == criteria.origin)
    if criteria.statuses:
        where.append(D.status.in_(sorted(criteria.statuses)))
    if criteria.customer_id is not None:
        where.append(D.customer_id == criteria.customer_id)
    if criteria.sales_order_id is not None:
        where.append(D.sales_order_id == criteria.sales_order_id)
    if criteria.search:
        where.append(_search(criteria.search.strip().lower(), sqlite))
    if criteria.issued_from is not None:
        where.append(D.issue_date >= criteria.issued_from)
    if criteria.issued_to is not None:
        where.append(D.issue_date <= criteria.issued_to)
    if criteria.overdue_on is not None:
        where.append(
            and_(
                D.document_type.in_(PAYABLE),
                D.status == DocumentStatus.FINALIZED,
                D.due_date < criteria.overdue_on,
            )
        )
    if criteria.partly_paid:
        where.append(
            and_(
                D.status == DocumentStatus.FINALIZED,
                D.amount_paid_cents > 0,
            )
        )
    if criteria.amount_min is not None:
        where.append(D.total_amount_cents >= criteria.amount_min)
    if criteria.amount_max is not None:
        where.append(D.total_amount_cents <= criteria.amount_max)
    return where


def _tally_conditions(criteria: DocumentFilter) -> list[ColumnElement[bool]] | None:
    """The tallies' rows of the documents ``criteria`` selects, when it selects by kind and
    status only; ``None`` when another criterion needs the documents themselves."""
    rest = dataclasses.replace(criteria, document_type=None, statuses=frozenset())
    if rest != DocumentFilter(sort=criteria.sort, descending=criteria.descending):
        return None
    where: list[ColumnElement[bool]] = []
    if criteria.document_type is not None:
        where.append(T.document_type == criteria.document_type)
    if criteria.statuses:
        where.append(T.status.in_(sorted(criteria.statuses)))
    return where


class DocumentRepository(EntityRepository[FinancialDocument]):
    """Invoices, quotes and credit notes; each loads with its items."""

    _entity, _table = FinancialDocument, financial_documents

    def _conditions(self, criteria: DocumentFilter) -> list[ColumnElement[bool]]:
        return _conditions(criteria, sqlite=not is_postgresql(self._session))

    def get_for_update(self, document_id: uuid.UUID) -> FinancialDocument | None:
        """Load and lock the document row until the transaction ends (a second caller
        waits)."""
        return self._get_locked(document_id)

    def by_qonto_id(self, document_type: DocumentType, qonto_id: str) -> FinancialDocument | None:
        return self._first(D.document_type == document_type, D.qonto_id == qonto_id)

    def by_qonto_ids(
        self, document_type: DocumentType, qonto_ids: Collection[str]
    ) -> dict[str, FinancialDocument]:
        """The documents of these Qonto ids, by Qonto id, in one query (a sync's batch)."""
        if not qonto_ids:
            return {}
        found = self._all(D.document_type == document_type, D.qonto_id.in_(sorted(qonto_ids)))
        return {document.qonto_id: document for document in found if document.qonto_id}

    def by_number(self, document_type: DocumentType, number: str) -> FinancialDocument | None:
        return self._first(D.document_type == document_type, D.number == number)

    def by_order(self, sales_order_id: uuid.UUID) -> list[FinancialDocument]:
        return self._all(D.sales_order_id == sales_order_id, order_by=_IN_ORDER)

    def children(self, parent_id: uuid.UUID) -> list[FinancialDocument]:
        """Documents made from this one (credit notes of an invoice, invoice of a quote)."""
        return self._all(D.parent_document_id == parent_id, order_by=_IN_ORDER)

    def children_of(
        self, parent_ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, list[FinancialDocument]]:
        """``children`` of many documents in one query (a sync's batch), by parent id."""
        found: dict[uuid.UUID, list[FinancialDocument]] = {}
        if parent_ids:
            where = D.parent_document_id.in_(sorted(parent_ids))
            for child in self._all(where, order_by=_IN_ORDER):
                if child.parent_document_id is not None:
                    found.setdefault(child.parent_document_id, []).append(child)
        return found

    def list(self, criteria: DocumentFilter, page: PageRequest) -> Page[FinancialDocument]:
        """One page, in the filter's order; indexes ``(document_type[, status], created_at,
        id)`` serve the default order, and a page past the middle is read from the other
        end (a short offset instead of a long one)."""
        where = self._conditions(criteria)
        tallied = _tally_conditions(criteria)
        if tallied is None:
            counted = select(func.count()).select_from(financial_documents).where(*where)
        else:  # a few rows of the tallies instead of every matching document
            counted = select(func.sum(T.documents)).where(*tallied)
        total = int(self._session.scalar(counted) or 0)
        if page.offset >= total:
            return Page(items=[], total=total, page=page.page, per_page=page.per_page)
        column = _SORT_COLUMNS[criteria.sort]
        descending, offset, limit = criteria.descending, page.offset, page.per_page
        from_end = offset + limit / 2 > total / 2
        if from_end:  # the same rows, counted from the last one
            descending = not descending
            limit = min(limit, total - offset)
            offset = total - offset - limit
        first = column.desc() if descending else column.asc()
        if column.nullable:  # NULLs last in the asked order, so first when read backwards
            first = first.nulls_first() if from_end else first.nulls_last()
        # ties broken by id in the same direction, so one index walk serves the whole order
        order = (first, D.id.desc() if descending else D.id.asc())
        query = select(D.id).where(*where).order_by(*order).offset(offset).limit(limit)
        ids = list(self._session.scalars(query))  # on the index alone, then 25 rows by id
        found = {
            doc.id: doc
            for doc in self._session.scalars(select(FinancialDocument).where(D.id.in_(ids)))
        }
        ordered = [found[i] for i in ids if i in found]
        if from_end:
            ordered.reverse()
        return Page(items=ordered, total=total, page=page.page, per_page=page.per_page)

    def totals(self, criteria: DocumentFilter) -> DocumentTotals:
        """Count and sums (HT, TTC, still due) of every document ``criteria`` selects."""
        tallied = _tally_conditions(criteria)
        if tallied is None:
            source, where = D, self._conditions(criteria)
            count: ColumnElement[int] = func.count()
        else:  # a few rows of the tallies instead of every matching document
            source, where, count = T, tallied, func.sum(T.documents)
        row = self._session.execute(
            select(
                func.coalesce(count, 0, type_=BigInteger),
                func.coalesce(func.sum(source.total_ht_cents), 0, type_=BigInteger),
                func.coalesce(func.sum(source.total_amount_cents), 0, type_=BigInteger),
                func.coalesce(
                    func.sum(source.total_amount_cents - source.amount_paid_cents),
                    0,
                    type_=BigInteger,
                ),
            ).where(*where)
        ).one()
        return DocumentTotals(
            count=int(row[0]),
            total_ht=from_cents(int(row[1])),
            total_amount=from_cents(int(row[2])),
            amount_due=from_cents(int(row[3])),
        )

    def receivables_by_due_date(self) -> builtins.list[tuple[date | None, Decimal]]:
        """What finalized invoices still owe, summed per due date (the ageing chart)."""
        rows = self._session.execute(
            select(
                D.due_date,
                func.sum(D.total_amount_cents - D.amount_paid_cents, type_=BigInteger),
            )
            .where(D.document_type.in_(PAYABLE), D.status == DocumentStatus.FINALIZED)
            .group_by(D.due_date)
        )
        return [(due, from_cents(int(cents or 0))) for due, cents in rows]

    def paid_between(self, start: datetime, end: datetime) -> Decimal:
        """TTC of the invoices marked paid in ``[start, end)``."""
        cents = self._session.scalar(
            select(func.coalesce(func.sum(D.total_amount_cents), 0, type_=BigInteger)).where(
                D.document_type.in_(PAYABLE),
                D.status == DocumentStatus.PAID,
                D.paid_at >= start,
                D.paid_at < end,
            )
        )
        return from_cents(int(cents or 0))

    def credited_total(self, invoice_id: uuid.UUID) -> Decimal:
        """TTC of the issued credit notes of an invoice."""
        cents = self._session.scalar(
            select(func.coalesce(func.sum(D.total_amount_cents), 0, type_=BigInteger)).where(
                D.document_type.in_(CREDITING),
                D.parent_document_id == invoice_id,
                D.number.is_not(None),
            )
        )
        return from_cents(int(cents)) if cents else ZERO

    def delete(self, document: FinancialDocument) -> None:
        """Delete a draft or pending document (anything issued is refused)."""
        document.ensure_deletable()
        self._session.delete(document)

    def record_number(self, document: FinancialDocument, at: datetime) -> None:
        """Keep the number just assigned, forever (unique per document type)."""
        self.record_numbers([document], at)

    def record_numbers(self, documents: Sequence[FinancialDocument], at: datetime) -> None:
        """``record_number`` for many documents: one flush, one insert of every number."""
        if any(document.number is None for document in documents):
            raise ValueError("the document has no number yet")
        if not documents:
            return
        self._session.flush()
        self._session.execute(
            insert(document_numbers),
            [
                {
                    "document_type": document.document_type,
                    "number": document.number,
                    "document_id": document.id,
                    "assigned_at": at,
                }
                for document in documents
            ],
        )

    def assigned_numbers(self) -> Sequence[tuple[DocumentType, str]]:
        """Every number ever assigned, for the numbering-integrity check."""
        rows = self._session.execute(
            select(document_numbers.c.document_type, document_numbers.c.number).order_by(
                document_numbers.c.id
            )
        )
        return [(DocumentType(kind), str(number)) for kind, number in rows]
