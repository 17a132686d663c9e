"""``verone outbox list|settle`` against SQLite and the sandbox served on a loopback port."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.unit.domain.factories import make_customer
from verone.backoffice.bootstrap import SystemClock
from verone.backoffice.db.migrate import upgrade_database
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain.operations import OutboxStatus
from verone.backoffice.services.outbox.write import Operation, record_intent
from verone.cli import app
from verone.cli._embedded import EmbeddedSandbox, free_port


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Engine]:
    for name in list(os.environ):
        if name.startswith(("VERONE_", "QONTO_")):
            monkeypatch.delenv(name)
    url = f"sqlite:///{tmp_path / 'verone.sqlite3'}"
    upgrade_database(url)
    monkeypatch.setenv("VERONE_DATABASE_URL", url)
    monkeypatch.setenv("VERONE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("QONTO_MAX_RETRIES", "0")
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[EmbeddedSandbox]:
    running = EmbeddedSandbox(free_port(), tmp_path / "sandbox.json")
    running.start()
    monkeypatch.setenv("VERONE_SANDBOX_PORT", str(running.port))
    yield running
    running.stop()


def _uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(make_session_factory(engine))


def _pending_client_creation(engine: Engine) -> tuple[uuid.UUID, uuid.UUID]:
    """A customer whose Qonto client creation was recorded, then the process died."""
    customer = make_customer("Maison Lumière SARL", "compta@maison-lumiere.test")
    with _uow(engine) as uow:
        uow.customers.add(customer)
        entry = record_intent(
            uow,
            SystemClock(),
            Operation.CREATE_CLIENT,
            document_id=None,
            context={"customer_id": str(customer.id)},
        )
        uow.commit()
    return customer.id, entry.id


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["outbox", *args])
    return result.exit_code, result.stdout, result.stderr


class TestList:
    def test_nothing_pending(self, engine: Engine) -> None:
        code, out, _ = _invoke("list")
        assert code == 0
        assert "Aucune écriture" in out

    def test_lists_a_pending_write_as_json(self, engine: Engine) -> None:
        _, entry_id = _pending_client_creation(engine)
        code, out, _ = _invoke("list", "--json")
        assert code == 0
        [entry] = json.loads(out)
        assert entry["id"] == str(entry_id)
        assert entry["operation"] == "create_client"
        assert entry["status"] == "pending"

    def test_lists_a_pending_write_as_a_table(self, engine: Engine) -> None:
        _pending_client_creation(engine)
        code, out, _ = _invoke("list")
        assert code == 0
        assert "create_client" in out


class TestSettle:
    def test_recent_entries_are_left_alone(self, engine: Engine) -> None:
        _, entry_id = _pending_client_creation(engine)
        code, out, _ = _invoke("settle", "--min-age", "3600", "--json")
        assert code == 0
        assert json.loads(out) == {"succeeded": [], "failed": [], "leftOpen": []}
        with _uow(engine) as uow:
            entry = uow.outbox.get(entry_id)
            assert entry is not None
            assert entry.status is OutboxStatus.PENDING

    def test_settles_a_pending_client_creation_through_the_sandbox(
        self, engine: Engine, sandbox: EmbeddedSandbox
    ) -> None:
        customer_id, entry_id = _pending_client_creation(engine)
        code, out, _ = _invoke("settle", "--min-age", "0", "--json")
        assert code == 0, out
        assert json.loads(out)["succeeded"] == [str(entry_id)]
        with _uow(engine) as uow:
            customer = uow.customers.get(customer_id)
            entry = uow.outbox.get(entry_id)
        assert customer is not None
        assert customer.qonto_client_id is not None
        assert entry is not None
        assert entry.status is OutboxStatus.SUCCEEDED
        assert _invoke("list")[1].strip().startswith("Aucune")

    def test_an_unreachable_qonto_leaves_the_entry_open_and_exits_1(
        self, engine: Engine, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("VERONE_SANDBOX_PORT", str(free_port()))  # nothing listens there
        _, entry_id = _pending_client_creation(engine)
        code, out, _ = _invoke("settle", "--min-age", "0")
        assert code == 1
        assert "toujours ouvertes (Qonto injoignable) : 1" in out
        with _uow(engine) as uow:
            entry = uow.outbox.get(entry_id)
            assert entry is not None
            assert not entry.settled
