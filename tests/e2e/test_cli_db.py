"""``verone db upgrade`` against a fresh SQLite file and a fresh PostgreSQL schema."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from tests.integration.databases import postgres_url
from verone.backoffice.db.session import make_engine
from verone.cli import app

EXPECTED_TABLES = {"users", "customers", "sales_orders", "financial_documents", "outbox"}


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    for name in list(os.environ):
        if name.startswith(("VERONE_", "QONTO_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("VERONE_VAR_DIR", str(tmp_path / "var"))
    return CliRunner()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


class TestUpgrade:
    def test_creates_every_table_in_a_new_sqlite_file(
        self, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        url = f"sqlite:///{tmp_path / 'data' / 'verone.sqlite3'}"
        monkeypatch.setenv("VERONE_DATABASE_URL", url)
        result = runner.invoke(app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert "à jour" in result.stdout
        assert EXPECTED_TABLES <= _tables(url)

    def test_is_idempotent(
        self, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("VERONE_DATABASE_URL", f"sqlite:///{tmp_path / 'v.sqlite3'}")
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0

    @pytest.mark.postgres
    def test_creates_every_table_in_postgresql(
        self, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        base = postgres_url()
        schema = f"verone_cli_{uuid.uuid4().hex[:10]}"
        admin = make_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            url = f"{base}?options=-csearch_path%3D{schema}"
            monkeypatch.setenv("VERONE_DATABASE_URL", url)
            result = runner.invoke(app, ["db", "upgrade"])
            assert result.exit_code == 0, result.output
            assert "postgresql" in result.stdout
            assert EXPECTED_TABLES <= _tables(url)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

    def test_an_unreachable_postgresql_is_a_clear_error(
        self, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv(
            "VERONE_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"
        )
        result = runner.invoke(app, ["db", "upgrade"])
        assert result.exit_code == 1
        assert "injoignable" in result.stderr
        assert "VERONE_DATABASE_URL" in result.stderr

    def test_a_bad_setting_names_the_variable(
        self, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("VERONE_DATABASE_URL", "mysql://root@localhost/verone")
        result = runner.invoke(app, ["db", "upgrade"])
        assert result.exit_code == 1
        assert "VERONE_DATABASE_URL" in result.stderr
        assert "Traceback" not in result.output
