"""``verone audit verify`` and ``verone numbering check`` on a real SQLite database."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text, update
from typer.testing import CliRunner

from tests.unit.domain.factories import finalize, make_customer, make_document, make_user
from verone.backoffice.bootstrap import SystemClock
from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.tables_ops import audit_log
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.services.actors import Actor
from verone.backoffice.services.audit import record_audit
from verone.cli import app


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Engine]:
    for name in list(os.environ):
        if name.startswith(("VERONE_", "QONTO_")):
            monkeypatch.delenv(name)
    url = f"sqlite:///{tmp_path / 'verone.sqlite3'}"
    upgrade_database(url)
    monkeypatch.setenv("VERONE_DATABASE_URL", url)
    monkeypatch.setenv("VERONE_VAR_DIR", str(tmp_path / "var"))
    engine = make_engine(url)
    yield engine
    engine.dispose()


def _uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(make_session_factory(engine))


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _forge(engine: Engine, seq: int, **values: str) -> None:
    """Alter an entry below the code, as someone with database access could."""
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(update(audit_log).where(audit_log.c.seq == seq).values(**values))


def _audit(engine: Engine, count: int) -> None:
    for index in range(count):
        record_audit(
            _uow(engine), SystemClock(), Actor.cli(), "invoice.finalized", "doc", f"d-{index}"
        )


class TestAuditVerify:
    def test_an_empty_log_is_intact(self, engine: Engine) -> None:
        code, out, _ = _invoke("audit", "verify")
        assert code == 0
        assert "0 entrées" in out

    def test_an_untouched_chain_is_intact(self, engine: Engine) -> None:
        _audit(engine, 3)
        code, out, _ = _invoke("audit", "verify", "--json")
        assert code == 0
        assert json.loads(out) == {"ok": True, "entries": 3, "firstBreak": None}

    def test_an_altered_entry_is_reported_with_exit_1(self, engine: Engine) -> None:
        _audit(engine, 3)
        _forge(engine, 2, entity_id="forged")
        code, out, _ = _invoke("audit", "verify", "--json")
        assert code == 1
        data = json.loads(out)
        assert data["ok"] is False
        assert data["firstBreak"]["seq"] == 2

    def test_the_human_report_names_the_broken_entry(self, engine: Engine) -> None:
        _audit(engine, 2)
        _forge(engine, 1, action="edited")
        code, _, err = _invoke("audit", "verify")
        assert code == 1
        assert "n° 1" in err


def _issue_invoices(engine: Engine, sequences: list[int]) -> None:
    user, customer = make_user(), make_customer()
    with _uow(engine) as uow:
        uow.users.add(user)
        uow.customers.add(customer)
        uow.commit()
    for sequence in sequences:
        with _uow(engine) as uow:
            document = make_document(user.id, customer=customer)
            finalize(document, user.id, sequence)
            uow.documents.add(document)
            uow.flush()
            uow.documents.record_number(document, document.created_at)
            uow.commit()


class TestNumberingCheck:
    def test_no_numbers_yet_is_fine(self, engine: Engine) -> None:
        code, out, _ = _invoke("numbering", "check")
        assert code == 0
        assert "Aucun numéro" in out

    def test_a_continuous_series_is_fine(self, engine: Engine) -> None:
        _issue_invoices(engine, [1, 2, 3])
        code, out, _ = _invoke("numbering", "check", "--json")
        assert code == 0
        data = json.loads(out)
        assert data["ok"] is True
        assert data["series"] == [
            {
                "documentType": "invoice",
                "year": 2026,
                "count": 3,
                "highest": 3,
                "gaps": [],
                "duplicates": [],
            }
        ]

    def test_a_gap_is_reported_with_exit_1(self, engine: Engine) -> None:
        _issue_invoices(engine, [1, 2, 4, 5])
        code, out, _ = _invoke("numbering", "check", "--json")
        assert code == 1
        assert json.loads(out)["series"][0]["gaps"] == [3]

    def test_the_human_report_shows_the_missing_number(self, engine: Engine) -> None:
        _issue_invoices(engine, [1, 3])
        code, out, err = _invoke("numbering", "check")
        assert code == 1
        assert "trous" in err
        assert "│ 2 " in out
