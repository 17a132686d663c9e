"""Builders the migrations share: columns, named constraints and indexes, spelled once.

Each call returns new objects, exactly what the migration would have written out by hand
(``sa.Column("created_at", UTCDateTime(), nullable=False)``, ``name=op.f("pk_users")``, …).
They know nothing of the models in ``tables.py``: a migration keeps its meaning whatever the
models become, and what these builders make must never change either (add a new one instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from verone.backoffice.db.types import Cents, ExactDecimal, UTCDateTime

Column = sa.Column[Any]


def uuid(name: str, *, nullable: bool = False) -> Column:
    return sa.Column(name, sa.Uuid(), nullable=nullable)


def string(name: str, length: int, *, nullable: bool = False) -> Column:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def text(name: str, *, nullable: bool = False) -> Column:
    return sa.Column(name, sa.Text(), nullable=nullable)


def integer(name: str, *, nullable: bool = False) -> Column:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def boolean(name: str) -> Column:
    return sa.Column(name, sa.Boolean(), nullable=False)


def day(name: str, *, nullable: bool = False) -> Column:
    return sa.Column(name, sa.Date(), nullable=nullable)


def timestamp(name: str, *, nullable: bool = False) -> Column:
    """A UTC timestamp (``types.UTCDateTime``)."""
    return sa.Column(name, UTCDateTime(), nullable=nullable)


def money(name: str, *, nullable: bool = False) -> Column:
    """An amount in integer cents (``types.Cents``)."""
    return sa.Column(name, Cents(), nullable=nullable)


def exact(name: str, *, nullable: bool = False) -> Column:
    """A quantity or a rate (``types.ExactDecimal``, 18 digits, 6 decimals)."""
    return sa.Column(name, ExactDecimal(precision=18, scale=6), nullable=nullable)


def choice(name: str, *values: str, nullable: bool = False) -> Column:
    """A string enum: VARCHAR(32) with a CHECK named after the column, no native enum."""
    kind = sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)
    return sa.Column(name, kind, nullable=nullable)


def discount() -> list[Column]:
    """A document's, an order's or a line's optional discount: its kind and its value."""
    return [
        choice("discount_kind", "percentage", "absolute", nullable=True),
        exact("discount_value", nullable=True),
    ]


def line_amounts() -> list[Column]:
    """What an order line and a document line are priced from."""
    return [exact("quantity"), exact("unit_price"), exact("vat_rate"), *discount()]


def primary_key(table: str, column: str = "id") -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(column, name=op.f(f"pk_{table}"))


def unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def check(table: str, name: str, condition: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(condition, name=op.f(f"ck_{table}_{name}"))


def foreign_key(
    table: str, column: str, target: str, *, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    """``column`` references ``target.id``."""
    name = op.f(f"fk_{table}_{column}_{target}")
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=name, ondelete=ondelete)


def create_indexes(table: str, *indexes: Sequence[str]) -> None:
    """One index per column list, named ``ix_<table>_<first column>``."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for columns in indexes:
            batch_op.create_index(batch_op.f(f"ix_{table}_{columns[0]}"), columns, unique=False)


def drop_table(table: str, *indexed: str) -> None:
    """Drop the indexes named after the ``indexed`` first columns (in that order), then the
    table."""
    if indexed:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in indexed:
                batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
    op.drop_table(table)
