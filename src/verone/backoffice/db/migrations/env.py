"""Alembic environment: the back office's metadata, the URL from the config or the environment."""

from __future__ import annotations

import os
from functools import partial

from alembic import context
from sqlalchemy import func, select

from verone.backoffice.db import tables_ops  # noqa: F401  # registers the operations tables
from verone.backoffice.db.locks import lock_key
from verone.backoffice.db.session import make_engine
from verone.backoffice.db.tables import SEARCH_INDEX_PREFIXES, metadata

config = context.config
MIGRATION_LOCK = "migrations"


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("VERONE_DATABASE_URL")
    if not url:
        raise RuntimeError("set sqlalchemy.url or VERONE_DATABASE_URL")
    return url


def _modelled(name: str | None, type_: str, parent_names: object) -> bool:
    """The schema objects the models describe: the search index (an FTS5 table and its
    shadow tables on SQLite, ``pg_trgm`` indexes on PostgreSQL) is its migration's alone."""
    return not (name or "").startswith(SEARCH_INDEX_PREFIXES)


#: Both modes compare the database with the models, types included, in batch mode (SQLite).
_configure = partial(
    context.configure,
    target_metadata=metadata,
    render_as_batch=True,
    compare_type=True,
    include_name=_modelled,
)


def run_offline() -> None:
    _configure(url=_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _configure(connection=connection)
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    # workers starting together migrate one after the other; the next one
                    # then finds the schema at head (docs/operations.md)
                    connection.execute(select(func.pg_advisory_xact_lock(lock_key(MIGRATION_LOCK))))
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
