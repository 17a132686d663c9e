"""What the repositories share: the caller's session (they never commit), adding an entity and
finding it (by id, by other columns, locked), and reading one page of a list with its total."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Table, func, select
from sqlalchemy.orm import Session

from verone.backoffice.db.locks import is_postgresql
from verone.backoffice.domain.queries import Page, PageRequest

E = TypeVar("E")
T = TypeVar("T")


class Repository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def _page(
        self,
        entity: type[T],
        table: Table,
        where: Sequence[ColumnElement[bool]],
        order_by: Sequence[ColumnElement[Any]],
        page: PageRequest,
    ) -> Page[T]:
        """The rows of ``table`` that match ``where``, one page of them in ``order_by``."""
        total = self._session.scalar(select(func.count()).select_from(table).where(*where))
        query = (
            select(entity)
            .where(*where)
            .order_by(*order_by)
            .offset(page.offset)
            .limit(page.per_page)
        )
        return Page(list(self._session.scalars(query)), total or 0, page.page, page.per_page)


class EntityRepository(Repository, Generic[E]):
    """The repository of one entity class (``_entity``), stored in ``_table`` by ``id``."""

    _entity: type[E]
    _table: Table

    def add(self, item: E) -> None:
        self._session.add(item)

    def get(self, item_id: uuid.UUID) -> E | None:
        return self._session.get(self._entity, item_id)

    def _first(
        self, *where: ColumnElement[bool], order_by: Sequence[ColumnElement[Any]] = ()
    ) -> E | None:
        """The first entity that matches ``where`` (in ``order_by``), or ``None``."""
        return self._session.scalars(select(self._entity).where(*where).order_by(*order_by)).first()

    def _all(
        self, *where: ColumnElement[bool], order_by: Sequence[ColumnElement[Any]] = ()
    ) -> list[E]:
        """Every entity that matches ``where``, in ``order_by``."""
        return list(self._session.scalars(select(self._entity).where(*where).order_by(*order_by)))

    def _get_locked(self, item_id: uuid.UUID) -> E | None:
        """Load the row and lock it until the transaction ends (``FOR UPDATE`` on PostgreSQL;
        on SQLite the transaction already holds the write lock, ``BEGIN IMMEDIATE``)."""
        query = select(self._entity).where(self._table.c.id == item_id)
        if is_postgresql(self._session):
            query = query.with_for_update(of=self._table)
        return self._session.scalars(query.execution_options(populate_existing=True)).first()
