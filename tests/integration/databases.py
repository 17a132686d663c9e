"""Where the test databases are: PostgreSQL from ``VERONE_TEST_POSTGRES_URL`` (or the local
server), each test session in its own schema."""

from __future__ import annotations

import os

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str:
    return os.environ.get("VERONE_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"
