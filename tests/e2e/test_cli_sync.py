"""``verone sync transactions|documents`` and ``verone reconcile`` against a served sandbox."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tests.e2e.conftest import LiveServer, cli_environment
from verone.backoffice.db.session import make_engine, make_session_factory
from verone.backoffice.db.uow import SqlAlchemyUnitOfWork
from verone.backoffice.domain.users import Role, User
from verone.cli import app
from verone.sandbox.app import create_app as create_sandbox_app
from verone.sandbox.config import SandboxConfig
from verone.sandbox.state import SandboxState


def test_sync_then_reconcile_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = SandboxState(SandboxConfig(seed=3, transactions=0, pdf_delay_seconds=10.0))
    with LiveServer(create_sandbox_app(state)) as sandbox:
        url = cli_environment(monkeypatch, tmp_path, sandbox.port)
        seeded = httpx.post(
            f"{sandbox.url}/_sandbox/seed",
            json={"seed": 3, "transactions": 250, "clients": 5, "invoices": 20},
            timeout=30,
        )
        assert seeded.status_code == 200
        runner = CliRunner()
        first = runner.invoke(app, ["sync", "transactions", "--json"])
        assert first.exit_code == 0, first.output
        accounts = json.loads(first.output)["accounts"]
        assert sum(a["written"] for a in accounts) == len(state.banking.all_transactions())
        assert all(a["gaps"] == [] and a["status"] == "succeeded" for a in accounts)
        booked = httpx.post(
            f"{sandbox.url}/_sandbox/incoming-transfer",
            json={"amount": "12.34", "reference": "x", "counterparty_name": "Dupont"},
            timeout=10,
        )
        assert booked.status_code == 201
        again = runner.invoke(app, ["sync", "transactions"])
        assert again.exit_code == 0, again.output
        assert "0 ignorées" in again.output
        dry = runner.invoke(app, ["reconcile", "--json"])
        assert dry.exit_code == 0, dry.output
        assert json.loads(dry.output)["dry_run"] is True
        documents = runner.invoke(app, ["sync", "documents"])
        assert documents.exit_code == 1
        assert "--user" in documents.output
        _add_user(url, "compta@verone.test")
        documents = runner.invoke(
            app, ["sync", "documents", "--user", "compta@verone.test", "--json"]
        )
        assert documents.exit_code == 0, documents.output
        synced = json.loads(documents.output)
        assert synced["seen"] == len(synced["imported"]) > 0
        applied = runner.invoke(app, ["reconcile", "--apply"])
        assert applied.exit_code == 0, applied.output
        assert "appliqué(s)" in applied.output


def _add_user(url: str, email: str) -> None:
    engine = make_engine(url)
    try:
        uow = SqlAlchemyUnitOfWork(make_session_factory(engine))
        with uow:
            uow.users.add(
                User(
                    email=email,
                    display_name="Compta",
                    role=Role.ACCOUNTANT,
                    password_hash="unused",
                    created_at=datetime.now(UTC),
                )
            )
            uow.commit()
    finally:
        engine.dispose()
